package postgres_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"

	"skranke/chat"
	"skranke/store"
)

// TestStorageFull makes the server refuse writes as a full disk or a failing
// one would, with the real SQLSTATE from a trigger on the events table
// (53100 disk_full, 58030 io_error, 53200 out_of_memory): the append is
// unavailable, so clients retry, not internal; Health reports it and
// StorageErrors counts it; once writes work again, the retry is stored and
// Health is well again.
func TestStorageFull(t *testing.T) {
	for _, code := range []string{"53100", "58030", "53200"} {
		t.Run(code, func(t *testing.T) {
			t.Parallel()
			db, dsn, schema := openTest(t)
			ctx := t.Context()
			c := start(t, db, "c1")
			exec := func(sql string) {
				t.Helper()
				conn, err := pgx.Connect(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				defer conn.Close(context.WithoutCancel(ctx))
				if _, err := conn.Exec(ctx, `SET search_path = `+pgx.Identifier{schema}.Sanitize()+`; `+sql); err != nil {
					t.Fatalf("%s: %v", sql, err)
				}
			}
			exec(`CREATE FUNCTION skranke_test_full() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = '` + code + `'; END $$;
				CREATE TRIGGER skranke_test_full BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION skranke_test_full()`)

			e := message(c, "m1")
			_, err := db.AppendEvent(ctx, e)
			if got := chat.ErrorCode(err); got != chat.EUnavailable || !errors.Is(err, store.ErrStorage) {
				t.Errorf("AppendEvent with SQLSTATE %s = %v (code %q), want store.ErrStorage (code %q)", code, err, got, chat.EUnavailable)
			}
			if err := db.Health(ctx); chat.ErrorCode(err) != chat.EUnavailable {
				t.Errorf("Health() after the failure = %v, want code %q", err, chat.EUnavailable)
			}
			if n := db.StorageErrors(); n < 1 {
				t.Errorf("StorageErrors() after the failure = %d, want at least 1", n)
			}

			exec(`DROP TRIGGER skranke_test_full ON events`)
			if a, err := db.AppendEvent(ctx, e); err != nil || a.Duplicate {
				t.Fatalf("AppendEvent(m1) again = %+v, %v; want it stored, not a duplicate", a, err)
			}
			if err := db.Health(ctx); err != nil {
				t.Errorf("Health() after a successful write = %v, want nil", err)
			}
		})
	}
}
