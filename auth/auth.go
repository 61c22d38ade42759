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
}

// Service logs users in and out and identifies customers.
type Service struct {
	store store.Store
	opts  Options
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
	h, _ := bcrypt.GenerateFromPassword([]byte("skranke-dummy"), opts.BcryptCost)
	return &Service{store: st, opts: opts, dummyHash: h}
}

var errBadLogin = chat.E(chat.EUnauthenticated, "login_incorrect", "Wrong username or password.")

// Login checks a username and password and starts a session. It returns the
// session token for the cookie.
//
// After repeated wrong passwords for a user name, Login refuses that name
// for a while with code too_many_requests (see throttle.go), before any
// password is hashed.
func (s *Service) Login(ctx context.Context, username, password string) (string, chat.User, error) {
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
	if chat.ErrorCode(err) == chat.ENotFound {
		return Actor{}, errNoSession
	} else if err != nil {
		return Actor{}, fmt.Errorf("session: %w", err)
	}
	return Actor{User: &u, Session: &sess}, nil
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
// logged in has the Session they asked with.
type Actor struct {
	User     *chat.User
	Session  *chat.Session
	Customer *chat.Customer
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
