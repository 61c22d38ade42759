package apptest_test

import (
	"testing"
	"time"

	"skranke/chat"
	"skranke/internal/apptest"
)

// TestCluster_CustomerPresence: the customer's presence is right whichever
// node the customer and the agent are on, and when the customer's node dies.
func TestCluster_CustomerPresence(t *testing.T) {
	nodes := apptest.StartCluster(t, 2, apptest.Options{Postgres: true, NATS: true, Heartbeat: 500 * time.Millisecond,
		CustomerGrace: 2 * time.Second})
	a, b := nodes[0], nodes[1]
	anna := readyAgent(t, b, "anna", "sales") // the agent on node B
	kari := a.NewCustomer(t, "sales", "Kari")
	id := kari.ConversationID
	cust := kari.DialCustomer(t, 0) // the customer on node A
	accept(t, anna, id)
	anna.WaitForAny("customer_connected", isEvent(chat.KindCustomerConnected, id))
	cust.WaitEvent(chat.KindAgentJoined, id)

	// A reload onto the other node, quicker than the grace: nothing changes.
	cust.Close()
	again := kari.DialCustomerOn(t, b, 0)
	again.WaitFor("welcome", func(f apptest.Frame) bool { return f.Type == "welcome" })
	time.Sleep(4 * time.Second)
	// The customer closes the page: after the grace the agent on B is told.
	again.Close()
	left := anna.WaitFor("customer_left", isEvent(chat.KindCustomerLeft, id))
	if left.Event.Visibility != chat.VisibleAgents || left.Event.Author.Role != chat.PartySystem {
		t.Errorf("customer_left = %+v, want agents only, by the system", left.Event)
	}
	for _, f := range anna.All {
		if f.Type == "event" && f.Event.ConversationID == id && f.Event.Kind == chat.KindCustomerLeft && f.Event.Seq != left.Event.Seq {
			t.Errorf("customer_left seen twice: %+v", anna.All)
		}
	}
	// Back on node A.
	back := kari.DialCustomer(t, 0)
	anna.WaitFor("customer_returned", isEvent(chat.KindCustomerReturned, id))
	// The customer sees none of it.
	back.WaitEvent(chat.KindAgentJoined, id)
	send(t, anna, id, "m1", "Still there?", false)
	back.WaitFor("the agent's message", func(f apptest.Frame) bool { return f.Type == "event" && f.Event.Text == "Still there?" })
	for _, f := range append(cust.All, back.All...) {
		if f.Type == "event" && (f.Event.Kind == chat.KindCustomerLeft || f.Event.Kind == chat.KindCustomerReturned || f.Event.Kind == chat.KindCustomerConnected) {
			t.Errorf("the customer was sent %s", f.Raw)
		}
	}

	// Node A, where the customer is, dies: its heartbeats stop, and the
	// customer counts as gone (the router on B takes over if it was A's).
	a.Kill()
	anna.WaitFor("customer_left after node A died", isEvent(chat.KindCustomerLeft, id))
	b.CheckInvariants(t)
	c := conversationOf(t, b.Login(t, "admin"), id)
	if c.CustomerLeftAt.IsZero() || c.CustomerConnectedAt.IsZero() {
		t.Errorf("conversation after the customer left: %+v, want connected once and left", c)
	}
}

func isEvent(k chat.Kind, id chat.ConversationID) func(apptest.Frame) bool {
	return func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.Kind == k && f.Event.ConversationID == id
	}
}

func conversationOf(t *testing.T, c *apptest.Client, id chat.ConversationID) chat.Conversation {
	t.Helper()
	var res struct{ Conversation chat.Conversation }
	if code := c.Do(t, "GET", "/api/v1/conversations/"+string(id), nil, &res); code != 200 {
		t.Fatalf("GET conversation %s: %d", id, code)
	}
	return res.Conversation
}
