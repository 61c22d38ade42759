package apptest_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"skranke/chat"
	"skranke/internal/apptest"
)

// inviteOK sends an invite until it is acknowledged: the router learns of
// an agent's new status from the bus, a moment after the agent's ack.
func inviteOK(t *testing.T, c *apptest.Conn, frame map[string]any) apptest.Frame {
	t.Helper()
	frame["type"] = "invite"
	return untilAcked(t, c, frame)
}

// untilAcked sends a request until it is acknowledged, or refused other
// than as a conflict, for up to 10 seconds: a request that depends on
// another agent's new status (invite, transfer) meets a conflict until the
// router has heard of it.
func untilAcked(t *testing.T, c *apptest.Conn, frame map[string]any) apptest.Frame {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		f := c.Request(frame)
		if f.Type == "ack" || time.Now().After(deadline) || f.Code != chat.EConflict {
			return f
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func invited(c *apptest.Conn, id chat.ConversationID, agent chat.UserID) apptest.Event {
	return *c.WaitFor("invitation to "+string(agent), func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.Kind == chat.KindInvited && f.Event.ConversationID == id && f.Event.AgentID == agent
	}).Event
}

func TestInvite_NamedAgentJoinsPrivateTalkInviterLeaves(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	kari, cust, anna := startChat(t, app)
	id := kari.ConversationID
	send(t, cust, id, "c1", "I have a question about my contract", false)
	send(t, anna, id, "p0", "note: customer is upset PRIV-0", true)
	bjornHTTP := app.Login(t, "bjorn")
	bjorn := bjornHTTP.DialAgent(t, nil)
	bjorn.WaitFor("welcome", func(f apptest.Frame) bool { return f.Type == "welcome" })
	bjorn.Request(map[string]any{"type": "status", "status": "ready", "profileId": "support"})

	f := inviteOK(t, anna, map[string]any{"conversationId": id, "agentId": "u-bjorn", "note": "contract question"})
	if f.Type != "ack" {
		t.Fatalf("invite: %+v", f)
	}
	inv := invited(bjorn, id, "u-bjorn")
	if inv.Text != "contract question" || inv.Author.ID != "u-anna" {
		t.Errorf("invitation %+v, want anna's note", inv)
	}
	// The invitee reads the conversation so far, private notes included.
	var conv struct {
		Conversation chat.Conversation
		Events       []apptest.Event
	}
	if code := bjornHTTP.Do(t, "GET", "/api/v1/conversations/"+string(id), nil, &conv); code != http.StatusOK {
		t.Fatalf("invitee reads the chat: %d", code)
	}
	if !strings.Contains(fmt.Sprint(conv.Events), "PRIV-0") || conv.Conversation.Invitation == nil {
		t.Errorf("invitee's view lacks the history or the invitation: %+v", conv.Conversation)
	}
	// One pending at a time.
	if f := anna.Request(map[string]any{"type": "invite", "conversationId": id, "queueId": "support"}); f.Type != "error" || f.Code != chat.EConflict {
		t.Errorf("second invitation: %+v, want conflict", f)
	}
	if f := bjorn.Request(map[string]any{"type": "accept", "conversationId": id}); f.Type != "ack" {
		t.Fatalf("invitee accepts: %+v", f)
	}
	joined := cust.WaitFor("Bjørn joined", func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.Kind == chat.KindAgentJoined && f.Event.AgentName == "Bjørn"
	})
	if joined.Event.AgentID != "" {
		t.Errorf("customer sees the agent's id: %+v", joined.Event)
	}
	send(t, anna, id, "p1", "can you take over? PRIV-1", true)
	priv := bjorn.WaitFor("private message", func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.Text == "can you take over? PRIV-1"
	}).Event
	if priv.Visibility != chat.VisibleAgents {
		t.Errorf("private message reached bjorn as %q", priv.Visibility)
	}
	send(t, bjorn, id, "p2", "sure PRIV-2", true)
	if f := anna.Request(map[string]any{"type": "leave", "conversationId": id}); f.Type != "ack" {
		t.Fatalf("leave: %+v", f)
	}
	cust.WaitFor("Anna left", func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.Kind == chat.KindAgentLeft && f.Event.AgentName == "Anna"
	})
	send(t, bjorn, id, "b1", "Hi, I'm Bjørn, I'll help you", false)
	cust.WaitFor("Bjørn's message", func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.Text == "Hi, I'm Bjørn, I'll help you"
	})
	send(t, cust, id, "c2", "thanks", false)
	bjorn.WaitFor("customer's reply", func(f apptest.Frame) bool { return f.Type == "event" && f.Event.Text == "thanks" })
	if f := send(t, anna, id, "a9", "still here?", false); f.Type != "error" {
		t.Errorf("the agent who left can still write: %+v", f)
	}
	for _, fr := range cust.All {
		if strings.Contains(string(fr.Raw), "PRIV-") || strings.Contains(string(fr.Raw), "invit") {
			t.Errorf("customer received %s", fr.Raw)
		}
	}
}

func TestInvite_QueueInvitationRejectedGoesToNext(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	kari, _, anna := startChat(t, app)
	id := kari.ConversationID
	agents := map[chat.UserID]*apptest.Conn{
		"u-bjorn": readyAgent(t, app, "bjorn", "sales"),
		"u-carla": readyAgent(t, app, "carla", "all"),
	}
	if f := inviteOK(t, anna, map[string]any{"conversationId": id, "queueId": "sales"}); f.Type != "ack" {
		t.Fatalf("queue invite: %+v", f)
	}
	// Whoever got it rejects; the other one gets it.
	var first chat.UserID
	ev := anna.WaitFor("the invitation", func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.Kind == chat.KindInvited && f.Event.ConversationID == id
	}).Event
	first = ev.AgentID
	invited(agents[first], id, first)
	if f := agents[first].Request(map[string]any{"type": "reject", "conversationId": id}); f.Type != "ack" {
		t.Fatalf("reject invitation: %+v", f)
	}
	var second chat.UserID = "u-carla"
	if first == second {
		second = "u-bjorn"
	}
	invited(agents[second], id, second)
	// The inviter sees what happened.
	anna.WaitFor("the invitation to the second agent", func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.Kind == chat.KindInvited && f.Event.AgentID == second
	})
	if f := agents[second].Request(map[string]any{"type": "accept", "conversationId": id}); f.Type != "ack" {
		t.Fatalf("accept: %+v", f)
	}
}

func TestInvite_BadInput(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	kari, cust, anna := startChat(t, app)
	id := kari.ConversationID
	paused := app.Login(t, "bjorn").DialAgent(t, nil)
	paused.WaitFor("welcome", func(f apptest.Frame) bool { return f.Type == "welcome" })
	paused.Request(map[string]any{"type": "status", "status": "paused", "profileId": "sales"})
	// Wait until routing has heard of bjorn's presence.
	annaHTTP := app.Login(t, "anna")
	for deadline := time.Now().Add(10 * time.Second); ; {
		var res struct{ Agents []struct{ ID string } }
		annaHTTP.Do(t, "GET", "/api/v1/agents", nil, &res)
		if strings.Contains(fmt.Sprint(res.Agents), "u-bjorn") || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}

	cases := []struct {
		name  string
		frame map[string]any
		code  string
		msg   string
	}{
		{"logged out agent", map[string]any{"agentId": "u-carla"}, chat.EConflict, "not logged in"},
		{"paused agent", map[string]any{"agentId": "u-bjorn"}, chat.EConflict, "paused"},
		{"agent already present", map[string]any{"agentId": "u-anna"}, chat.EConflict, "already in this chat"},
		{"unknown agent", map[string]any{"agentId": "u-nobody"}, chat.EInvalid, "No such agent"},
		{"queue with nobody available", map[string]any{"queueId": "support"}, chat.EConflict, "Nobody in Support"},
		{"neither", map[string]any{}, chat.EInvalid, "Choose"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.frame["type"] = "invite"
			tc.frame["conversationId"] = id
			f := anna.Request(tc.frame)
			if f.Type != "error" || f.Code != tc.code || !strings.Contains(f.Message, tc.msg) {
				t.Errorf("got %+v, want %s mentioning %q", f, tc.code, tc.msg)
			}
		})
	}
	if f := cust.Request(map[string]any{"type": "invite", "conversationId": id, "agentId": "u-bjorn"}); f.Type != "error" || f.Code != chat.EForbidden {
		t.Errorf("customer invites: %+v, want forbidden", f)
	}
	// Withdraw, then accepting the withdrawn invitation fails.
	bjorn := readyAgent(t, app, "bjorn", "sales")
	if f := inviteOK(t, anna, map[string]any{"conversationId": id, "agentId": "u-bjorn"}); f.Type != "ack" {
		t.Fatalf("invite: %+v", f)
	}
	invited(bjorn, id, "u-bjorn")
	if f := anna.Request(map[string]any{"type": "withdraw", "conversationId": id}); f.Type != "ack" {
		t.Fatalf("withdraw: %+v", f)
	}
	if f := bjorn.Request(map[string]any{"type": "accept", "conversationId": id}); f.Type != "error" || f.Code != chat.EConflict {
		t.Errorf("accept a withdrawn invitation: %+v, want conflict", f)
	}
	var conv struct{ Events []apptest.Event }
	app.Login(t, "anna").Do(t, "GET", "/api/v1/conversations/"+string(id), nil, &conv)
	for _, e := range conv.Events {
		if e.Kind == chat.KindAgentJoined && e.AgentID == "u-bjorn" {
			t.Errorf("a refused accept was stored: %+v", e)
		}
	}
}
