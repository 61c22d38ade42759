package httpapi

import (
	"encoding/base64"
	"net/http"

	"skranke/admin"
	"skranke/chat"
)

// Verified customer details (R6): the identity settings for
// administrators, identify and details for customers, a chat's customer
// for agents.

func (s *Server) adminIdentity(w http.ResponseWriter, r *http.Request) error {
	id, err := s.opts.Admin.Identity(r.Context(), actor(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"identity": id})
}

func (s *Server) adminUpdateIdentity(w http.ResponseWriter, r *http.Request) error {
	var u chat.IdentityUpdate
	if err := decode(w, r, &u); err != nil {
		return err
	}
	id, err := s.opts.Admin.UpdateIdentity(r.Context(), actor(r), u)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"identity": id})
}

// adminAddIdentityKey answers with the key, and for HS256 with its secret
// (base64url, as JWT libraries take it, and as text): the only time it is
// shown.
func (s *Server) adminAddIdentityKey(w http.ResponseWriter, r *http.Request) error {
	var n admin.NewIdentityKey
	if err := decode(w, r, &n); err != nil {
		return err
	}
	k, secret, err := s.opts.Admin.AddIdentityKey(r.Context(), actor(r), n)
	if err != nil {
		return err
	}
	out := map[string]any{"key": k}
	if secret != nil {
		out["secret"] = string(secret)
		out["secretBase64url"] = base64.RawURLEncoding.EncodeToString(secret)
	}
	return writeJSON(w, http.StatusCreated, out)
}

func (s *Server) adminRevokeIdentityKey(w http.ResponseWriter, r *http.Request) error {
	k, err := s.opts.Admin.RevokeIdentityKey(r.Context(), actor(r), r.PathValue("kid"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"key": k})
}

func (s *Server) widgetIdentify(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Token string `json:"token"`
	}
	if err := decode(w, r, &req); err != nil {
		return err
	}
	d, err := s.opts.Service.Identify(r.Context(), actor(r), req.Token)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"customer": d})
}

func (s *Server) widgetDetails(w http.ResponseWriter, r *http.Request) error {
	d, err := s.opts.Service.MyDetails(r.Context(), actor(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"customer": d})
}

func (s *Server) widgetSetDetails(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Details map[string]string `json:"details"`
	}
	if err := decode(w, r, &req); err != nil {
		return err
	}
	d, err := s.opts.Service.SetDetails(r.Context(), actor(r), req.Details)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"customer": d})
}

func (s *Server) conversationCustomer(w http.ResponseWriter, r *http.Request) error {
	info, err := s.opts.Service.CustomerInfo(r.Context(), actor(r), chat.ConversationID(r.PathValue("id")))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"customer": info})
}
