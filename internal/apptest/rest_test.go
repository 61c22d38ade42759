package apptest_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"skranke/chat"
	"skranke/internal/apptest"
)

// eventAnswer is the body of an operation's answer over REST.
type eventAnswer struct {
	Event apptest.Event
	Error struct {
		Code, Reason, Message string
		Params                map[string]any
	}
}

// op calls an operation on conversation id over REST and decodes its
// answer.
func op(t *testing.T, c *apptest.Client, id chat.ConversationID, name string, body any) (int, eventAnswer) {
	t.Helper()
	code, data := c.Raw(t, "POST", "/api/v1/conversations/"+string(id)+"/"+name, body)
	var a eventAnswer
	if err := json.Unmarshal(data, &a); err != nil {
		t.Fatalf("POST %s: decode %q: %v", name, data, err)
	}
	return code, a
}

// TestREST_AgentOperations does an agent's whole part in a chat over REST
// (an integration acting as an agent) while the customer and a colleague
// are on WebSocket, and checks that each operation does what its frame
// does: the same events, the same rules, and a retry with the same
// clientMsgId stores nothing new.
func TestREST_AgentOperations(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	anna := readyAgent(t, app, "anna", "sales") // her desktop, for the offer
	bot := app.Login(t, "anna")                 // the same agent, over REST
	kari := app.NewCustomer(t, "sales", "Kari")
	id := kari.ConversationID
	cust := kari.DialCustomer(t, 0)
	anna.WaitEvent(chat.KindOffered, id)

	code, a := op(t, bot, id, "accept", nil)
	if code != http.StatusOK || a.Event.Kind != chat.KindAgentJoined || a.Event.AgentID != "u-anna" {
		t.Fatalf("accept = %d %+v", code, a)
	}
	cust.WaitEvent(chat.KindAgentJoined, id)
	if code, a := op(t, bot, id, "accept", nil); code != http.StatusConflict || a.Error.Code != chat.EConflict {
		t.Errorf("accept again = %d %+v, want 409 conflict", code, a.Error)
	}

	msg := map[string]any{"clientMsgId": "rest-1", "text": "Hello from the integration"}
	code, first := op(t, bot, id, "messages", msg)
	if code != http.StatusOK || first.Event.Kind != chat.KindMessage || first.Event.Seq == 0 {
		t.Fatalf("send = %d %+v", code, first)
	}
	code, again := op(t, bot, id, "messages", msg)
	if code != http.StatusOK || again.Event.Seq != first.Event.Seq {
		t.Errorf("send again with the same clientMsgId = %d seq %d, want seq %d", code, again.Event.Seq, first.Event.Seq)
	}
	got := cust.WaitFor("the message", func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.Text == "Hello from the integration"
	})
	if got.Event.Seq != first.Event.Seq || got.Event.Author.Name != "Anna" || got.Event.Author.ID != "" {
		t.Errorf("customer got %+v, want seq %d by Anna without id", got.Event, first.Event.Seq)
	}
	if code, a := op(t, bot, id, "messages", map[string]any{"text": "no id"}); code != http.StatusBadRequest || a.Error.Code != chat.EInvalid {
		t.Errorf("send without clientMsgId = %d %+v, want 400 invalid", code, a.Error)
	}
	if code, a := op(t, bot, id, "messages", map[string]any{"clientMsgId": "x", "text": "hi", "colour": "red"}); code != http.StatusBadRequest ||
		a.Error.Reason != "body_unknown_field" || a.Error.Params["field"] != "colour" || a.Error.Message != `Unknown field "colour".` {
		t.Errorf("send with an unknown field = %d %+v, want 400 body_unknown_field naming colour", code, a.Error)
	}

	// A private note, an invitation of Bjørn, withdrawn.
	if code, a := op(t, bot, id, "messages", map[string]any{"clientMsgId": "rest-p", "text": "PRIVATE-REST", "private": true}); code != http.StatusOK || a.Event.Visibility != chat.VisibleAgents {
		t.Errorf("private send = %d %+v", code, a)
	}
	bjorn := readyAgent(t, app, "bjorn", "sales")
	code, inv := op(t, bot, id, "invite", map[string]any{"agentId": "u-bjorn", "note": "a tricky one", "clientMsgId": "inv-1"})
	if code != http.StatusOK || inv.Event.Kind != chat.KindInvited || inv.Event.AgentID != "u-bjorn" {
		t.Fatalf("invite = %d %+v", code, inv)
	}
	invited(bjorn, id, "u-bjorn")
	if code, again := op(t, bot, id, "invite", map[string]any{"agentId": "u-bjorn", "clientMsgId": "inv-1"}); code != http.StatusOK || again.Event.Seq != inv.Event.Seq {
		t.Errorf("invite again with the same clientMsgId = %d %+v, want the original seq %d", code, again, inv.Event.Seq)
	}
	if code, a := op(t, bot, id, "withdraw", map[string]any{}); code != http.StatusOK || a.Event.Reason != chat.ReasonWithdrawn {
		t.Errorf("withdraw = %d %+v", code, a)
	}
	if code, a := op(t, bot, id, "withdraw", nil); code != http.StatusConflict {
		t.Errorf("withdraw with none pending = %d %+v, want 409", code, a.Error)
	}

	// Someone else's chat is not found; then Anna ends hers.
	other := app.NewCustomer(t, "support", "Ola")
	carla := app.Login(t, "carla")
	for _, name := range []string{"accept", "reject", "end", "leave", "withdraw"} {
		if code, a := op(t, carla, id, name, nil); code != http.StatusNotFound || a.Error.Code != chat.ENotFound {
			t.Errorf("%s by a stranger = %d %+v, want 404", name, code, a.Error)
		}
	}
	if code, _ := op(t, bot, other.ConversationID, "messages", map[string]any{"clientMsgId": "x", "text": "hi"}); code != http.StatusNotFound {
		t.Errorf("send into a chat Anna never had = %d, want 404", code)
	}
	if code, a := op(t, bot, id, "end", map[string]any{"clientMsgId": "end-1"}); code != http.StatusOK || a.Event.Kind != chat.KindEnded {
		t.Fatalf("end = %d %+v", code, a)
	}
	cust.WaitEvent(chat.KindEnded, id)
	if code, a := op(t, bot, id, "end", map[string]any{"clientMsgId": "end-1"}); code != http.StatusOK || a.Event.Kind != chat.KindEnded {
		t.Errorf("end again with the same clientMsgId = %d %+v, want the original event", code, a)
	}
	for _, f := range cust.All {
		if f.Event != nil && (f.Event.Text == "PRIVATE-REST" || f.Event.Kind == chat.KindInvited) {
			t.Errorf("the customer received %s", f.Raw)
		}
	}
}

// TestREST_LeaveAndReject covers the two operations the chat above does
// not: rejecting an offer and leaving a chat.
func TestREST_LeaveAndReject(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	anna := readyAgent(t, app, "anna", "sales")
	bjorn := readyAgent(t, app, "bjorn", "sales")
	kari := app.NewCustomer(t, "sales", "Kari")
	id := kari.ConversationID
	first := waitOfferAny(t, map[chat.UserID]*apptest.Conn{"u-anna": anna, "u-bjorn": bjorn}, id)
	users := map[chat.UserID]string{"u-anna": "anna", "u-bjorn": "bjorn"}
	code, a := op(t, app.Login(t, users[first]), id, "reject", nil)
	if code != http.StatusOK || a.Event.Kind != chat.KindOfferDeclined || a.Event.Reason != chat.ReasonRejected {
		t.Fatalf("reject = %d %+v", code, a)
	}
	second := chat.UserID("u-anna")
	if first == second {
		second = "u-bjorn"
	}
	conns := map[chat.UserID]*apptest.Conn{"u-anna": anna, "u-bjorn": bjorn}
	conns[second].WaitFor("the offer to the other agent", func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.Kind == chat.KindOffered && f.Event.AgentID == second
	})
	rest := app.Login(t, users[second])
	if code, a := op(t, rest, id, "accept", nil); code != http.StatusOK {
		t.Fatalf("accept by %s = %d %+v", second, code, a)
	}
	code, a = op(t, rest, id, "leave", nil)
	if code != http.StatusOK || a.Event.Kind != chat.KindAgentLeft || a.Event.Reason != chat.ReasonLeft {
		t.Fatalf("leave = %d %+v", code, a)
	}
	// Left alone, the chat goes back to the front of its queue.
	cust := kari.DialCustomer(t, 0)
	cust.WaitEvent(chat.KindRequeued, id)
}
