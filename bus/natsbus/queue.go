package natsbus

import (
	"sync"

	"skranke/chat"
)

// queue holds the events waiting for the delivery goroutine. Pushing never
// blocks: when max events are waiting, further events are dropped and a
// resync event is owed, delivered after those waiting, so subscribers catch
// up from the store instead of silently missing what was dropped.
type queue struct {
	max  int           // immutable after newQueue
	wake chan struct{} // capacity 1: something was pushed since the last take

	mu     sync.Mutex
	items  []chat.Event
	lost   bool // events were dropped since the last take: a resync is owed
	closed bool
}

func newQueue(max int) *queue {
	return &queue{max: max, wake: make(chan struct{}, 1)}
}

// push appends e and reports whether it was queued: not when the queue is
// full (a resync is then owed) or closed.
func (q *queue) push(e chat.Event) bool {
	q.mu.Lock()
	ok := !q.closed && len(q.items) < q.max
	if ok {
		q.items = append(q.items, e)
	} else if !q.closed {
		q.lost = true
	}
	q.mu.Unlock()
	q.signal()
	return ok
}

// pushResync owes the subscribers a resync event. A full queue cannot lose
// it: it becomes the owed resync that follows the waiting events.
func (q *queue) pushResync() {
	q.push(chat.Event{Kind: chat.KindResync})
}

func (q *queue) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// take moves the waiting events, followed by an owed resync, to buf and
// returns it.
func (q *queue) take(buf []chat.Event) []chat.Event {
	q.mu.Lock()
	defer q.mu.Unlock()
	buf = append(buf, q.items...)
	clear(q.items) // drop references held by the events
	q.items = q.items[:0]
	if q.lost {
		q.lost = false
		buf = append(buf, chat.Event{Kind: chat.KindResync})
	}
	return buf
}

// close drops what is waiting and makes every later push a no-op.
func (q *queue) close() {
	q.mu.Lock()
	q.closed = true
	q.items = nil
	q.lost = false
	q.mu.Unlock()
}
