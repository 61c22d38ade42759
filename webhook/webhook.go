// Package webhook delivers a conversation's events to the organisation's
// systems: the handler of the outbox's webhook jobs (store.JobWebhook), one
// job per endpoint and event, enqueued with the event itself.
//
// Guarantees, built on the outbox (package outbox) and the store:
//   - At least once: a job is done only after the receiver answered 2xx;
//     a failure (an error status, no answer within Timeout, a refused
//     connection) is tried again with the outbox's backoff, for a day. A
//     message carries the same webhook-id on every try, for receivers to
//     drop what they had.
//   - In order per conversation and endpoint: the outbox hands out one job
//     of a key (store.WebhookKey) at a time, in the events' order, so a
//     message waits while the one before it is retried.
//   - A chat never waits for a receiver: the jobs are rows written with
//     the event; delivery happens in the outbox worker.
//   - Only public addresses are dialled (unless the endpoint allows
//     insecure ones): the address is checked where the connection is made,
//     after DNS, so a name cannot point inwards; redirects are not followed.
//   - An endpoint that fails for PauseAfter, PauseFailures times or more,
//     is paused (an audit entry, webhook.pause, tells the administrators,
//     and the admin page shows it); its messages wait until it is resumed.
//
// Messages are signed as the Standard Webhooks convention says
// (docs/webhooks.md): webhook-signature is "v1," and the base64 of the
// HMAC-SHA256, keyed by the secret's bytes, of "id.timestamp.body".
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"

	"skranke/chat"
	"skranke/store"
)

// Options configure a Deliverer. Store is required; zero values of the
// others are the documented defaults.
type Options struct {
	Store store.Store
	// Timeout bounds one delivery, from dialling to the answer's end. 10s.
	Timeout time.Duration
	// PauseAfter and PauseFailures say when an endpoint is paused: after
	// failing for PauseAfter without a success, PauseFailures times or
	// more. 6h and 10.
	PauseAfter    time.Duration
	PauseFailures int
	Logger        *slog.Logger          // slog.Default()
	Registry      prometheus.Registerer // metrics are not registered when nil
	Now           func() time.Time
}

// Deliverer does webhook jobs.
type Deliverer struct {
	opts             Options      // immutable after New
	safe, permissive *http.Client // for endpoints without and with AllowInsecure

	delivered *prometheus.CounterVec // by result: ok, failed
	paused    prometheus.Counter
}

// New returns a Deliverer.
func New(opts Options) *Deliverer {
	if opts.Timeout == 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.PauseAfter == 0 {
		opts.PauseAfter = 6 * time.Hour
	}
	if opts.PauseFailures == 0 {
		opts.PauseFailures = 10
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	d := &Deliverer{opts: opts, safe: newClient(opts.Timeout, true), permissive: newClient(opts.Timeout, false),
		delivered: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "skranke_webhook_deliveries_total",
			Help: "Webhook requests made, by result: ok (2xx) or failed (another status, no answer)."}, []string{"result"}),
		paused: prometheus.NewCounter(prometheus.CounterOpts{Name: "skranke_webhook_endpoints_paused_total",
			Help: "Webhook endpoints paused because they kept failing; an administrator should look."}),
	}
	if opts.Registry != nil {
		opts.Registry.MustRegister(d.delivered, d.paused)
	}
	return d
}

// newClient returns the HTTP client of deliveries: no proxy (it would dial
// on our behalf, past the check), no redirects, and, when guard is set, a
// dialer that refuses internal addresses.
func newClient(timeout time.Duration, guard bool) *http.Client {
	d := &net.Dialer{Timeout: timeout}
	if guard {
		d.Control = refuseInternal
	}
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         d.DialContext,
			ForceAttemptHTTP2:   true,
			TLSHandshakeTimeout: timeout,
			MaxIdleConnsPerHost: 2,
			IdleConnTimeout:     90 * time.Second,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// ErrInternalAddress is why a guarded dial was refused.
var ErrInternalAddress = errors.New("the address is on an internal network (loopback, private, link-local); the endpoint does not allow insecure addresses")

// refuseInternal is a net.Dialer's Control: it runs once the name is
// resolved, before each connection, with the address dialled.
func refuseInternal(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("dial %s: %w", address, err)
	}
	if chat.InternalAddr(ap.Addr()) {
		return fmt.Errorf("dial %s: %w", address, ErrInternalAddress)
	}
	return nil
}

// Sign returns the webhook-signature value of a message: "v1,<base64>"
// for each secret, separated by spaces (two while a rotated-away secret is
// still honoured).
func Sign(id string, ts time.Time, body []byte, secrets ...string) (string, error) {
	var sigs []string
	for _, s := range secrets {
		key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(s, chat.WebhookSecretPrefix))
		if err != nil {
			return "", fmt.Errorf("webhook secret: %w", err)
		}
		mac := hmac.New(sha256.New, key)
		fmt.Fprintf(mac, "%s.%d.", id, ts.Unix())
		mac.Write(body)
		sigs = append(sigs, "v1,"+base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	}
	return strings.Join(sigs, " "), nil
}

// Message is the body of a webhook request.
type Message struct {
	Type      chat.WebhookType `json:"type"`
	Timestamp time.Time        `json:"timestamp"` // when it happened
	Data      json.RawMessage  `json:"data"`
}

// EventData is a message's data for a stored event: the conversation's
// queue and the event as docs/protocol.md describes it.
type EventData struct {
	ConversationID chat.ConversationID `json:"conversationId"`
	QueueID        chat.QueueID        `json:"queueId"`
	Event          chat.Event          `json:"event"`
}

// permanent marks an error a retry cannot mend.
type permanent struct{ error }

func (p permanent) Unwrap() error { return p.error }

// IsPermanent reports whether err is a webhook job's failure that no retry
// mends: the endpoint was deleted, the chat was erased.
func IsPermanent(err error) bool {
	var p permanent
	return errors.As(err, &p)
}

// ErrPaused is the failure of a job whose endpoint is paused: it waits,
// and is done when the endpoint is resumed.
var ErrPaused = errors.New("the webhook is paused")

// Handle does one webhook job (an outbox handler).
func (d *Deliverer) Handle(ctx context.Context, j store.Job) error {
	var p store.WebhookJob
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return permanent{fmt.Errorf("webhook job: %w", err)}
	}
	w, err := d.opts.Store.Webhook(ctx, p.Endpoint)
	if chat.ErrorCode(err) == chat.ENotFound {
		return permanent{err}
	}
	if err != nil {
		return err
	}
	if !w.PausedAt.IsZero() {
		return ErrPaused
	}
	msg, private, err := d.message(ctx, j, p)
	if err != nil {
		return err
	}
	if !w.Wants(p.Type, private) {
		return nil // the endpoint no longer takes it
	}
	body, err := json.Marshal(msg)
	if err != nil {
		return permanent{err}
	}
	status, excerpt, took, sendErr := d.send(ctx, w, p.MessageID, body)
	if ctx.Err() != nil {
		return ctx.Err() // shutting down: the outbox tries again later
	}
	if sendErr == nil {
		d.delivered.WithLabelValues("ok").Inc()
	} else {
		d.delivered.WithLabelValues("failed").Inc()
	}
	bg := context.WithoutCancel(ctx)
	after, err := d.opts.Store.RecordWebhookDelivery(bg, chat.WebhookDelivery{
		WebhookID: w.ID, JobID: j.ID, MessageID: p.MessageID, Type: p.Type, ConversationID: j.ConversationID, Seq: p.Seq,
		Status: status, DurationMS: took.Milliseconds(), Response: excerpt, OK: sendErr == nil,
	})
	if err != nil {
		d.opts.Logger.Warn("webhook: record delivery", "webhook", w.ID, "err", err)
	} else if sendErr != nil {
		d.pauseIfFailing(bg, after)
	}
	return sendErr
}

// message makes a job's message, reading its event from the log.
func (d *Deliverer) message(ctx context.Context, j store.Job, p store.WebhookJob) (Message, bool, error) {
	if len(p.Data) > 0 && string(p.Data) != "null" {
		return Message{Type: p.Type, Timestamp: j.CreatedAt, Data: p.Data}, false, nil
	}
	c, err := d.opts.Store.Conversation(ctx, j.ConversationID)
	if err != nil {
		if chat.ErrorCode(err) == chat.ENotFound {
			return Message{}, false, permanent{err} // erased meanwhile
		}
		return Message{}, false, err
	}
	es, err := d.opts.Store.Events(ctx, j.ConversationID, p.Seq-1, 1)
	if err != nil {
		return Message{}, false, err
	}
	if len(es) == 0 || es[0].Seq != p.Seq {
		return Message{}, false, permanent{fmt.Errorf("webhook job: event %d of %s is not in the log", p.Seq, j.ConversationID)}
	}
	e := es[0]
	_, private := chat.WebhookTypeOf(e)
	data, err := json.Marshal(EventData{ConversationID: c.ID, QueueID: c.QueueID, Event: e})
	if err != nil {
		return Message{}, false, permanent{err}
	}
	return Message{Type: p.Type, Timestamp: e.Time, Data: data}, private, nil
}

// maxExcerpt is how much of an answer the delivery log keeps.
const maxExcerpt = 512

// send posts a message to w and returns the answer's status and the start
// of its body (or why there was none), how long it took, and an error
// unless the answer was 2xx.
func (d *Deliverer) send(ctx context.Context, w chat.Webhook, id string, body []byte) (int, string, time.Duration, error) {
	now := d.opts.Now()
	secrets := []string{w.Secret}
	if w.Previous != "" && now.Before(w.PreviousUntil) {
		secrets = append(secrets, w.Previous)
	}
	sig, err := Sign(id, now, body, secrets...)
	if err != nil {
		return 0, "", 0, permanent{err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return 0, "", 0, permanent{err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Skranke-Webhooks/1")
	req.Header.Set("webhook-id", id)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	req.Header.Set("webhook-signature", sig)
	client := d.safe
	if w.AllowInsecure {
		client = d.permissive
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return 0, excerpt(err.Error()), time.Since(start), fmt.Errorf("webhook %s: %w", w.ID, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxExcerpt))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // to keep the connection
	took := time.Since(start)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, excerpt(string(b)), took, fmt.Errorf("webhook %s: the receiver answered %s", w.ID, resp.Status)
	}
	return resp.StatusCode, excerpt(string(b)), took, nil
}

// excerpt is s cut to maxExcerpt bytes of valid UTF-8.
func excerpt(s string) string {
	if len(s) > maxExcerpt {
		s = s[:maxExcerpt]
	}
	return strings.ToValidUTF8(strings.TrimRightFunc(s, func(r rune) bool { return r == utf8.RuneError }), "")
}

// system is who pauses a failing endpoint, in the audit log.
var system = chat.AuditActor{Name: "webhooks"}

// pauseIfFailing pauses w if it has failed long and often enough.
func (d *Deliverer) pauseIfFailing(ctx context.Context, w chat.Webhook) {
	if !w.PausedAt.IsZero() || w.Failures < d.opts.PauseFailures || d.opts.Now().Sub(w.FailingSince) < d.opts.PauseAfter {
		return
	}
	_, err := store.ChangeWebhook(ctx, d.opts.Store, w.ID, 0, chat.AuditWebhookPause, system, func(w *chat.Webhook, now time.Time) error {
		if w.PausedAt.IsZero() {
			w.PausedAt, w.PausedReason = now, "failing"
		}
		return nil
	})
	if err != nil {
		d.opts.Logger.Warn("webhook: pause failing endpoint", "webhook", w.ID, "err", err)
		return
	}
	d.paused.Inc()
	d.opts.Logger.Error("webhook: endpoint paused after failing", "webhook", w.ID, "url", w.URL, "failures", w.Failures, "since", w.FailingSince)
}

// TranscriptSent enqueues the transcript.sent message of a conversation
// whose transcript was e-mailed by job jobID.
func TranscriptSent(ctx context.Context, st store.Store, id chat.ConversationID, jobID, lang string) error {
	c, err := st.Conversation(ctx, id)
	if err != nil {
		return err
	}
	data, err := json.Marshal(struct {
		ConversationID chat.ConversationID `json:"conversationId"`
		QueueID        chat.QueueID        `json:"queueId"`
		Lang           string              `json:"lang,omitempty"`
	}{c.ID, c.QueueID, lang})
	if err != nil {
		return err
	}
	return st.EnqueueWebhookMessage(ctx, store.WebhookMessage{Type: chat.WebhookTranscriptSent, MessageID: "evt_" + string(id) + "_transcript_" + jobID,
		ConversationID: id, Ordinal: c.LastSeq, Data: data})
}
