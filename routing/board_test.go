package routing

import (
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"skranke/chat"
)

// TestRouter_Board plays a scripted morning and checks the supervisor's
// board against it, number by number, and that watchers hear of changes.
func TestRouter_Board(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.agent("a1", 2)
		e.agent("a2", 1)
		e.agent("a3", 2)
		e.agent("a4", 1)
		r := e.start(Options{})
		t0 := time.Now()
		e.login("a1", "p-sales")
		c1 := e.chat("sales")
		e.accept(c1, "a1")
		time.Sleep(time.Second)
		c2 := e.chat("sales") // offered to a1, not answered
		time.Sleep(time.Second)
		c3 := e.chat("support") // nobody for support yet
		time.Sleep(time.Second)
		c4 := e.chat("sales") // a1 is full: it waits
		time.Sleep(time.Second)
		t4 := time.Now()
		e.login("a2", "p-both") // offered c3, the oldest it can take
		e.presence("a3", true)
		e.status("a3", chat.StatusPaused, "p-support")
		if got := e.offeredTo(c3); got != "a2" {
			t.Fatalf("c3 offered to %q, want a2", got)
		}

		b, err := r.Board(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		sec := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Second) }
		want := chat.Board{
			At: t4,
			Queues: []chat.QueueBoard{
				{QueueID: "sales", Name: "sales", Waiting: 2, OldestQueuedAt: sec(1), AgentsBusy: 2, OffersOut: 1},
				{QueueID: "support", Name: "support", Waiting: 1, OldestQueuedAt: sec(2), AgentsBusy: 1, AgentsPaused: 1, OffersOut: 1},
			},
			Agents: []chat.AgentBoard{
				{ID: "a1", DisplayName: "Agent a1", Online: true, Status: chat.StatusReady, ProfileID: "p-sales", Load: 2, Capacity: 2, StatusSince: t0, Chats: []chat.ConversationID{c1}},
				{ID: "a2", DisplayName: "Agent a2", Online: true, Status: chat.StatusReady, ProfileID: "p-both", Load: 1, Capacity: 1, StatusSince: t4, Chats: []chat.ConversationID{}},
				{ID: "a3", DisplayName: "Agent a3", Online: true, Status: chat.StatusPaused, ProfileID: "p-support", Load: 0, Capacity: 2, StatusSince: t4, Chats: []chat.ConversationID{}},
				{ID: "a4", DisplayName: "Agent a4", Online: false, Status: chat.StatusPaused, Load: 0, Capacity: 1, Chats: []chat.ConversationID{}},
			},
		}
		for _, c := range []struct {
			id      chat.ConversationID
			queue   chat.QueueID
			status  chat.ConversationStatus
			agents  []chat.UserID
			offered chat.UserID
			at      time.Time
		}{
			{c1, "sales", chat.StatusActive, []chat.UserID{"a1"}, "", sec(0)},
			{c2, "sales", chat.StatusWaiting, []chat.UserID{}, "a1", sec(1)},
			{c3, "support", chat.StatusWaiting, []chat.UserID{}, "a2", sec(2)},
			{c4, "sales", chat.StatusWaiting, []chat.UserID{}, "", sec(3)},
		} {
			cb := chat.ChatBoard{ID: c.id, QueueID: c.queue, Status: c.status, Agents: c.agents, OfferedTo: c.offered, QueuedAt: c.at, CreatedAt: c.at}
			if c.status == chat.StatusActive {
				cb.AnsweredAt = c.at
			}
			want.Chats = append(want.Chats, cb)
		}
		sortChats(want.Chats)
		if diff := cmp.Diff(want, b); diff != "" {
			t.Errorf("board (-want +got):\n%s", diff)
		}

		// a1 accepts c2: the board follows, and a watcher hears of it.
		w, stop := r.Watch()
		defer stop()
		e.accept(c2, "a1")
		select {
		case <-w:
		default:
			t.Errorf("no change announced to the watcher after an acceptance")
		}
		b, err = r.Board(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(chat.QueueBoard{QueueID: "sales", Name: "sales", Waiting: 1, OldestQueuedAt: sec(3), AgentsBusy: 2}, b.Queues[0]); diff != "" {
			t.Errorf("sales after the acceptance (-want +got):\n%s", diff)
		}
		if a := b.Agents[0]; !cmp.Equal(a.Chats, slices.Sorted(slices.Values([]chat.ConversationID{c1, c2}))) || a.Load != 2 {
			t.Errorf("a1 after the acceptance: %+v", a)
		}
	})
}

// sortChats orders a board's chats as the router does: by id.
func sortChats(cs []chat.ChatBoard) {
	slices.SortFunc(cs, func(a, b chat.ChatBoard) int { return strings.Compare(string(a.ID), string(b.ID)) })
}
