package realtime

import (
	"sync"
	"sync/atomic"
)

// sendQueue is a session's bounded FIFO of frames to write: many senders
// (the hub, the read loop, the hello), one receiver (the write loop).
//
// It holds memory only for what is queued: an idle session keeps an empty
// slice header and a one-slot channel rather than a buffered channel of
// SendQueueLen frames (14 KB a socket at 256), so the queue's memory is
// allocated when frames arrive and given back once they are written.
//
// Invariants:
//   - frames come out in the order push accepted them;
//   - pending counts the frames accepted and not yet written (those queued
//     plus those the write loop has taken and not finished), and push
//     refuses a frame when pending is limit: the bound is the one a
//     buffered channel of limit frames gave, counted over every frame not
//     on the wire;
//   - ready holds a token whenever frames may be queued: push puts one
//     (without blocking) after appending, and take empties the queue.
type sendQueue struct {
	limit   int           // immutable after newSendQueue
	ready   chan struct{} // one slot: there may be frames to take
	pending atomic.Int32  // accepted and not yet written

	mu     sync.Mutex
	frames []frame // queued, oldest first
}

// keepFrames is the largest queue backing array a drained queue keeps for
// its next burst; a larger one (a burst of catch-up or a slow client) is
// released, so a quiet session goes back to a few hundred bytes.
const keepFrames = 4

func newSendQueue(limit int) *sendQueue {
	return &sendQueue{limit: limit, ready: make(chan struct{}, 1)}
}

// push queues f and reports whether it did: false when limit frames are
// pending already, which makes the caller close the session as a slow
// consumer. It never blocks.
func (q *sendQueue) push(f frame) bool {
	q.mu.Lock()
	if int(q.pending.Load()) >= q.limit {
		q.mu.Unlock()
		return false
	}
	q.pending.Add(1)
	q.frames = append(q.frames, f)
	q.mu.Unlock()
	select {
	case q.ready <- struct{}{}:
	default: // a token is there already
	}
	return true
}

// take moves every queued frame into buf (emptied first) and returns it;
// the caller calls written once per frame as it writes (or drops) them.
// Swapping buffers keeps the lock held for a copy only, never across I/O.
func (q *sendQueue) take(buf []frame) []frame {
	clear(buf)
	buf = buf[:0]
	q.mu.Lock()
	buf = append(buf, q.frames...)
	clear(q.frames)
	if cap(q.frames) > keepFrames {
		q.frames = nil
	} else {
		q.frames = q.frames[:0]
	}
	q.mu.Unlock()
	return buf
}

// written is called by the write loop for each taken frame it is done with.
func (q *sendQueue) written() { q.pending.Add(-1) }

// len returns how many frames are pending.
func (q *sendQueue) len() int { return int(q.pending.Load()) }
