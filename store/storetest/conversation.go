package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"skranke/chat"
	"skranke/store"
)

var startConversationTests = map[string]func(t *testing.T, f *fixture){
	"creates a waiting conversation": func(t *testing.T, f *fixture) {
		f.queue(t, "sales", "Sales")
		f.customer(t, "c1")
		now := f.clock.Add(time.Minute)
		s := store.StartConversation{ID: "conv1", CustomerID: "c1", QueueID: "sales", CustomerName: "  Kari "}
		res, err := f.st.StartConversation(f.ctx, s)
		got, created := res.Conversation, res.Created
		if err != nil || !created {
			t.Fatalf("StartConversation(%+v) = %v, %v, want created", s, created, err)
		}
		want := chat.Conversation{ID: "conv1", QueueID: "sales", CustomerID: "c1", CustomerName: "Kari",
			Status: chat.StatusWaiting, QueuedAt: now, CreatedAt: now, LastSeq: 1}
		if d := diff(got, want); d != "" {
			t.Errorf("StartConversation(%+v) mismatch (-want +got):\n%s", s, d)
		}
		wantEvents := []chat.Event{{ConversationID: "conv1", Seq: 1, Time: now, Kind: chat.KindStarted,
			Visibility: chat.VisibleAll, Author: chat.Participant{Role: chat.PartyCustomer, ID: "c1", Name: "Kari"},
			Data: chat.Started{QueueID: "sales"}}}
		if d := diff(f.events(t, "conv1"), wantEvents); d != "" {
			t.Errorf("Events(conv1) mismatch (-want +got):\n%s", d)
		}
		f.checkStored(t, want)
	},
	"returns the open one": func(t *testing.T, f *fixture) {
		first := f.conversation(t, "c1")
		f.clock.Add(time.Minute)
		s := store.StartConversation{ID: "other", CustomerID: "c1", QueueID: "sales"}
		res, err := f.st.StartConversation(f.ctx, s)
		got, created := res.Conversation, res.Created
		if err != nil || created {
			t.Fatalf("StartConversation(%+v) while one is open = %v, %v, want not created", s, created, err)
		}
		if d := diff(got, first); d != "" {
			t.Errorf("StartConversation(%+v) while one is open mismatch (-want +got):\n%s", s, d)
		}
		_, err = f.st.Conversation(f.ctx, "other")
		wantCode(t, "Conversation(other)", err, chat.ENotFound)
	},
	"new after end": func(t *testing.T, f *fixture) {
		first := f.conversation(t, "c1")
		f.append(t, chat.Event{ConversationID: first.ID, Kind: chat.KindEnded, Author: customerOf(first)})
		second := f.start(t, "c1")
		if second.ID == first.ID {
			t.Errorf("StartConversation after the end returned the ended conversation %s", first.ID)
		}
		got, err := f.st.Conversations(f.ctx, store.ConversationFilter{CustomerID: "c1"})
		if err != nil {
			t.Fatalf("Conversations(customer c1) = %v", err)
		}
		if len(got) != 2 || got[0].Status != chat.StatusEnded || got[1].Status != chat.StatusWaiting {
			t.Errorf("Conversations(customer c1) = %+v, want the ended one and a waiting one", got)
		}
	},
	"concurrent": func(t *testing.T, f *fixture) {
		f.queue(t, "sales", "Sales")
		f.customer(t, "c1")
		const n = 20
		var wg sync.WaitGroup
		convs := make([]chat.Conversation, n)
		created := make([]bool, n)
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				s := store.StartConversation{ID: chat.ConversationID(fmt.Sprintf("conv%d", i)), CustomerID: "c1", QueueID: "sales"}
				var res store.StartResult
				res, errs[i] = f.st.StartConversation(f.ctx, s)
				convs[i], created[i] = res.Conversation, res.Created
			})
		}
		wg.Wait()
		ncreated := 0
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("StartConversation #%d = %v", i, errs[i])
			}
			if created[i] {
				ncreated++
			}
			if convs[i].ID != convs[0].ID {
				t.Errorf("StartConversation #%d = %s, #0 = %s, want the same", i, convs[i].ID, convs[0].ID)
			}
		}
		if ncreated != 1 {
			t.Errorf("%d concurrent StartConversation calls created %d conversations, want 1", n, ncreated)
		}
		all, err := f.st.Conversations(f.ctx, store.ConversationFilter{CustomerID: "c1"})
		if err != nil || len(all) != 1 {
			t.Errorf("Conversations(customer c1) = %d conversations, %v, want 1", len(all), err)
		}
	},
	"unknown queue": func(t *testing.T, f *fixture) {
		f.customer(t, "c1")
		_, err := f.st.StartConversation(f.ctx, store.StartConversation{ID: "conv1", CustomerID: "c1", QueueID: "nope"})
		wantCode(t, "StartConversation(queue nope)", err, chat.EInvalid)
		_, err = f.st.StartConversation(f.ctx, store.StartConversation{ID: "conv1", CustomerID: "c1"})
		wantCode(t, "StartConversation(no queue)", err, chat.EInvalid)
	},
	"unknown customer": func(t *testing.T, f *fixture) {
		f.queue(t, "sales", "Sales")
		_, err := f.st.StartConversation(f.ctx, store.StartConversation{ID: "conv1", CustomerID: "nope", QueueID: "sales"})
		wantCode(t, "StartConversation(customer nope)", err, chat.ENotFound)
	},
	"name too long": func(t *testing.T, f *fixture) {
		f.queue(t, "sales", "Sales")
		f.customer(t, "c1")
		s := store.StartConversation{ID: "conv1", CustomerID: "c1", QueueID: "sales", CustomerName: string(make([]rune, chat.MaxNameLen+1))}
		_, err := f.st.StartConversation(f.ctx, s)
		wantCode(t, "StartConversation(long name)", err, chat.EInvalid)
	},
	"duplicate id": func(t *testing.T, f *fixture) {
		first := f.conversation(t, "c1")
		f.customer(t, "c2")
		_, err := f.st.StartConversation(f.ctx, store.StartConversation{ID: first.ID, CustomerID: "c2", QueueID: "sales"})
		wantCode(t, "StartConversation(c2) with c1's conversation id", err, chat.EConflict)
	},
	"conversation not found": func(t *testing.T, f *fixture) {
		_, err := f.st.Conversation(f.ctx, "nope")
		wantCode(t, "Conversation(nope)", err, chat.ENotFound)
	},
}

var conversationsTests = map[string]func(t *testing.T, f *fixture){
	"filters": func(t *testing.T, f *fixture) {
		// Five conversations, a minute apart, started in this order:
		//   waiting   c1, no offer
		//   waiting   c2, offered to anna
		//   active    c3, anna in it
		//   ended     c4, anna was in it
		//   active    c5, bjorn in it
		var cs []chat.Conversation
		for i := 1; i <= 5; i++ {
			f.clock.Add(time.Minute)
			cs = append(cs, f.conversation(t, chat.CustomerID(fmt.Sprintf("c%d", i))))
		}
		join := func(c chat.Conversation, a chat.UserID) chat.Conversation {
			t.Helper()
			f.append(t, chat.Event{
				ConversationID: c.ID,
				Kind:           chat.KindOffered,
				Author:         chat.System,
				Data:           chat.Offered{AgentRef: chat.AgentRef{AgentID: a}, ExpiresAt: f.clock.Now().Add(time.Minute)},
			})
			return f.append(t, chat.Event{ConversationID: c.ID, Kind: chat.KindAgentJoined, Author: chat.System, Data: chat.AgentJoined{AgentRef: chat.AgentRef{AgentID: a}}}).Conversation
		}
		cs[1] = f.append(t, chat.Event{
			ConversationID: cs[1].ID,
			Kind:           chat.KindOffered,
			Author:         chat.System,
			Data:           chat.Offered{AgentRef: chat.AgentRef{AgentID: "anna"}, ExpiresAt: f.clock.Now().Add(time.Minute)},
		}).Conversation
		cs[2] = join(cs[2], "anna")
		join(cs[3], "anna")
		cs[3] = f.append(t, chat.Event{ConversationID: cs[3].ID, Kind: chat.KindEnded, Author: agent("anna")}).Conversation
		cs[4] = join(cs[4], "bjorn")

		for _, tc := range []struct {
			name string
			f    store.ConversationFilter
			want []chat.Conversation
		}{
			{"all", store.ConversationFilter{}, cs},
			{"waiting", store.ConversationFilter{Statuses: []chat.ConversationStatus{chat.StatusWaiting}}, cs[:2]},
			{"open", store.ConversationFilter{Statuses: []chat.ConversationStatus{chat.StatusWaiting, chat.StatusActive}},
				[]chat.Conversation{cs[0], cs[1], cs[2], cs[4]}},
			{"ended", store.ConversationFilter{Statuses: []chat.ConversationStatus{chat.StatusEnded}}, cs[3:4]},
			{"customer", store.ConversationFilter{CustomerID: "c3"}, cs[2:3]},
			{"unknown customer", store.ConversationFilter{CustomerID: "nope"}, nil},
			{"agent in it or offered", store.ConversationFilter{AgentID: "anna"}, cs[1:4]},
			{"agent, open only", store.ConversationFilter{AgentID: "anna",
				Statuses: []chat.ConversationStatus{chat.StatusWaiting, chat.StatusActive}}, cs[1:3]},
			{"other agent", store.ConversationFilter{AgentID: "bjorn"}, cs[4:5]},
			{"agent and customer", store.ConversationFilter{AgentID: "bjorn", CustomerID: "c5"}, cs[4:5]},
			{"agent and other customer", store.ConversationFilter{AgentID: "bjorn", CustomerID: "c3"}, nil},
			{"unknown agent", store.ConversationFilter{AgentID: "nope"}, nil},
			{"limit", store.ConversationFilter{Limit: 2}, cs[:2]},
			{"limit and filter", store.ConversationFilter{AgentID: "anna", Limit: 1}, cs[1:2]},
		} {
			got, err := f.st.Conversations(f.ctx, tc.f)
			if err != nil {
				t.Errorf("Conversations(%s %+v) = %v", tc.name, tc.f, err)
				continue
			}
			if d := diff(got, tc.want); d != "" {
				t.Errorf("Conversations(%s %+v) mismatch (-want +got):\n%s", tc.name, tc.f, d)
			}
		}
	},
}
