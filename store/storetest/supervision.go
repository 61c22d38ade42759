package storetest

import (
	"testing"

	"skranke/chat"
	"skranke/store"
)

// supervisionTests: what a supervisor's actions store (R19) — a chat moved
// to another queue keeps it, and pausing or logging off an agent is one
// transaction with its audit entry.
var supervisionTests = map[string]func(t *testing.T, f *fixture){
	"rerouted chat keeps its new queue and priority": func(t *testing.T, f *fixture) {
		c := f.conversation(t, "c1")
		f.queue(t, "support", "Support")
		prio := 4
		sup := chat.Participant{Role: chat.PartySupervisor, ID: "u-sofie", Name: "Sofie"}
		a := f.append(t, chat.Event{ConversationID: c.ID, Kind: chat.KindRerouted, Author: sup,
			Data: chat.Rerouted{AgentRef: chat.AgentRef{AgentID: "u-sofie"}, Priority: &prio, QueueID: "support"}})
		if a.Conversation.QueueID != "support" || a.Conversation.Priority != 4 {
			t.Fatalf("after rerouting: %+v", a.Conversation)
		}
		f.checkStored(t, a.Conversation)
		got, err := f.st.Conversations(f.ctx, store.ConversationFilter{Statuses: []chat.ConversationStatus{chat.StatusWaiting}})
		if err != nil || len(got) != 1 || got[0].QueueID != "support" {
			t.Errorf("Conversations(waiting) = %+v, %v; want the chat in support", got, err)
		}
	},
	"pause and log off an agent, audited": func(t *testing.T, f *fixture) {
		f.queue(t, "sales", "Sales")
		f.profile(t, chat.Profile{ID: "p-sales", Name: "Sales", Queues: []chat.QueueID{"sales"}})
		u := f.user(t, chat.User{ID: "u-anna", Username: "anna", DisplayName: "Anna", Role: chat.RoleAgent, Capacity: 2,
			Profiles: []chat.ProfileID{"p-sales"}, PasswordHash: "-"})
		if _, err := f.st.SetAgentState(f.ctx, chat.AgentState{UserID: u.ID, Status: chat.StatusReady, ProfileID: "p-sales"}); err != nil {
			t.Fatal(err)
		}
		by := chat.AuditActor{UserID: "u-sofie", Name: "Sofie"}
		done, err := store.SuperviseAgent(f.ctx, f.st, u.ID, false, by)
		if err != nil {
			t.Fatalf("SuperviseAgent(pause) = %v", err)
		}
		if done.State.Status != chat.StatusPaused || done.State.ProfileID != "p-sales" || len(done.Ended) != 0 {
			t.Errorf("SuperviseAgent(pause) = %+v, want paused in p-sales", done)
		}
		if st, err := f.st.AgentState(f.ctx, u.ID); err != nil || st.Status != chat.StatusPaused || st.ProfileID != "p-sales" {
			t.Errorf("AgentState after the pause = %+v, %v", st, err)
		}
		if e := f.lastAudit(t); e.Action != chat.AuditAgentPause || e.Actor != by || e.Target.ID != string(u.ID) {
			t.Errorf("audit entry %+v, want agent.pause of u-anna by Sofie", e)
		}
		if err := f.st.CreateSession(f.ctx, chat.Session{TokenHash: "tok-anna", UserID: u.ID, CreatedAt: start, ExpiresAt: start.Add(24 * 3600e9)}); err != nil {
			t.Fatal(err)
		}
		done, err = store.SuperviseAgent(f.ctx, f.st, u.ID, true, by)
		if err != nil || len(done.Ended) != 1 || done.Ended[0] != "tok-anna" {
			t.Fatalf("SuperviseAgent(log off) = %+v, %v; want the session ended", done, err)
		}
		if _, err := f.st.Session(f.ctx, "tok-anna"); chat.ErrorCode(err) != chat.ENotFound {
			t.Errorf("Session after the log-off = %v, want not found", err)
		}
		if e := f.lastAudit(t); e.Action != chat.AuditAgentLogOff {
			t.Errorf("audit entry %+v, want agent.logoff", e)
		}
		if _, err := store.SuperviseAgent(f.ctx, f.st, "u-nobody", false, by); chat.ErrorCode(err) != chat.ENotFound {
			t.Errorf("SuperviseAgent(unknown) = %v, want not found", err)
		}
	},
}
