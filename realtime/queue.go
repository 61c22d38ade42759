package realtime

import (
	"sync"
	"sync/atomic"
)

// sendQueue is a session's bounded FIFO of frames to write: many senders
// (the hub, the read loop, the hello, timers), one writer at a time.
//
// It holds memory only for what is queued, and a goroutine only while
// there is something to write: an idle session keeps an empty slice header
// rather than a buffered channel of SendQueueLen frames (14 KB a socket at
// 256), and no writer goroutine blocked on it (4 KB of stack). Once start
// has given the queue its write function, push starts the writer, a
// goroutine that takes everything queued, writes it as one burst, and goes
// on until it finds the queue empty; then it ends, and the next push
// starts another.
//
// Invariants:
//   - frames come out in the order push accepted them;
//   - at most one writer runs at a time (running, under mu), so what the
//     writers own they own in turn: each starts after the one before has
//     released mu for the last time;
//   - a frame queued while the queue is started finds a writer running,
//     one that will take it before it ends (push starts one if none runs;
//     a writer ends only when it finds the queue empty, under mu);
//   - pending counts the frames accepted and not yet written (those queued
//     plus those a writer has taken and not finished), and push refuses a
//     frame when pending is limit: the bound is the one a buffered channel
//     of limit frames gave, counted over every frame not on the wire.
type sendQueue struct {
	limit   int            // immutable after newSendQueue
	pending atomic.Int32   // accepted and not yet written
	writers sync.WaitGroup // the writer, while one runs

	mu      sync.Mutex
	frames  []frame                  // queued, oldest first
	write   func(burst []frame) bool // set by start, nil after stop; false: write nothing more
	running bool                     // a writer runs
	stopped bool                     // stop was called: frames are dropped
	spare   []frame                  // the last burst's slice, for the next writer
}

// keepFrames is the largest queue backing array a drained queue keeps for
// its next burst; a larger one (a burst of catch-up or a slow client) is
// released, so a quiet session goes back to a few hundred bytes.
const keepFrames = 4

func newSendQueue(limit int) *sendQueue {
	return &sendQueue{limit: limit}
}

// push queues f and reports whether it did: false when limit frames are
// pending already, which makes the caller close the session as a slow
// consumer. It never blocks. After stop it drops f and reports true.
func (q *sendQueue) push(f frame) bool {
	q.mu.Lock()
	if q.stopped {
		q.mu.Unlock()
		return true
	}
	if int(q.pending.Load()) >= q.limit {
		q.mu.Unlock()
		return false
	}
	q.pending.Add(1)
	q.frames = append(q.frames, f)
	wake := q.wake()
	q.mu.Unlock()
	if wake {
		go q.run()
	}
	return true
}

// wake reports whether a writer is to be started for the queued frames,
// and counts it running if so; q.mu is held.
func (q *sendQueue) wake() bool {
	if q.write == nil || q.running || len(q.frames) == 0 {
		return false
	}
	q.running = true
	q.writers.Add(1)
	return true
}

// start lets writers run, with write to write each burst; what was queued
// before is written first. write returns false when nothing more is to be
// written (the session is over); the queue stops starting writers then.
func (q *sendQueue) start(write func(burst []frame) bool) {
	q.mu.Lock()
	q.write = write
	wake := q.wake()
	q.mu.Unlock()
	if wake {
		go q.run()
	}
}

// stop makes the queue drop what comes from now on and waits for the
// writer, if one runs, to end. It returns once nothing writes any more.
func (q *sendQueue) stop() {
	q.mu.Lock()
	q.stopped, q.write = true, nil
	q.mu.Unlock()
	q.writers.Wait()
}

// run is the writer: it writes burst after burst until it finds the queue
// empty, or write says to stop.
func (q *sendQueue) run() {
	defer q.writers.Done()
	q.mu.Lock()
	burst := q.spare
	q.spare = nil
	q.mu.Unlock()
	for {
		q.mu.Lock()
		write := q.write
		if len(q.frames) == 0 || write == nil {
			q.running = false
			if cap(burst) <= keepFrames {
				clear(burst) // the frames' bytes are not kept while idle
				q.spare = burst[:0]
			}
			q.mu.Unlock()
			return
		}
		burst = q.takeLocked(burst)
		q.mu.Unlock()
		if !write(burst) {
			q.mu.Lock()
			q.write = nil
			q.running = false
			q.mu.Unlock()
			return
		}
		if cap(burst) > keepFrames {
			burst = nil // a large burst's memory goes back; a quiet session keeps little
		}
	}
}

// take moves every queued frame into buf (emptied first) and returns it;
// the caller calls written once per frame as it writes (or drops) them.
// The writer takes frames itself (run); take is for a queue never
// started.
func (q *sendQueue) take(buf []frame) []frame {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.takeLocked(buf)
}

// takeLocked is take with q.mu held. Swapping buffers keeps the lock held
// for a copy only, never across I/O.
func (q *sendQueue) takeLocked(buf []frame) []frame {
	clear(buf)
	buf = append(buf[:0], q.frames...)
	clear(q.frames)
	if cap(q.frames) > keepFrames {
		q.frames = nil
	} else {
		q.frames = q.frames[:0]
	}
	return buf
}

// written is called by the writer for each taken frame it is done with.
func (q *sendQueue) written() { q.pending.Add(-1) }

// len returns how many frames are pending.
func (q *sendQueue) len() int { return int(q.pending.Load()) }
