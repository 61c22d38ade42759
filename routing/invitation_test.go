package routing

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"skranke/chat"
)

// invite appends an invitation by inviter, as realtime does.
func (e *env) invite(id chat.ConversationID, inviter, invitee chat.UserID, queue chat.QueueID) error {
	e.t.Helper()
	return e.append(chat.Event{
		ConversationID: id,
		Kind:           chat.KindInvited,
		Author:         agentParty(inviter),
		Data:           chat.Invited{AgentRef: chat.AgentRef{AgentID: invitee}, QueueID: queue, ExpiresAt: time.Now().Add(30 * time.Second)},
		Text:           "help",
	})
}

func (e *env) declineInvitation(id chat.ConversationID, a chat.UserID) {
	e.t.Helper()
	if err := e.append(chat.Event{ConversationID: id, Kind: chat.KindInvitationDeclined, Author: agentParty(a), Data: chat.InvitationDeclined{AgentRef: chat.AgentRef{AgentID: a}, Reason: chat.ReasonRejected}}); err != nil {
		e.t.Fatalf("decline invitation: %v", err)
	}
}

// activeChat returns a chat in sales accepted by a.
func (e *env) activeChat(a chat.UserID) chat.ConversationID {
	e.t.Helper()
	id := e.chat("sales")
	if got := e.offeredTo(id); got != a {
		e.t.Fatalf("chat offered to %q, want %q", got, a)
	}
	e.accept(id, a)
	return id
}

func TestRouter_QueueInvitationGoesToNextAgent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		for _, a := range []chat.UserID{"a1", "a2", "a3"} {
			e.agent(a, 3)
		}
		r := e.start(Options{})
		e.login("a1", "p-sales")
		id := e.activeChat("a1")
		e.login("a2", "p-support")
		e.login("a3", "p-support")
		first, err := r.PickAgent(t.Context(), "support", []chat.UserID{"a1"})
		if err != nil || (first != "a2" && first != "a3") {
			t.Fatalf("PickAgent(support) = %q, %v", first, err)
		}
		if err := e.invite(id, "a1", first, "support"); err != nil {
			t.Fatal(err)
		}
		e.declineInvitation(id, first)
		second := "a2"
		if first == "a2" {
			second = "a3"
		}
		c := e.conv(id)
		if c.Invitation == nil || c.Invitation.AgentID != chat.UserID(second) || c.Invitation.Note != "help" {
			t.Fatalf("after %s declined: invitation %+v, want it offered to %s", first, c.Invitation, second)
		}
		// The second lets it expire: nobody is left, the invitation ends and
		// the chat stays with a1.
		time.Sleep(30 * time.Second)
		synctest.Wait()
		c = e.conv(id)
		if c.Invitation != nil || !cmp.Equal(c.Agents, []chat.UserID{"a1"}) || c.Status != chat.StatusActive {
			t.Errorf("after the last invitee's expiry: %+v", c)
		}
		steps := e.steps(id)
		last := steps[len(steps)-1]
		if last.Kind != chat.KindInvitationDeclined || last.Reason != chat.ReasonUnavailable {
			t.Errorf("last step %+v, want the invitation given up as unavailable", last)
		}
	})
}

func TestRouter_InviterLeavesAndInvitationFails(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.agent("a1", 3)
		e.agent("a2", 3)
		e.start(Options{})
		e.login("a1", "p-sales")
		id := e.activeChat("a1")
		e.login("a2", "p-support")
		if err := e.invite(id, "a1", "a2", ""); err != nil {
			t.Fatal(err)
		}
		if err := e.append(chat.Event{ConversationID: id, Kind: chat.KindAgentLeft, Author: agentParty("a1"), Data: chat.AgentLeft{AgentRef: chat.AgentRef{AgentID: "a1"}, Reason: chat.ReasonLeft}}); err != nil {
			t.Fatal(err)
		}
		if c := e.conv(id); c.Status != chat.StatusActive {
			t.Fatalf("chat %+v went back to the queue while the invitation was pending", c)
		}
		e.declineInvitation(id, "a2")
		c := e.conv(id)
		if c.Status != chat.StatusWaiting || c.Priority != 1 {
			t.Fatalf("after the invitation failed with nobody in the chat: %+v, want waiting at the front", c)
		}
		// And it is offered again, to the agent serving its queue.
		if got := e.offeredTo(id); got != "a1" {
			t.Errorf("requeued chat offered to %q, want a1", got)
		}
	})
}

func TestRouter_InvitationCountsInCapacityAndExpires(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.agent("a1", 3)
		e.agent("a2", 1)
		e.start(Options{})
		e.login("a1", "p-sales")
		id := e.activeChat("a1")
		e.status("a2", chat.StatusReady, "p-sales")
		e.presence("a2", true)
		if err := e.invite(id, "a1", "a2", ""); err != nil {
			t.Fatal(err)
		}
		// a2 (capacity 1) holds the invitation: a new chat goes to a1.
		id2 := e.chat("sales")
		if got := e.offeredTo(id2); got != "a1" {
			t.Errorf("new chat offered to %q, want a1 (a2 is full with the invitation)", got)
		}
		time.Sleep(30 * time.Second)
		synctest.Wait()
		if c := e.conv(id); c.Invitation != nil {
			t.Errorf("invitation %+v still pending after its timeout", c.Invitation)
		}
		steps := e.steps(id)
		if last := steps[len(steps)-1]; last != (step{chat.KindInvitationDeclined, "a2", chat.ReasonExpired}) {
			t.Errorf("last step %+v, want a2's invitation expired", last)
		}
	})
}

func TestRouter_InviteeGoesOffline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.agent("a1", 3)
		e.agent("a2", 3)
		r := e.start(Options{})
		e.login("a1", "p-sales")
		id := e.activeChat("a1")
		e.login("a2", "p-sales")
		agents, err := r.Agents(t.Context())
		if err != nil || len(agents) != 2 || agents[0].ID != "a1" || agents[0].Load != 1 || !agents[1].Available {
			t.Fatalf("Agents() = %+v, %v", agents, err)
		}
		if err := e.invite(id, "a1", "a2", ""); err != nil {
			t.Fatal(err)
		}
		e.presence("a2", false)
		steps := e.steps(id)
		if last := steps[len(steps)-1]; last != (step{chat.KindInvitationDeclined, "a2", chat.ReasonDisconnected}) {
			t.Errorf("last step %+v, want a2's invitation declined as disconnected", last)
		}
	})
}
