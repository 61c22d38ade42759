// Package postgres is Skranke's store for several nodes: store.Store on
// PostgreSQL (pgx, pgxpool), the source of truth that every node shares.
//
// Every exported method is one transaction that reads the clock once. The
// rules of a chat are checked by chat.Conversation.Apply inside the
// transaction that appends the event, with the conversation's row locked
// (SELECT … FOR UPDATE): appends from any number of nodes to one
// conversation are serialised by that row, and each event's Seq is assigned
// in the transaction that commits it, so no reader ever sees seq N+1
// without seq N.
//
// AppendEvent does group commit, as the SQLite store does: callers on one
// node hand their event to one writer goroutine, owned by the DB, which
// takes everything waiting and commits it in one transaction, locking the
// batch's conversation rows in id order so that the writers of several
// nodes cannot deadlock each other.
//
// Durability: Open refuses a server whose synchronous_commit is off, unless
// Options.AllowAsyncCommit is set, since an acknowledged message must
// survive a crash of the database server.
//
// The schema is created (in Options.Schema) and upgraded on Open by the
// embedded migrations/*.sql files, run by goose under a PostgreSQL advisory
// lock, so nodes starting at once migrate one after another.
//
// Leadership (leader.go): Elector campaigns for a role, such as the router,
// with a session-level advisory lock.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"net"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"skranke/chat"
	"skranke/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// defaultMaxConns is the pool size when Options.MaxConns is zero: the writer
// and an elected role each keep one connection, and reads share the rest.
const defaultMaxConns = 10

// Options configure a DB. The zero value is ready to use.
type Options struct {
	// Now is the clock read once per transaction. Nil means time.Now.
	Now store.Clock
	// Schema is the PostgreSQL schema that holds the tables, created if
	// missing; "" means public. It must be a plain lower-case identifier
	// ([a-z_][a-z0-9_]*, at most 63 bytes). Every pooled connection has it
	// as its only search_path entry.
	Schema string
	// MaxConns is the most connections the DB opens; 0 means 10. It must be
	// at least 2: migrations hold one connection for their lock while
	// they run on another, and the writer and each Lease keep one.
	MaxConns int32
	// AllowAsyncCommit lets Open accept a server whose synchronous_commit is
	// off, where a commit may be lost if the server crashes. Only for
	// throwaway databases.
	AllowAsyncCommit bool
	// Timings hears how long the writer's commits take (metrics); its
	// Checkpoint is never called.
	Timings store.Timings
}

// DB is a Skranke store in a PostgreSQL schema. It is safe for concurrent
// use; Close it when done.
type DB struct {
	// searchProbe, when set, replaces the constant for tests (export_test.go).
	searchProbe *float64
	pool        *pgxpool.Pool
	now         store.Clock // immutable after Open
	schema      string      // immutable after Open

	// appends is the group commit of AppendEvent: its writer goroutine runs
	// commitBatch. Set by Open, stopped by Close.
	appends *store.GroupCommit
	closing chan struct{} // closed by Close: no more leases (leader.go)
	ctx     context.Context
	cancel  context.CancelFunc // cancels ctx, the writer's context, after it has stopped

	// Group-commit counters, for tests and benchmarks: transactions that
	// commitBatch committed and the requests they answered.
	commits, committed atomic.Int64

	faults store.StorageFaults // storage failures, for Health (health.go)

	leasesMu sync.Mutex
	leases   map[*Lease]struct{} // held, to be released by Close

	closeOnce sync.Once
}

var _ store.Store = (*DB)(nil)

// schemaName is what Options.Schema may be: an identifier that needs no
// quoting, so it can stand in a search_path and in goose's table name.
var schemaName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// Open connects to the database at dsn (a PostgreSQL URL or key=value
// string), checks that commits are durable, brings the schema up to date and
// starts the writer goroutine. ctx bounds opening only; the DB lives until
// Close. A database that cannot be reached is an error with code unavailable.
func Open(ctx context.Context, dsn string, opts Options) (*DB, error) {
	schema := opts.Schema
	if schema == "" {
		schema = "public"
	}
	if !schemaName.MatchString(schema) {
		return nil, fmt.Errorf("open postgres: schema %q is not a plain lower-case identifier", schema)
	}
	maxConns := opts.MaxConns
	if maxConns == 0 {
		maxConns = defaultMaxConns
	}
	if maxConns < 2 {
		return nil, fmt.Errorf("open postgres: MaxConns %d is less than 2", maxConns)
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}

	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	cfg.MaxConns = maxConns
	// A startup parameter, so every connection the pool ever opens, and
	// every statement it prepares, resolves names in the schema alone.
	cfg.ConnConfig.RuntimeParams["search_path"] = schema

	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres: %w", classify(err))
	}
	if err := checkSynchronousCommit(ctx, pool, opts.AllowAsyncCommit); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	if err := migrate(ctx, pool, schema, 0); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}

	db := &DB{
		pool:    pool,
		now:     now,
		schema:  schema,
		closing: make(chan struct{}),
	}
	// The writer outlives Open's ctx but keeps its values; Close cancels it.
	db.ctx, db.cancel = context.WithCancel(context.WithoutCancel(ctx))
	db.appends = store.StartGroupCommit(db.commitBatch, opts.Timings.Commit)
	return db, nil
}

// checkSynchronousCommit refuses a server where a commit is acknowledged
// before its WAL is flushed (synchronous_commit=off), unless allowed: a
// message acknowledged to its sender must survive a crash of the server.
//
// The values on, remote_apply, remote_write and local all flush the WAL to
// the server's own disk before the commit returns; they differ only in how
// long they also wait for synchronous standbys, which is the operator's
// replication choice, so they are accepted.
func checkSynchronousCommit(ctx context.Context, pool *pgxpool.Pool, allowAsync bool) error {
	var v string
	if err := pool.QueryRow(ctx, `SHOW synchronous_commit`).Scan(&v); err != nil {
		return fmt.Errorf("check synchronous_commit: %w", classify(err))
	}
	if v == "off" && !allowAsync {
		return errors.New("synchronous_commit is off for this database and role, so an acknowledged " +
			"message could be lost in a server crash; set it to on (ALTER DATABASE … SET synchronous_commit = on, " +
			"or in postgresql.conf), or set Options.AllowAsyncCommit for a throwaway database")
	}
	return nil
}

// migrate creates schema if need be and runs the embedded migrations that it
// has not run yet, holding an advisory lock (one per schema) so that nodes
// starting at once do it one after another: the second finds nothing to do.
//
// The lock is taken here rather than by goose's session locker because that
// one polls (at best once a second) and would leave CREATE SCHEMA, which
// itself races, outside the lock; pg_advisory_lock waits in the server and
// wakes at once when the lock is free.
//
// version 0 runs every migration; another runs them up to that version only
// (for tests of the migrations).
func migrate(ctx context.Context, pool *pgxpool.Pool, schema string, version int64) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", classify(err))
	}
	defer conn.Release()
	key := lockKey("skranke/migrate", schema)
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, key); err != nil {
		conn.Conn().Close(ctx) // a lock may be granted after all: end the session
		return fmt.Errorf("migrate: lock: %w", classify(err))
	}
	defer func() {
		var unlocked bool
		err := conn.QueryRow(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, key).Scan(&unlocked)
		if err != nil || !unlocked {
			// Never hand the pool a session that may hold the lock.
			conn.Conn().Close(context.WithoutCancel(ctx))
		}
	}()

	if _, err := conn.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+pgx.Identifier{schema}.Sanitize()); err != nil {
		return fmt.Errorf("migrate: create schema: %w", classify(err))
	}
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	sqlDB := stdlib.OpenDBFromPool(pool) // closing it leaves the pool open
	defer sqlDB.Close()
	// The version table is named with its schema, so goose finds and creates
	// it there whatever the connection's search_path.
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, fsys,
		goose.WithTableName(schema+".goose_db_version"))
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if version > 0 {
		_, err = p.UpTo(ctx, version)
	} else {
		_, err = p.Up(ctx)
	}
	if err != nil {
		return fmt.Errorf("migrate: %w", classify(err))
	}
	return nil
}

// lockKey returns the advisory lock key of a role in a schema. Advisory
// locks are shared by the whole database; mixing in the schema keeps the
// stores of different schemas (tests, several installations) apart.
func lockKey(role, schema string, key ...int64) int64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s\x00%s", role, schema)
	for _, k := range key {
		fmt.Fprintf(h, "\x00%d", k)
	}
	return int64(h.Sum64())
}

// Close releases the leases still held, stops the writer, waiting for the
// batch it is committing, and closes the pool, waiting for connections in
// use to be returned. AppendEvent and Campaign calls after Close fail with
// code unavailable. Calling Close again does nothing.
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		close(db.closing)
		db.releaseLeases()
		db.appends.Close()
		db.cancel()
		db.pool.Close()
	})
	return nil
}

// errClosed answers calls made after Close.
var errClosed = store.ErrClosed

// errUnavailable is what callers learn of a database that cannot be reached.
var errUnavailable = chat.E(chat.EUnavailable, "database_unavailable", "The database is unavailable; try again.")

// clock returns the current time as the store keeps it: in UTC, without a
// monotonic reading.
func (db *DB) clock() time.Time { return db.now().UTC().Round(0) }

// maxTxAttempts is how often a transaction that failed on a serialization
// failure or a deadlock is tried in all.
const maxTxAttempts = 5

// writeTx runs fn in one transaction, committing if fn returns nil, and
// passes fn the time of the transaction. A transaction that may succeed if
// run again (see retryable) is, a few times, with a new time; fn must allow
// that. Errors are classified (see classify).
func (db *DB) writeTx(ctx context.Context, fn func(tx pgx.Tx, now time.Time) error) error {
	for attempt := 1; ; attempt++ {
		err := db.tryTx(ctx, fn)
		if err == nil {
			db.faults.Succeeded()
		}
		if err == nil || attempt == maxTxAttempts || !retryable(err) {
			return db.classify(err)
		}
		if err := backoff(ctx, attempt); err != nil {
			return err
		}
	}
}

func (db *DB) tryTx(ctx context.Context, fn func(tx pgx.Tx, now time.Time) error) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) // a no-op after Commit
	if err := fn(tx, db.clock()); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// backoff waits a little before attempt+1, longer after each attempt.
func backoff(ctx context.Context, attempt int) error {
	t := time.NewTimer(time.Duration(attempt) * 5 * time.Millisecond)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// SQLSTATE codes the store acts on.
const (
	codeUniqueViolation      = "23505"
	codeForeignKeyViolation  = "23503"
	codeSerializationFailure = "40001"
	codeDeadlockDetected     = "40P01"
)

// pgCode returns err's SQLSTATE, "" if it is not from the server.
func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// retryable reports whether running a failed transaction again may
// succeed: PostgreSQL aborted it only to break a deadlock or a serialization
// conflict, or it failed before anything reached the server (such as on a
// pooled connection that the server had closed meanwhile).
func retryable(err error) bool {
	c := pgCode(err)
	return c == codeSerializationFailure || c == codeDeadlockDetected || pgconn.SafeToRetry(err)
}

// conflict translates a unique violation into dup, a chat conflict, and a
// foreign-key violation into invalid; other errors are returned as they
// are. It goes by SQLSTATE, never by the text of the message.
func conflict(err error, dup *chat.Error) error {
	switch pgCode(err) {
	case codeUniqueViolation:
		return dup
	case codeForeignKeyViolation:
		return chat.E(chat.EInvalid, "reference_missing", "It refers to something that does not exist.")
	}
	return err
}

// classify wraps an error that means the database cannot be reached (a
// failed dial, a lost connection, a server shutting down or out of
// connections) so that it also is errUnavailable, and one that means the
// server's storage failed (see storageFailure) so that it also is
// store.ErrStorage, keeping the cause in the chain. *chat.Error, context
// errors and all other errors are returned as they are.
func classify(err error) error {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var ce *chat.Error
	if errors.As(err, &ce) {
		return err
	}
	if connectionError(err) {
		return fmt.Errorf("%w: %w", errUnavailable, err)
	}
	if storageFailure(err) {
		return fmt.Errorf("%w: %w", store.ErrStorage, err)
	}
	return err
}

// connectionError reports whether err is a failure to reach the server or
// to keep talking to it, rather than an error in what was asked.
func connectionError(err error) bool {
	if c := pgCode(err); c != "" {
		switch {
		case strings.HasPrefix(c, "08"): // connection exception
			return true
		case c == "57P01", c == "57P02", c == "57P03": // admin or crash shutdown, cannot connect now
			return true
		case c == "53300": // too many connections
			return true
		}
		return false
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	return errors.As(err, &connectErr) || errors.As(err, &netErr) ||
		errors.Is(err, pgconn.ErrConnClosed) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// Times are stored as BIGINT Unix nanoseconds, NULL for the zero time.

// timeValue converts t to its stored form.
func timeValue(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	n := t.UnixNano()
	return &n
}

// nullTime converts a stored time back; NULL is the zero time.
func nullTime(n *int64) time.Time {
	if n == nil {
		return time.Time{}
	}
	return time.Unix(0, *n).UTC()
}

// unixTime converts a NOT NULL stored time back.
func unixTime(n int64) time.Time { return time.Unix(0, n).UTC() }

// exists reports whether query, which selects one row or none, finds a row.
func exists(ctx context.Context, q querier, query string, args ...any) (bool, error) {
	var one int
	err := q.QueryRow(ctx, query, args...).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// querier is what *pgxpool.Pool and pgx.Tx have in common for reading.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}
