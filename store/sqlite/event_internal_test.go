package sqlite

import (
	"database/sql"
	"path/filepath"
	"testing"

	"skranke/chat"
	"skranke/store"
	"skranke/store/storetest"
)

// TestClientKey_collision stores a message whose client_key another event
// of its chat holds already, as when two (author, client message id) pairs
// hash alike: it is stored, as new and once, without a key, and its retry
// is still found. The collision is made by giving the first message the
// second's key, since a real one is not to be found by trying (so the
// first's own retry, which would look for its own key, is not tried).
func TestClientKey_collision(t *testing.T) {
	ctx := t.Context()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "skranke.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c := storetest.Start(t, db, "c1")
	first, err := db.AppendEvent(ctx, storetest.Message(c, "a"))
	if err != nil {
		t.Fatal(err)
	}
	taken := clientKey(string(c.CustomerID), "b")
	if _, err := db.write.ExecContext(ctx, `UPDATE events SET client_key = ? WHERE client_msg_id = 'a'`, taken); err != nil {
		t.Fatal(err)
	}

	second, err := db.AppendEvent(ctx, storetest.Message(c, "b"))
	if err != nil || second.Duplicate || second.Event.Seq != first.Event.Seq+1 {
		t.Fatalf("AppendEvent(b, its key taken) = seq %d, duplicate %v, %v; want seq %d, new", second.Event.Seq, second.Duplicate, err, first.Event.Seq+1)
	}
	var key sql.NullInt64
	if err := db.read.QueryRowContext(ctx, `SELECT client_key FROM events WHERE client_msg_id = 'b'`).Scan(&key); err != nil || key.Valid {
		t.Errorf("client_key of b = %v, %v; want NULL", key, err)
	}
	retry, err := db.AppendEvent(ctx, storetest.Message(c, "b"))
	if err != nil || !retry.Duplicate || retry.Event.Seq != second.Event.Seq {
		t.Errorf("retry of b = seq %d, duplicate %v, %v; want seq %d, a duplicate", retry.Event.Seq, retry.Duplicate, err, second.Event.Seq)
	}
	k := store.MsgKey{Conversation: c.ID, Author: string(c.CustomerID), ClientMsgID: "b"}
	if e, found, err := db.EventByClientMsgID(ctx, k); err != nil || !found || e.Seq != second.Event.Seq {
		t.Errorf("EventByClientMsgID(b) = seq %d, %v, %v; want seq %d", e.Seq, found, err, second.Event.Seq)
	}
	es, err := db.Events(ctx, c.ID, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range es {
		if e.Kind == chat.KindMessage {
			ids = append(ids, e.ClientMsgID)
		}
	}
	if len(ids) != 2 || ids[0] != "a" || ids[1] != "b" {
		t.Errorf("messages stored = %q, want [a b]", ids)
	}
}

// clientKey must never change: stored keys are compared with it.
func TestClientKey_stable(t *testing.T) {
	if got := clientKey("", ""); got != nil {
		t.Errorf(`clientKey("", "") = %v, want nil (NULL)`, got)
	}
	// FNV-1a 64 of "u1\x00m1".
	if got, want := clientKey("u1", "m1"), any(int64(-0x5a402a8ba37e2299)); got != want {
		t.Errorf(`clientKey("u1", "m1") = %#x, want %#x`, got, want)
	}
	if clientKey("u1", "m1") == clientKey("u1m", "1") {
		t.Error("clientKey does not separate the author from the id")
	}
}
