package chat

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var carla = Participant{Role: PartyAgent, ID: "carla", Name: "Carla"}

// activeWith returns a chat that anna accepted.
func activeWith(t *testing.T) Conversation {
	t.Helper()
	c := newTestConversation(t)
	c, _ = apply(t, c, t0, offer("anna", t0))
	c, _ = apply(t, c, t0, Event{Kind: KindAgentJoined, Author: anna, Data: AgentJoined{AgentRef: AgentRef{AgentID: "anna"}}})
	return c
}

func invite(agent UserID, at time.Time, queue QueueID) Event {
	return Event{Kind: KindInvited, Author: anna, Data: Invited{AgentRef: AgentRef{AgentID: agent}, QueueID: queue, ExpiresAt: at.Add(30 * time.Second)}, Text: "please help"}
}

func TestInvitation_namedAccepted(t *testing.T) {
	c := activeWith(t)
	c, e := apply(t, c, t0.Add(time.Second), invite("bjorn", t0.Add(time.Second), ""))
	if e.Visibility != VisibleAgents {
		t.Errorf("invited visibility %q, want agents", e.Visibility)
	}
	want := &Invitation{AgentID: "bjorn", InvitedBy: "anna", Note: "please help", OfferedAt: t0.Add(time.Second), ExpiresAt: t0.Add(31 * time.Second), Declined: []UserID{}}
	if diff := cmp.Diff(want, c.Invitation); diff != "" {
		t.Errorf("invitation (-want +got):\n%s", diff)
	}
	// One pending at a time, whoever asks.
	if _, _, err := c.Apply(Event{Kind: KindInvited, Time: t0, Author: anna, Data: Invited{AgentRef: AgentRef{AgentID: "carla"}, ExpiresAt: t0.Add(time.Minute)}}); ErrorCode(err) != EConflict {
		t.Errorf("second invitation: %v, want conflict", err)
	}
	// Only the invitee can accept.
	if _, _, err := c.Apply(Event{Kind: KindAgentJoined, Time: t0.Add(2 * time.Second), Author: carla, Data: AgentJoined{AgentRef: AgentRef{AgentID: "carla"}}}); ErrorCode(err) != EConflict {
		t.Errorf("accept by a stranger: %v, want conflict", err)
	}
	if _, _, err := c.Apply(Event{Kind: KindAgentJoined, Time: t0.Add(time.Minute), Author: bjorn, Data: AgentJoined{AgentRef: AgentRef{AgentID: "bjorn"}}}); ErrorCode(err) != EConflict {
		t.Errorf("accept after expiry: %v, want conflict", err)
	}
	c, _ = apply(t, c, t0.Add(2*time.Second), Event{Kind: KindAgentJoined, Author: bjorn, Data: AgentJoined{AgentRef: AgentRef{AgentID: "bjorn"}}})
	if c.Invitation != nil || !cmp.Equal(c.Agents, []UserID{"anna", "bjorn"}) {
		t.Errorf("after accept: invitation %+v, agents %v", c.Invitation, c.Agents)
	}
	// The inviter leaves; the invitee goes on with the customer.
	c, _ = apply(t, c, t0.Add(3*time.Second), Event{Kind: KindAgentLeft, Author: anna, Data: AgentLeft{AgentRef: AgentRef{AgentID: "anna"}, Reason: ReasonLeft}})
	c, _ = apply(t, c, t0.Add(4*time.Second), Event{Kind: KindMessage, Author: bjorn, Visibility: VisibleAll, Text: "I'm here"})
	if _, _, err := c.Apply(Event{Kind: KindMessage, Time: t0, Author: anna, Visibility: VisibleAll, Text: "hi"}); ErrorCode(err) != EForbidden {
		t.Errorf("message by the agent who left: %v, want forbidden", err)
	}
	// Inviting someone already in the chat.
	if _, _, err := c.Apply(Event{Kind: KindInvited, Time: t0, Author: bjorn, Data: Invited{AgentRef: AgentRef{AgentID: "bjorn", AgentName: "Bjørn"}, ExpiresAt: t0.Add(time.Minute)}}); ErrorCode(err) != EConflict {
		t.Errorf("invite a present agent: %v, want conflict", err)
	}
}

func TestInvitation_queueGoesToNextThenFails(t *testing.T) {
	c := activeWith(t)
	c, _ = apply(t, c, t0, invite("bjorn", t0, "support"))
	c, _ = apply(t, c, t0.Add(time.Second), Event{Kind: KindInvitationDeclined, Author: bjorn, Data: InvitationDeclined{AgentRef: AgentRef{AgentID: "bjorn"}, Reason: ReasonRejected}})
	if c.Invitation == nil || c.Invitation.AgentID != "" || !cmp.Equal(c.Invitation.Declined, []UserID{"bjorn"}) {
		t.Fatalf("after a queue invitee rejects: %+v, want it pending, without an invitee, bjorn declined", c.Invitation)
	}
	// Still one pending: nobody else may invite meanwhile.
	if _, _, err := c.Apply(Event{Kind: KindInvited, Time: t0, Author: anna, Data: Invited{AgentRef: AgentRef{AgentID: "carla"}, ExpiresAt: t0.Add(time.Minute)}}); ErrorCode(err) != EConflict {
		t.Errorf("agent invites while the router looks: %v, want conflict", err)
	}
	// The router may not offer it to a decliner again.
	if _, _, err := c.Apply(Event{Kind: KindInvited, Time: t0, Author: System, Data: Invited{AgentRef: AgentRef{AgentID: "bjorn"}, ExpiresAt: t0.Add(time.Minute)}}); ErrorCode(err) != EConflict {
		t.Errorf("re-offer to a decliner: %v, want conflict", err)
	}
	c, _ = apply(t, c, t0.Add(2*time.Second), Event{Kind: KindInvited, Author: System, Data: Invited{AgentRef: AgentRef{AgentID: "carla"}, ExpiresAt: t0.Add(time.Minute)}})
	if c.Invitation.InvitedBy != "anna" || c.Invitation.QueueID != "support" || c.Invitation.Note != "please help" {
		t.Errorf("the router's offer lost the invitation's origin: %+v", c.Invitation)
	}
	c, _ = apply(t, c, t0.Add(3*time.Second), Event{Kind: KindInvitationDeclined, Author: System, Data: InvitationDeclined{AgentRef: AgentRef{AgentID: "carla"}, Reason: ReasonExpired}})
	c, _ = apply(t, c, t0.Add(4*time.Second), Event{Kind: KindInvitationDeclined, Author: System, Data: InvitationDeclined{Reason: ReasonUnavailable}})
	if c.Invitation != nil {
		t.Errorf("after unavailable: invitation %+v, want none", c.Invitation)
	}
}

func TestInvitation_withdrawAndLeaveSafely(t *testing.T) {
	c := activeWith(t)
	c, _ = apply(t, c, t0, invite("bjorn", t0, ""))
	// The inviter leaves before the answer: the chat has no agent but a
	// pending invitation, so it may not be requeued yet.
	c, _ = apply(t, c, t0, Event{Kind: KindAgentLeft, Author: anna, Data: AgentLeft{AgentRef: AgentRef{AgentID: "anna"}, Reason: ReasonLeft}})
	if _, _, err := c.Apply(Event{Kind: KindRequeued, Time: t0, Author: System}); ErrorCode(err) != EConflict {
		t.Errorf("requeue with an invitation pending: %v, want conflict", err)
	}
	c, _ = apply(t, c, t0, Event{Kind: KindInvitationDeclined, Author: bjorn, Data: InvitationDeclined{AgentRef: AgentRef{AgentID: "bjorn"}, Reason: ReasonRejected}})
	c, _ = apply(t, c, t0, Event{Kind: KindRequeued, Author: System, Data: Requeued{Reason: ReasonLeft}})
	if c.Status != StatusWaiting || c.Priority != 1 {
		t.Errorf("after the invitation failed: %+v, want waiting at the front", c)
	}

	c = activeWith(t)
	c, _ = apply(t, c, t0, invite("bjorn", t0, ""))
	if _, _, err := c.Apply(Event{Kind: KindInvitationDeclined, Time: t0, Author: carla, Data: InvitationDeclined{Reason: ReasonWithdrawn}}); ErrorCode(err) != EForbidden {
		t.Errorf("withdraw by an outsider: %v, want forbidden", err)
	}
	c, _ = apply(t, c, t0, Event{Kind: KindInvitationDeclined, Author: anna, Data: InvitationDeclined{AgentRef: AgentRef{AgentID: "bjorn"}, Reason: ReasonWithdrawn}})
	if c.Invitation != nil {
		t.Errorf("after withdraw: %+v", c.Invitation)
	}
	if _, _, err := c.Apply(Event{Kind: KindAgentJoined, Time: t0, Author: bjorn, Data: AgentJoined{AgentRef: AgentRef{AgentID: "bjorn"}}}); ErrorCode(err) != EConflict {
		t.Errorf("accept a withdrawn invitation: %v, want conflict", err)
	}
	if _, _, err := c.Apply(Event{Kind: KindInvitationDeclined, Time: t0, Author: anna, Data: InvitationDeclined{Reason: ReasonWithdrawn}}); ErrorCode(err) != EConflict {
		t.Errorf("withdraw with none pending: %v, want conflict", err)
	}
}

func TestInvitation_onlyInActiveChats(t *testing.T) {
	c := newTestConversation(t)
	if _, _, err := c.Apply(Event{Kind: KindInvited, Time: t0, Author: anna, Data: Invited{AgentRef: AgentRef{AgentID: "bjorn"}, ExpiresAt: t0.Add(time.Minute)}}); ErrorCode(err) != EConflict {
		t.Errorf("invite into a waiting chat: %v, want conflict", err)
	}
	c = activeWith(t)
	if _, _, err := c.Apply(Event{Kind: KindInvited, Time: t0, Author: bjorn, Data: Invited{AgentRef: AgentRef{AgentID: "carla"}, ExpiresAt: t0.Add(time.Minute)}}); ErrorCode(err) != EForbidden {
		t.Errorf("invite by an agent not in the chat: %v, want forbidden", err)
	}
	inv, _ := apply(t, c, t0, invite("bjorn", t0, ""))
	ended, _ := apply(t, inv, t0, Event{Kind: KindEnded, Author: customer})
	if ended.Invitation != nil {
		t.Errorf("ending kept the invitation: %+v", ended.Invitation)
	}
}
