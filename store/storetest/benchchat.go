package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"skranke/chat"
	"skranke/store"
)

// BenchChat stores chat i of a search benchmark's database, through
// AppendEvent as the server stores chats: started in sales or support,
// taken by anna or bjorn, perChat messages from both sides (one in ten of
// the agent's private) drawn by ChatText, ended. The queues must exist.
func BenchChat(ctx context.Context, st store.Store, i, perChat int, r *rand.Rand, z *rand.Zipf) error {
	cust := chat.CustomerID(fmt.Sprintf("k%06d", i))
	if _, err := st.CreateCustomer(ctx, chat.Customer{ID: cust, TokenHash: "h" + string(cust)}); err != nil {
		return err
	}
	queue := chat.QueueID("sales")
	if i%3 == 0 {
		queue = "support"
	}
	res, err := st.StartConversation(ctx, store.StartConversation{CustomerID: cust, QueueID: queue, CustomerName: "Kunde " + strconv.Itoa(i)})
	if err != nil {
		return err
	}
	c := res.Conversation
	agentID := chat.UserID("anna")
	if i%2 == 1 {
		agentID = "bjorn"
	}
	agent := chat.Participant{Role: chat.PartyAgent, ID: string(agentID), Name: string(agentID)}
	customer := chat.Participant{Role: chat.PartyCustomer, ID: string(cust)}
	ref := chat.AgentRef{AgentID: agentID, AgentName: string(agentID)}
	events := []chat.Event{
		{Kind: chat.KindOffered, Author: chat.System, Data: chat.Offered{AgentRef: ref, ExpiresAt: time.Now().Add(time.Hour)}},
		{Kind: chat.KindAgentJoined, Author: chat.System, Data: chat.AgentJoined{AgentRef: ref}},
	}
	for m := range perChat {
		e := chat.Event{Kind: chat.KindMessage, Visibility: chat.VisibleAll, Author: customer,
			ClientMsgID: fmt.Sprintf("m%d", m), Text: ChatText(r, z)}
		if m%2 == 1 {
			e.Author = agent
			if m%10 == 9 {
				e.Visibility = chat.VisibleAgents
			}
		}
		events = append(events, e)
	}
	events = append(events, chat.Event{Kind: chat.KindEnded, Author: customer, Data: chat.Ended{}})
	for _, e := range events {
		e.ConversationID = c.ID
		if _, err := st.AppendEvent(ctx, e); err != nil {
			return fmt.Errorf("chat %d: %s: %w", i, e.Kind, err)
		}
	}
	return nil
}

// SearchBenchQueries are the searches the search benchmarks time: the
// first page of each, as an administrator sees the chat log.
var SearchBenchQueries = []struct {
	Name string
	F    store.ChatLogFilter
}{
	{"no search, newest chats", store.ChatLogFilter{}},
	{"a common word", store.ChatLogFilter{Words: chat.SearchWords("faktura")}},
	{"a very common word", store.ChatLogFilter{Words: chat.SearchWords("jeg")}},
	{"a word start", store.ChatLogFilter{Words: chat.SearchWords("fakt")}},
	{"two words in one message", store.ChatLogFilter{Words: chat.SearchWords("faktura betalt")}},
	{"a rare word", store.ChatLogFilter{Words: chat.SearchWords(RareWord(4321))}},
	{"a word nowhere", store.ChatLogFilter{Words: chat.SearchWords("zebra")}},
	{"a common word, one agent's chats", store.ChatLogFilter{Words: chat.SearchWords("faktura"), Agent: "bjorn"}},
	{"a common word, one queue", store.ChatLogFilter{Words: chat.SearchWords("faktura"), Queue: "support"}},
}

// BuildSearchBench stores a search benchmark's database in st: the queues
// sales and support, and chats chats of perChat messages each (BenchChat),
// from several goroutines at once as the server stores them.
func BuildSearchBench(ctx context.Context, st store.Store, chats, perChat int) error {
	for _, q := range []chat.QueueID{"sales", "support"} {
		if _, err := st.Queue(ctx, q); err == nil {
			continue
		}
		if _, err := store.CreateQueue(ctx, st, chat.Queue{ID: q, Name: string(q)}, chat.AuditActor{Name: "benchmark"}); err != nil {
			return err
		}
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Value
	for w := range 8 * runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 42))
			z := NewChatTextZipf(r)
			for {
				i := int(next.Add(1) - 1)
				if i >= chats || failed.Load() != nil {
					return
				}
				if err := BenchChat(ctx, st, i, perChat, r, z); err != nil {
					failed.Store(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	err, _ := failed.Load().(error)
	return err
}
