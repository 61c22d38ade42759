package realtime

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"skranke/auth"
	"skranke/chat"
)

// benchSession returns a session whose connection is a real WebSocket to a
// client that reads and discards everything, as the writer sees it.
func benchSession(b *testing.B) *session {
	b.Helper()
	s, c := testSession(b)
	go func() {
		for {
			_, r, err := c.Reader(context.Background())
			if err != nil {
				return
			}
			io.Copy(io.Discard, r)
		}
	}()
	return s
}

// testSession returns a session over a real WebSocket, without its loops
// running, and the client end.
func testSession(b testing.TB) (*session, *websocket.Conn) {
	b.Helper()
	return testSessionDialed(b, nil)
}

// testSessionDialed is testSession with the client's dial options.
func testSessionDialed(b testing.TB, opts *websocket.DialOptions) (*session, *websocket.Conn) {
	b.Helper()
	h := NewHub(Options{})
	got := make(chan *session, 1)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		uw := &upgradeWriter{ResponseWriter: w}
		conn, err := websocket.Accept(uw, r, nil)
		if err != nil {
			return
		}
		ctx, cancel := context.WithCancel(context.Background())
		s := &session{hub: h, conn: conn, wire: uw.conn, send: newSendQueue(256), tcp: tcpConnOf(r.Context()),
			ctx: ctx, cancel: cancel, quiet: context.Background()}
		got <- s
		<-ctx.Done()
	}))
	srv.Config.ConnContext = ConnContext
	srv.Start()
	b.Cleanup(srv.Close)
	c, _, err := websocket.Dial(b.Context(), strings.Replace(srv.URL, "http", "ws", 1), opts)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.CloseNow() })
	s := <-got
	b.Cleanup(s.cancel)
	return s, c
}

// A session with 256 frames not yet written is closed as a slow consumer
// (4008) by the next frame, and the close frame reaches the client.
func TestSession_slowConsumer(t *testing.T) {
	s, c := testSession(t)
	for i := range 256 {
		s.trySend(frame{data: []byte(`{}`)})
		if s.closing.Load() {
			t.Fatalf("closed after %d frames, want not before 257", i+1)
		}
	}
	s.trySend(frame{data: []byte(`{}`)})
	if !s.closing.Load() {
		t.Fatal("trySend of the 257th frame left the session open, want it closed as a slow consumer")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	_, _, err := c.Read(ctx)
	if got := websocket.CloseStatus(err); got != closeSlowConsumer {
		t.Errorf("client read %v, close status %d, want %d", err, got, closeSlowConsumer)
	}
}

// BenchmarkWriteBurst measures the write path per frame: a burst of 3
// frames (a message's ack, its echo and another event) as the writer
// writes it now (one write context, gathered into one write), and as it
// did before issue 16 (a timeout context and a write(2) per frame).
func BenchmarkWriteBurst(b *testing.B) {
	data := []byte(`{"type":"event","event":{"conversationId":"c1","seq":12,"kind":"message","time":"2026-12-01T17:00:00Z","author":{"kind":"customer","id":"x"},"data":{"text":"` + strings.Repeat("hello ", 50) + `"}}}`)
	burst := []frame{{data: data}, {data: data}, {data: data}}
	b.Run("burst", func(b *testing.B) {
		s := benchSession(b)
		ctx := b.Context()
		b.ReportAllocs()
		for b.Loop() {
			s.startBurst(ctx)
			for range burst {
				s.send.pending.Add(1)
			}
			if err := s.writeBurst(ctx, burst); err != nil {
				b.Fatal(err)
			}
			if err := s.endBurst(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("context per frame", func(b *testing.B) {
		s := benchSession(b)
		ctx := b.Context()
		b.ReportAllocs()
		for b.Loop() {
			for _, f := range burst {
				if err := s.waitRoom(ctx, len(f.data)); err != nil {
					b.Fatal(err)
				}
				wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				err := s.conn.Write(wctx, websocket.MessageText, f.data)
				cancel()
				if err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// The read loop reads without a context of its own (s.quiet); the end of
// the session's context (a pong that did not come, a failed write)
// still ends a read that waits, by cutting the connection.
func TestSession_endCutsTheRead(t *testing.T) {
	s, _ := testSession(t)
	defer s.cutOnEnd(s.ctx)()
	read := make(chan error, 1)
	go func() {
		_, err := s.readFrame(s.quiet)
		read <- err
	}()
	s.cancel()
	select {
	case err := <-read:
		if err == nil {
			t.Error("readFrame = nil after the session ended, want an error")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("readFrame still waits 10 s after the session ended")
	}
}

// BenchmarkReadFrame measures reading and decoding one client send frame:
// as the read loop reads now (s.quiet: no library timer per read, a pooled
// buffer), the same with a context that can end (a timer for the header and
// one for the payload), and as before issue 16.
func BenchmarkReadFrame(b *testing.B) {
	msg := []byte(`{"type":"send","requestId":"r1","conversationId":"c1","clientMsgId":"m1","text":"` + strings.Repeat("hello ", 50) + `"}`)
	for _, tc := range []struct {
		name string
		ctx  func(s *session) context.Context
	}{
		{"quiet", func(s *session) context.Context { return s.quiet }},
		{"cancellable", func(s *session) context.Context { return s.ctx }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			s, c := testSession(b)
			go func() {
				for {
					if err := c.Write(context.Background(), websocket.MessageText, msg); err != nil {
						return
					}
				}
			}()
			ctx := tc.ctx(s)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.readFrame(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	// As before issue 16: conn.Read (a new slice per frame) with a context
	// that can end.
	b.Run("before", func(b *testing.B) {
		s, c := testSession(b)
		go func() {
			for {
				if err := c.Write(context.Background(), websocket.MessageText, msg); err != nil {
					return
				}
			}
		}()
		b.ReportAllocs()
		for b.Loop() {
			_, data, err := s.conn.Read(s.ctx)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := decodeFrame(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// Pings go from a timer, with no goroutine waiting between them: a client
// that reads (and so answers them) keeps its session over many ping
// intervals; one that does not answer is cut off once a pong is overdue;
// after stopPings no ping is sent.
func TestSession_pings(t *testing.T) {
	const interval, pongTimeout = 10 * time.Millisecond, 2 * time.Second
	var pinged atomic.Int32
	answering, c := testSessionDialed(t, &websocket.DialOptions{OnPingReceived: func(context.Context, []byte) bool {
		pinged.Add(1)
		return true // answer it
	}})
	go func() {
		for {
			if _, _, err := c.Read(context.Background()); err != nil {
				return
			}
		}
	}()
	silent, _ := testSession(t) // its client never reads: no pong comes
	for _, s := range []*session{answering, silent} {
		s.hub.opts.PingInterval, s.hub.opts.PongTimeout = interval, pongTimeout
		// The server reads, as the read loop does: a pong is read there.
		defer s.cutOnEnd(s.ctx)()
		go func() {
			for {
				if _, err := s.readFrame(s.quiet); err != nil {
					return
				}
			}
		}()
		s.startPings()
	}
	select {
	case <-silent.ctx.Done():
	case <-time.After(pongTimeout + 10*time.Second):
		t.Fatal("a client that answers no ping still has its session")
	}
	if answering.ctx.Err() != nil {
		t.Fatal("a client that answers the pings lost its session")
	}
	if n := pinged.Load(); n < 3 {
		t.Errorf("the answering client got %d pings in over %s, want one every %s", n, pongTimeout, interval)
	}
	for _, s := range []*session{answering, silent} {
		s.stopPings()
		s.pings.Wait()
	}
	before := pinged.Load()
	time.Sleep(20 * interval)
	if n := pinged.Load() - before; n != 0 {
		t.Errorf("%d pings after stopPings, want none", n)
	}
}

// A panic on onOwnStack's goroutine goes on in the caller, where the
// session's recover is, with its value and the stack where it happened;
// so does a runtime.Goexit, which would otherwise leave the caller waiting.
func TestOnOwnStack_panicReachesTheCaller(t *testing.T) {
	if err := onOwnStack(func() error { return io.EOF }); err != io.EOF {
		t.Fatalf("onOwnStack returned %v, want the function's error", err)
	}
	recovered := func(fn func() error) (got any) {
		defer func() { got = recover() }()
		_ = onOwnStack(fn)
		return nil
	}
	gp, ok := recovered(func() error { panicInHello(); return nil }).(*goroutinePanic)
	if !ok || gp.value != "hello broke" || !strings.Contains(string(gp.stack), "panicInHello") {
		t.Fatalf("caller recovered %v, want the panic with panicInHello's stack", gp)
	}
	gp, ok = recovered(func() error { var m map[string]int; m["x"] = 1; return nil }).(*goroutinePanic)
	var re runtime.Error
	if !ok || !errors.As(gp, &re) {
		t.Errorf("a runtime error recovered as %v, want a *goroutinePanic that unwraps to the runtime.Error", gp)
	}
	if gp, ok := recovered(func() error { runtime.Goexit(); return nil }).(*goroutinePanic); !ok || gp.value != nil {
		t.Errorf("a Goexit recovered as %v, want a *goroutinePanic without value", gp)
	}
}

func panicInHello() { panic("hello broke") }

// A panic on the writer's goroutine (here a supervisor's board read, on
// onOwnStack's goroutine, by a hub without a service) ends that session, as
// a panic on the session's own goroutine does, and not the process: the
// session is cancelled, the client's connection is cut and the queue
// writes nothing more.
func TestSession_writerPanicEndsTheSession(t *testing.T) {
	s, c := testSession(t)
	s.actor = auth.Actor{User: &chat.User{ID: "sup", Role: chat.RoleSupervisor}}
	s.send.start(s.writeFrames)
	s.trySend(frame{board: boardChanged})
	select {
	case <-s.ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the session was not cancelled after its writer panicked")
	}
	s.send.stop() // returns: the writer has ended
	if s.writeErr == nil || !strings.Contains(s.writeErr.Error(), "panicked") {
		t.Errorf("writeErr = %v, want the panic", s.writeErr)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if _, _, err := c.Read(ctx); err == nil || ctx.Err() != nil {
		t.Errorf("the client's read after the panic = %v (ctx %v), want the connection cut", err, ctx.Err())
	}
}

// A frame is handled on another goroutine (an aside worker), not on the
// reading one (whose stack would keep what the handling grew): a panic in a handler
// (here Typing, by a hub without a service) reaches the read loop's caller
// as the carried *goroutinePanic, with the handler's stack, so the
// session's recover ends that session and not the process.
func TestSession_framePanicReachesTheReadLoop(t *testing.T) {
	s, c := testSession(t)
	s.actor = auth.Actor{Customer: &chat.Customer{ID: "c1"}}
	recovered := make(chan any, 1)
	go func() {
		defer func() { recovered <- recover() }()
		s.readLoop(s.ctx)
	}()
	if err := c.Write(t.Context(), websocket.MessageText, []byte(`{"type":"typing","conversationId":"x"}`)); err != nil {
		t.Fatal(err)
	}
	select {
	case p := <-recovered:
		gp, ok := p.(*goroutinePanic)
		if !ok {
			t.Fatalf("the read loop's caller recovered %T %v, want a *goroutinePanic from the handler's goroutine", p, p)
		}
		if st := string(gp.stack); !strings.Contains(st, "(*session).typing") || strings.Contains(st, "(*session).readLoop(") {
			t.Errorf("the carried stack is not the handler's alone:\n%s", st)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no panic reached the read loop in 10 s (did Typing answer the frame with an error instead of calling the missing service?)")
	}
}

// onOwnStack hands its function to an idle aside worker when there is
// one, rather than starting a goroutine (whose stack grows from the start)
// every time, and a worker goes on after a panic it carried.
func TestOnOwnStack_reusesAnIdleWorker(t *testing.T) {
	onWorker := func(panics bool) (id string) {
		defer func() { recover() }()
		onOwnStack(func() error {
			buf := make([]byte, 64)
			id, _, _ = strings.Cut(strings.TrimPrefix(string(buf[:runtime.Stack(buf, false)]), "goroutine "), " ")
			if panics {
				panic("carried")
			}
			return nil
		})
		return id
	}
	// Once the first call's worker is parked waiting (within a moment),
	// the calls after it run on that worker, the one after a panic too.
	first := onWorker(true)
	for _, panics := range []bool{false, true, false} {
		reused := false
		for range 1000 {
			time.Sleep(time.Millisecond)
			if onWorker(panics) == first {
				reused = true
				break
			}
		}
		if !reused {
			t.Fatalf("no call ran on the idle worker %s again (panics %v)", first, panics)
		}
	}
}
