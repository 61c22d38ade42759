// Package bustest is the conformance suite of bus.Bus: every implementation
// runs the same tests (the in-process bus in package bus, NATS in
// bus/natsbus), so that code above the bus can rely on one behaviour.
package bustest

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"skranke/bus"
	"skranke/chat"
)

// NewFunc returns n buses connected to each other: what is published on one
// reaches the subscribers of all. It closes them when t ends (t.Cleanup).
type NewFunc func(t *testing.T, n int) []bus.Bus

// Options say what the implementation under test supports.
type Options struct {
	// Multi: NewFunc can return more than one bus (several nodes). When
	// false it is only ever asked for one, and the multi-node tests are
	// skipped.
	Multi bool
}

// waitTimeout bounds every wait for a delivery; a healthy bus takes
// milliseconds.
const waitTimeout = 10 * time.Second

// Run runs the conformance suite against the buses newBuses makes.
func Run(t *testing.T, newBuses NewFunc, opts Options) {
	one := func(t *testing.T) bus.Bus {
		t.Helper()
		bs := newBuses(t, 1)
		if len(bs) != 1 {
			t.Fatalf("newBuses(1) returned %d buses", len(bs))
		}
		return bs[0]
	}
	multi := func(t *testing.T, n int) []bus.Bus {
		t.Helper()
		if !opts.Multi {
			t.Skip("this bus is single-node only")
		}
		bs := newBuses(t, n)
		if len(bs) != n {
			t.Fatalf("newBuses(%d) returned %d buses", n, len(bs))
		}
		return bs
	}

	t.Run("in_order", func(t *testing.T) {
		t.Parallel()
		b := one(t)
		r := subscribe(t, b)
		want := publishN(t, b, "p", 1000)
		got := r.waitN(t, len(want))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("events received (-published +received):\n%s", diff)
		}
		if r.concurrent.Load() {
			t.Errorf("subscriber called concurrently with itself")
		}
	})

	t.Run("intact", func(t *testing.T) {
		t.Parallel()
		b := one(t)
		r := subscribe(t, b)
		want := fullEvents()
		for _, e := range want {
			mustPublish(t, b, e)
		}
		got := r.waitN(t, len(want))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("events received (-published +received):\n%s", diff)
		}
	})

	t.Run("several_subscribers", func(t *testing.T) {
		t.Parallel()
		b := one(t)
		rs := []*recorder{subscribe(t, b), subscribe(t, b), subscribe(t, b)}
		want := publishN(t, b, "p", 100)
		for i, r := range rs {
			if diff := cmp.Diff(want, r.waitN(t, len(want))); diff != "" {
				t.Errorf("subscriber %d: events received (-published +received):\n%s", i, diff)
			}
		}
	})

	t.Run("concurrent_publishers", func(t *testing.T) {
		t.Parallel()
		b := one(t)
		r := subscribe(t, b)
		const publishers, each = 4, 250
		var wg sync.WaitGroup
		for p := range publishers {
			wg.Go(func() { publishN(t, b, fmt.Sprint("p", p), each) })
		}
		wg.Wait()
		checkPerPublisherOrder(t, r.waitN(t, publishers*each), publishers, each)
	})

	t.Run("cancel", func(t *testing.T) {
		t.Parallel()
		b := one(t)
		stay := subscribe(t, b)
		gone := newRecorder()
		cancel := b.Subscribe(gone.record)
		mustPublish(t, b, event("p", 1))
		gone.waitN(t, 1)
		cancel()
		cancel() // a second call does nothing
		for i := 2; i <= 10; i++ {
			mustPublish(t, b, event("p", chat.Seq(i)))
		}
		stay.waitN(t, 10)
		if got := gone.events(); len(got) != 1 {
			t.Errorf("cancelled subscriber received %d events, want 1: %v", len(got), got)
		}
	})

	t.Run("multi/in_order_once", func(t *testing.T) {
		t.Parallel()
		bs := multi(t, 3)
		rs := make([]*recorder, len(bs))
		for i, b := range bs {
			rs[i] = subscribe(t, b)
		}
		want := publishN(t, bs[0], "a", 1000)
		for i, r := range rs {
			if diff := cmp.Diff(want, r.waitN(t, len(want))); diff != "" {
				t.Errorf("bus %d: events received (-published on bus 0 +received):\n%s", i, diff)
			}
		}
		// A fence from bus 1, sent after it received everything, reaches
		// bus 0 after any echo of bus 0's events would have.
		fence := event("fence", 1)
		mustPublish(t, bs[1], fence)
		got := rs[0].waitN(t, len(want)+1)
		if diff := cmp.Diff(append(want, fence), got); diff != "" {
			t.Errorf("publishing bus: events received (-want +got):\n%s", diff)
		}
		for i, r := range rs {
			if r.concurrent.Load() {
				t.Errorf("bus %d: subscriber called concurrently with itself", i)
			}
		}
	})

	t.Run("multi/intact", func(t *testing.T) {
		t.Parallel()
		bs := multi(t, 2)
		r := subscribe(t, bs[1])
		want := fullEvents()
		for _, e := range want {
			mustPublish(t, bs[0], e)
		}
		got := r.waitN(t, len(want))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("events received (-published +received):\n%s", diff)
		}
	})

	t.Run("multi/all_publish", func(t *testing.T) {
		t.Parallel()
		bs := multi(t, 3)
		rs := make([]*recorder, len(bs))
		for i, b := range bs {
			rs[i] = subscribe(t, b)
		}
		const each = 200
		var wg sync.WaitGroup
		for p, b := range bs {
			wg.Go(func() { publishN(t, b, fmt.Sprint("p", p), each) })
		}
		wg.Wait()
		for i, r := range rs {
			t.Run(fmt.Sprint("bus", i), func(t *testing.T) {
				checkPerPublisherOrder(t, r.waitN(t, len(bs)*each), len(bs), each)
			})
		}
	})

	t.Run("multi/resync_stays_local", func(t *testing.T) {
		t.Parallel()
		bs := multi(t, 2)
		r := subscribe(t, bs[1])
		mustPublish(t, bs[0], chat.Event{Kind: chat.KindResync})
		after := event("p", 1)
		mustPublish(t, bs[0], after)
		got := r.waitN(t, 1)
		if diff := cmp.Diff([]chat.Event{after}, got); diff != "" {
			t.Errorf("other bus received (-want +got):\n%s", diff)
		}
		if n := r.resyncs.Load(); n != 0 {
			t.Errorf("other bus received %d resync events, want 0", n)
		}
	})
}

// recorder is a subscriber that keeps what it receives. It never blocks.
type recorder struct {
	mu       sync.Mutex
	received []chat.Event
	changed  chan struct{} // capacity 1: received grew

	resyncs    atomic.Int64 // resync events, not kept: a bus may send them at any time
	inside     atomic.Int32 // calls of record in progress
	concurrent atomic.Bool  // record was once called while a call was in progress
}

func newRecorder() *recorder {
	return &recorder{changed: make(chan struct{}, 1)}
}

// subscribe subscribes a new recorder to b until t ends.
func subscribe(t *testing.T, b bus.Bus) *recorder {
	r := newRecorder()
	t.Cleanup(b.Subscribe(r.record))
	return r
}

func (r *recorder) record(e chat.Event) {
	if r.inside.Add(1) > 1 {
		r.concurrent.Store(true)
	}
	defer r.inside.Add(-1)
	if e.Kind == chat.KindResync {
		r.resyncs.Add(1)
		return
	}
	r.mu.Lock()
	r.received = append(r.received, e)
	r.mu.Unlock()
	select {
	case r.changed <- struct{}{}:
	default:
	}
}

func (r *recorder) events() []chat.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]chat.Event(nil), r.received...)
}

// waitN waits until n events arrived and returns them; it fails the test
// when they do not arrive in time, or when more than n did.
func (r *recorder) waitN(t *testing.T, n int) []chat.Event {
	t.Helper()
	timeout := time.NewTimer(waitTimeout)
	defer timeout.Stop()
	for {
		got := r.events()
		if len(got) > n {
			t.Fatalf("received %d events, want %d", len(got), n)
		}
		if len(got) == n {
			return got
		}
		select {
		case <-r.changed:
		case <-timeout.C:
			t.Fatalf("received %d events within %v, want %d", len(got), waitTimeout, n)
		}
	}
}

// event is the seq-th event of publisher p: its author's id says who
// published it.
func event(p string, seq chat.Seq) chat.Event {
	return chat.Event{
		ConversationID: "conv",
		Seq:            seq,
		Time:           time.Unix(1700000000, int64(seq)).UTC(),
		Kind:           chat.KindMessage,
		Visibility:     chat.VisibleAll,
		Author:         chat.Participant{Role: chat.PartyAgent, ID: p},
		Text:           fmt.Sprintf("message %d from %s", seq, p),
	}
}

// fullEvents are one event of every kind, each with every field of its
// envelope and payload set, with times of nanosecond precision in a zone
// other than UTC.
func fullEvents() []chat.Event {
	online := 7
	zone := time.FixedZone("CET", 3600)
	at := time.Date(2026, 11, 24, 10, 11, 12, 123456789, zone)
	ref := chat.AgentRef{AgentID: "u-anna", AgentName: "Anna «A» <b>"}
	payloads := map[chat.Kind]chat.Data{
		chat.KindStarted:            chat.Started{QueueID: "queue-1"},
		chat.KindOffered:            chat.Offered{AgentRef: ref, QueueID: "queue-1", ExpiresAt: at.Add(30 * time.Second)},
		chat.KindOfferDeclined:      chat.OfferDeclined{AgentRef: ref, Reason: chat.ReasonExpired},
		chat.KindAgentJoined:        chat.AgentJoined{AgentRef: ref},
		chat.KindAgentLeft:          chat.AgentLeft{AgentRef: ref, Reason: chat.ReasonLeft},
		chat.KindRequeued:           chat.Requeued{QueueID: "queue-1", Reason: chat.ReasonDisconnected},
		chat.KindEnded:              chat.Ended{Reason: "customer_left"},
		chat.KindInvited:            chat.Invited{AgentRef: ref, QueueID: "queue-2", ExpiresAt: at.Add(time.Minute)},
		chat.KindInvitationDeclined: chat.InvitationDeclined{AgentRef: ref, QueueID: "queue-2", Reason: chat.ReasonWithdrawn},
		chat.KindTransferred:        chat.Transferred{AgentRef: ref, QueueID: "queue-2", Note: "note «n» <b>", ExpiresAt: at.Add(time.Minute)},
		chat.KindMonitored:          chat.Monitored{AgentRef: ref, Watching: true},
		chat.KindRerouted:           chat.Rerouted{AgentRef: ref, Priority: &online, QueueID: "queue-2"},
		chat.KindMenu:               chat.Menu{MenuID: "m1", Options: []chat.MenuOption{{ID: "1", Label: "Ja «takk» <b>"}, {ID: "b", Label: "Nei"}}, SavedMenuID: "plans"},
		chat.KindChoice:             chat.Choice{MenuID: "m1", OptionID: "b"},
		chat.KindMenuWithdrawn:      chat.MenuWithdrawn{MenuID: "m1"},
		chat.KindQueueStatus:        chat.QueueStatus{QueueID: "queue-1", Position: 3, AgentsOnline: &online},
		chat.KindAgentStatus:        chat.AgentStatusChange{AgentRef: ref, Status: chat.StatusPaused, ProfileID: "all", Reason: chat.ReasonMissedOffers},
		chat.KindPresence:           chat.Presence{AgentID: "u-anna", Online: true, Node: "node-1"},
		chat.KindSessionRevoked:     chat.SessionRevoked{UserID: "u-anna", TokenHash: "ab12"},
		chat.KindCustomerPresence: chat.CustomerPresence{Node: "node-1", Boot: "b1", Seq: 7,
			Online: []chat.ConversationID{"c1", "c2"}, Offline: []chat.ConversationID{"c3"}, Reset: true, Complete: true},
		chat.KindNodeHeartbeat:    chat.NodeHeartbeat{Node: "node-1", Boot: "b1", Seq: 7},
		chat.KindPresenceRequest:  chat.PresenceRequest{Node: "node-2"},
		chat.KindDirectoryChanged: chat.DirectoryChanged{Users: []chat.UserID{"u-anna"}, Queues: []chat.QueueID{"queue-1"}, Widget: true},
	}
	var out []chat.Event
	for i, k := range chat.Kinds() {
		if k == chat.KindResync {
			continue // never leaves its node
		}
		out = append(out, chat.Event{
			ConversationID: chat.ConversationID(chat.NewID()),
			Seq:            chat.Seq(42 + i),
			Time:           at,
			Kind:           k,
			Visibility:     chat.VisibleAgents,
			Author:         chat.Participant{Role: chat.PartyCustomer, ID: "cust-1", Name: "Åse «quoted» <b>"},
			ClientMsgID:    "client-1",
			Text:           "line one\nline two \u2603 \"quotes\" \\ </script>",
			Data:           payloads[k],
		})
	}
	return out
}

func mustPublish(t *testing.T, b bus.Bus, e chat.Event) {
	t.Helper()
	if err := b.Publish(t.Context(), e); err != nil {
		t.Fatalf("Publish(%s %d) = %v, want nil", e.Kind, e.Seq, err)
	}
}

// publishN publishes n events of publisher p, numbered from 1, and returns
// them. It may run in a goroutine of its own: it reports with t.Errorf.
func publishN(t *testing.T, b bus.Bus, p string, n int) []chat.Event {
	out := make([]chat.Event, 0, n)
	for i := 1; i <= n; i++ {
		e := event(p, chat.Seq(i))
		if err := b.Publish(t.Context(), e); err != nil {
			t.Errorf("Publish(%s %d) = %v, want nil", p, i, err)
			return out
		}
		out = append(out, e)
	}
	return out
}

// checkPerPublisherOrder checks that got holds each of the publishers'
// events 1..each exactly once and in order.
func checkPerPublisherOrder(t *testing.T, got []chat.Event, publishers, each int) {
	t.Helper()
	next := make(map[string]chat.Seq)
	for _, e := range got {
		p := e.Author.ID
		if e.Seq != next[p]+1 {
			t.Fatalf("from publisher %s: event %d after %d, want %d", p, e.Seq, next[p], next[p]+1)
		}
		next[p] = e.Seq
	}
	if len(next) != publishers {
		t.Errorf("events from %d publishers, want %d", len(next), publishers)
	}
	for p, last := range next {
		if last != chat.Seq(each) {
			t.Errorf("from publisher %s: last event %d, want %d", p, last, each)
		}
	}
}
