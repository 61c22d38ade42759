package apptest_test

import (
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"skranke/chat"
	"skranke/internal/apptest"
)

// syncBuffer is a strings.Builder safe for a writer and readers at once.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// startHAProxy runs the example configuration of docs/operations.md
// (deploy/haproxy.cfg) in front of two nodes (the second twice, as the
// third of the file) and returns its URL and its log (HTTP log lines).
func startHAProxy(t *testing.T, nodes []*apptest.App) (string, *syncBuffer) {
	t.Helper()
	bin, err := exec.LookPath("haproxy")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("haproxy not installed: CI must test the load balancer example (apt-get install haproxy)")
		}
		t.Skip("haproxy not installed: load balancer example not tested")
	}
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
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start haproxy: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("haproxy's log:\n%s", out.String())
		}
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
	return "http://" + lbAddr, out
}

// TestHAProxy chats through the balancer, over WebSockets, with the
// customer and the agent balanced across the nodes.
func TestHAProxy(t *testing.T) {
	nodes := cluster(t, 2)
	lbURL, _ := startHAProxy(t, nodes)
	lb := nodes[0].Via(lbURL)
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

// TestHAProxy_failover kills the node that leads routing, as a crash would,
// and at once sends customers' requests through the balancer, before its
// health checks can have noticed: every request is answered by the other
// node (the balancer retries a refused connection there), quickly, and a
// new chat started through the balancer is offered to an agent. It reports
// the fail-over time.
func TestHAProxy_failover(t *testing.T) {
	nodes := cluster(t, 2)
	lbURL, lbLog := startHAProxy(t, nodes)
	leader, survivor := nodes[0], nodes[1]
	for deadline := time.Now().Add(10 * time.Second); !leader.Server.Router.Leading() && !survivor.Server.Router.Leading(); {
		if time.Now().After(deadline) {
			t.Fatal("no node leads routing")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if survivor.Server.Router.Leading() {
		leader, survivor = survivor, leader
	}
	carla := readyAgent(t, survivor, "carla", "support") // on the node that lives
	lb := survivor.Via(lbURL)
	client := &http.Client{Timeout: 10 * time.Second}
	get := func() (int, time.Duration) {
		start := time.Now()
		resp, err := client.Get(lbURL + "/api/v1/widget/queues")
		if err != nil {
			t.Fatalf("GET through the balancer: %v", err)
		}
		resp.Body.Close()
		return resp.StatusCode, time.Since(start)
	}
	for range 3 { // the balancer has seen both nodes answer
		if code, _ := get(); code != http.StatusOK {
			t.Fatalf("GET through the balancer before the kill = %d", code)
		}
	}

	leader.Kill()
	killed := time.Now()
	// Balanced over three entries, two of them alive: a few requests in a
	// row reach the dead node's entry at least once.
	var slowest time.Duration
	for i := range 6 {
		code, d := get()
		slowest = max(slowest, d)
		if code != http.StatusOK {
			t.Fatalf("request %d through the balancer %s after the kill = %d after %s, want 200 from the other node",
				i+1, time.Since(killed).Round(time.Millisecond), code, d.Round(time.Millisecond))
		}
	}
	waiting := lb.NewCustomer(t, "support", "Waiting")
	carla.WaitEvent(chat.KindOffered, waiting.ConversationID)
	offered := time.Since(killed)
	t.Logf("fail-over through HAProxy: slowest request after the kill %s; a chat started through the balancer offered %s after the leader died",
		slowest.Round(time.Millisecond), offered.Round(time.Millisecond))
	if slowest > 2*time.Second {
		t.Errorf("slowest request after the kill took %s, want it redispatched within a connect retry", slowest)
	}
	// The test is only worth something if a request did go to the dead
	// node first: HAProxy's log marks a redispatch with "+1" in the
	// retries field.
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(lbLog.String(), "/+1 "); {
		if time.Now().After(deadline) {
			t.Fatalf("no request after the kill was redispatched; haproxy's log:\n%s", lbLog.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
