package postgres_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"skranke/store/postgres"
	"skranke/store/storetest"
)

// BenchmarkChatLogSearch is the SQLite store's benchmark of the same name
// (store/sqlite/search_bench_test.go) on PostgreSQL: the first page of
// searches over 1 000 000 messages in 20 000 chats (SKRANKE_BENCH_MESSAGES
// changes it). The database is built once, through AppendEvent, in a
// schema of its own that is kept for the next run (bench_search_N; drop
// it to build it again).
func BenchmarkChatLogSearch(b *testing.B) {
	const perChat = 50
	total := 1000000
	if s := os.Getenv("SKRANKE_BENCH_MESSAGES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < perChat {
			b.Fatalf("SKRANKE_BENCH_MESSAGES=%q", s)
		}
		total = n
	}
	chats := total / perChat
	dsn := postgres.TestDSN(b)
	schema := fmt.Sprintf("bench_search_%d", total)
	ctx := context.Background()
	db, err := postgres.Open(ctx, dsn, postgres.Options{Schema: schema, MaxConns: 20})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	var built bool
	conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = 'bench_built')`, schema).Scan(&built)
	if !built {
		b.Logf("building schema %s: %d chats of %d messages", schema, chats, perChat)
		began := time.Now()
		if err := storetest.BuildSearchBench(ctx, db, chats, perChat); err != nil {
			b.Fatal(err)
		}
		if _, err := conn.Exec(ctx, `CREATE TABLE `+pgx.Identifier{schema, "bench_built"}.Sanitize()+` ()`); err != nil {
			b.Fatal(err)
		}
		conn.Exec(ctx, `ANALYZE`)
		b.Logf("built in %s", time.Since(began).Round(time.Second))
	}
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
