package sqlite_test

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"skranke/store/sqlite"
	"skranke/store/storetest"
)

// TestMigrate_fromVersion2 writes a database as the previous version did
// (schema version 2, a column per event field), opens it with this version
// and checks that every event reads back as it was, with its payload, and
// that the participants record was built from the log.
func TestMigrate_fromVersion2(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "skranke.db")
	raw, err := sqlite.OpenRawAt(ctx, path, 2)
	if err != nil {
		t.Fatalf("OpenRawAt(2) = %v", err)
	}
	legacy := storetest.LegacyDatabase()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := raw.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	nullTime := func(tm interface {
		IsZero() bool
		UnixNano() int64
	}) any {
		if tm.IsZero() {
			return nil
		}
		return tm.UnixNano()
	}
	exec(`INSERT INTO queues (id, name) VALUES ('sales', 'Sales')`)
	for _, c := range legacy.Conversations {
		exec(`INSERT INTO customers (id, token_hash, created_at) VALUES (?, ?, ?)`, c.CustomerID, "h-"+string(c.CustomerID), c.CreatedAt.UnixNano())
		agents, _ := json.Marshal(c.Agents)
		if c.Agents == nil {
			agents = []byte("[]")
		}
		var offerAgent, invitation, invitee any
		if c.OfferAgent != "" {
			offerAgent = c.OfferAgent
		}
		if c.Invitation != nil {
			b, _ := json.Marshal(c.Invitation)
			invitation, invitee = string(b), c.Invitation.AgentID
		}
		exec(`INSERT INTO conversations (id, queue_id, customer_id, customer_name, status, agents, declined,
			offer_agent_id, offer_offered_at, offer_expires_at, priority, queued_at, created_at, ended_at, last_seq,
			invitation, invitation_agent_id)
			VALUES (?, 'sales', ?, '', ?, ?, '[]', ?, ?, ?, 0, ?, ?, ?, ?, ?, ?)`,
			c.ID, c.CustomerID, c.Status, string(agents), offerAgent, nullTime(c.OfferAt), nullTime(c.OfferUntil),
			c.CreatedAt.UnixNano(), c.CreatedAt.UnixNano(), nullTime(c.EndedAt), c.LastSeq, invitation, invitee)
	}
	for _, e := range legacy.Events {
		exec(`INSERT INTO events (conversation_id, seq, time, kind, visibility, author_role, author_id, author_name,
			client_msg_id, text, queue_id, agent_id, agent_name, reason, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.ConversationID, e.Seq, e.Time.UnixNano(), e.Kind, e.Visibility, e.AuthorRole, e.AuthorID, e.AuthorName,
			e.ClientMsgID, e.Text, e.QueueID, e.AgentID, e.AgentName, e.Reason, nullTime(e.ExpiresAt))
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}

	db := mustOpen(t, path, nil) // runs the migrations after version 2
	defer db.Close()
	storetest.CheckMigrated(t, db, legacy)
}
