package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"skranke/chat"
	"skranke/store"
)

// TestStartInBatch starts chats and creates customers while messages are
// appended, from many goroutines, so that they share the writer's batches:
// every start the rules allow is stored with its first event, a refused
// one (an unknown queue) is answered alone and leaves nothing behind, a
// second start by the same customer gets the chat of the first, a
// customer who exists is refused alone, the appends all succeed, and the
// writer committed fewer transactions than it was asked for, and no
// statement that work runs through workTx is outside workSQL (prepared
// once).
func TestStartInBatch(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "skranke.db"), nil)
	defer db.Close()
	ctx := t.Context()
	base := start(t, db, "c-base") // creates queue sales
	const n = 40
	for i := range n {
		if _, err := db.CreateCustomer(ctx, chat.Customer{ID: chat.CustomerID(fmt.Sprintf("c%d", i)), TokenHash: fmt.Sprintf("h%d", i)}); err != nil {
			t.Fatalf("CreateCustomer: %v", err)
		}
	}
	// Starts alone first: they commit in the writer's batches, several in
	// one.
	for i := range n {
		if _, err := db.CreateCustomer(ctx, chat.Customer{ID: chat.CustomerID(fmt.Sprintf("d%d", i)), TokenHash: fmt.Sprintf("hd%d", i)}); err != nil {
			t.Fatalf("CreateCustomer: %v", err)
		}
	}
	commits0, _ := db.CommitStats()
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if _, err := db.StartConversation(ctx, store.StartConversation{CustomerID: chat.CustomerID(fmt.Sprintf("d%d", i)), QueueID: "sales"}); err != nil {
				t.Errorf("StartConversation(d%d) = %v", i, err)
			}
		})
	}
	wg.Wait()
	if commits, _ := db.CommitStats(); commits-commits0 < 1 || commits-commits0 >= n {
		t.Errorf("%d starts at once took %d of the writer's commits, want them in its batches, several in one", n, commits-commits0)
	}

	commits1, requests1 := db.CommitStats()
	results := make([]store.StartResult, n)
	errs := make([]error, n)
	again := make([]store.StartResult, n)
	for i := range n {
		wg.Go(func() {
			q := chat.QueueID("sales")
			if i%5 == 4 {
				q = "nowhere"
			}
			cust := chat.CustomerID(fmt.Sprintf("c%d", i))
			results[i], errs[i] = db.StartConversation(ctx, store.StartConversation{CustomerID: cust, QueueID: q})
			if i%5 == 0 {
				again[i], _ = db.StartConversation(ctx, store.StartConversation{CustomerID: cust, QueueID: q})
			}
		})
		wg.Go(func() {
			if _, err := db.AppendEvent(ctx, message(base, fmt.Sprintf("m%d", i))); err != nil {
				t.Errorf("AppendEvent(m%d) = %v", i, err)
			}
		})
		wg.Go(func() { // a customer who exists is refused alone; a new one is created
			if _, err := db.CreateCustomer(ctx, chat.Customer{ID: chat.CustomerID(fmt.Sprintf("c%d", i)), TokenHash: fmt.Sprintf("h2-%d", i)}); chat.ErrorCode(err) != chat.EConflict {
				t.Errorf("CreateCustomer(c%d) again = %v, want conflict", i, err)
			}
			id := chat.CustomerID(fmt.Sprintf("e%d", i))
			if cu, err := db.CreateCustomer(ctx, chat.Customer{ID: id, TokenHash: fmt.Sprintf("he%d", i)}); err != nil || cu.ID != id || cu.CreatedAt.IsZero() {
				t.Errorf("CreateCustomer(e%d) = %+v, %v", i, cu, err)
			} else if got, err := db.CustomerByTokenHash(ctx, fmt.Sprintf("he%d", i)); err != nil || got.ID != id {
				t.Errorf("CustomerByTokenHash(he%d) = %+v, %v", i, got, err)
			}
		})
	}
	wg.Wait()
	for i := range n {
		if i%5 == 4 {
			if chat.ErrorCode(errs[i]) != chat.EInvalid {
				t.Errorf("start %d in an unknown queue: %v, want invalid", i, errs[i])
			}
			continue
		}
		res := results[i]
		if errs[i] != nil || !res.Created || res.Event.Seq != 1 {
			t.Errorf("start %d = %+v, %v; want a new chat and its first event", i, res, errs[i])
			continue
		}
		if got, err := db.Conversation(ctx, res.Conversation.ID); err != nil || got.Status != chat.StatusWaiting {
			t.Errorf("Conversation(start %d) = %+v, %v; want it waiting", i, got, err)
		}
		if evs, err := db.Events(ctx, res.Conversation.ID, 0, 10); err != nil || len(evs) != 1 || evs[0].Kind != chat.KindStarted {
			t.Errorf("Events(start %d) = %v, %v; want the started event", i, evs, err)
		}
		if i%5 == 0 && (again[i].Created || again[i].Conversation.ID != res.Conversation.ID) {
			t.Errorf("second start %d = %+v, want the first's chat", i, again[i])
		}
	}
	convs, err := db.Conversations(ctx, store.ConversationFilter{Statuses: []chat.ConversationStatus{chat.StatusWaiting}})
	if want := 1 + n + n - n/5; err != nil || len(convs) != want {
		t.Errorf("waiting chats: %d, %v; want %d (the refused starts leave none)", len(convs), err, want)
	}
	if evs, err := db.Events(ctx, base.ID, 0, 100); err != nil || len(evs) != 1+n {
		t.Errorf("Events(base) = %d events, %v; want %d", len(evs), err, 1+n)
	}
	commits, requests := db.CommitStats()
	if got, asked := commits-commits1, n+n+n/5+2*n; got >= int64(asked) {
		t.Errorf("%d commits for %d starts and appends, want fewer: they share batches", got, asked)
	}
	if requests-requests1 != n {
		t.Errorf("%d appends counted, want %d (the starts are not appends)", requests-requests1, n)
	}
	if u := db.UnpreparedWork(); u != 0 {
		t.Errorf("%d statements of the starts and new customers were not among workSQL, so parsed at the call: add them there", u)
	}
}

// BenchmarkStartConversationParallel starts chats from many goroutines, as
// customers arriving at once do, each for a new customer (created first,
// as the widget does): it reports starts a second and the process's CPU
// time per start.
func BenchmarkStartConversationParallel(b *testing.B) {
	db := mustOpen(b, filepath.Join(b.TempDir(), "skranke.db"), nil)
	defer db.Close()
	ctx := b.Context()
	start(b, db, "c-base") // creates queue sales
	var next atomic.Int64
	b.SetParallelism(16)
	cpu := cpuTime()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1)
			cust := chat.CustomerID(fmt.Sprintf("b%d", i))
			if _, err := db.CreateCustomer(ctx, chat.Customer{ID: cust, TokenHash: fmt.Sprintf("hb%d", i)}); err != nil {
				b.Error(err)
				return
			}
			if _, err := db.StartConversation(ctx, store.StartConversation{CustomerID: cust, QueueID: "sales"}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(next.Load())/b.Elapsed().Seconds(), "starts/s")
	b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/float64(next.Load()), "cpu-µs/start")
}

// TestStartCancelled: a start asked with a context that is done already
// is refused and stores nothing; once handed to the writer, a start is
// carried through and answered (its caller announces the chat), which a
// context done meanwhile does not change.
func TestStartCancelled(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "skranke.db"), nil)
	defer db.Close()
	start(t, db, "c-base") // creates queue sales
	if _, err := db.CreateCustomer(t.Context(), chat.Customer{ID: "c1", TokenHash: "h1"}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := db.StartConversation(ctx, store.StartConversation{CustomerID: "c1", QueueID: "sales"}); !errors.Is(err, context.Canceled) {
		t.Errorf("StartConversation(done ctx) = %v, want context.Canceled", err)
	}
	if convs, err := db.Conversations(t.Context(), store.ConversationFilter{Statuses: []chat.ConversationStatus{chat.StatusWaiting}}); err != nil || len(convs) != 1 {
		t.Errorf("waiting chats after a refused start: %d, %v; want only c-base's", len(convs), err)
	}
	// Cancelled while it waits: many starts at once, each cancelled at a
	// random moment. Each that answers reports what was stored.
	const n = 30
	var wg sync.WaitGroup
	for i := range n {
		cust := chat.CustomerID(fmt.Sprintf("k%d", i))
		if _, err := db.CreateCustomer(t.Context(), chat.Customer{ID: cust, TokenHash: "hk" + string(cust)}); err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			time.AfterFunc(time.Duration(i%10)*300*time.Microsecond, cancel)
			res, err := db.StartConversation(ctx, store.StartConversation{CustomerID: cust, QueueID: "sales"})
			stored, serr := db.CustomerConversations(t.Context(), cust)
			switch {
			case serr != nil:
				t.Errorf("CustomerConversations(%s): %v", cust, serr)
			case err == nil && (len(stored) != 1 || stored[0] != res.Conversation.ID):
				t.Errorf("start of %s answered %s, stored %v", cust, res.Conversation.ID, stored)
			case err != nil && len(stored) > 0:
				t.Errorf("start of %s failed (%v), yet %v is stored: its caller cannot announce it", cust, err, stored)
			}
		})
	}
	wg.Wait()
}
