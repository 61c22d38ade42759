package store

import (
	"context"

	"skranke/chat"
)

// Publisher announces committed events to every node; bus.Bus is one.
type Publisher interface {
	Publish(ctx context.Context, e chat.Event) error
}

// Appender appends events; EventLog (every Store) is one.
type Appender interface {
	AppendEvent(ctx context.Context, e chat.Event) (Appended, error)
}

// Hooks are what AppendAndPublish's caller wants to hear of. Both are
// optional.
type Hooks struct {
	// Committed is called with the event once it is committed and before
	// it is published: a transport acknowledges its sender here, so the
	// answer reaches the sender before the event does.
	Committed func(Appended)
	// Failed is called when the announcement failed. It loses nothing,
	// since every receiver catches up from the store, but it delays
	// delivery.
	Failed func(chat.Event, error)
}

// AppendAndPublish is the one way an event enters a conversation: it
// appends e to log and, once the event is committed, publishes it as
// stored. A retry that the log recognised (Duplicate) is published again,
// since the first announcement may have been lost with a crash; receivers
// drop what they already hold by Seq. The announcement outlives ctx (a
// caller that has gone still gets its event delivered).
func AppendAndPublish(ctx context.Context, log Appender, p Publisher, e chat.Event, h Hooks) (Appended, error) {
	a, err := log.AppendEvent(ctx, e)
	if err != nil {
		return Appended{}, err
	}
	if h.Committed != nil {
		h.Committed(a)
	}
	if err := p.Publish(context.WithoutCancel(ctx), a.Event); err != nil && h.Failed != nil {
		h.Failed(a.Event, err)
	}
	return a, nil
}
