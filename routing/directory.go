package routing

import (
	"cmp"
	"context"
	"time"

	"skranke/chat"
)

// The directory as routing sees it: users (capacity, deactivation),
// profiles (their queues) and queues (offer timeout, priority). The router
// reads them at every rebuild and at every resync, after the bus may have
// lost announcements; between those it re-reads what a directory_changed
// event names, so an administrator's change takes effect at once on the
// router of whichever node leads, and on the followers too.
//
// What a change does to agents at work:
//   - capacity and profile queues apply to the next offer; chats and
//     offers the agent holds stay theirs;
//   - a deactivated agent is taken out of routing at once (retire): open
//     offers and invitations are declined and it leaves its chats, which go
//     back to the front of their queues. It cannot come back to them, so
//     the router does not wait out the grace period.

// directoryChanged re-reads what an administrator changed.
func (s *state) directoryChanged(ctx context.Context, e chat.Event) {
	d, _ := e.Data.(chat.DirectoryChanged)
	if d.Everything() {
		s.loadDirectory(ctx)
		return
	}
	for _, id := range d.Profiles {
		s.reloadProfile(ctx, id)
	}
	for _, id := range d.Queues {
		s.reloadQueue(ctx, id)
	}
	for _, id := range d.Users {
		s.reloadUser(ctx, id)
	}
}

// loadDirectory re-reads every user, profile and queue.
func (s *state) loadDirectory(ctx context.Context) {
	users, err := s.r.store.Users(ctx)
	if err != nil {
		s.logDirectory(ctx, "users", err)
		return
	}
	for _, u := range users {
		a := s.agent(u.ID)
		a.user = u
		s.retire(ctx, a)
	}
	profiles, err := s.r.store.Profiles(ctx)
	if err != nil {
		s.logDirectory(ctx, "profiles", err)
		return
	}
	clear(s.profiles)
	for _, p := range profiles {
		s.profiles[p.ID] = p
	}
	if err := s.loadQueues(ctx); err != nil {
		s.logDirectory(ctx, "queues", err)
	}
}

// loadQueues reads the queues that have not been removed.
func (s *state) loadQueues(ctx context.Context) error {
	qs, err := s.r.store.Queues(ctx)
	if err != nil {
		return err
	}
	clear(s.queues)
	for _, q := range qs {
		s.queues[q.ID] = q
	}
	return nil
}

func (s *state) reloadQueue(ctx context.Context, id chat.QueueID) {
	q, err := s.r.store.Queue(ctx, id)
	switch {
	case err == nil && q.RemovedAt.IsZero():
		s.queues[id] = q
	case err == nil || chat.ErrorCode(err) == chat.ENotFound:
		delete(s.queues, id)
	default:
		s.logDirectory(ctx, "queue "+string(id), err)
	}
}

func (s *state) reloadProfile(ctx context.Context, id chat.ProfileID) {
	p, err := s.r.store.Profile(ctx, id)
	switch {
	case err == nil:
		s.profiles[id] = p
	case chat.ErrorCode(err) == chat.ENotFound:
		delete(s.profiles, id)
	default:
		s.logDirectory(ctx, "profile "+string(id), err)
	}
}

func (s *state) reloadUser(ctx context.Context, id chat.UserID) {
	u, err := s.r.store.User(ctx, id)
	switch {
	case err == nil:
		a := s.agent(id)
		a.user = u
		s.retire(ctx, a)
	case chat.ErrorCode(err) == chat.ENotFound:
		// Deleted: only a user who never had a part in a chat can be.
		if a := s.agents[id]; a != nil && a.load == 0 {
			s.stopGrace(a)
			delete(s.agents, id)
		}
	default:
		s.logDirectory(ctx, "user "+string(id), err)
	}
}

// retire takes a deactivated agent out of routing at once: offline (its
// offers and invitations declined), and out of its chats.
func (s *state) retire(ctx context.Context, a *agent) {
	if a.user.Active() {
		return
	}
	if a.online {
		clear(a.nodes)
		s.offline(ctx, a)
	}
	s.stopGrace(a)
	s.leaveChats(ctx, a)
}

func (s *state) logDirectory(ctx context.Context, what string, err error) {
	if ctx.Err() == nil {
		s.r.log.Error("routing: read directory", "what", what, "err", err)
	}
}

// offerTimeout is how long an agent has to answer an offer of a chat in
// queue q: the queue's own timeout, or Options.OfferTimeout.
func (s *state) offerTimeout(q chat.QueueID) time.Duration {
	return s.queues[q].OfferTimeout(s.opts.OfferTimeout)
}

// dispatchOrder is the order in which waiting chats get offers: a chat
// that lost its agent first (its own Priority), then chats of queues of a
// higher priority, then routingOrder (the longest waiting first).
func (s *state) dispatchOrder(a, b *conv) int {
	if c := cmp.Compare(b.c.Priority, a.c.Priority); c != 0 {
		return c
	}
	qa, _ := routeQueue(a)
	qb, _ := routeQueue(b)
	if c := cmp.Compare(s.queues[qb].Priority, s.queues[qa].Priority); c != 0 {
		return c
	}
	return routingOrder(a, b)
}
