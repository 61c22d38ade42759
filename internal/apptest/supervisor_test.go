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

// queueOf returns queue q of a board.
func queueOf(b *chat.Board, q chat.QueueID) chat.QueueBoard {
	for _, qb := range b.Queues {
		if qb.QueueID == q {
			return qb
		}
	}
	return chat.QueueBoard{}
}

func agentOf(b *chat.Board, id chat.UserID) chat.AgentBoard {
	for _, ab := range b.Agents {
		if ab.ID == id {
			return ab
		}
	}
	return chat.AgentBoard{}
}

// waitBoard reads board frames until one satisfies ok, and returns it.
func waitBoard(c *apptest.Conn, what string, ok func(*chat.Board) bool) *chat.Board {
	return c.WaitFor(what, func(f apptest.Frame) bool {
		return (f.Type == "board" || f.Type == "welcome") && f.Board != nil && ok(f.Board)
	}).Board
}

// TestSupervisor_BoardThrottled: a burst of routing changes gives the
// supervisor at most one board frame per interval (200 ms), and the last
// frame shows the last change.
func TestSupervisor_BoardThrottled(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	app.AddUser(t, "sofie", chat.RoleSupervisor, 1, "all")
	sup := app.LoginWith(t, "sofie", "pw-sofie").DialSupervisor(t)
	sup.WaitFor("welcome", func(f apptest.Frame) bool { return f.Type == "welcome" })
	const customers = 30
	began := time.Now()
	for i := range customers {
		app.NewCustomer(t, "sales", fmt.Sprintf("Customer %d", i))
	}
	waitBoard(sup, "all waiting in sales", func(b *chat.Board) bool { return queueOf(b, "sales").Waiting == customers })
	// Every board frame was written between began and now, no two within
	// the interval of each other.
	most := int(time.Since(began)/(200*time.Millisecond)) + 1
	boards := 0
	for _, f := range sup.All {
		if f.Type == "board" {
			boards++
		}
	}
	if boards > most || boards == 0 {
		t.Errorf("%d board frames for %d new chats in %s, want 1 to %d", boards, customers, time.Since(began).Round(time.Millisecond), most)
	}
}

// TestSupervisor_LiveBoard: a supervisor's socket shows the router's
// numbers as a scripted scenario plays out, pushed on each change.
func TestSupervisor_LiveBoard(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	app.AddUser(t, "sofie", chat.RoleSupervisor, 1, "all")
	sup := app.LoginWith(t, "sofie", "pw-sofie").DialSupervisor(t)
	welcome := sup.WaitFor("welcome", func(f apptest.Frame) bool { return f.Type == "welcome" })
	if welcome.Board == nil {
		t.Fatalf("welcome without a board: %s", welcome.Raw)
	}
	if q := queueOf(welcome.Board, "sales"); q.Waiting != 0 || q.AgentsReady != 0 {
		t.Errorf("sales at the start: %+v", q)
	}
	// Opening the board does not make the supervisor present as an agent.
	if a := agentOf(welcome.Board, "u-sofie"); a.Online {
		t.Errorf("the supervisor counts as online: %+v", a)
	}

	// Two customers wait in sales; nobody is there.
	kari := app.NewCustomer(t, "sales", "Kari")
	app.NewCustomer(t, "sales", "Ola")
	waitBoard(sup, "two waiting in sales", func(b *chat.Board) bool { return queueOf(b, "sales").Waiting == 2 })

	// Bjørn (sales, capacity 3) comes: one chat is offered, then both.
	bjorn := readyAgent(t, app, "bjorn", "sales")
	b := waitBoard(sup, "both offered to Bjørn", func(b *chat.Board) bool { return queueOf(b, "sales").OffersOut == 2 })
	if q := queueOf(b, "sales"); q.Waiting != 2 || q.AgentsReady != 1 || q.AgentsBusy != 0 || q.OldestQueuedAt.IsZero() {
		t.Errorf("sales with two offers out: %+v", q)
	}
	if a := agentOf(b, "u-bjorn"); !a.Online || a.Status != chat.StatusReady || a.Load != 2 || a.Capacity != 3 || a.ProfileID != "sales" || a.StatusSince.IsZero() {
		t.Errorf("Bjørn with two offers: %+v", a)
	}
	accept(t, bjorn, kari.ConversationID)
	b = waitBoard(sup, "Kari's chat active", func(b *chat.Board) bool { return queueOf(b, "sales").Waiting == 1 })
	if a := agentOf(b, "u-bjorn"); len(a.Chats) != 1 || a.Chats[0] != kari.ConversationID || a.Load != 2 {
		t.Errorf("Bjørn in Kari's chat: %+v", a)
	}
	var active int
	for _, c := range b.Chats {
		if c.Status == chat.StatusActive {
			active++
			if c.ID != kari.ConversationID || len(c.Agents) != 1 || c.AnsweredAt.IsZero() {
				t.Errorf("active chat %+v", c)
			}
		}
	}
	if active != 1 || len(b.Chats) != 2 {
		t.Errorf("chats on the board: %+v", b.Chats)
	}

	// Carla (support) pauses: support counts her paused.
	carla := readyAgent(t, app, "carla", "support")
	carla.Request(map[string]any{"type": "status", "status": "paused", "profileId": "support"})
	b = waitBoard(sup, "Carla paused", func(b *chat.Board) bool { return queueOf(b, "support").AgentsPaused == 1 })
	if q := queueOf(b, "support"); q.AgentsReady != 0 || q.AgentsBusy != 0 || q.Waiting != 0 {
		t.Errorf("support: %+v", q)
	}

	// The same numbers over REST, once; agents may not read them.
	var once struct{ Board chat.Board }
	if code := app.LoginWith(t, "sofie", "pw-sofie").Do(t, "GET", "/api/v1/supervision/board", nil, &once); code != http.StatusOK {
		t.Fatalf("GET board: %d", code)
	}
	if q := queueOf(&once.Board, "support"); q.AgentsPaused != 1 {
		t.Errorf("REST board support: %+v", q)
	}
	if code := app.Login(t, "anna").Do(t, "GET", "/api/v1/supervision/board", nil, nil); code != http.StatusForbidden {
		t.Errorf("an agent's GET board = %d, want 403", code)
	}
	if _, resp, err := app.Login(t, "anna").TryDialSupervisor(t); err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("an agent's supervisor socket: %v, %v", resp, err)
	}
}

// TestSupervisor_MonitorAndWhisper: a supervisor watches a live chat (the
// agent is told, the customer is not), reads it as it goes, and whispers to
// the agent; the customer never sees the whisper.
func TestSupervisor_MonitorAndWhisper(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	app.AddUser(t, "sofie", chat.RoleSupervisor, 1, "all")
	kari, cust, anna := startChat(t, app)
	id := kari.ConversationID
	send(t, cust, id, "c1", "before the supervisor came", false)
	sup := app.LoginWith(t, "sofie", "pw-sofie").DialSupervisor(t)
	sup.WaitFor("welcome", func(f apptest.Frame) bool { return f.Type == "welcome" })

	if f := sup.Request(map[string]any{"type": "monitor", "conversationId": id}); f.Type != "ack" {
		t.Fatalf("monitor: %+v", f)
	}
	// The history, then live events.
	sup.WaitFor("the history", func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.ConversationID == id && f.Event.Text == "before the supervisor came"
	})
	m := anna.WaitEvent(chat.KindMonitored, id)
	if m.AgentID != "u-sofie" || m.Author.Role != chat.PartySupervisor {
		t.Errorf("the agent is told %+v", m)
	}
	send(t, cust, id, "c2", "still there?", false)
	sup.WaitFor("the customer's live message", func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.Text == "still there?"
	})
	if f := sup.Request(map[string]any{"type": "whisper", "conversationId": id, "clientMsgId": "w1", "text": "WHISPER-1 offer the discount"}); f.Type != "ack" {
		t.Fatalf("whisper: %+v", f)
	}
	w := anna.WaitFor("the whisper", func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.Text == "WHISPER-1 offer the discount"
	}).Event
	if w.Visibility != chat.VisibleAgents || w.Author.Role != chat.PartySupervisor || w.Author.Name != "sofie" {
		t.Errorf("the agent got the whisper as %+v", w)
	}
	// Frames of the agent's socket are refused on the supervisor's, and the
	// other way round.
	if f := sup.Request(map[string]any{"type": "send", "conversationId": id, "clientMsgId": "s1", "text": "hi"}); f.Type != "error" {
		t.Errorf("send on the supervisor socket: %+v", f)
	}
	if f := anna.Request(map[string]any{"type": "whisper", "conversationId": id, "clientMsgId": "s2", "text": "hi"}); f.Type != "error" || f.Code != chat.EForbidden {
		t.Errorf("whisper by an agent: %+v, want forbidden", f)
	}
	if f := sup.Request(map[string]any{"type": "unmonitor", "conversationId": id}); f.Type != "ack" {
		t.Fatalf("unmonitor: %+v", f)
	}
	if m := anna.WaitFor("the end of monitoring", func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.Kind == chat.KindMonitored && f.Event.Seq > w.Seq
	}); strings.Contains(string(m.Raw), `"watching":true`) {
		t.Errorf("after unmonitor: %s", m.Raw)
	}
	send(t, anna, id, "a1", "LAST", false)
	cust.WaitFor("the last message", func(f apptest.Frame) bool { return f.Type == "event" && f.Event.Text == "LAST" })
	for _, fr := range cust.All {
		if s := string(fr.Raw); strings.Contains(s, "WHISPER") || strings.Contains(s, "monitored") || strings.Contains(s, "sofie") {
			t.Errorf("customer received %s", fr.Raw)
		}
	}
}

// TestSupervisor_Actions: from the board a supervisor pauses an agent,
// moves a waiting chat to another queue and raises its priority, logs an
// agent off and takes over a chat; each is in the audit log or the chat's
// log.
func TestSupervisor_Actions(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	app.AddUser(t, "sofie", chat.RoleSupervisor, 3, "all")
	supHTTP := app.LoginWith(t, "sofie", "pw-sofie")
	sup := supHTTP.DialSupervisor(t)
	sup.WaitFor("welcome", func(f apptest.Frame) bool { return f.Type == "welcome" })

	// Pause Bjørn: a new sales chat waits rather than go to him.
	bjorn := readyAgent(t, app, "bjorn", "sales")
	f := sup.Request(map[string]any{"type": "pause_agent", "agentId": "u-bjorn"})
	if f.Type != "ack" || f.State == nil || f.State.Status != chat.StatusPaused || f.State.ProfileID != "sales" {
		t.Fatalf("pause_agent: %+v", f)
	}
	st := bjorn.WaitFor("Bjørn told he is paused", func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.Kind == chat.KindAgentStatus && f.Event.Status == chat.StatusPaused
	}).Event
	if st.Reason != chat.ReasonSupervisor {
		t.Errorf("agent_status %+v, want reason supervisor", st)
	}
	waitBoard(sup, "Bjørn paused", func(b *chat.Board) bool { return queueOf(b, "sales").AgentsPaused == 1 })
	kari := app.NewCustomer(t, "sales", "Kari")
	b := waitBoard(sup, "Kari waiting", func(b *chat.Board) bool { return queueOf(b, "sales").Waiting == 1 })
	if q := queueOf(b, "sales"); q.OffersOut != 0 {
		t.Errorf("offered to a paused agent: %+v", q)
	}

	// Move Kari's chat to support, at priority 5: Carla (support) gets it.
	carlaHTTP := app.Login(t, "carla")
	carla := carlaHTTP.DialAgent(t, nil)
	carla.WaitFor("welcome", func(f apptest.Frame) bool { return f.Type == "welcome" })
	if f := sup.Request(map[string]any{"type": "reroute", "conversationId": kari.ConversationID, "queueId": "support", "priority": 5}); f.Type != "ack" {
		t.Fatalf("reroute: %+v", f)
	}
	b = waitBoard(sup, "Kari's chat in support", func(b *chat.Board) bool { return queueOf(b, "support").Waiting == 1 })
	for _, c := range b.Chats {
		if c.ID == kari.ConversationID && (c.Priority != 5 || c.QueueID != "support") {
			t.Errorf("rerouted chat %+v", c)
		}
	}
	if f := sup.Request(map[string]any{"type": "reroute", "conversationId": kari.ConversationID}); f.Type != "error" || f.Code != chat.EInvalid {
		t.Errorf("reroute with nothing to change: %+v", f)
	}
	carla.Request(map[string]any{"type": "status", "status": "ready", "profileId": "support"})
	accept(t, carla, kari.ConversationID)
	cust := kari.DialCustomer(t, 0)
	cust.WaitEvent(chat.KindAgentJoined, kari.ConversationID)

	// Take over Kari's chat: the customer sees the supervisor join.
	if f := sup.Request(map[string]any{"type": "take_over", "conversationId": kari.ConversationID}); f.Type != "ack" {
		t.Fatalf("take_over: %+v", f)
	}
	cust.WaitFor("sofie joined", func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.Kind == chat.KindAgentJoined && f.Event.AgentName == "sofie"
	})
	b = waitBoard(sup, "two agents in Kari's chat", func(b *chat.Board) bool {
		for _, c := range b.Chats {
			if c.ID == kari.ConversationID {
				return len(c.Agents) == 2
			}
		}
		return false
	})

	// Log Carla off: her socket closes, her login ends.
	if f := sup.Request(map[string]any{"type": "log_off_agent", "agentId": "u-carla"}); f.Type != "ack" {
		t.Fatalf("log_off_agent: %+v", f)
	}
	if code := carla.WaitClosed(10 * time.Second); code != 4001 {
		t.Errorf("Carla's socket closed with %d, want 4001", code)
	}
	if code := carlaHTTP.Do(t, "GET", "/api/v1/me", nil, nil); code != http.StatusUnauthorized {
		t.Errorf("Carla's session after log-off: %d, want 401", code)
	}
	waitBoard(sup, "Carla offline", func(b *chat.Board) bool { return !agentOf(b, "u-carla").Online })

	// Agents cannot.
	if f := bjorn.Request(map[string]any{"type": "pause_agent", "agentId": "u-anna"}); f.Type != "error" || f.Code != chat.EForbidden {
		t.Errorf("pause_agent by an agent: %+v", f)
	}
	// The records: the audit log and the chat's log.
	var audit struct{ Entries []chat.AuditEntry }
	if code := app.Login(t, "admin").Do(t, "GET", "/api/v1/admin/audit", nil, &audit); code != http.StatusOK {
		t.Fatalf("audit: %d", code)
	}
	var actions []string
	for _, e := range audit.Entries {
		if e.Actor.UserID == "u-sofie" {
			actions = append(actions, e.Action+" "+e.Target.ID)
		}
	}
	if got := strings.Join(actions, ", "); got != "agent.logoff u-carla, agent.pause u-bjorn" {
		t.Errorf("the supervisor's audit entries: %q", got)
	}
	var rec struct{ Events []apptest.Event }
	app.Login(t, "admin").Do(t, "GET", "/api/v1/chatlog/"+string(kari.ConversationID), nil, &rec)
	var kinds []string
	for _, e := range rec.Events {
		if e.Author.Role == chat.PartySupervisor {
			kinds = append(kinds, string(e.Kind))
		}
	}
	if got := strings.Join(kinds, " "); got != "rerouted agent_joined" {
		t.Errorf("the supervisor's events in the chat's log: %q", got)
	}
}

// TestCluster_BoardOnEveryNode: a supervisor on one node sees what routing
// does for an agent and a customer on the other, live: every node's router
// follows the same state.
func TestCluster_BoardOnEveryNode(t *testing.T) {
	nodes := cluster(t, 2)
	a, b := nodes[0], nodes[1]
	a.AddUser(t, "sofie", chat.RoleSupervisor, 1, "all")
	var sups []*apptest.Conn
	for _, node := range nodes {
		sup := a.LoginWith(t, "sofie", "pw-sofie").DialSupervisorOn(t, node)
		sup.WaitFor("welcome", func(f apptest.Frame) bool { return f.Type == "welcome" })
		sups = append(sups, sup)
	}
	bjorn := readyAgent(t, a, "bjorn", "sales")
	kari := b.NewCustomer(t, "sales", "Kari")
	accept(t, bjorn, kari.ConversationID)
	for i, sup := range sups {
		waitBoard(sup, fmt.Sprintf("Bjørn in Kari's chat, on node %d", i+1), func(b *chat.Board) bool {
			ag := agentOf(b, "u-bjorn")
			return ag.Online && len(ag.Chats) == 1 && ag.Chats[0] == kari.ConversationID && queueOf(b, "sales").Waiting == 0
		})
	}
}
