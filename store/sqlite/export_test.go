package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// CommitStats returns how many group-commit transactions the writer has
// committed and how many AppendEvent requests they answered.
func (db *DB) CommitStats() (commits, requests int64) {
	return db.commits.Load(), db.committed.Load()
}

// UnpreparedWork returns how many statements of the writer's batch work
// (chat starts, new customers) were parsed at the call, not prepared.
func (db *DB) UnpreparedWork() int64 { return db.unpreparedWork.Load() }

// OpenRawAt opens the database file at path without the store, with its
// schema at the given migration version: a database as an earlier version
// of Skranke left it, for migration tests.
func OpenRawAt(ctx context.Context, path string, version int64) (*sql.DB, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	if err := migrateTo(ctx, db, version); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// OpenSynchronous is Open with SQLite's synchronous setting given (FULL, as
// Open has it, or NORMAL), for benchmarks that compare them.
func OpenSynchronous(ctx context.Context, path string, opts Options, synchronous string) (*DB, error) {
	return open(ctx, path, opts, synchronous)
}

// WritePragma returns the value of PRAGMA name on the write connection.
func (db *DB) WritePragma(ctx context.Context, name string) (string, error) {
	var v string
	err := db.write.QueryRowContext(ctx, "PRAGMA "+name).Scan(&v)
	return v, err
}

// LimitPages caps the database at the pages it has now plus extra (PRAGMA
// max_page_count on the write connection, the only one that writes pages
// of new data), so that writes soon fail with SQLITE_FULL as they would on
// a full disk. A negative extra lifts the cap.
func (db *DB) LimitPages(ctx context.Context, extra int) error {
	if extra < 0 {
		_, err := db.write.ExecContext(ctx, `PRAGMA max_page_count = 1073741823`)
		return err
	}
	var n int
	if err := db.write.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&n); err != nil {
		return err
	}
	_, err := db.write.ExecContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, n+extra))
	return err
}

// ExecWrite runs a statement on the write connection, for benchmarks that
// change the schema (dropping the search index's trigger to measure what
// indexing costs).
func (db *DB) ExecWrite(ctx context.Context, stmt string) error {
	_, err := db.write.ExecContext(ctx, stmt)
	return err
}

// StopIndexing makes the store append without adding texts to the search
// index, for the benchmark of what indexing costs. Call it before use.
func (db *DB) StopIndexing() { db.unindexed = true }

// IndexAll indexes every queued document now, as a search does first.
func (db *DB) IndexAll(ctx context.Context) error { return db.indexAll(ctx) }

// SetConversationCache sets the number of conversations at which the
// writer's cache (convcache.go) is emptied, so that a test can empty it
// often. Call it before use.
func (db *DB) SetConversationCache(max int) { db.convs.max = max }
