package sqlite

import (
	"context"
	"database/sql"
)

// CommitStats returns how many group-commit transactions the writer has
// committed and how many AppendEvent requests they answered.
func (db *DB) CommitStats() (commits, requests int64) {
	return db.commits.Load(), db.committed.Load()
}

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
