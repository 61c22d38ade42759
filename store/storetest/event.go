package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"skranke/chat"
	"skranke/store"
)

var appendEventTests = map[string]func(t *testing.T, f *fixture){
	"event by client message id": func(t *testing.T, f *fixture) {
		c := f.conversation(t, "c1")
		a := f.append(t, message(c, customerOf(c), "m1", "Hello"))
		got, ok, err := f.st.EventByClientMsgID(f.ctx, store.MsgKey{Conversation: c.ID, Author: string(c.CustomerID), ClientMsgID: "m1"})
		if err != nil || !ok {
			t.Fatalf("EventByClientMsgID(m1) = %v, %v, %v; want the message", got, ok, err)
		}
		if d := diff(got, a.Event); d != "" {
			t.Errorf("EventByClientMsgID(m1) mismatch (-want +got):\n%s", d)
		}
		for _, k := range []store.MsgKey{
			{Conversation: c.ID, Author: "someone else", ClientMsgID: "m1"},
			{Conversation: c.ID, Author: string(c.CustomerID), ClientMsgID: "m2"},
			{Conversation: "other", Author: string(c.CustomerID), ClientMsgID: "m1"},
			{Conversation: c.ID, Author: string(c.CustomerID), ClientMsgID: "m\x00"},
			{Conversation: c.ID, Author: string(c.CustomerID)},
		} {
			if got, ok, err := f.st.EventByClientMsgID(f.ctx, k); err != nil || ok {
				t.Errorf("EventByClientMsgID(%+v) = %v, %v, %v; want none", k, got, ok, err)
			}
		}
	},
	"seq and time": func(t *testing.T, f *fixture) {
		c := f.conversation(t, "c1")
		var got []store.Appended
		var wantEvents []chat.Event
		for i := range 3 {
			now := f.clock.Add(time.Second)
			e := message(c, customerOf(c), fmt.Sprintf("m%d", i), fmt.Sprintf("Hello %d", i))
			e.Time = start.Add(-time.Hour) // ignored: the store sets the time
			e.Seq = 99                     // ignored: the store assigns the seq
			a := f.append(t, e)
			want := e
			want.Seq, want.Time = chat.Seq(2+i), now
			if d := diff(a.Event, want); d != "" {
				t.Errorf("AppendEvent(%+v).Event mismatch (-want +got):\n%s", e, d)
			}
			if a.Duplicate {
				t.Errorf("AppendEvent(%+v).Duplicate = true, want false", e)
			}
			if a.Conversation.LastSeq != want.Seq {
				t.Errorf("AppendEvent(%+v).Conversation.LastSeq = %d, want %d", e, a.Conversation.LastSeq, want.Seq)
			}
			got = append(got, a)
			wantEvents = append(wantEvents, want)
		}
		if d := diff(f.events(t, c.ID)[1:], wantEvents); d != "" {
			t.Errorf("Events(%s) after 3 appends mismatch (-want +got):\n%s", c.ID, d)
		}
		f.checkStored(t, got[2].Conversation)
	},
	"choice menus": func(t *testing.T, f *fixture) {
		// The fold keeps each menu's state beside the log, and a second
		// answer is refused in the transaction.
		c := f.conversation(t, "c1")
		offerAndJoin(t, f, c, "anna")
		opts := []chat.MenuOption{{Label: "Yes «ja»"}, {ID: "no", Label: "No"}}
		f.append(t, chat.Event{ConversationID: c.ID, Kind: chat.KindMenu, Author: agent("anna"), Text: "Q1", Data: chat.Menu{MenuID: "m1", Options: opts}})
		f.append(t, chat.Event{ConversationID: c.ID, Kind: chat.KindMenu, Author: agent("anna"), Text: "Q2", Data: chat.Menu{MenuID: "m2", Options: opts}})
		f.append(t, chat.Event{ConversationID: c.ID, Kind: chat.KindMenu, Author: agent("anna"), Text: "Q3", Data: chat.Menu{MenuID: "m3", Options: opts}})
		ch := f.append(t, chat.Event{ConversationID: c.ID, Kind: chat.KindChoice, Author: customerOf(c), Data: chat.Choice{MenuID: "m1", OptionID: "no"}})
		f.append(t, chat.Event{ConversationID: c.ID, Kind: chat.KindMenuWithdrawn, Author: agent("anna"), Data: chat.MenuWithdrawn{MenuID: "m2"}})
		if ch.Event.Text != "No" {
			t.Errorf("choice stored with text %q, want the option's label", ch.Event.Text)
		}
		_, err := f.st.AppendEvent(f.ctx, chat.Event{ConversationID: c.ID, Kind: chat.KindChoice, Author: customerOf(c), Data: chat.Choice{MenuID: "m1", OptionID: "1"}})
		wantCode(t, "AppendEvent(second choice)", err, chat.EConflict)
		checkLog(t, f, c.ID, 8)
		got, err := f.st.Conversation(f.ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []chat.MenuState{
			{ID: "m1", Seq: 4, Status: chat.MenuStatusAnswered, Chosen: "no"},
			{ID: "m2", Seq: 5, Status: chat.MenuStatusWithdrawn},
			{ID: "m3", Seq: 6, Status: chat.MenuStatusOpen, Options: []chat.MenuOption{{ID: "1", Label: "Yes «ja»"}, {ID: "no", Label: "No"}}},
		}
		if d := diff(got.Menus, want); d != "" {
			t.Errorf("Conversation(%s).Menus mismatch (-want +got):\n%s", c.ID, d)
		}
	},
	"private message": func(t *testing.T, f *fixture) {
		c := f.conversation(t, "c1")
		offerAndJoin(t, f, c, "anna")
		e := message(c, agent("anna"), "p1", "Just between us")
		e.Visibility = chat.VisibleAgents
		a := f.append(t, e)
		if a.Event.Visibility != chat.VisibleAgents {
			t.Errorf("AppendEvent(private message).Event.Visibility = %q, want %q", a.Event.Visibility, chat.VisibleAgents)
		}
		es := f.events(t, c.ID)
		if d := diff(es[len(es)-1], a.Event); d != "" {
			t.Errorf("Events(%s) last event mismatch (-want +got):\n%s", c.ID, d)
		}
	},
	"rule violations": func(t *testing.T, f *fixture) {
		c := f.conversation(t, "c1")
		ended := f.conversation(t, "c2")
		ended = f.append(t, chat.Event{ConversationID: ended.ID, Kind: chat.KindEnded, Author: customerOf(ended)}).Conversation
		for _, tc := range []struct {
			name string
			c    chat.Conversation
			e    chat.Event
			code string
		}{
			{"empty message", c, message(c, customerOf(c), "m1", "  "), chat.EInvalid},
			{"agent not in chat", c, message(c, agent("anna"), "m1", "Hi"), chat.EForbidden},
			{"other customer", c, message(c, customerOf(ended), "m1", "Hi"), chat.ENotFound},
			{"decline without offer", c, chat.Event{
				ConversationID: c.ID,
				Kind:           chat.KindOfferDeclined,
				Author:         chat.System,
				Data:           chat.OfferDeclined{AgentRef: chat.AgentRef{AgentID: "anna"}, Reason: chat.ReasonRejected},
			}, chat.EConflict},
			{"offer in the past", c, chat.Event{
				ConversationID: c.ID,
				Kind:           chat.KindOffered,
				Author:         chat.System,
				Data:           chat.Offered{AgentRef: chat.AgentRef{AgentID: "anna"}, ExpiresAt: start},
			}, chat.EInvalid},
			{"started again", c, chat.Event{ConversationID: c.ID, Kind: chat.KindStarted, Author: customerOf(c)}, chat.EInvalid},
			{"ephemeral", c, chat.Event{ConversationID: c.ID, Kind: chat.KindTyping, Author: customerOf(c)}, chat.EInvalid},
			{"unknown kind", c, chat.Event{ConversationID: c.ID, Kind: "dance", Author: customerOf(c)}, chat.EInvalid},
			{"too long", c, message(c, customerOf(c), "m1", string(make([]byte, chat.MaxTextLen+1))), chat.ETooLarge},
			{"after the end", ended, message(ended, customerOf(ended), "m1", "Hello?"), chat.EConflict},
		} {
			before := f.events(t, tc.c.ID)
			_, err := f.st.AppendEvent(f.ctx, tc.e)
			e := tc.e
			e.Time = f.clock.Now()
			_, _, want := tc.c.Apply(e)
			if want == nil || chat.ErrorCode(want) != tc.code {
				t.Fatalf("%s: test is wrong: Apply = %v, want code %s", tc.name, want, tc.code)
			}
			wantError(t, fmt.Sprintf("AppendEvent(%s %+v)", tc.name, tc.e), err, want)
			if d := diff(f.events(t, tc.c.ID), before); d != "" {
				t.Errorf("Events(%s) after a refused %s mismatch (-want +got):\n%s", tc.c.ID, tc.name, d)
			}
			f.checkStored(t, tc.c)
		}
	},
	"unknown conversation": func(t *testing.T, f *fixture) {
		_, err := f.st.AppendEvent(f.ctx, chat.Event{ConversationID: "nope", Kind: chat.KindEnded, Author: chat.System})
		wantCode(t, "AppendEvent(conversation nope)", err, chat.ENotFound)
	},
	"duplicate client msg id": func(t *testing.T, f *fixture) {
		c := f.conversation(t, "c1")
		orig := f.append(t, message(c, customerOf(c), "m1", "Hello"))
		f.clock.Add(time.Second)
		retry := message(c, customerOf(c), "m1", "Hello, edited")
		got, err := f.st.AppendEvent(f.ctx, retry)
		if err != nil {
			t.Fatalf("AppendEvent(%+v) = %v", retry, err)
		}
		want := store.Appended{Event: orig.Event, Conversation: orig.Conversation, Duplicate: true}
		if d := diff(got, want); d != "" {
			t.Errorf("AppendEvent(%+v) retry mismatch (-want +got):\n%s", retry, d)
		}
		if n := len(f.events(t, c.ID)); n != 2 {
			t.Errorf("len(Events(%s)) after a retry = %d, want 2", c.ID, n)
		}
	},
	"same client msg id, other author": func(t *testing.T, f *fixture) {
		c := f.conversation(t, "c1")
		offerAndJoin(t, f, c, "anna")
		first := f.append(t, message(c, customerOf(c), "m1", "Hello"))
		second := f.append(t, message(c, agent("anna"), "m1", "Hello to you"))
		if second.Duplicate || second.Event.Seq != first.Event.Seq+1 {
			t.Errorf("AppendEvent(anna, m1) = seq %d, duplicate %v, want seq %d, not a duplicate",
				second.Event.Seq, second.Duplicate, first.Event.Seq+1)
		}
		other := f.conversation(t, "c2")
		third := f.append(t, message(other, customerOf(other), "m1", "Hello"))
		if third.Duplicate || third.Event.Seq != 2 {
			t.Errorf("AppendEvent(other conversation, m1) = seq %d, duplicate %v, want seq 2, not a duplicate",
				third.Event.Seq, third.Duplicate)
		}
	},
	"duplicate after the end": func(t *testing.T, f *fixture) {
		c := f.conversation(t, "c1")
		orig := f.append(t, message(c, customerOf(c), "m1", "Hello"))
		end := f.append(t, chat.Event{ConversationID: c.ID, Kind: chat.KindEnded, Author: customerOf(c)})
		got, err := f.st.AppendEvent(f.ctx, message(c, customerOf(c), "m1", "Hello"))
		if err != nil {
			t.Fatalf("AppendEvent(m1) retried after the end = %v", err)
		}
		want := store.Appended{Event: orig.Event, Conversation: end.Conversation, Duplicate: true}
		if d := diff(got, want); d != "" {
			t.Errorf("AppendEvent(m1) retried after the end mismatch (-want +got):\n%s", d)
		}
	},
	"lifecycle": func(t *testing.T, f *fixture) {
		c := f.conversation(t, "c1")
		check := func(call string, a store.Appended, want chat.Conversation) {
			t.Helper()
			if d := diff(a.Conversation, want); d != "" {
				t.Errorf("%s: Conversation mismatch (-want +got):\n%s", call, d)
			}
			f.checkStored(t, want)
		}

		t1 := f.clock.Add(time.Second)
		a := f.append(t, chat.Event{
			ConversationID: c.ID,
			Kind:           chat.KindOffered,
			Author:         chat.System,
			Data:           chat.Offered{AgentRef: chat.AgentRef{AgentID: "anna", AgentName: "Anna"}, ExpiresAt: t1.Add(30 * time.Second)},
		})
		want := c
		want.Offer = &chat.Offer{AgentID: "anna", OfferedAt: t1, ExpiresAt: t1.Add(30 * time.Second)}
		want.LastSeq = 2
		check("offered to anna", a, want)
		if a.Event.Visibility != chat.VisibleAgents {
			t.Errorf("offered: Visibility = %q, want %q", a.Event.Visibility, chat.VisibleAgents)
		}

		f.clock.Add(time.Second)
		a = f.append(t, chat.Event{
			ConversationID: c.ID,
			Kind:           chat.KindOfferDeclined,
			Author:         chat.System,
			Data:           chat.OfferDeclined{AgentRef: chat.AgentRef{AgentID: "anna"}, Reason: chat.ReasonRejected},
		})
		want.Offer, want.Declined, want.LastSeq = nil, []chat.UserID{"anna"}, 3
		check("declined by anna", a, want)

		t2 := f.clock.Add(time.Second)
		a = f.append(t, chat.Event{
			ConversationID: c.ID,
			Kind:           chat.KindOffered,
			Author:         chat.System,
			Data:           chat.Offered{AgentRef: chat.AgentRef{AgentID: "bjorn"}, ExpiresAt: t2.Add(30 * time.Second)},
		})
		want.Offer, want.LastSeq = &chat.Offer{AgentID: "bjorn", OfferedAt: t2, ExpiresAt: t2.Add(30 * time.Second)}, 4
		check("offered to bjorn", a, want)

		joined := f.clock.Add(29 * time.Second)
		a = f.append(t, chat.Event{
			ConversationID: c.ID,
			Kind:           chat.KindAgentJoined,
			Author:         chat.System,
			Data:           chat.AgentJoined{AgentRef: chat.AgentRef{AgentID: "bjorn", AgentName: "Bjørn"}},
		})
		want.Offer, want.Declined, want.Agents, want.Status, want.LastSeq = nil, nil, []chat.UserID{"bjorn"}, chat.StatusActive, 5
		want.Record.AnsweredAt = joined
		check("bjorn joined", a, want)

		f.append(t, message(c, agent("bjorn"), "b1", "Hello, I am Bjørn."))
		a = f.append(t, chat.Event{
			ConversationID: c.ID,
			Kind:           chat.KindAgentLeft,
			Author:         chat.System,
			Data:           chat.AgentLeft{AgentRef: chat.AgentRef{AgentID: "bjorn"}, Reason: chat.ReasonDisconnected},
		})
		want.Agents, want.LastSeq, want.Record.Messages = nil, 7, 1
		check("bjorn left", a, want)

		a = f.append(t, chat.Event{ConversationID: c.ID, Kind: chat.KindRequeued, Author: chat.System, Data: chat.Requeued{Reason: "no agents"}})
		want.Status, want.Priority, want.LastSeq = chat.StatusWaiting, 1, 8
		check("requeued", a, want)

		t3 := f.clock.Add(time.Minute)
		a = f.append(t, chat.Event{ConversationID: c.ID, Kind: chat.KindEnded, Author: customerOf(c)})
		want.Status, want.EndedAt, want.LastSeq, want.Record.EndedBy = chat.StatusEnded, t3, 9, chat.PartyCustomer
		check("ended", a, want)
	},
	"invitation": func(t *testing.T, f *fixture) {
		c := f.conversation(t, "c1")
		now := f.clock.Now()
		f.append(t, chat.Event{ConversationID: c.ID, Kind: chat.KindOffered, Author: chat.System, Data: chat.Offered{AgentRef: chat.AgentRef{AgentID: "anna"}, ExpiresAt: now.Add(time.Minute)}})
		f.append(t, chat.Event{ConversationID: c.ID, Kind: chat.KindAgentJoined, Author: agent("anna"), Data: chat.AgentJoined{AgentRef: chat.AgentRef{AgentID: "anna"}}})
		t1 := f.clock.Add(time.Second)
		a := f.append(t, chat.Event{
			ConversationID: c.ID,
			Kind:           chat.KindInvited,
			Author:         agent("anna"),
			Data:           chat.Invited{AgentRef: chat.AgentRef{AgentID: "bjorn"}, QueueID: "sales", ExpiresAt: t1.Add(30 * time.Second)},
			Text:           "a tricky one",
		})
		want := &chat.Invitation{AgentID: "bjorn", InvitedBy: "anna", QueueID: "sales", Note: "a tricky one",
			OfferedAt: t1, ExpiresAt: t1.Add(30 * time.Second), Declined: []chat.UserID{}}
		if d := diff(a.Conversation.Invitation, want); d != "" {
			t.Errorf("invited: Invitation mismatch (-want +got):\n%s", d)
		}
		f.checkStored(t, a.Conversation)
		// The invitee's conversations include it, so its desktop shows the
		// invitation after a reload.
		got, err := f.st.Conversations(f.ctx, store.ConversationFilter{AgentID: "bjorn"})
		if err != nil || len(got) != 1 || got[0].ID != c.ID {
			t.Errorf("Conversations(agent=bjorn) = %v, %v; want the chat", got, err)
		}
		f.clock.Add(time.Second)
		a = f.append(t, chat.Event{
			ConversationID: c.ID,
			Kind:           chat.KindInvitationDeclined,
			Author:         agent("bjorn"),
			Data:           chat.InvitationDeclined{AgentRef: chat.AgentRef{AgentID: "bjorn"}, Reason: chat.ReasonRejected},
		})
		if inv := a.Conversation.Invitation; inv == nil || inv.AgentID != "" || len(inv.Declined) != 1 {
			t.Errorf("after the queue invitee declined: %+v, want pending without invitee", inv)
		}
		f.checkStored(t, a.Conversation)
		if got, _ := f.st.Conversations(f.ctx, store.ConversationFilter{AgentID: "bjorn"}); len(got) != 0 {
			t.Errorf("Conversations(agent=bjorn) after declining = %v, want none", got)
		}
		f.clock.Add(time.Second)
		a = f.append(t, chat.Event{ConversationID: c.ID, Kind: chat.KindInvitationDeclined, Author: chat.System, Data: chat.InvitationDeclined{Reason: chat.ReasonUnavailable}})
		if a.Conversation.Invitation != nil {
			t.Errorf("after unavailable: %+v", a.Conversation.Invitation)
		}
		f.checkStored(t, a.Conversation)
	},
	"offer expired": func(t *testing.T, f *fixture) {
		c := f.conversation(t, "c1")
		now := f.clock.Now()
		offered := f.append(t, chat.Event{
			ConversationID: c.ID,
			Kind:           chat.KindOffered,
			Author:         chat.System,
			Data:           chat.Offered{AgentRef: chat.AgentRef{AgentID: "anna"}, ExpiresAt: now.Add(30 * time.Second)},
		})
		e := chat.Event{ConversationID: c.ID, Kind: chat.KindAgentJoined, Author: chat.System, Data: chat.AgentJoined{AgentRef: chat.AgentRef{AgentID: "anna"}}, Time: now}
		expiry := f.clock.Add(30 * time.Second)
		_, err := f.st.AppendEvent(f.ctx, e)
		// The store judges by its clock, not by the Time the caller gave.
		e.Time = expiry
		_, _, want := offered.Conversation.Apply(e)
		if chat.ErrorCode(want) != chat.EConflict {
			t.Fatalf("test is wrong: Apply(agent_joined at the expiry) = %v, want conflict", want)
		}
		wantError(t, "AppendEvent(agent_joined at the expiry, with an earlier Time)", err, want)
		f.checkStored(t, offered.Conversation)
	},
	"canceled context": func(t *testing.T, f *fixture) {
		c := f.conversation(t, "c1")
		ctx, cancel := context.WithCancel(f.ctx)
		cancel()
		_, err := f.st.AppendEvent(ctx, message(c, customerOf(c), "m1", "Hello"))
		if !errors.Is(err, context.Canceled) {
			t.Errorf("AppendEvent with a canceled context = %v, want context.Canceled", err)
		}
		if n := len(f.events(t, c.ID)); n != 1 {
			t.Errorf("len(Events(%s)) after a canceled append = %d, want 1", c.ID, n)
		}
	},
	"concurrent": func(t *testing.T, f *fixture) {
		c := f.conversation(t, "c1")
		const n = 50
		got := make([]store.Appended, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				got[i], errs[i] = f.st.AppendEvent(f.ctx, message(c, customerOf(c), fmt.Sprintf("m%d", i), "Hello"))
			})
		}
		wg.Wait()
		seqs := make([]chat.Seq, 0, n)
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("AppendEvent #%d = %v", i, errs[i])
			}
			seqs = append(seqs, got[i].Event.Seq)
		}
		slices.Sort(seqs)
		if d := diff(seqs, seqRange(2, n+1)); d != "" {
			t.Errorf("seqs of %d concurrent appends mismatch (-want +got):\n%s", n, d)
		}
		checkLog(t, f, c.ID, n+1)
	},
	"concurrent with rule errors": func(t *testing.T, f *fixture) {
		c := f.conversation(t, "c1")
		const n = 50
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				text := "Hello"
				if i%2 == 1 {
					text = "" // refused by the rules, without harm to the others
				}
				_, errs[i] = f.st.AppendEvent(f.ctx, message(c, customerOf(c), fmt.Sprintf("m%d", i), text))
			})
		}
		wg.Wait()
		for i, err := range errs {
			want := ""
			if i%2 == 1 {
				want = chat.EInvalid
			}
			wantCode(t, fmt.Sprintf("AppendEvent #%d", i), err, want)
		}
		checkLog(t, f, c.ID, 1+n/2)
	},
	"concurrent duplicates": func(t *testing.T, f *fixture) {
		c := f.conversation(t, "c1")
		const n = 20
		got := make([]store.Appended, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				got[i], errs[i] = f.st.AppendEvent(f.ctx, message(c, customerOf(c), "same", "Hello"))
			})
		}
		wg.Wait()
		originals := 0
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("AppendEvent #%d = %v", i, errs[i])
			}
			if !got[i].Duplicate {
				originals++
			}
			if got[i].Event.Seq != 2 {
				t.Errorf("AppendEvent #%d of the same message: Seq = %d, want 2", i, got[i].Event.Seq)
			}
		}
		if originals != 1 {
			t.Errorf("%d concurrent appends of one message: %d not duplicates, want 1", n, originals)
		}
		checkLog(t, f, c.ID, 2)
	},
	"concurrent conversations": func(t *testing.T, f *fixture) {
		const convs, per = 10, 10
		cs := make([]chat.Conversation, convs)
		for i := range cs {
			cs[i] = f.conversation(t, chat.CustomerID(fmt.Sprintf("c%d", i)))
		}
		errs := make(chan error, convs*per)
		var wg sync.WaitGroup
		for i := range convs * per {
			wg.Go(func() {
				c := cs[i%convs]
				_, err := f.st.AppendEvent(f.ctx, message(c, customerOf(c), fmt.Sprintf("m%d", i), "Hello"))
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("AppendEvent = %v", err)
			}
		}
		for _, c := range cs {
			checkLog(t, f, c.ID, 1+per)
		}
	},
}

var eventsTests = map[string]func(t *testing.T, f *fixture){
	"after and limit": func(t *testing.T, f *fixture) {
		c := f.conversation(t, "c1")
		for i := range 4 {
			f.clock.Add(time.Second)
			f.append(t, message(c, customerOf(c), fmt.Sprintf("m%d", i), fmt.Sprintf("Hello %d", i)))
		}
		all := f.events(t, c.ID)
		if d := diff(seqsOf(all), seqRange(1, 5)); d != "" {
			t.Fatalf("Events(%s, after=0, limit=0) seqs mismatch (-want +got):\n%s", c.ID, d)
		}
		for _, tc := range []struct {
			after chat.Seq
			limit int
			want  []chat.Event
		}{
			{0, 0, all},
			{2, 0, all[2:]},
			{2, 2, all[2:4]},
			{0, 1, all[:1]},
			{4, 10, all[4:]},
			{5, 0, nil},
			{9, 3, nil},
			{-1, -1, all},
		} {
			got, err := f.st.Events(f.ctx, c.ID, tc.after, tc.limit)
			if err != nil {
				t.Errorf("Events(%s, after=%d, limit=%d) = %v", c.ID, tc.after, tc.limit, err)
				continue
			}
			if d := diff(got, tc.want); d != "" {
				t.Errorf("Events(%s, after=%d, limit=%d) mismatch (-want +got):\n%s", c.ID, tc.after, tc.limit, d)
			}
		}
	},
	"unknown conversation": func(t *testing.T, f *fixture) {
		_, err := f.st.Events(f.ctx, "nope", 0, 0)
		wantCode(t, "Events(nope, after=0)", err, chat.ENotFound)
	},
}

// offerAndJoin makes agent a join conversation c.
func offerAndJoin(t *testing.T, f *fixture, c chat.Conversation, a chat.UserID) store.Appended {
	t.Helper()
	f.append(t, chat.Event{
		ConversationID: c.ID,
		Kind:           chat.KindOffered,
		Author:         chat.System,
		Data:           chat.Offered{AgentRef: chat.AgentRef{AgentID: a}, ExpiresAt: f.clock.Now().Add(time.Minute)},
	})
	return f.append(t, chat.Event{ConversationID: c.ID, Kind: chat.KindAgentJoined, Author: chat.System, Data: chat.AgentJoined{AgentRef: chat.AgentRef{AgentID: a}}})
}

// checkLog checks that conversation id's log holds exactly seqs 1..n, in
// order, and that its stored state is the fold of that log.
func checkLog(t *testing.T, f *fixture, id chat.ConversationID, n int) {
	t.Helper()
	es := f.events(t, id)
	if d := diff(seqsOf(es), seqRange(1, n)); d != "" {
		t.Errorf("Events(%s) seqs mismatch (-want +got):\n%s", id, d)
	}
	f.checkStored(t, fold(t, es))
}

func seqsOf(es []chat.Event) []chat.Seq {
	var s []chat.Seq
	for _, e := range es {
		s = append(s, e.Seq)
	}
	return s
}

// seqRange returns from, from+1, …, to.
func seqRange(from, to int) []chat.Seq {
	var s []chat.Seq
	for i := from; i <= to; i++ {
		s = append(s, chat.Seq(i))
	}
	return s
}
