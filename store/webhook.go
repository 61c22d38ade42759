package store

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"skranke/chat"
)

// Webhook deliveries are outbox jobs (kind JobWebhook), one per endpoint
// and event, each with the ordering key WebhookKey: the outbox hands out a
// key's jobs one at a time, in Ordinal order (the event's Seq), so a
// receiver gets a conversation's events in order even across retries.
//
// The jobs of stored events are enqueued in the transaction that appends
// the events (AppendEvent), for every endpoint whose events include the
// event's type at that moment: a committed event is never without its
// deliveries, and a chat never waits for a receiver.

// Errors of the webhook records, the same in every store.
var (
	ErrNoWebhook     = chat.E(chat.ENotFound, "webhook_not_found", "No such webhook.")
	ErrNoDelivery    = chat.E(chat.ENotFound, "delivery_not_found", "No such delivery.")
	ErrWebhookExists = chat.E(chat.EConflict, "webhook_exists", "This webhook exists already.")
)

// JobWebhook is the outbox job that delivers one webhook message to one
// endpoint.
const JobWebhook = "webhook"

// WebhookJob is the payload of a JobWebhook. Stores build it in SQL when
// they enqueue the jobs of appended events, so its JSON names are fixed.
type WebhookJob struct {
	Endpoint  string           `json:"endpoint"`
	Type      chat.WebhookType `json:"type"`
	MessageID string           `json:"msgId"` // webhook-id
	Seq       chat.Seq         `json:"seq"`   // the event reported; the chat's last for transcript.sent
	// Data is the message's data when it is not read from the log at
	// delivery (transcript.sent).
	Data json.RawMessage `json:"data,omitempty"`
}

// WebhookKey is the ordering key of an endpoint's jobs about a
// conversation.
func WebhookKey(endpoint string, id chat.ConversationID) string {
	return "webhook:" + endpoint + ":" + string(id)
}

// WebhookMessage is a message for every endpoint that wants its type, for
// EnqueueWebhookMessage.
type WebhookMessage struct {
	Type           chat.WebhookType
	MessageID      string
	ConversationID chat.ConversationID
	// Ordinal places it among the conversation's other messages (the
	// conversation's LastSeq for one about the whole chat).
	Ordinal chat.Seq
	Data    json.RawMessage
}

// Webhooks reads webhook endpoints and keeps their delivery logs. The
// endpoints are changed through DirectoryTx, with an audit entry each.
type Webhooks interface {
	// Webhooks lists every endpoint, oldest first, secrets included.
	Webhooks(ctx context.Context) ([]chat.Webhook, error)
	Webhook(ctx context.Context, id string) (chat.Webhook, error)
	// RecordWebhookDelivery adds d to its endpoint's log (ID and Time set
	// by the store) and counts it: a failure adds to the endpoint's
	// Failures (setting FailingSince at the first), a success sets them
	// back to none. It returns the endpoint after.
	RecordWebhookDelivery(ctx context.Context, d chat.WebhookDelivery) (chat.Webhook, error)
	// WebhookDeliveries lists up to limit (100 if 0) of an endpoint's
	// deliveries, newest first.
	WebhookDeliveries(ctx context.Context, endpoint string, limit int) ([]chat.WebhookDelivery, error)
	WebhookDelivery(ctx context.Context, id int64) (chat.WebhookDelivery, error)
	// EnqueueWebhookMessage enqueues m for every endpoint that wants it.
	EnqueueWebhookMessage(ctx context.Context, m WebhookMessage) error
}

// CreateWebhook adds an endpoint (its ID and Secret set by the caller),
// with its audit entry.
func CreateWebhook(ctx context.Context, ed DirectoryEditor, w chat.Webhook, by chat.AuditActor) (chat.Webhook, error) {
	return edit(ctx, ed, "create webhook", func(tx DirectoryTx) (chat.Webhook, error) {
		if err := w.Validate(); err != nil {
			return chat.Webhook{}, err
		}
		w.CreatedAt, w.Version = tx.Now(), 1
		if err := tx.InsertWebhook(w); err != nil {
			return chat.Webhook{}, err
		}
		return w, audit(tx, by, chat.AuditWebhookCreate, webhookTarget(w), nil, w)
	})
}

// ChangeWebhook changes endpoint id by change, which gets the endpoint
// and the transaction's time, and records it in the audit log as action.
// version, when not 0, must be the endpoint's. An endpoint taken out of
// its pause has its waiting deliveries made due at once.
func ChangeWebhook(ctx context.Context, ed DirectoryEditor, id string, version int64, action string, by chat.AuditActor, change func(w *chat.Webhook, now time.Time) error) (chat.Webhook, error) {
	return edit(ctx, ed, "change webhook", func(tx DirectoryTx) (chat.Webhook, error) {
		old, err := tx.Webhook(id)
		if err != nil {
			return chat.Webhook{}, err
		}
		if version != 0 {
			if err := chat.CheckVersion("webhook", old.Version, version); err != nil {
				return chat.Webhook{}, err
			}
		}
		w := old
		w.Events = slices.Clone(old.Events)
		if err := change(&w, tx.Now()); err != nil {
			return chat.Webhook{}, err
		}
		if err := w.Validate(); err != nil {
			return chat.Webhook{}, err
		}
		w.Version++
		if err := tx.UpdateWebhook(w); err != nil {
			return chat.Webhook{}, err
		}
		if !old.PausedAt.IsZero() && w.PausedAt.IsZero() {
			if err := tx.WakeWebhookJobs(id); err != nil {
				return chat.Webhook{}, err
			}
		}
		return w, audit(tx, by, action, webhookTarget(w), old, w)
	})
}

// DeleteWebhook deletes an endpoint, its log and its waiting deliveries.
func DeleteWebhook(ctx context.Context, ed DirectoryEditor, id string, by chat.AuditActor) error {
	_, err := edit(ctx, ed, "delete webhook", func(tx DirectoryTx) (struct{}, error) {
		old, err := tx.Webhook(id)
		if err != nil {
			return struct{}{}, err
		}
		if err := tx.DeleteWebhook(id); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, audit(tx, by, chat.AuditWebhookDelete, webhookTarget(old), old, nil)
	})
	return err
}

func webhookTarget(w chat.Webhook) chat.AuditTarget {
	return chat.AuditTarget{Kind: chat.TargetWebhook, ID: w.ID, Name: w.URL}
}

// JoinWebhookTypes is how stores keep an endpoint's event types: one
// string with a comma at both ends, so that SQL finds ",type,".
func JoinWebhookTypes(ts []chat.WebhookType) string {
	var b strings.Builder
	b.WriteString(",")
	for _, t := range ts {
		b.WriteString(string(t) + ",")
	}
	return b.String()
}

// SplitWebhookTypes reads what JoinWebhookTypes wrote.
func SplitWebhookTypes(s string) []chat.WebhookType {
	var out []chat.WebhookType
	for _, f := range strings.Split(s, ",") {
		if f != "" {
			out = append(out, chat.WebhookType(f))
		}
	}
	return out
}

// The columns of webhook_endpoints and webhook_deliveries, in the order
// WebhookArgs gives and ScanWebhook and ScanDelivery read them; both
// dialects keep times as Unix nanoseconds, 0 for none.
const (
	WebhookColumns = `id, url, description, events, include_private, allow_insecure, secret, previous_secret,
	previous_until, paused_at, paused_reason, failures, failing_since, created_at, version`
	DeliveryColumns = `id, endpoint_id, job_id, message_id, type, conversation_id, seq, time, status, duration_ms, response, ok`
)

// WebhookArgs are w's values for WebhookColumns.
func WebhookArgs(w chat.Webhook) []any {
	return []any{w.ID, w.URL, w.Description, JoinWebhookTypes(w.Events), w.IncludePrivate, w.AllowInsecure, w.Secret, w.Previous,
		unixZero(w.PreviousUntil), unixZero(w.PausedAt), w.PausedReason, w.Failures, unixZero(w.FailingSince), w.CreatedAt.UnixNano(), w.Version}
}

// ScanWebhook reads a row of WebhookColumns with scan (a row's Scan).
func ScanWebhook(scan func(dest ...any) error) (chat.Webhook, error) {
	var w chat.Webhook
	var events string
	var prevUntil, paused, failing, created int64
	err := scan(&w.ID, &w.URL, &w.Description, &events, &w.IncludePrivate, &w.AllowInsecure, &w.Secret, &w.Previous,
		&prevUntil, &paused, &w.PausedReason, &w.Failures, &failing, &created, &w.Version)
	w.Events = SplitWebhookTypes(events)
	w.PreviousUntil, w.PausedAt, w.FailingSince, w.CreatedAt = zeroUnix(prevUntil), zeroUnix(paused), zeroUnix(failing), zeroUnix(created)
	return w, err
}

// ScanDelivery reads a row of DeliveryColumns with scan.
func ScanDelivery(scan func(dest ...any) error) (chat.WebhookDelivery, error) {
	var d chat.WebhookDelivery
	var t int64
	err := scan(&d.ID, &d.WebhookID, &d.JobID, &d.MessageID, &d.Type, &d.ConversationID, &d.Seq, &t, &d.Status, &d.DurationMS, &d.Response, &d.OK)
	d.Time = zeroUnix(t)
	return d, err
}

// unixZero stores t, 0 for the zero time; zeroUnix reads it back.
func unixZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func zeroUnix(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}
