package routing

import (
	"testing"
	"testing/synctest"
	"time"

	"skranke/chat"
)

// hubNode plays a realtime node's part in customer presence: numbered
// presence messages and heartbeats.
type hubNode struct {
	e    *env
	name string
	boot string
	seq  uint64
}

func (e *env) node(name string) *hubNode { return &hubNode{e: e, name: name, boot: name + "-boot1"} }

// send publishes the node's next presence message.
func (n *hubNode) send(p chat.CustomerPresence) {
	n.e.t.Helper()
	n.seq++
	p.Node, p.Boot, p.Seq = n.name, n.boot, n.seq
	n.e.publish(chat.Event{Time: time.Now(), Kind: chat.KindCustomerPresence, Visibility: chat.VisibleAgents, Author: chat.System, Data: p})
}

func (n *hubNode) online(ids ...chat.ConversationID)  { n.send(chat.CustomerPresence{Online: ids}) }
func (n *hubNode) offline(ids ...chat.ConversationID) { n.send(chat.CustomerPresence{Offline: ids}) }

func (n *hubNode) heartbeat() {
	n.e.t.Helper()
	n.e.publish(chat.Event{Time: time.Now(), Kind: chat.KindNodeHeartbeat, Visibility: chat.VisibleAgents, Author: chat.System,
		Data: chat.NodeHeartbeat{Node: n.name, Boot: n.boot, Seq: n.seq}})
}

// presenceKinds returns the customer presence events of a conversation's
// log, and its ending, in order.
func (e *env) presenceKinds(id chat.ConversationID) []string {
	e.t.Helper()
	var out []string
	for _, ev := range e.events(id) {
		switch ev.Kind {
		case chat.KindCustomerConnected, chat.KindCustomerLeft, chat.KindCustomerReturned:
			out = append(out, string(ev.Kind))
		case chat.KindEnded:
			out = append(out, string(ev.Kind)+":"+ev.Reason())
		}
	}
	return out
}

func (e *env) checkPresence(id chat.ConversationID, want ...string) {
	e.t.Helper()
	got := e.presenceKinds(id)
	if len(got) != len(want) {
		e.t.Errorf("presence events of %s = %v, want %v", id, got, want)
		return
	}
	for i := range got {
		if got[i] != want[i] {
			e.t.Errorf("presence events of %s = %v, want %v", id, got, want)
			return
		}
	}
}

func sleep(d time.Duration) {
	time.Sleep(d)
	synctest.Wait()
}

func TestRouter_CustomerLeftAndReturned(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.agent("a1", 2)
		e.start(Options{CustomerGrace: 10 * time.Second})
		e.login("a1", "p-sales")
		id := e.chat("sales")
		n := e.node("n1")
		n.online(id)
		e.checkPresence(id, "customer_connected")
		e.accept(id, "a1")

		// The customer closes the page: nothing until the grace is over.
		n.offline(id)
		sleep(10*time.Second - time.Millisecond)
		e.checkPresence(id, "customer_connected")
		sleep(time.Millisecond)
		e.checkPresence(id, "customer_connected", "customer_left")
		c := e.conv(id)
		if c.CustomerConnected() || c.CustomerLeftAt.IsZero() {
			t.Errorf("after customer_left: %+v, want left", c)
		}
		left := e.events(id)[len(e.events(id))-1]
		if left.Visibility != chat.VisibleAgents || left.Author.Role != chat.PartySystem {
			t.Errorf("customer_left = %+v, want agents only, by the system", left)
		}
		// An active chat whose customer left is not ended by the router.
		sleep(time.Hour)
		e.checkPresence(id, "customer_connected", "customer_left")

		// The customer comes back, on another node.
		e.node("n2").online(id)
		e.checkPresence(id, "customer_connected", "customer_left", "customer_returned")
		if c := e.conv(id); !c.CustomerConnected() {
			t.Errorf("after customer_returned: %+v, want connected", c)
		}
	})
}

func TestRouter_CustomerReloadWithinGrace(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.start(Options{CustomerGrace: 10 * time.Second})
		id := e.chat("sales")
		n := e.node("n1")
		n.online(id)
		for range 5 { // reloads and blips, each shorter than the grace
			n.offline(id)
			sleep(9 * time.Second)
			n.online(id)
			sleep(time.Second)
		}
		sleep(time.Minute)
		e.checkPresence(id, "customer_connected")
		// Two windows of the same chat: one closing leaves the customer there.
		e.node("n2").online(id)
		n.offline(id)
		sleep(time.Minute)
		e.checkPresence(id, "customer_connected")
	})
}

func TestRouter_CustomerNeverConnected(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.start(Options{CustomerGrace: time.Second, AbandonAfter: time.Minute})
		id := e.chat("sales")
		sleep(time.Hour)
		e.checkPresence(id)
		if c := e.conv(id); c.Status != chat.StatusWaiting {
			t.Errorf("chat of a customer who never connected: %+v, want still waiting", c)
		}
	})
}

func TestRouter_AbandonedWaitingChat(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.agent("a1", 2)
		e.start(Options{CustomerGrace: 10 * time.Second, AbandonAfter: 2 * time.Minute})
		n := e.node("n1")
		gone := e.chat("sales")
		back := e.chat("sales")
		n.online(gone, back)
		n.offline(gone, back)
		sleep(10 * time.Second)
		e.checkPresence(gone, "customer_connected", "customer_left")

		// Nobody is offered a chat whose customer left.
		e.login("a1", "p-sales")
		if a := e.offeredTo(gone); a != "" {
			t.Errorf("chat whose customer left offered to %s, want no offer", a)
		}
		if a := e.offeredTo(back); a != "" {
			t.Errorf("chat whose customer left offered to %s, want no offer", a)
		}
		// One customer comes back in time: the chat is offered again.
		sleep(time.Minute)
		n.online(back)
		if a := e.offeredTo(back); a != "a1" {
			t.Errorf("chat whose customer came back offered to %q, want a1", a)
		}
		sleep(time.Minute - time.Millisecond)
		e.checkPresence(gone, "customer_connected", "customer_left")
		sleep(time.Millisecond)
		e.checkPresence(gone, "customer_connected", "customer_left", "ended:customer_left")
		if c := e.conv(gone); c.Status != chat.StatusEnded {
			t.Errorf("abandoned chat: %+v, want ended", c)
		}
		ended := e.events(gone)[len(e.events(gone))-1]
		if ended.Author.Role != chat.PartySystem || ended.Visibility != chat.VisibleAll {
			t.Errorf("ended = %+v, want by the system, for everyone", ended)
		}
		sleep(time.Hour)
		e.checkPresence(back, "customer_connected", "customer_left", "customer_returned")
		if c := e.conv(back); c.Status == chat.StatusEnded {
			t.Errorf("chat whose customer came back ended: %+v", c)
		}
	})
}

func TestRouter_CustomerPresenceAfterRebuild(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		opts := Options{CustomerGrace: 10 * time.Second, AbandonAfter: 5 * time.Minute}
		r := e.start(opts)
		n := e.node("n1")
		stays, goes, away := e.chat("sales"), e.chat("sales"), e.chat("sales")
		n.online(stays, goes, away)
		n.offline(away)
		sleep(10 * time.Second)
		e.checkPresence(away, "customer_connected", "customer_left")
		r.stop()

		// A new router knows nobody is present; it asks the nodes. n1 answers
		// with a snapshot in two parts: stays is there, goes is not.
		sleep(time.Minute)
		before := len(e.publishedOf(chat.KindPresenceRequest))
		e.start(opts)
		if got := e.publishedOf(chat.KindPresenceRequest); len(got) != before+1 || got[len(got)-1].Data.(chat.PresenceRequest).Node != "" {
			t.Fatalf("presence requests after rebuild = %v, want one to every node", got[before:])
		}
		n.send(chat.CustomerPresence{Reset: true})
		n.send(chat.CustomerPresence{Online: []chat.ConversationID{stays}, Complete: true})
		sleep(10 * time.Second)
		e.checkPresence(stays, "customer_connected")
		e.checkPresence(goes, "customer_connected", "customer_left")
		// The abandon timer of the chat that was left before is rebuilt from
		// its CustomerLeftAt: 5 minutes after it left, not after the rebuild.
		sleep(5*time.Minute - 70*time.Second - time.Millisecond)
		e.checkPresence(away, "customer_connected", "customer_left")
		sleep(time.Millisecond)
		e.checkPresence(away, "customer_connected", "customer_left", "ended:customer_left")
	})
}

func TestRouter_CustomerPresenceLost(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.start(Options{CustomerGrace: 10 * time.Second, PresenceTimeout: 15 * time.Second})
		id := e.chat("sales")
		n := e.node("n1")
		n.online(id)
		e.checkPresence(id, "customer_connected")
		asked := func() int {
			k := 0
			for _, ev := range e.publishedOf(chat.KindPresenceRequest) {
				if ev.Data.(chat.PresenceRequest).Node == "n1" {
					k++
				}
			}
			return k
		}
		// A message lost: the heartbeat counts one more than arrived.
		n.seq++
		n.heartbeat()
		if got := asked(); got != 1 {
			t.Errorf("presence requests to n1 after a lost message = %d, want 1", got)
		}
		// A gap in the numbers says the same.
		sleep(3 * time.Second)
		n.seq++
		n.offline("other")
		if got := asked(); got != 2 {
			t.Errorf("presence requests to n1 after a gap = %d, want 2", got)
		}
		// The node dies: after PresenceTimeout without a word its customers
		// are gone, and after the grace they have left.
		for range 3 {
			sleep(4 * time.Second)
			n.heartbeat()
		}
		sleep(15*time.Second + 5*time.Second + 10*time.Second) // timeout, the sweep's period, grace
		e.checkPresence(id, "customer_connected", "customer_left")

		// The node restarts (a new boot): what it says now counts, from 1.
		n.boot, n.seq = "n1-boot2", 0
		n.online(id)
		e.checkPresence(id, "customer_connected", "customer_left", "customer_returned")
	})
}
