package apptest_test

import (
	"testing"
	"time"

	"skranke/chat"
	"skranke/internal/apptest"
)

// TestResume_EndedWhileAway: an agent's desktop that was away while its
// chat ended gets the missed events, the end among them, after the welcome
// from its resume map; it needs no other read.
func TestResume_EndedWhileAway(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	kari, cust, anna := startChat(t, app)
	id := kari.ConversationID
	// The router records the customer's arrival on its own time: wait for
	// it, so that it is not among the events missed.
	anna.WaitForAny("customer_connected", isEvent(chat.KindCustomerConnected, id))
	last := send(t, anna, id, "a1", "Anything else?", false).Seq
	anna.CloseNow()
	send(t, cust, id, "c1", "No, thanks!", false)
	if f := cust.Request(map[string]any{"type": "end", "conversationId": id}); f.Type != "ack" {
		t.Fatalf("end: %+v", f)
	}
	back := app.Login(t, "anna").DialAgent(t, map[chat.ConversationID]chat.Seq{id: last})
	w := back.WaitFor("welcome", func(f apptest.Frame) bool { return f.Type == "welcome" })
	if len(w.Conversations) != 0 {
		t.Errorf("welcome lists %d chats, want none open", len(w.Conversations))
	}
	ended := back.WaitEvent(chat.KindEnded, id)
	msg := back.Events(id)
	if len(msg) != 2 || msg[0].Text != "No, thanks!" || ended.Seq != msg[1].Seq {
		t.Errorf("after resuming from %d the desktop got %+v, want the customer's message and the end", last, msg)
	}
}

// TestResume_OfferLapsedWhileAway: a desktop that was away while its offer
// lapsed learns how it ended, and nothing of the chat after that (another
// agent's private messages above all).
func TestResume_OfferLapsedWhileAway(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	bjorn := readyAgent(t, app, "bjorn", "sales")
	kari := app.NewCustomer(t, "sales", "Kari")
	id := kari.ConversationID
	offer := bjorn.WaitEvent(chat.KindOffered, id)
	bjorn.CloseNow() // the offer is declined: disconnected

	anna := readyAgent(t, app, "anna", "sales")
	accept(t, anna, id)
	send(t, anna, id, "p1", "PRIVATE after bjorn's offer", true)

	back := app.Login(t, "bjorn").DialAgent(t, map[chat.ConversationID]chat.Seq{id: offer.Seq})
	back.WaitFor("welcome", func(f apptest.Frame) bool { return f.Type == "welcome" })
	declined := back.WaitEvent(chat.KindOfferDeclined, id)
	if declined.AgentID != "u-bjorn" || declined.Reason != chat.ReasonDisconnected {
		t.Errorf("resumed decline = %+v, want bjorn's, disconnected", declined)
	}
	// Whatever else comes in the next moment, nothing after the decline.
	time.Sleep(300 * time.Millisecond)
	for {
		f, err := back.Read(50 * time.Millisecond)
		if err != nil {
			break
		}
		_ = f
	}
	for _, f := range back.All {
		if f.Event != nil && f.Event.ConversationID == id && f.Event.Seq > declined.Seq {
			t.Errorf("bjorn's desktop received %s from after his offer ended", f.Raw)
		}
	}
	// Nor over REST.
	if code, _ := app.Login(t, "bjorn").Raw(t, "GET", "/api/v1/conversations/"+string(id), nil); code != 404 {
		t.Errorf("GET the chat as bjorn after his offer lapsed = %d, want 404", code)
	}
}
