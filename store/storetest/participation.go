package storetest

import (
	"testing"
	"time"

	"skranke/chat"
	"skranke/store"
)

var participationTests = map[string]func(t *testing.T, f *fixture){
	"kept with the events": func(t *testing.T, f *fixture) {
		c := f.conversation(t, "c1")
		ref := func(id chat.UserID) chat.AgentRef { return chat.AgentRef{AgentID: id} }
		t1 := f.clock.Add(time.Second)
		f.append(t, chat.Event{ConversationID: c.ID, Kind: chat.KindOffered, Author: chat.System,
			Data: chat.Offered{AgentRef: ref("anna"), ExpiresAt: t1.Add(time.Minute)}})
		wantParticipation(t, f, c.ID, chat.Participation{ConversationID: c.ID, AgentID: "anna",
			State: chat.ParticipationOffered, FirstAt: t1, UpdatedAt: t1})
		t2 := f.clock.Add(time.Second)
		f.append(t, chat.Event{ConversationID: c.ID, Kind: chat.KindOfferDeclined, Author: agent("anna"),
			Data: chat.OfferDeclined{AgentRef: ref("anna"), Reason: chat.ReasonRejected}})
		f.append(t, chat.Event{ConversationID: c.ID, Kind: chat.KindOffered, Author: chat.System,
			Data: chat.Offered{AgentRef: ref("bjorn"), ExpiresAt: t2.Add(time.Minute)}})
		t3 := f.clock.Add(time.Second)
		f.append(t, chat.Event{ConversationID: c.ID, Kind: chat.KindAgentJoined, Author: agent("bjorn"),
			Data: chat.AgentJoined{AgentRef: ref("bjorn")}})
		wantParticipation(t, f, c.ID, chat.Participation{ConversationID: c.ID, AgentID: "anna",
			State: chat.ParticipationGone, FirstAt: t1, UpdatedAt: t2, UntilSeq: 3})
		wantParticipation(t, f, c.ID, chat.Participation{ConversationID: c.ID, AgentID: "bjorn",
			State: chat.ParticipationJoined, FirstAt: t2, JoinedAt: t3, UpdatedAt: t3})
		if got := f.agentChats(t, "anna"); len(got) != 0 {
			t.Errorf("Conversations(agent anna) after she rejected = %v, want none", got)
		}

		// Bjørn invites Anna, she joins, he leaves, she ends it.
		t4 := f.clock.Add(time.Second)
		f.append(t, chat.Event{ConversationID: c.ID, Kind: chat.KindInvited, Author: agent("bjorn"),
			Data: chat.Invited{AgentRef: ref("anna"), ExpiresAt: t4.Add(time.Minute)}})
		if got := f.agentChats(t, "anna"); len(got) != 1 {
			t.Errorf("Conversations(agent anna) while invited = %v, want the chat", got)
		}
		t5 := f.clock.Add(time.Second)
		f.append(t, chat.Event{ConversationID: c.ID, Kind: chat.KindAgentJoined, Author: agent("anna"),
			Data: chat.AgentJoined{AgentRef: ref("anna")}})
		t6 := f.clock.Add(time.Second)
		f.append(t, chat.Event{ConversationID: c.ID, Kind: chat.KindAgentLeft, Author: agent("bjorn"),
			Data: chat.AgentLeft{AgentRef: ref("bjorn"), Reason: chat.ReasonLeft}})
		f.append(t, message(c, agent("anna"), "a1", "Hello"))
		t7 := f.clock.Add(time.Second)
		f.append(t, chat.Event{ConversationID: c.ID, Kind: chat.KindEnded, Author: agent("anna")})

		got, err := f.st.Participations(f.ctx, c.ID)
		if err != nil {
			t.Fatalf("Participations(%s) = %v", c.ID, err)
		}
		want := []chat.Participation{
			{ConversationID: c.ID, AgentID: "anna", State: chat.ParticipationJoined, FirstAt: t1, JoinedAt: t5, LeftAt: t7, UpdatedAt: t7},
			{ConversationID: c.ID, AgentID: "bjorn", State: chat.ParticipationGone, FirstAt: t2, JoinedAt: t3, LeftAt: t6, UpdatedAt: t6, UntilSeq: 8},
		}
		if d := diff(got, want); d != "" {
			t.Errorf("Participations(%s) mismatch (-want +got):\n%s", c.ID, d)
		}
		if !got[1].TookPart() || got[1].Current() {
			t.Errorf("bjorn's record %+v: want took part, not current", got[1])
		}
	},
	"unknown": func(t *testing.T, f *fixture) {
		c := f.conversation(t, "c1")
		_, err := f.st.Participation(f.ctx, c.ID, "nobody")
		wantCode(t, "Participation(nobody)", err, chat.ENotFound)
		got, err := f.st.Participations(f.ctx, "no-such-chat")
		if err != nil || len(got) != 0 {
			t.Errorf("Participations(no-such-chat) = %v, %v; want none", got, err)
		}
	},
	"rejected events change nothing": func(t *testing.T, f *fixture) {
		c := f.conversation(t, "c1")
		_, err := f.st.AppendEvent(f.ctx, chat.Event{ConversationID: c.ID, Kind: chat.KindAgentJoined,
			Author: agent("anna"), Data: chat.AgentJoined{AgentRef: chat.AgentRef{AgentID: "anna"}}})
		wantCode(t, "AppendEvent(join without offer)", err, chat.EConflict)
		_, err = f.st.Participation(f.ctx, c.ID, "anna")
		wantCode(t, "Participation(anna) after a refused join", err, chat.ENotFound)
	},
}

func wantParticipation(t *testing.T, f *fixture, id chat.ConversationID, want chat.Participation) {
	t.Helper()
	got, err := f.st.Participation(f.ctx, id, want.AgentID)
	if err != nil {
		t.Fatalf("Participation(%s, %s) = %v", id, want.AgentID, err)
	}
	if d := diff(got, want); d != "" {
		t.Errorf("Participation(%s, %s) mismatch (-want +got):\n%s", id, want.AgentID, d)
	}
}

func (f *fixture) agentChats(t *testing.T, a chat.UserID) []chat.Conversation {
	t.Helper()
	got, err := f.st.Conversations(f.ctx, store.ConversationFilter{AgentID: a})
	if err != nil {
		t.Fatalf("Conversations(agent %s) = %v", a, err)
	}
	return got
}
