package realtime

import (
	"sync"
	"testing"

	"skranke/chat"
)

func TestSendQueue_order(t *testing.T) {
	q := newSendQueue(256)
	for i := 1; i <= 3; i++ {
		if !q.push(frame{seq: chat.Seq(i)}) {
			t.Fatalf("push(%d) = false on a queue of 256", i)
		}
	}
	<-q.ready
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

// The bound counts every frame not yet written, those the write loop has
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

// Concurrent senders: every accepted frame comes out once, each sender's in
// its order, and a token is ready whenever frames are queued.
func TestSendQueue_concurrent(t *testing.T) {
	const senders, each = 4, 500
	q := newSendQueue(senders * each)
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
	last := map[chat.ConversationID]chat.Seq{}
	got := 0
	var burst []frame
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for got < senders*each {
		select {
		case <-q.ready:
		case <-done:
		}
		burst = q.take(burst)
		for _, f := range burst {
			if f.seq != last[f.conv]+1 {
				t.Fatalf("sender %s: seq %d after %d", f.conv, f.seq, last[f.conv])
			}
			last[f.conv] = f.seq
			q.written()
			got++
		}
	}
	if q.len() != 0 {
		t.Errorf("len() = %d after everything was written, want 0", q.len())
	}
}
