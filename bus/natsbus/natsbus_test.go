package natsbus_test

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"skranke/bus"
	"skranke/bus/bustest"
	"skranke/bus/natsbus"
	"skranke/chat"
)

const waitTimeout = 10 * time.Second

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// TestBus runs the conformance suite on the machine's NATS server
// (SKRANKE_TEST_NATS) and on an embedded one.
func TestBus(t *testing.T) {
	t.Run("server", func(t *testing.T) {
		url := natsbus.TestURL(t)
		bustest.Run(t, newBuses(url), bustest.Options{Multi: true})
	})
	t.Run("embedded", func(t *testing.T) {
		url := runServer(t, -1).ClientURL()
		bustest.Run(t, newBuses(url), bustest.Options{Multi: true})
	})
}

// newBuses returns a bustest.NewFunc making n buses on the server at url,
// with a subject prefix of their own.
func newBuses(url string) bustest.NewFunc {
	return func(t *testing.T, n int) []bus.Bus {
		subject := natsbus.TestSubject(t)
		bs := make([]bus.Bus, n)
		for i := range bs {
			bs[i] = mustOpen(t, url, natsbus.Options{Subject: subject, Name: fmt.Sprint("node", i)})
		}
		return bs
	}
}

func mustOpen(t testing.TB, url string, opts natsbus.Options) *natsbus.Bus {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = quiet
	}
	if opts.ReconnectWait == 0 {
		opts.ReconnectWait = 20 * time.Millisecond
	}
	b, err := natsbus.Open(t.Context(), url, opts)
	if err != nil {
		t.Fatalf("Open(%s) = %v", url, err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// runServer starts an embedded NATS server on 127.0.0.1:port (-1: a random
// port) and shuts it down when t ends.
func runServer(t testing.TB, port int) *server.Server {
	t.Helper()
	s, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: port, NoLog: true, NoSigs: true})
	if err != nil {
		t.Fatalf("new nats server: %v", err)
	}
	s.Start()
	if !s.ReadyForConnections(waitTimeout) {
		t.Fatalf("nats server on port %d not ready", port)
	}
	t.Cleanup(func() { stopServer(s) })
	return s
}

func stopServer(s *server.Server) {
	s.Shutdown()
	s.WaitForShutdown()
}

func serverPort(s *server.Server) int { return s.Addr().(*net.TCPAddr).Port }

// freePort returns a port nothing listens on (for a server started later).
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// recorder is a subscriber that keeps what it receives and never blocks.
type recorder struct {
	mu      sync.Mutex
	got     []chat.Event
	changed chan struct{}

	inside     atomic.Int32
	concurrent atomic.Bool
}

func subscribe(t testing.TB, b bus.Bus) *recorder {
	r := &recorder{changed: make(chan struct{}, 1)}
	t.Cleanup(b.Subscribe(func(e chat.Event) {
		if r.inside.Add(1) > 1 {
			r.concurrent.Store(true)
		}
		defer r.inside.Add(-1)
		r.mu.Lock()
		r.got = append(r.got, e)
		r.mu.Unlock()
		select {
		case r.changed <- struct{}{}:
		default:
		}
	}))
	return r
}

func (r *recorder) events() []chat.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]chat.Event(nil), r.got...)
}

// waitFor waits until an event matching match arrives and returns what was
// received up to and including it.
func (r *recorder) waitFor(t testing.TB, what string, match func(chat.Event) bool) []chat.Event {
	t.Helper()
	timeout := time.NewTimer(waitTimeout)
	defer timeout.Stop()
	for {
		got := r.events()
		for i, e := range got {
			if match(e) {
				return got[:i+1]
			}
		}
		select {
		case <-r.changed:
		case <-timeout.C:
			t.Fatalf("no %s within %v; received %v", what, waitTimeout, got)
		}
	}
}

func isResync(e chat.Event) bool { return e.Kind == chat.KindResync }

func isText(text string) func(chat.Event) bool {
	return func(e chat.Event) bool { return e.Kind == chat.KindMessage && e.Text == text }
}

func message(text string) chat.Event {
	return chat.Event{ConversationID: "c1", Kind: chat.KindMessage, Visibility: chat.VisibleAll, Time: time.Now(), Text: text}
}

func mustPublish(t testing.TB, b bus.Bus, e chat.Event) {
	t.Helper()
	if err := b.Publish(t.Context(), e); err != nil {
		t.Fatalf("Publish(%q) = %v, want nil", e.Text, err)
	}
}

// TestBus_serverRestart: while the server is down a node still delivers its
// own events; once a server is back on the same port every bus resyncs and
// events flow between buses again.
func TestBus_serverRestart(t *testing.T) {
	s := runServer(t, -1)
	port := serverPort(s)
	url := s.ClientURL()
	subject := natsbus.TestSubject(t)
	a := mustOpen(t, url, natsbus.Options{Subject: subject, Name: "a"})
	b := mustOpen(t, url, natsbus.Options{Subject: subject, Name: "b"})
	c := mustOpen(t, url, natsbus.Options{Subject: subject, Name: "c"})
	ra, rb, rc := subscribe(t, a), subscribe(t, b), subscribe(t, c)

	mustPublish(t, a, message("before"))
	rb.waitFor(t, "event before the outage on b", isText("before"))
	rc.waitFor(t, "event before the outage on c", isText("before"))

	stopServer(s)
	// The publication itself may be buffered or fail; local delivery may not.
	a.Publish(t.Context(), message("during"))
	ra.waitFor(t, "own event during the outage", isText("during"))

	runServer(t, port)
	for name, r := range map[string]*recorder{"a": ra, "b": rb, "c": rc} {
		r.waitFor(t, "resync on "+name, isResync)
	}
	mustPublish(t, a, message("after"))
	rb.waitFor(t, "event after the outage on b", isText("after"))
	rc.waitFor(t, "event after the outage on c", isText("after"))
	mustPublish(t, c, message("after from c"))
	ra.waitFor(t, "c's event after the outage on a", isText("after from c"))
}

// TestOpen_noServer: Open succeeds while no server listens, the node works
// alone, and it resyncs and joins the others once a server appears.
func TestOpen_noServer(t *testing.T) {
	port := freePort(t)
	url := fmt.Sprintf("nats://127.0.0.1:%d", port)
	subject := natsbus.TestSubject(t)
	a := mustOpen(t, url, natsbus.Options{Subject: subject, Name: "a"})
	ra := subscribe(t, a)

	mustPublish(t, a, message("alone"))
	ra.waitFor(t, "own event without a server", isText("alone"))

	runServer(t, port)
	ra.waitFor(t, "resync once connected", isResync)

	b := mustOpen(t, url, natsbus.Options{Subject: subject, Name: "b"})
	rb := subscribe(t, b)
	mustPublish(t, a, message("together"))
	got := rb.waitFor(t, "a's event on b", isText("together"))
	for _, e := range got {
		if e.Kind == chat.KindResync {
			t.Errorf("b, connected from the start, received a resync: %v", got)
		}
	}
}

// TestBus_noConcurrentCalls: with local and remote publishers at once, a
// subscriber is called by one goroutine at a time.
func TestBus_noConcurrentCalls(t *testing.T) {
	url := runServer(t, -1).ClientURL()
	subject := natsbus.TestSubject(t)
	a := mustOpen(t, url, natsbus.Options{Subject: subject})
	b := mustOpen(t, url, natsbus.Options{Subject: subject})
	r := subscribe(t, a)
	const each = 300
	var wg sync.WaitGroup
	for i, pb := range []bus.Bus{a, a, b, b} {
		wg.Go(func() {
			for j := range each {
				if err := pb.Publish(t.Context(), message(fmt.Sprint(i, "-", j))); err != nil {
					t.Errorf("Publish = %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	for i := range 4 {
		r.waitFor(t, "last event of publisher "+fmt.Sprint(i), isText(fmt.Sprint(i, "-", each-1)))
	}
	if r.concurrent.Load() {
		t.Error("subscriber called concurrently with itself")
	}
}

func TestOpen_invalidSubject(t *testing.T) {
	for _, subject := range []string{"a.*", "a.>", "a..b", "a b", ".a"} {
		b, err := natsbus.Open(t.Context(), "nats://127.0.0.1:1", natsbus.Options{Subject: subject, Logger: quiet})
		if err == nil {
			b.Close()
			t.Errorf("Open(Subject: %q) = nil error, want one", subject)
		}
	}
}

func TestPublish_afterClose(t *testing.T) {
	url := runServer(t, -1).ClientURL()
	b := mustOpen(t, url, natsbus.Options{Subject: natsbus.TestSubject(t)})
	if err := b.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if err := b.Close(); err != nil {
		t.Errorf("second Close() = %v", err)
	}
	if err := b.Publish(t.Context(), message("late")); !errors.Is(err, nats.ErrConnectionClosed) {
		t.Errorf("Publish after Close = %v, want %v", err, nats.ErrConnectionClosed)
	}
}

// TestBus_undecodable: a message that is not an event is skipped.
func TestBus_undecodable(t *testing.T) {
	url := runServer(t, -1).ClientURL()
	subject := natsbus.TestSubject(t)
	b := mustOpen(t, url, natsbus.Options{Subject: subject})
	r := subscribe(t, b)
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	if err := nc.Publish(subject+".ev.c1", []byte("not json")); err != nil {
		t.Fatal(err)
	}
	if err := nc.Publish(subject+".ev.c1", []byte(`{"kind":"message","text":"fine"}`)); err != nil {
		t.Fatal(err)
	}
	got := r.waitFor(t, "the valid event", isText("fine"))
	if len(got) != 1 {
		t.Errorf("received %v, want only the valid event", got)
	}
}

// BenchmarkPublish measures events per second from one publisher to one
// subscriber on another node, on SKRANKE_TEST_NATS or an embedded server.
func BenchmarkPublish(b *testing.B) {
	url := benchURL(b)
	subject := natsbus.TestSubject(b)
	pub := mustOpen(b, url, natsbus.Options{Subject: subject})
	sub := mustOpen(b, url, natsbus.Options{Subject: subject})
	// At most window events are in flight: a token is taken before each
	// publication and given back on receipt, as a real node is far from
	// outrunning its subscribers.
	const window = 10000
	inFlight := make(chan struct{}, window)
	var received atomic.Int64
	done := make(chan struct{})
	target := int64(b.N)
	b.Cleanup(sub.Subscribe(func(e chat.Event) {
		if e.Kind == chat.KindResync {
			b.Error("resync during the benchmark: events were dropped")
			return
		}
		<-inFlight // never blocks: taken before publishing
		if received.Add(1) == target {
			close(done)
		}
	}))
	e := message("benchmark event of a typical size, a sentence or two that a customer wrote")
	e.ConversationID = chat.ConversationID(chat.NewID())
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		inFlight <- struct{}{}
		e.Seq = chat.Seq(i + 1)
		if err := pub.Publish(b.Context(), e); err != nil {
			b.Fatal(err)
		}
	}
	select {
	case <-done:
	case <-time.After(waitTimeout):
		b.Fatalf("received %d of %d events", received.Load(), b.N)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
}

func benchURL(b *testing.B) string {
	if os.Getenv("SKRANKE_TEST_NATS") != "" {
		return natsbus.TestURL(b)
	}
	return runServer(b, -1).ClientURL()
}

// TestPublish_reconnectBufferFull: while the server is down publications
// are buffered; once the buffer is full Publish reports it, and local
// delivery goes on all the same.
func TestPublish_reconnectBufferFull(t *testing.T) {
	s := runServer(t, -1)
	a := mustOpen(t, s.ClientURL(), natsbus.Options{Subject: natsbus.TestSubject(t)})
	r := subscribe(t, a)
	stopServer(s)
	e := message(strings.Repeat("x", 4096))
	// Until the client notices the outage, a publication may also fail
	// with the write error that reveals it; go on past that.
	var err error
	n := 0
	for ; n < 100_000 && !errors.Is(err, nats.ErrReconnectBufExceeded); n++ {
		e.Seq = chat.Seq(n + 1)
		err = a.Publish(t.Context(), e)
	}
	if !errors.Is(err, nats.ErrReconnectBufExceeded) {
		t.Fatalf("Publish after %d events during the outage = %v, want %v", n, err, nats.ErrReconnectBufExceeded)
	}
	last := chat.Seq(n)
	r.waitFor(t, "own event refused by NATS", func(e chat.Event) bool { return e.Seq == last })
}
