package storetest

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"skranke/chat"
	"skranke/store"
)

// tester is who makes the suite's directory changes.
var tester = chat.AuditActor{UserID: "u-tester", Name: "Tester"}

// Fixture helpers of the directory. They fail the test at once on error.

func (f *fixture) profile(t *testing.T, p chat.Profile) chat.Profile {
	t.Helper()
	got, err := store.CreateProfile(f.ctx, f.st, p, tester)
	if err != nil {
		t.Fatalf("CreateProfile(%+v) = %v", p, err)
	}
	return got
}

// newUser returns a user to create.
func newUser(id chat.UserID, username, displayName string) chat.User {
	return chat.User{ID: id, Username: username, DisplayName: displayName, Role: chat.RoleAgent,
		Capacity: 3, PasswordHash: "$hash$" + username}
}

func (f *fixture) user(t *testing.T, u chat.User) chat.User {
	t.Helper()
	got, err := store.CreateUser(f.ctx, f.st, u, tester)
	if err != nil {
		t.Fatalf("CreateUser(%+v) = %v", u, err)
	}
	return got
}

func (f *fixture) getQueue(t *testing.T, id chat.QueueID) chat.Queue {
	t.Helper()
	q, err := f.st.Queue(f.ctx, id)
	if err != nil {
		t.Fatalf("Queue(%s) = %v", id, err)
	}
	return q
}

func (f *fixture) getUser(t *testing.T, id chat.UserID) chat.User {
	t.Helper()
	u, err := f.st.User(f.ctx, id)
	if err != nil {
		t.Fatalf("User(%s) = %v", id, err)
	}
	return u
}

// lastAudit returns the newest audit entry.
func (f *fixture) lastAudit(t *testing.T) chat.AuditEntry {
	t.Helper()
	es, err := f.st.AuditEntries(f.ctx, store.AuditFilter{Limit: 1})
	if err != nil || len(es) != 1 {
		t.Fatalf("AuditEntries(limit 1) = %v, %v", es, err)
	}
	return es[0]
}

// decodeAs decodes an audit entry's JSON record.
func decodeAs[T any](t *testing.T, what string, b json.RawMessage) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s %s: %v", what, b, err)
	}
	return v
}

func ptr[T any](v T) *T { return &v }

// hours are opening hours to store and read back.
var hours = &chat.OpeningHours{TimeZone: "Europe/Oslo",
	Weekly:     []chat.WeeklyHours{{Day: "mon", Open: "08:00", Close: "16:00"}, {Day: "tue", Open: "08:00", Close: "24:00"}},
	Exceptions: []chat.HoursException{{Date: "2026-12-24", Open: "09:00", Close: "12:00", Note: "Christmas Eve"}, {Date: "2026-12-25"}}}

var queueTests = map[string]func(t *testing.T, f *fixture){
	"create and get": func(t *testing.T, f *fixture) {
		q := chat.Queue{ID: "sales", Name: "Sales", OfferTimeoutSeconds: 45, Priority: 3,
			WaitingText: "Hold on", ClosedText: "We open at eight", Hours: hours}
		got, err := store.CreateQueue(f.ctx, f.st, q, tester)
		want := q
		want.Version = 1
		if err != nil || diff(got, want) != "" {
			t.Fatalf("CreateQueue(%+v) = %+v, %v; want %+v", q, got, err, want)
		}
		if d := diff(f.getQueue(t, "sales"), want); d != "" {
			t.Errorf("Queue(sales) mismatch (-want +got):\n%s", d)
		}
		e := f.lastAudit(t)
		if e.Action != chat.AuditQueueCreate || e.Actor != tester || e.Target != (chat.AuditTarget{Kind: "queue", ID: "sales", Name: "Sales"}) ||
			e.Before != nil || !e.Time.Equal(f.clock.Now()) {
			t.Errorf("audit entry of the creation = %+v", e)
		}
		if d := diff(decodeAs[chat.Queue](t, "after", e.After), want); d != "" {
			t.Errorf("audit after mismatch (-want +got):\n%s", d)
		}
	},
	"list by name": func(t *testing.T, f *fixture) {
		b := f.queue(t, "q1", "Billing")
		s := f.queue(t, "q2", "Sales")
		a := f.queue(t, "q3", "Accounts")
		got, err := f.st.Queues(f.ctx)
		if err != nil {
			t.Fatalf("Queues() = %v", err)
		}
		if d := diff(got, []chat.Queue{a, b, s}); d != "" {
			t.Errorf("Queues() mismatch (-want +got):\n%s", d)
		}
	},
	"empty list": func(t *testing.T, f *fixture) {
		got, err := f.st.Queues(f.ctx)
		if err != nil || len(got) != 0 {
			t.Errorf("Queues() on an empty store = %v, %v, want none", got, err)
		}
	},
	"duplicate id": func(t *testing.T, f *fixture) {
		f.queue(t, "sales", "Sales")
		_, err := store.CreateQueue(f.ctx, f.st, chat.Queue{ID: "sales", Name: "Other"}, tester)
		wantCode(t, "CreateQueue(sales) again", err, chat.EConflict)
		if got := f.getQueue(t, "sales"); got.Name != "Sales" {
			t.Errorf("Queue(sales).Name after a conflict = %q, want %q", got.Name, "Sales")
		}
	},
	"invalid": func(t *testing.T, f *fixture) {
		_, err := store.CreateQueue(f.ctx, f.st, chat.Queue{ID: "Sales!", Name: "Sales"}, tester)
		wantCode(t, "CreateQueue(bad id)", err, chat.EInvalid)
		_, err = f.st.Queue(f.ctx, "Sales!")
		wantCode(t, "Queue after a refused CreateQueue", err, chat.ENotFound)
		if es, _ := f.st.AuditEntries(f.ctx, store.AuditFilter{}); len(es) != 0 {
			t.Errorf("a refused change left audit entries %+v", es)
		}
	},
	"not found": func(t *testing.T, f *fixture) {
		_, err := f.st.Queue(f.ctx, "nope")
		wantCode(t, "Queue(nope)", err, chat.ENotFound)
		_, err = store.UpdateQueue(f.ctx, f.st, "nope", chat.QueueUpdate{Version: 1, Name: ptr("x")}, tester)
		wantCode(t, "UpdateQueue(nope)", err, chat.ENotFound)
	},
	"update": func(t *testing.T, f *fixture) {
		old := f.queue(t, "sales", "Sales")
		f.clock.Add(time.Minute)
		got, err := store.UpdateQueue(f.ctx, f.st, "sales", chat.QueueUpdate{Version: 1, Name: ptr("Sales desk"), Priority: ptr(5),
			ClosedText: ptr("Closed"), OfferTimeoutSeconds: ptr(20)}, tester)
		want := old
		want.Name, want.Priority, want.ClosedText, want.OfferTimeoutSeconds, want.Version = "Sales desk", 5, "Closed", 20, 2
		if err != nil || diff(got, want) != "" {
			t.Fatalf("UpdateQueue = %+v, %v; want %+v", got, err, want)
		}
		if d := diff(f.getQueue(t, "sales"), want); d != "" {
			t.Errorf("Queue(sales) after the update mismatch (-want +got):\n%s", d)
		}
		e := f.lastAudit(t)
		if e.Action != chat.AuditQueueUpdate || decodeAs[chat.Queue](t, "before", e.Before).Name != "Sales" ||
			decodeAs[chat.Queue](t, "after", e.After).Name != "Sales desk" {
			t.Errorf("audit entry of the update = %+v", e)
		}
		// The hours are set and cleared as a whole.
		got, err = store.UpdateQueue(f.ctx, f.st, "sales", chat.QueueUpdate{Version: 2, SetHours: true, Hours: hours}, tester)
		if err != nil || diff(got.Hours, hours) != "" || got.Version != 3 || got.Name != "Sales desk" {
			t.Fatalf("UpdateQueue(hours) = %+v, %v", got, err)
		}
		if d := diff(f.getQueue(t, "sales").Hours, hours); d != "" {
			t.Errorf("hours read back mismatch (-want +got):\n%s", d)
		}
		got, err = store.UpdateQueue(f.ctx, f.st, "sales", chat.QueueUpdate{Version: 3, SetHours: true}, tester)
		if err != nil || got.Hours != nil || f.getQueue(t, "sales").Hours != nil {
			t.Errorf("UpdateQueue(always open) = %+v, %v; want no hours", got, err)
		}
	},
	"stale version": func(t *testing.T, f *fixture) {
		f.queue(t, "sales", "Sales")
		if _, err := store.UpdateQueue(f.ctx, f.st, "sales", chat.QueueUpdate{Version: 1, Name: ptr("First")}, tester); err != nil {
			t.Fatalf("first UpdateQueue = %v", err)
		}
		_, err := store.UpdateQueue(f.ctx, f.st, "sales", chat.QueueUpdate{Version: 1, Name: ptr("Second")}, tester)
		if e := chat.ErrorOf(err); e.Code != chat.EConflict || e.Reason != "stale_version" {
			t.Errorf("UpdateQueue from version 1 after another change = %v, want conflict stale_version", err)
		}
		_, err = store.UpdateQueue(f.ctx, f.st, "sales", chat.QueueUpdate{Name: ptr("Third")}, tester)
		wantCode(t, "UpdateQueue without a version", err, chat.EInvalid)
		if got := f.getQueue(t, "sales"); got.Name != "First" || got.Version != 2 {
			t.Errorf("Queue(sales) = %+v, want the first change only", got)
		}
	},
	"invalid update": func(t *testing.T, f *fixture) {
		f.queue(t, "sales", "Sales")
		_, err := store.UpdateQueue(f.ctx, f.st, "sales", chat.QueueUpdate{Version: 1, SetHours: true, Hours: &chat.OpeningHours{TimeZone: "Nowhere/City"}}, tester)
		wantCode(t, "UpdateQueue(bad hours)", err, chat.EInvalid)
		if got := f.getQueue(t, "sales"); got.Hours != nil || got.Version != 1 {
			t.Errorf("Queue(sales) after a refused update = %+v", got)
		}
	},
	"remove": func(t *testing.T, f *fixture) {
		f.queue(t, "sales", "Sales")
		f.queue(t, "support", "Support")
		f.profile(t, chat.Profile{ID: "p1", Name: "Both", Queues: []chat.QueueID{"sales", "support"}})
		f.profile(t, chat.Profile{ID: "p2", Name: "Support", Queues: []chat.QueueID{"support"}})
		at := f.clock.Add(time.Minute)
		res, err := store.RemoveQueue(f.ctx, f.st, "sales", 1, tester)
		if err != nil || !slices.Equal(res.Profiles, []chat.ProfileID{"p1"}) || !res.Queue.RemovedAt.Equal(at) || res.Queue.Version != 2 {
			t.Fatalf("RemoveQueue(sales) = %+v, %v; want it removed now, from p1", res, err)
		}
		// It is kept for the chats' history, but listed nowhere.
		if got := f.getQueue(t, "sales"); !got.RemovedAt.Equal(at) {
			t.Errorf("Queue(sales) after removing = %+v, want it with RemovedAt", got)
		}
		qs, _ := f.st.Queues(f.ctx)
		if len(qs) != 1 || qs[0].ID != "support" {
			t.Errorf("Queues() after removing sales = %+v", qs)
		}
		p1, _ := f.st.Profile(f.ctx, "p1")
		if !slices.Equal(p1.Queues, []chat.QueueID{"support"}) || p1.Version != 2 {
			t.Errorf("Profile(p1) after removing sales = %+v, want only support at version 2", p1)
		}
		if e := f.lastAudit(t); e.Action != chat.AuditQueueRemove || e.Target.ID != "sales" {
			t.Errorf("audit entry of the removal = %+v", e)
		}
		// A removed queue takes no chats, no changes, and keeps its id.
		f.customer(t, "c1")
		_, err = f.st.StartConversation(f.ctx, store.StartConversation{CustomerID: "c1", QueueID: "sales"})
		wantCode(t, "StartConversation in a removed queue", err, chat.EInvalid)
		_, err = store.UpdateQueue(f.ctx, f.st, "sales", chat.QueueUpdate{Version: 2, Name: ptr("x")}, tester)
		wantCode(t, "UpdateQueue of a removed queue", err, chat.ENotFound)
		_, err = store.CreateQueue(f.ctx, f.st, chat.Queue{ID: "sales", Name: "Sales again"}, tester)
		wantCode(t, "CreateQueue with a removed queue's id", err, chat.EConflict)
		_, err = store.CreateProfile(f.ctx, f.st, chat.Profile{ID: "p3", Name: "P", Queues: []chat.QueueID{"sales"}}, tester)
		wantCode(t, "CreateProfile with a removed queue", err, chat.EInvalid)
	},
	"remove refused while chats wait": func(t *testing.T, f *fixture) {
		c := f.conversation(t, "c1") // waiting in sales
		_, err := store.RemoveQueue(f.ctx, f.st, "sales", 0, tester)
		e := chat.ErrorOf(err)
		if e.Code != chat.EConflict || e.Reason != "queue_in_use" || e.Params["waiting"] != 1 || e.Params["active"] != 0 {
			t.Errorf("RemoveQueue with a waiting chat = %+v, want conflict queue_in_use with 1 waiting", e)
		}
		f.append(t, chat.Event{ConversationID: c.ID, Kind: chat.KindEnded, Author: customerOf(c), Data: chat.Ended{}})
		if _, err := store.RemoveQueue(f.ctx, f.st, "sales", 0, tester); err != nil {
			t.Errorf("RemoveQueue after the chat ended = %v", err)
		}
	},
	"remove refused for the widget's queue": func(t *testing.T, f *fixture) {
		f.queue(t, "sales", "Sales")
		if _, err := store.UpdateWidget(f.ctx, f.st, chat.WidgetUpdate{Version: 1, FixedQueue: ptr[chat.QueueID]("sales")}, tester); err != nil {
			t.Fatalf("UpdateWidget(fixed sales) = %v", err)
		}
		_, err := store.RemoveQueue(f.ctx, f.st, "sales", 0, tester)
		if e := chat.ErrorOf(err); e.Code != chat.EConflict || e.Reason != "queue_in_widget" {
			t.Errorf("RemoveQueue of the widget's fixed queue = %v, want conflict queue_in_widget", err)
		}
	},
	"remove with a stale version": func(t *testing.T, f *fixture) {
		f.queue(t, "sales", "Sales")
		_, err := store.RemoveQueue(f.ctx, f.st, "sales", 7, tester)
		wantCode(t, "RemoveQueue(version 7)", err, chat.EConflict)
	},
}

var profileTests = map[string]func(t *testing.T, f *fixture){
	"create and get": func(t *testing.T, f *fixture) {
		f.queue(t, "sales", "Sales")
		f.queue(t, "support", "Support")
		want := chat.Profile{ID: "p1", Name: "Front line", Queues: []chat.QueueID{"support", "sales"}, Version: 1}
		f.profile(t, chat.Profile{ID: "p1", Name: "Front line", Queues: []chat.QueueID{"support", "sales"}})
		got, err := f.st.Profile(f.ctx, "p1")
		if err != nil {
			t.Fatalf("Profile(p1) = %v", err)
		}
		if d := diff(got, want); d != "" {
			t.Errorf("Profile(p1) mismatch (-want +got):\n%s", d)
		}
		if e := f.lastAudit(t); e.Action != chat.AuditProfileCreate || diff(decodeAs[chat.Profile](t, "after", e.After), want) != "" {
			t.Errorf("audit entry of the creation = %+v", e)
		}
	},
	"list by name with queues": func(t *testing.T, f *fixture) {
		f.queue(t, "sales", "Sales")
		f.queue(t, "support", "Support")
		ps := []chat.Profile{
			{ID: "p1", Name: "Sales only", Queues: []chat.QueueID{"sales"}},
			{ID: "p2", Name: "Everything", Queues: []chat.QueueID{"sales", "support"}},
			{ID: "p3", Name: "Nothing yet"},
		}
		for i, p := range ps {
			ps[i] = f.profile(t, p)
		}
		got, err := f.st.Profiles(f.ctx)
		if err != nil {
			t.Fatalf("Profiles() = %v", err)
		}
		if d := diff(got, []chat.Profile{ps[1], ps[2], ps[0]}); d != "" {
			t.Errorf("Profiles() mismatch (-want +got):\n%s", d)
		}
	},
	"unknown queue": func(t *testing.T, f *fixture) {
		f.queue(t, "sales", "Sales")
		p := chat.Profile{ID: "p1", Name: "P", Queues: []chat.QueueID{"sales", "nope"}}
		_, err := store.CreateProfile(f.ctx, f.st, p, tester)
		if e := chat.ErrorOf(err); e.Code != chat.EInvalid || e.Params["field"] != "queues" || e.Params["queue"] != "nope" {
			t.Errorf("CreateProfile with an unknown queue = %+v, want invalid about queues, naming nope", e)
		}
		_, err = f.st.Profile(f.ctx, "p1")
		wantCode(t, "Profile(p1) after a refused CreateProfile", err, chat.ENotFound)
	},
	"duplicate id": func(t *testing.T, f *fixture) {
		f.profile(t, chat.Profile{ID: "p1", Name: "P"})
		_, err := store.CreateProfile(f.ctx, f.st, chat.Profile{ID: "p1", Name: "P"}, tester)
		wantCode(t, "CreateProfile(p1) again", err, chat.EConflict)
	},
	"not found": func(t *testing.T, f *fixture) {
		_, err := f.st.Profile(f.ctx, "nope")
		wantCode(t, "Profile(nope)", err, chat.ENotFound)
		_, err = store.DeleteProfile(f.ctx, f.st, "nope", 0, tester)
		wantCode(t, "DeleteProfile(nope)", err, chat.ENotFound)
	},
	"update": func(t *testing.T, f *fixture) {
		f.queue(t, "a", "A")
		f.queue(t, "b", "B")
		f.queue(t, "c", "C")
		f.profile(t, chat.Profile{ID: "p1", Name: "P", Queues: []chat.QueueID{"a", "b"}})
		got, err := store.UpdateProfile(f.ctx, f.st, "p1", chat.ProfileUpdate{Version: 1, Queues: &[]chat.QueueID{"c", "a"}}, tester)
		want := chat.Profile{ID: "p1", Name: "P", Queues: []chat.QueueID{"c", "a"}, Version: 2}
		if err != nil || diff(got, want) != "" {
			t.Fatalf("UpdateProfile(queues c, a) = %+v, %v; want %+v", got, err, want)
		}
		if stored, _ := f.st.Profile(f.ctx, "p1"); diff(stored, want) != "" {
			t.Errorf("Profile(p1) = %+v, want %+v", stored, want)
		}
		_, err = store.UpdateProfile(f.ctx, f.st, "p1", chat.ProfileUpdate{Version: 1, Name: ptr("Late")}, tester)
		wantCode(t, "UpdateProfile from an old version", err, chat.EConflict)
		_, err = store.UpdateProfile(f.ctx, f.st, "p1", chat.ProfileUpdate{Version: 2, Queues: &[]chat.QueueID{"nope"}}, tester)
		wantCode(t, "UpdateProfile with an unknown queue", err, chat.EInvalid)
	},
	"delete pauses its agents": func(t *testing.T, f *fixture) {
		f.queue(t, "sales", "Sales")
		f.profile(t, chat.Profile{ID: "p1", Name: "P", Queues: []chat.QueueID{"sales"}})
		f.profile(t, chat.Profile{ID: "p2", Name: "Q"})
		u := newUser("u1", "anna", "Anna")
		u.Profiles = []chat.ProfileID{"p1", "p2"}
		f.user(t, u)
		f.user(t, newUser("u2", "bjorn", "Bjørn"))
		if _, err := f.st.SetAgentState(f.ctx, chat.AgentState{UserID: "u1", Status: chat.StatusReady, ProfileID: "p1"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.st.SetAgentState(f.ctx, chat.AgentState{UserID: "u2", Status: chat.StatusReady, ProfileID: "p2"}); err != nil {
			t.Fatal(err)
		}
		paused, err := store.DeleteProfile(f.ctx, f.st, "p1", 1, tester)
		if err != nil || !slices.Equal(paused, []chat.UserID{"u1"}) {
			t.Fatalf("DeleteProfile(p1) = %v, %v; want u1 paused", paused, err)
		}
		if st, _ := f.st.AgentState(f.ctx, "u1"); st.Status != chat.StatusPaused || st.ProfileID != "" {
			t.Errorf("AgentState(u1) after its profile went = %+v, want paused without a profile", st)
		}
		if st, _ := f.st.AgentState(f.ctx, "u2"); st.Status != chat.StatusReady || st.ProfileID != "p2" {
			t.Errorf("AgentState(u2) = %+v, want it untouched", st)
		}
		if got := f.getUser(t, "u1"); !slices.Equal(got.Profiles, []chat.ProfileID{"p2"}) {
			t.Errorf("User(u1).Profiles after deleting p1 = %v, want [p2]", got.Profiles)
		}
		if e := f.lastAudit(t); e.Action != chat.AuditProfileDelete || e.After != nil || decodeAs[chat.Profile](t, "before", e.Before).ID != "p1" {
			t.Errorf("audit entry of the deletion = %+v", e)
		}
	},
}

var userTests = map[string]func(t *testing.T, f *fixture){
	"language kept, version and audit untouched, kept through an update": func(t *testing.T, f *fixture) {
		f.user(t, newUser("u1", "anna", "Anna"))
		before := f.lastAudit(t)
		got, err := store.SetLanguage(f.ctx, f.st, "u1", "nb")
		if err != nil || got.Language != "nb" || got.Version != 1 {
			t.Fatalf("SetLanguage(u1, nb) = %+v, %v; want language nb at version 1", got, err)
		}
		if u := f.getUser(t, "u1"); u.Language != "nb" || u.Version != 1 {
			t.Errorf("User(u1) = language %q, version %d; want nb, 1", u.Language, u.Version)
		}
		if e := f.lastAudit(t); e.ID != before.ID {
			t.Errorf("choosing a language audited %+v", e)
		}
		if _, err := store.SetLanguage(f.ctx, f.st, "u1", "de"); chat.ErrorCode(err) != chat.EInvalid {
			t.Errorf("SetLanguage(u1, de) = %v, want invalid", err)
		}
		if _, err := store.SetLanguage(f.ctx, f.st, "nobody", "en"); chat.ErrorCode(err) != chat.ENotFound {
			t.Errorf("SetLanguage(nobody) = %v, want not found", err)
		}
		if _, err := store.UpdateUser(f.ctx, f.st, "u1", chat.UserUpdate{Version: 1, DisplayName: ptr("Anna B")}, tester); err != nil {
			t.Fatal(err)
		}
		if u := f.getUser(t, "u1"); u.Language != "nb" || u.DisplayName != "Anna B" {
			t.Errorf("after an update: language %q, name %q; want nb, Anna B", u.Language, u.DisplayName)
		}
	},
	"create and get": func(t *testing.T, f *fixture) {
		f.profile(t, chat.Profile{ID: "p1", Name: "P1"})
		f.profile(t, chat.Profile{ID: "p2", Name: "P2"})
		now := f.clock.Add(time.Minute)
		u := newUser("u1", "anna", "Anna")
		u.Profiles = []chat.ProfileID{"p2", "p1"}
		got, err := store.CreateUser(f.ctx, f.st, u, tester)
		if err != nil {
			t.Fatalf("CreateUser(%+v) = %v", u, err)
		}
		want := u
		want.CreatedAt, want.Version = now, 1
		if d := diff(got, want); d != "" {
			t.Errorf("CreateUser(%+v) mismatch (-want +got):\n%s", u, d)
		}
		if d := diff(f.getUser(t, "u1"), want); d != "" {
			t.Errorf("User(u1) mismatch (-want +got):\n%s", d)
		}
		byName, err := f.st.UserByUsername(f.ctx, "anna")
		if err != nil {
			t.Fatalf("UserByUsername(anna) = %v", err)
		}
		if d := diff(byName, want); d != "" {
			t.Errorf("UserByUsername(anna) mismatch (-want +got):\n%s", d)
		}
		if e := f.lastAudit(t); e.Action != chat.AuditUserCreate || string(e.After) == "" {
			t.Errorf("audit entry of the creation = %+v", e)
		} else if m := decodeAs[map[string]any](t, "after", e.After); m["passwordHash"] != nil || m["username"] != "anna" {
			t.Errorf("audit record of a user = %v, want it without the password hash", m)
		}
	},
	"list by display name": func(t *testing.T, f *fixture) {
		b := f.user(t, newUser("u1", "bjorn", "Bjørn"))
		a := f.user(t, newUser("u2", "anna", "Anna"))
		c := f.user(t, newUser("u3", "carl", "Carl"))
		got, err := f.st.Users(f.ctx)
		if err != nil {
			t.Fatalf("Users() = %v", err)
		}
		if d := diff(got, []chat.User{a, b, c}); d != "" {
			t.Errorf("Users() mismatch (-want +got):\n%s", d)
		}
	},
	"duplicate username": func(t *testing.T, f *fixture) {
		f.user(t, newUser("u1", "anna", "Anna"))
		_, err := store.CreateUser(f.ctx, f.st, newUser("u2", "anna", "Another Anna"), tester)
		if e := chat.ErrorOf(err); e.Code != chat.EConflict || e.Params["field"] != "username" {
			t.Errorf("CreateUser(u2, anna) = %+v, want a conflict about the username", e)
		}
		_, err = f.st.User(f.ctx, "u2")
		wantCode(t, "User(u2) after a refused CreateUser", err, chat.ENotFound)
	},
	"duplicate id": func(t *testing.T, f *fixture) {
		f.user(t, newUser("u1", "anna", "Anna"))
		_, err := store.CreateUser(f.ctx, f.st, newUser("u1", "other", "Other"), tester)
		wantCode(t, "CreateUser(u1, other)", err, chat.EConflict)
	},
	"invalid": func(t *testing.T, f *fixture) {
		u := newUser("u1", "anna", "Anna")
		u.Profiles = []chat.ProfileID{"nope"}
		_, err := store.CreateUser(f.ctx, f.st, u, tester)
		wantCode(t, "CreateUser with an unknown profile", err, chat.EInvalid)
		u = newUser("u1", "anna", "Anna")
		u.PasswordHash = ""
		_, err = store.CreateUser(f.ctx, f.st, u, tester)
		wantCode(t, "CreateUser without a password", err, chat.EInvalid)
		_, err = f.st.User(f.ctx, "u1")
		wantCode(t, "User(u1) after refused creations", err, chat.ENotFound)
	},
	"not found": func(t *testing.T, f *fixture) {
		_, err := f.st.User(f.ctx, "nope")
		wantCode(t, "User(nope)", err, chat.ENotFound)
		_, err = f.st.UserByUsername(f.ctx, "nope")
		wantCode(t, "UserByUsername(nope)", err, chat.ENotFound)
		_, err = store.UpdateUser(f.ctx, f.st, "nope", chat.UserUpdate{Version: 1}, tester)
		wantCode(t, "UpdateUser(nope)", err, chat.ENotFound)
	},
	"update": func(t *testing.T, f *fixture) {
		f.profile(t, chat.Profile{ID: "p1", Name: "P1"})
		old := f.user(t, newUser("u1", "anna", "Anna"))
		ch, err := store.UpdateUser(f.ctx, f.st, "u1", chat.UserUpdate{Version: 1, DisplayName: ptr("Anna B"), Capacity: ptr(5),
			Role: ptr(chat.RoleSupervisor), Profiles: &[]chat.ProfileID{"p1"}}, tester)
		want := old
		want.DisplayName, want.Capacity, want.Role, want.Profiles, want.Version = "Anna B", 5, chat.RoleSupervisor, []chat.ProfileID{"p1"}, 2
		if err != nil || diff(ch.User, want) != "" || ch.Paused || ch.Deactivated {
			t.Fatalf("UpdateUser = %+v, %v; want %+v", ch, err, want)
		}
		if d := diff(f.getUser(t, "u1"), want); d != "" {
			t.Errorf("User(u1) mismatch (-want +got):\n%s", d)
		}
		_, err = store.UpdateUser(f.ctx, f.st, "u1", chat.UserUpdate{Version: 1, Capacity: ptr(9)}, tester)
		wantCode(t, "UpdateUser from an old version", err, chat.EConflict)
		_, err = store.UpdateUser(f.ctx, f.st, "u1", chat.UserUpdate{Version: 2, Capacity: ptr(0)}, tester)
		wantCode(t, "UpdateUser(capacity 0)", err, chat.EInvalid)
		if got := f.getUser(t, "u1"); got.Capacity != 5 || got.Version != 2 {
			t.Errorf("User(u1) after refused updates = %+v", got)
		}
	},
	"deactivate and reactivate": func(t *testing.T, f *fixture) {
		f.profile(t, chat.Profile{ID: "p1", Name: "P1"})
		u := newUser("u1", "anna", "Anna")
		u.Profiles = []chat.ProfileID{"p1"}
		f.user(t, u)
		now := f.clock.Now()
		for _, h := range []string{"th1", "th2"} {
			if err := f.st.CreateSession(f.ctx, chat.Session{TokenHash: h, UserID: "u1", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.st.SetAgentState(f.ctx, chat.AgentState{UserID: "u1", Status: chat.StatusReady, ProfileID: "p1"}); err != nil {
			t.Fatal(err)
		}
		at := f.clock.Add(time.Minute)
		ch, err := store.UpdateUser(f.ctx, f.st, "u1", chat.UserUpdate{Version: 1, Active: ptr(false)}, tester)
		if err != nil || !ch.Deactivated || !ch.Paused || !ch.User.DeactivatedAt.Equal(at) {
			t.Fatalf("UpdateUser(deactivate) = %+v, %v", ch, err)
		}
		slices.Sort(ch.SessionsEnded)
		if !slices.Equal(ch.SessionsEnded, []string{"th1", "th2"}) {
			t.Errorf("sessions ended = %v, want th1 and th2", ch.SessionsEnded)
		}
		for _, h := range []string{"th1", "th2"} {
			_, err := f.st.Session(f.ctx, h)
			wantCode(t, "Session("+h+") of a deactivated user", err, chat.ENotFound)
		}
		if st, _ := f.st.AgentState(f.ctx, "u1"); st.Status != chat.StatusPaused || st.ProfileID != "" {
			t.Errorf("AgentState of a deactivated user = %+v, want paused without a profile", st)
		}
		if got := f.getUser(t, "u1"); got.Active() {
			t.Errorf("User(u1) = %+v, want deactivated", got)
		}
		ch, err = store.UpdateUser(f.ctx, f.st, "u1", chat.UserUpdate{Version: 2, Active: ptr(true)}, tester)
		if err != nil || ch.Deactivated || !ch.User.Active() || !f.getUser(t, "u1").Active() {
			t.Errorf("UpdateUser(reactivate) = %+v, %v", ch, err)
		}
	},
	"taking the active profile away pauses": func(t *testing.T, f *fixture) {
		f.profile(t, chat.Profile{ID: "p1", Name: "P1"})
		f.profile(t, chat.Profile{ID: "p2", Name: "P2"})
		u := newUser("u1", "anna", "Anna")
		u.Profiles = []chat.ProfileID{"p1", "p2"}
		f.user(t, u)
		if _, err := f.st.SetAgentState(f.ctx, chat.AgentState{UserID: "u1", Status: chat.StatusReady, ProfileID: "p1"}); err != nil {
			t.Fatal(err)
		}
		ch, err := store.UpdateUser(f.ctx, f.st, "u1", chat.UserUpdate{Version: 1, Profiles: &[]chat.ProfileID{"p1"}}, tester)
		if err != nil || ch.Paused {
			t.Errorf("UpdateUser(keeping the active profile) = %+v, %v; want not paused", ch, err)
		}
		ch, err = store.UpdateUser(f.ctx, f.st, "u1", chat.UserUpdate{Version: 2, Profiles: &[]chat.ProfileID{"p2"}}, tester)
		if err != nil || !ch.Paused {
			t.Errorf("UpdateUser(taking the active profile) = %+v, %v; want paused", ch, err)
		}
		if st, _ := f.st.AgentState(f.ctx, "u1"); st.Status != chat.StatusPaused || st.ProfileID != "" {
			t.Errorf("AgentState(u1) = %+v, want paused without a profile", st)
		}
	},
	"the last administrator stays": func(t *testing.T, f *fixture) {
		a := newUser("u1", "admin", "Admin")
		a.Role = chat.RoleAdmin
		f.user(t, a)
		for _, upd := range []chat.UserUpdate{{Version: 1, Active: ptr(false)}, {Version: 1, Role: ptr(chat.RoleAgent)}} {
			_, err := store.UpdateUser(f.ctx, f.st, "u1", upd, tester)
			if e := chat.ErrorOf(err); e.Code != chat.EConflict || e.Reason != "last_admin" {
				t.Errorf("UpdateUser(%+v) of the only administrator = %v, want conflict last_admin", upd, err)
			}
		}
		err := store.DeleteUser(f.ctx, f.st, "u1", 0, tester)
		wantCode(t, "DeleteUser of the only administrator", err, chat.EConflict)
		b := newUser("u2", "second", "Second")
		b.Role = chat.RoleAdmin
		f.user(t, b)
		if _, err := store.UpdateUser(f.ctx, f.st, "u1", chat.UserUpdate{Version: 1, Role: ptr(chat.RoleAgent)}, tester); err != nil {
			t.Errorf("UpdateUser(admin to agent) with another administrator = %v", err)
		}
		_, err = store.UpdateUser(f.ctx, f.st, "u2", chat.UserUpdate{Version: 1, Active: ptr(false)}, tester)
		wantCode(t, "deactivating the last administrator left", err, chat.EConflict)
	},
	"set password": func(t *testing.T, f *fixture) {
		f.user(t, newUser("u1", "anna", "Anna"))
		now := f.clock.Now()
		for _, h := range []string{"mine", "other1", "other2"} {
			if err := f.st.CreateSession(f.ctx, chat.Session{TokenHash: h, UserID: "u1", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
		}
		ended, err := store.SetPassword(f.ctx, f.st, "u1", "$new$", "mine", tester)
		slices.Sort(ended)
		if err != nil || !slices.Equal(ended, []string{"other1", "other2"}) {
			t.Fatalf("SetPassword = %v, %v; want the other two sessions ended", ended, err)
		}
		if _, err := f.st.Session(f.ctx, "mine"); err != nil {
			t.Errorf("the kept session: %v", err)
		}
		if got := f.getUser(t, "u1"); got.PasswordHash != "$new$" || got.Version != 1 {
			t.Errorf("User(u1) after SetPassword = %+v, want the new hash at version 1", got)
		}
		if e := f.lastAudit(t); e.Action != chat.AuditUserPassword || e.Before != nil || e.After != nil {
			t.Errorf("audit entry of a password change = %+v, want no records", e)
		}
	},
	"delete": func(t *testing.T, f *fixture) {
		f.user(t, newUser("u1", "anna", "Anna"))
		if err := store.DeleteUser(f.ctx, f.st, "u1", 3, tester); chat.ErrorCode(err) != chat.EConflict {
			t.Errorf("DeleteUser(version 3) = %v, want conflict", err)
		}
		if err := store.DeleteUser(f.ctx, f.st, "u1", 1, tester); err != nil {
			t.Fatalf("DeleteUser(u1) = %v", err)
		}
		_, err := f.st.User(f.ctx, "u1")
		wantCode(t, "User(u1) after DeleteUser", err, chat.ENotFound)
		if e := f.lastAudit(t); e.Action != chat.AuditUserDelete || e.After != nil {
			t.Errorf("audit entry of the deletion = %+v", e)
		}
	},
	"no deleting who took part": func(t *testing.T, f *fixture) {
		f.user(t, newUser("u1", "anna", "Anna"))
		c := f.conversation(t, "c1")
		offer := f.clock.Now().Add(time.Minute)
		f.append(t, chat.Event{ConversationID: c.ID, Kind: chat.KindOffered, Author: chat.System,
			Data: chat.Offered{AgentRef: chat.AgentRef{AgentID: "u1", AgentName: "Anna"}, QueueID: "sales", ExpiresAt: offer}})
		err := store.DeleteUser(f.ctx, f.st, "u1", 0, tester)
		if e := chat.ErrorOf(err); e.Code != chat.EConflict || e.Reason != "user_took_part" || e.Params["chats"] != 1 {
			t.Errorf("DeleteUser of an agent offered a chat = %+v, want conflict user_took_part naming 1 chat", e)
		}
		f.getUser(t, "u1")
	},
}
