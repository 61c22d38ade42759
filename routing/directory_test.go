package routing

import (
	"testing"
	"testing/synctest"
	"time"

	"skranke/chat"
	"skranke/store"
)

// changed announces a directory change, as package admin does.
func (e *env) changed(d chat.DirectoryChanged) {
	e.t.Helper()
	e.publish(chat.Event{Time: time.Now(), Kind: chat.KindDirectoryChanged, Visibility: chat.VisibleAgents, Author: chat.System, Data: d})
}

func (e *env) updateUser(id chat.UserID, upd chat.UserUpdate) {
	e.t.Helper()
	u, err := e.db.User(e.t.Context(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	upd.Version = u.Version
	if _, err := store.UpdateUser(e.t.Context(), e.db, id, upd, testActor); err != nil {
		e.t.Fatalf("UpdateUser(%s): %v", id, err)
	}
}

func (e *env) updateQueue(id chat.QueueID, upd chat.QueueUpdate) {
	e.t.Helper()
	q, err := e.db.Queue(e.t.Context(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	upd.Version = q.Version
	if _, err := store.UpdateQueue(e.t.Context(), e.db, id, upd, testActor); err != nil {
		e.t.Fatalf("UpdateQueue(%s): %v", id, err)
	}
}

// TestRouter_CapacityChange: a capacity raised by an administrator is
// obeyed at the next offer, without the agent doing anything.
func TestRouter_CapacityChange(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.agent("a1", 1)
		e.start(Options{})
		e.login("a1", "p-sales")
		c1 := e.chat("sales")
		e.accept(c1, "a1")
		c2 := e.chat("sales")
		if got := e.offeredTo(c2); got != "" {
			t.Fatalf("second chat offered to %q while a1 is full", got)
		}
		capacity := 2
		e.updateUser("a1", chat.UserUpdate{Capacity: &capacity})
		if got := e.offeredTo(c2); got != "" {
			t.Fatalf("second chat offered to %q before the change was announced", got)
		}
		e.changed(chat.DirectoryChanged{Users: []chat.UserID{"a1"}})
		if got := e.offeredTo(c2); got != "a1" {
			t.Errorf("second chat after raising a1's capacity offered to %q, want a1", got)
		}
	})
}

// TestRouter_ProfileChange: an agent working in a profile gets the chats
// of the queue added to it at once.
func TestRouter_ProfileChange(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.agent("a1", 2)
		e.start(Options{})
		e.login("a1", "p-sales")
		c := e.chat("support")
		if got := e.offeredTo(c); got != "" {
			t.Fatalf("support chat offered to %q", got)
		}
		p, _ := e.db.Profile(t.Context(), "p-sales")
		if _, err := store.UpdateProfile(t.Context(), e.db, "p-sales", chat.ProfileUpdate{Version: p.Version,
			Queues: &[]chat.QueueID{"sales", "support"}}, testActor); err != nil {
			t.Fatal(err)
		}
		e.changed(chat.DirectoryChanged{Profiles: []chat.ProfileID{"p-sales"}})
		if got := e.offeredTo(c); got != "a1" {
			t.Errorf("support chat after adding support to a1's profile offered to %q, want a1", got)
		}
	})
}

// TestRouter_QueueOfferTimeout: an offer expires after its queue's own
// offer timeout, not the router's default.
func TestRouter_QueueOfferTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.agent("a1", 2)
		e.start(Options{OfferTimeout: 30 * time.Second})
		seconds := 10
		e.updateQueue("sales", chat.QueueUpdate{OfferTimeoutSeconds: &seconds})
		e.changed(chat.DirectoryChanged{Queues: []chat.QueueID{"sales"}})
		e.login("a1", "p-both")
		sales := e.chat("sales")
		support := e.chat("support")
		if o := e.conv(sales).Offer; o == nil || o.ExpiresAt.Sub(o.OfferedAt) != 10*time.Second {
			t.Errorf("offer of a sales chat = %+v, want it to expire after 10 s", o)
		}
		if o := e.conv(support).Offer; o == nil || o.ExpiresAt.Sub(o.OfferedAt) != 30*time.Second {
			t.Errorf("offer of a support chat = %+v, want the default 30 s", o)
		}
		time.Sleep(10 * time.Second)
		synctest.Wait()
		e.checkSteps(sales, []step{{chat.KindOffered, "a1", ""}, {chat.KindOfferDeclined, "a1", chat.ReasonExpired}})
		e.checkSteps(support, []step{{chat.KindOffered, "a1", ""}})
	})
}

// TestRouter_QueuePriority: of two waiting chats, the one in the queue of
// higher priority is offered first, though it waited less.
func TestRouter_QueuePriority(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.agent("a1", 1)
		e.start(Options{})
		prio := 5
		e.updateQueue("support", chat.QueueUpdate{Priority: &prio})
		e.changed(chat.DirectoryChanged{Queues: []chat.QueueID{"support"}})
		sales := e.chat("sales")
		time.Sleep(time.Second)
		support := e.chat("support")
		e.login("a1", "p-both")
		if got := e.offeredTo(support); got != "a1" {
			t.Errorf("the higher-priority support chat was offered to %q, want a1 (sales: %q)", got, e.offeredTo(sales))
		}
	})
}

// TestRouter_Deactivated: a deactivated agent loses its offer at once and
// leaves its chats, which go back to the queue without waiting out the
// grace period; its presence no longer counts.
func TestRouter_Deactivated(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.agent("a1", 2)
		e.agent("a2", 2)
		e.start(Options{Grace: time.Minute})
		e.login("a1", "p-sales")
		c1 := e.chat("sales")
		e.accept(c1, "a1")
		c2 := e.chat("sales")
		if got := e.offeredTo(c2); got != "a1" {
			t.Fatalf("c2 offered to %q, want a1", got)
		}
		off := false
		e.updateUser("a1", chat.UserUpdate{Active: &off})
		e.changed(chat.DirectoryChanged{Users: []chat.UserID{"a1"}})
		e.checkSteps(c1, []step{{chat.KindOffered, "a1", ""}, {chat.KindAgentJoined, "a1", ""},
			{chat.KindAgentLeft, "a1", chat.ReasonDisconnected}, {chat.KindRequeued, "", chat.ReasonDisconnected}})
		e.checkSteps(c2, []step{{chat.KindOffered, "a1", ""}, {chat.KindOfferDeclined, "a1", chat.ReasonDisconnected}})
		e.presence("a1", true) // a heartbeat from a node whose socket has not closed yet
		e.login("a2", "p-sales")
		if got, got2 := e.offeredTo(c1), e.offeredTo(c2); got != "a2" || got2 != "a2" {
			t.Errorf("after a1's deactivation the chats are offered to %q and %q, want a2 for both", got, got2)
		}
	})
}

// TestRouter_ResyncReloadsDirectory: a router that missed an announcement
// catches up at the bus's resync.
func TestRouter_ResyncReloadsDirectory(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.agent("a1", 1)
		e.start(Options{})
		e.login("a1", "p-sales")
		e.accept(e.chat("sales"), "a1")
		c2 := e.chat("sales")
		capacity := 2
		e.updateUser("a1", chat.UserUpdate{Capacity: &capacity}) // announced nowhere
		e.publish(chat.Event{Time: time.Now(), Kind: chat.KindResync, Visibility: chat.VisibleAgents})
		if got := e.offeredTo(c2); got != "a1" {
			t.Errorf("after a resync the second chat is offered to %q, want a1", got)
		}
	})
}
