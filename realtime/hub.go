package realtime

import (
	"context"
	"hash/fnv"
	"log/slog"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus"

	"skranke/auth"
	"skranke/bus"
	"skranke/chat"
	"skranke/conversation"
	"skranke/ratelimit"
)

const numShards = 64

// Options configure a Hub. Zero values are the documented defaults.
type Options struct {
	// Service carries out every request; required.
	Service  *conversation.Service
	Bus      bus.Bus               // required: the hub delivers what it announces
	Auth     *auth.Service         // required: customers authenticate in their hello
	Logger   *slog.Logger          // slog.Default()
	Registry prometheus.Registerer // metrics are not registered when nil

	PingInterval   time.Duration // 25s
	PongTimeout    time.Duration // 35s: a ping unanswered this long closes the connection (60s silence in all)
	WriteTimeout   time.Duration // 10s
	ReadLimit      int64         // 64 KiB
	SendQueueLen   int           // 256 frames
	RequestTimeout time.Duration // 10s for the store work of one request
	// ShutdownTimeout is how long sessions have to finish their closing
	// handshake when the node shuts down. 5s.
	ShutdownTimeout time.Duration
	// NodeID names this node in presence announcements; a random id when empty.
	NodeID string
	// HeartbeatInterval is how often the node repeats the presence of its
	// connected agents, so the router (on any node) knows they are still
	// here and forgets them when this node dies. 5s.
	HeartbeatInterval time.Duration
	// CustomerSockets limits the open sockets of one customer (limit.go);
	// nil: no limit.
	CustomerSockets *ratelimit.Slots
}

func (o *Options) setDefaults() {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.PingInterval == 0 {
		o.PingInterval = 25 * time.Second
	}
	if o.PongTimeout == 0 {
		o.PongTimeout = 35 * time.Second
	}
	if o.WriteTimeout == 0 {
		o.WriteTimeout = 10 * time.Second
	}
	if o.ReadLimit == 0 {
		o.ReadLimit = 64 << 10
	}
	if o.SendQueueLen == 0 {
		o.SendQueueLen = 256
	}
	if o.RequestTimeout == 0 {
		o.RequestTimeout = 10 * time.Second
	}
	if o.ShutdownTimeout == 0 {
		o.ShutdownTimeout = 5 * time.Second
	}
	if o.NodeID == "" {
		o.NodeID = chat.NewID()[:8]
	}
	if o.HeartbeatInterval == 0 {
		o.HeartbeatInterval = 5 * time.Second
	}
}

// shard holds the sessions subscribed to a slice of the conversations.
type shard struct {
	mu   sync.RWMutex
	subs map[chat.ConversationID]map[*session]struct{}
	// customers counts the customer sessions among subs (presence.go).
	customers map[chat.ConversationID]int
}

// Hub fans events from the bus out to this node's sessions.
type Hub struct {
	opts    Options // immutable after NewHub
	metrics *metrics
	shards  [numShards]shard
	out     *presenceOut // customer presence to publish (presence.go)

	agentsMu sync.RWMutex
	agents   map[chat.UserID]map[*session]struct{} // an agent's sessions on this node

	sessionsWG sync.WaitGroup
	// baseCtx is Run's context: when it is done the node is shutting down.
	// Sessions live in sessCtx, which Run cancels only after it has closed
	// them properly (1001), since a session whose context ends is cut off
	// without a close frame.
	baseCtx    context.Context
	sessCtx    context.Context
	sessCancel context.CancelFunc

	sessionsMu sync.Mutex
	sessions   map[*session]struct{} // every session, for closing them at shutdown
	ready      chan struct{}         // closed when Run has subscribed
}

// NewHub returns a hub; call Run before serving connections.
func NewHub(opts Options) *Hub {
	opts.setDefaults()
	h := &Hub{
		opts:     opts,
		metrics:  newMetrics(opts.Registry),
		agents:   make(map[chat.UserID]map[*session]struct{}),
		sessions: make(map[*session]struct{}),
		ready:    make(chan struct{}),
		out:      newPresenceOut(),
	}
	for i := range h.shards {
		h.shards[i].subs = make(map[chat.ConversationID]map[*session]struct{})
		h.shards[i].customers = make(map[chat.ConversationID]int)
	}
	return h
}

// Run subscribes the hub to the bus and serves until ctx is done; then it
// closes every session and waits for their goroutines.
//
// At shutdown every session is closed with status 1001 (going away), so its
// client knows to reconnect and resume; a session that does not finish its
// closing handshake within ShutdownTimeout is cut off.
func (h *Hub) Run(ctx context.Context) error {
	h.baseCtx = ctx
	h.sessCtx, h.sessCancel = context.WithCancel(context.WithoutCancel(ctx))
	cancel := h.opts.Bus.Subscribe(h.deliver)
	close(h.ready)
	t := time.NewTicker(h.opts.HeartbeatInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			cancel()
			h.closeAll(websocket.StatusGoingAway, "The server is shutting down; reconnect.")
			done := make(chan struct{})
			go func() { h.sessionsWG.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(h.opts.ShutdownTimeout):
			}
			h.sessCancel()
			<-done
			return nil
		case <-t.C:
			h.heartbeat(ctx)
			h.nodeHeartbeat(ctx)
		case <-h.out.signal:
			h.flushPresence(ctx)
		}
	}
}

// closeAll closes every session with a close status.
func (h *Hub) closeAll(code websocket.StatusCode, reason string) {
	h.sessionsMu.Lock()
	all := make([]*session, 0, len(h.sessions))
	for s := range h.sessions {
		all = append(all, s)
	}
	h.sessionsMu.Unlock()
	for _, s := range all {
		s.closeWith(code, reason)
	}
}

// heartbeat repeats the presence of every agent connected to this node.
// Customers' presence is not repeated: the node's heartbeat stands for all
// of them (presence.go).
func (h *Hub) heartbeat(ctx context.Context) {
	h.agentsMu.RLock()
	ids := make([]chat.UserID, 0, len(h.agents))
	for id := range h.agents {
		ids = append(ids, id)
	}
	h.agentsMu.RUnlock()
	for _, id := range ids {
		h.publish(ctx, h.presence(id, true))
	}
}

// presence is the announcement that agent id is (or is no longer) on this node.
func (h *Hub) presence(id chat.UserID, online bool) chat.Event {
	return chat.Event{Kind: chat.KindPresence, Time: time.Now(), Visibility: chat.VisibleAgents, Data: chat.Presence{AgentID: id, Online: online, Node: h.opts.NodeID}}
}

func (h *Hub) shard(id chat.ConversationID) *shard {
	f := fnv.New32a()
	f.Write([]byte(id))
	return &h.shards[f.Sum32()%numShards]
}

// subscribe adds s to the subscribers of conversation id.
func (h *Hub) subscribe(s *session, id chat.ConversationID) {
	sh := h.shard(id)
	sh.mu.Lock()
	m := sh.subs[id]
	if m == nil {
		m = make(map[*session]struct{})
		sh.subs[id] = m
	}
	_, had := m[s]
	m[s] = struct{}{}
	if !had && s.actor.Customer != nil && sh.customerJoined(id) {
		h.out.note(id, true)
	}
	sh.mu.Unlock()
	s.addConversation(id)
}

// unsubscribe removes s from the subscribers of conversation id.
func (h *Hub) unsubscribe(s *session, id chat.ConversationID) {
	sh := h.shard(id)
	sh.mu.Lock()
	if m := sh.subs[id]; m != nil {
		if _, had := m[s]; had && s.actor.Customer != nil && sh.customerParted(id) {
			h.out.note(id, false)
		}
		delete(m, s)
		if len(m) == 0 {
			delete(sh.subs, id)
		}
	}
	sh.mu.Unlock()
	s.removeConversation(id)
}

// addAgent registers an agent session and reports whether it is the
// agent's first on this node.
func (h *Hub) addAgent(s *session) bool {
	h.agentsMu.Lock()
	defer h.agentsMu.Unlock()
	m := h.agents[s.user.ID]
	if m == nil {
		m = make(map[*session]struct{})
		h.agents[s.user.ID] = m
	}
	m[s] = struct{}{}
	return len(m) == 1
}

// removeAgent unregisters an agent session and reports whether it was the
// agent's last on this node.
func (h *Hub) removeAgent(s *session) bool {
	h.agentsMu.Lock()
	defer h.agentsMu.Unlock()
	m := h.agents[s.user.ID]
	delete(m, s)
	if len(m) == 0 {
		delete(h.agents, s.user.ID)
		return true
	}
	return false
}

func (h *Hub) agentSessions(id chat.UserID) []*session {
	h.agentsMu.RLock()
	defer h.agentsMu.RUnlock()
	out := make([]*session, 0, len(h.agents[id]))
	for s := range h.agents[id] {
		out = append(out, s)
	}
	return out
}

// deliver is the bus subscriber: it routes one event to the sessions that
// may see it. It never blocks.
func (h *Hub) deliver(e chat.Event) {
	switch e.Kind {
	case chat.KindPresence, chat.KindStatusRequest, chat.KindCustomerPresence, chat.KindNodeHeartbeat:
		return
	case chat.KindPresenceRequest:
		h.presenceRequested(e)
		return
	case chat.KindResync:
		h.resyncAll()
		return
	case chat.KindAgentStatus:
		data := encodeEvent(e)
		for _, s := range h.agentSessions(e.Agent().AgentID) {
			s.trySend(frame{data: data})
		}
		return
	case chat.KindDirectoryChanged:
		// Every desktop reloads its profiles and queues (GET /api/v1/me).
		h.toAgents(encodeEvent(e))
		return
	case chat.KindSessionRevoked:
		r, _ := e.Data.(chat.SessionRevoked)
		for _, s := range append(h.agentSessions(r.UserID), h.supervisorSessions(r.UserID)...) {
			if r.TokenHash == "" || (s.actor.Session != nil && s.actor.Session.TokenHash == r.TokenHash) {
				s.closeWith(closeUnauthenticated, "You have been logged out.")
			}
		}
		return
	}
	if e.ConversationID == "" {
		return
	}
	// An offer, an invitation or a join brings the agent's sessions into the
	// conversation before the event is delivered, so they receive it and
	// what follows. The session checks in the store that the agent may read
	// the conversation before it writes anything of it (catchUpOrLeave): a
	// bus message alone never grants access.
	agent := e.Agent().AgentID
	if agent != "" && e.Kind.Joins() {
		for _, s := range h.agentSessions(agent) {
			if !s.subscribed(e.ConversationID) {
				h.subscribe(s, e.ConversationID)
				s.trySend(frame{conv: e.ConversationID, sync: true})
			}
		}
	}

	sh := h.shard(e.ConversationID)
	sh.mu.RLock()
	targets := make([]*session, 0, len(sh.subs[e.ConversationID]))
	for s := range sh.subs[e.ConversationID] {
		targets = append(targets, s)
	}
	sh.mu.RUnlock()

	agentFrame := frame{conv: e.ConversationID, seq: e.Seq}
	customerFrame := frame{conv: e.ConversationID, seq: e.Seq}
	customerEncoded, customerHidden := false, false
	for _, s := range targets {
		if s.actor.Customer == nil {
			if agentFrame.data == nil {
				agentFrame.data = encodeEvent(e)
			}
			s.trySend(agentFrame)
			continue
		}
		if !customerEncoded {
			customerEncoded = true
			if ce, ok := chat.ForCustomer(e); ok {
				customerFrame.data = encodeCustomerEvent(ce)
			} else {
				customerHidden = true
			}
		}
		if customerHidden && e.Seq == 0 {
			continue // an ephemeral event the customer may not see
		}
		// A hidden stored event goes as a frame without data: it moves the
		// session's position on without writing, so the next visible event
		// is not taken for a gap.
		s.trySend(customerFrame)
	}
	h.metrics.eventsDelivered.Add(float64(len(targets)))

	switch {
	case e.Kind.Parts():
		for _, s := range h.agentSessions(agent) {
			h.unsubscribe(s, e.ConversationID)
		}
	case e.Kind == chat.KindEnded:
		for _, s := range targets {
			if s.user != nil {
				h.unsubscribe(s, e.ConversationID)
			}
		}
	}
}

// resyncAll makes every session catch up every conversation it follows
// from the store, after the bus may have lost announcements.
func (h *Hub) resyncAll() {
	for i := range h.shards {
		sh := &h.shards[i]
		sh.mu.RLock()
		var todo []struct {
			s  *session
			id chat.ConversationID
		}
		for id, subs := range sh.subs {
			for s := range subs {
				todo = append(todo, struct {
					s  *session
					id chat.ConversationID
				}{s, id})
			}
		}
		sh.mu.RUnlock()
		for _, x := range todo {
			x.s.trySend(frame{conv: x.id, sync: true})
		}
	}
	// A directory change may have been lost too: desktops reload it.
	h.toAgents(encodeEvent(chat.Event{Kind: chat.KindDirectoryChanged, Time: time.Now(), Visibility: chat.VisibleAgents,
		Author: chat.System, Data: chat.DirectoryChanged{}}))
}

// toAgents queues a frame for every agent session of this node.
func (h *Hub) toAgents(data []byte) {
	h.agentsMu.RLock()
	var targets []*session
	for _, m := range h.agents {
		for s := range m {
			targets = append(targets, s)
		}
	}
	h.agentsMu.RUnlock()
	for _, s := range targets {
		s.trySend(frame{data: data})
	}
}

// Revoke closes, on every node, the agent sockets of user's login session
// whose token has hash tokenHash, or of all the user's sessions when
// tokenHash is empty: after a logout, an expiry or a deactivation.
func (h *Hub) Revoke(ctx context.Context, user chat.UserID, tokenHash string) {
	h.publish(context.WithoutCancel(ctx), chat.Event{Kind: chat.KindSessionRevoked, Time: time.Now(),
		Visibility: chat.VisibleAgents, Data: chat.SessionRevoked{UserID: user, TokenHash: tokenHash}})
}

// publish announces e, logging a failure: the event is committed and
// sessions catch up from the store, so a lost announcement delays delivery
// but loses nothing.
func (h *Hub) publish(ctx context.Context, e chat.Event) {
	if err := h.opts.Bus.Publish(ctx, e); err != nil {
		h.opts.Logger.Warn("publish event", "conversation", e.ConversationID, "seq", e.Seq, "kind", e.Kind, "err", err)
	}
}
