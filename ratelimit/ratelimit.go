// Package ratelimit limits what callers may do by a key of their own (a
// client address, a user name, a customer, a login session):
//
//   - Keyed: how often, as a token bucket per key (golang.org/x/time/rate);
//   - Backoff: how soon again after failures in a row, doubling the wait;
//   - Slots: how many at once (open WebSockets).
//
// Every limiter is safe for concurrent use, and a nil one allows
// everything, so a limit that is switched off needs no special case. Keys
// that have gone quiet are forgotten as calls come in, without a goroutine,
// so memory follows the keys active in the last minutes. Limits are per
// process: behind a load balancer each node limits on its own, so a client
// spread over n nodes gets up to n times a limit.
//
// A caller over a limit gets Exceeded's error: code too_many_requests
// (chat.ETooManyRequests), a message for people and, through RetryAfter,
// how long to wait (HTTP sends it as Retry-After).
package ratelimit

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"skranke/chat"
)

// Rate is a limit of Events per Per, in bursts of up to Events: 30/1m lets a
// key do 30 at once and then one every 2 s. The zero Rate is no limit.
// Rate is a flag.Value, written "30/1m" (or "30/m", "5/s", "100/h"), with
// "off" (or "0") for no limit.
type Rate struct {
	Events int
	Per    time.Duration
}

// Unlimited reports whether r limits nothing.
func (r Rate) Unlimited() bool { return r.Events <= 0 || r.Per <= 0 }

// String returns r as ParseRate reads it.
func (r Rate) String() string {
	if r.Unlimited() {
		return "off"
	}
	per := r.Per.String()
	switch {
	case r.Per%time.Hour == 0:
		per = strconv.FormatInt(int64(r.Per/time.Hour), 10) + "h"
	case r.Per%time.Minute == 0:
		per = strconv.FormatInt(int64(r.Per/time.Minute), 10) + "m"
	}
	return fmt.Sprintf("%d/%s", r.Events, per)
}

// Set sets r from s, for package flag.
func (r *Rate) Set(s string) error {
	v, err := ParseRate(s)
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// ParseRate reads a Rate: "N/DURATION" with a Go duration ("30/1m",
// "5/10s"; a bare unit means one of it: "30/m"), or "off" or "0" for no
// limit.
func ParseRate(s string) (Rate, error) {
	s = strings.TrimSpace(s)
	if s == "off" || s == "0" {
		return Rate{}, nil
	}
	n, per, ok := strings.Cut(s, "/")
	events, err := strconv.Atoi(n)
	if !ok || err != nil || events < 1 {
		return Rate{}, fmt.Errorf("rate %q: want N/DURATION such as 30/1m, or off", s)
	}
	if per != "" && (per[0] < '0' || per[0] > '9') {
		per = "1" + per
	}
	d, err := time.ParseDuration(per)
	if err != nil || d <= 0 {
		return Rate{}, fmt.Errorf("rate %q: want N/DURATION such as 30/1m, or off", s)
	}
	return Rate{Events: events, Per: d}, nil
}

// Error is the error of a caller over a limit. It wraps a *chat.Error with
// code too_many_requests, so chat.ErrorCode and chat.ErrorMessage see that.
type Error struct {
	// RetryAfter is how long the caller should wait before trying again;
	// zero when it depends on the caller (closing a socket).
	RetryAfter time.Duration
	err        *chat.Error
}

func (e *Error) Error() string { return e.err.Error() }

// Unwrap returns the *chat.Error.
func (e *Error) Unwrap() error { return e.err }

// Exceeded returns the error for a caller over a limit: err, which says
// why in words (code too_many_requests), with retryAfter.
func Exceeded(retryAfter time.Duration, err *chat.Error) error {
	return &Error{RetryAfter: retryAfter, err: err}
}

// RetryAfter returns the wait that an *Error in err's chain carries, or 0.
func RetryAfter(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}

// AddrKey is the key of a client address: the address itself for IPv4, its
// /64 network for IPv6, since one subscriber usually holds a whole /64 and
// could otherwise step around any limit. The zero Addr (an address that
// could not be read) has the key "".
func AddrKey(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	a = a.Unmap()
	if a.Is4() {
		return a.String()
	}
	p, _ := a.Prefix(64)
	return p.String()
}

// sweepEvery is how often a limiter forgets its quiet keys, at most.
const sweepEvery = time.Minute
