package realtime

import (
	"skranke/chat"
	"skranke/ratelimit"
)

// Customer sockets are limited per customer (one customer is one token):
// a hello beyond Options.CustomerSockets open sockets is refused with
// too_many_requests and close status 1013 (try again later), so a widget
// in one more tab reconnects, with its backoff, once another tab closes.
// Agent sockets are limited per login session at the upgrade, by httpapi,
// which knows the session.

// takeCustomerSlot takes one of the customer's socket slots for s, held
// until cleanup.
func (s *session) takeCustomerSlot(id chat.CustomerID) error {
	lim := s.hub.opts.CustomerSockets
	release, ok := lim.Take(string(id))
	if !ok {
		return ratelimit.Exceeded(0, chat.E(chat.ETooManyRequests, "too_many_windows", "This chat is open in too many windows (at most {max}); close one of them.", "max", lim.Max()))
	}
	s.release = release
	return nil
}

// releaseCustomerSlot gives back the slot takeCustomerSlot took, if any.
func (s *session) releaseCustomerSlot() {
	if s.release != nil {
		s.release()
	}
}
