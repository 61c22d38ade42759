package sqlite_test

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"skranke/chat"
	"skranke/store"
	"skranke/store/storetest"
)

// BenchmarkConversations_agentDesk times the read of one agent's open chats
// that every agent's hello makes (conversation.Desk), among 10,000 open
// chats of 2,500 agents (4 each): the population of the reconnect storm,
// where every agent makes it at once.
func BenchmarkConversations_agentDesk(b *testing.B) {
	const chats, perAgent = 10000, 4
	db := mustOpen(b, filepath.Join(b.TempDir(), "skranke.db"), nil)
	defer db.Close()
	ctx := b.Context()
	storetest.Start(b, db, "k-first") // the queue
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 { // several writers at once, so group commit batches them
		wg.Go(func() {
			for i := w; i < chats; i += 8 {
				if err := agentChat(b, db, i, chat.UserID(fmt.Sprintf("u%05d", i/perAgent))); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
	open := []chat.ConversationStatus{chat.StatusWaiting, chat.StatusActive}
	b.ResetTimer()
	i := 0
	for b.Loop() {
		agent := chat.UserID(fmt.Sprintf("u%05d", i%(chats/perAgent)))
		cs, err := db.Conversations(ctx, store.ConversationFilter{AgentID: agent, Statuses: open})
		if err != nil || len(cs) != perAgent {
			b.Fatalf("Conversations(agent %s) = %d chats, %v; want %d", agent, len(cs), err, perAgent)
		}
		i++
	}
}

// agentChat stores chat i, offered to and joined by agent.
func agentChat(tb testing.TB, st store.Store, i int, agent chat.UserID) error {
	ctx := tb.Context()
	cust := chat.CustomerID(fmt.Sprintf("k%06d", i))
	if _, err := st.CreateCustomer(ctx, chat.Customer{ID: cust, TokenHash: "h" + string(cust)}); err != nil {
		return err
	}
	res, err := st.StartConversation(ctx, store.StartConversation{CustomerID: cust, QueueID: "sales"})
	if err != nil {
		return err
	}
	ref := chat.AgentRef{AgentID: agent, AgentName: string(agent)}
	for _, e := range []chat.Event{
		{Kind: chat.KindOffered, Author: chat.System, Data: chat.Offered{AgentRef: ref, QueueID: "sales", ExpiresAt: time.Now().Add(time.Hour)}},
		{Kind: chat.KindAgentJoined, Author: chat.System, Data: chat.AgentJoined{AgentRef: ref}},
	} {
		e.ConversationID = res.Conversation.ID
		if _, err := st.AppendEvent(ctx, e); err != nil {
			return fmt.Errorf("chat %d: %s: %w", i, e.Kind, err)
		}
	}
	return nil
}

// BenchmarkHotReads times the reads of a hello and its catch-up, each of
// one row by its key: prepared once (prepared.go), SQLite's parse and plan
// are not paid at every call.
func BenchmarkHotReads(b *testing.B) {
	db := mustOpen(b, filepath.Join(b.TempDir(), "skranke.db"), nil)
	defer db.Close()
	ctx := b.Context()
	c := storetest.Start(b, db, "k1")
	for _, r := range []struct {
		name string
		read func() error
	}{
		{"Conversation", func() error { _, err := db.Conversation(ctx, c.ID); return err }},
		{"Events/none_new", func() error { _, err := db.Events(ctx, c.ID, c.LastSeq, 500); return err }},
		{"Events/one_new", func() error { _, err := db.Events(ctx, c.ID, 0, 500); return err }},
		{"CustomerByTokenHash", func() error { _, err := db.CustomerByTokenHash(ctx, "hash-k1"); return err }},
	} {
		b.Run(r.name, func(b *testing.B) {
			for b.Loop() {
				if err := r.read(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
