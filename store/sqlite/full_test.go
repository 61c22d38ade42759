package sqlite_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"skranke/chat"
	"skranke/store"
)

// TestStorageFull fills the database (a page limit, as a full disk would
// stop it growing) until an append fails: the failure is unavailable, so
// clients retry, not internal; Health reports it and StorageErrors counts
// it; once there is room again, the retry with the same client message id
// is stored once, as the next event after the last one stored (the
// writer's cache of conversations is not ahead of what was committed), and
// Health is well again.
func TestStorageFull(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "skranke.db"), nil)
	defer db.Close()
	ctx := t.Context()
	c := start(t, db, "c1")
	if err := db.LimitPages(ctx, 2); err != nil {
		t.Fatalf("LimitPages = %v", err)
	}
	var failed chat.Event
	var err error
	stored := chat.Seq(1) // the started event
	for i := range 100 {
		e := message(c, fmt.Sprintf("m%d", i))
		e.Text = strings.Repeat("x", 2000)
		var a store.Appended
		if a, err = db.AppendEvent(ctx, e); err != nil {
			failed = e
			break
		}
		stored = a.Event.Seq
	}
	if err == nil {
		t.Fatal("100 appends of 2 kB past a 2-page limit all succeeded")
	}
	if code := chat.ErrorCode(err); code != chat.EUnavailable || !errors.Is(err, store.ErrStorage) {
		t.Errorf("AppendEvent on a full database = %v (code %q), want store.ErrStorage (code %q)", err, code, chat.EUnavailable)
	}
	if msg := chat.ErrorMessage(err); strings.Contains(msg, "SQLITE") || strings.Contains(msg, "full") {
		t.Errorf("ErrorMessage = %q, which tells a client about the server's disk", msg)
	}
	if err := db.Health(ctx); chat.ErrorCode(err) != chat.EUnavailable {
		t.Errorf("Health() after the failure = %v, want code %q", err, chat.EUnavailable)
	}
	if n := db.StorageErrors(); n < 1 {
		t.Errorf("StorageErrors() after the failure = %d, want at least 1", n)
	}
	// Reads go on.
	if _, err := db.Events(ctx, c.ID, 0, 0); err != nil {
		t.Errorf("Events on a full database = %v", err)
	}

	if err := db.LimitPages(ctx, -1); err != nil {
		t.Fatalf("LimitPages(-1) = %v", err)
	}
	a, err := db.AppendEvent(ctx, failed)
	if err != nil || a.Duplicate {
		t.Fatalf("AppendEvent(%s) again with room = %+v, %v; want it stored, not a duplicate", failed.ClientMsgID, a, err)
	}
	if a.Event.Seq != stored+1 || a.Conversation.LastSeq != stored+1 {
		t.Errorf("AppendEvent(%s) again with room = seq %d, LastSeq %d; want %d after the last stored",
			failed.ClientMsgID, a.Event.Seq, a.Conversation.LastSeq, stored+1)
	}
	if got, err := db.Conversation(ctx, c.ID); err != nil || got.LastSeq != stored+1 {
		t.Errorf("Conversation(%s).LastSeq = %d, %v; want %d", c.ID, got.LastSeq, err, stored+1)
	}
	if again, err := db.AppendEvent(ctx, failed); err != nil || !again.Duplicate || again.Event.Seq != a.Event.Seq {
		t.Errorf("AppendEvent(%s) a third time = %+v, %v; want the duplicate of seq %d", failed.ClientMsgID, again, err, a.Event.Seq)
	}
	if err := db.Health(ctx); err != nil {
		t.Errorf("Health() after a successful write = %v, want nil", err)
	}
}
