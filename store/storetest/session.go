package storetest

import (
	"testing"
	"time"

	"skranke/chat"
)

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
		f.profile(t, chat.Profile{ID: "p1", Name: "P", Queues: []chat.QueueID{"sales"}})
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
