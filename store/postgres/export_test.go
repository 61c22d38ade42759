package postgres

import (
	"context"
)

// CommitStats returns how many group-commit transactions the writer has
// committed and how many AppendEvent requests they answered.
func (db *DB) CommitStats() (commits, requests int64) {
	return db.commits.Load(), db.committed.Load()
}

// BackendPIDs returns the server process ids of the pool's idle
// connections, for tests that end them.
func (db *DB) BackendPIDs(ctx context.Context) []uint32 {
	var pids []uint32
	for _, c := range db.pool.AcquireAllIdle(ctx) {
		pids = append(pids, c.Conn().PgConn().PID())
		c.Release()
	}
	return pids
}

// PID returns the server process id of the lease's connection.
func (l *Lease) PID() uint32 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.conn.Conn().PgConn().PID()
}
