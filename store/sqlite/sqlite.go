// Package sqlite is Skranke's single-node store: store.Store on an embedded
// SQLite database (modernc.org/sqlite, pure Go) in WAL mode.
//
// Durability: every connection runs with synchronous=FULL, so a commit
// returns only after the WAL has been fsynced: what AppendEvent (or any
// other method) acknowledges survives an operating-system crash or a power
// cut, not only a kill of the process. Group commit keeps that to one fsync
// per batch (docs/benchmarks.md has the cost).
//
// A DB holds two connection pools on one file: a write pool of exactly one
// connection, so writers never contend for SQLite's lock, and a read pool of
// several query-only connections, which WAL lets read while the writer writes.
// Every exported method is one transaction that reads the clock once.
//
// AppendEvent does group commit: callers hand their event to one writer
// goroutine, owned by the DB, which takes everything waiting and commits it in
// one transaction before answering each caller. Under load this turns many
// small commits into few larger ones, which is where SQLite's speed is.
// StartConversation and CreateCustomer commit in the same batches
// (store.GroupCommit Do).
//
// The schema is created and upgraded on Open by the embedded
// migrations/*.sql files, run by goose.
package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pressly/goose/v3"
	// Package sqlite of modernc registers the "sqlite" database/sql driver
	// and defines *sqlite.Error, whose Code is SQLite's extended result code.
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"skranke/chat"
	"skranke/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// readConns is the size of the read pool. Readers in WAL mode never block the
// writer or each other, so a few connections serve many requests.
const readConns = 4

// Options configure a DB. The zero value is ready to use.
type Options struct {
	// Now is the clock read once per transaction. Nil means time.Now.
	Now store.Clock
	// WALLimit is the size of the WAL above which the checkpointer resets
	// it; DefaultWALLimit if 0.
	WALLimit int64
	// Timings hears how long commits and checkpoints take (metrics).
	Timings store.Timings
}

// DefaultWALLimit is the WAL size above which the checkpointer resets it.
const DefaultWALLimit = 64 << 20

// DB is a Skranke store in one SQLite file. It is safe for concurrent use;
// Close it when done.
type DB struct {
	write *sql.DB     // exactly one connection; every write goes through it
	read  *sql.DB     // query-only connections for reads
	now   store.Clock // immutable after Open

	// appends is the group commit of AppendEvent: its writer goroutine runs
	// commitBatch. Set by Open, stopped by Close.
	appends *store.GroupCommit
	ctx     context.Context
	cancel  context.CancelFunc // cancels ctx, the writer's context, after it has stopped

	// Statements of the writer, prepared once on the write connection: in a
	// small transaction, parsing SQL would cost more than running it.
	stmts writerStmts

	// convs are the open conversations as committed, for the writer
	// (convcache.go).
	convs convCache

	// Group-commit counters, for tests and benchmarks: transactions that
	// commitBatch committed and the requests they answered.
	commits, committed atomic.Int64
	// unpreparedWork counts statements of a batch's work that were not
	// among workSQL and so were parsed at the call (workTx), for tests.
	unpreparedWork atomic.Int64

	faults store.StorageFaults // storage failures, for Health (health.go)

	prepared preparedReads // the hot reads' statements (prepared.go)

	// ckpt is the connection of the checkpointer goroutine, which copies
	// the WAL into the database file in the background, so that the writer
	// never pays for a checkpoint (its fsync above all) in a commit.
	ckpt      *sql.DB
	ckptStop  chan struct{}       // closed by Close
	ckptDone  chan struct{}       // closed when the checkpointer has stopped
	walLimit  int64               // the WAL size that makes the checkpointer empty it
	onCkpt    func(time.Duration) // Options.Timings.Checkpoint; may be nil
	unindexed bool                // appends skip the search index (benchmarks only: StopIndexing)
	indexStop chan struct{}       // closed by Close to stop the indexer (indexLoop)
	indexDone chan struct{}       // closed when the indexer has stopped
	// queued is set when documents are queued for the indexer (and at
	// Open, for what an earlier run left), and cleared by the indexer
	// before it indexes.
	queued atomic.Bool

	closeOnce sync.Once
	closeErr  error
}

// writerStmts are the statements commitBatch runs for every batch.
type writerStmts struct {
	conversation          *sql.Stmt // conversationColumns and ord by id
	queueDocs             *sql.Stmt // queues documents (a JSON array of ord<<ftsShift | seq) for the indexer
	eventByClientMsgID    *sql.Stmt // eventColumns by conversation, author and client message id
	insertEvent           *sql.Stmt // eventArgs; does nothing for a client message id stored already
	updateConversation    *sql.Stmt // conversationUpdate
	updateConversationLog *sql.Stmt // conversationLogUpdate
	upsertParticipant     *sql.Stmt // participantArgs
	attachment            *sql.Stmt // attachmentColumns by id
	sendAttachment        *sql.Stmt // marks an unsent attachment (id) sent by a message (seq)
	webhooksExist         *sql.Stmt // webhooksExistSQL
	enqueueWebhooks       *sql.Stmt // enqueueWebhooksSQL
	// work are the statements of the work a batch carries (workInBatch:
	// a chat's start, a new customer) by query text, workSQL's.
	work map[string]*sql.Stmt
}

// prepare prepares the writer's statements on db.
func (st *writerStmts) prepare(ctx context.Context, db *sql.DB) error {
	for _, s := range []struct {
		stmt  **sql.Stmt
		query string
	}{
		{&st.conversation, `SELECT ` + conversationColumns + `, ord FROM conversations WHERE id = ?`},
		{&st.queueDocs, `INSERT INTO search_queue (doc) SELECT value FROM json_each(?)`},
		{&st.eventByClientMsgID, eventByClientMsgIDSQL},
		// A retry is found by the unique index (writeBatch).
		{&st.insertEvent, insertEventSQL + ` ON CONFLICT (ord, client_key) DO NOTHING`},
		{&st.updateConversation, updateConversationSQL},
		{&st.updateConversationLog, updateConversationLogSQL},
		{&st.upsertParticipant, upsertParticipantSQL},
		{&st.attachment, `SELECT ` + attachmentColumns + ` FROM attachments WHERE id = ?`},
		{&st.sendAttachment, `UPDATE attachments SET message_seq = ? WHERE id = ? AND message_seq IS NULL AND expired_at IS NULL`},
		{&st.webhooksExist, webhooksExistSQL},
		{&st.enqueueWebhooks, enqueueWebhooksSQL},
	} {
		var err error
		if *s.stmt, err = db.PrepareContext(ctx, s.query); err != nil {
			return fmt.Errorf("prepare: %w", err)
		}
	}
	st.work = make(map[string]*sql.Stmt, len(workSQL))
	for _, query := range workSQL {
		s, err := db.PrepareContext(ctx, query)
		if err != nil {
			return fmt.Errorf("prepare: %w", err)
		}
		st.work[query] = s
	}
	return nil
}

var _ store.Store = (*DB)(nil)

// Open opens (creating if need be) the SQLite database at path, brings its
// schema up to date and starts the writer goroutine. ctx bounds opening
// only; the DB lives until Close.
func Open(ctx context.Context, path string, opts Options) (*DB, error) {
	return open(ctx, path, opts, "FULL")
}

// open is Open with the synchronous setting given: FULL in production;
// benchmarks compare it with NORMAL.
func open(ctx context.Context, path string, opts Options, synchronous string) (*DB, error) {
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("open sqlite: path %q must not contain '?' or '#'", path)
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	// FULL: in WAL mode, each commit fsyncs the WAL before it returns (NORMAL
	// would fsync only at checkpoints, and a power cut could lose commits
	// that were acknowledged).
	q.Add("_pragma", "synchronous("+synchronous+")")
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "foreign_keys(1)")
	// Deleted chats (retention, erasure) are overwritten with zeros in the
	// pages that held them, not left readable in free space; FAST skips
	// the pages it would have to read for it.
	q.Add("_pragma", "secure_delete(FAST)")
	dsn := "file:" + path + "?" + q.Encode()

	// The writer begins IMMEDIATE transactions: it takes the write lock at
	// BEGIN, so a read-then-write transaction can never fail to upgrade.
	// It never checkpoints by itself: the checkpointer does, off the commit
	// path, and empties the WAL on this connection when it grows too large.
	// Its page cache is 4 MiB, twice SQLite's default and no more. When a
	// commit has split a b-tree page in the middle (the log's indexes by
	// ord do, under load), SQLite has put the new pages in order through
	// a temporary page number just past 1 GiB, and while the file is
	// smaller than that, the commit's end scans the whole cache to drop
	// pages beyond the end of the file. With 64 MiB that scan was 8-9 %
	// of the server's CPU and the cache 118 MiB of its memory; with 4 MiB
	// it is 1 %, and the pages an append needs that fall out of it are
	// read from the operating system's cache for about 1 %
	// (docs/benchmarks.md, 2026-12-03).
	write, err := sql.Open("sqlite", dsn+"&_txlock=immediate&_pragma=wal_autocheckpoint(0)&_pragma=cache_size(-4096)")
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)
	if err := migrate(ctx, write); err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite: %w", err)
	}

	read, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	read.SetMaxOpenConns(readConns)
	read.SetMaxIdleConns(readConns)
	read.SetConnMaxLifetime(0)
	read.SetConnMaxIdleTime(0)
	if err := read.PingContext(ctx); err != nil {
		write.Close()
		read.Close()
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	var stmts writerStmts
	if err := stmts.prepare(ctx, write); err != nil {
		write.Close() // closes the statements too
		read.Close()
		return nil, fmt.Errorf("open sqlite: %w", err)
	}

	ckpt, err := sql.Open("sqlite", dsn)
	if err != nil {
		write.Close()
		read.Close()
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	ckpt.SetMaxOpenConns(1)
	db := &DB{
		write:     write,
		read:      read,
		now:       now,
		stmts:     stmts,
		ckpt:      ckpt,
		ckptStop:  make(chan struct{}),
		walLimit:  cmp.Or(opts.WALLimit, DefaultWALLimit),
		onCkpt:    opts.Timings.Checkpoint,
		ckptDone:  make(chan struct{}),
		indexStop: make(chan struct{}),
		indexDone: make(chan struct{}),
	}
	go db.checkpointLoop()
	// The writer outlives Open's ctx but keeps its values; Close cancels it.
	db.ctx, db.cancel = context.WithCancel(context.WithoutCancel(ctx))
	db.appends = store.StartGroupCommit(db.commitBatch, opts.Timings.Commit)
	db.queued.Store(true) // what an earlier run queued and did not index
	go db.indexLoop()
	return db, nil
}

// checkpointInterval is how often the checkpointer copies the WAL into the
// database file. Between checkpoints the WAL grows by what was written.
const checkpointInterval = time.Second

// checkpointLoop checkpoints the WAL in the background until Close, and
// once more, truncating the WAL, when it stops. A PASSIVE checkpoint waits
// for nobody: what readers still use is copied next time. But the WAL
// starts again from its beginning only when a checkpoint has copied all of
// it before the next write, which under a steady stream of writes never
// happens, and the WAL would grow without end; so when it is larger than
// walLimit, the checkpointer resets it on the writer's own connection
// (resetWAL), between two of its transactions.
func (db *DB) checkpointLoop() {
	defer close(db.ckptDone)
	t := time.NewTicker(checkpointInterval)
	defer t.Stop()
	page := db.pageSize()
	for {
		select {
		case <-db.ckptStop:
			db.ckpt.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
			return
		case <-t.C:
			// A failure (the database busy, a disk error) is tried again
			// next time; the WAL keeps everything meanwhile.
			var busy, frames, copied int64
			start := time.Now()
			if err := db.ckpt.QueryRow(`PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &copied); err != nil {
				continue
			}
			if db.onCkpt != nil { // the checkpoint alone, not a reset that follows
				db.onCkpt(time.Since(start))
			}
			if frames*page > db.walLimit {
				db.resetWAL()
			}
		}
	}
}

// resetWAL copies what is left of the WAL into the database and makes the
// next transaction write the WAL from its beginning again, on the writer's
// connection: it has the connection when the writer is between
// transactions (a checkpointer's own reset would wait for a writer that
// never pauses), and holds the writer only for what the last PASSIVE
// checkpoint left. It waits at most 200 ms for readers still reading the
// WAL, else it is tried again at the next tick.
//
// It is a RESTART, not a TRUNCATE: the WAL file keeps its length (about
// walLimit and a second's writes) and is written over from its start.
// Measured with the load tool, delivery p99 at 1k msg/s was 43–50 ms with
// TRUNCATE and 13–17 ms with RESTART (docs/benchmarks.md, "What limits
// Skranke now"); shortening the file and growing it again, while the
// writer waits, is the likely cost. Close truncates it.
func (db *DB) resetWAL() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return
	}
	defer conn.Close()
	conn.ExecContext(ctx, `PRAGMA busy_timeout = 200`)
	conn.ExecContext(ctx, `PRAGMA wal_checkpoint(RESTART)`)
	conn.ExecContext(ctx, `PRAGMA busy_timeout = 5000`)
}

// pageSize returns the database's page size (4096 if it cannot be read).
func (db *DB) pageSize() int64 {
	n := int64(4096)
	db.ckpt.QueryRow(`PRAGMA page_size`).Scan(&n)
	return n
}

// migrate runs the embedded migrations that db has not run yet.
func migrate(ctx context.Context, db *sql.DB) error { return migrateTo(ctx, db, 0) }

// migrateTo runs the embedded migrations up to version (0: all of them).
func migrateTo(ctx context.Context, db *sql.DB, version int64) error {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, fsys)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if version > 0 {
		_, err = p.UpTo(ctx, version)
	} else {
		_, err = p.Up(ctx)
	}
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// Close stops the writer, waiting for the batch it is committing, and closes
// the database. AppendEvent calls after Close fail with code unavailable.
// Calling Close again returns the first call's result.
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		db.appends.Close()
		close(db.indexStop)
		<-db.indexDone
		db.cancel()
		close(db.ckptStop)
		<-db.ckptDone
		db.closeErr = errors.Join(db.read.Close(), db.write.Close(), db.ckpt.Close())
	})
	return db.closeErr
}

// clock returns the current time as the store keeps it: in UTC, without a
// monotonic reading, at the resolution it is stored with.
func (db *DB) clock() time.Time { return db.now().UTC().Round(0) }

// writeTx runs fn in one transaction on the write connection, committing if
// fn returns nil. It passes fn the time of the transaction.
// A failure of the storage (a full disk, an I/O error) comes back with
// store.ErrStorage in its chain; a commit tells Health the storage works.
func (db *DB) writeTx(ctx context.Context, fn func(tx *sql.Tx, now time.Time) error) error {
	err := db.tryTx(ctx, fn)
	if err == nil {
		db.faults.Succeeded()
	}
	return db.classify(err)
}

func (db *DB) tryTx(ctx context.Context, fn func(tx *sql.Tx, now time.Time) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() // a no-op after Commit
	if err := fn(tx, db.clock()); err != nil {
		return err
	}
	return tx.Commit()
}

// Times are stored as INTEGER Unix nanoseconds, NULL for the zero time.

// timeValue converts t to its stored form.
func timeValue(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixNano()
}

// nullTime converts a stored time back; NULL is the zero time.
func nullTime(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.Unix(0, n.Int64).UTC()
}

// unixTime converts a NOT NULL stored time back.
func unixTime(n int64) time.Time { return time.Unix(0, n).UTC() }

// conflict translates SQLite's unique and primary-key constraint errors into
// dup, a chat conflict, and foreign-key errors into invalid; other errors
// are returned as they are. It goes by SQLite's extended result codes, never
// by the text of the message.
func conflict(err error, dup *chat.Error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return dup
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return chat.E(chat.EInvalid, "reference_missing", "It refers to something that does not exist.")
	}
	return err
}

// exists reports whether query, which selects one row or none, finds a row.
func exists(ctx context.Context, q querier, query string, args ...any) (bool, error) {
	var one int
	err := q.QueryRowContext(ctx, query, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// querier is what *sql.DB and *sql.Tx have in common for reading.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// scanner is a row: *sql.Row or *sql.Rows.
type scanner interface{ Scan(...any) error }

// queryAll runs a query on the read pool and scans every row with scan.
// what names the call in errors.
func queryAll[T any](ctx context.Context, db *DB, what string, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	return queryAllOn(ctx, db, db.read, what, scan, query, args...)
}

// queryAllOn is queryAll on q: db.hot() for a query whose text is a
// constant.
func queryAllOn[T any](ctx context.Context, db *DB, q querier, what string, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, db.classify(err))
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, db.classify(err))
	}
	return out, nil
}
