package httpapi

import (
	"net/http"
	"strconv"

	"skranke/admin"
	"skranke/chat"
)

// Webhook endpoints (admin/webhooks.go): the secret is in the answers that
// make it, and only there.

func (s *Server) adminWebhooks(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.opts.Admin.Webhooks(r.Context(), actor(r))
	if err != nil {
		return err
	}
	if ws == nil {
		ws = []chat.Webhook{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"webhooks": ws, "events": chat.WebhookTypes})
}

func (s *Server) adminWebhook(w http.ResponseWriter, r *http.Request) error {
	wh, err := s.opts.Admin.Webhook(r.Context(), actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"webhook": wh})
}

func (s *Server) adminCreateWebhook(w http.ResponseWriter, r *http.Request) error {
	var req admin.WebhookInput
	if err := decode(w, r, &req); err != nil {
		return err
	}
	ws, err := s.opts.Admin.CreateWebhook(r.Context(), actor(r), req)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"webhook": ws.Webhook, "secret": ws.Secret})
}

func (s *Server) adminUpdateWebhook(w http.ResponseWriter, r *http.Request) error {
	var req admin.WebhookUpdate
	if err := decode(w, r, &req); err != nil {
		return err
	}
	wh, err := s.opts.Admin.UpdateWebhook(r.Context(), actor(r), r.PathValue("id"), req)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"webhook": wh})
}

func (s *Server) adminRotateWebhook(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.opts.Admin.RotateWebhookSecret(r.Context(), actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"webhook": ws.Webhook, "secret": ws.Secret})
}

func (s *Server) adminDeleteWebhook(w http.ResponseWriter, r *http.Request) error {
	if err := s.opts.Admin.DeleteWebhook(r.Context(), actor(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) adminWebhookDeliveries(w http.ResponseWriter, r *http.Request) error {
	limit := 0
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 200 {
			return chat.E(chat.EInvalid, "limit_range", "limit must be between 1 and {max}.", "field", "limit", "max", 200)
		}
		limit = n
	}
	ds, err := s.opts.Admin.WebhookDeliveries(r.Context(), actor(r), r.PathValue("id"), limit)
	if err != nil {
		return err
	}
	if ds == nil {
		ds = []chat.WebhookDelivery{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"deliveries": ds})
}

func (s *Server) adminResendWebhook(w http.ResponseWriter, r *http.Request) error {
	d, err := strconv.ParseInt(r.PathValue("delivery"), 10, 64)
	if err != nil {
		return chat.E(chat.ENotFound, "delivery_not_found", "No such delivery.")
	}
	if err := s.opts.Admin.ResendWebhookDelivery(r.Context(), actor(r), r.PathValue("id"), d); err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, map[string]any{"queued": true})
}
