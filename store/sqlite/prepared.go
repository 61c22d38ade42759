package sqlite

import (
	"context"
	"database/sql"
	"sync"
)

// Reads made at every hello and catch-up (a conversation by id, a page of
// its log, a customer by token, a session) are prepared once per query
// text, not parsed again at each call: for a read of one row by its key,
// SQLite's parse and plan cost as much as running it (a conversation by
// id, 47 µs a call unprepared against 23 µs prepared), and a reconnect
// storm makes tens of thousands of them.
//
// Only queries whose text is a constant go through it: the cache keeps
// every text it was given until the DB is closed.

// preparedReads is the read pool's statements by query text. Its zero
// value is ready to use; a statement, once prepared, is prepared again by
// database/sql on each connection of the pool that runs it.
type preparedReads struct {
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

// stmt returns the statement of query on pool, preparing it the first time.
// It prepares without holding p.mu, which may wait for a connection of
// the pool; two calls that race both prepare, and the second's statement
// is closed.
func (p *preparedReads) stmt(ctx context.Context, pool *sql.DB, query string) (*sql.Stmt, error) {
	p.mu.Lock()
	st, ok := p.stmts[query]
	p.mu.Unlock()
	if ok {
		return st, nil
	}
	st, err := pool.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if first, ok := p.stmts[query]; ok {
		st.Close()
		return first, nil
	}
	if p.stmts == nil {
		p.stmts = make(map[string]*sql.Stmt)
	}
	p.stmts[query] = st
	return st, nil
}

// hot returns a querier over the read pool whose statements are prepared
// once (preparedReads), for queries whose text is a constant.
func (db *DB) hot() querier { return hotReads{db} }

// hotReads is the read pool through db.prepared.
type hotReads struct{ db *DB }

func (h hotReads) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := h.db.prepared.stmt(ctx, h.db.read, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (h hotReads) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := h.db.prepared.stmt(ctx, h.db.read, query)
	if err != nil {
		// The unprepared query fails the same way, and its Row carries
		// the error.
		return h.db.read.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}
