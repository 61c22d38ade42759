package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestDSNEnv names the environment variable that holds the DSN of the
// PostgreSQL database tests may use, such as
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const TestDSNEnv = "SKRANKE_TEST_POSTGRES"

// TestDSN returns the DSN of the test database, for tests of this and other
// packages that need PostgreSQL. Without one it skips tb, unless the
// environment variable CI is "true": in CI, a missing or unreachable
// database fails tb, so PostgreSQL tests cannot pass by being skipped.
func TestDSN(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv(TestDSNEnv)
	ci := os.Getenv("CI") == "true"
	if dsn == "" {
		if ci {
			tb.Fatalf("%s not set: PostgreSQL tests cannot run in CI", TestDSNEnv)
		}
		tb.Skipf("%s not set: PostgreSQL tests skipped", TestDSNEnv)
	}
	ctx, cancel := context.WithTimeout(tb.Context(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err == nil {
		err = conn.Ping(ctx)
		conn.Close(ctx)
	}
	if err != nil {
		if ci {
			tb.Fatalf("%s: PostgreSQL unreachable: %v", TestDSNEnv, err)
		}
		tb.Skipf("%s: PostgreSQL unreachable, tests skipped: %v", TestDSNEnv, err)
	}
	return dsn
}

// TestSchema returns the name of a new, random schema for tb, which Open
// creates, and drops it with everything in it (CASCADE) when tb ends, so
// that tests can run in parallel on one database. Close the stores that use
// it before then (t.Cleanup runs last-registered first, so register their
// Close after calling TestSchema).
func TestSchema(tb testing.TB, dsn string) string {
	tb.Helper()
	var b [8]byte
	rand.Read(b[:])
	schema := "skranke_test_" + hex.EncodeToString(b[:])
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP SCHEMA IF EXISTS `+pgx.Identifier{schema}.Sanitize()+` CASCADE`); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return schema
}
