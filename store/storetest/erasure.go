package storetest

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"skranke/chat"
	"skranke/store"
)

var erasureTests = map[string]func(t *testing.T, f *fixture){
	"expired by queue": func(t *testing.T, f *fixture) {
		cs := chatLogFixture(t, f)
		now := f.clock.Now()
		for _, tc := range []struct {
			name string
			e    store.Expiry
			want []chat.ConversationID
		}{
			{"one queue", store.Expiry{Queue: "sales", EndedBefore: now.Add(time.Second)}, []chat.ConversationID{cs["c1"].ID}},
			{"the others, oldest end first", store.Expiry{Except: []chat.QueueID{"sales"}, EndedBefore: now.Add(time.Second)}, []chat.ConversationID{cs["c2"].ID, cs["c5"].ID}},
			{"every queue", store.Expiry{EndedBefore: now.Add(time.Second)}, []chat.ConversationID{cs["c1"].ID, cs["c2"].ID, cs["c5"].ID}},
			{"a cutoff between", store.Expiry{EndedBefore: cs["c2"].EndedAt.Add(time.Nanosecond)}, []chat.ConversationID{cs["c1"].ID, cs["c2"].ID}},
			{"ended exactly at the cutoff is kept", store.Expiry{EndedBefore: cs["c1"].EndedAt}, nil},
			{"nothing ended yet", store.Expiry{EndedBefore: start}, nil},
		} {
			got, err := f.st.Expired(f.ctx, tc.e, 10)
			if err != nil || fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("Expired(%s) = %v, %v; want %v", tc.name, got, err, tc.want)
			}
		}
		if got, _ := f.st.Expired(f.ctx, store.Expiry{EndedBefore: now.Add(time.Second)}, 2); len(got) != 2 {
			t.Errorf("Expired with limit 2 = %v", got)
		}
	},
	"ended since, in pages by end time and id": func(t *testing.T, f *fixture) {
		cs := chatLogFixture(t, f) // c1, c2 and c5 have ended, in that order
		ids := func(got []chat.Conversation) []chat.ConversationID {
			var out []chat.ConversationID
			for _, c := range got {
				out = append(out, c.ID)
			}
			return out
		}
		all, err := f.st.EndedSince(f.ctx, start, "", 10)
		if want := []chat.ConversationID{cs["c1"].ID, cs["c2"].ID, cs["c5"].ID}; err != nil || fmt.Sprint(ids(all)) != fmt.Sprint(want) {
			t.Fatalf("EndedSince(start) = %v, %v; want %v", ids(all), err, want)
		}
		// Page by page, each from the last one's (end, id): none twice, none left out.
		var paged []chat.ConversationID
		at, after := start, chat.ConversationID("")
		for range 5 {
			got, err := f.st.EndedSince(f.ctx, at, after, 1)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) == 0 {
				break
			}
			paged = append(paged, got[0].ID)
			at, after = got[0].EndedAt, got[0].ID
		}
		if fmt.Sprint(paged) != fmt.Sprint(ids(all)) {
			t.Errorf("paged one at a time = %v, want %v", paged, ids(all))
		}
		// At the same end time, only the greater ids.
		c1 := all[0]
		if got, _ := f.st.EndedSince(f.ctx, c1.EndedAt, c1.ID, 10); len(got) != 2 || got[0].ID != all[1].ID {
			t.Errorf("EndedSince(c1's end, c1) = %v, want c2 and c5", ids(got))
		}
		if got, _ := f.st.EndedSince(f.ctx, c1.EndedAt, "", 10); len(got) != 3 {
			t.Errorf("EndedSince(c1's end, none) = %v, want all three (c1 at that end included)", ids(got))
		}
	},
	"delete removes everything of a chat": func(t *testing.T, f *fixture) {
		cs := chatLogFixture(t, f)
		c1, c3 := cs["c1"], cs["c3"]
		if _, err := f.st.SetEvaluation(f.ctx, chat.Evaluation{ConversationID: c1.ID, Score: 4, Note: "good", Author: agent("admin")}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.st.EnqueueJob(f.ctx, store.Job{Kind: "mail", ConversationID: c1.ID}); err != nil {
			t.Fatal(err)
		}
		hash := store.ContactHash(store.ContactEmail, "Kari@Example.no ")
		if err := f.st.AddContact(f.ctx, c1.ID, store.ContactEmail, hash); err != nil {
			t.Fatal(err)
		}
		file := f.upload(t, c1, customerOf(c1), "up1") // unsent: it goes with the chat all the same
		got, err := f.st.DeleteConversations(f.ctx, store.Deletion{IDs: []chat.ConversationID{c1.ID, c3.ID, "no-such-chat"}, Reason: store.ErasedRetention, DropCustomers: false, By: tester, Criterion: "test"})
		if err != nil || fmt.Sprint(got) != fmt.Sprint([]chat.ConversationID{c1.ID}) {
			t.Fatalf("DeleteConversations = %v, %v; want only the ended c1", got, err)
		}
		_, err = f.st.Conversation(f.ctx, c1.ID)
		wantCode(t, "Conversation of a deleted chat", err, chat.ENotFound)
		_, err = f.st.Events(f.ctx, c1.ID, 0, 100)
		wantCode(t, "Events of a deleted chat", err, chat.ENotFound)
		_, err = f.st.Evaluation(f.ctx, c1.ID)
		wantCode(t, "Evaluation of a deleted chat", err, chat.ENotFound)
		if ps, err := f.st.Participations(f.ctx, c1.ID); err != nil || len(ps) != 0 {
			t.Errorf("Participations of a deleted chat = %v, %v", ps, err)
		}
		if js, err := f.st.Jobs(f.ctx, store.JobFilter{ConversationID: c1.ID}); err != nil || len(js) != 0 {
			t.Errorf("Jobs of a deleted chat = %v, %v", js, err)
		}
		if ids, err := f.st.ContactConversations(f.ctx, store.ContactEmail, hash); err != nil || len(ids) != 0 {
			t.Errorf("ContactConversations after deletion = %v, %v", ids, err)
		}
		_, err = f.st.Attachment(f.ctx, file.ID)
		wantCode(t, "Attachment of a deleted chat", err, chat.ENotFound)
		orphans, err := f.st.OrphanFiles(f.ctx, 10)
		if err != nil || fmt.Sprint(orphans) != fmt.Sprint([]chat.AttachmentID{file.ID}) {
			t.Errorf("OrphanFiles = %v, %v; want the deleted chat's file, for its bytes to be removed", orphans, err)
		}
		if err := f.st.ForgetOrphanFile(f.ctx, file.ID); err != nil {
			t.Fatal(err)
		}
		if orphans, _ := f.st.OrphanFiles(f.ctx, 10); len(orphans) != 0 {
			t.Errorf("OrphanFiles after ForgetOrphanFile = %v", orphans)
		}
		for _, words := range []string{"økonomi", "Kontrakten"} {
			if got, _, err := f.st.ChatLog(f.ctx, store.ChatLogFilter{Words: chat.SearchWords(words)}); err != nil || len(got) != 0 {
				t.Errorf("search for %q, only in the deleted chat, finds %v, %v", words, names(got), err)
			}
		}
		if got, _, _ := f.st.ChatLog(f.ctx, store.ChatLogFilter{Words: chat.SearchWords("kontrakt")}); fmt.Sprint(names(got)) != "[c5]" {
			t.Errorf("search for a word of a kept chat = %v, want [c5]", names(got))
		}
		if got, _, _ := f.st.ChatLog(f.ctx, store.ChatLogFilter{}); fmt.Sprint(names(got)) != "[c5 c4 c3 c2]" {
			t.Errorf("the chat log after deletion = %v", names(got))
		}
		if _, err := f.st.Conversation(f.ctx, c3.ID); err != nil {
			t.Errorf("the open chat was touched: %v", err)
		}
		want := []store.ErasedCount{{Day: c1.EndedAt.UTC().Format(time.DateOnly), QueueID: "sales", Reason: store.ErasedRetention, Conversations: 1, Answered: 1, Messages: 1}}
		counts, err := f.st.ErasedCounts(f.ctx)
		if d := diff(counts, want); err != nil || d != "" {
			t.Errorf("ErasedCounts (-want +got), %v:\n%s", err, d)
		}
		// The deletion is in the audit log, by id, with who and why.
		es, err := f.st.AuditEntries(f.ctx, store.AuditFilter{Action: chat.AuditChatsDelete})
		var after struct {
			Reason, Criterion string
			Conversations     []chat.ConversationID
		}
		if err != nil || len(es) != 1 || es[0].Actor != tester || json.Unmarshal(es[0].After, &after) != nil ||
			after.Reason != store.ErasedRetention || after.Criterion != "test" || fmt.Sprint(after.Conversations) != fmt.Sprint([]chat.ConversationID{c1.ID}) {
			t.Errorf("audit entries of the deletion = %+v, %v", es, err)
		}
		// Deleting again deletes nothing and counts nothing.
		if got, err := f.st.DeleteConversations(f.ctx, store.Deletion{IDs: []chat.ConversationID{c1.ID}, Reason: store.ErasedRetention, DropCustomers: false, By: tester, Criterion: "test"}); err != nil || len(got) != 0 {
			t.Errorf("DeleteConversations again = %v, %v", got, err)
		}
		if es, _ := f.st.AuditEntries(f.ctx, store.AuditFilter{Action: chat.AuditChatsDelete}); len(es) != 1 {
			t.Errorf("a deletion of nothing wrote an audit entry: %+v", es)
		}
		// Two more of the same day and queue add to the count.
		if _, err := f.st.DeleteConversations(f.ctx, store.Deletion{IDs: []chat.ConversationID{cs["c2"].ID, cs["c5"].ID}, Reason: store.ErasedRequest, DropCustomers: false, By: tester, Criterion: "test"}); err != nil {
			t.Fatal(err)
		}
		counts, _ = f.st.ErasedCounts(f.ctx)
		var total int
		for _, c := range counts {
			total += c.Conversations
		}
		if len(counts) != 2 || total != 3 || counts[1].Reason != store.ErasedRequest || counts[1].Conversations != 2 || counts[1].Messages != 4 {
			t.Errorf("ErasedCounts after three = %+v", counts)
		}
		// The customers stay unless asked.
		if err := f.st.TouchCustomer(f.ctx, "c1"); err != nil {
			t.Errorf("the customer of a chat deleted by retention: %v", err)
		}
	},
	"a customer's chats and contacts": func(t *testing.T, f *fixture) {
		cs := chatLogFixture(t, f)
		hash := store.ContactHash(store.ContactEmail, "kari@example.no")
		if hash != store.ContactHash(store.ContactEmail, " KARI@example.NO") || hash == store.ContactHash(store.ContactVerifiedID, "kari@example.no") {
			t.Error("ContactHash does not fold case and space of an address, or mixes kinds")
		}
		for _, c := range []string{"c2", "c5", "c2"} {
			if err := f.st.AddContact(f.ctx, cs[c].ID, store.ContactEmail, hash); err != nil {
				t.Fatalf("AddContact(%s) = %v", c, err)
			}
		}
		if err := f.st.AddContact(f.ctx, "no-such-chat", store.ContactEmail, hash); err == nil {
			t.Error("AddContact to an unknown chat succeeded")
		}
		got, err := f.st.ContactConversations(f.ctx, store.ContactEmail, hash)
		want := []chat.ConversationID{cs["c2"].ID, cs["c5"].ID}
		if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("ContactConversations = %v, %v; want %v", got, err, want)
		}
		if got, _ := f.st.ContactConversations(f.ctx, store.ContactVerifiedID, hash); len(got) != 0 {
			t.Errorf("ContactConversations of another kind = %v", got)
		}
		// A second chat of c2's customer.
		f.clock.Add(time.Minute)
		res, err := f.st.StartConversation(f.ctx, store.StartConversation{ID: "conv-c2-again", CustomerID: "c2", QueueID: "sales"})
		if err != nil {
			t.Fatal(err)
		}
		got, err = f.st.CustomerConversations(f.ctx, "c2")
		if err != nil || fmt.Sprint(got) != fmt.Sprint([]chat.ConversationID{cs["c2"].ID, res.Conversation.ID}) {
			t.Errorf("CustomerConversations = %v, %v", got, err)
		}
		// Deleting the customer's ended chat leaves the customer, who has
		// an open one; once that is deleted too, the customer goes.
		if _, err := f.st.DeleteConversations(f.ctx, store.Deletion{IDs: got, Reason: store.ErasedRequest, DropCustomers: true, By: tester, Criterion: "test"}); err != nil {
			t.Fatal(err)
		}
		if err := f.st.TouchCustomer(f.ctx, "c2"); err != nil {
			t.Errorf("a customer with an open chat was deleted: %v", err)
		}
		f.append(t, chat.Event{ConversationID: res.Conversation.ID, Kind: chat.KindEnded, Author: customerOf(res.Conversation), Data: chat.Ended{}})
		if gone, err := f.st.DeleteConversations(f.ctx, store.Deletion{IDs: got, Reason: store.ErasedRequest, DropCustomers: true, By: tester, Criterion: "test"}); err != nil || len(gone) != 1 {
			t.Fatalf("DeleteConversations of the ended second chat = %v, %v", gone, err)
		}
		wantCode(t, "TouchCustomer of a deleted customer", f.st.TouchCustomer(f.ctx, "c2"), chat.ENotFound)
	},
	"erasure requested": func(t *testing.T, f *fixture) {
		cs := chatLogFixture(t, f)
		c3 := cs["c3"]
		f.append(t, chat.Event{ConversationID: c3.ID, Kind: chat.KindErasureRequested, Author: customerOf(c3)})
		if got, err := f.st.ErasureRequested(f.ctx, f.clock.Now().Add(time.Hour), 10); err != nil || len(got) != 0 {
			t.Errorf("ErasureRequested while the chat is open = %v, %v", got, err)
		}
		ended := f.clock.Add(time.Minute)
		f.append(t, chat.Event{ConversationID: c3.ID, Kind: chat.KindEnded, Author: customerOf(c3), Data: chat.Ended{}})
		if got, _ := f.st.ErasureRequested(f.ctx, ended, 10); len(got) != 0 {
			t.Errorf("ErasureRequested before the end = %v", got)
		}
		got, err := f.st.ErasureRequested(f.ctx, ended.Add(time.Second), 10)
		if err != nil || fmt.Sprint(got) != fmt.Sprint([]chat.ConversationID{c3.ID}) {
			t.Errorf("ErasureRequested after the end = %v, %v; want only c3", got, err)
		}
		if c, _ := f.st.Conversation(f.ctx, c3.ID); !c.Record.ErasureRequested {
			t.Errorf("the record of c3 = %+v", c.Record)
		}
	},
}
