package postgres

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
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

// OpenRawAt returns a pool on schema with the schema's tables at the given
// migration version: a database as an earlier version of Skranke left it,
// for migration tests. The caller closes the pool.
func OpenRawAt(ctx context.Context, dsn, schema string, version int64) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = 2
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := migrate(ctx, pool, schema, version); err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}

// SetSearchProbe sets how many matching events make a search common (the
// chat log's plan chat by chat): 0 takes that plan for every search.
func (db *DB) SetSearchProbe(n float64) { db.searchProbe = &n }
