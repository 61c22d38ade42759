package apptest_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"skranke/chat"
	"skranke/internal/apptest"
)

// readyAgent logs a demo agent in, connects and sets it ready in profile.
func readyAgent(t *testing.T, app *apptest.App, username string, profile chat.ProfileID) *apptest.Conn {
	t.Helper()
	c := app.Login(t, username).DialAgent(t, nil)
	c.WaitFor("welcome", func(f apptest.Frame) bool { return f.Type == "welcome" })
	if f := c.Request(map[string]any{"type": "status", "status": "ready", "profileId": profile}); f.Type != "ack" {
		t.Fatalf("%s status ready: got %s %s", username, f.Code, f.Message)
	}
	return c
}

// accept waits for an offer of id on c and accepts it. The offer may have
// come already, before the answer to the request that made the agent ready.
func accept(t *testing.T, c *apptest.Conn, id chat.ConversationID) {
	t.Helper()
	c.WaitForAny("offer of "+string(id), func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.Kind == chat.KindOffered && f.Event.ConversationID == id
	})
	if f := c.Request(map[string]any{"type": "accept", "conversationId": id}); f.Type != "ack" {
		t.Fatalf("accept %s: got %s %s", id, f.Code, f.Message)
	}
}

func send(t *testing.T, c *apptest.Conn, id chat.ConversationID, clientID, text string, private bool) apptest.Frame {
	t.Helper()
	return c.Request(map[string]any{"type": "send", "conversationId": id, "clientMsgId": clientID, "text": text, "private": private})
}

func TestChat_OfferAcceptTalkEnd(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	anna := readyAgent(t, app, "anna", "sales")
	kari := app.NewCustomer(t, "sales", "Kari")
	cust := kari.DialCustomer(t, 0)
	cust.WaitFor("welcome", func(f apptest.Frame) bool { return f.Type == "welcome" })

	offer := anna.WaitEvent(chat.KindOffered, kari.ConversationID)
	if offer.AgentID != "u-anna" || !offer.ExpiresAt.After(offer.Time) {
		t.Fatalf("offer = %+v, want one to u-anna with a future expiry", offer)
	}
	if f := anna.Request(map[string]any{"type": "accept", "conversationId": kari.ConversationID}); f.Type != "ack" {
		t.Fatalf("accept: %+v", f)
	}
	joined := cust.WaitEvent(chat.KindAgentJoined, kari.ConversationID)
	if joined.AgentName != "Anna" || joined.AgentID != "" || joined.Author.ID != "" {
		t.Errorf("customer's agent_joined = %+v, want display name Anna and no ids", joined)
	}

	if f := send(t, cust, kari.ConversationID, "c1", "Hello, I need help", false); f.Type != "ack" || f.Seq == 0 {
		t.Fatalf("customer send: %+v", f)
	}
	got := anna.WaitEvent(chat.KindMessage, kari.ConversationID)
	if got.Text != "Hello, I need help" || got.Author.Name != "Kari" || got.Author.Role != chat.PartyCustomer {
		t.Errorf("agent got %+v", got)
	}
	send(t, anna, kari.ConversationID, "a1", "Hi Kari, how can I help?", false)
	got = *cust.WaitFor("agent's message", func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.Kind == chat.KindMessage && f.Event.Author.Role == chat.PartyAgent
	}).Event
	if got.Text != "Hi Kari, how can I help?" || got.Author.Name != "Anna" || got.Author.ID != "" {
		t.Errorf("customer got %+v", got)
	}

	if f := cust.Request(map[string]any{"type": "end", "conversationId": kari.ConversationID}); f.Type != "ack" {
		t.Fatalf("customer end: %+v", f)
	}
	ended := anna.WaitEvent(chat.KindEnded, kari.ConversationID)
	if ended.Author.Role != chat.PartyCustomer {
		t.Errorf("ended by %+v, want the customer", ended.Author)
	}
	if f := send(t, anna, kari.ConversationID, "a2", "Are you there?", false); f.Type != "error" || f.Code != chat.EConflict {
		t.Errorf("send to ended chat = %+v, want conflict", f)
	}
}

func TestChat_RejectGoesToAnotherAgent(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	agents := map[chat.UserID]*apptest.Conn{
		"u-anna":  readyAgent(t, app, "anna", "sales"),
		"u-bjorn": readyAgent(t, app, "bjorn", "sales"),
	}
	kari := app.NewCustomer(t, "sales", "Kari")
	// Either agent may be offered it first; both see only their own offers.
	first := waitOfferAny(t, agents, kari.ConversationID)
	if f := agents[first].Request(map[string]any{"type": "reject", "conversationId": kari.ConversationID}); f.Type != "ack" {
		t.Fatalf("reject: %+v", f)
	}
	var other chat.UserID = "u-anna"
	if first == other {
		other = "u-bjorn"
	}
	// The new offer brings the conversation so far with it, earlier offers
	// included; the one that counts is addressed to this agent.
	agents[other].WaitFor("offer to "+string(other), func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.Kind == chat.KindOffered && f.Event.AgentID == other
	})
	accept := agents[other].Request(map[string]any{"type": "accept", "conversationId": kari.ConversationID})
	if accept.Type != "ack" {
		t.Fatalf("accept by %s: %+v", other, accept)
	}
	// The agent who rejected cannot take it any more.
	if f := agents[first].Request(map[string]any{"type": "accept", "conversationId": kari.ConversationID}); f.Type != "error" || f.Code != chat.EConflict {
		t.Errorf("accept after reject = %+v, want conflict", f)
	}
	if f := agents[other].Request(map[string]any{"type": "accept", "conversationId": kari.ConversationID}); f.Type != "error" || f.Code != chat.EConflict {
		t.Errorf("double accept = %+v, want conflict", f)
	}
}

func waitOfferAny(t *testing.T, agents map[chat.UserID]*apptest.Conn, id chat.ConversationID) chat.UserID {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for uid, c := range agents {
			f, err := c.Read(100 * time.Millisecond)
			if err != nil {
				continue
			}
			if f.Type == "event" && f.Event.Kind == chat.KindOffered && f.Event.ConversationID == id {
				if f.Event.AgentID != uid {
					t.Fatalf("agent %s received an offer for %s", uid, f.Event.AgentID)
				}
				return uid
			}
		}
	}
	t.Fatalf("no agent was offered %s", id)
	return ""
}

// startChat connects a customer and an agent to one accepted chat.
func startChat(t *testing.T, app *apptest.App) (*apptest.Customer, *apptest.Conn, *apptest.Conn) {
	t.Helper()
	anna := readyAgent(t, app, "anna", "sales")
	kari := app.NewCustomer(t, "sales", "Kari")
	accept(t, anna, kari.ConversationID)
	cust := kari.DialCustomer(t, 0)
	cust.WaitEvent(chat.KindAgentJoined, kari.ConversationID)
	return kari, cust, anna
}

func TestChat_ResumeAfterReconnect(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	kari, cust, anna := startChat(t, app)
	id := kari.ConversationID
	last := send(t, cust, id, "c1", "one", false).Seq
	cust.CloseNow() // the network drops

	for i := range 5 {
		send(t, anna, id, fmt.Sprintf("a%d", i), fmt.Sprintf("agent %d", i), false)
	}
	send(t, anna, id, "p1", "private note", true)

	again := kari.DialCustomer(t, last)
	var texts []string
	var seqs []chat.Seq
	for len(texts) < 5 {
		e := again.WaitEvent(chat.KindMessage, id)
		texts = append(texts, e.Text)
		seqs = append(seqs, e.Seq)
	}
	want := []string{"agent 0", "agent 1", "agent 2", "agent 3", "agent 4"}
	if !slices.Equal(texts, want) {
		t.Errorf("after resume got %q, want %q", texts, want)
	}
	if seqs[0] <= last || !slices.IsSorted(seqs) {
		t.Errorf("resumed seqs %v, want after %d, increasing", seqs, last)
	}
	// Only events the customer may not see (the customer's presence, for
	// agents) lie between the last one seen and the first one resumed.
	var log struct{ Events []apptest.Event }
	app.Login(t, "anna").Do(t, "GET", "/api/v1/conversations/"+string(id), nil, &log)
	for _, e := range log.Events {
		if e.Seq > last && e.Seq < seqs[0] && e.Visibility != chat.VisibleAgents {
			t.Errorf("resume after %d skipped seq %d (%s, visible to %s)", last, e.Seq, e.Kind, e.Visibility)
		}
	}
	for _, e := range again.Events(id) {
		if e.Seq <= last {
			t.Errorf("resume after %d repeated seq %d", last, e.Seq)
		}
	}
}

func TestChat_ClientMsgIDIsIdempotent(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	kari, cust, anna := startChat(t, app)
	id := kari.ConversationID
	first := send(t, cust, id, "same-id", "only once", false)
	again := send(t, cust, id, "same-id", "only once", false)
	if first.Type != "ack" || again.Type != "ack" || first.Seq != again.Seq {
		t.Fatalf("acks %+v and %+v, want both acks with one seq", first, again)
	}
	// The agent also sending "same-id" is a different message.
	if f := send(t, anna, id, "same-id", "agent's own", false); f.Type != "ack" || f.Seq == first.Seq {
		t.Errorf("agent's message with the customer's id = %+v, want a new seq", f)
	}
	var hist struct{ Events []apptest.Event }
	kari.Do(t, "GET", "/api/v1/widget/conversations/"+string(id)+"/events", nil, &hist)
	n := 0
	for _, e := range hist.Events {
		if e.Text == "only once" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("history has %d copies of the message, want 1", n)
	}
}

// TestChat_OrderUnderConcurrency has both sides write at once while the
// customer reconnects; every observer must see each seq once, in order, and
// the agent (who sees everything) must see 1..N without a gap.
func TestChat_OrderUnderConcurrency(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	kari, cust, anna := startChat(t, app)
	id := kari.ConversationID
	const n = 40
	var wg sync.WaitGroup
	sender := app.Login(t, "anna").DialAgent(t, nil) // a second tab of Anna's
	sender.WaitFor("welcome", func(f apptest.Frame) bool { return f.Type == "welcome" })
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := range n {
			sender.Send(map[string]any{"type": "send", "requestId": fmt.Sprint(i), "conversationId": id, "clientMsgId": fmt.Sprintf("a%d", i), "text": fmt.Sprintf("a%d", i)})
		}
	}()
	go func() {
		defer wg.Done()
		for i := range n {
			cust.Send(map[string]any{"type": "send", "requestId": fmt.Sprint(i), "conversationId": id, "clientMsgId": fmt.Sprintf("c%d", i), "text": fmt.Sprintf("c%d", i)})
		}
	}()
	wg.Wait()
	// Wait until Anna's first tab holds all 2n messages.
	count := func(c *apptest.Conn) int {
		k := 0
		for _, e := range c.Events(id) {
			if e.Kind == chat.KindMessage {
				k++
			}
		}
		return k
	}
	for count(anna) < 2*n {
		anna.WaitEvent(chat.KindMessage, id)
	}
	for count(cust) < 2*n {
		cust.WaitEvent(chat.KindMessage, id)
	}
	check := func(who string, evs []apptest.Event, contiguous bool) {
		for i := 1; i < len(evs); i++ {
			if evs[i].Seq <= evs[i-1].Seq || (contiguous && evs[i].Seq != evs[i-1].Seq+1) {
				t.Fatalf("%s saw seq %d after %d", who, evs[i].Seq, evs[i-1].Seq)
			}
		}
	}
	check("agent", anna.Events(id), true)
	check("customer", cust.Events(id), false)
	if first := anna.Events(id)[0].Seq; first != 1 {
		t.Errorf("agent's first event has seq %d, want 1", first)
	}
}

func TestRestart_KeepsWaitingChatAndOpenOffer(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	anna := readyAgent(t, app, "anna", "sales")
	offered := app.NewCustomer(t, "sales", "Offered")
	offer := anna.WaitEvent(chat.KindOffered, offered.ConversationID)
	waiting := app.NewCustomer(t, "support", "Waiting") // nobody serves support now

	app.Restart()

	// Anna's desktop reconnects: the offer is still hers, with its expiry.
	anna = app.Login(t, "anna").DialAgent(t, nil)
	w := anna.WaitFor("welcome", func(f apptest.Frame) bool { return f.Type == "welcome" })
	var found *chat.Conversation
	for i := range w.Conversations {
		if w.Conversations[i].ID == offered.ConversationID {
			found = &w.Conversations[i]
		}
	}
	if found == nil || found.Offer == nil || found.Offer.AgentID != "u-anna" || !found.Offer.ExpiresAt.Equal(offer.ExpiresAt) {
		t.Fatalf("after restart welcome has %+v, want the open offer to u-anna expiring %v", found, offer.ExpiresAt)
	}
	if f := anna.Request(map[string]any{"type": "accept", "conversationId": offered.ConversationID}); f.Type != "ack" {
		t.Fatalf("accept after restart: %+v", f)
	}
	// The waiting chat is offered once an agent serves its queue.
	// (The offer may come before the ack that readyAgent waits for.)
	carla := readyAgent(t, app, "carla", "support")
	carla.WaitForAny("offered", func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.Kind == chat.KindOffered && f.Event.ConversationID == waiting.ConversationID
	})
	// The customer's history survived too.
	cust := waiting.DialCustomer(t, 0)
	if e := cust.WaitEvent(chat.KindStarted, waiting.ConversationID); e.Seq != 1 {
		t.Errorf("started has seq %d, want 1", e.Seq)
	}
}

func TestGrace_DroppedAgentsChatGoesBackToQueue(t *testing.T) {
	app := apptest.Start(t, apptest.Options{Grace: 1 * time.Second})
	kari, cust, anna := startChat(t, app)
	anna.CloseNow()
	e := cust.WaitEvent(chat.KindRequeued, kari.ConversationID)
	if e.Reason != chat.ReasonDisconnected {
		t.Errorf("requeued reason %q, want %q", e.Reason, chat.ReasonDisconnected)
	}
	bjorn := readyAgent(t, app, "bjorn", "sales")
	bjorn.WaitEvent(chat.KindOffered, kari.ConversationID)
	app.CheckInvariants(t)
}

func TestBadInput(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	kari, cust, anna := startChat(t, app)
	id := kari.ConversationID
	other := app.NewCustomer(t, "support", "Other")

	t.Run("malformed_json", func(t *testing.T) {
		cust.SendRaw([]byte(`{"type": "send",`))
		f := cust.WaitFor("error", func(f apptest.Frame) bool { return f.Type == "error" })
		if f.Code != chat.EInvalid {
			t.Errorf("code %q, want invalid", f.Code)
		}
		if f := send(t, cust, id, "after-bad", "still works", false); f.Type != "ack" {
			t.Errorf("connection unusable after bad frame: %+v", f)
		}
	})
	t.Run("unknown_type", func(t *testing.T) {
		f := cust.Request(map[string]any{"type": "explode", "conversationId": id})
		if f.Type != "error" || f.Code != chat.EInvalid {
			t.Errorf("got %+v, want invalid", f)
		}
	})
	t.Run("unknown_field", func(t *testing.T) {
		f := cust.Request(map[string]any{"type": "send", "conversationId": id, "clientMsgId": "x", "text": "x", "colour": "red"})
		if f.Type != "error" || f.Code != chat.EInvalid || !strings.Contains(f.Message, "colour") {
			t.Errorf("got %+v, want invalid naming the field", f)
		}
	})
	t.Run("foreign_conversation", func(t *testing.T) {
		f := send(t, cust, other.ConversationID, "f1", "hi", false)
		if f.Type != "error" || f.Code != chat.ENotFound {
			t.Errorf("got %+v, want not_found", f)
		}
		var hist struct{ Events []apptest.Event }
		if code := kari.Do(t, "GET", "/api/v1/widget/conversations/"+string(other.ConversationID)+"/events", nil, &hist); code != http.StatusNotFound {
			t.Errorf("history of a foreign chat: status %d, want 404", code)
		}
		bjorn := app.Login(t, "bjorn")
		if code := bjorn.Do(t, "GET", "/api/v1/conversations/"+string(id), nil, nil); code != http.StatusNotFound {
			t.Errorf("another agent's chat: status %d, want 404", code)
		}
		if f := send(t, anna, other.ConversationID, "f2", "hi", false); f.Type != "error" {
			t.Errorf("agent writing to a chat it is not in: %+v, want an error", f)
		}
	})
	t.Run("empty_and_long", func(t *testing.T) {
		if f := send(t, cust, id, "e1", "   ", false); f.Code != chat.EInvalid || f.Reason != "message_empty" || f.Params != nil {
			t.Errorf("empty message: %+v, want invalid message_empty without params", f)
		}
		// The reason and its parameters let a client say it in its own words.
		if f := send(t, cust, id, "e2", strings.Repeat("x", chat.MaxTextLen+1), false); f.Code != chat.ETooLarge ||
			f.Reason != "message_too_long" || f.Params["max"] != float64(chat.MaxTextLen) {
			t.Errorf("long message: %+v, want too_large message_too_long with max %d", f, chat.MaxTextLen)
		}
	})
	t.Run("oversized_frame", func(t *testing.T) {
		c := kari.DialCustomer(t, 0)
		c.WaitFor("welcome", func(f apptest.Frame) bool { return f.Type == "welcome" })
		c.SendRaw([]byte(`{"type":"send","text":"` + strings.Repeat("x", 70<<10) + `"}`))
		for {
			_, err := c.Read(5 * time.Second)
			if err == nil {
				continue
			}
			if websocket.CloseStatus(err) != websocket.StatusMessageTooBig {
				t.Errorf("oversized frame closed with %v, want 1009", err)
			}
			break
		}
	})
	t.Run("bad_token", func(t *testing.T) {
		bad := &apptest.Customer{Client: app.NewClient(), ConversationID: id}
		bad.Token = "not-a-token"
		c := bad.DialCustomer(t, 0)
		_, err := c.Read(5 * time.Second)
		for err == nil {
			_, err = c.Read(5 * time.Second)
		}
		if websocket.CloseStatus(err) != 4001 {
			t.Errorf("bad token closed with %v, want 4001", err)
		}
	})
	t.Run("other_customers_conversation", func(t *testing.T) {
		steal := &apptest.Customer{Client: other.Client, ConversationID: id}
		c := steal.DialCustomer(t, 0)
		_, err := c.Read(5 * time.Second)
		for err == nil {
			_, err = c.Read(5 * time.Second)
		}
		if websocket.CloseStatus(err) != 4004 {
			t.Errorf("hello for another customer's chat closed with %v, want 4004", err)
		}
	})
	t.Run("rest", func(t *testing.T) {
		anon := app.NewClient()
		if code := anon.Do(t, "GET", "/api/v1/me", nil, nil); code != http.StatusUnauthorized {
			t.Errorf("me without session: %d", code)
		}
		var e struct {
			Error struct{ Code, Message string }
		}
		if code := anon.Do(t, "POST", "/api/v1/login", map[string]string{"username": "anna", "password": "wrong"}, &e); code != http.StatusUnauthorized || e.Error.Code != chat.EUnauthenticated {
			t.Errorf("bad password: %d %+v", code, e)
		}
		req, _ := http.NewRequest("POST", app.URL+"/api/v1/login", strings.NewReader(`{"username":"anna","password":"anna-demo"}`))
		req.Header.Set("Origin", "https://evil.example")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-origin login: %d, want 403", resp.StatusCode)
		}
		if code := kari.Do(t, "POST", "/api/v1/widget/conversations", map[string]string{"queueId": "nope"}, nil); code != http.StatusBadRequest {
			t.Errorf("unknown queue: %d", code)
		}
	})
}

func TestStartConversation_OneOpenChatPerCustomer(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	kari := app.NewCustomer(t, "sales", "Kari")
	var wg sync.WaitGroup
	ids := make([]chat.ConversationID, 20)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var res struct {
				Conversation struct{ ID chat.ConversationID }
			}
			kari.Do(t, "POST", "/api/v1/widget/conversations", map[string]string{"queueId": "sales"}, &res)
			ids[i] = res.Conversation.ID
		}()
	}
	wg.Wait()
	for i, id := range ids {
		if id != kari.ConversationID {
			t.Errorf("request %d got conversation %q, want %q", i, id, kari.ConversationID)
		}
	}
}

func TestQueueStatus_OnConnectWhileWaiting(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	first := app.NewCustomer(t, "support", "First")
	second := app.NewCustomer(t, "support", "Second")
	c := second.DialCustomer(t, 0)
	e := c.WaitEvent(chat.KindQueueStatus, second.ConversationID)
	if e.Position != 2 || e.AgentsOnline == nil || *e.AgentsOnline != 0 {
		t.Errorf("queue_status = position %d, agentsOnline %v; want 2 and 0", e.Position, e.AgentsOnline)
	}
	// An agent logging in for the queue changes agentsOnline; the first
	// chat is offered, and the second moves up once it is accepted.
	carla := readyAgent(t, app, "carla", "support")
	c.WaitFor("agentsOnline 1", func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.Kind == chat.KindQueueStatus && f.Event.AgentsOnline != nil && *f.Event.AgentsOnline == 1
	})
	// The offer may arrive before the ack of carla's status, while
	// readyAgent waits for that ack: look among the frames read already.
	carla.WaitForAny("offered", func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.Kind == chat.KindOffered && f.Event.ConversationID == first.ConversationID
	})
	if f := carla.Request(map[string]any{"type": "accept", "conversationId": first.ConversationID}); f.Type != "ack" {
		t.Fatalf("accept %s: got %s %s", first.ConversationID, f.Code, f.Message)
	}
	c.WaitFor("position 1", func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.Kind == chat.KindQueueStatus && f.Event.Position == 1
	})
}
