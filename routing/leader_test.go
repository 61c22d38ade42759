package routing

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"skranke/chat"
)

// nodePresence publishes that agent id is (or is not) on node.
func (e *env) nodePresence(id chat.UserID, node string, online bool) {
	e.t.Helper()
	e.publish(chat.Event{Time: time.Now(), Kind: chat.KindPresence, Visibility: chat.VisibleAgents, Data: chat.Presence{AgentID: id, Online: online, Node: node}})
}

func TestRouter_PresenceOnSeveralNodes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.agent("a1", 2)
		e.start(Options{})
		e.nodePresence("a1", "n1", true)
		e.nodePresence("a1", "n2", true)
		e.status("a1", chat.StatusReady, "p-sales")
		e.nodePresence("a1", "n1", false) // one of two tabs' nodes goes
		id := e.chat("sales")
		if got := e.offeredTo(id); got != "a1" {
			t.Fatalf("offered to %q, want a1: still connected to n2", got)
		}
		e.nodePresence("a1", "n2", false)
		e.checkSteps(id, []step{
			{chat.KindOffered, "a1", ""},
			{chat.KindOfferDeclined, "a1", chat.ReasonDisconnected},
		})
	})
}

func TestRouter_PresenceTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.agent("a1", 2)
		e.agent("a2", 2)
		e.start(Options{PresenceTimeout: 15 * time.Second, Grace: 60 * time.Second})
		e.nodePresence("a1", "n1", true)
		e.nodePresence("a2", "n2", true)
		e.status("a1", chat.StatusReady, "p-sales")
		e.status("a2", chat.StatusReady, "p-sales")
		id := e.chat("sales")
		first := e.offeredTo(id)
		e.accept(id, first)
		// Node n1 keeps repeating a1's presence; n2 dies and says nothing.
		for range 6 {
			time.Sleep(5 * time.Second)
			e.nodePresence("a1", "n1", true)
		}
		synctest.Wait()
		// 30 s on, a2's presence has timed out, a1's has not.
		id2 := e.chat("sales")
		if got := e.offeredTo(id2); got != "a1" {
			t.Errorf("second chat offered to %q, want a1 (a2's node stopped repeating)", got)
		}
		if first == "a2" {
			// a2's chat goes back to the queue after the grace period, counted
			// from when its presence timed out.
			time.Sleep(60 * time.Second)
			synctest.Wait()
			if c := e.conv(id); c.HasAgent("a2") {
				t.Errorf("a2 still in its chat after presence timeout and grace: %+v", c)
			}
		}
	})
}

func TestRouter_ResyncRereadsChats(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.agent("a1", 1)
		e.start(Options{})
		e.login("a1", "p-sales")
		id := e.chat("sales")
		e.accept(id, "a1")
		// The chat ends on another node and the announcement is lost: the
		// router still counts a1 as full.
		if _, err := e.db.AppendEvent(t.Context(), chat.Event{ConversationID: id, Kind: chat.KindEnded, Author: chat.System}); err != nil {
			t.Fatal(err)
		}
		id2 := e.chat("sales")
		if got := e.offeredTo(id2); got != "" {
			t.Fatalf("offered to %q while a1 seems full", got)
		}
		e.publish(chat.Event{Kind: chat.KindResync})
		if got := e.offeredTo(id2); got != "a1" {
			t.Errorf("after resync offered to %q, want a1", got)
		}
	})
}

// fakeElector hands out leases the test controls.
type fakeElector struct {
	mu      sync.Mutex
	grant   chan *fakeLease
	checked int
}

type fakeLease struct {
	e    *fakeElector
	done chan struct{}
	once sync.Once
	lost bool
}

func (f *fakeElector) Campaign(ctx context.Context) (Lease, error) {
	select {
	case l := <-f.grant:
		return l, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (l *fakeLease) Check(ctx context.Context) error {
	l.e.mu.Lock()
	defer l.e.mu.Unlock()
	l.e.checked++
	if l.lost {
		l.once.Do(func() { close(l.done) })
		return errors.New("lock lost")
	}
	return nil
}

func (l *fakeLease) Done() <-chan struct{} { return l.done }
func (l *fakeLease) Release()              { l.once.Do(func() { close(l.done) }) }

func TestRouter_RoutesOnlyWhileLeading(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.agent("a1", 3)
		el := &fakeElector{grant: make(chan *fakeLease)}
		r := e.start(Options{Elector: el})
		e.login("a1", "p-sales")
		id := e.chat("sales")
		if got := e.offeredTo(id); got != "" {
			t.Fatalf("offered to %q before leading", got)
		}
		// A follower knows the same as the leader would.
		qs, err := r.Queues(t.Context())
		if err != nil {
			t.Fatalf("follower's Queues: %v", err)
		}
		want := []QueueStat{{QueueID: "sales", Waiting: 1, AgentsOnline: 1, AgentsReady: 1, AgentsAvailable: 1}, {QueueID: "support"}}
		if diff := cmp.Diff(want, qs); diff != "" {
			t.Errorf("follower's Queues (-want +got):\n%s", diff)
		}
		lease := &fakeLease{e: el, done: make(chan struct{})}
		el.grant <- lease
		synctest.Wait()
		// A new leader knows no presence until nodes repeat it.
		e.login("a1", "p-sales")
		if got := e.offeredTo(id); got != "a1" {
			t.Fatalf("offered to %q after gaining leadership, want a1", got)
		}
		el.mu.Lock()
		checked := el.checked
		el.mu.Unlock()
		if checked == 0 {
			t.Errorf("the router made an offer without checking its lease")
		}
		// The lock is lost: the router must not route any more.
		el.mu.Lock()
		lease.lost = true
		el.mu.Unlock()
		e.reject(id, "a1")
		id2 := e.chat("sales")
		time.Sleep(10 * time.Second)
		synctest.Wait()
		if got := e.offeredTo(id2); got != "" {
			t.Errorf("offered to %q after losing leadership", got)
		}
		// Leading again, it rebuilds and routes.
		el.grant <- &fakeLease{e: el, done: make(chan struct{})}
		synctest.Wait()
		e.login("a1", "p-sales")
		if got := e.offeredTo(id2); got != "a1" && e.offeredTo(id) != "a1" {
			t.Errorf("after regaining leadership nothing was offered")
		}
	})
}
