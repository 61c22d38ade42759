package storetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"skranke/chat"
	"skranke/store"
)

// Legacy is a database as the previous version of Skranke wrote it (schema
// version 2: events with one column per field), for the migration tests of
// both stores: each inserts these rows with its own SQL, runs the
// migrations, and compares what the store then reads with Want*.
type Legacy struct {
	Conversations []LegacyConversation
	Events        []LegacyEvent
	// WantParticipations are the participants record the migration builds,
	// by conversation, in the order Participations lists them.
	WantParticipations map[chat.ConversationID][]chat.Participation
	// WantRecords are the conversations' records the migrations build.
	WantRecords map[chat.ConversationID]chat.Record
}

// LegacyConversation is a conversations row of schema version 2. Queue
// "sales" and the customers exist.
type LegacyConversation struct {
	ID         chat.ConversationID
	CustomerID chat.CustomerID
	Status     chat.ConversationStatus
	Agents     []chat.UserID
	OfferAgent chat.UserID // "" for none; offered at the offered event's time
	OfferAt    time.Time
	OfferUntil time.Time
	Invitation *chat.Invitation
	CreatedAt  time.Time
	EndedAt    time.Time
	LastSeq    chat.Seq
}

// LegacyEvent is an events row of schema version 2 and the event the
// store must read from it after the migration.
type LegacyEvent struct {
	ConversationID                          chat.ConversationID
	Seq                                     chat.Seq
	Time                                    time.Time
	Kind                                    chat.Kind
	Visibility                              chat.Visibility
	AuthorRole                              chat.ParticipantRole
	AuthorID, AuthorName, ClientMsgID, Text string
	QueueID, AgentID, AgentName, Reason     string
	ExpiresAt                               time.Time // zero is NULL
	Want                                    chat.Event
}

// LegacyDatabase returns the rows of the legacy database. Times have
// nanoseconds, which the migration must keep.
func LegacyDatabase() Legacy {
	t := func(sec int) time.Time { return time.Date(2026, 11, 25, 10, 0, sec, 123456789, time.UTC) }
	var l Legacy
	ev := func(conv chat.ConversationID, seq chat.Seq, at time.Time, kind chat.Kind, vis chat.Visibility, author chat.Participant) *LegacyEvent {
		l.Events = append(l.Events, LegacyEvent{ConversationID: conv, Seq: seq, Time: at, Kind: kind, Visibility: vis,
			AuthorRole: author.Role, AuthorID: author.ID, AuthorName: author.Name,
			Want: chat.Event{ConversationID: conv, Seq: seq, Time: at, Kind: kind, Visibility: vis, Author: author}})
		return &l.Events[len(l.Events)-1]
	}
	kari := chat.Participant{Role: chat.PartyCustomer, ID: "cust-1", Name: "Kari"}
	ola := chat.Participant{Role: chat.PartyCustomer, ID: "cust-2"}
	per := chat.Participant{Role: chat.PartyCustomer, ID: "cust-3", Name: "Per"}
	anna := chat.Participant{Role: chat.PartyAgent, ID: "u-anna", Name: "Anna"}
	bjorn := chat.Participant{Role: chat.PartyAgent, ID: "u-bjorn", Name: "Bjørn"}
	ref := func(p chat.Participant) chat.AgentRef {
		return chat.AgentRef{AgentID: chat.UserID(p.ID), AgentName: p.Name}
	}
	agentEv := func(e *LegacyEvent, p chat.Participant) *LegacyEvent {
		e.AgentID, e.AgentName = p.ID, p.Name
		return e
	}

	// conv-1: rejected by Anna, taken by Bjørn, who invites Anna through
	// the queue; she declines; he leaves; it is requeued, taken by Anna and
	// ended by Kari.
	c1 := chat.ConversationID("conv-1")
	e := ev(c1, 1, t(0), chat.KindStarted, chat.VisibleAll, kari)
	e.QueueID, e.Want.Data = "sales", chat.Started{QueueID: "sales"}
	e = agentEv(ev(c1, 2, t(1), chat.KindOffered, chat.VisibleAgents, chat.System), anna)
	e.ExpiresAt, e.QueueID = t(31), "sales"
	e.Want.Data = chat.Offered{AgentRef: ref(anna), QueueID: "sales", ExpiresAt: t(31)}
	e = agentEv(ev(c1, 3, t(2), chat.KindOfferDeclined, chat.VisibleAgents, anna), anna)
	e.Reason, e.Want.Data = chat.ReasonRejected, chat.OfferDeclined{AgentRef: ref(anna), Reason: chat.ReasonRejected}
	e = agentEv(ev(c1, 4, t(3), chat.KindOffered, chat.VisibleAgents, chat.System), bjorn)
	e.ExpiresAt = time.Date(2026, 11, 25, 10, 0, 33, 0, time.UTC) // a round second
	e.Want.Data = chat.Offered{AgentRef: ref(bjorn), ExpiresAt: e.ExpiresAt}
	e = agentEv(ev(c1, 5, t(4), chat.KindAgentJoined, chat.VisibleAll, bjorn), bjorn)
	e.Want.Data = chat.AgentJoined{AgentRef: ref(bjorn)}
	e = ev(c1, 6, t(5), chat.KindMessage, chat.VisibleAll, kari)
	e.ClientMsgID, e.Text = "m-1", "Hello, I'd like \"help\" with {json} ünïcode"
	e.Want.ClientMsgID, e.Want.Text = e.ClientMsgID, e.Text
	e = ev(c1, 7, t(6), chat.KindMessage, chat.VisibleAgents, bjorn)
	e.ClientMsgID, e.Text = "p-1", "private note"
	e.Want.ClientMsgID, e.Want.Text = e.ClientMsgID, e.Text
	e = agentEv(ev(c1, 8, t(7), chat.KindInvited, chat.VisibleAgents, bjorn), anna)
	e.QueueID, e.Text, e.ExpiresAt = "sales", "can you take it?", t(37)
	e.Want.Text, e.Want.Data = e.Text, chat.Invited{AgentRef: ref(anna), QueueID: "sales", ExpiresAt: t(37)}
	e = agentEv(ev(c1, 9, t(8), chat.KindInvitationDeclined, chat.VisibleAgents, anna), anna)
	e.Reason, e.Want.Data = chat.ReasonRejected, chat.InvitationDeclined{AgentRef: ref(anna), Reason: chat.ReasonRejected}
	e = ev(c1, 10, t(9), chat.KindInvitationDeclined, chat.VisibleAgents, chat.System)
	e.QueueID, e.Reason = "sales", chat.ReasonUnavailable
	e.Want.Data = chat.InvitationDeclined{QueueID: "sales", Reason: chat.ReasonUnavailable}
	e = agentEv(ev(c1, 11, t(10), chat.KindAgentLeft, chat.VisibleAll, bjorn), bjorn)
	e.Reason, e.Want.Data = chat.ReasonLeft, chat.AgentLeft{AgentRef: ref(bjorn), Reason: chat.ReasonLeft}
	e = ev(c1, 12, t(11), chat.KindRequeued, chat.VisibleAll, chat.System)
	e.QueueID, e.Reason = "sales", chat.ReasonLeft
	e.Want.Data = chat.Requeued{QueueID: "sales", Reason: chat.ReasonLeft}
	e = agentEv(ev(c1, 13, t(12), chat.KindOffered, chat.VisibleAgents, chat.System), anna)
	e.ExpiresAt, e.Want.Data = t(42), chat.Offered{AgentRef: ref(anna), ExpiresAt: t(42)}
	e = agentEv(ev(c1, 14, t(13), chat.KindAgentJoined, chat.VisibleAll, anna), anna)
	e.Want.Data = chat.AgentJoined{AgentRef: ref(anna)}
	e = ev(c1, 15, t(14), chat.KindEnded, chat.VisibleAll, kari)
	e.Want.Data = chat.Ended{}
	l.Conversations = append(l.Conversations, LegacyConversation{ID: c1, CustomerID: "cust-1", Status: chat.StatusEnded,
		Agents: []chat.UserID{"u-anna"}, CreatedAt: t(0), EndedAt: t(14), LastSeq: 15})

	// conv-2: waiting, offered to Bjørn now.
	c2 := chat.ConversationID("conv-2")
	e = ev(c2, 1, t(20), chat.KindStarted, chat.VisibleAll, ola)
	e.QueueID, e.Want.Data = "sales", chat.Started{QueueID: "sales"}
	e = agentEv(ev(c2, 2, t(21), chat.KindOffered, chat.VisibleAgents, chat.System), bjorn)
	e.ExpiresAt, e.Want.Data = t(51), chat.Offered{AgentRef: ref(bjorn), ExpiresAt: t(51)}
	l.Conversations = append(l.Conversations, LegacyConversation{ID: c2, CustomerID: "cust-2", Status: chat.StatusWaiting,
		OfferAgent: "u-bjorn", OfferAt: t(21), OfferUntil: t(51), CreatedAt: t(20), LastSeq: 2})

	// conv-3: Anna is in it and has invited Bjørn by name.
	c3 := chat.ConversationID("conv-3")
	e = ev(c3, 1, t(30), chat.KindStarted, chat.VisibleAll, per)
	e.QueueID, e.Want.Data = "sales", chat.Started{QueueID: "sales"}
	e = agentEv(ev(c3, 2, t(31), chat.KindOffered, chat.VisibleAgents, chat.System), anna)
	e.ExpiresAt, e.Want.Data = t(59), chat.Offered{AgentRef: ref(anna), ExpiresAt: t(59)}
	e = agentEv(ev(c3, 3, t(32), chat.KindAgentJoined, chat.VisibleAll, anna), anna)
	e.Want.Data = chat.AgentJoined{AgentRef: ref(anna)}
	e = agentEv(ev(c3, 4, t(33), chat.KindInvited, chat.VisibleAgents, anna), bjorn)
	e.ExpiresAt, e.Want.Data = t(59), chat.Invited{AgentRef: ref(bjorn), ExpiresAt: t(59)}
	// A message in a chat that goes on: its retry after the migration
	// must be found without the rules refusing it first.
	e = ev(c3, 5, t(34), chat.KindMessage, chat.VisibleAll, per)
	e.ClientMsgID, e.Text = "m-3", "are you there?"
	e.Want.ClientMsgID, e.Want.Text = e.ClientMsgID, e.Text
	l.Conversations = append(l.Conversations, LegacyConversation{ID: c3, CustomerID: "cust-3", Status: chat.StatusActive,
		Agents: []chat.UserID{"u-anna"}, CreatedAt: t(30), LastSeq: 5,
		Invitation: &chat.Invitation{AgentID: "u-bjorn", InvitedBy: "u-anna", OfferedAt: t(33), ExpiresAt: t(59), Declined: []chat.UserID{}}})

	l.WantRecords = map[chat.ConversationID]chat.Record{
		c1: {AnsweredAt: t(4), EndedBy: chat.PartyCustomer, Messages: 1, Private: 1},
		c2: {},
		c3: {AnsweredAt: t(32), Messages: 1},
	}
	p := func(conv chat.ConversationID, agent chat.UserID, state chat.ParticipationState, first, joined, left, updated time.Time) chat.Participation {
		return chat.Participation{ConversationID: conv, AgentID: agent, State: state, FirstAt: first, JoinedAt: joined, LeftAt: left, UpdatedAt: updated}
	}
	var zero time.Time
	withUntil := func(p chat.Participation, seq chat.Seq) chat.Participation { p.UntilSeq = seq; return p }
	l.WantParticipations = map[chat.ConversationID][]chat.Participation{
		c1: {
			p(c1, "u-anna", chat.ParticipationJoined, t(1), t(13), t(14), t(13)),
			withUntil(p(c1, "u-bjorn", chat.ParticipationGone, t(3), t(4), t(10), t(10)), 11),
		},
		c2: {p(c2, "u-bjorn", chat.ParticipationOffered, t(21), zero, zero, t(21))},
		c3: {
			p(c3, "u-anna", chat.ParticipationJoined, t(31), t(32), zero, t(32)),
			p(c3, "u-bjorn", chat.ParticipationInvited, t(33), zero, zero, t(33)),
		},
	}
	return l
}

// CheckMigrated compares what st reads with what the legacy database held.
func CheckMigrated(t *testing.T, st store.Store, legacy Legacy) {
	t.Helper()
	ctx := t.Context()
	want := map[chat.ConversationID][]chat.Event{}
	for _, e := range legacy.Events {
		want[e.ConversationID] = append(want[e.ConversationID], e.Want)
	}
	for id, w := range want {
		got, err := st.Events(ctx, id, 0, 0)
		if err != nil {
			t.Fatalf("Events(%s) = %v", id, err)
		}
		if d := cmp.Diff(w, got); d != "" {
			t.Errorf("Events(%s) after migration (-want +got):\n%s", id, d)
		}
		c, err := st.Conversation(ctx, id)
		if err != nil {
			t.Fatalf("Conversation(%s) = %v", id, err)
		}
		if d := cmp.Diff(legacy.WantRecords[id], c.Record); d != "" {
			t.Errorf("Conversation(%s).Record after migration (-want +got):\n%s", id, d)
		}
		ps, err := st.Participations(ctx, id)
		if err != nil {
			t.Fatalf("Participations(%s) = %v", id, err)
		}
		if d := cmp.Diff(legacy.WantParticipations[id], ps, cmpopts.EquateEmpty()); d != "" {
			t.Errorf("Participations(%s) after migration (-want +got):\n%s", id, d)
		}
	}
	open, err := st.Conversations(ctx, store.ConversationFilter{AgentID: "u-bjorn"})
	if err != nil || len(open) != 2 {
		t.Errorf("Conversations(agent u-bjorn) after migration = %v, %v; want conv-2 and conv-3", open, err)
	}
	// A message stored before the migration is still found by its client
	// message id: its retry gives the original back, once.
	for _, e := range legacy.Events {
		if e.ClientMsgID == "" {
			continue
		}
		k := store.MsgKey{Conversation: e.ConversationID, Author: e.AuthorID, ClientMsgID: e.ClientMsgID}
		if got, found, err := st.EventByClientMsgID(ctx, k); err != nil || !found || got.Seq != e.Seq {
			t.Errorf("EventByClientMsgID(%+v) after migration = seq %d, %v, %v; want seq %d", k, got.Seq, found, err, e.Seq)
		}
		retry := e.Want
		retry.Seq, retry.Time = 0, time.Time{}
		a, err := st.AppendEvent(ctx, retry)
		if err != nil || !a.Duplicate || a.Event.Seq != e.Seq {
			t.Errorf("retry of %s/%d (%q) after migration = seq %d, duplicate %v, %v; want the original", e.ConversationID, e.Seq, e.ClientMsgID, a.Event.Seq, a.Duplicate, err)
		}
	}
	// The migrated log goes on: an offer expires, a message is appended.
	a, err := st.AppendEvent(ctx, chat.Event{ConversationID: "conv-3", Kind: chat.KindMessage, Visibility: chat.VisibleAll,
		Author: chat.Participant{Role: chat.PartyAgent, ID: "u-anna", Name: "Anna"}, ClientMsgID: "after", Text: "still here"})
	if err != nil || a.Event.Seq != 6 {
		t.Errorf("AppendEvent after migration = %+v, %v; want seq 6", a.Event, err)
	}
}
