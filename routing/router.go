package routing

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"skranke/bus"
	"skranke/chat"
	"skranke/store"
)

// Store is what the router needs of the store; store.Store has it all.
type Store interface {
	Users(ctx context.Context) ([]chat.User, error)
	User(ctx context.Context, id chat.UserID) (chat.User, error)
	Profiles(ctx context.Context) ([]chat.Profile, error)
	Profile(ctx context.Context, id chat.ProfileID) (chat.Profile, error)
	Queues(ctx context.Context) ([]chat.Queue, error)
	Queue(ctx context.Context, id chat.QueueID) (chat.Queue, error)
	AgentStates(ctx context.Context) ([]chat.AgentState, error)
	SetAgentState(ctx context.Context, st chat.AgentState) (chat.AgentState, error)
	Conversation(ctx context.Context, id chat.ConversationID) (chat.Conversation, error)
	Conversations(ctx context.Context, f store.ConversationFilter) ([]chat.Conversation, error)
	AppendEvent(ctx context.Context, e chat.Event) (store.Appended, error)
}

// Options tune a Router. Zero values are the documented defaults.
type Options struct {
	// OfferTimeout is how long an agent has to accept an offer. Default 30s.
	OfferTimeout time.Duration
	// RetryDelay is how long after declining a chat an agent may be offered
	// it again, when nobody else is eligible. Default 5s.
	RetryDelay time.Duration
	// MaxMissedOffers is how many offers in a row an agent may let expire
	// before the router pauses it. Default 3.
	MaxMissedOffers int
	// Grace is how long an agent who went offline keeps its chats. Default 60s.
	Grace time.Duration
	// StatusInterval is the least time between two rounds of queue_status
	// events. Default 500ms.
	StatusInterval time.Duration
	// RepairInterval is how often the router restores its invariants
	// besides after each failed action (repair.go). Default 10s.
	RepairInterval time.Duration
	// DiscoverInterval is how often a router that leads several nodes (it
	// has an Elector) reads the waiting chats from the store, to route the
	// ones the bus did not announce while it was down. Default 2s.
	DiscoverInterval time.Duration
	// PresenceTimeout is how long an agent counts as connected to a node
	// after that node last said so. Nodes repeat their agents' presence
	// (realtime's heartbeat), so a node that dies takes its agents' presence
	// with it after this time. Zero (the default) keeps presence until the
	// node says the agent left, which suits a single node.
	PresenceTimeout time.Duration
	// CustomerGrace is how long a customer who connected may have no
	// socket before the router records that the customer left (a reload
	// or a network blip is shorter). Default 10s.
	CustomerGrace time.Duration
	// AbandonAfter is how long a waiting chat whose customer left waits
	// for the customer to come back before the router ends it (reason
	// customer_left). Meanwhile it is not offered. Default 5m.
	AbandonAfter time.Duration
	// Elector, when set, makes the router route only while this node is
	// the elected leader, and check before every routing action that it
	// still is. Nil (the default) routes always: a single node.
	Elector Elector
}

// Elector chooses one router among several nodes.
type Elector interface {
	// Campaign blocks until this node leads, or ctx is done.
	Campaign(ctx context.Context) (Lease, error)
}

// Lease is a term of leadership.
type Lease interface {
	// Check confirms that the lease is still held; an error ends it.
	Check(ctx context.Context) error
	// Done is closed when the lease is lost.
	Done() <-chan struct{}
	// Release gives the lease up.
	Release()
}

func (o Options) withDefaults() Options {
	if o.OfferTimeout <= 0 {
		o.OfferTimeout = 30 * time.Second
	}
	if o.RetryDelay <= 0 {
		o.RetryDelay = 5 * time.Second
	}
	if o.MaxMissedOffers <= 0 {
		o.MaxMissedOffers = 3
	}
	if o.Grace <= 0 {
		o.Grace = 60 * time.Second
	}
	if o.StatusInterval <= 0 {
		o.StatusInterval = 500 * time.Millisecond
	}
	if o.RepairInterval <= 0 {
		o.RepairInterval = 10 * time.Second
	}
	if o.DiscoverInterval <= 0 {
		o.DiscoverInterval = 2 * time.Second
	}
	if o.CustomerGrace <= 0 {
		o.CustomerGrace = 10 * time.Second
	}
	if o.AbandonAfter <= 0 {
		o.AbandonAfter = 5 * time.Minute
	}
	return o
}

// QueueStat is a queue's state as the router sees it.
type QueueStat struct {
	QueueID chat.QueueID `json:"queueId"`
	// Waiting counts the queue's waiting chats, offered or not.
	Waiting int `json:"waiting"`
	// AgentsOnline counts online agents whose active profile contains the
	// queue, whatever their status.
	AgentsOnline int `json:"agentsOnline"`
	// AgentsReady counts those of them who are ready (at capacity or not).
	AgentsReady int `json:"agentsReady"`
	// AgentsAvailable counts those who are ready and below capacity: who
	// could take a chat or an invitation now.
	AgentsAvailable int `json:"agentsAvailable"`
}

// Router routes waiting chats to agents. Create it with New and run it with
// Run; see the package documentation for its guarantees.
type Router struct {
	store Store        // immutable after New
	bus   bus.Bus      // immutable after New
	log   *slog.Logger // immutable after New
	opts  Options      // immutable after New, defaults applied

	signal chan struct{} // capacity 1: "the inbox is not empty"

	leading atomic.Bool // a leading term is running

	watchMu  sync.Mutex
	watchers map[chan struct{}]struct{} // Watch's channels (board.go)

	mu      sync.Mutex
	running bool          // Run is running; posts are accepted
	inbox   []any         // messages for the loop, in order
	done    chan struct{} // closed when the current Run returns
}

// New returns a Router over st and b. A nil log discards.
func New(st Store, b bus.Bus, log *slog.Logger, opts Options) *Router {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Router{
		store:  st,
		bus:    b,
		log:    log,
		opts:   opts.withDefaults(),
		signal: make(chan struct{}, 1),
	}
}

// Leading reports whether this node routes now: always while Run runs on a
// single node; with an Elector, while this node holds the lease.
func (r *Router) Leading() bool { return r.leading.Load() }

// ErrRunning is returned by Run when the Router is already running.
var ErrRunning = errors.New("routing: router is already running")

// Run rebuilds routing state from the store and routes until ctx is done.
// It returns nil after ctx is done, or the error that stopped it (a failed
// rebuild). When it returns, the bus subscription is cancelled and every
// timer is stopped; anything that fires later is discarded. Run may be
// called again after it returned (when leadership is regained); it rebuilds
// from the store again.
//
// With an Elector, Run campaigns for leadership, routes while it leads
// (rebuilding state at the start of every term) and campaigns again when
// the lease is lost, until ctx is done.
func (r *Router) Run(ctx context.Context) error {
	if r.opts.Elector == nil {
		return r.runTerm(ctx, nil, true)
	}
	for {
		// Follow while campaigning: keep the same state from the bus and
		// the store, without acting, so that this node can answer Queues
		// and Agents like the leader.
		fctx, stopFollowing := context.WithCancel(ctx)
		followed := make(chan error, 1)
		go func() { followed <- r.runTerm(fctx, nil, false) }()
		lease, err := r.opts.Elector.Campaign(ctx)
		stopFollowing()
		if ferr := <-followed; ferr != nil && ctx.Err() == nil {
			r.log.Error("routing: follow", "err", ferr)
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			r.log.Error("routing: campaign for leadership", "err", err)
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(time.Second):
			}
			continue
		}
		r.log.Info("routing: this node leads routing")
		tctx, cancel := context.WithCancel(ctx)
		go func() {
			select {
			case <-lease.Done():
				cancel()
			case <-tctx.Done():
			}
		}()
		err = r.runTerm(tctx, lease, true)
		cancel()
		lease.Release()
		if ctx.Err() != nil {
			return nil
		}
		r.log.Warn("routing: leadership lost; campaigning again", "err", err)
	}
}

// runTerm routes for one term of leadership (forever, for a single node),
// or, when not leading, keeps the state up to date without acting.
func (r *Router) runTerm(ctx context.Context, lease Lease, leading bool) error {
	done, err := r.start()
	if err != nil {
		return err
	}
	s := newState(r)
	s.lease = lease
	s.leading = leading
	if leading {
		r.leading.Store(true)
		defer r.leading.Store(false)
	}
	defer func() {
		r.stop(done)
		s.stopTimers()
	}()
	// Subscribe before rebuilding, so no event between the two is lost;
	// events that the rebuild already saw are recognised by their Seq.
	cancel := r.bus.Subscribe(r.onEvent)
	defer cancel()

	if err := s.rebuild(ctx); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("rebuild routing state: %w", err)
	}
	s.flushPresence(ctx)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-r.signal:
		}
		changed := false
		for _, m := range r.take() {
			if ctx.Err() != nil {
				return nil
			}
			if s.handle(ctx, m) {
				changed = true
			}
		}
		if len(s.cust.pending) > 0 {
			s.flushPresence(ctx)
			changed = true
		}
		if changed {
			s.settle(ctx)
			r.notifyWatchers()
		}
	}
}

func (r *Router) start() (chan struct{}, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.running {
		return nil, ErrRunning
	}
	r.running = true
	r.inbox = nil
	r.done = make(chan struct{})
	return r.done, nil
}

func (r *Router) stop(done chan struct{}) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.running = false
	r.inbox = nil
	close(done)
}

// post puts m in the inbox for the loop. It never blocks; it reports false
// (and drops m) when Run is not running.
func (r *Router) post(m any) bool {
	_, ok := r.postTo(m)
	return ok
}

// postTo is post that also returns the done channel of the Run that will
// handle m.
func (r *Router) postTo(m any) (done <-chan struct{}, ok bool) {
	r.mu.Lock()
	if !r.running {
		r.mu.Unlock()
		return nil, false
	}
	r.inbox = append(r.inbox, m)
	done = r.done
	r.mu.Unlock()
	select {
	case r.signal <- struct{}{}:
	default: // already signalled; the loop takes everything at once
	}
	return done, true
}

// take empties the inbox.
func (r *Router) take() []any {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := r.inbox
	r.inbox = nil
	return m
}

// onEvent is the bus subscription. It runs on the bus's delivery goroutine
// (or a publisher's), so it only filters and posts.
func (r *Router) onEvent(e chat.Event) {
	if !e.Kind.Routing() {
		return // messages, typing, queue_status
	}
	if e.Kind == chat.KindAgentStatus && e.Reason() == chat.ReasonMissedOffers {
		return // the router's own
	}
	r.post(busEvent{e})
}

// Queues returns, for each queue the router knows of (those in any profile
// and those with waiting chats), its waiting chats and online agents, sorted
// by queue id. A queue missing from the list has neither. It fails with
// code unavailable when the router is not running.
func (r *Router) Queues(ctx context.Context) ([]QueueStat, error) {
	reply := make(chan []QueueStat, 1)
	done, ok := r.postTo(queuesRequest{reply})
	if !ok {
		return nil, chat.E(chat.EUnavailable, "routing_unavailable", "Routing is not running.")
	}
	select {
	case qs := <-reply:
		return qs, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-done:
		return nil, chat.E(chat.EUnavailable, "routing_unavailable", "Routing is not running.")
	}
}

// Messages to the loop.
type (
	busEvent      struct{ e chat.Event }
	queuesRequest struct{ reply chan []QueueStat }
	// offerExpired says the offer of conv to agent made at offeredAt is due.
	offerExpired struct {
		conv      chat.ConversationID
		agent     chat.UserID
		offeredAt time.Time
	}
	// graceExpired says the grace period numbered gen of agent is over.
	graceExpired struct {
		agent chat.UserID
		gen   int
	}
	retryDue      struct{} // a decliner may be offered a chat again
	statusFlush   struct{} // time to publish queue_status changes
	presenceSweep struct{} // time to forget presence that nodes stopped repeating
)
