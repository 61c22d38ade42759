package httpapi

import (
	"math"
	"net/http"
	"strconv"
	"time"

	"skranke/auth"
	"skranke/chat"
	"skranke/ratelimit"
)

// Limits are the limits of the HTTP layer, each keyed by who is asking
// (docs/protocol.md, "Limits"). A nil limiter limits nothing. The limits of
// logins per user name (auth.Options.LoginBackoff) and of sockets per
// customer (realtime.Options.CustomerSockets) live where the name and the
// customer are known.
type Limits struct {
	// LoginAddress limits failed logins per client address: a login is
	// refused while the address has no token, and a failed one takes one.
	LoginAddress *ratelimit.Keyed
	// Customers limits new customers (POST /api/v1/widget/customers) per
	// client address.
	Customers *ratelimit.Keyed
	// Conversations limits chat starts (POST /api/v1/widget/conversations)
	// per client address.
	Conversations *ratelimit.Keyed
	// SSOStarts limits sign-ins started at the identity provider
	// (GET /sso/start) per client address.
	SSOStarts *ratelimit.Keyed
	// AgentSockets limits the open /ws/agent sockets of one login session;
	// one more is refused at the upgrade.
	AgentSockets *ratelimit.Slots
}

// limitLogins refuses a login from an address that has failed too often
// (Limits.LoginAddress), and charges the address for each failed one.
func (s *Server) limitLogins(fn func(w http.ResponseWriter, r *http.Request) error) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		key := ratelimit.AddrKey(s.clientAddr(r))
		if ok, wait := s.opts.Limits.LoginAddress.Check(key); !ok {
			return auth.TooManyLogins(wait)
		}
		err := fn(w, r)
		if chat.ErrorCode(err) == chat.EUnauthenticated {
			s.opts.Limits.LoginAddress.Charge(key)
		}
		return err
	}
}

// limitByAddress refuses fn to a client address over lim with the error
// refuse makes of the wait in whole seconds.
func (s *Server) limitByAddress(lim *ratelimit.Keyed, refuse func(wait time.Duration, secs int) error, fn func(w http.ResponseWriter, r *http.Request) error) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if ok, wait := lim.Allow(ratelimit.AddrKey(s.clientAddr(r))); !ok {
			return refuse(wait, waitSeconds(wait))
		}
		return fn(w, r)
	}
}

// The refusals of limitByAddress.
func tooManyCustomers(wait time.Duration, secs int) error {
	return ratelimit.Exceeded(wait, chat.E(chat.ETooManyRequests, "too_many_new_chats", "Too many new chats from your network; wait {seconds} s and try again.", "seconds", secs))
}

func tooManyStarts(wait time.Duration, secs int) error {
	return ratelimit.Exceeded(wait, chat.E(chat.ETooManyRequests, "too_many_chat_starts", "Too many chat starts from your network; wait {seconds} s and try again.", "seconds", secs))
}

func tooManySSOStarts(wait time.Duration, secs int) error {
	return ratelimit.Exceeded(wait, chat.E(chat.ETooManyRequests, "too_many_sso_starts", "Too many sign-ins from your network; wait {seconds} s and try again.", "seconds", secs))
}

// limitAgentSockets refuses an agent WebSocket upgrade when the login
// session already has Limits.AgentSockets open, and otherwise hands serve
// the slot it took, which the socket holds until it has closed (serve
// returns after the upgrade and calls release then; realtime.Hub). A serve
// that panics has handed nothing off: the slot is given back before the
// panic goes on to net/http, so a bug cannot use up a login's sockets.
func (s *Server) limitAgentSockets(serve func(w http.ResponseWriter, r *http.Request, release func())) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		var token string
		if c, err := r.Cookie(sessionCookie); err == nil {
			token = c.Value
		}
		release, ok := s.opts.Limits.AgentSockets.Take(auth.HashToken(token))
		if !ok {
			return ratelimit.Exceeded(0, chat.E(chat.ETooManyRequests, "too_many_agent_sockets", "This login has {max} connections open already; close a tab or window of the agent desktop.", "max", s.opts.Limits.AgentSockets.Max()))
		}
		defer func() {
			if p := recover(); p != nil {
				release() // a second call, after the session's own, does nothing
				panic(p)
			}
		}()
		serve(w, r, release)
		return nil
	})
}

// setRetryAfter sets Retry-After, in whole seconds rounded up, when err
// carries a wait.
func setRetryAfter(w http.ResponseWriter, err error) {
	if d := ratelimit.RetryAfter(err); d > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(waitSeconds(d)))
	}
}

// waitSeconds is d in whole seconds, rounded up, at least 1.
func waitSeconds(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
