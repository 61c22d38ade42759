package conversation

import (
	"context"

	"skranke/auth"
	"skranke/chat"
)

// Supervision (R19): the live board of queues, agents and chats that
// supervisors and administrators watch, and what they do from it.

// Supervision is what the supervisor's view needs of routing; the router
// answers it on every node, leading or not.
type Supervision interface {
	// Board returns the routing state now.
	Board(ctx context.Context) (chat.Board, error)
	// Watch returns a channel that receives a value whenever routing
	// state may have changed (at most one waits), and a func that stops
	// the watch.
	Watch() (<-chan struct{}, func())
}

// supervisor returns the actor's user if a supervisor or an administrator,
// and forbidden otherwise.
func supervisor(a auth.Actor) (*chat.User, error) {
	if a.User == nil {
		return nil, chat.E(chat.EUnauthenticated, "login_required", "Please log in.")
	}
	if !supervises(a.User) {
		return nil, chat.E(chat.EForbidden, "supervisors_only", "Only supervisors and administrators can do this.")
	}
	return a.User, nil
}

var errNoSupervision = chat.E(chat.EUnavailable, "supervision_unavailable", "The supervisor's view is not available.")

// Board returns the live board, for a supervisor or an administrator.
func (s *Service) Board(ctx context.Context, a auth.Actor) (chat.Board, error) {
	if _, err := supervisor(a); err != nil {
		return chat.Board{}, err
	}
	if s.opts.Supervision == nil {
		return chat.Board{}, errNoSupervision
	}
	return s.opts.Supervision.Board(ctx)
}

// WatchBoard returns, for a supervisor or an administrator, a channel that
// receives a value whenever the board may have changed, and a func that
// stops the watch.
func (s *Service) WatchBoard(a auth.Actor) (<-chan struct{}, func(), error) {
	if _, err := supervisor(a); err != nil {
		return nil, nil, err
	}
	if s.opts.Supervision == nil {
		return nil, nil, errNoSupervision
	}
	ch, stop := s.opts.Supervision.Watch()
	return ch, stop, nil
}
