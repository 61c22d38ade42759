package routing

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"skranke/chat"
	"skranke/store"
)

// failingStore is the test store with its appends of some kinds failing,
// as a full disk or a database that went away would make them fail: the
// one thing these tests cannot make the real store do on cue.
type failingStore struct {
	Store
	mu   sync.Mutex
	fail map[chat.Kind]int // how many more appends of each kind fail
}

var errDiskFull = chat.E(chat.EUnavailable, "disk_full", "The disk is full.")

func (f *failingStore) failNext(k chat.Kind, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail[k] = n
}

func (f *failingStore) AppendEvent(ctx context.Context, e chat.Event) (store.Appended, error) {
	f.mu.Lock()
	n := f.fail[e.Kind]
	if n > 0 {
		f.fail[e.Kind] = n - 1
	}
	f.mu.Unlock()
	if n > 0 {
		return store.Appended{}, errDiskFull
	}
	return f.Store.AppendEvent(ctx, e)
}

// TestRouter_RepairAfterFailedAgentLeft: the agent_left at the end of a
// dropped agent's grace period fails (three times); the router tries again
// until it holds, so the chat goes back to the queue and on to an agent who
// is there, and no invariant stays broken.
func TestRouter_RepairAfterFailedAgentLeft(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.agent("a1", 2)
		e.agent("a2", 2)
		st := &failingStore{Store: e.db, fail: map[chat.Kind]int{}}
		r := e.startOn(st, Options{})
		e.login("a1", "p-sales")
		c1 := e.chat("sales")
		e.accept(c1, "a1")
		e.logout("a1")
		e.login("a2", "p-sales")
		st.failNext(chat.KindAgentLeft, 3)
		time.Sleep(61 * time.Second)
		synctest.Wait()
		if c := e.conv(c1); !c.HasAgent("a1") {
			t.Fatalf("the failure did not happen: %+v", c)
		}
		time.Sleep(30 * time.Second) // a few repairs
		synctest.Wait()
		c := e.conv(c1)
		if c.HasAgent("a1") || e.offeredTo(c1) != "a2" && !c.HasAgent("a2") {
			t.Errorf("after the store recovered: %s with agents %v, offer %+v; want a1 gone and the chat offered to a2", c.Status, c.Agents, c.Offer)
		}
		if v, err := r.Violations(t.Context()); err != nil || len(v) != 0 {
			t.Errorf("Violations() = %v, %v; want none", v, err)
		}
	})
}

// TestRouter_RepairAfterFailedRequeue: the requeue of a chat its last
// agent left fails; the router tries again, and meanwhile reports the
// broken invariant once it has lasted.
func TestRouter_RepairAfterFailedRequeue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.agent("a1", 2)
		st := &failingStore{Store: e.db, fail: map[chat.Kind]int{}}
		r := e.startOn(st, Options{RepairInterval: time.Minute, RetryDelay: 45 * time.Second})
		e.login("a1", "p-sales")
		c1 := e.chat("sales")
		e.accept(c1, "a1")
		st.failNext(chat.KindRequeued, 1000)
		if err := e.append(chat.Event{ConversationID: c1, Kind: chat.KindAgentLeft, Author: chat.Participant{Role: chat.PartyAgent, ID: "a1"},
			Data: chat.AgentLeft{AgentRef: chat.AgentRef{AgentID: "a1"}, Reason: chat.ReasonLeft}}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(3 * time.Minute)
		synctest.Wait()
		if c := e.conv(c1); c.Status != chat.StatusActive || len(c.Agents) != 0 {
			t.Fatalf("while the store fails: %s with %v, want active without agents", c.Status, c.Agents)
		}
		if v, _ := r.Violations(t.Context()); len(v) != 1 {
			t.Errorf("Violations() while the requeue keeps failing = %v, want the chat without an agent", v)
		}
		st.failNext(chat.KindRequeued, 0)
		time.Sleep(time.Minute)
		synctest.Wait()
		if c := e.conv(c1); c.Status != chat.StatusWaiting {
			t.Errorf("after the store recovered: %s, want waiting (requeued)", c.Status)
		}
		if v, err := r.Violations(t.Context()); err != nil || len(v) != 0 {
			t.Errorf("Violations() = %v, %v; want none", v, err)
		}
	})
}
