package routing

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"skranke/bus"
	"skranke/chat"
	"skranke/store"
	"skranke/store/sqlite"
)

// env is a store and a bus with two queues (sales, support) and three
// profiles (p-sales, p-support, p-both), playing the part of the other
// packages: it appends and publishes what realtime would. It lives inside a
// synctest bubble, so time moves only when everything waits.
type env struct {
	t   *testing.T
	db  *sqlite.DB
	bus *bus.Local

	mu        sync.Mutex
	published []chat.Event // everything published on the bus, in order
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := t.Context()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"), sqlite.Options{})
	if err != nil {
		t.Fatalf("sqlite.Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	e := &env{t: t, db: db, bus: bus.NewLocal()}
	t.Cleanup(e.bus.Subscribe(func(ev chat.Event) {
		e.mu.Lock()
		e.published = append(e.published, ev)
		e.mu.Unlock()
	}))
	for _, q := range []chat.QueueID{"sales", "support"} {
		if _, err := store.CreateQueue(ctx, db, chat.Queue{ID: q, Name: string(q)}, testActor); err != nil {
			t.Fatalf("CreateQueue(%s): %v", q, err)
		}
	}
	for _, p := range []chat.Profile{
		{ID: "p-sales", Name: "Sales", Queues: []chat.QueueID{"sales"}},
		{ID: "p-support", Name: "Support", Queues: []chat.QueueID{"support"}},
		{ID: "p-both", Name: "Both", Queues: []chat.QueueID{"sales", "support"}},
	} {
		if _, err := store.CreateProfile(ctx, db, p, testActor); err != nil {
			t.Fatalf("CreateProfile(%s): %v", p.ID, err)
		}
	}
	return e
}

// testActor makes the tests' directory changes.
var testActor = chat.AuditActor{Name: "routing test"}

// router is a running Router.
type router struct {
	*Router
	stop func()
}

// start runs a Router until the test ends or stop is called.
func (e *env) start(opts Options) router {
	e.t.Helper()
	return e.startOn(e.db, opts)
}

// startOn runs a Router on st, the env's store or one wrapping it.
func (e *env) startOn(st Store, opts Options) router {
	e.t.Helper()
	log := slog.New(slog.NewTextHandler(e.t.Output(), &slog.HandlerOptions{Level: slog.LevelError + 1}))
	r := New(st, e.bus, log, opts)
	ctx, cancel := context.WithCancel(e.t.Context())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	synctest.Wait()
	stop := sync.OnceFunc(func() {
		cancel()
		if err := <-done; err != nil {
			e.t.Errorf("Run: %v", err)
		}
	})
	e.t.Cleanup(stop)
	return router{r, stop}
}

func (e *env) publish(ev chat.Event) {
	e.t.Helper()
	if err := e.bus.Publish(e.t.Context(), ev); err != nil {
		e.t.Fatalf("Publish(%s): %v", ev.Kind, err)
	}
	synctest.Wait()
}

// agent creates an agent (paused, offline).
func (e *env) agent(id chat.UserID, capacity int) {
	e.t.Helper()
	_, err := store.CreateUser(e.t.Context(), e.db, chat.User{ID: id, Username: string(id), DisplayName: "Agent " + string(id),
		Role: chat.RoleAgent, Capacity: capacity, Profiles: []chat.ProfileID{"p-sales", "p-support", "p-both"}, PasswordHash: "-"}, testActor)
	if err != nil {
		e.t.Fatalf("CreateUser(%s): %v", id, err)
	}
}

// status stores and announces an agent's status, as realtime does.
func (e *env) status(id chat.UserID, s chat.AgentStatus, p chat.ProfileID) {
	e.t.Helper()
	st, err := e.db.SetAgentState(e.t.Context(), chat.AgentState{UserID: id, Status: s, ProfileID: p})
	if err != nil {
		e.t.Fatalf("SetAgentState(%s): %v", id, err)
	}
	e.publish(chat.Event{Time: st.UpdatedAt, Kind: chat.KindAgentStatus, Visibility: chat.VisibleAgents, Data: chat.AgentStatusChange{AgentRef: chat.AgentRef{AgentID: id}, Status: s, ProfileID: p}})
}

func (e *env) presence(id chat.UserID, online bool) {
	e.t.Helper()
	e.publish(chat.Event{Time: time.Now(), Kind: chat.KindPresence, Visibility: chat.VisibleAgents, Data: chat.Presence{AgentID: id, Online: online}})
}

// login brings an agent online and ready with profile p.
func (e *env) login(id chat.UserID, p chat.ProfileID) {
	e.t.Helper()
	e.presence(id, true)
	e.status(id, chat.StatusReady, p)
}

// chat starts a chat in queue q as a customer would, and announces it.
func (e *env) chat(q chat.QueueID) chat.ConversationID {
	e.t.Helper()
	ctx := e.t.Context()
	cu, err := e.db.CreateCustomer(ctx, chat.Customer{ID: chat.CustomerID(chat.NewID()), TokenHash: chat.NewID()})
	if err != nil {
		e.t.Fatalf("CreateCustomer: %v", err)
	}
	res, err := e.db.StartConversation(ctx, store.StartConversation{ID: chat.ConversationID(chat.NewID()), CustomerID: cu.ID, QueueID: q})
	c := res.Conversation
	if err != nil {
		e.t.Fatalf("StartConversation: %v", err)
	}
	evs := e.events(c.ID)
	e.publish(evs[0])
	return c.ID
}

// append appends and publishes an event, as realtime does for an agent's
// request.
func (e *env) append(ev chat.Event) error {
	e.t.Helper()
	a, err := e.db.AppendEvent(e.t.Context(), ev)
	if err != nil {
		return err
	}
	e.publish(a.Event)
	return nil
}

func agentParty(id chat.UserID) chat.Participant {
	return chat.Participant{Role: chat.PartyAgent, ID: string(id), Name: "Agent " + string(id)}
}

func (e *env) accept(id chat.ConversationID, a chat.UserID) {
	e.t.Helper()
	if err := e.append(chat.Event{ConversationID: id, Kind: chat.KindAgentJoined, Author: agentParty(a), Data: chat.AgentJoined{AgentRef: chat.AgentRef{AgentID: a, AgentName: "Agent " + string(a)}}}); err != nil {
		e.t.Fatalf("accept(%s, %s): %v", id, a, err)
	}
}

func (e *env) reject(id chat.ConversationID, a chat.UserID) {
	e.t.Helper()
	if err := e.append(chat.Event{ConversationID: id, Kind: chat.KindOfferDeclined, Author: agentParty(a), Data: chat.OfferDeclined{AgentRef: chat.AgentRef{AgentID: a}, Reason: chat.ReasonRejected}}); err != nil {
		e.t.Fatalf("reject(%s, %s): %v", id, a, err)
	}
}

func (e *env) end(id chat.ConversationID) {
	e.t.Helper()
	if err := e.append(chat.Event{ConversationID: id, Kind: chat.KindEnded, Author: chat.System}); err != nil {
		e.t.Fatalf("end(%s): %v", id, err)
	}
}

func (e *env) conv(id chat.ConversationID) chat.Conversation {
	e.t.Helper()
	c, err := e.db.Conversation(e.t.Context(), id)
	if err != nil {
		e.t.Fatalf("Conversation(%s): %v", id, err)
	}
	return c
}

func (e *env) events(id chat.ConversationID) []chat.Event {
	e.t.Helper()
	evs, err := e.db.Events(e.t.Context(), id, 0, 0)
	if err != nil {
		e.t.Fatalf("Events(%s): %v", id, err)
	}
	return evs
}

// offeredTo returns the agent holding the chat's open offer, or "".
func (e *env) offeredTo(id chat.ConversationID) chat.UserID {
	e.t.Helper()
	if o := e.conv(id).Offer; o != nil {
		return o.AgentID
	}
	return ""
}

// step is a routing event of a conversation's log, in short.
type step struct {
	Kind   chat.Kind
	Agent  chat.UserID
	Reason string
}

// steps returns the routing events of a conversation's log.
func (e *env) steps(id chat.ConversationID) []step {
	e.t.Helper()
	var out []step
	for _, ev := range e.events(id) {
		if ev.Kind == chat.KindStarted || ev.Kind == chat.KindMessage {
			continue
		}
		out = append(out, step{ev.Kind, ev.Agent().AgentID, ev.Reason()})
	}
	return out
}

// publishedOf returns the published events of kind k.
func (e *env) publishedOf(k chat.Kind) []chat.Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []chat.Event
	for _, ev := range e.published {
		if ev.Kind == k {
			out = append(out, ev)
		}
	}
	return out
}

func (e *env) checkSteps(id chat.ConversationID, want []step) {
	e.t.Helper()
	if diff := cmp.Diff(want, e.steps(id)); diff != "" {
		e.t.Errorf("steps of %s (-want +got):\n%s", id, diff)
	}
}

func TestRouter_Offer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.agent("a1", 2)
		e.start(Options{})
		e.login("a1", "p-sales")
		start := time.Now()
		id := e.chat("sales")

		evs := e.events(id)
		if len(evs) != 2 {
			t.Fatalf("Events(%s) = %v, want started and offered", id, evs)
		}
		got := evs[1]
		want := chat.Event{
			ConversationID: id,
			Seq:            2,
			Time:           start.UTC(),
			Kind:           chat.KindOffered,
			Visibility:     chat.VisibleAgents,
			Author:         chat.System,
			Data:           chat.Offered{AgentRef: chat.AgentRef{AgentID: "a1", AgentName: "Agent a1"}, QueueID: "sales", ExpiresAt: start.Add(30 * time.Second).UTC()},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("offered event (-want +got):\n%s", diff)
		}
		pub := e.publishedOf(chat.KindOffered)
		if len(pub) != 1 || pub[0].Seq != 2 || pub[0].Agent().AgentID != "a1" {
			t.Errorf("published offered events = %v, want the stored one", pub)
		}
	})
}

func TestRouter_NotEligible(t *testing.T) {
	tests := []struct {
		name  string
		setup func(e *env)
	}{
		{"paused", func(e *env) { e.presence("a1", true); e.status("a1", chat.StatusPaused, "p-sales") }},
		{"offline", func(e *env) { e.status("a1", chat.StatusReady, "p-sales") }},
		{"went offline", func(e *env) { e.login("a1", "p-sales"); e.presence("a1", false) }},
		{"wrong profile", func(e *env) { e.login("a1", "p-support") }},
		{"no profile", func(e *env) { e.login("a1", "") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e := newEnv(t)
				e.agent("a1", 2)
				e.start(Options{})
				tt.setup(e)
				id := e.chat("sales")
				time.Sleep(time.Minute)
				synctest.Wait()
				if a := e.offeredTo(id); a != "" {
					t.Errorf("chat offered to %s, want no offer", a)
				}
				e.checkSteps(id, nil)
			})
		})
	}
}

func TestRouter_Reject(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.agent("a1", 2)
		e.agent("a2", 2)
		e.start(Options{})
		e.login("a1", "p-sales")
		e.login("a2", "p-sales")
		id := e.chat("sales")
		if a := e.offeredTo(id); a != "a1" {
			t.Fatalf("first offer to %q, want a1 (equal agents, lowest id)", a)
		}
		e.reject(id, "a1")
		if a := e.offeredTo(id); a != "a2" {
			t.Fatalf("after a1 rejected: offer to %q, want a2", a)
		}
		// Both have declined: the oldest decline (a1's) is retried, but
		// not before RetryDelay has passed since it.
		time.Sleep(2 * time.Second)
		e.reject(id, "a2")
		if a := e.offeredTo(id); a != "" {
			t.Fatalf("right after both rejected: offer to %q, want none yet", a)
		}
		time.Sleep(2*time.Second + 999*time.Millisecond)
		synctest.Wait()
		if a := e.offeredTo(id); a != "" {
			t.Fatalf("4.999s after a1's decline: offer to %q, want none yet", a)
		}
		time.Sleep(time.Millisecond)
		synctest.Wait()
		if a := e.offeredTo(id); a != "a1" {
			t.Fatalf("5s after a1's decline: offer to %q, want a1", a)
		}
		e.checkSteps(id, []step{
			{chat.KindOffered, "a1", ""},
			{chat.KindOfferDeclined, "a1", chat.ReasonRejected},
			{chat.KindOffered, "a2", ""},
			{chat.KindOfferDeclined, "a2", chat.ReasonRejected},
			{chat.KindOffered, "a1", ""},
		})
	})
}

func TestRouter_RejectKeepsPlace(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.agent("a1", 1)
		e.agent("a2", 1)
		e.start(Options{})
		e.login("a1", "p-sales")
		c1 := e.chat("sales")
		time.Sleep(time.Second)
		c2 := e.chat("sales")
		e.reject(c1, "a1")
		// a1 is free but declined c1, and nobody else is there: c2 goes to a1.
		if a := e.offeredTo(c2); a != "a1" {
			t.Fatalf("c2 offered to %q, want a1", a)
		}
		time.Sleep(time.Second)
		c3 := e.chat("sales")
		e.login("a2", "p-sales")
		if a := e.offeredTo(c1); a != "a2" {
			t.Errorf("c1 offered to %q, want a2: a rejected chat keeps its place", a)
		}
		if a := e.offeredTo(c3); a != "" {
			t.Errorf("c3 offered to %q, want none", a)
		}
		if got, want := e.conv(c1).Declined, []chat.UserID{"a1"}; !slices.Equal(got, want) {
			t.Errorf("c1 Declined = %v, want %v", got, want)
		}
	})
}

func TestRouter_Expiry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.agent("a1", 2)
		e.agent("a2", 2)
		e.start(Options{OfferTimeout: 10 * time.Second})
		e.login("a1", "p-sales")
		e.login("a2", "p-sales")
		id := e.chat("sales")
		time.Sleep(10*time.Second - time.Millisecond)
		synctest.Wait()
		e.checkSteps(id, []step{{chat.KindOffered, "a1", ""}})
		time.Sleep(time.Millisecond)
		synctest.Wait()
		e.checkSteps(id, []step{
			{chat.KindOffered, "a1", ""},
			{chat.KindOfferDeclined, "a1", chat.ReasonExpired},
			{chat.KindOffered, "a2", ""},
		})
		// An accept that the router hears of late (the bus is slow) makes
		// its expiry conflict; it re-reads the chat and counts a2's load.
		if _, err := e.db.AppendEvent(t.Context(), chat.Event{ConversationID: id, Kind: chat.KindAgentJoined, Author: agentParty("a2"), Data: chat.AgentJoined{AgentRef: chat.AgentRef{AgentID: "a2"}}}); err != nil {
			t.Fatalf("accept: %v", err)
		}
		time.Sleep(10 * time.Second)
		synctest.Wait()
		if c := e.conv(id); c.Status != chat.StatusActive || !c.HasAgent("a2") {
			t.Errorf("after accept and expiry: %+v, want active with a2", c)
		}
		e.logout("a1")
		c2, c3 := e.chat("sales"), e.chat("sales")
		if a, b := e.offeredTo(c2), e.offeredTo(c3); a != "a2" || b != "" {
			t.Errorf("two new chats offered to %q and %q, want a2 and none (capacity 2, one chat)", a, b)
		}
	})
}

func (e *env) logout(id chat.UserID) {
	e.t.Helper()
	e.presence(id, false)
}

func TestRouter_MissedOffersPause(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.agent("a1", 1)
		e.start(Options{})
		e.login("a1", "p-sales")
		id := e.chat("sales")
		// Three offers, each expiring; a re-offer to the only decliner
		// comes RetryDelay (5s) after each expiry.
		time.Sleep(30*time.Second + 5*time.Second + 30*time.Second + 5*time.Second + 30*time.Second)
		synctest.Wait()
		e.checkSteps(id, []step{
			{chat.KindOffered, "a1", ""},
			{chat.KindOfferDeclined, "a1", chat.ReasonExpired},
			{chat.KindOffered, "a1", ""},
			{chat.KindOfferDeclined, "a1", chat.ReasonExpired},
			{chat.KindOffered, "a1", ""},
			{chat.KindOfferDeclined, "a1", chat.ReasonExpired},
		})
		st, err := e.db.AgentState(t.Context(), "a1")
		if err != nil {
			t.Fatalf("AgentState: %v", err)
		}
		if st.Status != chat.StatusPaused || st.ProfileID != "p-sales" {
			t.Errorf("AgentState(a1) = %+v, want paused with profile p-sales", st)
		}
		pub := e.publishedOf(chat.KindAgentStatus)
		last := pub[len(pub)-1]
		want := chat.Event{
			Kind:       chat.KindAgentStatus,
			Visibility: chat.VisibleAgents,
			Author:     chat.System,
			Data:       chat.AgentStatusChange{AgentRef: chat.AgentRef{AgentID: "a1", AgentName: "Agent a1"}, Status: chat.StatusPaused, ProfileID: "p-sales", Reason: chat.ReasonMissedOffers},
		}
		last.Time = time.Time{}
		if diff := cmp.Diff(want, last); diff != "" {
			t.Errorf("agent_status published (-want +got):\n%s", diff)
		}
		time.Sleep(time.Minute)
		synctest.Wait()
		if a := e.offeredTo(id); a != "" {
			t.Errorf("offer to paused agent %s", a)
		}
		// Ready again: the count starts over.
		e.status("a1", chat.StatusReady, "p-sales")
		if a := e.offeredTo(id); a != "a1" {
			t.Errorf("after ready again: offer to %q, want a1", a)
		}
	})
}

func TestRouter_AcceptResetsMisses(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.agent("a1", 2)
		e.start(Options{})
		e.login("a1", "p-sales")
		c1 := e.chat("sales")
		time.Sleep(30*time.Second + 5*time.Second + 30*time.Second) // two misses
		synctest.Wait()
		c2 := e.chat("sales")
		e.accept(c2, "a1")
		time.Sleep(5 * time.Second) // c1 is offered again
		synctest.Wait()
		e.reject(c1, "a1") // a rejection counts neither way
		// Two more misses.
		time.Sleep(5*time.Second + 30*time.Second + 5*time.Second + 30*time.Second)
		synctest.Wait()
		st, err := e.db.AgentState(t.Context(), "a1")
		if err != nil {
			t.Fatalf("AgentState: %v", err)
		}
		if st.Status != chat.StatusReady {
			t.Errorf("AgentState(a1).Status = %s, want ready: the accept reset the misses", st.Status)
		}
		var expired int
		for _, s := range e.steps(c1) {
			if s.Reason == chat.ReasonExpired {
				expired++
			}
		}
		if expired != 4 {
			t.Errorf("c1 has %d expiries, want 4", expired)
		}
		time.Sleep(5*time.Second + 30*time.Second) // the third in a row
		synctest.Wait()
		if st, _ := e.db.AgentState(t.Context(), "a1"); st.Status != chat.StatusPaused {
			t.Errorf("AgentState(a1).Status = %s after 3 misses in a row, want paused", st.Status)
		}
	})
}

func TestRouter_Capacity(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.agent("a1", 2)
		e.start(Options{})
		e.login("a1", "p-sales")
		c1 := e.chat("sales")
		time.Sleep(time.Second)
		c2 := e.chat("sales")
		time.Sleep(time.Second)
		c3 := e.chat("sales")
		offers := func() []chat.UserID {
			return []chat.UserID{e.offeredTo(c1), e.offeredTo(c2), e.offeredTo(c3)}
		}
		if diff := cmp.Diff([]chat.UserID{"a1", "a1", ""}, offers()); diff != "" {
			t.Errorf("offers (-want +got):\n%s", diff)
		}
		e.accept(c1, "a1")
		if diff := cmp.Diff([]chat.UserID{"", "a1", ""}, offers()); diff != "" {
			t.Errorf("offers after accepting c1 (-want +got):\n%s", diff)
		}
		e.end(c1)
		if diff := cmp.Diff([]chat.UserID{"", "a1", "a1"}, offers()); diff != "" {
			t.Errorf("offers after ending c1 (-want +got):\n%s", diff)
		}
	})
}

func TestRouter_FairSpread(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.agent("a1", 4)
		e.agent("a2", 4)
		e.start(Options{})
		e.login("a1", "p-sales")
		e.login("a2", "p-both")
		got := map[chat.UserID]int{}
		for range 4 {
			id := e.chat("sales")
			got[e.offeredTo(id)]++
			time.Sleep(time.Second)
		}
		if diff := cmp.Diff(map[chat.UserID]int{"a1": 2, "a2": 2}, got); diff != "" {
			t.Errorf("offers per agent (-want +got):\n%s", diff)
		}
	})
}

func TestRouter_LeastLoadedFirst(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.agent("a1", 3)
		e.agent("a2", 3)
		e.start(Options{})
		e.login("a2", "p-sales")
		c1 := e.chat("sales")
		e.accept(c1, "a2")
		time.Sleep(time.Second)
		c2 := e.chat("sales")
		e.accept(c2, "a2")
		time.Sleep(time.Second)
		e.login("a1", "p-sales")
		c3 := e.chat("sales")
		if a := e.offeredTo(c3); a != "a1" {
			t.Fatalf("c3 offered to %q, want a1", a)
		}
		e.accept(c3, "a1")
		time.Sleep(time.Second)
		// a1 has one chat, offered just now; a2 has two, idle for longer.
		c4 := e.chat("sales")
		if a := e.offeredTo(c4); a != "a1" {
			t.Errorf("c4 offered to %q, want a1 (least loaded before longest idle)", a)
		}
		e.accept(c4, "a1")
		time.Sleep(time.Second)
		// Equal load: a2 has been idle for longer.
		c5 := e.chat("sales")
		if a := e.offeredTo(c5); a != "a2" {
			t.Errorf("c5 offered to %q, want a2 (equal load, idle longer)", a)
		}
	})
}

func TestRouter_Order(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.agent("a1", 1)
		e.start(Options{})
		var ids []chat.ConversationID
		for _, q := range []chat.QueueID{"support", "sales", "support", "sales"} {
			ids = append(ids, e.chat(q))
			time.Sleep(time.Second)
		}
		e.login("a1", "p-both")
		var got []chat.ConversationID
		for range ids {
			var offered chat.ConversationID
			for _, id := range ids {
				if e.offeredTo(id) == "a1" {
					offered = id
				}
			}
			if offered == "" {
				t.Fatalf("after %v: nothing offered", got)
			}
			got = append(got, offered)
			e.accept(offered, "a1")
			e.end(offered)
		}
		if diff := cmp.Diff(ids, got); diff != "" {
			t.Errorf("order of offers (-want +got):\n%s", diff)
		}
	})
}

func TestRouter_PresenceDrop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.agent("a1", 2)
		e.agent("a2", 1)
		e.start(Options{})
		e.login("a1", "p-sales")
		c0 := e.chat("support") // older than c1, but a1 does not serve support
		time.Sleep(time.Second)
		c1 := e.chat("sales")
		e.accept(c1, "a1")
		time.Sleep(time.Second)
		c2 := e.chat("sales")
		if a := e.offeredTo(c2); a != "a1" {
			t.Fatalf("c2 offered to %q, want a1", a)
		}
		e.logout("a1")
		e.checkSteps(c2, []step{
			{chat.KindOffered, "a1", ""},
			{chat.KindOfferDeclined, "a1", chat.ReasonDisconnected},
		})
		time.Sleep(time.Minute - time.Millisecond)
		synctest.Wait()
		if c := e.conv(c1); !c.HasAgent("a1") {
			t.Fatalf("before the grace period ended: c1 agents %v, want a1", c.Agents)
		}
		time.Sleep(time.Millisecond)
		synctest.Wait()
		e.checkSteps(c1, []step{
			{chat.KindOffered, "a1", ""},
			{chat.KindAgentJoined, "a1", ""},
			{chat.KindAgentLeft, "a1", chat.ReasonDisconnected},
			{chat.KindRequeued, "", chat.ReasonDisconnected},
		})
		if c := e.conv(c1); c.Status != chat.StatusWaiting || c.Priority != 1 {
			t.Errorf("c1 = %s priority %d, want waiting priority 1", c.Status, c.Priority)
		}
		// The requeued chat goes first, ahead of older c0 and c2.
		e.login("a2", "p-both")
		if a := e.offeredTo(c1); a != "a2" {
			t.Errorf("c1 offered to %q, want a2", a)
		}
		if a, b := e.offeredTo(c0), e.offeredTo(c2); a != "" || b != "" {
			t.Errorf("c0, c2 offered to %q, %q, want none", a, b)
		}
	})
}

func TestRouter_ReconnectWithinGrace(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.agent("a1", 2)
		e.start(Options{})
		e.login("a1", "p-sales")
		c1 := e.chat("sales")
		e.accept(c1, "a1")
		e.logout("a1")
		time.Sleep(59 * time.Second)
		e.presence("a1", true)
		time.Sleep(10 * time.Minute)
		synctest.Wait()
		if c := e.conv(c1); c.Status != chat.StatusActive || !c.HasAgent("a1") {
			t.Errorf("c1 = %s with %v, want active with a1", c.Status, c.Agents)
		}
		// The reconnected agent still gets offers.
		c2 := e.chat("sales")
		if a := e.offeredTo(c2); a != "a1" {
			t.Errorf("c2 offered to %q, want a1", a)
		}
		// A second drop gets a full grace period of its own.
		e.accept(c2, "a1")
		e.logout("a1")
		time.Sleep(30 * time.Second)
		e.presence("a1", true)
		time.Sleep(20 * time.Second)
		e.logout("a1")
		time.Sleep(59 * time.Second)
		synctest.Wait()
		if c := e.conv(c1); !c.HasAgent("a1") {
			t.Errorf("59s after the last drop: c1 agents %v, want a1", c.Agents)
		}
		time.Sleep(time.Second)
		synctest.Wait()
		for _, id := range []chat.ConversationID{c1, c2} {
			if c := e.conv(id); c.HasAgent("a1") || c.Status != chat.StatusWaiting {
				t.Errorf("60s after the last drop: %s %s with %v, want waiting without a1", id, c.Status, c.Agents)
			}
		}
	})
}

func TestRouter_Rebuild(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.agent("a1", 2)
		e.agent("a2", 3)
		r1 := e.start(Options{})
		e.login("a1", "p-sales")
		c0 := e.chat("sales")
		e.accept(c0, "a1")
		time.Sleep(time.Second)
		offeredAt := time.Now()
		c1 := e.chat("sales") // offered to a1, who is then full
		var waiting []chat.ConversationID
		for range 3 {
			time.Sleep(time.Second)
			waiting = append(waiting, e.chat("sales"))
		}
		r1.stop()

		time.Sleep(10 * time.Second)
		e.start(Options{})
		if c := e.conv(c1); c.Offer == nil || c.Offer.AgentID != "a1" || !c.Offer.ExpiresAt.Equal(offeredAt.Add(30*time.Second)) {
			t.Fatalf("after restart: c1 offer %+v, want a1's, expiring at %v", c.Offer, offeredAt.Add(30*time.Second))
		}
		time.Sleep(time.Until(offeredAt.Add(30 * time.Second)))
		synctest.Wait()
		evs := e.events(c1)
		last := evs[len(evs)-1]
		if last.Kind != chat.KindOfferDeclined || last.Reason() != chat.ReasonExpired || !last.Time.Equal(offeredAt.Add(30*time.Second)) {
			t.Errorf("last event of c1 = %s %s at %v, want offer_declined expired at the original expiry %v",
				last.Kind, last.Reason(), last.Time, offeredAt.Add(30*time.Second))
		}
		// a1 never came back: after the grace period (from the restart)
		// c0 is requeued, at the front.
		time.Sleep(time.Minute)
		synctest.Wait()
		if c := e.conv(c0); c.Status != chat.StatusWaiting || len(c.Agents) != 0 {
			t.Errorf("c0 = %s with %v, want waiting without agents", c.Status, c.Agents)
		}

		before := len(e.publishedOf(chat.KindOffered))
		e.login("a2", "p-sales")
		var order []chat.ConversationID
		for _, ev := range e.publishedOf(chat.KindOffered)[before:] {
			if ev.Agent().AgentID != "a2" {
				t.Errorf("offered %s to %s, want a2", ev.ConversationID, ev.Agent().AgentID)
			}
			order = append(order, ev.ConversationID)
		}
		// c0 (requeued) first, then c1 and the others oldest first, up to
		// a2's capacity of 3.
		want := []chat.ConversationID{c0, c1, waiting[0]}
		if diff := cmp.Diff(want, order); diff != "" {
			t.Errorf("offers after restart (-want +got):\n%s", diff)
		}
	})
}

func TestRouter_QueueStatus(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.agent("a1", 1)
		e.start(Options{})
		type status struct {
			Conv     chat.ConversationID
			Position int
			Online   int
		}
		seen := 0
		next := func() []status {
			t.Helper()
			var out []status
			pub := e.publishedOf(chat.KindQueueStatus)
			for _, ev := range pub[seen:] {
				qs, _ := ev.Data.(chat.QueueStatus)
				if ev.Visibility != chat.VisibleAll || qs.QueueID != "sales" || qs.AgentsOnline == nil {
					t.Errorf("queue_status event %+v: want visibility all, queue sales and agentsOnline", ev)
					continue
				}
				out = append(out, status{ev.ConversationID, qs.Position, *qs.AgentsOnline})
			}
			seen = len(pub)
			return out
		}
		check := func(what string, want []status) {
			t.Helper()
			if diff := cmp.Diff(want, next()); diff != "" {
				t.Errorf("%s: queue_status (-want +got):\n%s", what, diff)
			}
		}

		c1 := e.chat("sales")
		check("first chat, at once", []status{{c1, 1, 0}})
		time.Sleep(time.Second)
		c2 := e.chat("sales")
		check("second chat, at once", []status{{c2, 2, 0}})
		time.Sleep(time.Second)
		check("nothing changed", nil)

		e.presence("a1", true)
		e.status("a1", chat.StatusPaused, "p-sales")
		check("before StatusInterval", nil)
		time.Sleep(500 * time.Millisecond)
		synctest.Wait()
		check("agent online", []status{{c1, 1, 1}, {c2, 2, 1}})

		e.status("a1", chat.StatusReady, "p-sales") // c1 offered, still waiting
		time.Sleep(time.Second)
		synctest.Wait()
		check("offer made", nil)
		e.accept(c1, "a1")
		time.Sleep(time.Second)
		synctest.Wait()
		check("c1 accepted", []status{{c2, 1, 1}})
	})
}

func TestRouter_Queues(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.agent("a1", 1)
		e.agent("a2", 1)
		e.agent("a3", 1)
		r := e.start(Options{})
		e.login("a1", "p-sales")
		e.presence("a2", true)
		e.status("a2", chat.StatusPaused, "p-both")
		e.status("a3", chat.StatusReady, "p-both") // offline
		e.chat("sales")                            // offered to a1
		e.chat("sales")
		e.chat("support")
		got, err := r.Queues(t.Context())
		if err != nil {
			t.Fatalf("Queues: %v", err)
		}
		want := []QueueStat{
			{QueueID: "sales", Waiting: 2, AgentsOnline: 2, AgentsReady: 1},
			{QueueID: "support", Waiting: 1, AgentsOnline: 1, AgentsReady: 0},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Queues (-want +got):\n%s", diff)
		}
		if err := r.Run(t.Context()); err != ErrRunning {
			t.Errorf("second Run = %v, want ErrRunning", err)
		}
		r.stop()
		if _, err := r.Queues(t.Context()); chat.ErrorCode(err) != chat.EUnavailable {
			t.Errorf("Queues after stop: %v, want code unavailable", err)
		}
	})
}

// BenchmarkDispatch measures one routing decision in memory, without the
// store: the plan for 1000 waiting chats in 10 queues and 500 ready agents,
// each serving 3 queues with capacity 2 ("free"), and the same when every
// agent is at capacity ("busy"), the common case under load.
func BenchmarkDispatch(b *testing.B) {
	for _, busy := range []bool{false, true} {
		name := map[bool]string{false: "free", true: "busy"}[busy]
		b.Run(name, func(b *testing.B) {
			s := benchState(busy)
			now := time.Now()
			b.ReportAllocs()
			for b.Loop() {
				plan, _ := s.plan(now)
				// 1000 places for 1000 chats, but greedy in routing order:
				// a chat's queue may be full while an agent of other queues
				// has room.
				if !busy && len(plan) < 990 || busy && len(plan) != 0 {
					b.Fatalf("plan made %d offers", len(plan))
				}
			}
		})
	}
}

func benchState(busy bool) *state {
	s := newState(New(nil, nil, nil, Options{}))
	const queues = 10
	for q := range queues {
		id := chat.ProfileID(fmt.Sprintf("p%d", q))
		s.profiles[id] = chat.Profile{ID: id, Queues: []chat.QueueID{
			chat.QueueID(fmt.Sprint("q", q)), chat.QueueID(fmt.Sprint("q", (q+1)%queues)), chat.QueueID(fmt.Sprint("q", (q+2)%queues)),
		}}
	}
	now := time.Now()
	for i := range 500 {
		a := s.agent(chat.UserID(fmt.Sprintf("a%03d", i)))
		a.user.Capacity = 2
		a.online, a.status = true, chat.StatusReady
		a.profile = chat.ProfileID(fmt.Sprintf("p%d", i%queues))
		a.idleSince = now.Add(-time.Duration(i) * time.Second)
		if busy {
			a.load = 2
		}
	}
	for i := range 1000 {
		id := chat.ConversationID(fmt.Sprintf("c%04d", i))
		c := chat.Conversation{ID: id, QueueID: chat.QueueID(fmt.Sprint("q", i%queues)), Status: chat.StatusWaiting,
			QueuedAt: now.Add(-time.Duration(i) * time.Second)}
		if i%7 == 0 {
			c.Declined = []chat.UserID{chat.UserID(fmt.Sprintf("a%03d", i%500))}
		}
		s.setConv(c)
	}
	return s
}

// BenchmarkOffline times one agent going offline among 10,000 active chats
// of 2,500 agents (4 each), as every agent does at once in a reconnect
// storm: the router's loop does it once per agent.
func BenchmarkOffline(b *testing.B) {
	s := newState(New(nil, nil, nil, Options{}))
	const agents, perAgent = 2500, 4
	for i := range agents * perAgent {
		id := chat.ConversationID(fmt.Sprintf("c%05d", i))
		s.setConv(chat.Conversation{ID: id, Status: chat.StatusActive, LastSeq: 3, Agents: []chat.UserID{chat.UserID(fmt.Sprintf("a%04d", i/perAgent))}})
	}
	ctx := b.Context()
	i := 0
	for b.Loop() {
		a := s.agent(chat.UserID(fmt.Sprintf("a%04d", i%agents)))
		a.online, a.grace = true, nil
		s.offline(ctx, a)
		if a.load != perAgent || len(a.holds) != perAgent {
			b.Fatalf("agent %s holds %d chats (load %d), want %d", a.id, len(a.holds), a.load, perAgent)
		}
		i++
	}
}

// TestSetConv_holds: an agent's holds are the chats whose load it counts
// (holders), through an offer, a join, an invitation and the end, so that
// offline and leaveChats, which read only them, miss none.
func TestSetConv_holds(t *testing.T) {
	s := newState(New(nil, nil, nil, Options{}))
	later := time.Now().Add(time.Hour)
	steps := []struct {
		name string
		c    chat.Conversation
		want map[chat.UserID][]chat.ConversationID
	}{
		{"offered", chat.Conversation{ID: "c1", Status: chat.StatusWaiting, LastSeq: 2, Offer: &chat.Offer{AgentID: "a1", ExpiresAt: later}},
			map[chat.UserID][]chat.ConversationID{"a1": {"c1"}}},
		{"joined, another invited", chat.Conversation{ID: "c1", Status: chat.StatusActive, LastSeq: 4, Agents: []chat.UserID{"a1"},
			Invitation: &chat.Invitation{AgentID: "a2", InvitedBy: "a1", ExpiresAt: later}},
			map[chat.UserID][]chat.ConversationID{"a1": {"c1"}, "a2": {"c1"}}},
		{"the first left", chat.Conversation{ID: "c1", Status: chat.StatusActive, LastSeq: 6, Agents: []chat.UserID{"a2"}},
			map[chat.UserID][]chat.ConversationID{"a1": {}, "a2": {"c1"}}},
		{"ended", chat.Conversation{ID: "c1", Status: chat.StatusEnded, LastSeq: 7},
			map[chat.UserID][]chat.ConversationID{"a1": {}, "a2": {}}},
	}
	for _, st := range steps {
		s.setConv(st.c)
		for id, want := range st.want {
			a := s.agent(id)
			got := []chat.ConversationID{}
			for _, cv := range s.heldBy(a, func(*conv) bool { return true }) {
				got = append(got, cv.c.ID)
			}
			if !slices.Equal(got, want) || a.load != len(want) {
				t.Errorf("%s: agent %s holds %v (load %d), want %v", st.name, id, got, a.load, want)
			}
		}
	}
}

// TestPlacesOf: the places of many fresh chats at once are each chat's
// placeOf, across queues, priorities and equal queue times.
func TestPlacesOf(t *testing.T) {
	s := newState(New(nil, nil, nil, Options{}))
	now := time.Now()
	var cvs []*conv
	for i := range 300 {
		c := chat.Conversation{ID: chat.ConversationID(fmt.Sprintf("c%03d", (i*7)%300)), QueueID: chat.QueueID(fmt.Sprint("q", i%3)),
			Status: chat.StatusWaiting, Priority: i % 2, QueuedAt: now.Add(-time.Duration(i%10) * time.Second)}
		switch i % 5 {
		case 3:
			c.Status = chat.StatusActive
		case 4:
			c.CustomerLeftAt = now // not queued: its customer left
		}
		s.setConv(c)
		if cv := s.convs[c.ID]; queued(cv) && i%2 == 0 {
			cvs = append(cvs, cv)
		}
	}
	got := s.placesOf(cvs)
	for _, cv := range cvs {
		if want := s.placeOf(cv.c); got[cv.c.ID] != want {
			t.Errorf("placesOf gives %s place %d, placeOf %d", cv.c.ID, got[cv.c.ID], want)
		}
	}
	if len(got) != len(cvs) {
		t.Errorf("placesOf(%d chats) = %d places", len(cvs), len(got))
	}
}

// BenchmarkDispatch_busy times the dispatch that follows every turn of the
// router's loop, among 10,000 active chats and no agent with room: what it
// costs is looking, since there is nothing to offer.
func BenchmarkDispatch_busy(b *testing.B) {
	s := newState(New(nil, nil, nil, Options{}))
	s.leading = true
	for i := range 10000 {
		id := chat.ConversationID(fmt.Sprintf("c%05d", i))
		s.convs[id] = &conv{c: chat.Conversation{ID: id, Status: chat.StatusActive, LastSeq: 3, Agents: []chat.UserID{chat.UserID(fmt.Sprintf("a%04d", i/4))}}}
	}
	ctx := b.Context()
	for b.Loop() {
		s.dispatch(ctx)
	}
}

// countingStore counts the conversations the router reads one by one.
type countingStore struct {
	*sqlite.DB
	mu    sync.Mutex
	reads int
}

func (c *countingStore) Conversation(ctx context.Context, id chat.ConversationID) (chat.Conversation, error) {
	c.mu.Lock()
	c.reads++
	c.mu.Unlock()
	return c.DB.Conversation(ctx, id)
}

func (c *countingStore) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reads
}

// The router takes each next event of a chat it knows by the chat's rules
// (chat.Apply), not by reading the chat back, and routes as it would with
// what it read: a rejected chat goes to the other agent, an accepted one
// counts in its agent's load, an ended one frees it. It reads a chat only
// when it has not seen it or has missed events of it.
func TestRouter_FollowsEvents(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.agent("a1", 1)
		e.agent("a2", 1)
		st := &countingStore{DB: e.db}
		e.startOn(st, Options{})
		e.login("a1", "p-sales")
		e.login("a2", "p-sales")

		id := e.chat("sales")
		if a := e.offeredTo(id); a != "a1" {
			t.Fatalf("first offer to %q, want a1", a)
		}
		read := st.count()
		if read != 1 {
			t.Errorf("reads after the chat started = %d, want 1 (the new chat)", read)
		}
		e.reject(id, "a1")
		if a := e.offeredTo(id); a != "a2" {
			t.Fatalf("after a1 rejected: offer to %q, want a2", a)
		}
		e.accept(id, "a2")
		// a2 is full (capacity 1): the next chat is a1's.
		id2 := e.chat("sales")
		if a := e.offeredTo(id2); a != "a1" {
			t.Fatalf("second chat offered to %q, want a1 (a2 is full)", a)
		}
		e.accept(id2, "a1")
		e.end(id)
		// a2 is free again.
		id3 := e.chat("sales")
		if a := e.offeredTo(id3); a != "a2" {
			t.Fatalf("third chat offered to %q, want a2 (freed by the end of the first)", a)
		}
		if got, want := st.count(), read+2; got != want {
			t.Errorf("reads = %d, want %d: one for each new chat, none for the events that followed", got, want)
		}

		// An event the router did not see (appended, not published) leaves
		// a gap: the next one is read, not applied.
		if _, err := e.db.AppendEvent(t.Context(), chat.Event{ConversationID: id2, Kind: chat.KindMessage, Visibility: chat.VisibleAll, Author: agentParty("a1"), Text: "hello"}); err != nil {
			t.Fatalf("AppendEvent: %v", err)
		}
		before := st.count()
		e.end(id2)
		if got := st.count(); got != before+1 {
			t.Errorf("reads after an event past a gap = %d, want %d", got, before+1)
		}
		if a := e.offeredTo(id3); a != "a2" {
			t.Errorf("third chat's offer is to %q, want a2 still", a)
		}
		id4 := e.chat("sales")
		if a := e.offeredTo(id4); a != "a1" {
			t.Errorf("fourth chat offered to %q, want a1 (freed by the end read after the gap)", a)
		}
	})
}
