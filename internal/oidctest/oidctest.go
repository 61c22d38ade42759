// Package oidctest runs a real OpenID Connect provider for tests: the
// provider implementation of github.com/zitadel/oidc/v3 (pkg/op) over the
// in-memory storage of its example server, with a plain login page, on a
// free port of 127.0.0.1. It is not a fake: discovery, the authorization
// code flow with PKCE, signed ID tokens, JWKS and userinfo are the
// library's. Tests give it users (with claims of their own, such as a
// national identity number) and a client, and sign in through it with an
// HTTP client as a browser would (Login), or with a browser.
//
// It is made to be reused: by the customers' secure chat (R6) now, by the
// agents' sign-in later.
package oidctest

import (
	"context"
	"crypto/sha256"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/text/language"

	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// User is a person who can sign in at the provider.
type User struct {
	ID, Username, Password string
	GivenName, FamilyName  string
	Email, Phone           string
	// Claims are further claims of the user, in the ID token and at the
	// userinfo endpoint ("nin": "01017012345").
	Claims map[string]any
}

// Options configure a Provider.
type Options struct {
	Users []User
	// ClientID and ClientSecret are the one client's credentials ("skranke"
	// and a random secret when empty); RedirectURIs its callbacks.
	ClientID, ClientSecret string
	RedirectURIs           []string
}

// Provider is a running OpenID provider.
type Provider struct {
	Issuer                 string
	ClientID, ClientSecret string
	server                 *httptest.Server
	storage                *claimStorage
}

// Start starts a provider for the test on a free port; it stops when the
// test ends.
func Start(t testing.TB, opts Options) *Provider {
	t.Helper()
	if opts.ClientSecret == "" {
		opts.ClientSecret = fmt.Sprintf("secret-%x", sha256.Sum256([]byte(t.Name())))[:32]
	}
	srv := httptest.NewUnstartedServer(nil)
	srv.Start()
	p, err := Serve(srv, opts)
	if err != nil {
		srv.Close()
		t.Fatalf("oidctest: %v", err)
	}
	t.Cleanup(srv.Close)
	return p
}

// Serve makes srv, started and not yet given a handler, the provider of
// opts, with srv.URL as its issuer; the caller closes srv. For a provider
// outside a Go test (bin/oidc-provider, for the browser tests).
func Serve(srv *httptest.Server, opts Options) (*Provider, error) {
	if opts.ClientID == "" {
		opts.ClientID = "skranke"
	}
	if opts.ClientSecret == "" {
		return nil, fmt.Errorf("a client secret is required")
	}
	issuer := srv.URL
	users := users{}
	extra := map[string]map[string]any{}
	for _, u := range opts.Users {
		users[u.ID] = &storage.User{ID: u.ID, Username: u.Username, Password: u.Password, FirstName: u.GivenName, LastName: u.FamilyName,
			Email: u.Email, EmailVerified: u.Email != "", Phone: u.Phone, PhoneVerified: u.Phone != "", PreferredLanguage: language.English}
		extra[u.ID] = u.Claims
	}
	client := storage.WebClient(opts.ClientID, opts.ClientSecret, opts.RedirectURIs...)
	st := &claimStorage{Storage: storage.NewStorageWithClients(users, map[string]*storage.Client{opts.ClientID: client}), extra: extra}
	key := sha256.Sum256([]byte("oidctest " + issuer + opts.ClientSecret))
	provider, err := op.NewProvider(&op.Config{
		CryptoKey:                key,
		DefaultLogoutRedirectURI: "/logged-out",
		CodeMethodS256:           true,
		AuthMethodPost:           true,
		SupportedUILocales:       []language.Tag{language.English},
	}, st, op.StaticIssuer(issuer), op.WithAllowInsecure(), op.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	interceptor := op.NewIssuerInterceptor(provider.IssuerFromRequest)
	callback := op.AuthCallbackURL(provider)
	mux.HandleFunc("GET /login/username", func(w http.ResponseWriter, r *http.Request) {
		renderLogin(w, r.FormValue("authRequestID"), "")
	})
	mux.HandleFunc("POST /login/username", interceptor.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.FormValue("id")
		if err := st.CheckUsernamePassword(r.FormValue("username"), r.FormValue("password"), id); err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			renderLogin(w, id, "Wrong username or password.")
			return
		}
		http.Redirect(w, r, callback(r.Context(), id), http.StatusFound)
	}))
	mux.Handle("/", provider)
	srv.Config.Handler = mux
	return &Provider{Issuer: issuer, ClientID: opts.ClientID, ClientSecret: opts.ClientSecret, server: srv, storage: st}, nil
}

var loginPage = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head>
<body><main><h1>Sign in</h1>
{{if .Error}}<p role="alert">{{.Error}}</p>{{end}}
<form method="post" action="/login/username">
<input type="hidden" name="id" value="{{.ID}}">
<label>Username <input name="username" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Sign in</button>
</form></main></body></html>`))

func renderLogin(w http.ResponseWriter, id, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	loginPage.Execute(w, struct{ ID, Error string }{id, msg})
}

// Login signs username in at the provider, as a browser would, starting
// from authURL (the authorization URL a relying party sent the browser
// to): it follows the redirects to the login page, posts the form, and
// follows the redirects back to the relying party's callback, whose
// response it returns (read it, then close its body). client keeps the
// cookies; its CheckRedirect is left alone.
func (p *Provider) Login(t testing.TB, client *http.Client, authURL, username, password string) *http.Response {
	t.Helper()
	resp, err := client.Get(authURL)
	if err != nil {
		t.Fatalf("oidctest: open %s: %v", authURL, err)
	}
	resp.Body.Close()
	loginURL := resp.Request.URL
	if !strings.HasPrefix(loginURL.String(), p.Issuer+"/login/username") {
		t.Fatalf("oidctest: the authorization request ended at %s (status %d), not at the login page", loginURL, resp.StatusCode)
	}
	resp, err = client.PostForm(p.Issuer+"/login/username", url.Values{
		"id": {loginURL.Query().Get("authRequestID")}, "username": {username}, "password": {password}})
	if err != nil {
		t.Fatalf("oidctest: sign in: %v", err)
	}
	return resp
}

// users is the provider's user store.
type users map[string]*storage.User

func (u users) GetUserByID(id string) *storage.User { return u[id] }

func (u users) GetUserByUsername(name string) *storage.User {
	for _, x := range u {
		if x.Username == name {
			return x
		}
	}
	return nil
}

func (u users) ExampleClientID() string { return storage.ServiceUserID }

// claimStorage is the example storage with each user's further claims in
// the ID token and at the userinfo endpoint.
type claimStorage struct {
	*storage.Storage
	extra map[string]map[string]any // by user id; immutable after Start
}

// GetPrivateClaimsFromScopes adds the user's claims to the ID token.
func (s *claimStorage) GetPrivateClaimsFromScopes(ctx context.Context, userID, clientID string, scopes []string) (map[string]any, error) {
	claims, err := s.Storage.GetPrivateClaimsFromScopes(ctx, userID, clientID, scopes)
	if err != nil {
		return nil, err
	}
	if len(s.extra[userID]) > 0 && claims == nil {
		claims = map[string]any{}
	}
	for k, v := range s.extra[userID] {
		claims[k] = v
	}
	return claims, nil
}

// SetUserinfoFromToken adds the user's claims to the userinfo answer.
func (s *claimStorage) SetUserinfoFromToken(ctx context.Context, info *oidc.UserInfo, tokenID, subject, origin string) error {
	if err := s.Storage.SetUserinfoFromToken(ctx, info, tokenID, subject, origin); err != nil {
		return err
	}
	for k, v := range s.extra[info.Subject] {
		info.AppendClaims(k, v)
	}
	return nil
}
