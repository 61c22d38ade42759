//go:build !race

// The race detector doubles every goroutine's stack guard, and with it the
// stack a reading goroutine needs at this depth: this file's test runs
// without it (make test-go runs it apart from the race run).

package apptest_test

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"skranke/internal/apptest"
	"skranke/internal/server"
)

// An idle customer socket's reading goroutine keeps a 4 KB stack, not
// 8 KB, after it has carried a message, an unknown frame and a client's
// ping (whose pong it writes itself). The runtime halves a grown stack at
// a collection only while less than a quarter of it is in use, and a
// goroutine parked in a read is about 2.1 KB deep, so one that grows to
// 8 KB once keeps it for the socket's life (docs/benchmarks.md,
// 2026-12-04). A whole node serves the sockets, so the reading goroutine
// has every frame production gives it; the clients read on the test's
// goroutine and add no goroutine. Measured as the growth of the process's
// goroutine stacks per socket.
func TestIdleSocket_keepsASmallStack(t *testing.T) {
	const n = 200
	a := apptest.Start(t, apptest.Options{Limits: &server.Limits{}}) // none: 200 customers from one address
	customers := make([]*apptest.Customer, n)
	for i := range customers {
		customers[i] = a.NewCustomer(t, "sales", fmt.Sprintf("c%d", i))
		customers[i].CloseIdleConnections()
	}
	// No HTTP connection of the set-up is left on either side, so that
	// what the stacks grow by below is the sockets'.
	waitForNoGoroutine(t, "net/http.(*conn).serve", "net/http.(*persistConn)")
	before := stackInuse()

	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	url := "ws" + strings.TrimPrefix(a.URL, "http") + "/ws/customer"
	for i, c := range customers {
		ws, _, err := websocket.Dial(ctx, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ws.CloseNow() })
		read := func(want string) {
			t.Helper()
			for {
				_, data, err := ws.Read(ctx)
				if err != nil {
					t.Fatalf("customer %d: waiting for %s: %v", i, want, err)
				}
				if bytes.Contains(data, []byte(want)) {
					return
				}
			}
		}
		write := func(frame string) {
			t.Helper()
			if err := ws.Write(ctx, websocket.MessageText, []byte(frame)); err != nil {
				t.Fatalf("customer %d: %v", i, err)
			}
		}
		write(fmt.Sprintf(`{"type":"hello","token":%q,"conversationId":%q}`, c.Token, c.ConversationID))
		read(`"welcome"`)
		write(fmt.Sprintf(`{"type":"send","requestId":"m","conversationId":%q,"clientMsgId":"m%d","text":"hello"}`, c.ConversationID, i))
		read(`"ack"`)
		pinged := make(chan error, 1)
		go func() { pinged <- ws.Ping(ctx) }()
		// The pong is read by a read of the test's: unknown frames,
		// each answered with an error, until the ping is answered.
	wait:
		for {
			write(`{"type":"no_such_frame","requestId":"u"}`)
			read(`"frame_type_unknown"`)
			select {
			case err := <-pinged:
				if err != nil {
					t.Fatalf("customer %d: ping: %v", i, err)
				}
				break wait
			default:
			}
		}
	}

	after := stackInuse()
	readers := countGoroutines("(*session).readLoop")
	if readers != n {
		t.Fatalf("%d goroutines in a session's read loop, want one for each of the %d sockets", readers, n)
	}
	perSocket := float64(after-before) / n
	t.Logf("%d idle sockets: goroutine stacks grew %.0f B a socket", n, perSocket)
	if perSocket > 6<<10 {
		t.Errorf("goroutine stacks grew %.0f B for each idle socket, want at most 6 KB: its reading goroutine has grown past 4 KB", perSocket)
	}
}

// stackInuse is the process's goroutine stack memory after two
// collections, which shrink every stack that can be.
func stackInuse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.StackInuse
}

// countGoroutines counts the goroutines whose stack has a frame naming fn.
func countGoroutines(fn string) int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) { // else cut short: try again with room
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	n := 0
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, fn) {
			n++
		}
	}
	return n
}

// waitForNoGoroutine waits until no goroutine has a frame naming any of
// fns.
func waitForNoGoroutine(t *testing.T, fns ...string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		left := 0
		for _, fn := range fns {
			left += countGoroutines(fn)
		}
		if left == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines of %v still there after 30 s", left, fns)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
