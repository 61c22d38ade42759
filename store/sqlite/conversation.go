package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"skranke/chat"
	"skranke/store"
)

// StartConversation creates a waiting conversation with its "started" event
// (Seq 1), unless the customer has one that has not ended: then it returns
// that one with created false. s.ID is used for a new conversation; if it is
// empty, a new id is made. An unknown queue is invalid, an unknown customer
// not_found.
//
// It runs on the single write connection, so two calls for one customer are
// serialised and the second finds the first's conversation; the partial
// unique index on conversations(customer_id) holds the rule even so.
func (db *DB) StartConversation(ctx context.Context, s store.StartConversation) (chat.Conversation, bool, error) {
	if s.ID == "" {
		s.ID = chat.ConversationID(chat.NewID())
	}
	var c chat.Conversation
	var created bool
	err := db.writeTx(ctx, func(tx *sql.Tx, now time.Time) error {
		open, err := scanConversation(tx.QueryRowContext(ctx, `SELECT `+conversationColumns+`
			FROM conversations WHERE customer_id = ? AND status <> 'ended'`, s.CustomerID))
		if err == nil {
			c = open
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		n, e, err := chat.NewConversation(s.ID, s.CustomerID, s.QueueID, s.CustomerName, now)
		if err != nil {
			return err
		}
		ok, err := exists(ctx, tx, `SELECT 1 FROM queues WHERE id = ?`, s.QueueID)
		if err != nil {
			return err
		}
		if !ok {
			return chat.Errorf(chat.EInvalid, "There is no queue %q.", s.QueueID)
		}
		ok, err = exists(ctx, tx, `SELECT 1 FROM customers WHERE id = ?`, s.CustomerID)
		if err != nil {
			return err
		}
		if !ok {
			return chat.Errorf(chat.ENotFound, "No such customer.")
		}
		agents, declined := idList(n.Agents), idList(n.Declined)
		_, err = tx.ExecContext(ctx, `INSERT INTO conversations (id, queue_id, customer_id, customer_name, status,
			agents, declined, priority, queued_at, created_at, last_seq)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			n.ID, n.QueueID, n.CustomerID, n.CustomerName, n.Status,
			agents, declined, n.Priority, n.QueuedAt.UnixNano(), n.CreatedAt.UnixNano(), n.LastSeq)
		if err != nil {
			return conflict(err, "A conversation with this id exists already.")
		}
		if _, err := tx.ExecContext(ctx, insertEventSQL, eventArgs(e)...); err != nil {
			return err
		}
		c, created = n, true
		return nil
	})
	if err != nil {
		return chat.Conversation{}, false, fmt.Errorf("start conversation: %w", err)
	}
	return c, created, nil
}

// Conversation returns the current state of conversation id.
func (db *DB) Conversation(ctx context.Context, id chat.ConversationID) (chat.Conversation, error) {
	c, err := scanConversation(db.read.QueryRowContext(ctx, `SELECT `+conversationColumns+`
		FROM conversations WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return chat.Conversation{}, errNoConversation
	}
	if err != nil {
		return chat.Conversation{}, fmt.Errorf("conversation: %w", err)
	}
	return c, nil
}

// errNoConversation answers for a conversation that does not exist.
var errNoConversation = chat.Errorf(chat.ENotFound, "No such conversation.")

// Conversations lists the conversations that match f, oldest first: by
// creation time, then in the order they were stored.
func (db *DB) Conversations(ctx context.Context, f store.ConversationFilter) ([]chat.Conversation, error) {
	var where []string
	var args []any
	if len(f.Statuses) > 0 {
		where = append(where, "status IN (?"+strings.Repeat(", ?", len(f.Statuses)-1)+")")
		for _, s := range f.Statuses {
			args = append(args, s)
		}
	}
	if f.CustomerID != "" {
		where = append(where, "customer_id = ?")
		args = append(args, f.CustomerID)
	}
	if f.AgentID != "" {
		where = append(where, "(offer_agent_id = ? OR invitation_agent_id = ? OR EXISTS (SELECT 1 FROM json_each(conversations.agents) WHERE json_each.value = ?))")
		args = append(args, f.AgentID, f.AgentID, f.AgentID)
	}
	query := `SELECT ` + conversationColumns + ` FROM conversations`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	query += ` ORDER BY created_at, rowid LIMIT ?`
	limit := f.Limit
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	args = append(args, limit)

	return queryAll(ctx, db, "conversations", scanConversation, query, args...)
}

const conversationColumns = `id, queue_id, customer_id, customer_name, status, agents, declined,
	offer_agent_id, offer_offered_at, offer_expires_at, priority, queued_at, created_at, ended_at, last_seq,
	invitation`

// scanConversation reads the conversationColumns of one row.
func scanConversation(s scanner) (chat.Conversation, error) {
	var c chat.Conversation
	var agents, declined string
	var offerAgent, invitation sql.NullString
	var offeredAt, expiresAt, endedAt sql.NullInt64
	var queuedAt, createdAt int64
	err := s.Scan(&c.ID, &c.QueueID, &c.CustomerID, &c.CustomerName, &c.Status, &agents, &declined,
		&offerAgent, &offeredAt, &expiresAt, &c.Priority, &queuedAt, &createdAt, &endedAt, &c.LastSeq,
		&invitation)
	if err != nil {
		return chat.Conversation{}, err
	}
	if invitation.Valid {
		c.Invitation = new(chat.Invitation)
		if err := json.Unmarshal([]byte(invitation.String), c.Invitation); err != nil {
			return chat.Conversation{}, fmt.Errorf("conversation %s: invitation: %w", c.ID, err)
		}
	}
	if err := json.Unmarshal([]byte(agents), &c.Agents); err != nil {
		return chat.Conversation{}, fmt.Errorf("conversation %s: agents: %w", c.ID, err)
	}
	if err := json.Unmarshal([]byte(declined), &c.Declined); err != nil {
		return chat.Conversation{}, fmt.Errorf("conversation %s: declined: %w", c.ID, err)
	}
	if offerAgent.Valid {
		c.Offer = &chat.Offer{
			AgentID:   chat.UserID(offerAgent.String),
			OfferedAt: nullTime(offeredAt),
			ExpiresAt: nullTime(expiresAt),
		}
	}
	c.QueuedAt, c.CreatedAt, c.EndedAt = unixTime(queuedAt), unixTime(createdAt), nullTime(endedAt)
	return c, nil
}

// updateConversationSQL writes the fields Apply may change; its arguments
// are conversationUpdate's.
const updateConversationSQL = `UPDATE conversations SET status = ?, agents = ?, declined = ?,
	offer_agent_id = ?, offer_offered_at = ?, offer_expires_at = ?,
	priority = ?, queued_at = ?, ended_at = ?, last_seq = ?,
	invitation = ?, invitation_agent_id = ? WHERE id = ?`

func conversationUpdate(c chat.Conversation) []any {
	var offerAgent, offeredAt, expiresAt any // NULL when no offer is open
	if c.Offer != nil {
		offerAgent, offeredAt, expiresAt = c.Offer.AgentID, c.Offer.OfferedAt.UnixNano(), timeValue(c.Offer.ExpiresAt)
	}
	var invitation, invitee any // NULL when no invitation is pending
	if c.Invitation != nil {
		b, _ := json.Marshal(c.Invitation) // plain fields: cannot fail
		invitation = string(b)
		if c.Invitation.AgentID != "" {
			invitee = c.Invitation.AgentID
		}
	}
	return []any{c.Status, idList(c.Agents), idList(c.Declined), offerAgent, offeredAt, expiresAt,
		c.Priority, c.QueuedAt.UnixNano(), timeValue(c.EndedAt), c.LastSeq, invitation, invitee, c.ID}
}

// idList encodes user ids as a JSON array, [] for none.
func idList(ids []chat.UserID) string {
	if len(ids) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(ids) // cannot fail for a slice of strings
	return string(b)
}
