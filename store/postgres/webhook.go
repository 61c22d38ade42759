package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

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

func scanWebhook(s pgx.Row) (chat.Webhook, error)          { return store.ScanWebhook(s.Scan) }
func scanDelivery(s pgx.Row) (chat.WebhookDelivery, error) { return store.ScanDelivery(s.Scan) }
func webhookArgs(w chat.Webhook) []any                     { return store.WebhookArgs(w) }

// Webhooks lists every endpoint, oldest first.
func (db *DB) Webhooks(ctx context.Context) ([]chat.Webhook, error) {
	ws, err := queryAll(ctx, db.pool, scanWebhook, `SELECT `+webhookColumns+` FROM webhook_endpoints ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("webhooks: %w", err)
	}
	return ws, nil
}

// Webhook returns an endpoint.
func (db *DB) Webhook(ctx context.Context, id string) (chat.Webhook, error) {
	return getWebhook(ctx, db.pool, id)
}

func getWebhook(ctx context.Context, q querier, id string) (chat.Webhook, error) {
	w, err := scanWebhook(q.QueryRow(ctx, `SELECT `+webhookColumns+` FROM webhook_endpoints WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return chat.Webhook{}, store.ErrNoWebhook
	}
	if err != nil {
		return chat.Webhook{}, fmt.Errorf("webhook: %w", classify(err))
	}
	return w, nil
}

// RecordWebhookDelivery adds d to its endpoint's log and counts it.
func (db *DB) RecordWebhookDelivery(ctx context.Context, d chat.WebhookDelivery) (chat.Webhook, error) {
	var w chat.Webhook
	err := db.writeTx(ctx, func(tx pgx.Tx, now time.Time) error {
		_, err := tx.Exec(ctx, `INSERT INTO webhook_deliveries (endpoint_id, job_id, message_id, type, conversation_id, seq, time, status, duration_ms, response, ok)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			d.WebhookID, d.JobID, d.MessageID, d.Type, d.ConversationID, d.Seq, now.UnixNano(), d.Status, d.DurationMS, d.Response, d.OK)
		if err != nil {
			return conflict(err, store.ErrNoWebhook)
		}
		if d.OK {
			_, err = tx.Exec(ctx, `UPDATE webhook_endpoints SET failures = 0, failing_since = 0 WHERE id = $1`, d.WebhookID)
		} else {
			_, err = tx.Exec(ctx, `UPDATE webhook_endpoints SET failures = failures + 1,
				failing_since = CASE WHEN failing_since = 0 THEN $1 ELSE failing_since END WHERE id = $2`, now.UnixNano(), d.WebhookID)
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
	ds, err := queryAll(ctx, db.pool, scanDelivery, `SELECT `+deliveryColumns+` FROM webhook_deliveries
		WHERE endpoint_id = $1 ORDER BY id DESC LIMIT $2`, endpoint, limit)
	if err != nil {
		return nil, fmt.Errorf("webhook deliveries: %w", err)
	}
	return ds, nil
}

// WebhookDelivery returns one delivery.
func (db *DB) WebhookDelivery(ctx context.Context, id int64) (chat.WebhookDelivery, error) {
	d, err := scanDelivery(db.pool.QueryRow(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return chat.WebhookDelivery{}, store.ErrNoDelivery
	}
	if err != nil {
		return chat.WebhookDelivery{}, fmt.Errorf("webhook delivery: %w", classify(err))
	}
	return d, nil
}

// enqueueWebhooksSQL makes a job (store.WebhookJob) for each endpoint that
// wants one of the messages given as arrays: message ids, conversations,
// ordinals, types, private flags, data (JSON text or NULL); $7 is the
// time.
const enqueueWebhooksSQL = `INSERT INTO outbox (id, kind, conversation_id, payload, attempts, next_at, created_at, done_at, failed_at, last_error, ordering_key, ordinal)
	SELECT m.msg || '.' || w.id, 'webhook', m.conv,
		jsonb_build_object('endpoint', w.id, 'type', m.typ, 'msgId', m.msg, 'seq', m.ord, 'data', m.data::jsonb),
		0, $7, $7, NULL, NULL, '', 'webhook:' || w.id || ':' || m.conv, m.ord
	FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::bool[], $6::text[]) AS m(msg, conv, ord, typ, priv, data)
	JOIN webhook_endpoints w ON position(',' || m.typ || ',' in w.events) > 0 AND (NOT m.priv OR w.include_private)
	ON CONFLICT (id) DO NOTHING`

// webhookRows gathers messages as enqueueWebhooksSQL's arrays.
type webhookRows struct {
	msgs, convs, types []string
	ords               []int64
	privs              []bool
	data               []*string
}

func (r *webhookRows) add(m store.WebhookMessage, private bool) {
	r.msgs, r.convs, r.types = append(r.msgs, m.MessageID), append(r.convs, string(m.ConversationID)), append(r.types, string(m.Type))
	r.ords, r.privs = append(r.ords, int64(m.Ordinal)), append(r.privs, private)
	var d *string
	if len(m.Data) > 0 {
		s := string(m.Data)
		d = &s
	}
	r.data = append(r.data, d)
}

func (r *webhookRows) args(now time.Time) []any {
	return []any{r.msgs, r.convs, r.ords, r.types, r.privs, r.data, now.UnixNano()}
}

// eventWebhooks returns the webhook messages of stored events, as arrays.
func eventWebhooks(events []chat.Event) *webhookRows {
	var r webhookRows
	for _, e := range events {
		t, private := chat.WebhookTypeOf(e)
		if t == "" {
			continue
		}
		r.add(store.WebhookMessage{Type: t, MessageID: chat.WebhookMessageID(e.ConversationID, e.Seq), ConversationID: e.ConversationID, Ordinal: e.Seq}, private)
	}
	if len(r.msgs) == 0 {
		return nil
	}
	return &r
}

// EnqueueWebhookMessage enqueues m for every endpoint that wants it.
func (db *DB) EnqueueWebhookMessage(ctx context.Context, m store.WebhookMessage) error {
	err := db.writeTx(ctx, func(tx pgx.Tx, now time.Time) error {
		var r webhookRows
		r.add(m, false)
		_, err := tx.Exec(ctx, enqueueWebhooksSQL, r.args(now)...)
		return err
	})
	if err != nil {
		return fmt.Errorf("enqueue webhook message: %w", err)
	}
	return nil
}

func (t *dirTx) Webhook(id string) (chat.Webhook, error) { return getWebhook(t.ctx, t.tx, id) }

func (t *dirTx) InsertWebhook(w chat.Webhook) error {
	err := t.exec(`INSERT INTO webhook_endpoints (`+webhookColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`, webhookArgs(w)...)
	return unique(err, store.ErrWebhookExists)
}

func (t *dirTx) UpdateWebhook(w chat.Webhook) error {
	return t.exec(`UPDATE webhook_endpoints SET url = $2, description = $3, events = $4, include_private = $5, allow_insecure = $6,
		secret = $7, previous_secret = $8, previous_until = $9, paused_at = $10, paused_reason = $11, failures = $12, failing_since = $13,
		created_at = $14, version = $15 WHERE id = $1`, webhookArgs(w)...)
}

func (t *dirTx) DeleteWebhook(id string) error {
	if err := t.exec(`DELETE FROM outbox WHERE starts_with(ordering_key, $1) AND done_at IS NULL AND failed_at IS NULL`, store.WebhookKey(id, "")); err != nil {
		return err
	}
	return t.exec(`DELETE FROM webhook_endpoints WHERE id = $1`, id)
}

func (t *dirTx) WakeWebhookJobs(id string) error {
	return t.exec(`UPDATE outbox SET next_at = $1 WHERE starts_with(ordering_key, $2) AND done_at IS NULL AND failed_at IS NULL`,
		t.now.UnixNano(), store.WebhookKey(id, ""))
}
