package apptest_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"skranke/chat"
	"skranke/internal/apptest"
)

// transferOK sends a transfer until it is acknowledged, as inviteOK an
// invitation.
func transferOK(t *testing.T, c *apptest.Conn, frame map[string]any) apptest.Frame {
	t.Helper()
	frame["type"] = "transfer"
	return untilAcked(t, c, frame)
}

// TestTransfer_ToQueueSecondAgentAccepts: Anna transfers a chat to the
// support queue with a note; Carla, who serves support, is offered it with
// the note and reads the chat so far; until she accepts Anna stays in the
// chat; then Anna leaves. The customer is told of the transfer and of who
// joined, never of the note; the chat log shows the transfer.
func TestTransfer_ToQueueSecondAgentAccepts(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	kari, cust, anna := startChat(t, app)
	id := kari.ConversationID
	send(t, cust, id, "c1", "my invoice is wrong", false)
	send(t, anna, id, "p1", "checked: PRIV-T1", true)
	carlaHTTP := app.Login(t, "carla")
	carla := carlaHTTP.DialAgent(t, nil)
	carla.WaitFor("welcome", func(f apptest.Frame) bool { return f.Type == "welcome" })
	carla.Request(map[string]any{"type": "status", "status": "ready", "profileId": "support"})

	f := transferOK(t, anna, map[string]any{"conversationId": id, "queueId": "support", "note": "NOTE-T billing"})
	if f.Type != "ack" {
		t.Fatalf("transfer: %+v", f)
	}
	tr := anna.WaitEvent(chat.KindTransferred, id)
	if tr.QueueID != "support" || tr.Author.ID != "u-anna" {
		t.Errorf("transferred event %+v", tr)
	}
	told := cust.WaitEvent(chat.KindTransferred, id)
	if told.QueueID != "" || told.AgentID != "" || strings.Contains(fmt.Sprint(told), "NOTE-T") {
		t.Errorf("customer's transferred event says too much: %+v", told)
	}
	offer := invited(carla, id, "u-carla")
	if offer.Text != "NOTE-T billing" || offer.QueueID != "support" {
		t.Errorf("Carla's offer %+v, want the note and the queue", offer)
	}
	var conv struct {
		Conversation chat.Conversation
		Events       []apptest.Event
	}
	if code := carlaHTTP.Do(t, "GET", "/api/v1/conversations/"+string(id), nil, &conv); code != http.StatusOK {
		t.Fatalf("receiver reads the chat: %d", code)
	}
	if s := fmt.Sprint(conv.Events); !strings.Contains(s, "my invoice is wrong") || !strings.Contains(s, "PRIV-T1") {
		t.Errorf("the receiver's view lacks the chat so far: %s", s)
	}
	if inv := conv.Conversation.Invitation; inv == nil || !inv.Transfer || inv.Note != "NOTE-T billing" {
		t.Errorf("the conversation's invitation %+v, want the transfer with its note", inv)
	}
	// Anna is still in the chat and may write.
	if f := send(t, anna, id, "a1", "one moment, I'm passing you on", false); f.Type != "ack" {
		t.Errorf("Anna writes during the transfer: %+v", f)
	}
	if f := carla.Request(map[string]any{"type": "accept", "conversationId": id}); f.Type != "ack" {
		t.Fatalf("Carla accepts: %+v", f)
	}
	cust.WaitFor("Carla joined", func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.Kind == chat.KindAgentJoined && f.Event.AgentName == "Carla"
	})
	left := cust.WaitFor("Anna left", func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.Kind == chat.KindAgentLeft && f.Event.AgentName == "Anna"
	}).Event
	if left.Reason != chat.ReasonTransferred {
		t.Errorf("Anna left with reason %q, want transferred", left.Reason)
	}
	anna.WaitFor("Anna's own leaving", func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.Kind == chat.KindAgentLeft && f.Event.AgentID == "u-anna"
	})
	if f := send(t, anna, id, "a2", "still here?", false); f.Type != "error" {
		t.Errorf("Anna writes after the transfer: %+v", f)
	}
	send(t, carla, id, "k1", "Hi, Carla from support here", false)
	cust.WaitFor("Carla's message", func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.Text == "Hi, Carla from support here"
	})
	for _, fr := range cust.All {
		if strings.Contains(string(fr.Raw), "NOTE-T") || strings.Contains(string(fr.Raw), "PRIV-T") || strings.Contains(string(fr.Raw), "u-carla") {
			t.Errorf("customer received %s", fr.Raw)
		}
	}
	// The chat is support's now, and the organisation's log has it all.
	var rec struct {
		Conversation chat.Conversation
		Events       []apptest.Event
	}
	if code := app.Login(t, "admin").Do(t, "GET", "/api/v1/chatlog/"+string(id), nil, &rec); code != http.StatusOK {
		t.Fatalf("chat log record: %d", code)
	}
	if rec.Conversation.QueueID != "support" || rec.Conversation.Record.Transfers != 1 {
		t.Errorf("record %+v, want the chat in support with one transfer", rec.Conversation)
	}
	var kinds []chat.Kind
	for _, e := range rec.Events {
		if e.Kind == chat.KindTransferred && e.Note != "NOTE-T billing" {
			t.Errorf("chat log's transfer %+v lacks the note", e)
		}
		kinds = append(kinds, e.Kind)
	}
	if s := fmt.Sprint(kinds); !strings.Contains(s, "transferred invited message agent_joined agent_left") {
		t.Errorf("chat log kinds %v, want the transfer, its offer, the join and the leaving", kinds)
	}
	app.CheckInvariants(t)
}

// TestTransfer_ToAgentRejectedAgentKeepsChat: a transfer to a named agent
// who rejects it leaves the chat with the transferring agent, who is told.
func TestTransfer_ToAgentRejectedAgentKeepsChat(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	kari, cust, anna := startChat(t, app)
	id := kari.ConversationID
	bjorn := readyAgent(t, app, "bjorn", "sales")
	if f := transferOK(t, anna, map[string]any{"conversationId": id, "agentId": "u-bjorn", "note": "yours?"}); f.Type != "ack" {
		t.Fatalf("transfer: %+v", f)
	}
	tr := bjorn.WaitEvent(chat.KindTransferred, id)
	if tr.AgentID != "u-bjorn" || tr.Note != "yours?" {
		t.Errorf("Bjørn's offer %+v, want the transfer to him with the note", tr)
	}
	// One pending at a time: no invitation meanwhile.
	if f := anna.Request(map[string]any{"type": "invite", "conversationId": id, "agentId": "u-bjorn"}); f.Type != "error" || f.Code != chat.EConflict {
		t.Errorf("invite during a transfer: %+v, want conflict", f)
	}
	if f := bjorn.Request(map[string]any{"type": "reject", "conversationId": id}); f.Type != "ack" {
		t.Fatalf("Bjørn rejects: %+v", f)
	}
	d := anna.WaitEvent(chat.KindInvitationDeclined, id)
	if d.AgentID != "u-bjorn" || d.Reason != chat.ReasonRejected {
		t.Errorf("Anna is told %+v, want Bjørn's rejection", d)
	}
	if f := send(t, anna, id, "a1", "I'll keep helping you", false); f.Type != "ack" {
		t.Errorf("Anna writes after the rejected transfer: %+v", f)
	}
	cust.WaitFor("Anna's message", func(f apptest.Frame) bool { return f.Type == "event" && f.Event.Text == "I'll keep helping you" })
	// Refusals: a paused agent, no target, both targets.
	for _, c := range []struct {
		frame map[string]any
		code  string
	}{
		{map[string]any{"conversationId": id, "agentId": "u-carla"}, chat.EConflict},
		{map[string]any{"conversationId": id}, chat.EInvalid},
		{map[string]any{"conversationId": id, "agentId": "u-bjorn", "queueId": "sales"}, chat.EInvalid},
		{map[string]any{"conversationId": id, "queueId": "nope"}, chat.EInvalid},
	} {
		c.frame["type"] = "transfer"
		if f := anna.Request(c.frame); f.Type != "error" || f.Code != c.code {
			t.Errorf("transfer %v = %+v, want %s", c.frame, f, c.code)
		}
	}
	// Over REST, the same operation.
	var out struct{ Event apptest.Event }
	if code := app.Login(t, "anna").Do(t, "POST", "/api/v1/conversations/"+string(id)+"/transfer", map[string]any{"queueId": "support"}, &out); code != http.StatusOK || out.Event.Kind != chat.KindTransferred {
		t.Errorf("REST transfer = %d %+v", code, out.Event)
	}
	if code := app.Login(t, "bjorn").Do(t, "POST", "/api/v1/conversations/"+string(id)+"/transfer", map[string]any{"queueId": "support"}, nil); code != http.StatusNotFound {
		t.Errorf("transfer by an agent not in the chat = %d, want 404", code)
	}
}

// TestCluster_TransferAcrossNodes: the transferring agent and the customer
// on one node, the receiver on another.
func TestCluster_TransferAcrossNodes(t *testing.T) {
	nodes := cluster(t, 2)
	a, b := nodes[0], nodes[1]
	anna := readyAgent(t, a, "anna", "sales")
	kari := a.NewCustomer(t, "sales", "Kari")
	cust := kari.DialCustomer(t, 0)
	accept(t, anna, kari.ConversationID)
	id := kari.ConversationID
	cust.WaitEvent(chat.KindAgentJoined, id)
	carla := readyAgent(t, b, "carla", "support")
	if f := transferOK(t, anna, map[string]any{"conversationId": id, "queueId": "support", "note": "from node A"}); f.Type != "ack" {
		t.Fatalf("transfer: %+v", f)
	}
	if e := invited(carla, id, "u-carla"); e.Text != "from node A" {
		t.Errorf("Carla on B got %+v", e)
	}
	if f := carla.Request(map[string]any{"type": "accept", "conversationId": id}); f.Type != "ack" {
		t.Fatalf("Carla accepts on B: %+v", f)
	}
	cust.WaitFor("Anna left", func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.Kind == chat.KindAgentLeft && f.Event.AgentName == "Anna"
	})
	send(t, cust, id, "c1", "hello Carla", false)
	if e := carla.WaitEvent(chat.KindMessage, id); e.Text != "hello Carla" {
		t.Errorf("Carla on B got %q", e.Text)
	}
}
