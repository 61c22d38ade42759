package httpapi

import (
	"crypto/rand"
	"encoding/base64"
	"html/template"
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

func (s *Server) widgetSecureChat(w http.ResponseWriter, r *http.Request) error {
	url, err := s.opts.Service.StartSecureChat(r.Context(), actor(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]string{"url": url})
}

// oidcCallbackPage is what the customer sees in the sign-in window when
// the provider has sent them back: it closes itself (the widget sees the
// customer verified), or says what went wrong.
var oidcCallbackPage = template.Must(template.New("callback").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>body{font:17px/1.5 system-ui,sans-serif;margin:3rem auto;max-width:32rem;padding:0 1rem;color:#1d2430}</style></head>
<body><main><h1>{{.Title}}</h1><p>{{.Text}}</p></main>
{{if .OK}}<script nonce="{{.Nonce}}">window.close();</script>{{end}}
</body></html>`))

// oidcCallback completes a customer's sign-in at the OpenID provider.
func (s *Server) oidcCallback(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	_, err := s.opts.Service.FinishSecureChat(r.Context(), q.Get("state"), q.Get("code"), q.Get("error"))
	page := struct {
		OK                 bool
		Title, Text, Nonce string
	}{OK: err == nil, Nonce: randomNonce()}
	status := http.StatusOK
	if err == nil {
		page.Title, page.Text = "You are signed in", "You can close this window and go back to the chat."
	} else {
		status = statusOf[chat.ErrorCode(err)]
		if chat.ErrorCode(err) == chat.EInternal {
			s.log.Error("OpenID callback", "err", err)
		}
		page.Title, page.Text = "The sign-in did not succeed", chat.ErrorMessage(err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-"+page.Nonce+"'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	return oidcCallbackPage.Execute(w, page)
}

func randomNonce() string {
	var b [16]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}
