package storetest

import (
	"fmt"
	"testing"
	"time"

	"skranke/chat"
	"skranke/store"
)

// chatLogFixture makes five conversations, a minute apart, in this order:
//
//	c1 sales,   anna,  ended by the customer: "Kontrakten min er borte" + private "økonomi sjekket"
//	c2 support, bjorn, ended by the agent:    "My invoice is late", "faktura forfalt i går", e-mail "kari@example.no"
//	c3 sales,   anna,  active:                "se her", "sending invoice now", private "invoice note"
//	c4 sales,   nobody, waiting:              "Hallo?"
//	c5 support, anna then bjorn, ended by the customer: "Kontrakt nummer 42"
func chatLogFixture(t *testing.T, f *fixture) map[string]chat.Conversation {
	t.Helper()
	out := map[string]chat.Conversation{}
	mk := func(name string, q chat.QueueID) chat.Conversation {
		f.clock.Add(time.Minute)
		if _, err := f.st.Queue(f.ctx, q); chat.ErrorCode(err) == chat.ENotFound {
			f.queue(t, q, string(q))
		}
		f.customer(t, chat.CustomerID(name))
		res, err := f.st.StartConversation(f.ctx, store.StartConversation{ID: chat.ConversationID("conv-" + name), CustomerID: chat.CustomerID(name), QueueID: q})
		if err != nil {
			t.Fatalf("StartConversation(%s) = %v", name, err)
		}
		return res.Conversation
	}
	say := func(c chat.Conversation, by chat.Participant, text string, private bool) {
		e := message(c, by, fmt.Sprintf("m%d", f.clock.Add(time.Second).UnixNano()), text)
		if private {
			e.Visibility = chat.VisibleAgents
		}
		f.append(t, e)
	}
	end := func(c chat.Conversation, by chat.Participant) {
		f.append(t, chat.Event{ConversationID: c.ID, Kind: chat.KindEnded, Author: by, Data: chat.Ended{}})
	}
	c1 := mk("c1", "sales")
	offerAndJoin(t, f, c1, "anna")
	say(c1, customerOf(c1), "Kontrakten min er borte", false)
	say(c1, agent("anna"), "økonomi sjekket", true)
	end(c1, customerOf(c1))

	c2 := mk("c2", "support")
	offerAndJoin(t, f, c2, "bjorn")
	say(c2, customerOf(c2), "My invoice is late", false)
	say(c2, customerOf(c2), "faktura forfalt i går", false)
	say(c2, customerOf(c2), "Skriv til kari@example.no", false)
	end(c2, agent("bjorn"))

	c3 := mk("c3", "sales")
	offerAndJoin(t, f, c3, "anna")
	say(c3, agent("anna"), "se her", false)
	say(c3, agent("anna"), "sending invoice now", false)
	say(c3, agent("anna"), "invoice note", true)

	c4 := mk("c4", "sales")
	say(c4, customerOf(c4), "Hallo?", false)

	c5 := mk("c5", "support")
	offerAndJoin(t, f, c5, "anna")
	f.append(t, chat.Event{ConversationID: c5.ID, Kind: chat.KindAgentLeft, Author: agent("anna"),
		Data: chat.AgentLeft{AgentRef: chat.AgentRef{AgentID: "anna"}, Reason: chat.ReasonLeft}})
	f.append(t, chat.Event{ConversationID: c5.ID, Kind: chat.KindRequeued, Author: chat.System, Data: chat.Requeued{Reason: chat.ReasonLeft}})
	offerAndJoin(t, f, c5, "bjorn")
	say(c5, customerOf(c5), "Kontrakt nummer 42", false)
	end(c5, customerOf(c5))
	for name, c := range map[string]chat.Conversation{"c1": c1, "c2": c2, "c3": c3, "c4": c4, "c5": c5} {
		got, err := f.st.Conversation(f.ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = got
	}
	return out
}

// names lists the conversations of entries by their customer.
func names(entries []store.ChatLogEntry) []string {
	var out []string
	for _, e := range entries {
		out = append(out, string(e.Conversation.CustomerID))
	}
	return out
}

var chatLogTests = map[string]func(t *testing.T, f *fixture){
	"filters and search": func(t *testing.T, f *fixture) {
		cs := chatLogFixture(t, f)
		yes, no := true, false
		for _, tc := range []struct {
			name string
			f    store.ChatLogFilter
			want []string
		}{
			{"all, newest first", store.ChatLogFilter{}, []string{"c5", "c4", "c3", "c2", "c1"}},
			{"queue", store.ChatLogFilter{Queue: "support"}, []string{"c5", "c2"}},
			{"agent took part", store.ChatLogFilter{Agent: "anna"}, []string{"c5", "c3", "c1"}},
			{"agent took part, other", store.ChatLogFilter{Agent: "bjorn"}, []string{"c5", "c2"}},
			{"status", store.ChatLogFilter{Statuses: []chat.ConversationStatus{chat.StatusEnded}}, []string{"c5", "c2", "c1"}},
			{"ended by the agent", store.ChatLogFilter{EndedBy: chat.PartyAgent}, []string{"c2"}},
			{"ended by the customer", store.ChatLogFilter{EndedBy: chat.PartyCustomer}, []string{"c5", "c1"}},
			{"with private notes", store.ChatLogFilter{HasPrivate: &yes}, []string{"c3", "c1"}},
			{"without private notes", store.ChatLogFilter{HasPrivate: &no}, []string{"c5", "c4", "c2"}},
			{"time range", store.ChatLogFilter{From: cs["c2"].CreatedAt, To: cs["c4"].CreatedAt}, []string{"c3", "c2"}},
			{"word start, Norwegian", store.ChatLogFilter{Words: chat.SearchWords("kontrakt")}, []string{"c5", "c1"}},
			{"æøå kept", store.ChatLogFilter{Words: chat.SearchWords("ØKONOMI")}, []string{"c1"}},
			{"private note found", store.ChatLogFilter{Words: chat.SearchWords("note")}, []string{"c3"}},
			{"English, two chats", store.ChatLogFilter{Words: chat.SearchWords("Invoice")}, []string{"c3", "c2"}},
			{"every word in one message", store.ChatLogFilter{Words: chat.SearchWords("faktura forfalt")}, []string{"c2"}},
			{"words from two messages", store.ChatLogFilter{Words: chat.SearchWords("faktura invoice")}, nil},
			{"short word whole only", store.ChatLogFilter{Words: chat.SearchWords("se")}, []string{"c3"}},
			{"a part of an e-mail address", store.ChatLogFilter{Words: chat.SearchWords("example")}, []string{"c2"}},
			{"a number", store.ChatLogFilter{Words: chat.SearchWords("42")}, []string{"c5"}},
			{"nothing", store.ChatLogFilter{Words: chat.SearchWords("zebra")}, nil},
			{"search and filter", store.ChatLogFilter{Words: chat.SearchWords("invoice"), Agent: "bjorn"}, []string{"c2"}},
		} {
			got, next, err := f.st.ChatLog(f.ctx, tc.f)
			if err != nil {
				t.Errorf("ChatLog(%s) = %v", tc.name, err)
				continue
			}
			if fmt.Sprint(names(got)) != fmt.Sprint(tc.want) || next != nil {
				t.Errorf("ChatLog(%s) = %v (next %v), want %v", tc.name, names(got), next, tc.want)
			}
		}
	},
	"hits": func(t *testing.T, f *fixture) {
		chatLogFixture(t, f)
		got, _, err := f.st.ChatLog(f.ctx, store.ChatLogFilter{Words: chat.SearchWords("invoice")})
		if err != nil || len(got) != 2 {
			t.Fatalf("ChatLog(invoice) = %v, %v", names(got), err)
		}
		var texts []string
		for _, e := range got[0].Hits {
			texts = append(texts, e.Text)
		}
		if want := []string{"invoice note", "sending invoice now"}; fmt.Sprint(texts) != fmt.Sprint(want) {
			t.Errorf("hits of c3 = %q, want %q (newest first)", texts, want)
		}
		if got[0].Hits[0].Visibility != chat.VisibleAgents {
			t.Errorf("the private hit = %+v, want agents only", got[0].Hits[0])
		}
	},
	"pages": func(t *testing.T, f *fixture) {
		chatLogFixture(t, f)
		var all []string
		var cursor *store.ChatLogCursor
		for range 5 {
			page, next, err := f.st.ChatLog(f.ctx, store.ChatLogFilter{Limit: 2, Before: cursor})
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, names(page)...)
			if next == nil {
				break
			}
			cursor = next
		}
		if want := []string{"c5", "c4", "c3", "c2", "c1"}; fmt.Sprint(all) != fmt.Sprint(want) {
			t.Errorf("pages of 2 = %v, want %v", all, want)
		}
	},
	"search pages through many chats": func(t *testing.T, f *fixture) {
		// 90 chats started in turn, their messages written in an order of
		// their own (later chats first, each in several rounds): chat i has
		// the word "kvittering" if i%3 != 0, in i%5+1 messages, and every
		// second one is in support. A search, with and without a queue,
		// pages through them in pages of 7 and finds each matching chat
		// once, newest first, with its newest three hits.
		f.queue(t, "sales", "Sales")
		f.queue(t, "support", "Support")
		var convs []chat.Conversation
		for i := range 90 {
			f.clock.Add(time.Second)
			q := chat.QueueID("sales")
			if i%2 == 1 {
				q = "support"
			}
			cust := chat.CustomerID(fmt.Sprintf("k%02d", i))
			f.customer(t, cust)
			res, err := f.st.StartConversation(f.ctx, store.StartConversation{CustomerID: cust, QueueID: q})
			if err != nil {
				t.Fatal(err)
			}
			convs = append(convs, res.Conversation)
		}
		for round := range 5 {
			for i := len(convs) - 1; i >= 0; i-- {
				c := convs[i]
				text := fmt.Sprintf("melding %d fra runde %d", i, round)
				if i%3 != 0 && round <= i%5 {
					text = fmt.Sprintf("kvittering %d nummer %d", i, round)
				}
				f.append(t, message(c, customerOf(c), fmt.Sprintf("r%d", round), text))
			}
		}
		for _, queue := range []chat.QueueID{"", "support"} {
			var want []string
			for i := len(convs) - 1; i >= 0; i-- {
				if i%3 != 0 && (queue == "" || i%2 == 1) {
					want = append(want, string(convs[i].CustomerID))
				}
			}
			var got []string
			var cursor *store.ChatLogCursor
			for page := 0; page < 30; page++ {
				entries, next, err := f.st.ChatLog(f.ctx, store.ChatLogFilter{Words: chat.SearchWords("kvittering"), Queue: queue, Limit: 7, Before: cursor})
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range entries {
					got = append(got, string(e.Conversation.CustomerID))
					var i int
					fmt.Sscanf(string(e.Conversation.CustomerID), "k%d", &i)
					n := min(i%5+1, store.MaxHits)
					var texts []string
					for _, h := range e.Hits {
						texts = append(texts, h.Text)
					}
					var wantHits []string
					for r := i % 5; r > i%5-n; r-- {
						wantHits = append(wantHits, fmt.Sprintf("kvittering %d nummer %d", i, r))
					}
					if fmt.Sprint(texts) != fmt.Sprint(wantHits) {
						t.Errorf("hits of %s = %q, want %q", e.Conversation.CustomerID, texts, wantHits)
					}
				}
				if next == nil {
					break
				}
				cursor = next
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("search in queue %q, pages of 7 = %v\nwant %v", queue, got, want)
			}
		}
	},
	"evaluation": func(t *testing.T, f *fixture) {
		cs := chatLogFixture(t, f)
		id := cs["c1"].ID
		_, err := f.st.Evaluation(f.ctx, id)
		wantCode(t, "Evaluation before any", err, chat.ENotFound)
		now := f.clock.Add(time.Minute)
		e, err := f.st.SetEvaluation(f.ctx, chat.Evaluation{ConversationID: id, Score: 4, Note: "Good, a bit slow",
			Author: chat.Participant{Role: chat.PartyAgent, ID: "sofie", Name: "Sofie"}})
		if err != nil || e.Version != 1 || !e.UpdatedAt.Equal(now) {
			t.Fatalf("SetEvaluation = %+v, %v; want version 1", e, err)
		}
		if got, err := f.st.Evaluation(f.ctx, id); err != nil || diff(got, e) != "" {
			t.Errorf("Evaluation = %+v, %v; want %+v", got, err, e)
		}
		_, err = f.st.SetEvaluation(f.ctx, chat.Evaluation{ConversationID: id, Score: 2, Author: agent("anna")})
		wantCode(t, "SetEvaluation with a stale version", err, chat.EConflict)
		e.Score, e.Note = 5, "On second thought: great"
		if e, err = f.st.SetEvaluation(f.ctx, e); err != nil || e.Version != 2 {
			t.Fatalf("SetEvaluation at version 1 = %+v, %v", e, err)
		}
		list, _, err := f.st.ChatLog(f.ctx, store.ChatLogFilter{Queue: "sales", EndedBy: chat.PartyCustomer})
		if err != nil || len(list) != 1 || list[0].Evaluation == nil || list[0].Evaluation.Score != 5 {
			t.Errorf("ChatLog lists %+v, %v; want c1 with its evaluation", list, err)
		}
		for _, bad := range []chat.Evaluation{{ConversationID: id, Score: 0, Version: 2}, {ConversationID: id, Score: 6, Version: 2},
			{ConversationID: id, Score: 3, Note: "nul\x00", Version: 2}} {
			_, err := f.st.SetEvaluation(f.ctx, bad)
			wantCode(t, fmt.Sprintf("SetEvaluation(%+v)", bad), err, chat.EInvalid)
		}
		_, err = f.st.SetEvaluation(f.ctx, chat.Evaluation{ConversationID: "nope", Score: 3})
		wantCode(t, "SetEvaluation of no chat", err, chat.ENotFound)
	},
}
