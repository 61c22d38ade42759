package httpapi

import (
	"crypto/subtle"
	"html/template"
	"net/http"
	"net/url"

	"skranke/auth"
	"skranke/chat"
)

// ssoCookie binds a sign-in at the identity provider to the browser that
// started it: the callback's state must be the cookie's, so that nobody
// can sign someone else's browser in with their own account.
const ssoCookie = "skranke_sso"

// loginOptions tells the login page how one may sign in: through the
// identity provider (its name), and whether passwords still work.
func (s *Server) loginOptions(w http.ResponseWriter, r *http.Request) error {
	c, err := s.opts.Auth.SSO(r.Context())
	if err != nil {
		return err
	}
	out := map[string]any{"sso": nil, "passwordLogin": !c.PasswordLoginOff}
	if c.Configured() {
		name := c.Name
		if name == "" {
			name = "your organisation"
		}
		out["sso"] = map[string]string{"name": name, "url": "/sso/start"}
	}
	return writeJSON(w, http.StatusOK, out)
}

// ssoStart sends the browser to the identity provider.
func (s *Server) ssoStart(w http.ResponseWriter, r *http.Request) error {
	to, err := s.opts.Auth.StartSSO(r.Context())
	if err != nil {
		return err
	}
	u, err := url.Parse(to)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: ssoCookie, Value: u.Query().Get("state"), Path: auth.SSOCallbackPath,
		MaxAge: 600, HttpOnly: true, Secure: s.opts.Secure, SameSite: http.SameSiteLaxMode})
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, to, http.StatusFound)
	return nil
}

var ssoFailedPage = template.Must(template.New("sso").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>The sign-in did not succeed</title>
<style>body{font:17px/1.5 system-ui,sans-serif;margin:3rem auto;max-width:32rem;padding:0 1rem;color:#1d2430}</style></head>
<body><main><h1>The sign-in did not succeed</h1><p role="alert">{{.}}</p><p><a href="/agent">Back to the sign-in page</a></p></main></body></html>`))

// ssoCallback completes an agent's sign-in at the identity provider: the
// session cookie, and on to the agent desktop; or a page that says what
// went wrong.
func (s *Server) ssoCallback(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	http.SetCookie(w, &http.Cookie{Name: ssoCookie, Value: "", Path: auth.SSOCallbackPath, MaxAge: -1, HttpOnly: true, Secure: s.opts.Secure, SameSite: http.SameSiteLaxMode})
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	var token string
	var u chat.User
	var err error = errSSOWrongBrowser
	if c, cerr := r.Cookie(ssoCookie); cerr == nil && c.Value != "" && subtle.ConstantTimeCompare([]byte(c.Value), []byte(q.Get("state"))) == 1 {
		token, u, err = s.opts.Auth.FinishSSO(r.Context(), q.Get("state"), q.Get("code"), q.Get("error"))
	}
	if err != nil {
		if chat.ErrorCode(err) == chat.EInternal {
			s.log.Error("SSO callback", "err", err)
		} else {
			s.log.Info("SSO sign-in refused", "reason", chat.ErrorOf(err).Reason, "err", err)
		}
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Skranke-Reason", chat.ErrorOf(err).Reason)
		w.WriteHeader(statusOf[chat.ErrorCode(err)])
		return ssoFailedPage.Execute(w, chat.ErrorMessage(err))
	}
	s.setSessionCookie(w, token)
	to := "/agent"
	if u.Role == chat.RoleAdmin {
		to = "/admin"
	}
	http.Redirect(w, r, to, http.StatusFound)
	return nil
}

var errSSOWrongBrowser = chat.E(chat.EInvalid, "sso_state_mismatch", "This sign-in was started in another browser or has been used; sign in again.")

func (s *Server) adminSSO(w http.ResponseWriter, r *http.Request) error {
	c, err := s.opts.Admin.SSO(r.Context(), actor(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"sso": c})
}

func (s *Server) adminUpdateSSO(w http.ResponseWriter, r *http.Request) error {
	var u chat.AgentSSOUpdate
	if err := decode(w, r, &u); err != nil {
		return err
	}
	c, err := s.opts.Admin.UpdateSSO(r.Context(), actor(r), u)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"sso": c})
}
