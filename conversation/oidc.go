package conversation

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"skranke/auth"
	"skranke/chat"
	"skranke/store"
)

// Secure chat through the organisation's OpenID provider (R6, the Puzzel
// way). The server runs the authorization code flow with PKCE: the widget
// asks for a sign-in (StartSecureChat) and opens the provider's page it is
// given in a window of its own; the provider sends the browser back to
// the server's callback (FinishSecureChat), which exchanges the code with
// the PKCE verifier, verifies the ID token (signature, issuer, audience,
// expiry, nonce) with go-oidc, reads the userinfo, and makes the claims
// verified details by the administrator's mapping, masked where it says
// so. The state, verifier and nonce are kept in the store (any node may
// get the callback) and used once.

// OIDCCallbackPath is where the provider sends the customer back.
const OIDCCallbackPath = "/oidc/callback"

// oidcLoginTTL is how long a sign-in may take.
const oidcLoginTTL = 10 * time.Minute

var (
	errOIDCNotSetUp    = chat.E(chat.EConflict, "oidc_not_set_up", "Secure chat is not set up; the organisation has no OpenID provider.")
	errOIDCUnavailable = chat.E(chat.EUnavailable, "oidc_unavailable", "The sign-in service cannot be reached; try again.")
	errOIDCRefused     = chat.E(chat.EInvalid, "oidc_refused", "The sign-in did not succeed; try again from the chat.")
	errOIDCExpired     = chat.E(chat.EInvalid, "oidc_login_expired", "The sign-in took too long; start it again from the chat.")
)

// oauthConfig is the OAuth 2 client of the provider.
func (s *Service) oauthConfig(o *chat.OIDCProvider, pr *oidc.Provider) *oauth2.Config {
	scopes := []string{oidc.ScopeOpenID}
	if len(o.Scopes) == 0 {
		scopes = append(scopes, "profile", "email", "phone")
	} else {
		scopes = append(scopes, o.Scopes...)
	}
	return &oauth2.Config{ClientID: o.ClientID, ClientSecret: o.ClientSecret, Endpoint: pr.Endpoint(),
		RedirectURL: strings.TrimSuffix(s.opts.BaseURL, "/") + OIDCCallbackPath, Scopes: scopes}
}

// StartSecureChat starts the actor's (a customer's) sign-in at the
// organisation's OpenID provider and returns the provider's URL to send
// the customer to.
func (s *Service) StartSecureChat(ctx context.Context, a auth.Actor) (string, error) {
	if a.Customer == nil {
		return "", chat.E(chat.EUnauthenticated, "customer_token_required", "A customer token is required.")
	}
	id, err := s.identity(ctx)
	if err != nil {
		return "", fmt.Errorf("secure chat: %w", err)
	}
	if id.OIDC == nil {
		return "", errOIDCNotSetUp
	}
	pr, err := s.oidc.Get(ctx, id.OIDC.Issuer)
	if err != nil {
		s.log.Warn("OpenID provider discovery", "issuer", id.OIDC.Issuer, "err", err)
		return "", errOIDCUnavailable
	}
	l := store.OIDCLogin{State: auth.RandomState(), CustomerID: a.Customer.ID, Verifier: oauth2.GenerateVerifier(), Nonce: auth.RandomState()}
	if err := s.st.CreateOIDCLogin(ctx, l); err != nil {
		return "", err
	}
	return s.oauthConfig(id.OIDC, pr).AuthCodeURL(l.State, oauth2.S256ChallengeOption(l.Verifier), oidc.Nonce(l.Nonce)), nil
}

// FinishSecureChat completes a sign-in with the provider's answer at the
// callback: state names the sign-in, code is the authorization code (or
// providerError the provider's error). The customer's details are then
// verified. A refusal is logged and counted with its reason.
func (s *Service) FinishSecureChat(ctx context.Context, state, code, providerError string) (chat.CustomerDetails, error) {
	d, err := s.finishSecureChat(ctx, state, code, providerError)
	if err != nil {
		reason := chat.ErrorOf(err).Reason
		s.ids.refused.WithLabelValues(reason).Inc()
		s.log.Info("OpenID sign-in refused", "reason", reason, "err", err)
		return chat.CustomerDetails{}, err
	}
	s.ids.verified.Inc()
	return d, nil
}

func (s *Service) finishSecureChat(ctx context.Context, state, code, providerError string) (chat.CustomerDetails, error) {
	if state == "" {
		return chat.CustomerDetails{}, errOIDCRefused
	}
	l, err := s.st.TakeOIDCLogin(ctx, state)
	if err != nil {
		return chat.CustomerDetails{}, err
	}
	if s.opts.Now().Sub(l.CreatedAt) > oidcLoginTTL {
		return chat.CustomerDetails{}, errOIDCExpired
	}
	if providerError != "" || code == "" {
		return chat.CustomerDetails{}, fmt.Errorf("provider: %q: %w", providerError, errOIDCRefused)
	}
	id, err := s.identity(ctx)
	if err != nil {
		return chat.CustomerDetails{}, err
	}
	if id.OIDC == nil {
		return chat.CustomerDetails{}, errOIDCNotSetUp
	}
	pr, err := s.oidc.Get(ctx, id.OIDC.Issuer)
	if err != nil {
		return chat.CustomerDetails{}, errOIDCUnavailable
	}
	cfg := s.oauthConfig(id.OIDC, pr)
	tok, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(l.Verifier))
	if err != nil {
		return chat.CustomerDetails{}, fmt.Errorf("exchange: %v: %w", err, errOIDCRefused)
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := pr.Verifier(&oidc.Config{ClientID: id.OIDC.ClientID, Now: s.opts.Now}).Verify(ctx, raw)
	if err != nil {
		return chat.CustomerDetails{}, fmt.Errorf("ID token: %v: %w", err, errOIDCRefused)
	}
	if idt.Nonce != l.Nonce {
		return chat.CustomerDetails{}, fmt.Errorf("ID token: wrong nonce: %w", errOIDCRefused)
	}
	claims := map[string]any{}
	if err := idt.Claims(&claims); err != nil {
		return chat.CustomerDetails{}, fmt.Errorf("ID token claims: %v: %w", err, errOIDCRefused)
	}
	if ui, err := pr.UserInfo(ctx, oauth2.StaticTokenSource(tok)); err == nil {
		if ui.Subject != idt.Subject {
			return chat.CustomerDetails{}, fmt.Errorf("userinfo of another subject: %w", errOIDCRefused)
		}
		more := map[string]any{}
		if err := ui.Claims(&more); err == nil {
			for k, v := range more {
				if _, ok := claims[k]; !ok {
					claims[k] = v
				}
			}
		}
	} else {
		s.log.Info("OpenID userinfo", "err", err) // the ID token's claims it is
	}
	details := oidcDetails(id.OIDC, claims, s.opts.Now())
	d, err := s.st.SetCustomerDetails(ctx, l.CustomerID, "oidc:"+idt.Subject, details)
	if err != nil {
		return chat.CustomerDetails{}, err
	}
	cs, err := s.st.Conversations(ctx, store.ConversationFilter{CustomerID: l.CustomerID})
	if err != nil {
		return chat.CustomerDetails{}, err
	}
	for _, c := range cs {
		if err := s.addSubject(ctx, c.ID, d.Subject); err != nil {
			return chat.CustomerDetails{}, err
		}
	}
	s.detailsChanged(ctx, l.CustomerID, d.Subject)
	return d, nil
}

// oidcDetails makes the provider's claims details by o's mapping (the
// standard claims when it maps none); a claim that is neither a string
// nor a number, or that is too long, is left out.
func oidcDetails(o *chat.OIDCProvider, claims map[string]any, now time.Time) []chat.Detail {
	mapping := o.Claims
	if len(mapping) == 0 {
		mapping = chat.DefaultOIDCClaims
	}
	var out []chat.Detail
	for _, m := range mapping {
		var v string
		switch x := claims[m.Claim].(type) {
		case string:
			v = x
		case float64:
			v = strconv.FormatFloat(x, 'f', -1, 64)
		default:
			continue
		}
		if v == "" || utf8.RuneCountInString(v) > chat.MaxDetailLength || chat.CheckText(v, chat.TextName) != nil || strings.ContainsAny(v, "\r\n") {
			continue
		}
		if m.Mask {
			v = chat.Mask(v)
		}
		out = append(out, chat.Detail{Field: m.Field, Label: m.Label, Value: v, Verified: true, Source: chat.SourceOIDC, At: now})
	}
	return out
}
