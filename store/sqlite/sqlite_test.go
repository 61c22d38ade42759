package sqlite_test

import (
	"bufio"
	"database/sql"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"skranke/chat"
	"skranke/store"
	"skranke/store/sqlite"
	"skranke/store/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T, clock store.Clock) store.Store {
		return mustOpen(t, filepath.Join(t.TempDir(), "skranke.db"), clock)
	})
}

// mustOpen opens the database at path; the caller closes it.
func mustOpen(tb testing.TB, path string, clock store.Clock) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(tb.Context(), path, sqlite.Options{Now: clock})
	if err != nil {
		tb.Fatalf("Open(%s) = %v", path, err)
	}
	return db
}

// start and message are storetest's helpers, named briefly for these tests.
func start(tb testing.TB, db *sqlite.DB, cust chat.CustomerID) chat.Conversation {
	tb.Helper()
	return storetest.Start(tb, db, cust)
}

var message = storetest.Message

func TestOpenAgain(t *testing.T) {
	path := filepath.Join(t.TempDir(), "skranke.db")
	db := mustOpen(t, path, nil)
	c := start(t, db, "c1")
	if err := db.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	db = mustOpen(t, path, nil) // the migrations run again, and do nothing
	defer db.Close()
	got, err := db.Conversation(t.Context(), c.ID)
	if err != nil || got.ID != c.ID {
		t.Errorf("Conversation(%s) after reopening = %+v, %v", c.ID, got, err)
	}
	if now := time.Now(); got.CreatedAt.After(now) || got.CreatedAt.Before(now.Add(-time.Minute)) {
		t.Errorf("CreatedAt with the default clock = %v, want about %v", got.CreatedAt, now)
	}
}

func TestAppendEventAfterClose(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "skranke.db"), nil)
	c := start(t, db, "c1")
	if err := db.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	_, err := db.AppendEvent(t.Context(), message(c, "m1"))
	if got := chat.ErrorCode(err); got != chat.EUnavailable {
		t.Errorf("AppendEvent after Close = %v (code %q), want code %q", err, got, chat.EUnavailable)
	}
	if err := db.Close(); err != nil {
		t.Errorf("Close() again = %v", err)
	}
}

// TestGroupCommit checks that concurrent appends share transactions.
func TestGroupCommit(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "skranke.db"), nil)
	defer db.Close()
	const convs, per = 50, 8
	cs := make([]chat.Conversation, convs)
	for i := range cs {
		cs[i] = start(t, db, chat.CustomerID(fmt.Sprintf("c%d", i)))
	}
	commits0, requests0 := db.CommitStats()
	var wg sync.WaitGroup
	for i := range convs {
		wg.Go(func() {
			for j := range per {
				if _, err := db.AppendEvent(t.Context(), message(cs[i], fmt.Sprintf("m%d", j))); err != nil {
					t.Errorf("AppendEvent = %v", err)
				}
			}
		})
	}
	wg.Wait()
	commits, requests := db.CommitStats()
	commits, requests = commits-commits0, requests-requests0
	if requests != convs*per || commits >= requests {
		t.Errorf("%d appends from %d goroutines took %d commits answering %d requests, want fewer commits than requests",
			convs*per, convs, commits, requests)
	}
	t.Logf("%d appends in %d commits", requests, commits)
}

// crashEnv names the database file a crash child writes to.
const crashEnv = "SKRANKE_SQLITE_CRASH_DB"

// TestAppendEventSurvivesKill checks that an acknowledged event survives the
// process being killed: it runs this test binary again as a child that
// appends events without end and reports each acknowledged seq, kills it with
// SIGKILL mid-stream, reopens the file and looks for the events.
func TestAppendEventSurvivesKill(t *testing.T) {
	if path := os.Getenv(crashEnv); path != "" {
		crashChild(t, path)
		return
	}
	path := filepath.Join(t.TempDir(), "skranke.db")
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestAppendEventSurvivesKill$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting the child: %v", err)
	}
	var conv chat.ConversationID
	var acked chat.Seq
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		var id string
		var seq int64
		if _, err := fmt.Sscanf(lines.Text(), "ack %s %d", &id, &seq); err != nil {
			continue
		}
		conv, acked = chat.ConversationID(id), chat.Seq(seq)
		if acked >= 20 {
			break
		}
	}
	cmd.Process.Kill() // SIGKILL: no deferred Close, no clean shutdown
	cmd.Wait()
	if acked < 20 {
		t.Fatalf("the child acknowledged seq %d, want 20 or more before it is killed", acked)
	}

	db := mustOpen(t, path, nil)
	defer db.Close()
	es, err := db.Events(t.Context(), conv, 0, 0)
	if err != nil {
		t.Fatalf("Events(%s) after the kill = %v", conv, err)
	}
	if chat.Seq(len(es)) < acked {
		t.Fatalf("Events(%s) after the kill = %d events, want at least the %d acknowledged", conv, len(es), acked)
	}
	for i, e := range es {
		if e.Seq != chat.Seq(i+1) {
			t.Fatalf("Events(%s)[%d].Seq = %d, want %d", conv, i, e.Seq, i+1)
		}
	}
	c, err := db.Conversation(t.Context(), conv)
	if err != nil || c.LastSeq != chat.Seq(len(es)) {
		t.Errorf("Conversation(%s) after the kill = LastSeq %d, %v, want %d", conv, c.LastSeq, err, len(es))
	}
}

// crashChild appends events to a new conversation in path until it is
// killed, printing "ack <conversation> <seq>" for each acknowledged one.
func crashChild(t *testing.T, path string) {
	db := mustOpen(t, path, nil) // never closed: the parent kills us
	c := start(t, db, "c1")
	for i := 0; ; i++ {
		a, err := db.AppendEvent(t.Context(), message(c, fmt.Sprintf("m%d", i)))
		if err != nil {
			t.Fatalf("AppendEvent = %v", err)
		}
		fmt.Printf("ack %s %d\n", c.ID, a.Event.Seq)
	}
}

// BenchmarkAppendEvent appends messages one after another to one
// conversation: every event is a transaction of its own, and with
// synchronous=FULL an fsync of its own, the worst case for durability.
func BenchmarkAppendEvent(b *testing.B) {
	for _, mode := range []string{"NORMAL", "FULL"} {
		b.Run("synchronous="+mode, func(b *testing.B) {
			db, err := sqlite.OpenSynchronous(b.Context(), filepath.Join(b.TempDir(), "skranke.db"), sqlite.Options{}, mode)
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			c := start(b, db, "c1")
			n := 0
			for b.Loop() {
				if _, err := db.AppendEvent(b.Context(), message(c, fmt.Sprintf("m%d", n))); err != nil {
					b.Fatal(err)
				}
				n++
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// BenchmarkAppendEventParallel appends messages from many goroutines, each
// to a conversation of its own, as many customers chatting at once do: the
// writer commits what is waiting together. It runs with synchronous=FULL,
// as Open has it, and with NORMAL, which it replaced, so that one run shows
// what acknowledging only what is on disk costs (docs/benchmarks.md).
func BenchmarkAppendEventParallel(b *testing.B) {
	for _, mode := range []string{"NORMAL", "FULL"} {
		b.Run("synchronous="+mode, func(b *testing.B) {
			db, err := sqlite.OpenSynchronous(b.Context(), filepath.Join(b.TempDir(), "skranke.db"), sqlite.Options{}, mode)
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			benchmarkAppendParallel(b, db)
		})
	}
}

func benchmarkAppendParallel(b *testing.B, db *sqlite.DB) {
	const perProc = 32 // goroutines per GOMAXPROCS
	convs := make([]chat.Conversation, perProc*runtime.GOMAXPROCS(0))
	for i := range convs {
		convs[i] = start(b, db, chat.CustomerID(fmt.Sprintf("c%d", i)))
	}
	var next, total atomic.Int64
	commits0, requests0 := db.CommitStats()
	b.SetParallelism(perProc)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		c := convs[next.Add(1)-1]
		ctx := b.Context()
		n := 0
		for pb.Next() {
			if _, err := db.AppendEvent(ctx, message(c, fmt.Sprintf("m%d", n))); err != nil {
				b.Error(err)
				return
			}
			n++
		}
		total.Add(int64(n))
	})
	b.ReportMetric(float64(total.Load())/b.Elapsed().Seconds(), "events/s")
	if commits, requests := db.CommitStats(); commits > commits0 {
		b.ReportMetric(float64(requests-requests0)/float64(commits-commits0), "events/commit")
	}
}

// TestOpen_SynchronousFull checks that an acknowledged commit is on stable
// storage: the connections that commit (the writer and the checkpointer,
// which shares its settings) run with synchronous=FULL (2), which fsyncs the
// WAL at every commit, not NORMAL (1), which survives a killed process but
// not a power cut.
func TestOpen_SynchronousFull(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "skranke.db"), nil)
	defer db.Close()
	got, err := db.WritePragma(t.Context(), "synchronous")
	if err != nil || got != "2" {
		t.Errorf("PRAGMA synchronous on the write connection = %q, %v; want 2 (FULL)", got, err)
	}
}

// TestCheckpointInBackground checks that the WAL is copied into the
// database file without the writer doing it: the file grows while nobody
// writes, and Close leaves the WAL empty.
func TestCheckpointInBackground(t *testing.T) {
	path := filepath.Join(t.TempDir(), "skranke.db")
	db := mustOpen(t, path, nil)
	c := start(t, db, "c1")
	size := func(p string) int64 {
		st, err := os.Stat(p)
		if err != nil {
			return 0
		}
		return st.Size()
	}
	before := size(path)
	for i := range 300 {
		e := message(c, fmt.Sprintf("m%d", i))
		e.Text = strings.Repeat("x", 400)
		if _, err := db.AppendEvent(t.Context(), e); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for size(path) <= before && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if size(path) <= before {
		t.Errorf("database file still %d bytes after 300 appends and a wait: nothing checkpointed", size(path))
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if n := size(path + "-wal"); n != 0 {
		t.Errorf("WAL is %d bytes after Close, want 0 (truncated)", n)
	}
}

// TestCheckpoint_WALStaysBounded writes without a pause from many
// goroutines, so that no PASSIVE checkpoint ever finds the WAL fully
// copied before the next write, and checks that the checkpointer resets
// it all the same once it passes its limit: the log starts again from its
// first frame while the writes go on, instead of growing with everything
// written. It watches the log's length (mxFrame) in the header of the WAL
// index, the -shm file SQLite keeps it in, read without taking part.
func TestCheckpoint_WALStaysBounded(t *testing.T) {
	const limit = 1 << 20
	path := filepath.Join(t.TempDir(), "skranke.db")
	db, err := sqlite.OpenSynchronous(t.Context(), path, sqlite.Options{WALLimit: limit}, "OFF")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// The writers go on until the log has restarted twice, or until 400 MB
	// are written (the checkpointer looks once a second, so how much that
	// takes depends on the machine's speed, not on the limit).
	var wg sync.WaitGroup
	var written, restarts atomic.Int64
	text := strings.Repeat("x", 2000)
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		last := uint32(0)
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
				// The WAL index header: mxFrame is the u32 at byte 16, in
				// the machine's byte order (sqlite3 wal.c, WalIndexHdr).
				f, err := os.Open(path + "-shm")
				if err != nil {
					continue
				}
				var hdr [20]byte
				_, err = io.ReadFull(f, hdr[:])
				f.Close()
				if err != nil {
					continue
				}
				mx := binary.NativeEndian.Uint32(hdr[16:])
				if mx < last {
					restarts.Add(1)
				}
				last = mx
			}
		}
	}()
	for w := range 16 {
		c := start(t, db, chat.CustomerID(fmt.Sprintf("c%d", w)))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; restarts.Load() < 2 && written.Load() < 400<<20; i++ {
				e := message(c, fmt.Sprintf("m%d", i))
				e.Text = text
				if _, err := db.AppendEvent(t.Context(), e); err != nil {
					t.Error(err)
					return
				}
				written.Add(int64(len(text)))
			}
		}()
	}
	wg.Wait()
	close(stop)
	<-sampled
	if n := restarts.Load(); n < 2 {
		t.Errorf("the WAL restarted %d times while %d MB were written without a pause (limit 1 MB), want at least 2", n, written.Load()>>20)
	}
}

// TestSearchQueue: appended texts reach the full-text index through the
// queue, by the indexer in the background, at Close, and before a search,
// which therefore finds every event appended before it.
func TestSearchQueue(t *testing.T) {
	path := filepath.Join(t.TempDir(), "skranke.db")
	db := mustOpen(t, path, nil)
	c := start(t, db, "c1")
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	indexed := func(word string) (queued, found int) {
		t.Helper()
		if err := raw.QueryRow(`SELECT count(*) FROM search_queue`).Scan(&queued); err != nil {
			t.Fatal(err)
		}
		if err := raw.QueryRow(`SELECT count(*) FROM events_fts WHERE events_fts MATCH ?`, word).Scan(&found); err != nil {
			t.Fatal(err)
		}
		return queued, found
	}
	// waitIndexed waits up to 30 s (since what, for the failure) for word
	// to be in the index and the queue to be empty.
	waitIndexed := func(word, since string) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			queued, found := indexed(word)
			if queued == 0 && found == 1 {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("30 s after %s: %d queued, %d in the index; want 0 and 1", since, queued, found)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	appendText := func(id, text string) {
		t.Helper()
		e := message(c, id)
		e.Text = text
		if _, err := db.AppendEvent(t.Context(), e); err != nil {
			t.Fatal(err)
		}
	}

	// A search right after each append finds it.
	for i := range 20 {
		word := fmt.Sprintf("straks%d", i)
		appendText(fmt.Sprintf("s%d", i), "ord "+word)
		entries, _, err := db.ChatLog(t.Context(), store.ChatLogFilter{Words: chat.SearchWords(word)})
		if err != nil || len(entries) != 1 {
			t.Fatalf("search for %s right after it was appended = %d chats, %v; want 1", word, len(entries), err)
		}
	}

	// Without a search, the indexer takes it within a few of its ticks.
	appendText("b1", "bakgrunnsord")
	waitIndexed("bakgrunnsord", "the append")

	// Close indexes what is still queued.
	appendText("l1", "sisteord")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if queued, found := indexed("sisteord"); queued != 0 || found != 1 {
		t.Errorf("after Close: %d queued, %d in the index; want 0 and 1", queued, found)
	}

	// What an earlier run queued and did not index is indexed after Open,
	// though nothing is appended or searched: a run that stopped without
	// its Close leaves its queue so.
	db = mustOpen(t, path, nil)
	db.StopIndexing()
	appendText("g1", "gjenstående")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	rw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer rw.Close()
	if _, err := rw.Exec(`INSERT INTO search_queue (doc) SELECT (c.ord << 20) | e.seq FROM events e
		JOIN conversations c ON c.id = e.conversation_id WHERE e.client_msg_id = 'g1'`); err != nil {
		t.Fatal(err)
	}
	rw.Close()
	db = mustOpen(t, path, nil)
	defer db.Close()
	waitIndexed("gjenstående", "Open")
}

// BenchmarkAppendEventSpread appends messages from 64 goroutines spread
// over 1 000 open conversations, as the load tool's chats are: a batch
// touches many conversations once each, so what the writer pays per
// conversation (reading it, writing it back) is paid per message. It runs
// with synchronous=FULL, as Open has it, and reports the process's CPU
// time per event (user and system, all goroutines: the writer, SQLite and
// the callers), which the machine's load disturbs less than wall-clock
// time does, and the bytes the process wrote to files per event (the WAL
// above all; the checkpointer's copies into the database file too)
// (docs/benchmarks.md, "The SQLite writer (issue 16)").
func BenchmarkAppendEventSpread(b *testing.B) {
	const convs, senders = 1000, 64
	db := mustOpen(b, filepath.Join(b.TempDir(), "skranke.db"), nil)
	defer db.Close()
	cs := make([]chat.Conversation, convs)
	for i := range cs {
		cs[i] = start(b, db, chat.CustomerID(fmt.Sprintf("c%d", i)))
	}
	var next atomic.Int64
	commits0, requests0 := db.CommitStats()
	cpu0, written0 := cpuTime(), bytesWritten()
	b.SetParallelism((senders + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		ctx := b.Context()
		for pb.Next() {
			n := next.Add(1)
			c := cs[n%convs]
			if _, err := db.AppendEvent(ctx, message(c, fmt.Sprintf("m%d", n))); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	n := next.Load()
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(n), "cpu-µs/event")
	if written0 >= 0 {
		b.ReportMetric(float64(bytesWritten()-written0)/float64(n), "written-B/event")
	}
	if commits, requests := db.CommitStats(); commits > commits0 {
		b.ReportMetric(float64(requests-requests0)/float64(commits-commits0), "events/commit")
	}
}

// bytesWritten returns the bytes the process has handed to write system
// calls (wchar of /proc/self/io), or -1 where there is no such file.
func bytesWritten() int64 {
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "wchar: "); ok {
			var n int64
			if _, err := fmt.Sscan(v, &n); err == nil {
				return n
			}
		}
	}
	return -1
}

// TestConversationCacheEmptied appends batches of messages to more chats
// than the writer's cache holds, so that it is emptied in the middle of
// taking a batch's conversations: every message must still be stored as
// the next of its chat, and reach the search index under its own chat
// (the writer numbers the documents from the conversations' ord).
func TestConversationCacheEmptied(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "skranke.db"), nil)
	defer db.Close()
	db.SetConversationCache(12)
	const chats, rounds = 20, 6
	cs := make([]chat.Conversation, chats)
	for i := range cs {
		cs[i] = start(t, db, chat.CustomerID(fmt.Sprintf("c%d", i)))
	}
	commits0, requests0 := db.CommitStats()
	for r := range rounds {
		var wg sync.WaitGroup
		for i, c := range cs {
			wg.Go(func() {
				e := message(c, fmt.Sprintf("m%d", r))
				e.Text = fmt.Sprintf("ord%dx%d", i, r)
				a, err := db.AppendEvent(t.Context(), e)
				if err != nil || a.Event.Seq != chat.Seq(r+2) {
					t.Errorf("AppendEvent(%s, round %d) = seq %d, %v; want %d", c.ID, r, a.Event.Seq, err, r+2)
				}
			})
		}
		wg.Wait()
	}
	commits, requests := db.CommitStats()
	t.Logf("%d appends in %d commits", requests-requests0, commits-commits0)
	for i, c := range cs {
		for r := range rounds {
			word := fmt.Sprintf("ord%dx%d", i, r)
			entries, _, err := db.ChatLog(t.Context(), store.ChatLogFilter{Words: chat.SearchWords(word)})
			if err != nil || len(entries) != 1 || entries[0].Conversation.ID != c.ID {
				t.Errorf("search for %s = %d chats, %v; want chat %s alone", word, len(entries), err, c.ID)
			}
		}
		got, err := db.Conversation(t.Context(), c.ID)
		if err != nil || got.LastSeq != rounds+1 {
			t.Errorf("Conversation(%s).LastSeq = %d, %v; want %d", c.ID, got.LastSeq, err, rounds+1)
		}
	}
}
