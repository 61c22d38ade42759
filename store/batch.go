package store

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"skranke/chat"
)

// MsgKey identifies a client message id: unique per conversation and author.
type MsgKey struct {
	Conversation chat.ConversationID
	Author       string
	ClientMsgID  string
}

// BatchSource is what a Batch reads from the transaction it is folded in.
type BatchSource interface {
	// Conversation returns a conversation as stored (with its row locked,
	// where the database has row locks), or a *chat.Error with code
	// not_found when there is none.
	Conversation(id chat.ConversationID) (chat.Conversation, error)
	// EventByClientMsgID returns the stored event with key k, if any.
	EventByClientMsgID(k MsgKey) (chat.Event, bool, error)
	// Attachments returns the records of those of ids that exist, of any
	// conversation (with their rows locked, where the database has row
	// locks).
	Attachments(ids []chat.AttachmentID) ([]chat.Attachment, error)
}

// Batch is the fold of one group-commit transaction: it takes the batch's
// events in order, recognises retries by client message id, checks each
// against its conversation as the batch has changed it so far (so several
// events for one conversation chain), assigns Seq and records what the
// transaction must write. It is the one implementation of AppendEvent's
// rules for every store; a dialect only reads (BatchSource) and writes
// (Events, Changed, Participations, Attached).
type Batch struct {
	now time.Time // the commit time of every event in the batch
	src BatchSource

	convs map[chat.ConversationID]*chat.Conversation // as after the batch's events so far
	dirty []chat.ConversationID                      // changed, in first-change order
	msgs  map[MsgKey]chat.Event                      // events with a client message id stored by this batch
	atts  map[chat.AttachmentID]chat.Attachment      // records read, as sent by the batch so far

	// Events are the events to insert, in order.
	Events []chat.Event
	// Participations are the changes to the participants record, in order.
	Participations []chat.ParticipationChange
	// Attached are the files the batch's messages carry, to be marked
	// sent, in order.
	Attached []AttachmentUse
	// Refused are the client message ids of the events that Fold refused
	// by a rule: a source that answers EventByClientMsgID without looking
	// (a store that lets a unique index find the retries) must look for
	// these, since a retry is answered with its original even when the
	// rules would refuse it now (the chat has ended since).
	Refused []MsgKey
}

// NewBatch returns an empty batch committed at now, reading from src.
func NewBatch(now time.Time, src BatchSource) *Batch {
	return &Batch{
		now:   now,
		src:   src,
		convs: make(map[chat.ConversationID]*chat.Conversation),
		msgs:  make(map[MsgKey]chat.Event),
		atts:  make(map[chat.AttachmentID]chat.Attachment),
	}
}

// Fold appends the events of reqs in order and answers each request with
// what the batch did for it: a rule it breaks (a *chat.Error) answers that
// request alone. Any other error (the database failed) fails the whole
// batch and is returned; the requests are then answered by the caller.
func (b *Batch) Fold(reqs []*AppendRequest) error {
	for _, req := range reqs {
		a, err := b.Append(req.Event)
		var ce *chat.Error
		if errors.As(err, &ce) {
			req.Answer(Appended{}, fmt.Errorf("append event: %w", err))
			if e := req.Event; e.ClientMsgID != "" && chat.CheckClientMsgID(e.ClientMsgID) == nil {
				b.Refused = append(b.Refused, MsgKey{e.ConversationID, e.Author.ID, e.ClientMsgID})
			}
			continue
		}
		if err != nil {
			return err
		}
		req.Answer(a, nil)
	}
	return nil
}

// Append checks e against its conversation, as changed by the batch so far,
// and records it for insertion. Errors for the caller alone are
// *chat.Error; any other error means the transaction failed.
func (b *Batch) Append(e chat.Event) (Appended, error) {
	if err := chat.CheckClientMsgID(e.ClientMsgID); err != nil {
		return Appended{}, err // before it is looked up: some databases refuse such text
	}
	c, err := b.conversation(e.ConversationID)
	if err != nil {
		return Appended{}, err
	}
	key := MsgKey{e.ConversationID, e.Author.ID, e.ClientMsgID}
	if e.ClientMsgID != "" {
		orig, ok := b.msgs[key]
		if !ok {
			if orig, ok, err = b.src.EventByClientMsgID(key); err != nil {
				return Appended{}, err
			}
		}
		if ok {
			return Appended{Event: orig, Conversation: *c, Duplicate: true}, nil
		}
	}
	e.Time = b.now
	n, stored, err := c.Apply(e)
	if err != nil {
		return Appended{}, err
	}
	// The files a message carries, checked against their records: Apply
	// cannot see them (attachment.go).
	ids := stored.AttachmentIDs()
	if len(ids) > 0 {
		found, err := b.attachments(ids)
		if err != nil {
			return Appended{}, err
		}
		if stored, err = chat.AttachFiles(stored, found); err != nil {
			return Appended{}, err
		}
	}
	// As it will read back: times in UTC without a monotonic reading, an
	// empty payload as its kind's zero value.
	if stored.Data, err = roundTrip(stored.Kind, stored.Data); err != nil {
		return Appended{}, chat.E(chat.EInvalid, "event_details_unstorable", "The event's details cannot be stored.")
	}
	b.Events = append(b.Events, stored)
	b.Participations = append(b.Participations, chat.Participations(*c, n, stored.Seq, b.now)...)
	if !slices.Contains(b.dirty, c.ID) {
		b.dirty = append(b.dirty, c.ID)
	}
	b.convs[c.ID] = &n
	if e.ClientMsgID != "" {
		b.msgs[key] = stored
	}
	for _, id := range ids {
		a := b.atts[id]
		a.MessageSeq = stored.Seq
		b.atts[id] = a
		b.Attached = append(b.Attached, AttachmentUse{ID: id, Seq: stored.Seq})
	}
	return Appended{Event: stored, Conversation: n}, nil
}

// attachments returns the records of those of ids that exist, as the
// batch has them (a file an earlier message of the batch carries is sent
// already), reading the others once from the source.
func (b *Batch) attachments(ids []chat.AttachmentID) ([]chat.Attachment, error) {
	var missing []chat.AttachmentID
	for _, id := range ids {
		if _, ok := b.atts[id]; !ok {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		read, err := b.src.Attachments(missing)
		if err != nil {
			return nil, err
		}
		for _, a := range read {
			b.atts[a.ID] = a
		}
	}
	var out []chat.Attachment
	for _, id := range ids {
		if a, ok := b.atts[id]; ok {
			out = append(out, a)
		}
	}
	return out, nil
}

// Changed returns the conversations the batch changed, as they are after
// it, in the order they were first changed: to be written back.
func (b *Batch) Changed() []chat.Conversation {
	out := make([]chat.Conversation, len(b.dirty))
	for i, id := range b.dirty {
		out[i] = *b.convs[id]
	}
	return out
}

// conversation returns conversation id as the batch has it, reading it
// once from the source.
func (b *Batch) conversation(id chat.ConversationID) (*chat.Conversation, error) {
	if c, ok := b.convs[id]; ok {
		return c, nil
	}
	c, err := b.src.Conversation(id)
	if err != nil {
		return nil, err
	}
	b.convs[id] = &c
	return &c, nil
}

// roundTrip returns d as a store gives it back: encoded and decoded.
func roundTrip(k chat.Kind, d chat.Data) (chat.Data, error) {
	b, err := chat.EncodeData(d)
	if err != nil {
		return nil, err
	}
	return chat.DecodeData(k, b)
}

// ErrNoConversation answers for a conversation that does not exist.
var ErrNoConversation = chat.E(chat.ENotFound, "conversation_not_found", "No such conversation.")
