package apptest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"skranke/chat"
	"skranke/internal/apptest"
)

// TestTrust_ForgedOfferGrantsNothing: an "offered" event on the bus that
// the store knows nothing of (one anyone who reaches the bus could forge)
// does not make a node send the chat's log to the agent it names: the node
// checks the store before it sends an agent anything of a chat.
func TestTrust_ForgedOfferGrantsNothing(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	kari, _, anna := startChat(t, app)
	id := kari.ConversationID
	send(t, anna, id, "p1", "PRIVATE-FORGED-TARGET", true)
	carla := readyAgent(t, app, "carla", "support")

	forged := chat.Event{ConversationID: id, Seq: 99, Time: time.Now(), Kind: chat.KindOffered, Visibility: chat.VisibleAgents,
		Author: chat.System, Data: chat.Offered{AgentRef: chat.AgentRef{AgentID: "u-carla", AgentName: "Carla"}, ExpiresAt: time.Now().Add(time.Minute)}}
	if err := app.Server.Bus.Publish(t.Context(), forged); err != nil {
		t.Fatal(err)
	}
	// A real event afterwards, so anything the forgery caused has arrived.
	if f := carla.Request(map[string]any{"type": "status", "status": "paused", "profileId": "support"}); f.Type != "ack" {
		t.Fatalf("status: %+v", f)
	}
	send(t, anna, id, "a2", "still here", false)
	time.Sleep(200 * time.Millisecond)
	for {
		if _, err := carla.Read(50 * time.Millisecond); err != nil {
			break
		}
	}
	for _, f := range carla.All {
		if f.Event != nil && f.Event.ConversationID == id {
			t.Errorf("carla's desktop received %s of a chat she has no part in", f.Raw)
		}
	}
}

// TestTrust_StrangerLearnsNothing: to an agent with no part in a chat,
// every request about it answers not_found, exactly as for a chat that does
// not exist, so ids cannot be probed.
func TestTrust_StrangerLearnsNothing(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	kari, _, _ := startChat(t, app)
	carla := readyAgent(t, app, "carla", "support")
	for _, id := range []chat.ConversationID{kari.ConversationID, "no-such-chat"} {
		for _, f := range []map[string]any{
			{"type": "send", "conversationId": id, "clientMsgId": "x", "text": "hi"},
			{"type": "accept", "conversationId": id},
			{"type": "reject", "conversationId": id},
			{"type": "end", "conversationId": id},
			{"type": "leave", "conversationId": id},
			{"type": "withdraw", "conversationId": id},
			{"type": "invite", "conversationId": id, "agentId": "u-bjorn"},
		} {
			got := carla.Request(f)
			if got.Type != "error" || got.Code != chat.ENotFound || got.Message != "No such chat." {
				t.Errorf("%s about %s = %s %q, want not_found \"No such chat.\"", f["type"], id, got.Code, got.Message)
			}
		}
	}
}

// TestPaging_CustomerHistory: the customer's history pages over what the
// customer sees: a page of 2 after a run of private messages holds the
// next 2 public ones, says where to go on, and pages have a default and a
// most size.
func TestPaging_CustomerHistory(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	kari, cust, anna := startChat(t, app)
	id := kari.ConversationID
	start := send(t, anna, id, "a0", "public 0", false).Seq
	for i := range 5 {
		send(t, anna, id, fmt.Sprint("p", i), fmt.Sprint("private ", i), true)
	}
	send(t, anna, id, "a1", "public 1", false)
	send(t, cust, id, "c2", "public 2", false)
	send(t, anna, id, "a3", "public 3", false)

	type page struct {
		Events []apptest.Event
		Next   chat.Seq
		More   bool
	}
	var got []string
	after := start
	for range 10 {
		var p page
		if code := kari.Do(t, "GET", fmt.Sprintf("/api/v1/widget/conversations/%s/events?after=%d&limit=2", id, after), nil, &p); code != http.StatusOK {
			t.Fatalf("history = %d", code)
		}
		for _, e := range p.Events {
			got = append(got, e.Text)
		}
		if len(p.Events) == 0 && p.More {
			t.Fatalf("an empty page that says there is more (after %d)", after)
		}
		if !p.More {
			break
		}
		if p.Next <= after {
			t.Fatalf("next %d does not move on from %d", p.Next, after)
		}
		after = p.Next
	}
	if want := []string{"public 1", "public 2", "public 3"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("pages of 2 after %d gave %q, want %q", start, got, want)
	}
	for _, limit := range []string{"0", "1001", "-1", "x"} {
		if code, _ := kari.Raw(t, "GET", "/api/v1/widget/conversations/"+string(id)+"/events?limit="+limit, nil); code != http.StatusBadRequest {
			t.Errorf("limit=%s = %d, want 400", limit, code)
		}
	}
	var all json.RawMessage
	if code := kari.Do(t, "GET", "/api/v1/widget/conversations/"+string(id)+"/events", nil, &all); code != http.StatusOK {
		t.Errorf("history without a limit = %d", code)
	}
}
