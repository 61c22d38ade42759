package routing

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"skranke/chat"
)

// transfer appends a transfer by from, as the conversation layer does.
func (e *env) transfer(id chat.ConversationID, from, to chat.UserID, queue chat.QueueID, within time.Duration) error {
	e.t.Helper()
	return e.append(chat.Event{
		ConversationID: id,
		Kind:           chat.KindTransferred,
		Author:         agentParty(from),
		Data:           chat.Transferred{AgentRef: chat.AgentRef{AgentID: to}, QueueID: queue, Note: "billing question", ExpiresAt: time.Now().Add(within)},
	})
}

// invitedTo returns the agent holding the chat's invitation (or transfer)
// offer now, or "".
func (e *env) invitedTo(id chat.ConversationID) chat.UserID {
	e.t.Helper()
	if inv := e.conv(id).Invitation; inv != nil {
		return inv.AgentID
	}
	return ""
}

func TestRouter_TransferToQueue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		for _, a := range []chat.UserID{"a1", "a2", "a3"} {
			e.agent(a, 2)
		}
		r := e.start(Options{})
		e.login("a1", "p-sales")
		id := e.activeChat("a1")
		// Nobody serves support yet: the transfer waits there, and a1
		// keeps the chat.
		if err := e.transfer(id, "a1", "", "support", 2*time.Minute); err != nil {
			t.Fatal(err)
		}
		if got := e.invitedTo(id); got != "" {
			t.Fatalf("transfer offered to %q with nobody in support", got)
		}
		e.login("a2", "p-support")
		if got := e.invitedTo(id); got != "a2" {
			t.Fatalf("transfer offered to %q, want a2 who just came ready for support", got)
		}
		c := e.conv(id)
		if c.Invitation.Note != "billing question" || !c.Invitation.Transfer || !cmp.Equal(c.Agents, []chat.UserID{"a1"}) {
			t.Fatalf("while offered: %+v (invitation %+v)", c, c.Invitation)
		}
		// The board counts the offer in support's, and a2's load.
		b, err := r.Board(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if q := b.Queues[1]; q.QueueID != "support" || q.OffersOut != 1 || q.Waiting != 0 || q.AgentsReady != 1 {
			t.Errorf("support on the board: %+v", q)
		}
		if len(b.Chats) != 1 || b.Chats[0].TransferTo != "support" || b.Chats[0].TransferToAgent != "a2" {
			t.Errorf("chats on the board: %+v", b.Chats)
		}
		for _, a := range b.Agents {
			if a.ID == "a2" && a.Load != 1 {
				t.Errorf("a2 on the board: %+v, want load 1 (the transfer's offer)", a)
			}
		}
		// a2 rejects: a3 gets it; a3 lets it expire: nobody else is left,
		// a2 is not asked again; at the transfer's end a1 keeps the chat.
		e.login("a3", "p-support")
		e.declineInvitation(id, "a2")
		if got := e.invitedTo(id); got != "a3" {
			t.Fatalf("after a2 rejected: offered to %q, want a3", got)
		}
		time.Sleep(30 * time.Second)
		synctest.Wait()
		if got := e.invitedTo(id); got != "" {
			t.Fatalf("after a3's offer expired: offered to %q, want nobody (a2 declined already)", got)
		}
		time.Sleep(2 * time.Minute)
		synctest.Wait()
		c = e.conv(id)
		if c.Invitation != nil || c.Status != chat.StatusActive || !cmp.Equal(c.Agents, []chat.UserID{"a1"}) || c.QueueID != "sales" {
			t.Fatalf("after the transfer's time: %+v, want a1 keeping the chat in sales", c)
		}
		e.checkSteps(id, []step{
			{chat.KindOffered, "a1", ""},
			{chat.KindAgentJoined, "a1", ""},
			{chat.KindTransferred, "", ""},
			{chat.KindInvited, "a2", ""},
			{chat.KindInvitationDeclined, "a2", chat.ReasonRejected},
			{chat.KindInvited, "a3", ""},
			{chat.KindInvitationDeclined, "a3", chat.ReasonExpired},
			{chat.KindInvitationDeclined, "", chat.ReasonUnavailable},
		})
	})
}

func TestRouter_TransferAccepted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.agent("a1", 2)
		e.agent("a2", 2)
		e.start(Options{})
		e.login("a1", "p-sales")
		id := e.activeChat("a1")
		e.login("a2", "p-support")
		if err := e.transfer(id, "a1", "", "support", 2*time.Minute); err != nil {
			t.Fatal(err)
		}
		e.accept(id, "a2")
		c := e.conv(id)
		if c.QueueID != "support" || c.Invitation != nil || !cmp.Equal(c.Agents, []chat.UserID{"a1", "a2"}) || c.Record.Transfers != 1 {
			t.Fatalf("after a2 accepted: %+v, want both in the chat (until a1 leaves), in support", c)
		}
		// The transferring agent's leaving (appended by the conversation
		// layer) leaves a2 alone with it: nothing is requeued.
		if err := e.append(chat.Event{ConversationID: id, Kind: chat.KindAgentLeft, Author: chat.System,
			Data: chat.AgentLeft{AgentRef: chat.AgentRef{AgentID: "a1"}, Reason: chat.ReasonTransferred}}); err != nil {
			t.Fatal(err)
		}
		if c := e.conv(id); c.Status != chat.StatusActive || !cmp.Equal(c.Agents, []chat.UserID{"a2"}) {
			t.Fatalf("after a1 left: %+v", c)
		}
		// Load follows: a1 has room for two new chats again.
		id2, id3 := e.chat("sales"), e.chat("sales")
		if e.offeredTo(id2) != "a1" || e.offeredTo(id3) != "a1" {
			t.Errorf("new chats offered to %q and %q, want a1 twice", e.offeredTo(id2), e.offeredTo(id3))
		}
	})
}

// A transfer takes its place in the queue by the time the customer first
// waited: before a chat that started later, after one that started before.
func TestRouter_TransferKeepsPlace(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.agent("a1", 3)
		e.agent("a2", 1)
		e.start(Options{})
		early := e.chat("support") // waits: nobody serves support
		time.Sleep(time.Second)
		e.login("a1", "p-sales")
		id := e.activeChat("a1")
		time.Sleep(time.Second)
		late := e.chat("support")
		if err := e.transfer(id, "a1", "", "support", 2*time.Minute); err != nil {
			t.Fatal(err)
		}
		// a2 (capacity 1) gets the three in order: early, the transfer, late.
		e.login("a2", "p-support")
		var got []chat.ConversationID
		for range 3 {
			switch {
			case e.offeredTo(early) == "a2":
				got = append(got, early)
				e.accept(early, "a2")
				e.end(early)
			case e.invitedTo(id) == "a2":
				got = append(got, id)
				e.declineInvitation(id, "a2")
			case e.offeredTo(late) == "a2":
				got = append(got, late)
				e.accept(late, "a2")
			default:
				t.Fatalf("after %v: nothing offered to a2", got)
			}
		}
		if want := []chat.ConversationID{early, id, late}; !cmp.Equal(got, want) {
			t.Errorf("order of offers to a2 = %v, want %v (early, transfer, late)", got, want)
		}
	})
}

func TestRouter_TransferToAgent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.agent("a1", 2)
		e.agent("a2", 1)
		e.start(Options{})
		e.login("a1", "p-sales")
		id := e.activeChat("a1")
		e.login("a2", "p-sales")
		if err := e.transfer(id, "a1", "a2", "", 30*time.Second); err != nil {
			t.Fatal(err)
		}
		// The transfer counts in a2's load (capacity 1): a new chat goes to a1.
		id2 := e.chat("sales")
		if got := e.offeredTo(id2); got != "a1" {
			t.Errorf("new chat offered to %q, want a1 (a2 is full with the transfer)", got)
		}
		// a2 lets it expire: the transfer is over, a1 keeps the chat.
		time.Sleep(30 * time.Second)
		synctest.Wait()
		c := e.conv(id)
		if c.Invitation != nil || !cmp.Equal(c.Agents, []chat.UserID{"a1"}) || c.Status != chat.StatusActive {
			t.Fatalf("after the transfer expired: %+v", c)
		}
		// A second one, rejected: the same.
		if err := e.transfer(id, "a1", "a2", "", 30*time.Second); err != nil {
			t.Fatal(err)
		}
		e.declineInvitation(id, "a2")
		if c := e.conv(id); c.Invitation != nil || !cmp.Equal(c.Agents, []chat.UserID{"a1"}) {
			t.Fatalf("after the transfer was rejected: %+v", c)
		}
		steps := e.steps(id)
		if diff := cmp.Diff([]step{
			{chat.KindTransferred, "a2", ""},
			{chat.KindInvitationDeclined, "a2", chat.ReasonExpired},
			{chat.KindTransferred, "a2", ""},
			{chat.KindInvitationDeclined, "a2", chat.ReasonRejected},
		}, steps[2:]); diff != "" {
			t.Errorf("steps (-want +got):\n%s", diff)
		}
	})
}
