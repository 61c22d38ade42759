package bus

import (
	"context"
	"sync"

	"skranke/chat"
)

// Bus announces events to every subscriber on every node.
type Bus interface {
	// Publish announces e. It does not wait for subscribers to handle it.
	Publish(ctx context.Context, e chat.Event) error
	// Subscribe calls fn for each event published from now on, in the order
	// of publication by any one publisher, until the returned cancel is
	// called. fn must not block: it runs on the bus's delivery goroutine or,
	// for the in-process bus, on the publisher's, so it may be called
	// concurrently by several publishers.
	Subscribe(fn func(chat.Event)) (cancel func())
	Close() error
}

// Local is the in-process bus of a single node. Publish hands the event to
// every subscriber before it returns; it never drops one.
type Local struct {
	mu     sync.RWMutex
	subs   map[int]func(chat.Event)
	nextID int
}

// NewLocal returns an in-process bus.
func NewLocal() *Local {
	return &Local{subs: make(map[int]func(chat.Event))}
}

// Publish calls every subscriber with e, in the caller's goroutine.
func (b *Local) Publish(ctx context.Context, e chat.Event) error {
	b.mu.RLock()
	fns := make([]func(chat.Event), 0, len(b.subs))
	for _, fn := range b.subs {
		fns = append(fns, fn)
	}
	b.mu.RUnlock()
	for _, fn := range fns {
		fn(e)
	}
	return nil
}

// Subscribe registers fn until cancel is called.
func (b *Local) Subscribe(fn func(chat.Event)) (cancel func()) {
	b.mu.Lock()
	id := b.nextID
	b.nextID++
	b.subs[id] = fn
	b.mu.Unlock()
	return func() {
		b.mu.Lock()
		delete(b.subs, id)
		b.mu.Unlock()
	}
}

// Close does nothing: the in-process bus holds no resources.
func (b *Local) Close() error { return nil }
