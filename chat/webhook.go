package chat

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Webhooks push a conversation's events to the organisation's systems (a
// CRM, a ticketing system) over HTTPS, signed the way the Standard
// Webhooks convention signs them (package webhook; docs/webhooks.md).

// WebhookType is the type of a webhook event, as receivers see it.
type WebhookType string

// Webhook event types.
const (
	WebhookChatStarted    WebhookType = "chat.started"     // a customer started a chat
	WebhookChatOffered    WebhookType = "chat.offered"     // the chat was offered to an agent
	WebhookChatAccepted   WebhookType = "chat.accepted"    // an agent joined: accepted an offer or an invitation
	WebhookChatEnded      WebhookType = "chat.ended"       // the chat ended
	WebhookMessageSent    WebhookType = "message.sent"     // a message, private ones only for endpoints that include them
	WebhookChatTransfer   WebhookType = "chat.transferred" // an agent handed the chat to another queue or agent (R18), with the note
	WebhookTranscriptSent WebhookType = "transcript.sent"  // the customer's transcript was e-mailed
)

// WebhookTypes lists every webhook event type, in the order the admin page
// shows them.
var WebhookTypes = []WebhookType{WebhookChatStarted, WebhookChatOffered, WebhookChatAccepted,
	WebhookChatEnded, WebhookMessageSent, WebhookChatTransfer, WebhookTranscriptSent}

// WebhookTypeOf returns the webhook type of a stored event, and whether
// the event is private (an agents-only message); "" for kinds no webhook
// reports.
func WebhookTypeOf(e Event) (t WebhookType, private bool) {
	switch e.Kind {
	case KindStarted:
		return WebhookChatStarted, false
	case KindOffered:
		return WebhookChatOffered, false
	case KindAgentJoined:
		return WebhookChatAccepted, false
	case KindEnded:
		return WebhookChatEnded, false
	case KindTransferred:
		return WebhookChatTransfer, false
	case KindMessage:
		return WebhookMessageSent, e.Visibility != VisibleAll
	}
	return "", false
}

// WebhookMessageID is the stable id of the webhook message that reports
// event seq of a conversation: the same on every try and every endpoint,
// so that receivers drop a message they had already (webhook-id).
func WebhookMessageID(id ConversationID, seq Seq) string {
	return fmt.Sprintf("evt_%s_%d", id, seq)
}

// WebhookSecretPrefix starts every webhook signing secret, as in the
// Standard Webhooks convention; the rest is the key in base64.
const WebhookSecretPrefix = "whsec_"

// NewWebhookSecret returns a new signing secret: 24 random bytes.
func NewWebhookSecret() string {
	b := make([]byte, 24)
	rand.Read(b)
	return WebhookSecretPrefix + base64.StdEncoding.EncodeToString(b)
}

// Webhook is an endpoint that receives events. Secret (and Previous, the
// one before a rotation, still used beside it until PreviousUntil) never
// leave the server except once, in the answer that made them.
type Webhook struct {
	ID          string        `json:"id"`
	URL         string        `json:"url"`
	Description string        `json:"description"`
	Events      []WebhookType `json:"events"`
	// IncludePrivate sends agents' private messages too (message.sent);
	// off by default (R11: private messages are the organisation's).
	IncludePrivate bool `json:"includePrivate"`
	// AllowInsecure allows an http URL and addresses in loopback and
	// private ranges, which are refused otherwise.
	AllowInsecure bool      `json:"allowInsecure"`
	Secret        string    `json:"-"`
	Previous      string    `json:"-"`
	PreviousUntil time.Time `json:"-"`
	// PausedAt is set while deliveries are paused: by an administrator, or
	// by the server after the endpoint kept failing (PausedReason says).
	PausedAt     time.Time `json:"pausedAt,omitzero"`
	PausedReason string    `json:"pausedReason,omitempty"`
	// Failures counts the failed deliveries since the last success, which
	// began at FailingSince.
	Failures     int       `json:"failures"`
	FailingSince time.Time `json:"failingSince,omitzero"`
	CreatedAt    time.Time `json:"createdAt"`
	Version      int64     `json:"version"`
}

// Wants reports whether the endpoint takes events of type t (private: an
// agents-only message).
func (w Webhook) Wants(t WebhookType, private bool) bool {
	return slices.Contains(w.Events, t) && (!private || w.IncludePrivate)
}

// Validate checks an endpoint's URL, description and events. The URL must
// be https and, unless AllowInsecure, not name an address in loopback,
// private or other internal ranges; names are checked again where they
// are dialled (package webhook), since DNS may change its answer.
func (w *Webhook) Validate() error {
	w.URL = strings.TrimSpace(w.URL)
	w.Description = strings.TrimSpace(w.Description)
	if len(w.Description) > 200 {
		return E(EInvalid, "too_long", "At most {max} characters.", "field", "description", "max", 200)
	}
	if err := CheckWebhookURL(w.URL, w.AllowInsecure); err != nil {
		return err
	}
	if len(w.Events) == 0 {
		return E(EInvalid, "webhook_events_required", "Choose at least one event.", "field", "events")
	}
	for _, t := range w.Events {
		if !slices.Contains(WebhookTypes, t) {
			return E(EInvalid, "webhook_event_unknown", "There is no event {event}.", "field", "events", "event", string(t))
		}
	}
	slices.Sort(w.Events)
	w.Events = slices.Compact(w.Events)
	return nil
}

// CheckWebhookURL checks a webhook URL: absolute, https (http too when
// insecure is allowed), no user name or password in it, and, unless
// insecure, a host that is neither localhost nor an internal address.
func CheckWebhookURL(raw string, insecure bool) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Hostname() == "" || len(raw) > 2000 {
		return E(EInvalid, "webhook_url_invalid", "That is not a URL.", "field", "url")
	}
	if u.User != nil {
		return E(EInvalid, "webhook_url_credentials", "A webhook URL may not hold a user name or password.", "field", "url")
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && insecure:
	default:
		return E(EInvalid, "webhook_url_https", "A webhook URL must start with https:// (allow insecure endpoints to use http).", "field", "url")
	}
	if insecure {
		return nil
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") || strings.HasSuffix(host, ".internal") || strings.HasSuffix(host, ".local") {
		return E(EInvalid, "webhook_url_internal", "This address is on the server's own network; allow insecure endpoints to use it.", "field", "url")
	}
	if ip, err := netip.ParseAddr(host); err == nil && InternalAddr(ip) {
		return E(EInvalid, "webhook_url_internal", "This address is on the server's own network; allow insecure endpoints to use it.", "field", "url")
	}
	return nil
}

// internalRanges are the ranges besides loopback, private and link-local
// that no webhook may reach unless allowed: "this network", shared address
// space (carrier-grade NAT), benchmarking, IPv4-mapped and NAT64 forms of
// them are unmapped before the check.
var internalRanges = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
}

// InternalAddr reports whether ip is one a webhook may not reach unless
// allowed: loopback, private (RFC 1918, unique local IPv6), link-local,
// unspecified, multicast, and the ranges of internalRanges.
func InternalAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsUnspecified() || ip.IsMulticast() || ip.IsInterfaceLocalMulticast() || !ip.IsValid() {
		return true
	}
	for _, p := range internalRanges {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// WebhookDelivery is one try to deliver a webhook message, for the
// endpoint's delivery log.
type WebhookDelivery struct {
	ID             int64          `json:"id"`
	WebhookID      string         `json:"webhookId"`
	JobID          string         `json:"jobId"`
	MessageID      string         `json:"messageId"` // webhook-id
	Type           WebhookType    `json:"type"`
	ConversationID ConversationID `json:"conversationId"`
	Seq            Seq            `json:"seq,omitempty"`
	Time           time.Time      `json:"time"`
	Status         int            `json:"status"` // HTTP status; 0 when there was no answer
	DurationMS     int64          `json:"durationMs"`
	// Response is the start of the answer's body, or why there was none.
	Response string `json:"response"`
	OK       bool   `json:"ok"`
}
