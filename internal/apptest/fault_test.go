package apptest_test

import (
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"skranke/chat"
	"skranke/internal/apptest"
	"skranke/store/postgres"
)

// natsServer runs an embedded NATS server on port (0: any) until stopped.
func natsServer(t *testing.T, port int) *server.Server {
	t.Helper()
	if port == 0 {
		port = -1
	}
	s, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: port, NoLog: true, NoSigs: true})
	if err != nil {
		t.Fatal(err)
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("NATS server not ready")
	}
	t.Cleanup(s.Shutdown)
	return s
}

// TestFault_NATSDown stops NATS while both sides of a cross-node chat write:
// everything is stored, and once NATS is back every client has every event.
func TestFault_NATSDown(t *testing.T) {
	ns := natsServer(t, 0)
	port := ns.Addr().(*net.TCPAddr).Port
	nodes := apptest.StartCluster(t, 2, apptest.Options{Postgres: true, NATS: true, NATSURL: fmt.Sprintf("nats://127.0.0.1:%d", port), Heartbeat: 500 * time.Millisecond})
	a, b := nodes[0], nodes[1]
	anna := readyAgent(t, a, "anna", "sales")
	kari := b.NewCustomer(t, "sales", "Kari")
	accept(t, anna, kari.ConversationID)
	id := kari.ConversationID
	cust := kari.DialCustomer(t, 0)
	cust.WaitEvent(chat.KindAgentJoined, id)

	ns.Shutdown()
	ns.WaitForShutdown()
	for i := range 5 {
		if f := send(t, anna, id, fmt.Sprint("a", i), fmt.Sprint("during outage a", i), false); f.Type != "ack" {
			t.Fatalf("agent send during the NATS outage: %+v", f)
		}
		if f := send(t, cust, id, fmt.Sprint("c", i), fmt.Sprint("during outage c", i), false); f.Type != "ack" {
			t.Fatalf("customer send during the NATS outage: %+v", f)
		}
	}
	natsServer(t, port)
	for i := range 5 {
		cust.WaitForAny("agent's message "+fmt.Sprint(i), func(f apptest.Frame) bool {
			return f.Type == "event" && f.Event.Text == fmt.Sprint("during outage a", i)
		})
	}
	for i := range 5 {
		anna.WaitForAny("customer's message "+fmt.Sprint(i), func(f apptest.Frame) bool {
			return f.Type == "event" && f.Event.Text == fmt.Sprint("during outage c", i)
		})
	}
	evs := anna.Events(id)
	for i := 1; i < len(evs); i++ {
		if evs[i].Seq != evs[i-1].Seq+1 {
			t.Fatalf("agent saw seq %d after %d", evs[i].Seq, evs[i-1].Seq)
		}
	}
}

// proxy is a TCP proxy to PostgreSQL that a test can cut and restore, to
// make the database unreachable for one node.
type proxy struct {
	t      *testing.T
	ln     net.Listener
	target string
	mu     sync.Mutex
	down   bool
	conns  []net.Conn
}

func newProxy(t *testing.T, target string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{t: t, ln: ln, target: target}
	t.Cleanup(func() { ln.Close(); p.cut() })
	go p.serve()
	return p
}

func (p *proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if p.down {
			p.mu.Unlock()
			c.Close()
			continue
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			p.mu.Unlock()
			c.Close()
			continue
		}
		p.conns = append(p.conns, c, up)
		p.mu.Unlock()
		go func() { io.Copy(up, c); up.Close() }()
		go func() { io.Copy(c, up); c.Close() }()
	}
}

// cut closes every connection and refuses new ones.
func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *proxy) restore() {
	p.mu.Lock()
	p.down = false
	p.mu.Unlock()
}

// TestFault_PostgresDown cuts a node off its database: sends fail with a
// clear, retryable error and are not acknowledged; when the database is
// back the node recovers by itself and the retry is stored once.
func TestFault_PostgresDown(t *testing.T) {
	dsn := postgres.TestDSN(t)
	host := "127.0.0.1:5432"
	if i := strings.Index(dsn, "@"); i >= 0 {
		rest := dsn[i+1:]
		host = rest[:strings.IndexAny(rest+"/", "/")]
	}
	p := newProxy(t, host)
	proxied := strings.Replace(dsn, host, p.ln.Addr().String(), 1)
	app := apptest.Start(t, apptest.Options{Postgres: true, PostgresDSN: proxied})
	kari, cust, anna := startChat(t, app)
	id := kari.ConversationID

	p.cut()
	began := time.Now()
	f := send(t, cust, id, "down-1", "while the database is down", false)
	t.Logf("send with the database down answered in %s: %s %s", time.Since(began).Round(time.Millisecond), f.Code, f.Message)
	if f.Type != "error" || f.Code != chat.EUnavailable {
		t.Fatalf("send with the database down = %+v, want an unavailable error", f)
	}
	if !strings.Contains(f.Message, "try again") {
		t.Errorf("error message %q does not tell the user what to do", f.Message)
	}
	p.restore()
	deadline := time.Now().Add(15 * time.Second)
	for {
		f = send(t, cust, id, "down-1", "while the database is down", false)
		if f.Type == "ack" || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if f.Type != "ack" {
		t.Fatalf("send after the database came back = %+v, want ack", f)
	}
	anna.WaitFor("the retried message", func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.Text == "while the database is down"
	})
	n := 0
	for _, e := range anna.Events(id) {
		if e.ClientMsgID == "down-1" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the retried message arrived %d times, want once", n)
	}
	app.CheckInvariants(t)
}

// TestFault_NATSDownNewChatIsRouted: while NATS is down, a chat started on
// a node that does not lead is still offered, within a few seconds, to an
// agent on the leading node: the router finds it in the database.
func TestFault_NATSDownNewChatIsRouted(t *testing.T) {
	ns := natsServer(t, 0)
	port := ns.Addr().(*net.TCPAddr).Port
	nodes := apptest.StartCluster(t, 2, apptest.Options{Postgres: true, NATS: true, NATSURL: fmt.Sprintf("nats://127.0.0.1:%d", port), Heartbeat: 500 * time.Millisecond})
	deadline := time.Now().Add(10 * time.Second)
	for !nodes[0].Server.Router.Leading() && !nodes[1].Server.Router.Leading() && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	leader, other := nodes[0], nodes[1]
	if nodes[1].Server.Router.Leading() {
		leader, other = nodes[1], nodes[0]
	}
	anna := readyAgent(t, leader, "anna", "sales")

	ns.Shutdown()
	ns.WaitForShutdown()
	began := time.Now()
	kari := other.NewCustomer(t, "sales", "Kari")
	anna.WaitEvent(chat.KindOffered, kari.ConversationID)
	t.Logf("a chat started on the other node during a NATS outage was offered after %s", time.Since(began).Round(10*time.Millisecond))
	leader.CheckInvariants(t)
}
