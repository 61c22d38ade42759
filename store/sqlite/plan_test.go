package sqlite

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"skranke/chat"
	"skranke/store"
)

// queryPlan returns SQLite's plan of query, one line per step.
func queryPlan(t *testing.T, db *DB, query string, args ...any) string {
	t.Helper()
	rows, err := db.read.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatalf("EXPLAIN QUERY PLAN %s: %v", query, err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		b.WriteString(detail + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// An agent's open chats, read at every agent's hello, are found from the
// agent's participants rows, not by reading every open chat: in a
// reconnect storm that would be all agents × all chats.
func TestConversations_agentPlan(t *testing.T) {
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "skranke.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	open := []chat.ConversationStatus{chat.StatusWaiting, chat.StatusActive}
	for _, f := range []store.ConversationFilter{
		{AgentID: "u1", Statuses: open},
		{AgentID: "u1", Statuses: open, Limit: 10},
		{AgentID: "u1"},
	} {
		query, args := conversationsQuery(f)
		plan := queryPlan(t, db, query, args...)
		if !strings.Contains(plan, "participants_agent") || strings.Contains(plan, "conversations_status") || strings.Contains(plan, "SCAN conversations") {
			t.Errorf("plan of Conversations(%+v) =\n%s\nwant a search of participants_agent, then conversations by id", f, plan)
		}
	}
}

// A chat's events are read through the narrow indexes of the log (migration
// 00022), never by reading the log: by ord and seq for a catch-up and for
// the indexer, by ord and client_key for a retry.
func TestEvents_plan(t *testing.T) {
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "skranke.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []struct {
		query string
		args  []any
		index string
	}{
		{eventsAfterSQL, []any{"c1", 0, 10}, "events_ord_seq"},
		{eventByClientMsgIDSQL, clientMsgArgs(store.MsgKey{Conversation: "c1", Author: "u1", ClientMsgID: "m1"}), "events_client_key"},
		{indexQueuedSQL, []any{10}, "events_ord_seq"},
		// Erasure: the documents of the chats' events, then the events.
		// (either index will do: both begin with ord)
		{erasedTables[0], []any{`["c1"]`}, "(ord=?"},
		{erasedTables[1], []any{`["c1"]`}, "(ord=?"},
		// The chat log's hits (addHits).
		{eventsByKeySQL(2), []any{1, 2, 3, 4}, "events_ord_seq"},
	} {
		plan := queryPlan(t, db, q.query, q.args...)
		if !strings.Contains(plan, q.index) || strings.Contains(plan, "SCAN e\n") || strings.Contains(plan, "SCAN events") {
			t.Errorf("plan of %s =\n%s\nwant a search by %s", q.query, plan, q.index)
		}
	}
}

// Every foreign key's columns begin an index of their table (or its integer
// primary key): SQLite checks a parent's delete by looking its children up,
// and without such an index each deleted conversation would read all its
// children's table, the whole log for the events (erasure, retention).
func TestForeignKeys_indexed(t *testing.T) {
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "skranke.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := t.Context()
	strs := func(query string, args ...any) []string {
		t.Helper()
		out, err := queryAll(ctx, db, "schema", func(s scanner) (string, error) {
			var v string
			return v, s.Scan(&v)
		}, query, args...)
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return out
	}
	keys := 0
	for _, table := range strs(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`) {
		// The leading columns of each index of the table, and of the
		// integer primary key (the rowid), which is no index of its own.
		var leads [][]string
		for _, index := range strs(`SELECT name FROM pragma_index_list(?)`, table) {
			leads = append(leads, strs(`SELECT name FROM pragma_index_info(?) ORDER BY seqno`, index))
		}
		leads = append(leads, strs(`SELECT name FROM pragma_table_info(?) WHERE pk = 1 AND upper(type) = 'INTEGER'
			AND (SELECT count(*) FROM pragma_table_info(?) WHERE pk > 0) = 1`, table, table))
		for _, id := range strs(`SELECT DISTINCT id FROM pragma_foreign_key_list(?)`, table) {
			cols := strs(`SELECT "from" FROM pragma_foreign_key_list(?) WHERE id = CAST(? AS INTEGER) ORDER BY seq`, table, id)
			keys++
			if len(cols) == 0 || !slices.ContainsFunc(leads, func(lead []string) bool {
				return len(lead) >= len(cols) && slices.Equal(lead[:len(cols)], cols)
			}) {
				t.Errorf("foreign key %s(%s): no index of %s begins with it", table, strings.Join(cols, ", "), table)
			}
		}
	}
	if keys < 5 {
		t.Errorf("%d foreign keys found, want those of the schema", keys)
	}
}
