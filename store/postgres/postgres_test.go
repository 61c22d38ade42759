package postgres_test

import (
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"skranke/chat"
	"skranke/store"
	"skranke/store/postgres"
	"skranke/store/storetest"
)

func TestStore(t *testing.T) {
	dsn := postgres.TestDSN(t)
	storetest.Run(t, func(t *testing.T, clock store.Clock) store.Store {
		return mustOpen(t, dsn, postgres.TestSchema(t, dsn), clock)
	})
}

// TestStore_searchChatByChat runs the chat log's tests with the plan of
// common words for every search, which small test data never takes.
func TestStore_searchChatByChat(t *testing.T) {
	dsn := postgres.TestDSN(t)
	storetest.RunChatLog(t, func(t *testing.T, clock store.Clock) store.Store {
		db := mustOpen(t, dsn, postgres.TestSchema(t, dsn), clock)
		db.SetSearchProbe(0)
		return db
	})
}

// testMaxConns keeps each test's pool small: tests run in parallel, and
// the server allows 100 connections in all.
const testMaxConns = 4

// mustOpen opens the store in schema; the caller closes it.
func mustOpen(tb testing.TB, dsn, schema string, clock store.Clock) *postgres.DB {
	tb.Helper()
	db, err := postgres.Open(tb.Context(), dsn, postgres.Options{Now: clock, Schema: schema, MaxConns: testMaxConns})
	if err != nil {
		tb.Fatalf("Open(schema %s) = %v", schema, err)
	}
	return db
}

// openTest opens a store in a new schema, closed when tb ends.
func openTest(tb testing.TB) (db *postgres.DB, dsn, schema string) {
	tb.Helper()
	dsn = postgres.TestDSN(tb)
	schema = postgres.TestSchema(tb, dsn)
	db = mustOpen(tb, dsn, schema, nil)
	tb.Cleanup(func() { db.Close() })
	return db, dsn, schema
}

// start and message are storetest's helpers, named briefly for these tests.
func start(tb testing.TB, db *postgres.DB, cust chat.CustomerID) chat.Conversation {
	tb.Helper()
	return storetest.Start(tb, db, cust)
}

var message = storetest.Message

func TestOpen_again(t *testing.T) {
	db, dsn, schema := openTest(t)
	c := start(t, db, "c1")
	// A second node on the same schema: the migrations find nothing to do.
	db2 := mustOpen(t, dsn, schema, nil)
	defer db2.Close()
	got, err := db2.Conversation(t.Context(), c.ID)
	if err != nil || got.ID != c.ID {
		t.Errorf("Conversation(%s) on a second DB = %+v, %v", c.ID, got, err)
	}
	if now := time.Now(); got.CreatedAt.After(now) || got.CreatedAt.Before(now.Add(-time.Minute)) {
		t.Errorf("CreatedAt with the default clock = %v, want about %v", got.CreatedAt, now)
	}
}

// TestOpen_concurrent starts several nodes on one new schema at once: the
// advisory lock lets one migrate while the others wait, and all open.
func TestOpen_concurrent(t *testing.T) {
	dsn := postgres.TestDSN(t)
	schema := postgres.TestSchema(t, dsn)
	const nodes = 4
	var wg sync.WaitGroup
	dbs := make([]*postgres.DB, nodes)
	errs := make([]error, nodes)
	for i := range nodes {
		wg.Go(func() {
			dbs[i], errs[i] = postgres.Open(t.Context(), dsn, postgres.Options{Schema: schema, MaxConns: 2})
		})
	}
	wg.Wait()
	for i := range nodes {
		if errs[i] != nil {
			t.Errorf("Open #%d of %d at once = %v", i, nodes, errs[i])
			continue
		}
		dbs[i].Close()
	}
}

func TestOpen_badOptions(t *testing.T) {
	dsn := postgres.TestDSN(t)
	for _, opts := range []postgres.Options{
		{Schema: "Robert'); DROP TABLE students;--"},
		{Schema: "UpperCase"},
		{MaxConns: 1},
	} {
		if db, err := postgres.Open(t.Context(), dsn, opts); err == nil {
			db.Close()
			t.Errorf("Open(%+v) = nil error, want an error", opts)
		}
	}
}

func TestOpen_unreachable(t *testing.T) {
	// A port nobody listens on: nothing to skip for, no server needed.
	_, err := postgres.Open(t.Context(), "postgres://postgres@127.0.0.1:1/test?sslmode=disable&connect_timeout=5", postgres.Options{})
	if got := chat.ErrorCode(err); got != chat.EUnavailable {
		t.Errorf("Open(unreachable) = %v (code %q), want code %q", err, got, chat.EUnavailable)
	}
}

// TestOpen_synchronousCommit checks that a session whose commits are
// asynchronous (as if the role or database had synchronous_commit=off) is
// refused unless allowed.
func TestOpen_synchronousCommit(t *testing.T) {
	dsn := postgres.TestDSN(t)
	schema := postgres.TestSchema(t, dsn)
	async := withOptions(t, dsn, "-c synchronous_commit=off")
	_, err := postgres.Open(t.Context(), async, postgres.Options{Schema: schema})
	if err == nil {
		t.Fatalf("Open(synchronous_commit=off) = nil error, want a refusal")
	}
	t.Logf("Open(synchronous_commit=off) = %v", err)
	db, err := postgres.Open(t.Context(), async, postgres.Options{Schema: schema, AllowAsyncCommit: true})
	if err != nil {
		t.Fatalf("Open(synchronous_commit=off, AllowAsyncCommit) = %v", err)
	}
	db.Close()
	local := withOptions(t, dsn, "-c synchronous_commit=local")
	db, err = postgres.Open(t.Context(), local, postgres.Options{Schema: schema})
	if err != nil {
		t.Fatalf("Open(synchronous_commit=local) = %v, want it accepted: the WAL is flushed locally", err)
	}
	db.Close()
}

// withOptions returns dsn with the server options (command-line style) opts.
func withOptions(t *testing.T, dsn, opts string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return dsn + " options='" + opts + "'" // key=value form
	}
	q := u.Query()
	q.Set("options", opts)
	u.RawQuery = strings.ReplaceAll(q.Encode(), "+", "%20") // pgx reads '+' as itself
	return u.String()
}

func TestAppendEvent_afterClose(t *testing.T) {
	db, _, _ := openTest(t)
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

// TestAppendEvent_connectionLost checks that a store whose connections are
// cut reports unavailable, and recovers when the server can be reached.
func TestAppendEvent_connectionLost(t *testing.T) {
	db, dsn, _ := openTest(t)
	c := start(t, db, "c1")
	terminateOthers(t, dsn, db)
	// The pool's idle connections are dead now; the first use of one fails.
	var sawUnavailable bool
	for i := range 20 {
		_, err := db.AppendEvent(t.Context(), message(c, fmt.Sprintf("m%d", i)))
		if err == nil {
			continue
		}
		if chat.ErrorCode(err) != chat.EUnavailable {
			t.Fatalf("AppendEvent after the connections were cut = %v (code %q), want code %q",
				err, chat.ErrorCode(err), chat.EUnavailable)
		}
		if msg := chat.ErrorMessage(err); msg != "The database is unavailable; try again." {
			t.Errorf("ErrorMessage(%v) = %q", err, msg)
		}
		sawUnavailable = true
	}
	t.Logf("saw unavailable: %v", sawUnavailable)
	if _, err := db.AppendEvent(t.Context(), message(c, "after")); err != nil {
		t.Errorf("AppendEvent after the connections were cut, again = %v, want the pool to reconnect", err)
	}
}

// terminateOthers ends every backend of db's schema's pool, from a
// connection of its own.
func terminateOthers(t *testing.T, dsn string, db *postgres.DB) {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	// Only db's own: other tests share the server.
	pids := db.BackendPIDs(t.Context())
	for _, pid := range pids {
		if _, err := conn.Exec(t.Context(), `SELECT pg_terminate_backend($1)`, pid); err != nil {
			t.Fatalf("pg_terminate_backend(%d) = %v", pid, err)
		}
	}
	if len(pids) == 0 {
		t.Fatalf("no backends to terminate")
	}
}

// TestAppendEvent_twoNodes appends to one conversation from two DBs on one
// schema, as two nodes do, while a reader follows the log with
// Events(after=last): Seq must be gap-free and ordered, and the reader must
// never see seq N+1 before seq N.
func TestAppendEvent_twoNodes(t *testing.T) {
	node1, dsn, schema := openTest(t)
	node2 := mustOpen(t, dsn, schema, nil)
	defer node2.Close()
	nodes := []*postgres.DB{node1, node2}
	c := start(t, node1, "c1")

	const writers, per = 8, 40 // per node
	const total = 1 + 2*writers*per
	ctx := t.Context()
	var wg sync.WaitGroup
	for n, db := range nodes {
		for w := range writers {
			wg.Go(func() {
				for i := range per {
					if _, err := db.AppendEvent(ctx, message(c, fmt.Sprintf("n%d-w%d-%d", n, w, i))); err != nil {
						t.Errorf("node %d: AppendEvent = %v", n, err)
						return
					}
				}
			})
		}
	}

	// The reader alternates nodes, like a client that reconnects anywhere.
	readerDone := make(chan struct{})
	var reads atomic.Int64
	go func() {
		defer close(readerDone)
		var last chat.Seq
		deadline := time.Now().Add(time.Minute)
		for i := 0; last < total; i++ {
			if time.Now().After(deadline) {
				t.Errorf("reader: got to seq %d of %d in a minute", last, total)
				return
			}
			es, err := nodes[i%2].Events(ctx, c.ID, last, 0)
			if err != nil {
				t.Errorf("reader: Events(after=%d) = %v", last, err)
				return
			}
			reads.Add(1)
			for _, e := range es {
				if e.Seq != last+1 {
					t.Errorf("reader: Events(after=%d) gave seq %d after %d: a gap", last, e.Seq, last)
					return
				}
				last = e.Seq
			}
		}
	}()
	wg.Wait()
	<-readerDone
	t.Logf("the reader made %d reads", reads.Load())

	es, err := node2.Events(ctx, c.ID, 0, 0)
	if err != nil {
		t.Fatalf("Events(%s) = %v", c.ID, err)
	}
	if len(es) != total {
		t.Fatalf("len(Events(%s)) = %d, want %d", c.ID, len(es), total)
	}
	for i, e := range es {
		if e.Seq != chat.Seq(i+1) {
			t.Fatalf("Events(%s)[%d].Seq = %d, want %d", c.ID, i, e.Seq, i+1)
		}
	}
	got, err := node1.Conversation(ctx, c.ID)
	if err != nil || got.LastSeq != total {
		t.Errorf("Conversation(%s).LastSeq = %d, %v, want %d", c.ID, got.LastSeq, err, total)
	}
}

// TestAppendEvent_twoNodesDuplicates sends the same messages through two
// nodes at once: each is stored once, and both nodes answer with it.
func TestAppendEvent_twoNodesDuplicates(t *testing.T) {
	node1, dsn, schema := openTest(t)
	node2 := mustOpen(t, dsn, schema, nil)
	defer node2.Close()
	c := start(t, node1, "c1")
	const msgs = 30
	got := make([][2]store.Appended, msgs)
	var wg sync.WaitGroup
	for i := range msgs {
		for n, db := range []*postgres.DB{node1, node2} {
			wg.Go(func() {
				a, err := db.AppendEvent(t.Context(), message(c, fmt.Sprintf("m%d", i)))
				if err != nil {
					t.Errorf("node %d: AppendEvent(m%d) = %v", n, i, err)
				}
				got[i][n] = a
			})
		}
	}
	wg.Wait()
	for i, g := range got {
		if g[0].Event.Seq != g[1].Event.Seq || g[0].Duplicate == g[1].Duplicate {
			t.Errorf("m%d: node 1 got seq %d duplicate %v, node 2 seq %d duplicate %v; want one seq, one duplicate",
				i, g[0].Event.Seq, g[0].Duplicate, g[1].Event.Seq, g[1].Duplicate)
		}
	}
	es, err := node1.Events(t.Context(), c.ID, 0, 0)
	if err != nil || len(es) != 1+msgs {
		t.Errorf("Events(%s) = %d events, %v, want %d", c.ID, len(es), err, 1+msgs)
	}
}

// TestOneOfferPerChat checks that the database refuses half an offer.
func TestOneOfferPerChat(t *testing.T) {
	db, dsn, schema := openTest(t)
	c := start(t, db, "c1")
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	_, err = conn.Exec(t.Context(), `UPDATE `+pgx.Identifier{schema, "conversations"}.Sanitize()+`
		SET offer_agent_id = 'anna' WHERE id = $1`, c.ID)
	var pe interface{ SQLState() string }
	if !errors.As(err, &pe) || pe.SQLState() != "23514" {
		t.Errorf("setting an offer's agent alone = %v, want check_violation 23514", err)
	}
}

// TestGroupCommit checks that concurrent appends share transactions.
func TestGroupCommit(t *testing.T) {
	db, _, _ := openTest(t)
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

// BenchmarkAppendEvent appends messages one after another to one
// conversation: every event is a transaction of its own.
func BenchmarkAppendEvent(b *testing.B) {
	db, _, _ := openTest(b)
	c := start(b, db, "c1")
	n := 0
	for b.Loop() {
		if _, err := db.AppendEvent(b.Context(), message(c, fmt.Sprintf("m%d", n))); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkAppendEventParallel appends messages from many goroutines, each
// to a conversation of its own, as many customers chatting at once do: the
// writer commits what is waiting together.
func BenchmarkAppendEventParallel(b *testing.B) {
	const perProc = 32 // goroutines per GOMAXPROCS
	db, _, _ := openTest(b)
	convs := make([]chat.Conversation, perProc*runtime.GOMAXPROCS(0))
	for i := range convs {
		convs[i] = start(b, db, chat.CustomerID(fmt.Sprintf("c%d", i)))
	}
	commits0, requests0 := db.CommitStats()
	var next, total atomic.Int64
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
