package auth

import (
	"math"
	"strings"
	"time"

	"skranke/chat"
	"skranke/ratelimit"
)

// Password guessing is slowed per user name here, whichever address it
// comes from: after Options.LoginBackoff's free failures in a row, a name
// must wait before its next attempt (1 s, doubling), and an attempt that
// comes too early is refused before any hash is computed, so it costs
// neither the server's CPU nor tells anything about the password. A
// successful login clears the name's failures. Unknown names are throttled
// like known ones, so throttling does not tell which names exist. The
// HTTP layer adds a limit per client address.

// loginKey is the throttling key of a user name: case and surrounding
// space do not make another name to guess under.
func loginKey(username string) string {
	return strings.ToLower(strings.TrimSpace(username))
}

// checkLogin refuses a login for username while it must wait.
func (s *Service) checkLogin(username string) error {
	ok, wait := s.opts.LoginBackoff.Check(loginKey(username))
	if ok {
		return nil
	}
	return TooManyLogins(wait)
}

// TooManyLogins is the error of a login refused for wait: code
// too_many_requests, with a message saying how long to wait.
func TooManyLogins(wait time.Duration) error {
	secs := int(math.Ceil(wait.Seconds()))
	return ratelimit.Exceeded(wait, chat.E(chat.ETooManyRequests, "logins_throttled", "Too many failed logins; wait {seconds} s and try again.", "seconds", secs))
}

func (s *Service) loginFailed(username string) { s.opts.LoginBackoff.Fail(loginKey(username)) }

func (s *Service) loginSucceeded(username string) { s.opts.LoginBackoff.Reset(loginKey(username)) }
