//go:build !race

// The race detector doubles every goroutine's stack guard, so that a race
// build's reading goroutine needs 8 KB whatever its depth: this file runs
// without it (make test-go runs it apart from the race run).

package realtime

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// The goroutine that reads an idle socket keeps a 4 KB stack, not 8 KB,
// after it has read frames (decoded and handled aside), answered a ping
// with a pong and seen its own ping answered: the runtime keeps a grown
// stack while a quarter of it is in use, so a reading goroutine that grows
// to 8 KB once keeps 8 KB for the socket's life, 40 % of an idle socket's
// memory (docs/benchmarks.md, 2026-12-04). Measured over many sockets as
// the growth of the process's goroutine stacks per goroutine added.
func TestReadLoop_idleSocketKeepsASmallStack(t *testing.T) {
	const n = 200
	parked := make(chan *session, n)
	url := serveTestSessions(t, func(s *session) {
		s.send.start(s.writeFrames)
		go func() {
			defer s.send.stop()
			s.readLoop(s.ctx)
		}()
		parked <- s
	})
	var before runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&before)
	goroutinesBefore := runtime.NumGoroutine()

	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	clients := make([]*websocket.Conn, n)
	for i := range clients {
		c, _, err := websocket.Dial(ctx, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		clients[i] = c
		t.Cleanup(func() { c.CloseNow() })
		s := <-parked
		t.Cleanup(s.cancel)
		var pings sync.WaitGroup
		pings.Go(func() {
			if err := c.Ping(ctx); err != nil { // answered by s's reading goroutine
				t.Errorf("client %d: ping: %v", i, err)
			}
		})
		pings.Go(func() {
			s.ping(ctx) // its pong is read by s's reading goroutine
			s.pings.Wait()
		})
		// Frames the session answers with an error each: unknown, not
		// JSON, not text. Reading the answers reads the pongs and answers
		// the ping too; unknown frames go on until both pings are done.
		pinged := make(chan struct{})
		go func() { pings.Wait(); close(pinged) }()
		frames := []struct {
			typ  websocket.MessageType
			data string
		}{{websocket.MessageText, `{"type":"no_such_frame"}`}, {websocket.MessageText, `{"type":`}, {websocket.MessageBinary, "\x01"}}
		answer := func(k int) {
			if err := c.Write(ctx, frames[k].typ, []byte(frames[k].data)); err != nil {
				t.Fatalf("client %d: %v", i, err)
			}
			if typ, data, err := c.Read(ctx); err != nil || typ != websocket.MessageText {
				t.Fatalf("client %d: answer = %v %q, %v; want an error frame", i, typ, data, err)
			}
		}
		for k := range frames {
			answer(k)
		}
	wait:
		for {
			select {
			case <-pinged:
				break wait
			default:
				answer(0)
			}
		}
	}
	if t.Failed() {
		return
	}

	var after runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&after)
	added := runtime.NumGoroutine() - goroutinesBefore
	if added < n {
		t.Fatalf("%d goroutines added for %d sockets, want one reading goroutine each", added, n)
	}
	perGoroutine := float64(after.StackInuse-before.StackInuse) / float64(added)
	t.Logf("%d sockets: %d goroutines added, stacks %.0f B each", n, added, perGoroutine)
	if perGoroutine > 5<<10 {
		t.Errorf("goroutine stacks grew %.0f B for each goroutine added (%d for %d idle sockets), want at most 5 KB: the reading goroutine has grown past 4 KB", perGoroutine, added, n)
	}
}
