// Package storetest is the conformance suite of store.Store: the same tests,
// run unchanged by every backend (SQLite, PostgreSQL), so that both keep one
// contract. A backend's test calls
//
//	func TestStore(t *testing.T) { storetest.Run(t, openForTest) }
//
// and the tests are named TestStore/<Method>/<case>.
//
// Where store.go leaves a choice open, the suite fixes it:
//   - Events of an unknown conversation is not_found; of a known one with
//     nothing after the given Seq, an empty list.
//   - AppendEvent dedupes by (conversation, author id, ClientMsgID) before
//     applying the rules, so a retry after the chat ended still gets the
//     original event.
//   - StartConversation with an unknown queue is invalid, with an unknown
//     customer not_found.
//   - DeleteSession of an unknown session is not an error.
//   - AgentState of an agent with none stored is paused, no profile, zero
//     UpdatedAt; SetAgentState with an unknown status or profile is invalid,
//     with an unknown user not_found.
//   - Lists compare nil and empty slices as equal (cmpopts.EquateEmpty).
//   - Directory changes (store/directory.go) are checked through the
//     functions of package store, which every store runs over its own
//     EditDirectory: versions, what each change refuses, and its audit entry.
package storetest

import (
	"context"
	"errors"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"skranke/chat"
	"skranke/store"
)

// RunChatLog runs the chat log's part of the suite alone, for a store
// whose search takes another way than Run's stores take (the PostgreSQL
// store's plan for common words).
func RunChatLog(t *testing.T, open func(t *testing.T, clock store.Clock) store.Store) {
	s := suite{open: open}
	for _, name := range slices.Sorted(maps.Keys(chatLogTests)) {
		test := chatLogTests[name]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			test(t, s.fixture(t))
		})
	}
}

// Run runs the conformance suite against the stores that open returns.
//
// open returns a new, empty store for test t whose clock is clock; it is
// called once per test, from parallel tests. Run closes the store when t
// ends; open cleans up anything else (files, schemas) with t.Cleanup.
func Run(t *testing.T, open func(t *testing.T, clock store.Clock) store.Store) {
	s := suite{open: open}
	for _, g := range []struct {
		name  string
		tests map[string]func(t *testing.T, f *fixture)
	}{
		{"Queue", queueTests},
		{"Profile", profileTests},
		{"User", userTests},
		{"Widget", widgetTests},
		{"APIToken", tokenTests},
		{"Audit", auditTests},
		{"Setup", setupTests},
		{"Session", sessionTests},
		{"Customer", customerTests},
		{"Identity", identityTests},
		{"SSO", ssoTests},
		{"AgentState", agentStateTests},
		{"StartConversation", startConversationTests},
		{"Conversations", conversationsTests},
		{"AppendEvent", appendEventTests},
		{"Events", eventsTests},
		{"Participations", participationTests},
		{"ChatLog", chatLogTests},
		{"Outbox", outboxTests},
		{"Webhook", webhookTests},
		{"Erasure", erasureTests},
		{"CustomerPresence", customerPresenceTests},
		{"Attachments", attachmentTests},
		{"Supervision", supervisionTests},
		{"Health", healthTests},
		{"Predefined", predefinedTests},
	} {
		t.Run(g.name, func(t *testing.T) {
			for _, name := range slices.Sorted(maps.Keys(g.tests)) {
				test := g.tests[name]
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					test(t, s.fixture(t))
				})
			}
		})
	}
}

type suite struct {
	open func(t *testing.T, clock store.Clock) store.Store
}

// fixture is one test's store, its clock, and a few helpers.
type fixture struct {
	st    store.Store
	clock *clock
	ctx   context.Context
}

// start is where every test's clock begins: in a zone other than UTC and
// with nanoseconds, so a store that loses either shows it.
var start = time.Date(2026, 11, 25, 11, 0, 0, 123456789, time.FixedZone("CET", 3600))

func (s suite) fixture(t *testing.T) *fixture {
	t.Helper()
	c := &clock{now: start}
	st := s.open(t, c.Now)
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
	})
	return &fixture{st: st, clock: c, ctx: t.Context()}
}

// clock is a store.Clock that moves only when told.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the clock's time.
func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Add moves the clock forward by d and returns the new time.
func (c *clock) Add(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return c.now
}

// opts are the cmp options of every comparison. Times compare with
// time.Time.Equal (cmp uses Equal methods), so zone and monotonic reading
// do not matter, only the instant.
var opts = cmp.Options{cmpopts.EquateEmpty()}

// diff returns the difference between got and want, "" if none.
func diff(got, want any) string { return cmp.Diff(want, got, opts) }

// wantCode fails t unless err has code code (chat.ErrorCode).
func wantCode(t *testing.T, call string, err error, code string) {
	t.Helper()
	if got := chat.ErrorCode(err); got != code {
		t.Errorf("%s: error %v (code %q), want code %q", call, err, got, code)
	}
}

// wantError fails t unless err is an *chat.Error equal to want.
func wantError(t *testing.T, call string, err error, want error) {
	t.Helper()
	var got, w *chat.Error
	if !errors.As(want, &w) {
		t.Fatalf("%s: want %v is not a *chat.Error", call, want)
	}
	if !errors.As(err, &got) {
		t.Errorf("%s: error %v, want %v", call, err, want)
		return
	}
	if got.Code != w.Code || got.Reason != w.Reason || got.Message != w.Message {
		t.Errorf("%s: error %+v, want %+v", call, *got, *w)
	}
}

// Fixture helpers. They fail the test at once on error.

func (f *fixture) queue(t *testing.T, id chat.QueueID, name string) chat.Queue {
	t.Helper()
	q, err := store.CreateQueue(f.ctx, f.st, chat.Queue{ID: id, Name: name}, tester)
	if err != nil {
		t.Fatalf("CreateQueue(%s) = %v", id, err)
	}
	return q
}

func (f *fixture) customer(t *testing.T, id chat.CustomerID) chat.Customer {
	t.Helper()
	c, err := f.st.CreateCustomer(f.ctx, chat.Customer{ID: id, TokenHash: "hash-" + string(id)})
	if err != nil {
		t.Fatalf("CreateCustomer(%s) = %v", id, err)
	}
	return c
}

// conversation starts a new conversation in queue "sales" (created if
// need be) for a new customer cust.
func (f *fixture) conversation(t *testing.T, cust chat.CustomerID) chat.Conversation {
	t.Helper()
	if _, err := f.st.Queue(f.ctx, "sales"); chat.ErrorCode(err) == chat.ENotFound {
		f.queue(t, "sales", "Sales")
	}
	f.customer(t, cust)
	return f.start(t, cust)
}

func (f *fixture) start(t *testing.T, cust chat.CustomerID) chat.Conversation {
	t.Helper()
	s := store.StartConversation{ID: chat.ConversationID("conv-" + chat.NewID()), CustomerID: cust, QueueID: "sales", CustomerName: "Kari"}
	res, err := f.st.StartConversation(f.ctx, s)
	c, created := res.Conversation, res.Created
	if err != nil || !created {
		t.Fatalf("StartConversation(%+v) = %v, %v, want created", s, created, err)
	}
	return c
}

func (f *fixture) append(t *testing.T, e chat.Event) store.Appended {
	t.Helper()
	a, err := f.st.AppendEvent(f.ctx, e)
	if err != nil {
		t.Fatalf("AppendEvent(%s %+v) = %v", e.Kind, e, err)
	}
	return a
}

func (f *fixture) events(t *testing.T, id chat.ConversationID) []chat.Event {
	t.Helper()
	es, err := f.st.Events(f.ctx, id, 0, 0)
	if err != nil {
		t.Fatalf("Events(%s) = %v", id, err)
	}
	return es
}

// checkStored checks that the store's conversation equals want, and that
// want is also the fold of the conversation's log by chat's rules: the row
// never disagrees with the log.
func (f *fixture) checkStored(t *testing.T, want chat.Conversation) {
	t.Helper()
	got, err := f.st.Conversation(f.ctx, want.ID)
	if err != nil {
		t.Fatalf("Conversation(%s) = %v", want.ID, err)
	}
	if d := diff(got, want); d != "" {
		t.Errorf("Conversation(%s) mismatch (-want +got):\n%s", want.ID, d)
	}
	if d := diff(fold(t, f.events(t, want.ID)), want); d != "" {
		t.Errorf("fold of Events(%s) mismatch (-want +got):\n%s", want.ID, d)
	}
}

// fold rebuilds a conversation from its log with chat's own functions.
func fold(t *testing.T, es []chat.Event) chat.Conversation {
	t.Helper()
	if len(es) == 0 || es[0].Kind != chat.KindStarted {
		t.Fatalf("log %+v does not begin with started", es)
	}
	s := es[0]
	started, ok := s.Data.(chat.Started)
	if !ok {
		t.Fatalf("started event %+v has payload %T", s, s.Data)
	}
	c, _, err := chat.NewConversation(s.ConversationID, chat.CustomerID(s.Author.ID), started.QueueID, s.Author.Name, s.Time)
	if err != nil {
		t.Fatalf("NewConversation from %+v: %v", s, err)
	}
	for _, e := range es[1:] {
		if c, _, err = c.Apply(e); err != nil {
			t.Fatalf("replaying %+v: %v", e, err)
		}
	}
	return c
}

// Events authored by the parties of a conversation.

func customerOf(c chat.Conversation) chat.Participant {
	return chat.Participant{Role: chat.PartyCustomer, ID: string(c.CustomerID), Name: c.CustomerName}
}

func agent(id chat.UserID) chat.Participant {
	return chat.Participant{Role: chat.PartyAgent, ID: string(id), Name: "Agent " + string(id)}
}

func message(c chat.Conversation, author chat.Participant, clientMsgID, text string) chat.Event {
	return chat.Event{ConversationID: c.ID, Kind: chat.KindMessage, Visibility: chat.VisibleAll,
		Author: author, ClientMsgID: clientMsgID, Text: text}
}
