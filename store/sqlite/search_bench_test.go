package sqlite_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"skranke/chat"
	"skranke/store"
	"skranke/store/sqlite"
	"skranke/store/storetest"
)

// The chat log's search at scale (issue 13, docs/benchmarks.md): the first
// page of results over a million stored messages, and what indexing every
// message costs the append path.

// searchBenchChats and searchBenchPerChat make the database of
// BenchmarkChatLogSearch: 20 000 chats of 50 messages, 1 000 000 in all
// (SKRANKE_BENCH_MESSAGES changes the total).
const (
	searchBenchChats   = 20000
	searchBenchPerChat = 50
)

// searchBenchDB returns the path of the benchmark's database, building it
// the first time: through AppendEvent, as the server stores messages, so
// the index is the one appends build. It is kept for the next run
// (SKRANKE_BENCH_SEARCH_DB, or a file in the temporary folder named by its
// size).
func searchBenchDB(b *testing.B) string {
	total := searchBenchChats * searchBenchPerChat
	if s := os.Getenv("SKRANKE_BENCH_MESSAGES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < searchBenchPerChat {
			b.Fatalf("SKRANKE_BENCH_MESSAGES=%q", s)
		}
		total = n
	}
	chats := total / searchBenchPerChat
	path := os.Getenv("SKRANKE_BENCH_SEARCH_DB")
	if path == "" {
		path = filepath.Join(os.TempDir(), fmt.Sprintf("skranke-search-%d", total), "skranke.db")
	}
	if _, err := os.Stat(path + ".done"); err == nil {
		return path
	}
	os.RemoveAll(filepath.Dir(path))
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		b.Fatal(err)
	}
	b.Logf("building %s: %d chats of %d messages", path, chats, searchBenchPerChat)
	began := time.Now()
	// Synchronous OFF only to build it sooner; it is read, not written, after.
	db, err := sqlite.OpenSynchronous(context.Background(), path, sqlite.Options{}, "OFF")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if err := storetest.BuildSearchBench(ctx, db, chats, searchBenchPerChat); err != nil {
		b.Fatal(err)
	}
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	os.WriteFile(path+".done", nil, 0o640)
	b.Logf("built in %s", time.Since(began).Round(time.Second))
	return path
}

// BenchmarkChatLogSearch reads the first page (50 chats, with their hits)
// of searches over the chat log of searchBenchDB, as an administrator
// sees it: every chat, private notes included.
func BenchmarkChatLogSearch(b *testing.B) {
	path := searchBenchDB(b)
	db, err := sqlite.Open(b.Context(), path, sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	for _, q := range storetest.SearchBenchQueries {
		b.Run(q.Name, func(b *testing.B) {
			var found int
			for b.Loop() {
				entries, _, err := db.ChatLog(b.Context(), q.F)
				if err != nil {
					b.Fatal(err)
				}
				found = len(entries)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/page")
			b.ReportMetric(float64(found), "chats/page")
		})
	}
}

// BenchmarkAppendIndexing appends chat messages of 4 to 20 words from many
// goroutines (as BenchmarkAppendEventParallel does, with synchronous=FULL as
// Open has it), with the search index and without it (StopIndexing): the difference is what indexing costs the append path.
func BenchmarkAppendIndexing(b *testing.B) {
	for _, index := range []bool{true, false} {
		b.Run(fmt.Sprintf("index=%v", index), func(b *testing.B) {
			db, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "skranke.db"), sqlite.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			if !index {
				db.StopIndexing()
			}
			const perProc = 32
			convs := make([]chat.Conversation, perProc*runtime.GOMAXPROCS(0))
			for i := range convs {
				convs[i] = start(b, db, chat.CustomerID(fmt.Sprintf("c%d", i)))
			}
			var next, total atomic.Int64
			b.SetParallelism(perProc)
			cpu := cpuTime()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				i := next.Add(1) - 1
				c := convs[i]
				r := rand.New(rand.NewPCG(uint64(i), 7))
				z := storetest.NewChatTextZipf(r)
				n := 0
				for pb.Next() {
					e := message(c, fmt.Sprintf("m%d", n))
					e.Text = storetest.ChatText(r, z)
					if _, err := db.AppendEvent(b.Context(), e); err != nil {
						b.Error(err)
						return
					}
					n++
				}
				total.Add(int64(n))
			})
			// What the indexer has not taken yet is part of the cost.
			if err := db.IndexAll(b.Context()); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(total.Load())/b.Elapsed().Seconds(), "events/s")
			// The process's CPU time per event: what indexing costs, less
			// swayed than the rate by what else the machine does.
			b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/float64(total.Load()), "cpu-µs/event")
		})
	}
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// BenchmarkAppendDuringDeletion measures what the retention job's
// deletions cost the append path: appends from many goroutines, with and
// without a concurrent deletion of ended chats in batches of
// conversation.ErasureBatch (50), as the job deletes them. It reports the
// appends' p50, p99 and worst latency, and the chats deleted a second.
func BenchmarkAppendDuringDeletion(b *testing.B) {
	const chats, perChat, batch = 4000, 50, 50
	for _, deleting := range []bool{false, true} {
		b.Run(fmt.Sprintf("deleting=%v", deleting), func(b *testing.B) {
			ctx := context.Background()
			db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "skranke.db"), sqlite.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			if err := storetest.BuildSearchBench(ctx, db, chats, perChat); err != nil {
				b.Fatal(err)
			}
			ended, err := db.Expired(ctx, store.Expiry{EndedBefore: time.Now().Add(time.Hour)}, chats)
			if err != nil || len(ended) != chats {
				b.Fatalf("Expired = %d, %v", len(ended), err)
			}
			convs := make([]chat.Conversation, 64)
			for i := range convs {
				convs[i] = start(b, db, chat.CustomerID(fmt.Sprintf("live%d", i)))
			}
			stop := make(chan struct{})
			deleted := make(chan int, 1)
			began := time.Now()
			go func() {
				n := 0
				if deleting {
					for i := 0; i < len(ended); i += batch {
						select {
						case <-stop:
							deleted <- n
							return
						default:
						}
						gone, err := db.DeleteConversations(ctx, store.Deletion{IDs: ended[i:min(i+batch, len(ended))], Reason: store.ErasedRetention, By: chat.AuditActor{Name: "benchmark"}, Criterion: "retention"})
						if err != nil {
							b.Error(err)
						}
						n += len(gone)
					}
				}
				deleted <- n
			}()
			var mu sync.Mutex
			var lat []time.Duration
			var next atomic.Int64
			b.SetParallelism(32)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				c := convs[int(next.Add(1)-1)%len(convs)]
				r := rand.New(rand.NewPCG(uint64(next.Load()), 9))
				z := storetest.NewChatTextZipf(r)
				var mine []time.Duration
				for i := 0; pb.Next(); i++ {
					e := message(c, fmt.Sprintf("m%d-%d", next.Load(), i))
					e.Text = storetest.ChatText(r, z)
					t := time.Now()
					if _, err := db.AppendEvent(ctx, e); err != nil {
						b.Error(err)
						return
					}
					mine = append(mine, time.Since(t))
				}
				mu.Lock()
				lat = append(lat, mine...)
				mu.Unlock()
			})
			b.StopTimer()
			elapsed := time.Since(began)
			close(stop)
			n := <-deleted
			reportLatencies(b, lat, quantile{"p50-ms", 0.5}, quantile{"p99-ms", 0.99}, quantile{"max-ms", 1})
			if deleting {
				b.ReportMetric(float64(n)/elapsed.Seconds(), "chats-deleted/s")
			}
		})
	}
}

// BenchmarkAppendPacedIndexing appends chat messages at a steady 1 000 a
// second (SKRANKE_BENCH_RATE changes it) for six seconds, from 64
// conversations, with the search index and without it, and reports the
// appends' latency from the time each was due: what the indexer's work
// does to the tail of a durable message at a rate the server sustains.
// Run it with -benchtime=1x; each iteration is one paced run.
func BenchmarkAppendPacedIndexing(b *testing.B) {
	rate := 1000
	if s := os.Getenv("SKRANKE_BENCH_RATE"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			b.Fatalf("SKRANKE_BENCH_RATE=%q", s)
		}
		rate = n
	}
	const workers, seconds = 64, 6
	for _, index := range []bool{true, false} {
		b.Run(fmt.Sprintf("index=%v", index), func(b *testing.B) {
			ctx := context.Background()
			db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "skranke.db"), sqlite.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			if !index {
				db.StopIndexing()
			}
			convs := make([]chat.Conversation, workers)
			for i := range convs {
				convs[i] = start(b, db, chat.CustomerID(fmt.Sprintf("c%d", i)))
			}
			period := time.Second / time.Duration(rate)
			total := rate * seconds
			var lat []time.Duration
			for b.Loop() {
				lat = lat[:0]
				var mu sync.Mutex
				var wg sync.WaitGroup
				began := time.Now()
				for w := range workers {
					wg.Go(func() {
						r := rand.New(rand.NewPCG(uint64(w), 11))
						z := storetest.NewChatTextZipf(r)
						var mine []time.Duration
						for i := w; i < total; i += workers {
							due := began.Add(time.Duration(i) * period)
							time.Sleep(time.Until(due))
							e := message(convs[w], fmt.Sprintf("p%d", i))
							e.Text = storetest.ChatText(r, z)
							if _, err := db.AppendEvent(ctx, e); err != nil {
								b.Error(err)
								return
							}
							mine = append(mine, time.Since(due))
						}
						mu.Lock()
						lat = append(lat, mine...)
						mu.Unlock()
					})
				}
				wg.Wait()
			}
			reportLatencies(b, lat, quantile{"p50-ms", 0.5}, quantile{"p99-ms", 0.99}, quantile{"p999-ms", 0.999}, quantile{"max-ms", 1})
		})
	}
}

// quantile names a share of the latencies (0.5, 0.99; 1 is the largest)
// and the metric it is reported as.
type quantile struct {
	name string
	p    float64
}

// reportLatencies sorts lat and reports each quantile of it in ms.
func reportLatencies(b *testing.B, lat []time.Duration, qs ...quantile) {
	slices.Sort(lat)
	for _, q := range qs {
		b.ReportMetric(float64(lat[int(q.p*float64(len(lat)-1))].Microseconds())/1000, q.name)
	}
}
