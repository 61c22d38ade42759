// Package admin is the application layer of administration (R20): every
// change to the organisation's directory — users, queues and their opening
// hours, profiles, the widget settings, API tokens — and the reads of the
// admin pages, whichever transport asks (the REST API of package httpapi,
// the `skranke user` command, the demo's seeding, the first-run set-up).
//
// Each change checks that the actor may make it, runs it in one store
// transaction that checks the record's version and writes the audit entry
// (store/directory.go), and, once committed, makes it take effect at once
// on every node:
//   - a directory_changed event on the bus names what changed; every
//     node's router re-reads it, and every agent desktop reloads its
//     profiles and queues. A node that missed the event re-reads the whole
//     directory at its next resync.
//   - a deactivated user's sockets close on every node (Sessions.Revoke);
//     an agent whose active profile was taken away is paused, and hears it
//     in an agent_status event (reason profile_removed).
//
// Who may: administrators, through their session or an API token of scope
// admin; reads also with a token of scope read or write. Actors with
// auth.Actor.System set are the server itself.
package admin

import (
	"context"
	"log/slog"
	"time"

	"skranke/auth"
	"skranke/bus"
	"skranke/chat"
	"skranke/store"
)

// Sessions closes login sessions' sockets on every node; realtime.Hub is
// one.
type Sessions interface {
	// Revoke closes the sockets of user's login session whose token has
	// hash tokenHash, or of all the user's sessions when tokenHash is "".
	Revoke(ctx context.Context, user chat.UserID, tokenHash string)
}

// Options configure a Service. Store and Bus are required; zero values of
// the others are the documented defaults.
type Options struct {
	Store store.Store
	Bus   bus.Bus
	// Sessions closes the sockets of users logged out by a change; nil
	// when there are none to close (the command line).
	Sessions   Sessions
	BcryptCost int // auth.DefaultBcryptCost
	// Audience is what customers' identity tokens must name in aud unless
	// the administrator sets another: this server's public URL.
	Audience string
	Logger   *slog.Logger // slog.Default()
	Now      func() time.Time
}

// Service carries out administration. It is safe for concurrent use.
type Service struct {
	opts Options // immutable after New
	st   store.Store
	log  *slog.Logger
}

// New returns a Service.
func New(opts Options) *Service {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Service{opts: opts, st: opts.Store, log: opts.Logger}
}

// AuditFilter selects audit entries (store.AuditFilter, for the transports,
// which may not import store).
type AuditFilter = store.AuditFilter

// MaxAuditPage is the most audit entries one read returns.
const MaxAuditPage = store.MaxAuditPage

var (
	errLogIn    = chat.E(chat.EUnauthenticated, "login_required", "Please log in.")
	errNotAdmin = chat.E(chat.EForbidden, "admin_required", "This needs the admin role.")
	errScope    = chat.E(chat.EForbidden, "token_read_only", "This API token may only read; a change needs a token of scope admin.")
)

// reader checks that the actor may read the administration's records.
func reader(a auth.Actor) error {
	switch {
	case a.System != "":
		return nil
	case a.User == nil:
		if a.Customer != nil {
			return errNotAdmin
		}
		return errLogIn
	case a.User.Role != chat.RoleAdmin:
		return errNotAdmin
	}
	return nil
}

// changer checks that the actor may change the directory and returns who
// they are in the audit log.
func changer(a auth.Actor) (chat.AuditActor, error) {
	if err := reader(a); err != nil {
		return chat.AuditActor{}, err
	}
	if a.System != "" {
		return chat.AuditActor{Name: a.System}, nil
	}
	by := chat.AuditActor{UserID: a.User.ID, Name: a.User.DisplayName}
	if a.Token != nil {
		if a.Token.Scope != chat.ScopeAdmin {
			return chat.AuditActor{}, errScope
		}
		by.TokenID = a.Token.ID
	}
	return by, nil
}

// announce tells every node what changed. A lost announcement delays the
// change on the nodes that missed it until their next resync.
func (s *Service) announce(ctx context.Context, d chat.DirectoryChanged) {
	s.publish(ctx, chat.Event{Kind: chat.KindDirectoryChanged, Time: s.opts.Now(), Visibility: chat.VisibleAgents,
		Author: chat.System, Data: d})
}

// paused tells the router and the agent's desktops that an administrator's
// change paused the agent without a profile.
func (s *Service) paused(ctx context.Context, u chat.User) {
	s.publish(ctx, chat.Event{Kind: chat.KindAgentStatus, Time: s.opts.Now(), Visibility: chat.VisibleAgents, Author: chat.System,
		Data: chat.AgentStatusChange{AgentRef: chat.AgentRef{AgentID: u.ID, AgentName: u.DisplayName},
			Status: chat.StatusPaused, Reason: chat.ReasonProfileRemoved}})
}

func (s *Service) publish(ctx context.Context, e chat.Event) {
	if err := s.opts.Bus.Publish(context.WithoutCancel(ctx), e); err != nil {
		s.log.Warn("publish event", "kind", e.Kind, "err", err)
	}
}

// revoke closes the sockets of the sessions a change ended.
func (s *Service) revoke(ctx context.Context, id chat.UserID, tokenHashes ...string) {
	if s.opts.Sessions == nil {
		return
	}
	for _, h := range tokenHashes {
		s.opts.Sessions.Revoke(ctx, id, h)
	}
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}
