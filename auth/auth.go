// Package auth authenticates the people who use Skranke: agents and
// administrators by password and session cookie, customers by a token the
// server issues. Only SHA-256 hashes of tokens and bcrypt hashes of
// passwords are stored.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"skranke/chat"
	"skranke/ratelimit"
	"skranke/store"
)

// DefaultBcryptCost is slow enough for passwords (≈75 ms on the development
// machines) without making logins sluggish.
const DefaultBcryptCost = 10

// DefaultSessionTTL is how long a login lasts.
const DefaultSessionTTL = 12 * time.Hour

// DefaultCustomerIdle is how long a customer token may go unused before it
// expires: a visitor who comes back later starts afresh.
const DefaultCustomerIdle = 30 * 24 * time.Hour

// HashPassword returns a bcrypt hash of password at the given cost
// (0 means DefaultBcryptCost).
func HashPassword(password string, cost int) (string, error) {
	if cost == 0 {
		cost = DefaultBcryptCost
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), cost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// NewToken returns a new unguessable token (256 bits, URL-safe base64) and
// the hash under which it is stored.
func NewToken() (token, hash string) {
	var b [32]byte
	rand.Read(b[:])
	token = base64.RawURLEncoding.EncodeToString(b[:])
	return token, HashToken(token)
}

// HashToken returns the hex SHA-256 of a token, the form in which tokens are
// stored and looked up.
func HashToken(token string) string {
	s := sha256.Sum256([]byte(token))
	return hex.EncodeToString(s[:])
}

// Options configure a Service. Zero values are the documented defaults.
type Options struct {
	SessionTTL time.Duration // DefaultSessionTTL
	// CustomerIdle is how long a customer token may go unused before it
	// expires; DefaultCustomerIdle.
	CustomerIdle time.Duration
	BcryptCost   int // DefaultBcryptCost; tests use bcrypt.MinCost
	Now          func() time.Time
	// LoginBackoff slows down password guessing per user name (throttle.go);
	// nil: no limit.
	LoginBackoff *ratelimit.Backoff
	// BaseURL is the server's public URL, for the identity provider's
	// callback (SSOCallbackPath).
	BaseURL string
	// TokenNow is the clock ID tokens from the identity provider are
	// verified by: the application layers' (tests move it), Now when nil.
	// Sessions keep Now.
	TokenNow func() time.Time
}

// Service logs users in and out and identifies customers.
type Service struct {
	store store.Store
	opts  Options
	sso   OIDCProviders
	// dummyHash is compared against when a username is unknown, so that a
	// login takes as long whether or not the user exists.
	dummyHash []byte
}

// NewService returns a Service over st.
func NewService(st store.Store, opts Options) *Service {
	if opts.SessionTTL == 0 {
		opts.SessionTTL = DefaultSessionTTL
	}
	if opts.CustomerIdle == 0 {
		opts.CustomerIdle = DefaultCustomerIdle
	}
	if opts.BcryptCost == 0 {
		opts.BcryptCost = DefaultBcryptCost
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.TokenNow == nil {
		opts.TokenNow = opts.Now
	}
	h, _ := bcrypt.GenerateFromPassword([]byte("skranke-dummy"), opts.BcryptCost)
	return &Service{store: st, opts: opts, dummyHash: h}
}

var errBadLogin = chat.E(chat.EUnauthenticated, "login_incorrect", "Wrong username or password.")

var errDeactivated = chat.E(chat.EForbidden, "account_deactivated", "This account has been deactivated; ask an administrator.")

// Login checks a username (in any case: usernames are lower-case) and
// password and starts a session. It returns the session token for the
// cookie. A deactivated user with the right password is told so.
//
// After repeated wrong passwords for a user name, Login refuses that name
// for a while with code too_many_requests (see throttle.go), before any
// password is hashed. The name is counted in lower case, as it is looked up.
func (s *Service) Login(ctx context.Context, username, password string) (string, chat.User, error) {
	username = strings.ToLower(username)
	if err := s.checkLogin(username); err != nil {
		return "", chat.User{}, err
	}
	if chat.CheckText(username, chat.TextName) != nil || len(username) > 200 {
		bcrypt.CompareHashAndPassword(s.dummyHash, []byte(password))
		return "", chat.User{}, errBadLogin // no such user, whatever the store would say
	}
	u, err := s.store.UserByUsername(ctx, username)
	if chat.ErrorCode(err) == chat.ENotFound {
		bcrypt.CompareHashAndPassword(s.dummyHash, []byte(password))
		s.loginFailed(username)
		return "", chat.User{}, errBadLogin
	} else if err != nil {
		return "", chat.User{}, fmt.Errorf("login: %w", err)
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil {
		s.loginFailed(username)
		return "", chat.User{}, errBadLogin
	}
	s.loginSucceeded(username)
	if sso, err := store.SSOSettings(ctx, s.store); err != nil {
		return "", chat.User{}, fmt.Errorf("login: %w", err)
	} else if sso.PasswordLoginOff && u.Username != sso.BreakGlass {
		return "", chat.User{}, errPasswordOff
	}
	if !u.Active() {
		return "", chat.User{}, errDeactivated
	}
	token, hash := NewToken()
	now := s.opts.Now()
	err = s.store.CreateSession(ctx, chat.Session{TokenHash: hash, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(s.opts.SessionTTL)})
	if err != nil {
		return "", chat.User{}, fmt.Errorf("login: %w", err)
	}
	return token, u, nil
}

// Logout ends the session of token. An unknown token is not an error.
func (s *Service) Logout(ctx context.Context, token string) error {
	if err := s.store.DeleteSession(ctx, HashToken(token)); err != nil && chat.ErrorCode(err) != chat.ENotFound {
		return fmt.Errorf("logout: %w", err)
	}
	return nil
}

var errNoSession = chat.E(chat.EUnauthenticated, "login_required", "Please log in.")

// User returns the user of a session token.
func (s *Service) User(ctx context.Context, token string) (chat.User, error) {
	a, err := s.Session(ctx, token)
	if err != nil {
		return chat.User{}, err
	}
	return *a.User, nil
}

// Session returns the actor of a session token: the user and the session,
// which has not expired.
func (s *Service) Session(ctx context.Context, token string) (Actor, error) {
	if token == "" {
		return Actor{}, errNoSession
	}
	sess, err := s.store.Session(ctx, HashToken(token))
	if chat.ErrorCode(err) == chat.ENotFound {
		return Actor{}, errNoSession
	} else if err != nil {
		return Actor{}, fmt.Errorf("session: %w", err)
	}
	u, err := s.store.User(ctx, sess.UserID)
	if chat.ErrorCode(err) == chat.ENotFound || (err == nil && !u.Active()) {
		return Actor{}, errNoSession
	} else if err != nil {
		return Actor{}, fmt.Errorf("session: %w", err)
	}
	return Actor{User: &u, Session: &sess}, nil
}

// NewAPIToken returns a new API token (chat.APITokenPrefix and 256 random
// bits), the hash under which it is stored, and the prefix by which people
// recognise it.
func NewAPIToken() (token, hash, prefix string) {
	var b [32]byte
	rand.Read(b[:])
	token = chat.APITokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	return token, HashToken(token), token[:len(chat.APITokenPrefix)+8]
}

// IsAPIToken reports whether a bearer token is an API token rather than a
// customer's.
func IsAPIToken(token string) bool { return strings.HasPrefix(token, chat.APITokenPrefix) }

var (
	errBadAPIToken     = chat.E(chat.EUnauthenticated, "api_token_invalid", "Unknown API token.")
	errRevokedAPIToken = chat.E(chat.EUnauthenticated, "api_token_revoked", "This API token has been revoked.")
	errAPITokenOwner   = chat.E(chat.EUnauthenticated, "api_token_owner_deactivated", "The owner of this API token has been deactivated.")
)

// APIToken returns the actor of an API token: its owner, with the token
// (whose scope the caller checks against the request). A revoked token,
// or one whose owner is deactivated, is unauthenticated. Its use is
// recorded (at most once a minute).
func (s *Service) APIToken(ctx context.Context, token string) (Actor, error) {
	if !IsAPIToken(token) {
		return Actor{}, errBadAPIToken
	}
	t, err := s.store.APITokenByHash(ctx, HashToken(token))
	switch {
	case chat.ErrorCode(err) == chat.ENotFound:
		return Actor{}, errBadAPIToken
	case err != nil:
		return Actor{}, fmt.Errorf("API token: %w", err)
	case !t.RevokedAt.IsZero():
		return Actor{}, errRevokedAPIToken
	}
	u, err := s.store.User(ctx, t.UserID)
	switch {
	case chat.ErrorCode(err) == chat.ENotFound || (err == nil && !u.Active()):
		return Actor{}, errAPITokenOwner
	case err != nil:
		return Actor{}, fmt.Errorf("API token: %w", err)
	}
	// The last use is recorded at most once a minute, and only written when
	// due, so that a busy integration costs the database no write per
	// request. A failure to record it does not fail the request.
	if s.opts.Now().Sub(t.LastUsedAt) >= time.Minute {
		s.store.TouchAPIToken(ctx, t.ID)
	}
	return Actor{User: &u, Token: &t}, nil
}

// NewCustomer creates a customer and returns its token.
func (s *Service) NewCustomer(ctx context.Context) (string, chat.Customer, error) {
	token, hash := NewToken()
	c, err := s.store.CreateCustomer(ctx, chat.Customer{ID: chat.CustomerID(chat.NewID()), TokenHash: hash})
	if err != nil {
		return "", chat.Customer{}, fmt.Errorf("new customer: %w", err)
	}
	return token, c, nil
}

var errBadCustomer = chat.E(chat.EUnauthenticated, "customer_token_unknown", "Unknown customer token; start a new chat.")

// Customer returns the customer holding token. A token unused for longer
// than CustomerIdle has expired (unauthenticated, as an unknown one); each
// use moves its expiry on, noting the use at most once an hour.
func (s *Service) Customer(ctx context.Context, token string) (chat.Customer, error) {
	if token == "" {
		return chat.Customer{}, errBadCustomer
	}
	c, err := s.store.CustomerByTokenHash(ctx, HashToken(token))
	if chat.ErrorCode(err) == chat.ENotFound {
		return chat.Customer{}, errBadCustomer
	} else if err != nil {
		return chat.Customer{}, fmt.Errorf("customer: %w", err)
	}
	idle := s.opts.Now().Sub(c.LastSeenAt)
	if idle > s.opts.CustomerIdle {
		return chat.Customer{}, errBadCustomer
	}
	if idle > min(time.Hour, s.opts.CustomerIdle/24) {
		if err := s.store.TouchCustomer(ctx, c.ID); err != nil {
			return chat.Customer{}, fmt.Errorf("customer: %w", err)
		}
	}
	return c, nil
}

// Actor is who is asking: a user or a customer, never both. A user who
// logged in has the Session they asked with; one who asked with an API
// token has the Token, whose scope narrows what they may do. System, set
// only by the server itself, is a change that no user made: at the
// server's command line, the first-run set-up or the demo's seeding; it
// names which, for the audit log.
type Actor struct {
	User     *chat.User
	Session  *chat.Session
	Token    *chat.APIToken
	Customer *chat.Customer
	System   string
}

type actorKey struct{}

// NewContext returns ctx carrying actor a.
func NewContext(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// FromContext returns the actor of ctx, if any.
func FromContext(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok
}
