package routing

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"skranke/chat"
	"skranke/store"
)

// state is everything the router knows. It is owned by Run's goroutine:
// nothing else reads or writes it. Timers only post messages.
type state struct {
	r    *Router
	opts Options

	agents   map[chat.UserID]*agent
	profiles map[chat.ProfileID]chat.Profile
	queues   map[chat.QueueID]chat.Queue   // those not removed (directory.go)
	convs    map[chat.ConversationID]*conv // waiting and active chats only
	// waitingConvs and inviting are the chats of convs that wait, and the
	// active ones with an invitation pending. setConv keeps them, so that
	// each turn of the loop reads those few, not every chat in progress.
	waitingConvs map[chat.ConversationID]*conv
	inviting     map[chat.ConversationID]*conv
	// eligible is plan's scratch: each queue's agents who may get an offer.
	eligible map[chat.QueueID][]*agent

	retry   *time.Timer // posts retryDue at retryAt
	retryAt time.Time
	flush   *time.Timer // posts statusFlush; nil when none is pending
	dirty   bool        // queue_status may have changed since the last flush

	fresh      []chat.ConversationID // new waiting chats, to announce at once
	rebuilding bool

	lease   Lease       // this term's leadership; nil for a single node
	leading bool        // false: follow the state without acting (not the leader)
	sweep   *time.Timer // posts presenceSweep; nil without PresenceTimeout

	repairTimer *time.Timer // posts repairDue after a failed action; nil when none is pending
	periodic    *time.Timer // posts periodicRepair every RepairInterval
	discover    *time.Timer // posts discoverDue every DiscoverInterval, for several nodes

	cust *customers // customer presence (customers.go)
	est  *estimator // recent answers, for expected waits (estimate.go)
}

// agent is an agent as routing sees it.
type agent struct {
	id        chat.UserID
	user      chat.User            // zero but for ID until loaded
	online    bool                 // connected to some node: len(nodes) > 0
	offlineAt time.Time            // when it was last seen going offline (or the rebuild, for one not seen)
	nodes     map[string]time.Time // the nodes it is connected to, and when each last said so
	status    chat.AgentStatus
	profile   chat.ProfileID
	load      int // chats it is in plus open offers to it
	// holds are the chats whose load it counts (holders): len(holds) ==
	// load. Kept by setConv, so that what is the agent's is found without
	// reading every chat.
	holds     map[chat.ConversationID]struct{}
	idleSince time.Time // its last offer or last freed chat
	misses    int       // offers in a row that expired
	// statusSince is when status or online last changed (setStatus,
	// setOnline): the agent's time in status on the supervisor's board.
	statusSince time.Time

	grace    *time.Timer // running while offline with chats
	graceGen int         // numbers grace periods, so a stale expiry is ignored

	// Scratch for plan: load and idleSince with the planned offers.
	pload int
	pidle time.Time
}

// capacity is how many chats and offers the agent may hold. A capacity
// below 1 (unset) counts as 1: an agent who is ready wants chats.
func (a *agent) capacity() int { return max(a.user.Capacity, 1) }

// conv is a waiting or active chat.
type conv struct {
	c           chat.Conversation
	expiry      *time.Timer               // for c.Offer
	invExpiry   *time.Timer               // for c.Invitation's offer
	declinedAt  map[chat.UserID]time.Time // when each agent in c.Declined declined, if seen
	orphanSince time.Time                 // when it last became active without agents
	published   bool                      // a queue_status was published since it last waited
	pubPos      int                       // its last published position
	pubOnline   int                       // and agentsOnline
	pubWait     int                       // and expected wait in seconds, -1 for none
}

func newState(r *Router) *state {
	return &state{
		r:        r,
		opts:     r.opts,
		agents:   make(map[chat.UserID]*agent),
		profiles: make(map[chat.ProfileID]chat.Profile),
		queues:   make(map[chat.QueueID]chat.Queue),
		convs:    make(map[chat.ConversationID]*conv),

		waitingConvs: make(map[chat.ConversationID]*conv),
		inviting:     make(map[chat.ConversationID]*conv),
		eligible:     make(map[chat.QueueID][]*agent),

		cust: newCustomers(),
		est:  newEstimator(),
	}
}

// agent returns the agent with id, adding an unknown one as offline and
// paused.
func (s *state) agent(id chat.UserID) *agent {
	a := s.agents[id]
	if a == nil {
		a = &agent{id: id, user: chat.User{ID: id}, status: chat.StatusPaused, offlineAt: time.Now()}
		s.agents[id] = a
	}
	return a
}

// rebuild loads routing state from the store: users, their states, profiles
// and every chat that has not ended. Nobody is online until presence says so.
func (s *state) rebuild(ctx context.Context) error {
	s.rebuilding = true
	defer func() { s.rebuilding = false }()
	users, err := s.r.store.Users(ctx)
	if err != nil {
		return err
	}
	for _, u := range users {
		s.agent(u.ID).user = u
	}
	states, err := s.r.store.AgentStates(ctx)
	if err != nil {
		return err
	}
	for _, st := range states {
		a := s.agent(st.UserID)
		a.status, a.profile, a.statusSince = st.Status, st.ProfileID, st.UpdatedAt
	}
	profiles, err := s.r.store.Profiles(ctx)
	if err != nil {
		return err
	}
	for _, p := range profiles {
		s.profiles[p.ID] = p
	}
	if err := s.loadQueues(ctx); err != nil {
		return err
	}
	convs, err := s.r.store.Conversations(ctx, store.ConversationFilter{
		Statuses: []chat.ConversationStatus{chat.StatusWaiting, chat.StatusActive},
	})
	if err != nil {
		return err
	}
	for _, c := range convs {
		s.setConv(c)
	}
	// Agents who had chats start their grace period now: those who do not
	// come back leave them.
	for _, cv := range s.sortedConvs() {
		for _, id := range cv.c.Agents {
			if a := s.agent(id); a.grace == nil {
				s.startGrace(a)
			}
		}
		s.requeueOrphan(ctx, cv.c.ID, chat.ReasonDisconnected)
	}
	s.markDirty()
	s.armPeriodicRepair()
	s.armDiscover()
	s.requestPresence("") // nobody's customer is present until the nodes say so
	s.r.log.Info("routing state rebuilt", "users", len(users), "conversations", len(convs))
	return nil
}

// handle handles one message of the inbox.
//
// It reports whether the message may have changed what can be offered or
// the queues' numbers; the loop then dispatches once for all the messages
// it took together (see settle), not once per message.
func (s *state) handle(ctx context.Context, m any) bool {
	switch m := m.(type) {
	case busEvent:
		if s.heartbeat(m.e) || s.nodeAlive(ctx, m.e) {
			return false
		}
		s.onEvent(ctx, m.e)
	case offerExpired:
		s.expire(ctx, m)
	case graceExpired:
		s.graceOver(ctx, m)
	case retryDue:
		s.retry, s.retryAt = nil, time.Time{}
	case repairDue:
		s.repairTimer = nil
		s.repair(ctx)
	case discoverDue:
		found := s.discoverWaiting(ctx)
		s.armDiscover()
		return found
	case periodicRepair:
		s.repair(ctx)
		if v := s.violations(2 * s.opts.RepairInterval); len(v) > 0 {
			s.r.log.Error("routing: invariants broken for longer than a repair takes", "violations", v)
		}
		s.armPeriodicRepair()
	case violationsRequest:
		m.reply <- s.violations(2 * s.opts.RepairInterval) // buffered: never blocks
		return false
	case presenceSweep:
		s.sweepPresence(ctx)
	case invitationExpired:
		s.expireInvitation(ctx, m)
	case transferDue: // dispatch gives up what is due
	case agentsRequest:
		m.reply <- s.agentStats() // buffered: never blocks
		return false
	case invitableRequest:
		m.reply <- s.invitable(m.id)
		return false
	case pickRequest:
		var id chat.UserID
		if a := s.pick(m.queue, m.exclude); a != nil {
			id = a.id
		}
		m.reply <- id
		return false
	case statusFlush:
		s.flush = nil
		s.flushStatus(ctx)
		return false
	case queuesRequest:
		m.reply <- s.queueStats() // buffered: never blocks
		return false
	case boardRequest:
		m.reply <- s.board(time.Now()) // buffered: never blocks
		return false
	default:
		s.handleCustomer(ctx, m)
	}
	return true
}

// settle offers what can be offered after the messages just handled and
// schedules the queue status they may have changed.
func (s *state) settle(ctx context.Context) {
	s.dispatch(ctx)
	s.markDirty()
	s.publishFresh(ctx)
}

// heartbeat takes a node's repeated word that an agent who is online is
// still connected to it, and reports whether e was such a repetition:
// nothing else changes, so there is nothing to dispatch. Nodes send one
// per agent every few seconds.
func (s *state) heartbeat(e chat.Event) bool {
	p, ok := e.Data.(chat.Presence)
	if !ok || !p.Online {
		return false
	}
	a := s.agents[p.AgentID]
	if a == nil || !a.online {
		return false
	}
	a.nodes[p.Node] = time.Now()
	return true
}

func (s *state) onEvent(ctx context.Context, e chat.Event) {
	switch e.Kind {
	case chat.KindPresence:
		s.presence(ctx, e)
		return
	case chat.KindResync:
		s.resync(ctx)
		s.requestPresence("") // what other nodes said of their customers may be lost too
		return
	case chat.KindCustomerPresence:
		s.customerPresence(ctx, e)
		return
	case chat.KindStatusRequest:
		if cv := s.convs[e.ConversationID]; cv != nil && cv.c.Status == chat.StatusWaiting {
			cv.published = false
			s.fresh = append(s.fresh, e.ConversationID)
		}
		return
	case chat.KindAgentStatus:
		s.agentStatus(ctx, e)
		return
	case chat.KindDirectoryChanged:
		s.directoryChanged(ctx, e)
		return
	case chat.KindAgentJoined:
		if a := s.agents[e.Agent().AgentID]; a != nil {
			a.misses = 0
		}
	}
	switch cv := s.convs[e.ConversationID]; {
	case cv != nil && e.Seq == cv.c.LastSeq+1:
		s.follow(ctx, cv, e)
	case cv == nil || cv.c.LastSeq < e.Seq:
		s.refresh(ctx, e.ConversationID)
	}
	if e.Kind == chat.KindInvitationDeclined {
		s.requeueOrphan(ctx, e.ConversationID, chat.ReasonLeft)
	}
	if e.Kind == chat.KindAgentLeft {
		reason := e.Reason()
		if reason == "" {
			reason = chat.ReasonLeft
		}
		s.requeueOrphan(ctx, e.ConversationID, reason)
	}
}

// follow takes e, the event that comes next in cv's log, as the store took
// it: chat.Apply, the rules every store runs on an append, gives the
// conversation after it without reading it back. If Apply refuses e, which
// the store did not, routing state is behind in some other way, and the
// conversation is read instead.
func (s *state) follow(ctx context.Context, cv *conv, e chat.Event) {
	c, _, err := cv.c.Apply(e)
	if err != nil {
		s.r.log.Warn("routing: event does not follow the chat as known; reading it", "conversation", e.ConversationID, "seq", e.Seq, "kind", e.Kind, "err", err)
		s.refresh(ctx, e.ConversationID)
		return
	}
	s.setConv(c)
}

// refresh reads a conversation from the store.
func (s *state) refresh(ctx context.Context, id chat.ConversationID) {
	c, err := s.r.store.Conversation(ctx, id)
	switch {
	case chat.ErrorCode(err) == chat.ENotFound:
		if cv := s.convs[id]; cv != nil {
			gone := cv.c
			gone.Status, gone.Offer = chat.StatusEnded, nil
			s.setConv(gone)
		}
	case err != nil:
		if ctx.Err() == nil {
			s.r.log.Error("routing: read conversation", "conversation", id, "err", err)
		}
	default:
		s.setConv(c)
	}
}

// setConv takes c as the current state of its conversation and updates
// agents' load, offer timers and decline times to match.
func (s *state) setConv(c chat.Conversation) {
	now := time.Now()
	cv := s.convs[c.ID]
	var old chat.Conversation
	if cv != nil {
		if c.LastSeq < cv.c.LastSeq {
			return // older than what we have
		}
		old = cv.c
	} else {
		if c.Status == chat.StatusEnded {
			return
		}
		cv = &conv{}
		s.convs[c.ID] = cv
		if c.Status == chat.StatusWaiting && !s.rebuilding {
			s.fresh = append(s.fresh, c.ID)
		}
	}

	was, is := holders(old), holders(c)
	for _, id := range was {
		if !slices.Contains(is, id) {
			a := s.agent(id)
			a.load--
			delete(a.holds, c.ID)
			if old.HasAgent(id) {
				a.idleSince = now
			}
		}
	}
	for _, id := range is {
		if !slices.Contains(was, id) {
			a := s.agent(id)
			a.load++
			if a.holds == nil {
				a.holds = make(map[chat.ConversationID]struct{})
			}
			a.holds[c.ID] = struct{}{}
		}
	}

	if !sameInvitation(old.Invitation, c.Invitation) {
		s.armInvitation(cv, c, now)
	}
	if !sameOffer(old.Offer, c.Offer) {
		if cv.expiry != nil {
			cv.expiry.Stop()
			cv.expiry = nil
		}
		if o := old.Offer; o != nil && slices.Contains(c.Declined, o.AgentID) && c.Status == chat.StatusWaiting {
			if cv.declinedAt == nil {
				cv.declinedAt = make(map[chat.UserID]time.Time)
			}
			cv.declinedAt[o.AgentID] = now
		}
		if o := c.Offer; o != nil && c.Status == chat.StatusWaiting {
			s.armExpiry(cv, c.ID, *o, now)
		}
	}
	for id := range cv.declinedAt {
		if !slices.Contains(c.Declined, id) {
			delete(cv.declinedAt, id)
		}
	}
	if c.Status != chat.StatusWaiting {
		cv.published = false
	}
	if c.Status == chat.StatusActive && len(c.Agents) == 0 && (len(old.Agents) > 0 || old.Status != chat.StatusActive) {
		cv.orphanSince = now
	}
	s.est.convChanged(s, cv, old, c, now)
	cv.c = c
	s.customerConvChanged(old, c)
	setMember(s.waitingConvs, cv, c.Status == chat.StatusWaiting)
	setMember(s.inviting, cv, c.Status == chat.StatusActive && c.Invitation != nil)
	if c.Status == chat.StatusEnded {
		if cv.invExpiry != nil {
			cv.invExpiry.Stop()
		}
		delete(s.convs, c.ID)
	}
}

// setMember puts cv in set or takes it out.
func setMember(set map[chat.ConversationID]*conv, cv *conv, in bool) {
	if in {
		set[cv.c.ID] = cv
	} else {
		delete(set, cv.c.ID)
	}
}

// holders lists the agents whose load c counts in: those in it and the one
// holding its offer.
func holders(c chat.Conversation) []chat.UserID {
	if c.ID == "" || c.Status == chat.StatusEnded {
		return nil
	}
	h := c.Agents
	if c.Offer != nil && !slices.Contains(h, c.Offer.AgentID) {
		h = append(slices.Clip(h), c.Offer.AgentID)
	}
	if inv := c.Invitation; inv != nil && inv.AgentID != "" && !slices.Contains(h, inv.AgentID) {
		h = append(slices.Clip(h), inv.AgentID)
	}
	return h
}

func sameOffer(a, b *chat.Offer) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.AgentID == b.AgentID && a.OfferedAt.Equal(b.OfferedAt)
}

// armExpiry starts the timer of offer o, which fires at once if o is due.
func (s *state) armExpiry(cv *conv, id chat.ConversationID, o chat.Offer, now time.Time) {
	if !s.leading {
		return
	}
	msg := offerExpired{conv: id, agent: o.AgentID, offeredAt: o.OfferedAt}
	cv.expiry = time.AfterFunc(max(o.ExpiresAt.Sub(now), 0), func() { s.r.post(msg) })
}

// expire declines an offer whose time is up, counts the miss and pauses an
// agent who missed too many in a row.
func (s *state) expire(ctx context.Context, m offerExpired) {
	cv := s.convs[m.conv]
	if cv == nil || cv.c.Offer == nil || cv.c.Offer.AgentID != m.agent || !cv.c.Offer.OfferedAt.Equal(m.offeredAt) {
		return // answered meanwhile
	}
	a := s.agent(m.agent)
	_, err := s.append(ctx, chat.Event{
		ConversationID: m.conv,
		Kind:           chat.KindOfferDeclined,
		Author:         chat.System,
		Data:           chat.OfferDeclined{AgentRef: chat.AgentRef{AgentID: a.id, AgentName: a.user.DisplayName}, Reason: chat.ReasonExpired},
	})
	if err != nil {
		if chat.ErrorCode(err) != chat.EConflict && chat.ErrorCode(err) != chat.ENotFound && ctx.Err() == nil {
			// The store failed: try again later rather than leave a dead offer.
			cv.expiry = time.AfterFunc(s.opts.RetryDelay, func() { s.r.post(m) })
		}
		return
	}
	a.misses++
	if a.misses >= s.opts.MaxMissedOffers {
		s.pause(ctx, a)
	}
}

// pause sets an agent who missed too many offers to paused, keeping its
// profile, and announces it.
func (s *state) pause(ctx context.Context, a *agent) {
	st, err := s.r.store.SetAgentState(ctx, chat.AgentState{UserID: a.id, Status: chat.StatusPaused, ProfileID: a.profile})
	if err != nil {
		if ctx.Err() == nil {
			s.r.log.Error("routing: pause agent", "agent", a.id, "err", err)
		}
		return // tried again at the next miss
	}
	a.status, a.misses, a.statusSince = chat.StatusPaused, 0, st.UpdatedAt
	s.r.log.Info("routing: agent paused after missed offers", "agent", a.id)
	s.publish(ctx, chat.Event{
		Time:       st.UpdatedAt,
		Kind:       chat.KindAgentStatus,
		Visibility: chat.VisibleAgents,
		Author:     chat.System,
		Data:       chat.AgentStatusChange{AgentRef: chat.AgentRef{AgentID: a.id, AgentName: a.user.DisplayName}, Status: chat.StatusPaused, ProfileID: a.profile, Reason: chat.ReasonMissedOffers},
	})
}

// presence takes a node's word that an agent is connected to it (again),
// or no longer is. An agent is online while connected to any node.
func (s *state) presence(ctx context.Context, e chat.Event) {
	p, _ := e.Data.(chat.Presence)
	if p.AgentID == "" {
		return
	}
	a := s.agent(p.AgentID)
	if p.Online && !a.user.Active() {
		return // deactivated: its sockets are closing (directory.go)
	}
	if p.Online {
		if a.nodes == nil {
			a.nodes = make(map[string]time.Time)
		}
		a.nodes[p.Node] = time.Now()
		if !a.online {
			a.online, a.statusSince = true, time.Now()
			s.stopGrace(a)
			s.loadUser(ctx, a)
		}
		s.armSweep()
		return
	}
	delete(a.nodes, p.Node)
	if a.online && len(a.nodes) == 0 {
		s.offline(ctx, a)
	}
}

// errFollowing refuses an action of a router that does not lead.
var errFollowing = errors.New("routing: this node does not lead routing")

// armSweep makes sure a presence sweep is pending, when presence expires.
func (s *state) armSweep() {
	if s.opts.PresenceTimeout <= 0 || s.sweep != nil {
		return
	}
	s.sweep = time.AfterFunc(s.opts.PresenceTimeout/3, func() { s.r.post(presenceSweep{}) })
}

// sweepPresence forgets the nodes that stopped repeating an agent's
// presence; an agent left on no node goes offline.
func (s *state) sweepPresence(ctx context.Context) {
	s.sweep = nil
	cutoff := time.Now().Add(-s.opts.PresenceTimeout)
	ids := make([]chat.UserID, 0, len(s.agents))
	for id, a := range s.agents {
		if a.online {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		a := s.agents[id]
		for node, seen := range a.nodes {
			if seen.Before(cutoff) {
				delete(a.nodes, node)
			}
		}
		if len(a.nodes) == 0 {
			s.r.log.Info("routing: agent's presence timed out", "agent", id)
			s.offline(ctx, a)
		} else {
			s.armSweep()
		}
	}
}

// resync re-reads the directory and every chat that has not ended, after
// the bus may have lost announcements.
func (s *state) resync(ctx context.Context) {
	s.loadDirectory(ctx)
	convs, err := s.r.store.Conversations(ctx, store.ConversationFilter{
		Statuses: []chat.ConversationStatus{chat.StatusWaiting, chat.StatusActive},
	})
	if err != nil {
		if ctx.Err() == nil {
			s.r.log.Error("routing: resync", "err", err)
		}
		return
	}
	open := make(map[chat.ConversationID]bool, len(convs))
	for _, c := range convs {
		open[c.ID] = true
		s.setConv(c)
	}
	for _, cv := range s.sortedConvs() {
		if !open[cv.c.ID] {
			s.refresh(ctx, cv.c.ID)
		}
	}
}

// offline handles an agent who is connected to no node any more: its open
// offers are declined, and its chats wait out the grace period.
func (s *state) offline(ctx context.Context, a *agent) {
	id := a.id
	a.online, a.offlineAt = false, time.Now()
	a.statusSince = a.offlineAt
	// The agent's few chats, not every chat: in a reconnect storm every
	// agent goes offline at once.
	inChats := false
	offered := s.heldBy(a, func(cv *conv) bool {
		inChats = inChats || cv.c.HasAgent(id)
		return (cv.c.Offer != nil && cv.c.Offer.AgentID == id) || (cv.c.Invitation != nil && cv.c.Invitation.AgentID == id)
	})
	for _, cv := range offered {
		if o := cv.c.Offer; o != nil && o.AgentID == id {
			s.append(ctx, chat.Event{
				ConversationID: cv.c.ID,
				Kind:           chat.KindOfferDeclined,
				Author:         chat.System,
				Data:           chat.OfferDeclined{AgentRef: chat.AgentRef{AgentID: id, AgentName: a.user.DisplayName}, Reason: chat.ReasonDisconnected},
			})
		}
		if inv := cv.c.Invitation; inv != nil && inv.AgentID == id {
			s.declineInvitation(ctx, cv, a, chat.ReasonDisconnected)
		}
	}
	// Declining offers and invitations puts the agent in no chat, so what
	// the pass saw still holds.
	if inChats && a.grace == nil {
		s.startGrace(a)
	}
}

// agentStatus takes an agent's new status and profile, and re-reads the user
// and profile so that changes to capacity or queues take effect.
func (s *state) agentStatus(ctx context.Context, e chat.Event) {
	st, _ := e.Data.(chat.AgentStatusChange)
	if st.AgentID == "" {
		return
	}
	a := s.agent(st.AgentID)
	if a.status != st.Status || a.statusSince.IsZero() {
		a.statusSince = e.Time
		if e.Time.IsZero() {
			a.statusSince = time.Now()
		}
	}
	a.status, a.profile = st.Status, st.ProfileID
	s.loadUser(ctx, a)
	if st.ProfileID == "" {
		return
	}
	p, err := s.r.store.Profile(ctx, st.ProfileID)
	switch {
	case chat.ErrorCode(err) == chat.ENotFound:
		delete(s.profiles, st.ProfileID)
	case err != nil:
		if ctx.Err() == nil {
			s.r.log.Error("routing: read profile", "profile", st.ProfileID, "err", err)
		}
	default:
		s.profiles[p.ID] = p
	}
}

func (s *state) loadUser(ctx context.Context, a *agent) {
	u, err := s.r.store.User(ctx, a.id)
	if err != nil {
		if ctx.Err() == nil {
			s.r.log.Warn("routing: read user", "agent", a.id, "err", err)
		}
		return
	}
	a.user = u
}

func (s *state) startGrace(a *agent) {
	s.stopGrace(a)
	if !s.leading {
		return
	}
	msg := graceExpired{agent: a.id, gen: a.graceGen}
	a.grace = time.AfterFunc(s.opts.Grace, func() { s.r.post(msg) })
}

func (s *state) stopGrace(a *agent) {
	if a.grace != nil {
		a.grace.Stop()
		a.grace = nil
	}
	a.graceGen++ // a grace expiry already posted is now stale
}

// graceOver takes an agent who did not come back out of its chats and
// requeues those left without agents.
func (s *state) graceOver(ctx context.Context, m graceExpired) {
	a := s.agents[m.agent]
	if a == nil || a.graceGen != m.gen || a.online {
		return
	}
	a.grace = nil
	s.r.log.Info("routing: agent did not come back", "agent", a.id)
	s.leaveChats(ctx, a)
}

// leaveChats takes the agent out of every chat it is in; a chat left
// without agents goes back to the front of its queue.
func (s *state) leaveChats(ctx context.Context, a *agent) {
	for _, cv := range s.heldBy(a, func(cv *conv) bool { return cv.c.HasAgent(a.id) }) {
		_, err := s.append(ctx, chat.Event{
			ConversationID: cv.c.ID,
			Kind:           chat.KindAgentLeft,
			Author:         chat.System,
			Data:           chat.AgentLeft{AgentRef: chat.AgentRef{AgentID: a.id, AgentName: a.user.DisplayName}, Reason: chat.ReasonDisconnected},
		})
		if err == nil {
			s.requeueOrphan(ctx, cv.c.ID, chat.ReasonDisconnected)
		}
	}
}

// requeueOrphan puts an active chat that has no agent left back at the front
// of its queue.
func (s *state) requeueOrphan(ctx context.Context, id chat.ConversationID, reason string) {
	cv := s.convs[id]
	if cv == nil || cv.c.Status != chat.StatusActive || len(cv.c.Agents) > 0 || cv.c.Invitation != nil {
		return // an agent, or an invitation that may bring one, is still there
	}
	s.append(ctx, chat.Event{
		ConversationID: id,
		Kind:           chat.KindRequeued,
		Author:         chat.System,
		Data:           chat.Requeued{QueueID: cv.c.QueueID, Reason: reason},
	})
}

// append stores e and publishes the stored event (store.AppendAndPublish,
// the same path as every other writer's), and takes the conversation after
// it. A conflict (the conversation moved on, as when an agent accepts at
// the instant its offer expires) is expected: the conversation is re-read.
// Other errors are logged and a dispatch is scheduled after RetryDelay.
func (s *state) append(ctx context.Context, e chat.Event) (store.Appended, error) {
	if err := s.mayAppend(ctx); err != nil {
		return store.Appended{}, err
	}
	app, err := s.storeEvent(ctx, e)
	return app, s.took(ctx, e, app, err)
}

// appendAll is append of every event of evs, stored concurrently: the
// store's writer commits appends that wait together in one transaction
// (PostgreSQL's pool runs them side by side), so n offers cost about one
// commit's wait rather than n. Events of one conversation are stored one
// after the other, in their order. The stored events are published, and
// the outcomes taken, in the order of evs, whatever order the commits came
// in; errs[i] is evs[i]'s error.
func (s *state) appendAll(ctx context.Context, evs []chat.Event) (errs []error) {
	errs = make([]error, len(evs))
	if len(evs) == 1 {
		_, errs[0] = s.append(ctx, evs[0])
		return errs
	}
	if err := s.mayAppend(ctx); err != nil {
		for i := range errs {
			errs[i] = err
		}
		return errs
	}
	apps := make([]store.Appended, len(evs))
	byConv := make(map[chat.ConversationID][]int, len(evs))
	for i, e := range evs {
		byConv[e.ConversationID] = append(byConv[e.ConversationID], i)
	}
	var wg sync.WaitGroup
	for _, idx := range byConv {
		wg.Go(func() {
			for _, i := range idx {
				apps[i], errs[i] = s.r.store.AppendEvent(ctx, evs[i])
			}
		})
	}
	wg.Wait()
	for i, e := range evs {
		if errs[i] == nil {
			s.publishStored(ctx, apps[i].Event)
		}
		errs[i] = s.took(ctx, e, apps[i], errs[i])
	}
	return errs
}

// mayAppend reports why this router may not append now: it does not lead,
// or (several nodes) its lease is lost, after which another node's router
// owns routing; the lease's Done closes and the term ends.
func (s *state) mayAppend(ctx context.Context) error {
	if !s.leading {
		return errFollowing
	}
	if s.lease != nil {
		if err := s.lease.Check(ctx); err != nil {
			return fmt.Errorf("leadership: %w", err)
		}
	}
	return nil
}

// storeEvent appends and publishes e (store.AppendAndPublish, the same
// path as every other writer's).
func (s *state) storeEvent(ctx context.Context, e chat.Event) (store.Appended, error) {
	return store.AppendAndPublish(ctx, s.r.store, s.r.bus, e, store.Hooks{Failed: s.publishFailed(ctx)})
}

// publishStored publishes e, stored already, as AppendAndPublish would.
func (s *state) publishStored(ctx context.Context, e chat.Event) {
	if err := s.r.bus.Publish(context.WithoutCancel(ctx), e); err != nil {
		s.publishFailed(ctx)(e, err)
	}
}

// publishFailed logs a failed publish of a stored event, unless the router
// is stopping.
func (s *state) publishFailed(ctx context.Context) func(chat.Event, error) {
	return func(e chat.Event, err error) {
		if ctx.Err() == nil {
			s.r.log.Error("routing: publish event", "conversation", e.ConversationID, "kind", e.Kind, "err", err)
		}
	}
}

// took brings the routing state in line with the outcome of storing e
// (see append), on the loop's goroutine, and returns err.
func (s *state) took(ctx context.Context, e chat.Event, app store.Appended, err error) error {
	if err != nil {
		switch chat.ErrorCode(err) {
		case chat.EConflict, chat.ENotFound:
			s.r.log.Debug("routing: append refused", "conversation", e.ConversationID, "kind", e.Kind, "err", err)
			s.refresh(ctx, e.ConversationID)
		default:
			if ctx.Err() == nil {
				s.r.log.Error("routing: append event", "conversation", e.ConversationID, "kind", e.Kind, "err", err)
				s.armRetry(time.Now().Add(s.opts.RetryDelay))
				s.armRepair() // what failed is done again until it holds (repair.go)
			}
		}
		return err
	}
	s.setConv(app.Conversation)
	return nil
}

func (s *state) publish(ctx context.Context, e chat.Event) {
	if !s.leading {
		return
	}
	if err := s.r.bus.Publish(ctx, e); err != nil && ctx.Err() == nil {
		s.r.log.Error("routing: publish event", "conversation", e.ConversationID, "kind", e.Kind, "err", err)
	}
}

// armRetry makes sure a dispatch runs at t or earlier.
func (s *state) armRetry(t time.Time) {
	if !s.leading {
		return
	}
	if s.retry != nil && !t.Before(s.retryAt) {
		return
	}
	if s.retry != nil {
		s.retry.Stop()
	}
	s.retryAt = t
	s.retry = time.AfterFunc(max(time.Until(t), 0), func() { s.r.post(retryDue{}) })
}

// stopTimers stops every timer. Run calls it on exit, after which a timer
// that already fired posts into a closed inbox, which discards it.
func (s *state) stopTimers() {
	for _, cv := range s.convs {
		if cv.expiry != nil {
			cv.expiry.Stop()
		}
		if cv.invExpiry != nil {
			cv.invExpiry.Stop()
		}
	}
	for _, a := range s.agents {
		if a.grace != nil {
			a.grace.Stop()
		}
	}
	if s.retry != nil {
		s.retry.Stop()
	}
	if s.flush != nil {
		s.flush.Stop()
	}
	if s.sweep != nil {
		s.sweep.Stop()
	}
	if s.repairTimer != nil {
		s.repairTimer.Stop()
	}
	if s.periodic != nil {
		s.periodic.Stop()
	}
	if s.discover != nil {
		s.discover.Stop()
	}
	s.stopCustomerTimers()
}

// heldBy returns the chats agent a holds (is in, or holds the offer or
// invitation of) for which keep is true, by id, for a deterministic order
// of appends. It reads only the agent's chats (agent.holds).
func (s *state) heldBy(a *agent, keep func(*conv) bool) []*conv {
	var out []*conv
	for id := range a.holds {
		if cv := s.convs[id]; cv != nil && keep(cv) {
			out = append(out, cv)
		}
	}
	slices.SortFunc(out, func(a, b *conv) int { return cmp.Compare(a.c.ID, b.c.ID) })
	return out
}

// sortedWhere returns the chats of set (convs or one of its parts) for
// which keep is true, by id: sortedConvs of a few chats, sorting only those.
func sortedWhere(set map[chat.ConversationID]*conv, keep func(*conv) bool) []*conv {
	var out []*conv
	for _, cv := range set {
		if keep(cv) {
			out = append(out, cv)
		}
	}
	slices.SortFunc(out, func(a, b *conv) int { return cmp.Compare(a.c.ID, b.c.ID) })
	return out
}

// sortedConvs returns the chats by id, for a deterministic order of appends.
func (s *state) sortedConvs() []*conv {
	out := make([]*conv, 0, len(s.convs))
	for _, cv := range s.convs {
		out = append(out, cv)
	}
	slices.SortFunc(out, func(a, b *conv) int { return cmp.Compare(a.c.ID, b.c.ID) })
	return out
}
