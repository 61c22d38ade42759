package routing

import (
	"context"
	"slices"
	"time"

	"skranke/chat"
)

// Customer presence (chat/presence.go). Realtime nodes announce when a
// conversation gets its first customer socket on the node and when it
// loses its last one, numbered per run of the node, and every heartbeat
// say how many such messages they sent. The leading router keeps, per
// conversation, the set of nodes its customer is connected to:
//
//   - A message out of sequence, or a heartbeat that counts more messages
//     than arrived, means something was lost: the router asks that node
//     for a snapshot (presence_request), which replaces what it knew of
//     the node. So does news of a node it has not heard of in this term.
//   - A node that says nothing for PresenceTimeout (several nodes) is
//     gone, with all its customers; a node with a new Boot restarted, and
//     the customers of its old run are gone.
//   - When a rebuild starts a term, or the bus may have lost messages
//     (resync), the router asks every node for a snapshot.
//
// What it records, in the log, as the System: customer_connected the first
// time a conversation's customer is present; customer_left when a customer
// who connected has been on no node for CustomerGrace; customer_returned
// when one who left is present again. A waiting chat whose customer left
// and was not back within AbandonAfter of leaving is ended with reason
// customer_left. Both times are timers that post into the loop, and both
// are rebuilt from the store (CustomerLeftAt), so they hold across a
// change of leader: at rebuild nobody is present until the snapshots say
// so, so every connected customer starts the grace then, as agents do.
//
// A router that does not lead ignores customer presence: it acts on
// nothing, and a new term starts from a new state anyway.

// customers is the router's view of customer presence. Owned by Run's
// goroutine, like all of state.
type customers struct {
	nodes   map[string]*presenceNode
	convs   map[chat.ConversationID]*customerConv
	abandon map[chat.ConversationID]*abandonTimer
	sweep   *time.Timer // posts customerSweep; nil when none is pending

	// pending holds the presence events to append when the loop has taken
	// its messages (flushPresence), in the order they were queued; queued
	// has one key per pending event.
	pending []chat.Event
	queued  map[presenceKey]struct{}
}

type presenceKey struct {
	conv chat.ConversationID
	kind chat.Kind
}

// presenceNode is what the router knows of one node's customer sockets.
type presenceNode struct {
	boot  string
	seq   uint64 // the last message taken
	heard time.Time
	convs map[chat.ConversationID]struct{}
	// building collects a snapshot in parts; nil when none is under way.
	building map[chat.ConversationID]struct{}
	asked    time.Time // when a snapshot was last asked of the node
}

// customerConv is one conversation's customer presence.
type customerConv struct {
	nodes    map[string]struct{}
	grace    *time.Timer // running while absent after being connected
	graceGen int
}

type abandonTimer struct {
	t  *time.Timer
	at time.Time // CustomerLeftAt it was armed for
}

// Messages to the loop.
type (
	// customerCheck asks the loop to record conv's presence as it is now
	// (a conversation became known, or changed).
	customerCheck struct{ conv chat.ConversationID }
	// customerGraceOver says the grace numbered gen of conv's customer is over.
	customerGraceOver struct {
		conv chat.ConversationID
		gen  int
	}
	// abandonDue says conv's customer left at leftAt, AbandonAfter ago.
	abandonDue struct {
		conv   chat.ConversationID
		leftAt time.Time
	}
	customerSweep struct{} // time to forget nodes that stopped saying they live
)

func newCustomers() *customers {
	return &customers{
		nodes:   make(map[string]*presenceNode),
		convs:   make(map[chat.ConversationID]*customerConv),
		abandon: make(map[chat.ConversationID]*abandonTimer),
		queued:  make(map[presenceKey]struct{}),
	}
}

// snapshotRetry is how soon a node is asked again for a snapshot it has
// not sent.
const snapshotRetry = 2 * time.Second

// handleCustomer handles the loop's customer presence messages; it reports
// false for a message of another kind.
func (s *state) handleCustomer(ctx context.Context, m any) bool {
	switch m := m.(type) {
	case customerCheck:
		s.recordPresence(ctx, m.conv)
	case customerGraceOver:
		s.customerGraceOver(ctx, m)
	case abandonDue:
		s.abandonDue(ctx, m)
	case customerSweep:
		s.cust.sweep = nil
		s.sweepNodes(ctx)
	default:
		return false
	}
	return true
}

// customerPresence takes a node's presence message.
func (s *state) customerPresence(ctx context.Context, e chat.Event) {
	p, ok := e.Data.(chat.CustomerPresence)
	if !ok || !s.leading || p.Node == "" {
		return
	}
	n := s.heardNode(ctx, p.Node, p.Boot)
	switch {
	case p.Seq <= n.seq:
		return // already taken
	case p.Seq != n.seq+1:
		// Something of this node was lost (or this is the first we hear
		// of it in this term): what follows is still news, and a snapshot
		// sets the rest right.
		n.building = nil
		s.askSnapshot(n, p.Node)
	}
	n.seq = p.Seq
	if p.Reset {
		n.building = make(map[chat.ConversationID]struct{})
	}
	if n.building != nil {
		for _, id := range p.Online {
			n.building[id] = struct{}{}
		}
		if p.Complete {
			snap := n.building
			n.building = nil
			for _, id := range sortedIDs(n.convs) {
				if _, ok := snap[id]; !ok {
					s.nodePresence(ctx, n, p.Node, id, false)
				}
			}
			for _, id := range sortedIDs(snap) {
				s.nodePresence(ctx, n, p.Node, id, true)
			}
		}
		return
	}
	if p.Reset || p.Complete {
		return // a part of a snapshot whose start was lost; asked again above
	}
	for _, id := range p.Offline {
		s.nodePresence(ctx, n, p.Node, id, false)
	}
	for _, id := range p.Online {
		s.nodePresence(ctx, n, p.Node, id, true)
	}
}

// nodeAlive takes a node's heartbeat, and reports whether e was one.
func (s *state) nodeAlive(ctx context.Context, e chat.Event) bool {
	hb, ok := e.Data.(chat.NodeHeartbeat)
	if !ok {
		return false
	}
	if !s.leading || hb.Node == "" {
		return true
	}
	n := s.heardNode(ctx, hb.Node, hb.Boot)
	if hb.Seq > n.seq {
		s.askSnapshot(n, hb.Node) // it sent messages we did not get
	}
	return true
}

// heardNode returns the node's record, noting that it was heard from now.
// A new Boot means the node restarted: its old run's customers are gone.
func (s *state) heardNode(ctx context.Context, name, boot string) *presenceNode {
	n := s.cust.nodes[name]
	if n == nil {
		n = &presenceNode{boot: boot, convs: make(map[chat.ConversationID]struct{})}
		s.cust.nodes[name] = n
	} else if n.boot != boot {
		for _, id := range sortedIDs(n.convs) {
			s.nodePresence(ctx, n, name, id, false)
		}
		n.boot, n.seq, n.building, n.asked = boot, 0, nil, time.Time{}
	}
	n.heard = time.Now()
	s.armCustomerSweep()
	return n
}

// askSnapshot asks node name for a snapshot, unless it was asked a moment
// ago.
func (s *state) askSnapshot(n *presenceNode, name string) {
	now := time.Now()
	if !n.asked.IsZero() && now.Sub(n.asked) < snapshotRetry {
		return
	}
	n.asked = now
	s.requestPresence(name)
}

// requestPresence publishes a presence_request to node name, or to every
// node when name is empty.
func (s *state) requestPresence(name string) {
	if !s.leading {
		return
	}
	// Not under the loop's context alone: a request lost at shutdown is
	// harmless, and the bus never blocks.
	s.publish(context.Background(), chat.Event{Kind: chat.KindPresenceRequest, Time: time.Now(),
		Visibility: chat.VisibleAgents, Author: chat.System, Data: chat.PresenceRequest{Node: name}})
}

// nodePresence records that conversation id's customer is (online) or is no
// longer connected to node name, and what follows for the conversation.
func (s *state) nodePresence(ctx context.Context, n *presenceNode, name string, id chat.ConversationID, online bool) {
	cc := s.cust.convs[id]
	if cc == nil {
		if !online {
			return
		}
		cc = &customerConv{nodes: make(map[string]struct{})}
		s.cust.convs[id] = cc
	}
	was := len(cc.nodes) > 0
	if online {
		cc.nodes[name] = struct{}{}
		n.convs[id] = struct{}{}
	} else {
		delete(cc.nodes, name)
		delete(n.convs, id)
	}
	if is := len(cc.nodes) > 0; is != was {
		s.recordPresence(ctx, id)
	}
	if len(cc.nodes) == 0 && cc.grace == nil {
		delete(s.cust.convs, id)
	}
}

// present reports whether conversation id's customer is connected to any
// node now.
func (s *state) present(id chat.ConversationID) bool {
	cc := s.cust.convs[id]
	return cc != nil && len(cc.nodes) > 0
}

// recordPresence brings conversation id's log in line with its customer's
// presence: connected or back at once, left after the grace.
func (s *state) recordPresence(ctx context.Context, id chat.ConversationID) {
	cv := s.convs[id]
	if !s.leading || cv == nil {
		return // unknown or ended: nothing to record
	}
	c := cv.c
	if s.present(id) {
		s.stopCustomerGrace(id)
		switch {
		case !c.CustomerLeftAt.IsZero():
			s.appendPresence(id, chat.KindCustomerReturned)
		case c.CustomerConnectedAt.IsZero():
			s.appendPresence(id, chat.KindCustomerConnected)
		}
		return
	}
	if c.CustomerConnected() {
		s.startCustomerGrace(id)
	}
}

// appendPresence queues presence event k of conversation id (once), for
// flushPresence to append together with the others of the loop's round:
// many customers connect at once under load, and the router would
// otherwise wait for one commit after the other.
func (s *state) appendPresence(id chat.ConversationID, k chat.Kind) {
	key := presenceKey{id, k}
	if _, ok := s.cust.queued[key]; ok {
		return
	}
	s.cust.queued[key] = struct{}{}
	s.cust.pending = append(s.cust.pending, chat.Event{ConversationID: id, Kind: k, Author: chat.System})
}

// flushPresence appends the queued presence events (appendAll), then
// brings each of their conversations in line with its customer's presence
// again: the customer may have come or gone in the same round, after the
// event was queued. That can queue one more event, which the next pass
// appends; each pass follows a real change, so a few suffice.
func (s *state) flushPresence(ctx context.Context) {
	for range 4 {
		evs := s.cust.pending
		if len(evs) == 0 {
			return
		}
		s.cust.pending = nil
		clear(s.cust.queued)
		for i, err := range s.appendAll(ctx, evs) {
			if err == nil {
				s.r.log.Debug("routing: customer presence", "conversation", evs[i].ConversationID, "kind", evs[i].Kind)
			}
		}
		for _, e := range evs {
			s.recordPresence(ctx, e.ConversationID)
		}
	}
}

func (s *state) startCustomerGrace(id chat.ConversationID) {
	cc := s.cust.convs[id]
	if cc == nil {
		cc = &customerConv{nodes: make(map[string]struct{})}
		s.cust.convs[id] = cc
	}
	if cc.grace != nil {
		return // already running: the grace counts from when the customer went
	}
	cc.graceGen++
	msg := customerGraceOver{conv: id, gen: cc.graceGen}
	cc.grace = time.AfterFunc(s.opts.CustomerGrace, func() { s.r.post(msg) })
}

func (s *state) stopCustomerGrace(id chat.ConversationID) {
	if cc := s.cust.convs[id]; cc != nil && cc.grace != nil {
		cc.grace.Stop()
		cc.grace = nil
		cc.graceGen++ // an expiry already posted is stale
	}
}

// customerGraceOver records that a customer who did not come back left.
func (s *state) customerGraceOver(ctx context.Context, m customerGraceOver) {
	cc := s.cust.convs[m.conv]
	if cc == nil || cc.graceGen != m.gen {
		return
	}
	cc.grace = nil
	if len(cc.nodes) > 0 {
		return
	}
	delete(s.cust.convs, m.conv)
	if cv := s.convs[m.conv]; cv != nil && cv.c.CustomerConnected() {
		s.r.log.Info("routing: customer left", "conversation", m.conv)
		s.appendPresence(m.conv, chat.KindCustomerLeft)
	}
}

// customerConvChanged keeps the timers of conversation c's customer in step
// with c, which setConv has just taken (old is what it replaced, zero for
// a conversation new to the router). It only arms, stops and posts: the
// loop does the rest.
func (s *state) customerConvChanged(old, c chat.Conversation) {
	if !s.leading {
		return
	}
	if c.Status == chat.StatusEnded {
		s.stopCustomerGrace(c.ID)
		s.stopAbandon(c.ID)
		if cc := s.cust.convs[c.ID]; cc != nil && len(cc.nodes) == 0 {
			delete(s.cust.convs, c.ID)
		}
		return
	}
	if old.ID == "" {
		s.r.post(customerCheck{c.ID}) // its customer may have come first, or is to be waited for
	}
	if c.Status == chat.StatusWaiting && !c.CustomerLeftAt.IsZero() {
		s.armAbandon(c.ID, c.CustomerLeftAt)
	} else {
		s.stopAbandon(c.ID)
	}
}

// armAbandon makes sure the waiting chat id, whose customer left at leftAt,
// ends at leftAt+AbandonAfter unless the customer is back.
func (s *state) armAbandon(id chat.ConversationID, leftAt time.Time) {
	if a := s.cust.abandon[id]; a != nil {
		if a.at.Equal(leftAt) {
			return
		}
		a.t.Stop()
	}
	msg := abandonDue{conv: id, leftAt: leftAt}
	s.cust.abandon[id] = &abandonTimer{
		t:  time.AfterFunc(max(time.Until(leftAt.Add(s.opts.AbandonAfter)), 0), func() { s.r.post(msg) }),
		at: leftAt,
	}
}

func (s *state) stopAbandon(id chat.ConversationID) {
	if a := s.cust.abandon[id]; a != nil {
		a.t.Stop()
		delete(s.cust.abandon, id)
	}
}

// abandonDue ends a waiting chat whose customer left and is not back.
func (s *state) abandonDue(ctx context.Context, m abandonDue) {
	delete(s.cust.abandon, m.conv)
	cv := s.convs[m.conv]
	if cv == nil || cv.c.Status != chat.StatusWaiting || !cv.c.CustomerLeftAt.Equal(m.leftAt) || s.present(m.conv) {
		return
	}
	s.r.log.Info("routing: waiting chat ended: the customer left", "conversation", m.conv)
	s.append(ctx, chat.Event{ConversationID: m.conv, Kind: chat.KindEnded, Author: chat.System,
		Data: chat.Ended{Reason: chat.ReasonCustomerLeft}})
}

// armCustomerSweep makes sure a sweep of silent nodes is pending, when
// presence expires (several nodes).
func (s *state) armCustomerSweep() {
	if s.opts.PresenceTimeout <= 0 || s.cust.sweep != nil || !s.leading {
		return
	}
	s.cust.sweep = time.AfterFunc(s.opts.PresenceTimeout/3, func() { s.r.post(customerSweep{}) })
}

// sweepNodes forgets the nodes that said nothing for PresenceTimeout, and
// their customers with them.
func (s *state) sweepNodes(ctx context.Context) {
	cutoff := time.Now().Add(-s.opts.PresenceTimeout)
	names := make([]string, 0, len(s.cust.nodes))
	for name := range s.cust.nodes {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		n := s.cust.nodes[name]
		if !n.heard.Before(cutoff) {
			continue
		}
		s.r.log.Info("routing: node silent; its customers count as gone", "node", name, "customers", len(n.convs))
		for _, id := range sortedIDs(n.convs) {
			s.nodePresence(ctx, n, name, id, false)
		}
		delete(s.cust.nodes, name)
	}
	if len(s.cust.nodes) > 0 {
		s.armCustomerSweep()
	}
}

// stopCustomerTimers stops every customer timer, when the term ends.
func (s *state) stopCustomerTimers() {
	for _, cc := range s.cust.convs {
		if cc.grace != nil {
			cc.grace.Stop()
		}
	}
	for _, a := range s.cust.abandon {
		a.t.Stop()
	}
	if s.cust.sweep != nil {
		s.cust.sweep.Stop()
	}
}

func sortedIDs(m map[chat.ConversationID]struct{}) []chat.ConversationID {
	ids := make([]chat.ConversationID, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}
