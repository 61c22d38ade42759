package sqlite

import "context"

// CommitStats returns how many group-commit transactions the writer has
// committed and how many AppendEvent requests they answered.
func (db *DB) CommitStats() (commits, requests int64) {
	return db.commits.Load(), db.committed.Load()
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
