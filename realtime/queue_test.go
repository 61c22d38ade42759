package realtime

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"skranke/chat"
)

func TestSendQueue_order(t *testing.T) {
	q := newSendQueue(256)
	for i := 1; i <= 3; i++ {
		if !q.push(frame{seq: chat.Seq(i)}) {
			t.Fatalf("push(%d) = false on a queue of 256", i)
		}
	}
	burst := q.take(nil)
	if len(burst) != 3 {
		t.Fatalf("take() = %d frames, want 3", len(burst))
	}
	for i, f := range burst {
		if f.seq != chat.Seq(i+1) {
			t.Errorf("take()[%d].seq = %d, want %d", i, f.seq, i+1)
		}
	}
	if got := q.take(burst); len(got) != 0 {
		t.Errorf("take() after take = %d frames, want 0", len(got))
	}
}

// The bound counts every frame not yet written, those the writer has
// taken as well as those queued: the slow-consumer close comes after limit
// frames, as with a buffered channel of limit.
func TestSendQueue_bound(t *testing.T) {
	q := newSendQueue(3)
	for i := range 3 {
		if !q.push(frame{seq: chat.Seq(i + 1)}) {
			t.Fatalf("push(%d) = false under the bound", i+1)
		}
	}
	if q.push(frame{seq: 4}) {
		t.Fatal("push(4) = true on a full queue, want false (slow consumer)")
	}
	burst := q.take(nil)
	if q.push(frame{seq: 4}) {
		t.Fatal("push(4) = true with 3 frames taken and not written, want false")
	}
	q.written()
	if !q.push(frame{seq: 4}) {
		t.Fatal("push(4) = false after one frame was written, want true")
	}
	if q.len() != 3 {
		t.Errorf("len() = %d, want 3", q.len())
	}
	q.written()
	q.written()
	if got := q.take(burst); len(got) != 1 || got[0].seq != 4 {
		t.Errorf("take() = %v, want the frame of seq 4", got)
	}
}

// An idle queue keeps no large backing array after a burst.
func TestSendQueue_releases(t *testing.T) {
	q := newSendQueue(256)
	for i := range 100 {
		q.push(frame{seq: chat.Seq(i + 1)})
	}
	q.take(nil)
	if cap(q.frames) > keepFrames {
		t.Errorf("cap(frames) = %d after a burst of 100 was taken, want at most %d", cap(q.frames), keepFrames)
	}
}

// Concurrent senders, with the queue started: every accepted frame is
// written once, each sender's in its order, by one writer at a time, and
// once everything is written no writer is left running.
func TestSendQueue_concurrent(t *testing.T) {
	const senders, each = 4, 500
	q := newSendQueue(senders * each)
	var (
		mu      sync.Mutex
		last    = map[chat.ConversationID]chat.Seq{}
		got     int
		writing atomic.Int32
		all     = make(chan struct{})
	)
	q.start(func(burst []frame) bool {
		if n := writing.Add(1); n != 1 {
			t.Errorf("%d writers at once", n)
		}
		defer writing.Add(-1)
		mu.Lock()
		defer mu.Unlock()
		for _, f := range burst {
			if f.seq != last[f.conv]+1 {
				t.Errorf("sender %s: seq %d after %d", f.conv, f.seq, last[f.conv])
			}
			last[f.conv] = f.seq
			q.written()
			got++
		}
		if got == senders*each {
			close(all)
		}
		return true
	})
	var wg sync.WaitGroup
	for s := range senders {
		wg.Go(func() {
			for i := range each {
				if !q.push(frame{conv: chat.ConversationID(rune('a' + s)), seq: chat.Seq(i + 1)}) {
					t.Errorf("push = false under the bound")
				}
			}
		})
	}
	wg.Wait()
	select {
	case <-all:
	case <-time.After(10 * time.Second):
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("%d of %d frames written", got, senders*each)
	}
	if q.len() != 0 {
		t.Errorf("len() = %d after everything was written, want 0", q.len())
	}
	// The writer ends once it finds the queue empty: an idle session has
	// no goroutine writing.
	waitIdle(t, q)
}

// waitIdle waits until no writer runs.
func waitIdle(t *testing.T, q *sendQueue) {
	t.Helper()
	idle := make(chan struct{})
	go func() { q.writers.Wait(); close(idle) }()
	select {
	case <-idle:
	case <-time.After(10 * time.Second):
		t.Fatal("a writer still runs with nothing queued")
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.running {
		t.Error("running = true with no writer")
	}
}

// Frames queued before start wait, and are written first once it comes;
// after the writer has ended, the next push starts another.
func TestSendQueue_start(t *testing.T) {
	q := newSendQueue(16)
	q.push(frame{seq: 1})
	q.push(frame{seq: 2})
	written := make(chan chat.Seq, 16)
	q.start(func(burst []frame) bool {
		for _, f := range burst {
			written <- f.seq
			q.written()
		}
		return true
	})
	for want := chat.Seq(1); want <= 2; want++ {
		if got := <-written; got != want {
			t.Fatalf("written %d, want %d", got, want)
		}
	}
	waitIdle(t, q)
	q.push(frame{seq: 3})
	select {
	case got := <-written:
		if got != 3 {
			t.Fatalf("written %d, want 3", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a frame pushed to an idle started queue was not written")
	}
}

// stop waits for the writer in progress and drops what comes after; a
// write that fails stops the writing too.
func TestSendQueue_stop(t *testing.T) {
	q := newSendQueue(16)
	inWrite, release := make(chan struct{}), make(chan struct{})
	var writes atomic.Int32
	q.start(func(burst []frame) bool {
		if writes.Add(1) == 1 {
			close(inWrite)
			<-release
		}
		return true
	})
	q.push(frame{seq: 1})
	<-inWrite
	stopped := make(chan struct{})
	go func() { q.stop(); close(stopped) }()
	select {
	case <-stopped:
		t.Fatal("stop returned while a write was in progress")
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	<-stopped
	if !q.push(frame{seq: 2}) {
		t.Error("push after stop = false, want true (dropped)")
	}
	waitIdle(t, q)
	if n := writes.Load(); n != 1 {
		t.Errorf("%d writes, want 1 (nothing after stop)", n)
	}

	failing := newSendQueue(16)
	var tries atomic.Int32
	failing.start(func([]frame) bool { tries.Add(1); return false })
	failing.push(frame{seq: 1})
	waitIdle(t, failing)
	failing.push(frame{seq: 2})
	waitIdle(t, failing)
	if n := tries.Load(); n != 1 {
		t.Errorf("%d writes after a failed one, want none", n-1)
	}
}
