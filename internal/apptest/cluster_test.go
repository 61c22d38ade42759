package apptest_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"skranke/chat"
	"skranke/internal/apptest"
)

// cluster starts n nodes on the test PostgreSQL and NATS.
func cluster(t *testing.T, n int) []*apptest.App {
	t.Helper()
	return apptest.StartCluster(t, n, apptest.Options{Postgres: true, NATS: true, Heartbeat: 500 * time.Millisecond})
}

func TestCluster_ChatAcrossNodes(t *testing.T) {
	nodes := cluster(t, 2)
	a, b := nodes[0], nodes[1]
	anna := readyAgent(t, b, "anna", "sales") // the agent on node B
	kari := a.NewCustomer(t, "sales", "Kari") // the customer on node A
	cust := kari.DialCustomer(t, 0)
	accept(t, anna, kari.ConversationID)
	joined := cust.WaitEvent(chat.KindAgentJoined, kari.ConversationID)
	if joined.AgentName != "Anna" {
		t.Errorf("customer on A saw %+v", joined)
	}
	send(t, cust, kari.ConversationID, "c1", "hello from A", false)
	if e := anna.WaitEvent(chat.KindMessage, kari.ConversationID); e.Text != "hello from A" {
		t.Errorf("agent on B got %q", e.Text)
	}
	send(t, anna, kari.ConversationID, "a1", "hello from B", false)
	cust.WaitFor("B's message", func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.Text == "hello from B"
	})
	// The widget's queue numbers are right on every node.
	var qs struct {
		Queues []struct {
			ID           string
			AgentsOnline int
		}
	}
	a.NewClient().Do(t, "GET", "/api/v1/widget/queues", nil, &qs)
	for _, q := range qs.Queues {
		if q.ID == "sales" && q.AgentsOnline != 1 {
			t.Errorf("node A says %d agents online for sales, want 1", q.AgentsOnline)
		}
	}
}

// TestCluster_ConcurrentWritersAndResume has the customer on one node and
// the agent on another write at once while a second tab of the agent drops
// and resumes: every agent view ends with 1..N, in order, once each.
func TestCluster_ConcurrentWritersAndResume(t *testing.T) {
	nodes := cluster(t, 2)
	a, b := nodes[0], nodes[1]
	anna := readyAgent(t, a, "anna", "sales")
	kari := b.NewCustomer(t, "sales", "Kari")
	accept(t, anna, kari.ConversationID)
	id := kari.ConversationID
	cust := kari.DialCustomer(t, 0)
	cust.WaitEvent(chat.KindAgentJoined, id)
	watcher := b.Login(t, "anna").DialAgent(t, nil) // a second tab, on node B

	const n = 60
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := range n {
			anna.Send(map[string]any{"type": "send", "requestId": fmt.Sprint("a", i), "conversationId": id, "clientMsgId": fmt.Sprint("a", i), "text": fmt.Sprint("a", i)})
		}
	}()
	go func() {
		defer wg.Done()
		for i := range n {
			cust.Send(map[string]any{"type": "send", "requestId": fmt.Sprint("c", i), "conversationId": id, "clientMsgId": fmt.Sprint("c", i), "text": fmt.Sprint("c", i)})
		}
	}()
	// The watcher drops half-way and resumes after what it has.
	watcher.WaitFor("some messages", func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.Kind == chat.KindMessage && f.Event.Seq > 20
	})
	seen := watcher.Events(id)
	watcher.CloseNow()
	last := seen[len(seen)-1].Seq
	resumed := b.Login(t, "anna").DialAgent(t, map[chat.ConversationID]chat.Seq{id: last})
	wg.Wait()

	count := func(c *apptest.Conn) int {
		k := 0
		for _, e := range c.Events(id) {
			if e.Kind == chat.KindMessage {
				k++
			}
		}
		return k
	}
	have := 0
	for _, e := range seen {
		if e.Kind == chat.KindMessage {
			have++
		}
	}
	for have+count(resumed) < 2*n {
		resumed.WaitEvent(chat.KindMessage, id)
	}
	for count(anna) < 2*n {
		anna.WaitEvent(chat.KindMessage, id)
	}
	checkContiguous := func(who string, evs []apptest.Event, from chat.Seq) {
		t.Helper()
		for i, e := range evs {
			if e.Seq != from+chat.Seq(i) {
				t.Fatalf("%s: event %d has seq %d, want %d", who, i, e.Seq, from+chat.Seq(i))
			}
		}
	}
	checkContiguous("agent on A", anna.Events(id), 1)
	checkContiguous("watcher before the drop", seen, 1)
	checkContiguous("watcher after resume", resumed.Events(id), last+1)
}

func TestCluster_RouterFailover(t *testing.T) {
	nodes := cluster(t, 2)
	a, b := nodes[0], nodes[1]
	deadline := time.Now().Add(10 * time.Second)
	for !a.Server.Router.Leading() && !b.Server.Router.Leading() && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if b.Server.Router.Leading() {
		a, b = b, a
	}
	if !a.Server.Router.Leading() {
		t.Fatal("no node leads routing")
	}
	carla := readyAgent(t, b, "carla", "support")
	first := a.NewCustomer(t, "support", "First")
	accept(t, carla, first.ConversationID)
	a.Stop() // the leading node goes away
	start := time.Now()
	waiting := b.NewCustomer(t, "support", "Waiting")
	carla.WaitEvent(chat.KindOffered, waiting.ConversationID)
	t.Logf("router fail-over: new chat offered %s after the leader stopped", time.Since(start).Round(time.Millisecond))
	if !b.Server.Router.Leading() {
		t.Errorf("the remaining node does not lead")
	}
	// The chat accepted before the fail-over is still carla's.
	send(t, carla, first.ConversationID, "x1", "still here", false)
}

func TestCluster_OneConversationPerCustomer(t *testing.T) {
	nodes := cluster(t, 2)
	kari := nodes[0].NewCustomer(t, "sales", "Kari")
	var wg sync.WaitGroup
	ids := make([]chat.ConversationID, 20)
	codes := make([]int, 20)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := nodes[i%2].NewClient()
			c.Token = kari.Token
			var res struct {
				Conversation struct{ ID chat.ConversationID }
			}
			codes[i] = c.Do(t, "POST", "/api/v1/widget/conversations", map[string]string{"queueId": "sales"}, &res)
			ids[i] = res.Conversation.ID
		}()
	}
	wg.Wait()
	for i := range ids {
		if ids[i] != kari.ConversationID || codes[i] != http.StatusOK {
			t.Errorf("request %d: %d %q, want 200 and %q", i, codes[i], ids[i], kari.ConversationID)
		}
	}
}

// TestCluster_CapacityChangeOnOtherNode: an agent's capacity changed by an
// administrator on the node that does not route is obeyed at once by the
// router on the node that does, both ways.
func TestCluster_CapacityChangeOnOtherNode(t *testing.T) {
	nodes := cluster(t, 2)
	deadline := time.Now().Add(10 * time.Second)
	for !nodes[0].Server.Router.Leading() && !nodes[1].Server.Router.Leading() && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	a, b := nodes[0], nodes[1] // a changes, b routes
	if a.Server.Router.Leading() {
		a, b = b, a
	}
	if !b.Server.Router.Leading() {
		t.Fatal("no node leads routing")
	}
	adm := a.Login(t, "admin")
	setCapacity := func(n int) {
		t.Helper()
		var u userBody
		call(t, adm, "GET", "/api/v1/admin/users/u-anna", nil, 200, &u)
		call(t, adm, "PATCH", "/api/v1/admin/users/u-anna", map[string]any{"version": u.User.Version, "capacity": n}, 200, nil)
	}
	setCapacity(1)
	anna := readyAgent(t, a, "anna", "sales")
	first := a.NewCustomer(t, "sales", "First")
	accept(t, anna, first.ConversationID)
	second := b.NewCustomer(t, "sales", "Second")
	for end := time.Now().Add(1500 * time.Millisecond); time.Now().Before(end); {
		if f, err := anna.Read(time.Until(end)); err == nil && f.Type == "event" && f.Event.Kind == chat.KindOffered {
			t.Fatalf("anna, at capacity 1 with a chat, was offered %s", f.Event.ConversationID)
		}
	}
	setCapacity(2)
	anna.WaitEvent(chat.KindOffered, second.ConversationID)
}
