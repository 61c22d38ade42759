package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"skranke/chat"
	"skranke/store"
)

// AppendEvent stores e as the next event of e.ConversationID if
// chat.Conversation.Apply allows it at the commit time, and returns it as
// stored (with Seq and Time) and the conversation after it. It returns only
// after the transaction that holds e has committed.
//
// An event with a ClientMsgID that its author has used before in the
// conversation is not stored again: the original is returned with Duplicate
// set, even if the chat has ended since.
//
// Concurrent calls are committed together, a batch a transaction, in the
// order taken, with the guarantees of store.GroupCommit: a rule error
// answers only its own caller; if ctx is done while the call waits for the
// commit, the event may still be stored, and a retry with the same
// ClientMsgID finds it.
func (db *DB) AppendEvent(ctx context.Context, e chat.Event) (store.Appended, error) {
	return db.appends.Append(ctx, e)
}

// commitBatch, run by the DB's writer goroutine only, appends the events of
// reqs in one transaction, in order, and answers each request.
func (db *DB) commitBatch(reqs []*store.AppendRequest) {
	err := db.writeTx(db.ctx, func(tx *sql.Tx, now time.Time) error {
		b := &batch{
			ctx: db.ctx,
			now: now,
			stmts: writerStmts{
				conversation:       tx.StmtContext(db.ctx, db.stmts.conversation),
				eventByClientMsgID: tx.StmtContext(db.ctx, db.stmts.eventByClientMsgID),
				insertEvent:        tx.StmtContext(db.ctx, db.stmts.insertEvent),
				updateConversation: tx.StmtContext(db.ctx, db.stmts.updateConversation),
			},
			convs: map[chat.ConversationID]*chat.Conversation{},
			msgs:  map[msgKey]chat.Event{},
		}
		for _, req := range reqs {
			a, err := b.append(req.Event)
			var ce *chat.Error
			if errors.As(err, &ce) {
				req.Answer(store.Appended{}, fmt.Errorf("append event: %w", err))
				continue
			}
			if err != nil {
				return err // the whole transaction fails
			}
			req.Answer(a, nil)
		}
		return b.flush()
	})
	if err != nil {
		for _, req := range reqs {
			req.Answer(store.Appended{}, fmt.Errorf("append event: %w", err))
		}
		return
	}
	db.commits.Add(1)
	db.committed.Add(int64(len(reqs)))
}

// batch is the state of one group-commit transaction.
type batch struct {
	ctx context.Context
	now time.Time // the commit time of every event in the batch

	stmts writerStmts // the writer's statements, in the batch's transaction

	// convs holds each conversation the batch has read, as it is after the
	// batch's events so far, so several events for one conversation chain.
	convs map[chat.ConversationID]*chat.Conversation
	dirty []chat.ConversationID // convs changed, to write back, in first-change order
	msgs  map[msgKey]chat.Event // events with a client message id stored by this batch

}

// msgKey identifies a client message id: unique per conversation and author.
type msgKey struct {
	conversation chat.ConversationID
	author       string
	clientMsgID  string
}

// append checks e against its conversation, as changed by the batch so far,
// and inserts it. Errors for the caller are *chat.Error; any other error
// fails the batch.
func (b *batch) append(e chat.Event) (store.Appended, error) {
	c, err := b.conversation(e.ConversationID)
	if err != nil {
		return store.Appended{}, err
	}
	key := msgKey{e.ConversationID, e.Author.ID, e.ClientMsgID}
	if e.ClientMsgID != "" {
		orig, ok := b.msgs[key]
		if !ok {
			orig, ok, err = b.eventByClientMsgID(key)
			if err != nil {
				return store.Appended{}, err
			}
		}
		if ok {
			return store.Appended{Event: orig, Conversation: *c, Duplicate: true}, nil
		}
	}
	e.Time = b.now
	if !e.ExpiresAt.IsZero() {
		e.ExpiresAt = e.ExpiresAt.UTC().Round(0) // as it will read back
	}
	n, stored, err := c.Apply(e)
	if err != nil {
		return store.Appended{}, err
	}
	if _, err := b.stmts.insertEvent.ExecContext(b.ctx, eventArgs(stored)...); err != nil {
		return store.Appended{}, err
	}
	if !slices.Contains(b.dirty, c.ID) {
		b.dirty = append(b.dirty, c.ID)
	}
	b.convs[c.ID] = &n
	if e.ClientMsgID != "" {
		b.msgs[key] = stored
	}
	return store.Appended{Event: stored, Conversation: n}, nil
}

// conversation returns conversation id as the batch has it, reading it
// once from the database.
func (b *batch) conversation(id chat.ConversationID) (*chat.Conversation, error) {
	if c, ok := b.convs[id]; ok {
		return c, nil
	}
	c, err := scanConversation(b.stmts.conversation.QueryRowContext(b.ctx, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoConversation
	}
	if err != nil {
		return nil, err
	}
	b.convs[id] = &c
	return &c, nil
}

// eventByClientMsgID finds the stored event with that key.
func (b *batch) eventByClientMsgID(k msgKey) (chat.Event, bool, error) {
	e, err := scanEvent(b.stmts.eventByClientMsgID.QueryRowContext(b.ctx, k.conversation, k.author, k.clientMsgID))
	if errors.Is(err, sql.ErrNoRows) {
		return chat.Event{}, false, nil
	}
	return e, err == nil, err
}

// flush writes back every conversation the batch changed.
func (b *batch) flush() error {
	for _, id := range b.dirty {
		if _, err := b.stmts.updateConversation.ExecContext(b.ctx, conversationUpdate(*b.convs[id])...); err != nil {
			return err
		}
	}
	return nil
}

// Events returns up to limit events of conversation id with Seq > after, in
// order; limit <= 0 means no limit. An unknown conversation is not_found; a
// known one with nothing after `after` gives an empty list.
func (db *DB) Events(ctx context.Context, id chat.ConversationID, after chat.Seq, limit int) ([]chat.Event, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	es, err := queryAll(ctx, db, "events", scanEvent, `SELECT `+eventColumns+` FROM events
		WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?`, id, after, limit)
	if err != nil {
		return nil, err
	}
	if len(es) == 0 {
		// Conversations are never deleted, so asking after the fact is safe.
		ok, err := exists(ctx, db.read, `SELECT 1 FROM conversations WHERE id = ?`, id)
		if err != nil {
			return nil, fmt.Errorf("events: %w", err)
		}
		if !ok {
			return nil, errNoConversation
		}
	}
	return es, nil
}

const eventColumns = `conversation_id, seq, time, kind, visibility, author_role, author_id, author_name,
	client_msg_id, text, queue_id, agent_id, agent_name, reason, expires_at`

// insertEventSQL inserts the eventColumns; its arguments are eventArgs'.
const insertEventSQL = `INSERT INTO events (` + eventColumns + `)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// eventArgs are the stored fields of e. Ephemeral-only fields (Position,
// Status, …) are never stored.
func eventArgs(e chat.Event) []any {
	return []any{e.ConversationID, e.Seq, e.Time.UnixNano(), e.Kind, e.Visibility,
		e.Author.Role, e.Author.ID, e.Author.Name, e.ClientMsgID, e.Text,
		e.QueueID, e.AgentID, e.AgentName, e.Reason, timeValue(e.ExpiresAt)}
}

// scanEvent reads the eventColumns of one row.
func scanEvent(s scanner) (chat.Event, error) {
	var e chat.Event
	var t int64
	var expires sql.NullInt64
	err := s.Scan(&e.ConversationID, &e.Seq, &t, &e.Kind, &e.Visibility,
		&e.Author.Role, &e.Author.ID, &e.Author.Name, &e.ClientMsgID, &e.Text,
		&e.QueueID, &e.AgentID, &e.AgentName, &e.Reason, &expires)
	e.Time, e.ExpiresAt = unixTime(t), nullTime(expires)
	return e, err
}
