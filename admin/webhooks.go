package admin

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"skranke/auth"
	"skranke/chat"
	"skranke/store"
)

// Webhook endpoints (package webhook delivers to them). An endpoint's
// secret is shown once, in the answer that made it; rotating it makes a new
// one and keeps signing with the old one beside it for PreviousSecretFor,
// so that receivers can change over without losing a message.

// PreviousSecretFor is how long a rotated-away secret still signs.
const PreviousSecretFor = 24 * time.Hour

// WebhookInput is a new endpoint.
type WebhookInput struct {
	URL            string             `json:"url"`
	Description    string             `json:"description"`
	Events         []chat.WebhookType `json:"events"`
	IncludePrivate bool               `json:"includePrivate"`
	AllowInsecure  bool               `json:"allowInsecure"`
}

// WebhookUpdate changes an endpoint; nil fields stay as they are. Version
// must be the endpoint's.
type WebhookUpdate struct {
	URL            *string             `json:"url"`
	Description    *string             `json:"description"`
	Events         *[]chat.WebhookType `json:"events"`
	IncludePrivate *bool               `json:"includePrivate"`
	AllowInsecure  *bool               `json:"allowInsecure"`
	// Paused pauses deliveries (true) or resumes them (false): what waited
	// is delivered at once, in order.
	Paused  *bool `json:"paused"`
	Version int64 `json:"version"`
}

// WebhookWithSecret is an endpoint with its signing secret, answered only
// when the secret is made.
type WebhookWithSecret struct {
	chat.Webhook
	Secret string `json:"secret"`
}

// Webhooks lists the endpoints.
func (s *Service) Webhooks(ctx context.Context, a auth.Actor) ([]chat.Webhook, error) {
	if err := reader(a); err != nil {
		return nil, err
	}
	return s.st.Webhooks(ctx)
}

// Webhook returns one endpoint.
func (s *Service) Webhook(ctx context.Context, a auth.Actor, id string) (chat.Webhook, error) {
	if err := reader(a); err != nil {
		return chat.Webhook{}, err
	}
	return s.st.Webhook(ctx, id)
}

// CreateWebhook adds an endpoint with a new secret.
func (s *Service) CreateWebhook(ctx context.Context, a auth.Actor, in WebhookInput) (WebhookWithSecret, error) {
	by, err := changer(a)
	if err != nil {
		return WebhookWithSecret{}, err
	}
	w := chat.Webhook{ID: chat.NewID(), URL: in.URL, Description: in.Description, Events: in.Events,
		IncludePrivate: in.IncludePrivate, AllowInsecure: in.AllowInsecure, Secret: chat.NewWebhookSecret()}
	w, err = store.CreateWebhook(ctx, s.st, w, by)
	if err != nil {
		return WebhookWithSecret{}, err
	}
	return WebhookWithSecret{Webhook: w, Secret: w.Secret}, nil
}

// UpdateWebhook changes an endpoint.
func (s *Service) UpdateWebhook(ctx context.Context, a auth.Actor, id string, u WebhookUpdate) (chat.Webhook, error) {
	by, err := changer(a)
	if err != nil {
		return chat.Webhook{}, err
	}
	if u.Version == 0 {
		return chat.Webhook{}, chat.CheckVersion("webhook", 1, 0)
	}
	return store.ChangeWebhook(ctx, s.st, id, u.Version, chat.AuditWebhookUpdate, by, func(w *chat.Webhook, now time.Time) error {
		set(&w.URL, u.URL)
		set(&w.Description, u.Description)
		set(&w.Events, u.Events)
		set(&w.IncludePrivate, u.IncludePrivate)
		set(&w.AllowInsecure, u.AllowInsecure)
		switch {
		case u.Paused == nil:
		case *u.Paused && w.PausedAt.IsZero():
			w.PausedAt, w.PausedReason = now, "administrator"
		case !*u.Paused && !w.PausedAt.IsZero():
			w.PausedAt, w.PausedReason, w.Failures, w.FailingSince = time.Time{}, "", 0, time.Time{}
		}
		return nil
	})
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// RotateWebhookSecret gives an endpoint a new secret; the old one signs
// beside it for PreviousSecretFor.
func (s *Service) RotateWebhookSecret(ctx context.Context, a auth.Actor, id string) (WebhookWithSecret, error) {
	by, err := changer(a)
	if err != nil {
		return WebhookWithSecret{}, err
	}
	w, err := store.ChangeWebhook(ctx, s.st, id, 0, chat.AuditWebhookRotate, by, func(w *chat.Webhook, now time.Time) error {
		w.Previous, w.PreviousUntil, w.Secret = w.Secret, now.Add(PreviousSecretFor), chat.NewWebhookSecret()
		return nil
	})
	if err != nil {
		return WebhookWithSecret{}, err
	}
	return WebhookWithSecret{Webhook: w, Secret: w.Secret}, nil
}

// DeleteWebhook deletes an endpoint, its delivery log and what still
// waited to be delivered to it.
func (s *Service) DeleteWebhook(ctx context.Context, a auth.Actor, id string) error {
	by, err := changer(a)
	if err != nil {
		return err
	}
	return store.DeleteWebhook(ctx, s.st, id, by)
}

// WebhookDeliveries lists an endpoint's latest deliveries, newest first.
func (s *Service) WebhookDeliveries(ctx context.Context, a auth.Actor, id string, limit int) ([]chat.WebhookDelivery, error) {
	if err := reader(a); err != nil {
		return nil, err
	}
	if _, err := s.st.Webhook(ctx, id); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 200 {
		limit = 100
	}
	return s.st.WebhookDeliveries(ctx, id, limit)
}

// ResendWebhookDelivery sends a delivery's message again, with its
// webhook-id, at once and apart from the conversation's order (the
// receiver has had the messages after it, or will).
func (s *Service) ResendWebhookDelivery(ctx context.Context, a auth.Actor, id string, delivery int64) error {
	if _, err := changer(a); err != nil {
		return err
	}
	d, err := s.st.WebhookDelivery(ctx, delivery)
	if err != nil {
		return err
	}
	if d.WebhookID != id {
		return store.ErrNoDelivery
	}
	p := store.WebhookJob{Endpoint: id, Type: d.Type, MessageID: d.MessageID, Seq: d.Seq}
	if d.Type == chat.WebhookTranscriptSent {
		// Its data is in the job that made it, not in the log.
		jobs, err := s.st.Jobs(ctx, store.JobFilter{Kind: store.JobWebhook, ConversationID: d.ConversationID, Limit: 1000})
		if err != nil {
			return fmt.Errorf("resend webhook: %w", err)
		}
		for _, j := range jobs {
			if j.ID == d.JobID {
				var orig store.WebhookJob
				if json.Unmarshal(j.Payload, &orig) == nil {
					p.Data = orig.Data
				}
			}
		}
		if len(p.Data) == 0 {
			return chat.E(chat.EConflict, "delivery_expired", "This message is no longer kept; it cannot be sent again.")
		}
	}
	payload, err := json.Marshal(p)
	if err != nil {
		return err
	}
	if _, err := s.st.EnqueueJob(ctx, store.Job{Kind: store.JobWebhook, ConversationID: d.ConversationID, Payload: payload}); err != nil {
		return fmt.Errorf("resend webhook: %w", err)
	}
	return nil
}
