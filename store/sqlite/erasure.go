package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"

	"time"

	"skranke/chat"
	"skranke/store"
)

func scanID(s scanner) (chat.ConversationID, error) {
	var id chat.ConversationID
	err := s.Scan(&id)
	return id, err
}

// Expired returns up to limit ended conversations that e selects, oldest
// end first.
func (db *DB) Expired(ctx context.Context, e store.Expiry, limit int) ([]chat.ConversationID, error) {
	if e.Queue != "" {
		return queryAll(ctx, db, "expired", scanID, `SELECT id FROM conversations
			WHERE status = 'ended' AND queue_id = ? AND ended_at < ? ORDER BY ended_at LIMIT ?`,
			e.Queue, e.EndedBefore.UnixNano(), limit)
	}
	except, _ := json.Marshal(append([]chat.QueueID{}, e.Except...)) // strings: cannot fail; [] for none, not null
	return queryAll(ctx, db, "expired", scanID, `SELECT id FROM conversations
		WHERE status = 'ended' AND ended_at < ? AND queue_id NOT IN (SELECT value FROM json_each(?))
		ORDER BY ended_at LIMIT ?`,
		e.EndedBefore.UnixNano(), string(except), limit)
}

// EndedSince returns up to limit conversations that ended after (t,
// after), in the order (ended_at, id).
func (db *DB) EndedSince(ctx context.Context, t time.Time, after chat.ConversationID, limit int) ([]chat.Conversation, error) {
	return queryAll(ctx, db, "ended since", scanConversation, `SELECT `+conversationColumns+` FROM conversations
		WHERE status = 'ended' AND (ended_at > ?1 OR (ended_at = ?1 AND id > ?2)) ORDER BY ended_at, id LIMIT ?3`,
		t.UnixNano(), after, limit)
}

// ErasureRequested returns up to limit conversations that ended before t
// and whose customer asked that they be deleted.
func (db *DB) ErasureRequested(ctx context.Context, t time.Time, limit int) ([]chat.ConversationID, error) {
	return queryAll(ctx, db, "erasure requested", scanID, `SELECT id FROM conversations
		WHERE status = 'ended' AND record ->> '$.erasureRequested' = 1 AND ended_at < ?
		ORDER BY ended_at LIMIT ?`, t.UnixNano(), limit)
}

// AddContact records that conversation id's customer is known by a contact.
func (db *DB) AddContact(ctx context.Context, id chat.ConversationID, kind store.ContactKind, hash string) error {
	err := db.writeTx(ctx, func(tx *sql.Tx, _ time.Time) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO contacts (conversation_id, kind, hash) VALUES (?, ?, ?)
			ON CONFLICT DO NOTHING`, id, kind, hash)
		return conflict(err, store.ErrNoConversation) // a duplicate is ignored; an unknown chat is a missing reference
	})
	if err != nil {
		return fmt.Errorf("add contact: %w", err)
	}
	return nil
}

// ContactConversations lists the conversations known by a contact.
func (db *DB) ContactConversations(ctx context.Context, kind store.ContactKind, hash string) ([]chat.ConversationID, error) {
	return queryAll(ctx, db, "contact conversations", scanID,
		`SELECT conversation_id FROM contacts WHERE kind = ? AND hash = ? ORDER BY conversation_id`, kind, hash)
}

// CustomerConversations lists a customer's conversations.
func (db *DB) CustomerConversations(ctx context.Context, id chat.CustomerID) ([]chat.ConversationID, error) {
	return queryAll(ctx, db, "customer conversations", scanID,
		`SELECT id FROM conversations WHERE customer_id = ? ORDER BY created_at, id`, id)
}

// erasedTables are the tables that hold a conversation's own rows, in the
// order they are deleted (the conversation's row last, for the foreign
// keys). The search index goes first: each document is deleted with the
// text it was indexed with (its documents are numbered as in chatlog.go,
// ftsShift); the index marks it deleted, and its words leave the index's
// pages at the next compaction (CompactSearchIndex).
var erasedTables = []string{
	`INSERT INTO events_fts (events_fts, rowid, text)
		SELECT 'delete', (e.ord << 20) | e.seq, e.text FROM events e
		WHERE e.ord IN (SELECT ord FROM conversations WHERE id IN (SELECT value FROM json_each(?)))
			AND e.text <> '' AND e.seq < 1048576`,
	`DELETE FROM events WHERE ord IN (SELECT ord FROM conversations WHERE id IN (SELECT value FROM json_each(?)))`,
	`DELETE FROM participants WHERE conversation_id IN (SELECT value FROM json_each(?))`,
	`DELETE FROM evaluations WHERE conversation_id IN (SELECT value FROM json_each(?))`,
	`DELETE FROM outbox WHERE conversation_id IN (SELECT value FROM json_each(?))`,
	`DELETE FROM webhook_deliveries WHERE conversation_id IN (SELECT value FROM json_each(?))`,
	`DELETE FROM contacts WHERE conversation_id IN (SELECT value FROM json_each(?))`,
	`INSERT INTO orphan_files (id, since) SELECT id, created_at FROM attachments WHERE conversation_id IN (SELECT value FROM json_each(?))
		ON CONFLICT DO NOTHING`,
	`DELETE FROM attachments WHERE conversation_id IN (SELECT value FROM json_each(?))`,
	`DELETE FROM conversations WHERE id IN (SELECT value FROM json_each(?))`,
}

// DeleteConversations deletes the ended conversations among ids with
// everything of them, in one transaction, and counts them.
func (db *DB) DeleteConversations(ctx context.Context, d store.Deletion) ([]chat.ConversationID, error) {
	if len(d.IDs) == 0 {
		return nil, nil
	}
	var deleted []chat.ConversationID
	// The writer's cache of conversations (convcache.go) forgets these
	// before anyone else writes: it holds ended ones only by mistake, but
	// an event appended from a stale entry would fail its whole batch.
	db.convs.mu.Lock()
	defer db.convs.mu.Unlock()
	defer db.convs.drop(d.IDs...)
	err := db.writeTx(ctx, func(tx *sql.Tx, now time.Time) error {
		deleted = deleted[:0]
		// What the indexer has not taken yet goes into the index first,
		// so that every document of these chats is deleted from it.
		if _, err := indexQueued(ctx, tx, math.MaxInt32); err != nil {
			return err
		}
		all, _ := json.Marshal(d.IDs) // strings: cannot fail
		rows, err := tx.QueryContext(ctx, `SELECT id, queue_id, customer_id, ended_at, record FROM conversations
			WHERE id IN (SELECT value FROM json_each(?)) AND status = 'ended'`, string(all))
		if err != nil {
			return err
		}
		var customers []chat.CustomerID
		counts := map[store.ErasedCount]store.ErasedCount{}
		for rows.Next() {
			var id chat.ConversationID
			var queue chat.QueueID
			var customer chat.CustomerID
			var ended int64
			var record string
			if err := rows.Scan(&id, &queue, &customer, &ended, &record); err != nil {
				rows.Close()
				return err
			}
			var r chat.Record
			if err := json.Unmarshal([]byte(record), &r); err != nil {
				rows.Close()
				return fmt.Errorf("conversation %s: record: %w", id, err)
			}
			deleted = append(deleted, id)
			customers = append(customers, customer)
			store.CountErased(counts, queue, unixTime(ended), d.Reason, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		gone, _ := json.Marshal(deleted)
		for _, stmt := range erasedTables {
			if _, err := tx.ExecContext(ctx, stmt, string(gone)); err != nil {
				return err
			}
		}
		for _, c := range counts {
			if _, err := tx.ExecContext(ctx, `INSERT INTO erased_counts (day, queue_id, reason, conversations, answered, messages)
				VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (day, queue_id, reason) DO UPDATE SET
				conversations = conversations + excluded.conversations, answered = answered + excluded.answered,
				messages = messages + excluded.messages`,
				c.Day, c.QueueID, c.Reason, c.Conversations, c.Answered, c.Messages); err != nil {
				return err
			}
		}
		if d.DropCustomers {
			who, _ := json.Marshal(customers)
			if _, err := tx.ExecContext(ctx, `DELETE FROM customers WHERE id IN (SELECT value FROM json_each(?))
				AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.customer_id = customers.id)`, string(who)); err != nil {
				return err
			}
		}
		if len(deleted) == 0 {
			return nil
		}
		e, err := store.DeletionAudit(d, deleted, now)
		if err != nil {
			return err
		}
		return (&dirTx{ctx: ctx, tx: tx}).InsertAudit(e)
	})
	if err != nil {
		return nil, fmt.Errorf("delete conversations: %w", err)
	}
	return deleted, nil
}

// OrphanFiles lists files of deleted chats whose bytes are to be removed.
func (db *DB) OrphanFiles(ctx context.Context, limit int) ([]chat.AttachmentID, error) {
	return queryAll(ctx, db, "orphan files", func(s scanner) (chat.AttachmentID, error) {
		var id chat.AttachmentID
		err := s.Scan(&id)
		return id, err
	}, `SELECT id FROM orphan_files ORDER BY since, id LIMIT ?`, limit)
}

// ForgetOrphanFile records that an orphan file's bytes are gone.
func (db *DB) ForgetOrphanFile(ctx context.Context, id chat.AttachmentID) error {
	err := db.writeTx(ctx, func(tx *sql.Tx, _ time.Time) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM orphan_files WHERE id = ?`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("forget orphan file: %w", err)
	}
	return nil
}

// ErasedCounts lists the counts of deleted chats, by day and queue.
func (db *DB) ErasedCounts(ctx context.Context) ([]store.ErasedCount, error) {
	return queryAll(ctx, db, "erased counts", func(s scanner) (store.ErasedCount, error) {
		var c store.ErasedCount
		err := s.Scan(&c.Day, &c.QueueID, &c.Reason, &c.Conversations, &c.Answered, &c.Messages)
		return c, err
	}, `SELECT day, queue_id, reason, conversations, answered, messages FROM erased_counts ORDER BY day, queue_id, reason`)
}

// CompactSearchIndex merges the full-text index into one segment, which
// drops the words of the documents deleted since.
func (db *DB) CompactSearchIndex(ctx context.Context) error {
	if err := db.indexAll(ctx); err != nil {
		return fmt.Errorf("compact search index: %w", err)
	}
	err := db.writeTx(ctx, func(tx *sql.Tx, _ time.Time) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO events_fts (events_fts) VALUES ('optimize')`)
		return err
	})
	if err != nil {
		return fmt.Errorf("compact search index: %w", err)
	}
	return nil
}
