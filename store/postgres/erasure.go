package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"skranke/chat"
	"skranke/store"
)

func (db *DB) ids(ctx context.Context, what, query string, args ...any) ([]chat.ConversationID, error) {
	rows, err := db.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, classify(err))
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[chat.ConversationID])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, classify(err))
	}
	return ids, nil
}

// Expired returns up to limit ended conversations that e selects, oldest
// end first.
func (db *DB) Expired(ctx context.Context, e store.Expiry, limit int) ([]chat.ConversationID, error) {
	if e.Queue != "" {
		return db.ids(ctx, "expired", `SELECT id FROM conversations
			WHERE status = 'ended' AND queue_id = $1 AND ended_at < $2 ORDER BY ended_at LIMIT $3`,
			e.Queue, e.EndedBefore.UnixNano(), limit)
	}
	except := make([]string, len(e.Except)) // never nil: = ANY (NULL) is NULL
	for i, q := range e.Except {
		except[i] = string(q)
	}
	return db.ids(ctx, "expired", `SELECT id FROM conversations
		WHERE status = 'ended' AND ended_at < $1 AND NOT (queue_id = ANY ($2))
		ORDER BY ended_at LIMIT $3`, e.EndedBefore.UnixNano(), except, limit)
}

// EndedSince returns up to limit conversations that ended after (t,
// after), in the order (ended_at, id).
func (db *DB) EndedSince(ctx context.Context, t time.Time, after chat.ConversationID, limit int) ([]chat.Conversation, error) {
	cs, err := queryAll(ctx, db.pool, scanConversation, `SELECT `+conversationColumns+` FROM conversations
		WHERE status = 'ended' AND (ended_at > $1 OR (ended_at = $1 AND id > $2)) ORDER BY ended_at, id LIMIT $3`,
		t.UnixNano(), string(after), limit)
	if err != nil {
		return nil, fmt.Errorf("ended since: %w", err)
	}
	return cs, nil
}

// ErasureRequested returns up to limit conversations that ended before t
// and whose customer asked that they be deleted.
func (db *DB) ErasureRequested(ctx context.Context, t time.Time, limit int) ([]chat.ConversationID, error) {
	return db.ids(ctx, "erasure requested", `SELECT id FROM conversations
		WHERE status = 'ended' AND (record ->> 'erasureRequested') = 'true' AND ended_at < $1
		ORDER BY ended_at LIMIT $2`, t.UnixNano(), limit)
}

// AddContact records that conversation id's customer is known by a contact.
func (db *DB) AddContact(ctx context.Context, id chat.ConversationID, kind store.ContactKind, hash string) error {
	err := db.writeTx(ctx, func(tx pgx.Tx, _ time.Time) error {
		_, err := tx.Exec(ctx, `INSERT INTO contacts (conversation_id, kind, hash) VALUES ($1, $2, $3)
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
	return db.ids(ctx, "contact conversations",
		`SELECT conversation_id FROM contacts WHERE kind = $1 AND hash = $2 ORDER BY conversation_id`, kind, hash)
}

// CustomerConversations lists a customer's conversations.
func (db *DB) CustomerConversations(ctx context.Context, id chat.CustomerID) ([]chat.ConversationID, error) {
	return db.ids(ctx, "customer conversations",
		`SELECT id FROM conversations WHERE customer_id = $1 ORDER BY created_at, id`, id)
}

// erasedTables are the tables that hold a conversation's own rows, in the
// order they are deleted (the conversation's row last, for the foreign
// keys). The search index is a column of events.
var erasedTables = []string{
	`DELETE FROM events WHERE conversation_id = ANY ($1)`,
	`DELETE FROM participants WHERE conversation_id = ANY ($1)`,
	`DELETE FROM evaluations WHERE conversation_id = ANY ($1)`,
	`DELETE FROM outbox WHERE conversation_id = ANY ($1)`,
	`DELETE FROM webhook_deliveries WHERE conversation_id = ANY ($1)`,
	`DELETE FROM contacts WHERE conversation_id = ANY ($1)`,
	`INSERT INTO orphan_files (id, since) SELECT id, created_at FROM attachments WHERE conversation_id = ANY ($1)
		ON CONFLICT DO NOTHING`,
	`DELETE FROM attachments WHERE conversation_id = ANY ($1)`,
	`DELETE FROM conversations WHERE id = ANY ($1)`,
}

// DeleteConversations deletes the ended conversations among ids with
// everything of them, in one transaction, and counts them. The rows are
// locked first, so that a conversation another node deletes at the same
// time is counted once.
func (db *DB) DeleteConversations(ctx context.Context, d store.Deletion) ([]chat.ConversationID, error) {
	if len(d.IDs) == 0 {
		return nil, nil
	}
	want := make([]string, len(d.IDs))
	for i, id := range d.IDs {
		want[i] = string(id)
	}
	var deleted []chat.ConversationID
	err := db.writeTx(ctx, func(tx pgx.Tx, now time.Time) error {
		deleted = deleted[:0]
		rows, err := tx.Query(ctx, `SELECT id, queue_id, customer_id, ended_at, record FROM conversations
			WHERE id = ANY ($1) AND status = 'ended' ORDER BY id FOR UPDATE`, want)
		if err != nil {
			return err
		}
		var gone, customers []string
		counts := map[store.ErasedCount]store.ErasedCount{}
		for rows.Next() {
			var id, queue, customer string
			var ended int64
			var r chat.Record
			if err := rows.Scan(&id, &queue, &customer, &ended, &r); err != nil {
				rows.Close()
				return err
			}
			gone = append(gone, id)
			deleted = append(deleted, chat.ConversationID(id))
			customers = append(customers, customer)
			store.CountErased(counts, chat.QueueID(queue), unixTime(ended), d.Reason, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, stmt := range erasedTables {
			if _, err := tx.Exec(ctx, stmt, gone); err != nil {
				return err
			}
		}
		for _, c := range counts {
			if _, err := tx.Exec(ctx, `INSERT INTO erased_counts AS e (day, queue_id, reason, conversations, answered, messages)
				VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (day, queue_id, reason) DO UPDATE SET
				conversations = e.conversations + excluded.conversations, answered = e.answered + excluded.answered,
				messages = e.messages + excluded.messages`,
				c.Day, c.QueueID, c.Reason, c.Conversations, c.Answered, c.Messages); err != nil {
				return err
			}
		}
		if d.DropCustomers {
			if _, err := tx.Exec(ctx, `DELETE FROM customers WHERE id = ANY ($1)
				AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.customer_id = customers.id)`, customers); err != nil {
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
	rows, err := db.pool.Query(ctx, `SELECT id FROM orphan_files ORDER BY since, id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("orphan files: %w", classify(err))
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[chat.AttachmentID])
	if err != nil {
		return nil, fmt.Errorf("orphan files: %w", classify(err))
	}
	return ids, nil
}

// ForgetOrphanFile records that an orphan file's bytes are gone.
func (db *DB) ForgetOrphanFile(ctx context.Context, id chat.AttachmentID) error {
	err := db.writeTx(ctx, func(tx pgx.Tx, _ time.Time) error {
		_, err := tx.Exec(ctx, `DELETE FROM orphan_files WHERE id = $1`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("forget orphan file: %w", err)
	}
	return nil
}

// ErasedCounts lists the counts of deleted chats, by day and queue.
func (db *DB) ErasedCounts(ctx context.Context) ([]store.ErasedCount, error) {
	rows, err := db.pool.Query(ctx, `SELECT day, queue_id, reason, conversations, answered, messages
		FROM erased_counts ORDER BY day, queue_id, reason`)
	if err != nil {
		return nil, fmt.Errorf("erased counts: %w", classify(err))
	}
	cs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.ErasedCount, error) {
		var c store.ErasedCount
		err := row.Scan(&c.Day, &c.QueueID, &c.Reason, &c.Conversations, &c.Answered, &c.Messages)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("erased counts: %w", classify(err))
	}
	return cs, nil
}

// CompactSearchIndex reclaims the space of deleted rows of the log (and
// their index entries), so that they are gone from the files too. VACUUM
// does not block reads or writes.
func (db *DB) CompactSearchIndex(ctx context.Context) error {
	if _, err := db.pool.Exec(ctx, `VACUUM events, participants, conversations`); err != nil {
		return fmt.Errorf("compact search index: %w", classify(err))
	}
	return nil
}
