package chat

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var t0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func newTestConversation(t *testing.T) Conversation {
	t.Helper()
	c, e, err := NewConversation("c1", "cust1", "sales", " Kari ", t0)
	if err != nil {
		t.Fatal(err)
	}
	if e.Seq != 1 || e.Kind != KindStarted || e.Author.Name != "Kari" || e.Visibility != VisibleAll {
		t.Fatalf("NewConversation event = %+v", e)
	}
	return c
}

// apply applies e at time at and fails the test on error.
func apply(t *testing.T, c Conversation, at time.Time, e Event) (Conversation, Event) {
	t.Helper()
	e.Time = at
	n, stored, err := c.Apply(e)
	if err != nil {
		t.Fatalf("Apply(%s) = %v", e.Kind, err)
	}
	return n, stored
}

var (
	anna     = Participant{Role: PartyAgent, ID: "anna", Name: "Anna"}
	bjorn    = Participant{Role: PartyAgent, ID: "bjorn", Name: "Bjørn"}
	customer = Participant{Role: PartyCustomer, ID: "cust1", Name: "Kari"}
)

func offer(agent UserID, at time.Time) Event {
	return Event{Kind: KindOffered, Author: System, Data: Offered{AgentRef: AgentRef{AgentID: agent}, ExpiresAt: at.Add(30 * time.Second)}}
}

func TestConversation_Apply_lifecycle(t *testing.T) {
	c := newTestConversation(t)
	c, e := apply(t, c, t0.Add(time.Second), offer("anna", t0.Add(time.Second)))
	if e.Seq != 2 || e.Visibility != VisibleAgents || e.ConversationID != "c1" {
		t.Errorf("offered stored as %+v, want seq 2, agents only", e)
	}
	c, _ = apply(t, c, t0.Add(2*time.Second), Event{Kind: KindOfferDeclined, Author: anna, Data: OfferDeclined{AgentRef: AgentRef{AgentID: "anna"}, Reason: ReasonRejected}})
	c, _ = apply(t, c, t0.Add(3*time.Second), offer("bjorn", t0.Add(3*time.Second)))
	c, e = apply(t, c, t0.Add(4*time.Second), Event{Kind: KindAgentJoined, Author: bjorn, Data: AgentJoined{AgentRef: AgentRef{AgentID: "bjorn"}}, Visibility: VisibleAgents})
	if e.Visibility != VisibleAll {
		t.Errorf("agent_joined visibility %q, want all whatever the client asked", e.Visibility)
	}
	want := Conversation{
		ID: "c1", QueueID: "sales", CustomerID: "cust1", CustomerName: "Kari",
		Status: StatusActive, Agents: []UserID{"bjorn"}, Declined: nil,
		QueuedAt: t0, CreatedAt: t0, LastSeq: 5, Record: Record{AnsweredAt: t0.Add(4 * time.Second)},
	}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("after accept (-want +got):\n%s", diff)
	}
	c, e = apply(t, c, t0.Add(5*time.Second), Event{Kind: KindMessage, Author: bjorn, Visibility: VisibleAgents, Text: "note"})
	if e.Visibility != VisibleAgents || e.Seq != 6 {
		t.Errorf("private message stored as %+v", e)
	}
	c, _ = apply(t, c, t0.Add(6*time.Second), Event{Kind: KindAgentLeft, Author: System, Data: AgentLeft{AgentRef: AgentRef{AgentID: "bjorn"}, Reason: ReasonDisconnected}})
	c, _ = apply(t, c, t0.Add(7*time.Second), Event{Kind: KindRequeued, Author: System, Data: Requeued{Reason: ReasonDisconnected}})
	if c.Status != StatusWaiting || c.Priority != 1 || !c.QueuedAt.Equal(t0) || len(c.Agents) != 0 {
		t.Errorf("after requeue: %+v, want waiting at the front with its place kept", c)
	}
	c, e = apply(t, c, t0.Add(8*time.Second), Event{Kind: KindEnded, Author: customer})
	if c.Status != StatusEnded || !c.EndedAt.Equal(t0.Add(8*time.Second)) || c.LastSeq != 9 || e.Seq != 9 {
		t.Errorf("after end: %+v", c)
	}
	wantRecord := Record{AnsweredAt: t0.Add(4 * time.Second), EndedBy: PartyCustomer, Private: 1}
	if diff := cmp.Diff(wantRecord, c.Record); diff != "" {
		t.Errorf("record after end (-want +got):\n%s", diff)
	}
}

func TestConversation_Apply_refusals(t *testing.T) {
	base := newTestConversation(t)
	offered, _ := apply(t, base, t0, offer("anna", t0))
	active, _ := apply(t, offered, t0.Add(time.Second), Event{Kind: KindAgentJoined, Author: anna, Data: AgentJoined{AgentRef: AgentRef{AgentID: "anna"}}})
	ended, _ := apply(t, active, t0.Add(2*time.Second), Event{Kind: KindEnded, Author: anna})

	tests := []struct {
		name   string
		c      Conversation
		at     time.Time
		e      Event
		code   string
		reason string // clients key their texts on it
	}{
		{"second open offer", offered, t0, offer("bjorn", t0), EConflict, "offer_already_open"},
		{"offer without expiry", base, t0, Event{Kind: KindOffered, Data: Offered{AgentRef: AgentRef{AgentID: "anna"}, ExpiresAt: t0}}, EInvalid, "offer_incomplete"},
		{"offer of an active chat", active, t0, offer("bjorn", t0), EConflict, "chat_not_waiting"},
		{"accept by another agent", offered, t0, Event{Kind: KindAgentJoined, Author: bjorn, Data: AgentJoined{AgentRef: AgentRef{AgentID: "bjorn"}}}, EConflict, "offer_not_open"},
		{"accept after expiry", offered, t0.Add(30 * time.Second), Event{Kind: KindAgentJoined, Author: anna, Data: AgentJoined{AgentRef: AgentRef{AgentID: "anna"}}}, EConflict, "offer_expired"},
		{"double accept", active, t0, Event{Kind: KindAgentJoined, Author: anna, Data: AgentJoined{AgentRef: AgentRef{AgentID: "anna"}}}, EConflict, "already_accepted"},
		{"reject without offer", base, t0, Event{Kind: KindOfferDeclined, Data: OfferDeclined{AgentRef: AgentRef{AgentID: "anna"}, Reason: ReasonRejected}}, EConflict, "offer_not_open"},
		{"reject of another's offer", offered, t0, Event{Kind: KindOfferDeclined, Data: OfferDeclined{AgentRef: AgentRef{AgentID: "bjorn"}, Reason: ReasonRejected}}, EConflict, "offer_not_open"},
		{"decline for an unknown reason", offered, t0, Event{Kind: KindOfferDeclined, Data: OfferDeclined{AgentRef: AgentRef{AgentID: "anna"}, Reason: "bored"}}, EInvalid, "reason_unknown"},
		{"message to an ended chat", ended, t0, Event{Kind: KindMessage, Author: customer, Text: "hi"}, EConflict, "chat_ended"},
		{"end an ended chat", ended, t0, Event{Kind: KindEnded, Author: customer}, EConflict, "chat_ended"},
		{"message by an outsider agent", active, t0, Event{Kind: KindMessage, Author: bjorn, Text: "hi"}, EForbidden, "not_in_chat"},
		{"message by another customer", active, t0, Event{Kind: KindMessage, Author: Participant{Role: PartyCustomer, ID: "cust2"}, Text: "hi"}, ENotFound, "chat_not_found"},
		{"private message by the customer", active, t0, Event{Kind: KindMessage, Author: customer, Visibility: VisibleAgents, Text: "hi"}, EForbidden, "private_agents_only"},
		{"empty message", active, t0, Event{Kind: KindMessage, Author: customer, Text: " \n "}, EInvalid, "message_empty"},
		{"message without visibility", active, t0, Event{Kind: KindMessage, Author: customer, Visibility: "", Text: "hi"}, EInvalid, "visibility_unknown"},
		{"long message", active, t0, Event{Kind: KindMessage, Author: customer, Visibility: VisibleAll, Text: string(make([]rune, MaxTextLen+1))}, ETooLarge, "message_too_long"},
		{"end by an outsider", active, t0, Event{Kind: KindEnded, Author: bjorn}, EForbidden, "not_in_chat"},
		{"leave by a non-member", active, t0, Event{Kind: KindAgentLeft, Data: AgentLeft{AgentRef: AgentRef{AgentID: "bjorn"}}}, EConflict, "agent_not_in_chat"},
		{"requeue with an agent in", active, t0, Event{Kind: KindRequeued}, EConflict, "requeue_has_agents"},
		{"start twice", base, t0, Event{Kind: KindStarted}, EInvalid, "chat_already_started"},
		{"store an ephemeral", active, t0, Event{Kind: KindTyping, Author: customer}, EInvalid, "kind_not_stored"},
		{"unknown kind", active, t0, Event{Kind: "dance"}, EInvalid, "kind_not_stored"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.e.Time = tt.at
			if tt.e.Kind == KindMessage && tt.e.Visibility == "" && tt.name != "message without visibility" {
				tt.e.Visibility = VisibleAll
			}
			got, _, err := tt.c.Apply(tt.e)
			if code := ErrorCode(err); code != tt.code {
				t.Errorf("Apply(%+v) error %v (code %q), want code %q", tt.e, err, code, tt.code)
			}
			if reason := ErrorOf(err).Reason; err != nil && reason != tt.reason {
				t.Errorf("Apply(%+v) error %v (reason %q), want reason %q", tt.e, err, reason, tt.reason)
			}
			if diff := cmp.Diff(tt.c, got); diff != "" {
				t.Errorf("refused Apply changed the conversation (-before +after):\n%s", diff)
			}
		})
	}
}

func TestConversation_Apply_doesNotAlias(t *testing.T) {
	c := newTestConversation(t)
	c, _ = apply(t, c, t0, offer("anna", t0))
	c, _ = apply(t, c, t0, Event{Kind: KindOfferDeclined, Data: OfferDeclined{AgentRef: AgentRef{AgentID: "anna"}, Reason: ReasonExpired}})
	before := append([]UserID(nil), c.Declined...)
	n, _ := apply(t, c, t0, offer("bjorn", t0))
	n, _ = apply(t, n, t0, Event{Kind: KindOfferDeclined, Data: OfferDeclined{AgentRef: AgentRef{AgentID: "bjorn"}, Reason: ReasonRejected}})
	if !cmp.Equal(before, c.Declined) {
		t.Errorf("Apply changed the old conversation's Declined: %v, want %v", c.Declined, before)
	}
	if want := []UserID{"anna", "bjorn"}; !cmp.Equal(want, n.Declined) {
		t.Errorf("Declined = %v, want %v", n.Declined, want)
	}
}

func TestNewConversation_refusals(t *testing.T) {
	if _, _, err := NewConversation("c", "x", "", "", t0); ErrorCode(err) != EInvalid {
		t.Errorf("no queue: %v", err)
	}
	if _, _, err := NewConversation("c", "x", "q", string(make([]rune, MaxNameLen+1)), t0); ErrorCode(err) != EInvalid {
		t.Errorf("long name: %v", err)
	}
}
