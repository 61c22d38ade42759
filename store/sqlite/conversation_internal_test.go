package sqlite

import (
	"path/filepath"
	"testing"

	"skranke/chat"
	"skranke/store/storetest"
)

// TestLogOnly checks that a plain message takes the narrow update of its
// conversation (updateConversationLogSQL), from a conversation as read
// from the database and as the writer's cache holds it, and that an event
// that changes more (an agent joining) takes the full one.
func TestLogOnly(t *testing.T) {
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "skranke.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c := storetest.Start(t, db, "c1")
	read, err := db.Conversation(t.Context(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	first, err := db.AppendEvent(t.Context(), storetest.Message(c, "m1"))
	if err != nil {
		t.Fatal(err)
	}
	if !logOnly(read, first.Conversation) {
		t.Errorf("logOnly(as read, after a message) = false, want true:\n%+v\n%+v", read, first.Conversation)
	}
	second, err := db.AppendEvent(t.Context(), storetest.Message(c, "m2"))
	if err != nil {
		t.Fatal(err)
	}
	if !logOnly(first.Conversation.Clone(), second.Conversation) {
		t.Errorf("logOnly(as cached, after a message) = false, want true:\n%+v\n%+v", first.Conversation, second.Conversation)
	}
	joined := second.Conversation
	joined.Agents = append(joined.Agents, chat.UserID("a1"))
	if logOnly(second.Conversation, joined) {
		t.Errorf("logOnly(before, with an agent more) = true, want false")
	}
	joined = second.Conversation
	joined.Status = chat.StatusEnded
	if logOnly(second.Conversation, joined) {
		t.Errorf("logOnly(before, ended) = true, want false")
	}
	if got, err := db.Conversation(t.Context(), c.ID); err != nil || got.LastSeq != second.Event.Seq || got.Record != second.Conversation.Record {
		t.Errorf("Conversation(%s) = LastSeq %d, Record %+v, %v; want %d, %+v", c.ID, got.LastSeq, got.Record, err, second.Event.Seq, second.Conversation.Record)
	}
}
