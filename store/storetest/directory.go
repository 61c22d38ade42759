package storetest

import (
	"testing"
	"time"

	"skranke/chat"
)

var queueTests = map[string]func(t *testing.T, f *fixture){
	"create and get": func(t *testing.T, f *fixture) {
		want := f.queue(t, "sales", "Sales")
		got, err := f.st.Queue(f.ctx, "sales")
		if err != nil {
			t.Fatalf("Queue(sales) = %v", err)
		}
		if d := diff(got, want); d != "" {
			t.Errorf("Queue(sales) mismatch (-want +got):\n%s", d)
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
		err := f.st.CreateQueue(f.ctx, chat.Queue{ID: "sales", Name: "Other"})
		wantCode(t, "CreateQueue(sales) again", err, chat.EConflict)
		got, _ := f.st.Queue(f.ctx, "sales")
		if got.Name != "Sales" {
			t.Errorf("Queue(sales).Name after a conflict = %q, want %q", got.Name, "Sales")
		}
	},
	"not found": func(t *testing.T, f *fixture) {
		_, err := f.st.Queue(f.ctx, "nope")
		wantCode(t, "Queue(nope)", err, chat.ENotFound)
	},
}

var profileTests = map[string]func(t *testing.T, f *fixture){
	"create and get": func(t *testing.T, f *fixture) {
		f.queue(t, "sales", "Sales")
		f.queue(t, "support", "Support")
		want := chat.Profile{ID: "p1", Name: "Front line", Queues: []chat.QueueID{"support", "sales"}}
		if err := f.st.CreateProfile(f.ctx, want); err != nil {
			t.Fatalf("CreateProfile(%+v) = %v", want, err)
		}
		got, err := f.st.Profile(f.ctx, "p1")
		if err != nil {
			t.Fatalf("Profile(p1) = %v", err)
		}
		if d := diff(got, want); d != "" {
			t.Errorf("Profile(p1) mismatch (-want +got):\n%s", d)
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
		for _, p := range ps {
			if err := f.st.CreateProfile(f.ctx, p); err != nil {
				t.Fatalf("CreateProfile(%+v) = %v", p, err)
			}
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
		wantCode(t, "CreateProfile with an unknown queue", f.st.CreateProfile(f.ctx, p), chat.EInvalid)
		_, err := f.st.Profile(f.ctx, "p1")
		wantCode(t, "Profile(p1) after a refused CreateProfile", err, chat.ENotFound)
	},
	"duplicate id": func(t *testing.T, f *fixture) {
		p := chat.Profile{ID: "p1", Name: "P"}
		if err := f.st.CreateProfile(f.ctx, p); err != nil {
			t.Fatalf("CreateProfile(%+v) = %v", p, err)
		}
		wantCode(t, "CreateProfile(p1) again", f.st.CreateProfile(f.ctx, p), chat.EConflict)
	},
	"not found": func(t *testing.T, f *fixture) {
		_, err := f.st.Profile(f.ctx, "nope")
		wantCode(t, "Profile(nope)", err, chat.ENotFound)
	},
}

// newUser returns a user to create.
func newUser(id chat.UserID, username, displayName string) chat.User {
	return chat.User{ID: id, Username: username, DisplayName: displayName, Role: chat.RoleAgent,
		Capacity: 3, PasswordHash: "$hash$" + username}
}

func (f *fixture) user(t *testing.T, u chat.User) chat.User {
	t.Helper()
	got, err := f.st.CreateUser(f.ctx, u)
	if err != nil {
		t.Fatalf("CreateUser(%+v) = %v", u, err)
	}
	return got
}

var userTests = map[string]func(t *testing.T, f *fixture){
	"create and get": func(t *testing.T, f *fixture) {
		now := f.clock.Add(time.Minute)
		u := newUser("u1", "anna", "Anna")
		got, err := f.st.CreateUser(f.ctx, u)
		if err != nil {
			t.Fatalf("CreateUser(%+v) = %v", u, err)
		}
		want := u
		want.CreatedAt = now
		if d := diff(got, want); d != "" {
			t.Errorf("CreateUser(%+v) mismatch (-want +got):\n%s", u, d)
		}
		byID, err := f.st.User(f.ctx, "u1")
		if err != nil {
			t.Fatalf("User(u1) = %v", err)
		}
		if d := diff(byID, want); d != "" {
			t.Errorf("User(u1) mismatch (-want +got):\n%s", d)
		}
		byName, err := f.st.UserByUsername(f.ctx, "anna")
		if err != nil {
			t.Fatalf("UserByUsername(anna) = %v", err)
		}
		if d := diff(byName, want); d != "" {
			t.Errorf("UserByUsername(anna) mismatch (-want +got):\n%s", d)
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
		_, err := f.st.CreateUser(f.ctx, newUser("u2", "anna", "Another Anna"))
		wantCode(t, "CreateUser(u2, anna)", err, chat.EConflict)
		_, err = f.st.User(f.ctx, "u2")
		wantCode(t, "User(u2) after a refused CreateUser", err, chat.ENotFound)
	},
	"duplicate id": func(t *testing.T, f *fixture) {
		f.user(t, newUser("u1", "anna", "Anna"))
		_, err := f.st.CreateUser(f.ctx, newUser("u1", "other", "Other"))
		wantCode(t, "CreateUser(u1, other)", err, chat.EConflict)
	},
	"not found": func(t *testing.T, f *fixture) {
		_, err := f.st.User(f.ctx, "nope")
		wantCode(t, "User(nope)", err, chat.ENotFound)
		_, err = f.st.UserByUsername(f.ctx, "nope")
		wantCode(t, "UserByUsername(nope)", err, chat.ENotFound)
	},
}

var sessionTests = map[string]func(t *testing.T, f *fixture){
	"create and get": func(t *testing.T, f *fixture) {
		f.user(t, newUser("u1", "anna", "Anna"))
		now := f.clock.Now()
		s := chat.Session{TokenHash: "th1", UserID: "u1", CreatedAt: now, ExpiresAt: now.Add(12 * time.Hour)}
		if err := f.st.CreateSession(f.ctx, s); err != nil {
			t.Fatalf("CreateSession(%+v) = %v", s, err)
		}
		got, err := f.st.Session(f.ctx, "th1")
		if err != nil {
			t.Fatalf("Session(th1) = %v", err)
		}
		if d := diff(got, s); d != "" {
			t.Errorf("Session(th1) mismatch (-want +got):\n%s", d)
		}
	},
	"expired": func(t *testing.T, f *fixture) {
		f.user(t, newUser("u1", "anna", "Anna"))
		now := f.clock.Now()
		s := chat.Session{TokenHash: "th1", UserID: "u1", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := f.st.CreateSession(f.ctx, s); err != nil {
			t.Fatalf("CreateSession(%+v) = %v", s, err)
		}
		f.clock.Add(time.Hour - time.Nanosecond)
		if _, err := f.st.Session(f.ctx, "th1"); err != nil {
			t.Errorf("Session(th1) a nanosecond before it expires = %v", err)
		}
		f.clock.Add(time.Nanosecond)
		_, err := f.st.Session(f.ctx, "th1")
		wantCode(t, "Session(th1) when it expires", err, chat.ENotFound)
	},
	"delete": func(t *testing.T, f *fixture) {
		f.user(t, newUser("u1", "anna", "Anna"))
		now := f.clock.Now()
		s := chat.Session{TokenHash: "th1", UserID: "u1", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := f.st.CreateSession(f.ctx, s); err != nil {
			t.Fatalf("CreateSession(%+v) = %v", s, err)
		}
		if err := f.st.DeleteSession(f.ctx, "th1"); err != nil {
			t.Fatalf("DeleteSession(th1) = %v", err)
		}
		_, err := f.st.Session(f.ctx, "th1")
		wantCode(t, "Session(th1) after DeleteSession", err, chat.ENotFound)
		if err := f.st.DeleteSession(f.ctx, "th1"); err != nil {
			t.Errorf("DeleteSession(th1) again = %v, want nil", err)
		}
	},
	"touch": func(t *testing.T, f *fixture) {
		f.customer(t, "c1")
		later := f.clock.Add(time.Hour)
		if err := f.st.TouchCustomer(f.ctx, "c1"); err != nil {
			t.Fatalf("TouchCustomer(c1) = %v", err)
		}
		got, err := f.st.CustomerByTokenHash(f.ctx, "hash-c1")
		if err != nil || !got.LastSeenAt.Equal(later) || got.CreatedAt.Equal(later) {
			t.Errorf("after TouchCustomer: %+v, %v; want LastSeenAt %v and the creation time kept", got, err, later)
		}
		wantCode(t, "TouchCustomer(nope)", f.st.TouchCustomer(f.ctx, "nope"), chat.ENotFound)
	},
	"duplicate token hash": func(t *testing.T, f *fixture) {
		f.user(t, newUser("u1", "anna", "Anna"))
		now := f.clock.Now()
		s := chat.Session{TokenHash: "th1", UserID: "u1", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := f.st.CreateSession(f.ctx, s); err != nil {
			t.Fatalf("CreateSession(%+v) = %v", s, err)
		}
		wantCode(t, "CreateSession(th1) again", f.st.CreateSession(f.ctx, s), chat.EConflict)
	},
	"unknown user": func(t *testing.T, f *fixture) {
		now := f.clock.Now()
		s := chat.Session{TokenHash: "th1", UserID: "nope", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		wantCode(t, "CreateSession for an unknown user", f.st.CreateSession(f.ctx, s), chat.ENotFound)
	},
	"not found": func(t *testing.T, f *fixture) {
		_, err := f.st.Session(f.ctx, "nope")
		wantCode(t, "Session(nope)", err, chat.ENotFound)
	},
}

var customerTests = map[string]func(t *testing.T, f *fixture){
	"create and get": func(t *testing.T, f *fixture) {
		now := f.clock.Add(time.Second)
		c := chat.Customer{ID: "c1", TokenHash: "th1"}
		got, err := f.st.CreateCustomer(f.ctx, c)
		if err != nil {
			t.Fatalf("CreateCustomer(%+v) = %v", c, err)
		}
		want := chat.Customer{ID: "c1", TokenHash: "th1", CreatedAt: now, LastSeenAt: now}
		if d := diff(got, want); d != "" {
			t.Errorf("CreateCustomer(%+v) mismatch (-want +got):\n%s", c, d)
		}
		got, err = f.st.CustomerByTokenHash(f.ctx, "th1")
		if err != nil {
			t.Fatalf("CustomerByTokenHash(th1) = %v", err)
		}
		if d := diff(got, want); d != "" {
			t.Errorf("CustomerByTokenHash(th1) mismatch (-want +got):\n%s", d)
		}
	},
	"duplicate token hash": func(t *testing.T, f *fixture) {
		f.customer(t, "c1")
		_, err := f.st.CreateCustomer(f.ctx, chat.Customer{ID: "c2", TokenHash: "hash-c1"})
		wantCode(t, "CreateCustomer(c2) with c1's token hash", err, chat.EConflict)
	},
	"duplicate id": func(t *testing.T, f *fixture) {
		f.customer(t, "c1")
		_, err := f.st.CreateCustomer(f.ctx, chat.Customer{ID: "c1", TokenHash: "other"})
		wantCode(t, "CreateCustomer(c1) again", err, chat.EConflict)
	},
	"not found": func(t *testing.T, f *fixture) {
		_, err := f.st.CustomerByTokenHash(f.ctx, "nope")
		wantCode(t, "CustomerByTokenHash(nope)", err, chat.ENotFound)
	},
}

var agentStateTests = map[string]func(t *testing.T, f *fixture){
	"default paused": func(t *testing.T, f *fixture) {
		f.user(t, newUser("u1", "anna", "Anna"))
		got, err := f.st.AgentState(f.ctx, "u1")
		if err != nil {
			t.Fatalf("AgentState(u1) = %v", err)
		}
		want := chat.AgentState{UserID: "u1", Status: chat.StatusPaused}
		if d := diff(got, want); d != "" {
			t.Errorf("AgentState(u1) with none set mismatch (-want +got):\n%s", d)
		}
	},
	"set, get and list": func(t *testing.T, f *fixture) {
		f.queue(t, "sales", "Sales")
		if err := f.st.CreateProfile(f.ctx, chat.Profile{ID: "p1", Name: "P", Queues: []chat.QueueID{"sales"}}); err != nil {
			t.Fatalf("CreateProfile(p1) = %v", err)
		}
		f.user(t, newUser("u1", "anna", "Anna"))
		f.user(t, newUser("u2", "bjorn", "Bjørn"))

		t1 := f.clock.Add(time.Second)
		set := func(st chat.AgentState) chat.AgentState {
			t.Helper()
			got, err := f.st.SetAgentState(f.ctx, st)
			if err != nil {
				t.Fatalf("SetAgentState(%+v) = %v", st, err)
			}
			return got
		}
		u2 := set(chat.AgentState{UserID: "u2", Status: chat.StatusPaused})
		u1 := set(chat.AgentState{UserID: "u1", Status: chat.StatusReady, ProfileID: "p1", UpdatedAt: start})
		want := chat.AgentState{UserID: "u1", Status: chat.StatusReady, ProfileID: "p1", UpdatedAt: t1}
		if d := diff(u1, want); d != "" {
			t.Errorf("SetAgentState(u1 ready) mismatch (-want +got):\n%s", d)
		}
		got, err := f.st.AgentState(f.ctx, "u1")
		if err != nil {
			t.Fatalf("AgentState(u1) = %v", err)
		}
		if d := diff(got, want); d != "" {
			t.Errorf("AgentState(u1) mismatch (-want +got):\n%s", d)
		}

		t2 := f.clock.Add(time.Second)
		u1 = set(chat.AgentState{UserID: "u1", Status: chat.StatusPaused})
		want = chat.AgentState{UserID: "u1", Status: chat.StatusPaused, UpdatedAt: t2}
		if d := diff(u1, want); d != "" {
			t.Errorf("SetAgentState(u1 paused) mismatch (-want +got):\n%s", d)
		}
		all, err := f.st.AgentStates(f.ctx)
		if err != nil {
			t.Fatalf("AgentStates() = %v", err)
		}
		if d := diff(all, []chat.AgentState{want, u2}); d != "" {
			t.Errorf("AgentStates() mismatch (-want +got):\n%s", d)
		}
	},
	"invalid": func(t *testing.T, f *fixture) {
		f.user(t, newUser("u1", "anna", "Anna"))
		_, err := f.st.SetAgentState(f.ctx, chat.AgentState{UserID: "u1", Status: "busy"})
		wantCode(t, "SetAgentState(status busy)", err, chat.EInvalid)
		_, err = f.st.SetAgentState(f.ctx, chat.AgentState{UserID: "u1", Status: chat.StatusReady, ProfileID: "nope"})
		wantCode(t, "SetAgentState(unknown profile)", err, chat.EInvalid)
		_, err = f.st.SetAgentState(f.ctx, chat.AgentState{UserID: "nope", Status: chat.StatusReady})
		wantCode(t, "SetAgentState(unknown user)", err, chat.ENotFound)
		all, err := f.st.AgentStates(f.ctx)
		if err != nil || len(all) != 0 {
			t.Errorf("AgentStates() after refused sets = %v, %v, want none", all, err)
		}
	},
}
