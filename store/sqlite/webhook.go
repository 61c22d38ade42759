package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"skranke/chat"
	"skranke/store"
)

// Webhook endpoints and their delivery logs (store.Webhooks); their jobs
// are the outbox's (outbox.go), enqueued for stored events in the
// transaction that appends them (event.go).

const (
	webhookColumns  = store.WebhookColumns
	deliveryColumns = store.DeliveryColumns
)

func scanWebhook(s scanner) (chat.Webhook, error)          { return store.ScanWebhook(s.Scan) }
func scanDelivery(s scanner) (chat.WebhookDelivery, error) { return store.ScanDelivery(s.Scan) }
func webhookArgs(w chat.Webhook) []any                     { return store.WebhookArgs(w) }

// Webhooks lists every endpoint, oldest first.
func (db *DB) Webhooks(ctx context.Context) ([]chat.Webhook, error) {
	return queryAll(ctx, db, "webhooks", scanWebhook, `SELECT `+webhookColumns+` FROM webhook_endpoints ORDER BY created_at, id`)
}

// Webhook returns an endpoint.
func (db *DB) Webhook(ctx context.Context, id string) (chat.Webhook, error) {
	return getWebhook(ctx, db.read, id)
}

func getWebhook(ctx context.Context, q querier, id string) (chat.Webhook, error) {
	w, err := scanWebhook(q.QueryRowContext(ctx, `SELECT `+webhookColumns+` FROM webhook_endpoints WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return chat.Webhook{}, store.ErrNoWebhook
	}
	if err != nil {
		return chat.Webhook{}, fmt.Errorf("webhook: %w", err)
	}
	return w, nil
}

// RecordWebhookDelivery adds d to its endpoint's log and counts it.
func (db *DB) RecordWebhookDelivery(ctx context.Context, d chat.WebhookDelivery) (chat.Webhook, error) {
	var w chat.Webhook
	err := db.writeTx(ctx, func(tx *sql.Tx, now time.Time) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (endpoint_id, job_id, message_id, type, conversation_id, seq, time, status, duration_ms, response, ok)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.WebhookID, d.JobID, d.MessageID, d.Type, d.ConversationID, d.Seq, now.UnixNano(), d.Status, d.DurationMS, d.Response, d.OK)
		if err != nil {
			return conflict(err, store.ErrNoWebhook)
		}
		if d.OK {
			_, err = tx.ExecContext(ctx, `UPDATE webhook_endpoints SET failures = 0, failing_since = 0 WHERE id = ?`, d.WebhookID)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE webhook_endpoints SET failures = failures + 1,
				failing_since = CASE WHEN failing_since = 0 THEN ? ELSE failing_since END WHERE id = ?`, now.UnixNano(), d.WebhookID)
		}
		if err != nil {
			return err
		}
		w, err = getWebhook(ctx, tx, d.WebhookID)
		return err
	})
	if chat.ErrorCode(err) == chat.EInvalid {
		err = store.ErrNoWebhook // the endpoint was deleted meanwhile
	}
	if err != nil {
		return chat.Webhook{}, fmt.Errorf("record webhook delivery: %w", err)
	}
	return w, nil
}

// WebhookDeliveries lists an endpoint's deliveries, newest first.
func (db *DB) WebhookDeliveries(ctx context.Context, endpoint string, limit int) ([]chat.WebhookDelivery, error) {
	if limit <= 0 {
		limit = 100
	}
	return queryAll(ctx, db, "webhook deliveries", scanDelivery, `SELECT `+deliveryColumns+` FROM webhook_deliveries
		WHERE endpoint_id = ? ORDER BY id DESC LIMIT ?`, endpoint, limit)
}

// WebhookDelivery returns one delivery.
func (db *DB) WebhookDelivery(ctx context.Context, id int64) (chat.WebhookDelivery, error) {
	d, err := scanDelivery(db.read.QueryRowContext(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return chat.WebhookDelivery{}, store.ErrNoDelivery
	}
	if err != nil {
		return chat.WebhookDelivery{}, fmt.Errorf("webhook delivery: %w", err)
	}
	return d, nil
}

// EnqueueWebhookMessage enqueues m for every endpoint that wants it.
func (db *DB) EnqueueWebhookMessage(ctx context.Context, m store.WebhookMessage) error {
	err := db.writeTx(ctx, func(tx *sql.Tx, now time.Time) error {
		return enqueueWebhooks(ctx, tx, m, false, now)
	})
	if err != nil {
		return fmt.Errorf("enqueue webhook message: %w", err)
	}
	return nil
}

// enqueueWebhooksSQL makes a job (store.WebhookJob) for each endpoint that
// wants a message: parameters message id, conversation, ordinal, type,
// private (0 or 1), the time, data (JSON or NULL).
const enqueueWebhooksSQL = `INSERT INTO outbox (id, kind, conversation_id, payload, attempts, next_at, created_at, done_at, failed_at, last_error, ordering_key, ordinal)
	SELECT ?1 || '.' || id, 'webhook', ?2,
		json_object('endpoint', id, 'type', ?4, 'msgId', ?1, 'seq', ?3, 'data', json(?7)),
		0, ?6, ?6, NULL, NULL, '', 'webhook:' || id || ':' || ?2, ?3
	FROM webhook_endpoints
	WHERE instr(events, ',' || ?4 || ',') > 0 AND (?5 = 0 OR include_private = 1)
	ON CONFLICT (id) DO NOTHING`

// enqueueWebhooks makes m's jobs in tx.
func enqueueWebhooks(ctx context.Context, tx *sql.Tx, m store.WebhookMessage, private bool, now time.Time) error {
	_, err := tx.ExecContext(ctx, enqueueWebhooksSQL, enqueueWebhooksArgs(m, private, now)...)
	return err
}

// enqueueWebhooksArgs are enqueueWebhooksSQL's parameters for m.
func enqueueWebhooksArgs(m store.WebhookMessage, private bool, now time.Time) []any {
	var data any
	if len(m.Data) > 0 {
		data = string(m.Data)
	}
	return []any{m.MessageID, m.ConversationID, m.Ordinal, m.Type, private, now.UnixNano(), data}
}

// webhooksExistSQL tells whether any webhook endpoint exists.
const webhooksExistSQL = `SELECT EXISTS (SELECT 1 FROM webhook_endpoints)`

// enqueueEventWebhooks makes the jobs of stored events, in the writer's
// transaction that appends them, with the writer's prepared statements:
// exists is webhooksExistSQL, enqueue enqueueWebhooksSQL. With no endpoint
// at all, which is the common case, a batch costs one look at
// webhook_endpoints, not a statement per event.
func enqueueEventWebhooks(ctx context.Context, tx *sql.Tx, exists, enqueue *sql.Stmt, events []chat.Event, now time.Time) error {
	var exist bool
	if err := tx.StmtContext(ctx, exists).QueryRowContext(ctx).Scan(&exist); err != nil {
		return fmt.Errorf("enqueue webhooks: %w", err)
	}
	if !exist {
		return nil
	}
	enqueue = tx.StmtContext(ctx, enqueue)
	for _, e := range events {
		t, private := chat.WebhookTypeOf(e)
		if t == "" {
			continue
		}
		m := store.WebhookMessage{Type: t, MessageID: chat.WebhookMessageID(e.ConversationID, e.Seq), ConversationID: e.ConversationID, Ordinal: e.Seq}
		if _, err := enqueue.ExecContext(ctx, enqueueWebhooksArgs(m, private, now)...); err != nil {
			return fmt.Errorf("enqueue webhooks: %w", err)
		}
	}
	return nil
}

func (t *dirTx) Webhook(id string) (chat.Webhook, error) { return getWebhook(t.ctx, t.tx, id) }

func (t *dirTx) InsertWebhook(w chat.Webhook) error {
	_, err := t.exec(`INSERT INTO webhook_endpoints (`+webhookColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, webhookArgs(w)...)
	return unique(err, store.ErrWebhookExists)
}

func (t *dirTx) UpdateWebhook(w chat.Webhook) error {
	args := webhookArgs(w)
	_, err := t.exec(`UPDATE webhook_endpoints SET url = ?, description = ?, events = ?, include_private = ?, allow_insecure = ?,
		secret = ?, previous_secret = ?, previous_until = ?, paused_at = ?, paused_reason = ?, failures = ?, failing_since = ?,
		created_at = ?, version = ? WHERE id = ?`, append(args[1:], w.ID)...)
	return err
}

func (t *dirTx) DeleteWebhook(id string) error {
	if _, err := t.exec(`DELETE FROM outbox WHERE ordering_key LIKE ? ESCAPE '\' AND done_at IS NULL AND failed_at IS NULL`, likePrefix(store.WebhookKey(id, ""))); err != nil {
		return err
	}
	_, err := t.exec(`DELETE FROM webhook_endpoints WHERE id = ?`, id)
	return err
}

func (t *dirTx) WakeWebhookJobs(id string) error {
	_, err := t.exec(`UPDATE outbox SET next_at = ? WHERE ordering_key LIKE ? ESCAPE '\' AND done_at IS NULL AND failed_at IS NULL`,
		t.now.UnixNano(), likePrefix(store.WebhookKey(id, "")))
	return err
}

// likePrefix is a LIKE pattern (escape \) of the strings that start with p.
func likePrefix(p string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(p) + "%"
}
