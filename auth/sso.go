package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"skranke/chat"
	"skranke/store"
)

// Agents, supervisors and administrators sign in through the
// organisation's OpenID provider (issue 18). The server runs the
// authorization code flow with PKCE: the login page sends the browser to
// StartSSO's URL; the provider sends it back to SSOCallbackPath, where
// FinishSSO takes the pending sign-in of the state (once: a replayed or
// forged state finds none), exchanges the code with its PKCE verifier,
// verifies the ID token with go-oidc (signature, issuer, audience,
// expiry by Options.TokenNow, nonce), finds the user by the username claim
// (or creates it, if the administrator allows it, with the role and
// profiles its groups map to), and starts a session as Login does. A
// deactivated user is refused.

// SSOCallbackPath is where the provider sends the agent back.
const SSOCallbackPath = "/sso/callback"

// ssoNoPassword is the password hash of a user created at its first
// sign-in through the provider: no password matches it.
const ssoNoPassword = "!sso"

var (
	errSSONotSetUp    = chat.E(chat.EConflict, "sso_not_set_up", "Sign-in through the identity provider is not set up.")
	errSSOUnavailable = chat.E(chat.EUnavailable, "sso_unavailable", "The identity provider cannot be reached; try again.")
	errSSORefused     = chat.E(chat.EInvalid, "sso_refused", "The sign-in did not succeed; try again.")
	errSSOUnknownUser = chat.E(chat.EForbidden, "sso_unknown_user", "You have no Skranke account; ask an administrator.")
	errSSONoRole      = chat.E(chat.EForbidden, "sso_no_role", "None of your groups gives you a role in Skranke; ask an administrator.")
	errPasswordOff    = chat.E(chat.EForbidden, "password_login_off", "Sign in with your organisation's account.")
)

// OIDCProviders caches OpenID providers' discovery documents, by issuer:
// the agents' identity provider here, the customers' (secure chat) in
// conversation. The zero value is ready.
type OIDCProviders struct {
	mu sync.Mutex
	m  map[string]*oidc.Provider // guarded by mu
}

// Get returns the provider of issuer, reading its discovery document the
// first time.
func (p *OIDCProviders) Get(ctx context.Context, issuer string) (*oidc.Provider, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if pr, ok := p.m[issuer]; ok {
		return pr, nil
	}
	pr, err := oidc.NewProvider(context.WithoutCancel(ctx), issuer) // discovery outlives the request
	if err != nil {
		return nil, err
	}
	if p.m == nil {
		p.m = map[string]*oidc.Provider{}
	}
	p.m[issuer] = pr
	return pr, nil
}

// SSO returns the agents' sign-in settings without the client secret.
func (s *Service) SSO(ctx context.Context) (chat.AgentSSO, error) {
	c, err := store.SSOSettings(ctx, s.store)
	if err != nil {
		return chat.AgentSSO{}, err
	}
	return c.Public(), nil
}

func (s *Service) ssoConfig(c chat.AgentSSO, pr *oidc.Provider) *oauth2.Config {
	scopes := []string{oidc.ScopeOpenID}
	if len(c.Scopes) == 0 {
		scopes = append(scopes, "profile", "email")
	} else {
		scopes = append(scopes, c.Scopes...)
	}
	return &oauth2.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret, Endpoint: pr.Endpoint(),
		RedirectURL: strings.TrimSuffix(s.opts.BaseURL, "/") + SSOCallbackPath, Scopes: scopes}
}

// RandomState is a random state or nonce for an OpenID sign-in.
func RandomState() string {
	var b [24]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// StartSSO starts a sign-in at the organisation's OpenID provider and
// returns the provider's URL to send the browser to.
func (s *Service) StartSSO(ctx context.Context) (string, error) {
	c, err := store.SSOSettings(ctx, s.store)
	if err != nil {
		return "", err
	}
	if !c.Configured() {
		return "", errSSONotSetUp
	}
	pr, err := s.sso.Get(ctx, c.Issuer)
	if err != nil {
		return "", fmt.Errorf("discovery of %s: %v: %w", c.Issuer, err, errSSOUnavailable)
	}
	l := store.SSOLogin{State: RandomState(), Verifier: oauth2.GenerateVerifier(), Nonce: RandomState()}
	if err := s.store.CreateSSOLogin(ctx, l); err != nil {
		return "", err
	}
	return s.ssoConfig(c, pr).AuthCodeURL(l.State, oauth2.S256ChallengeOption(l.Verifier), oidc.Nonce(l.Nonce)), nil
}

// FinishSSO completes a sign-in with the provider's answer at the
// callback and starts a session; it returns its token for the cookie.
func (s *Service) FinishSSO(ctx context.Context, state, code, providerError string) (string, chat.User, error) {
	if state == "" {
		return "", chat.User{}, errSSORefused
	}
	l, err := s.store.TakeSSOLogin(ctx, state)
	if err != nil {
		return "", chat.User{}, err
	}
	if providerError != "" || code == "" {
		return "", chat.User{}, fmt.Errorf("provider: %q: %w", providerError, errSSORefused)
	}
	c, err := store.SSOSettings(ctx, s.store)
	if err != nil {
		return "", chat.User{}, err
	}
	if !c.Configured() {
		return "", chat.User{}, errSSONotSetUp
	}
	pr, err := s.sso.Get(ctx, c.Issuer)
	if err != nil {
		return "", chat.User{}, errSSOUnavailable
	}
	tok, err := s.ssoConfig(c, pr).Exchange(ctx, code, oauth2.VerifierOption(l.Verifier))
	if err != nil {
		return "", chat.User{}, fmt.Errorf("exchange: %v: %w", err, errSSORefused)
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := pr.Verifier(&oidc.Config{ClientID: c.ClientID, Now: s.opts.TokenNow}).Verify(ctx, raw)
	if err != nil {
		return "", chat.User{}, fmt.Errorf("ID token: %v: %w", err, errSSORefused)
	}
	if idt.Nonce != l.Nonce {
		return "", chat.User{}, fmt.Errorf("ID token: wrong nonce: %w", errSSORefused)
	}
	claims := map[string]any{}
	if err := idt.Claims(&claims); err != nil {
		return "", chat.User{}, fmt.Errorf("ID token claims: %v: %w", err, errSSORefused)
	}
	if ui, err := pr.UserInfo(ctx, oauth2.StaticTokenSource(tok)); err == nil && ui.Subject == idt.Subject {
		more := map[string]any{}
		if ui.Claims(&more) == nil {
			for k, v := range more {
				if _, ok := claims[k]; !ok {
					claims[k] = v
				}
			}
		}
	}
	u, err := s.ssoUser(ctx, c, claims)
	if err != nil {
		return "", chat.User{}, err
	}
	if !u.Active() {
		return "", chat.User{}, errDeactivated
	}
	token, hash := NewToken()
	now := s.opts.Now()
	if err := s.store.CreateSession(ctx, chat.Session{TokenHash: hash, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(s.opts.SessionTTL)}); err != nil {
		return "", chat.User{}, fmt.Errorf("sso login: %w", err)
	}
	return token, u, nil
}

// ssoUser is the Skranke user the claims name, created if c allows it.
// The groups must map to a role (or c have a default one), for a known
// user too: someone the organisation took out of every mapped group
// signs in no more.
func (s *Service) ssoUser(ctx context.Context, c chat.AgentSSO, claims map[string]any) (chat.User, error) {
	uc := c.UsernameClaim
	if uc == "" {
		uc = "preferred_username"
	}
	username, _ := claims[uc].(string)
	username = strings.ToLower(strings.TrimSpace(username))
	if username == "" {
		return chat.User{}, fmt.Errorf("no %s claim: %w", uc, errSSORefused)
	}
	gc := c.GroupsClaim
	if gc == "" {
		gc = "groups"
	}
	var groups []string
	switch g := claims[gc].(type) {
	case string:
		groups = []string{g}
	case []any:
		for _, x := range g {
			if x, ok := x.(string); ok {
				groups = append(groups, x)
			}
		}
	}
	role, profiles, ok := c.Map(groups)
	if !ok {
		return chat.User{}, errSSONoRole
	}
	u, err := s.store.UserByUsername(ctx, username)
	if chat.ErrorCode(err) != chat.ENotFound {
		return u, err
	}
	if !c.CreateUsers {
		return chat.User{}, errSSOUnknownUser
	}
	name, _ := claims["name"].(string)
	if name == "" {
		name = username
	}
	if profiles == nil {
		profiles = []chat.ProfileID{}
	}
	n := chat.User{ID: chat.UserID("u-" + chat.NewID()[:16]), Username: username, DisplayName: name, Role: role, Capacity: 3,
		Profiles: profiles, PasswordHash: ssoNoPassword}
	u, err = store.CreateUser(ctx, s.store, n, chat.AuditActor{Name: "sso"})
	if chat.ErrorCode(err) == chat.EConflict { // created by a sign-in at the same moment
		return s.store.UserByUsername(ctx, username)
	}
	return u, err
}
