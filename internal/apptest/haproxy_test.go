package apptest_test

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"skranke/chat"
	"skranke/internal/apptest"
)

// TestHAProxy runs the example configuration of docs/operations.md
// (deploy/haproxy.cfg) in front of two nodes and chats through it, over
// WebSockets, with the customer and the agent balanced across the nodes.
func TestHAProxy(t *testing.T) {
	bin, err := exec.LookPath("haproxy")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("haproxy not installed: CI must test the load balancer example (apt-get install haproxy)")
		}
		t.Skip("haproxy not installed: load balancer example not tested")
	}
	nodes := cluster(t, 2)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	lbAddr := ln.Addr().String()
	ln.Close()
	host := func(url string) string { return strings.TrimPrefix(url, "http://") }
	cmd := exec.Command(bin, "-f", filepath.Join("..", "..", "deploy", "haproxy.cfg"), "-db")
	cmd.Env = append(os.Environ(),
		"SKRANKE_LB_BIND="+lbAddr,
		"SKRANKE_NODE1="+host(nodes[0].URL),
		"SKRANKE_NODE2="+host(nodes[1].URL),
		"SKRANKE_NODE3="+host(nodes[1].URL),
	)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start haproxy: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	for deadline := time.Now().Add(10 * time.Second); ; {
		if c, err := net.Dial("tcp", lbAddr); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("haproxy did not listen on %s:\n%s", lbAddr, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	lb := nodes[0].Via(fmt.Sprintf("http://%s", lbAddr))
	anna := readyAgent(t, lb, "anna", "sales")
	kari := lb.NewCustomer(t, "sales", "Kari")
	cust := kari.DialCustomer(t, 0)
	accept(t, anna, kari.ConversationID)
	cust.WaitEvent(chat.KindAgentJoined, kari.ConversationID)
	send(t, cust, kari.ConversationID, "c1", "through the balancer", false)
	anna.WaitForAny("the customer's message", func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.Text == "through the balancer"
	})
}
