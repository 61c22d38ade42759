// Command smtp-sink runs package smtpsink for the browser tests: a real
// SMTP server on 127.0.0.1 that writes every message it receives to a
// folder, as NNN.eml (written whole, then renamed, so a reader never sees
// half a message), and a JSON line of who to on standard output.
//
//	smtp-sink -addr 127.0.0.1:2525 -dir /tmp/mail
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"

	"skranke/internal/smtpsink"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:2525", "listen address")
	dir := flag.String("dir", "", "folder to write the messages to; emptied at start")
	flag.Parse()
	if *dir == "" {
		log.Fatal("smtp-sink: -dir is required")
	}
	if err := os.RemoveAll(*dir); err != nil {
		log.Fatal(err)
	}
	if err := os.MkdirAll(*dir, 0o750); err != nil {
		log.Fatal(err)
	}
	var mu sync.Mutex
	n := 0
	srv, err := smtpsink.Start(*addr, func(m smtpsink.Mail) {
		mu.Lock()
		defer mu.Unlock()
		n++
		name := filepath.Join(*dir, fmt.Sprintf("%03d.eml", n))
		if err := os.WriteFile(name+".tmp", m.Data, 0o640); err != nil {
			log.Print(err)
			return
		}
		if err := os.Rename(name+".tmp", name); err != nil {
			log.Print(err)
		}
		line, _ := json.Marshal(map[string]any{"file": name, "from": m.From, "to": m.To})
		fmt.Println(string(line))
	})
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("smtp-sink: listening on %s, writing to %s", srv.Addr, *dir)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	srv.Stop()
}
