package postgres_test

import (
	"testing"
	"time"

	"skranke/chat"
	"skranke/store/postgres"
	"skranke/store/storetest"
)

// TestMigrate_fromVersion1 writes a database as the previous version did
// (schema version 1, a column per event field), opens it with this version
// and checks that every event reads back as it was, with its payload, and
// that the participants record was built from the log.
func TestMigrate_fromVersion1(t *testing.T) {
	ctx := t.Context()
	dsn := postgres.TestDSN(t)
	schema := postgres.TestSchema(t, dsn)
	raw, err := postgres.OpenRawAt(ctx, dsn, schema, 1)
	if err != nil {
		t.Fatalf("OpenRawAt(1) = %v", err)
	}
	legacy := storetest.LegacyDatabase()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := raw.Exec(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	nullTime := func(tm time.Time) *int64 {
		if tm.IsZero() {
			return nil
		}
		n := tm.UnixNano()
		return &n
	}
	exec(`INSERT INTO queues (id, name) VALUES ('sales', 'Sales')`)
	for _, c := range legacy.Conversations {
		exec(`INSERT INTO customers (id, token_hash, created_at) VALUES ($1, $2, $3)`, c.CustomerID, "h-"+string(c.CustomerID), c.CreatedAt.UnixNano())
		agents := []string{}
		for _, a := range c.Agents {
			agents = append(agents, string(a))
		}
		var offerAgent, invitee *string
		var invitation *chat.Invitation
		if c.OfferAgent != "" {
			a := string(c.OfferAgent)
			offerAgent = &a
		}
		if c.Invitation != nil {
			a := string(c.Invitation.AgentID)
			invitation, invitee = c.Invitation, &a
		}
		exec(`INSERT INTO conversations (id, queue_id, customer_id, customer_name, status, agents, declined,
			offer_agent_id, offer_offered_at, offer_expires_at, priority, queued_at, created_at, ended_at, last_seq,
			invitation, invitation_agent_id)
			VALUES ($1, 'sales', $2, '', $3, $4, '{}', $5, $6, $7, 0, $8, $9, $10, $11, $12, $13)`,
			c.ID, c.CustomerID, c.Status, agents, offerAgent, nullTime(c.OfferAt), nullTime(c.OfferUntil),
			c.CreatedAt.UnixNano(), c.CreatedAt.UnixNano(), nullTime(c.EndedAt), c.LastSeq, invitation, invitee)
	}
	for _, e := range legacy.Events {
		exec(`INSERT INTO events (conversation_id, seq, time, kind, visibility, author_role, author_id, author_name,
			client_msg_id, text, queue_id, agent_id, agent_name, reason, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
			e.ConversationID, e.Seq, e.Time.UnixNano(), e.Kind, e.Visibility, e.AuthorRole, e.AuthorID, e.AuthorName,
			e.ClientMsgID, e.Text, e.QueueID, e.AgentID, e.AgentName, e.Reason, nullTime(e.ExpiresAt))
	}
	raw.Close()

	db := mustOpen(t, dsn, schema, nil) // runs the migrations after version 1
	defer db.Close()
	storetest.CheckMigrated(t, db, legacy)
}
