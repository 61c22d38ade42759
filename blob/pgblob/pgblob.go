// Package pgblob is blob.Store in PostgreSQL, for several nodes: every node
// reads every blob from the database they share, so a file uploaded through
// one node downloads through any other.
//
// A blob is a row of the table blobs and its bytes in chunks of ChunkSize
// in blob_chunks. Put streams the chunks in with COPY inside one
// transaction, so the blob appears whole when the transaction commits, and
// a failure or a crash before that leaves nothing (PostgreSQL rolls the
// transaction back). Open reads one chunk per query as the reader asks for
// it, so neither side ever holds more than a chunk of a blob in memory.
//
// The schema is created and upgraded on Open by the embedded
// migrations/*.sql files, run by goose under an advisory lock (its own
// version table, so it can share a schema with package store/postgres).
package pgblob

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
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"skranke/blob"
	"skranke/chat"
)

//go:embed migrations/*.sql
var migrations embed.FS

// ChunkSize is the size of each chunk but a blob's last: large enough that
// a 20 MB file is 80 rows, small enough that a reader's buffer is small.
const ChunkSize = 256 << 10

// Options configure a Store. The zero value is ready to use.
type Options struct {
	// Schema is the PostgreSQL schema of the tables, created if missing;
	// "" means public. It must be a plain lower-case identifier.
	Schema string
	// MaxConns is the most connections the store opens; 0 means 4 (a
	// Put copies from a local file, and a read is a query per chunk).
	MaxConns int32
}

// Store is a blob.Store in a PostgreSQL schema.
type Store struct {
	pool *pgxpool.Pool // immutable after Open
}

var _ blob.Store = (*Store)(nil)

var schemaName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// Open connects to the database at dsn and brings the schema up to date.
// ctx bounds opening only.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	schema := opts.Schema
	if schema == "" {
		schema = "public"
	}
	if !schemaName.MatchString(schema) {
		return nil, fmt.Errorf("open blob store: schema %q is not a plain lower-case identifier", schema)
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("open blob store: %w", err)
	}
	cfg.MaxConns = opts.MaxConns
	if cfg.MaxConns == 0 {
		cfg.MaxConns = 4
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open blob store: %w", err)
	}
	if err := migrate(ctx, pool, schema); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open blob store: %w", classify(err))
	}
	return &Store{pool: pool}, nil
}

// migrate runs the migrations that schema lacks, one node at a time.
func migrate(ctx context.Context, pool *pgxpool.Pool, schema string) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	h := fnv.New64a()
	fmt.Fprintf(h, "skranke/blob-migrate\x00%s", schema)
	key := int64(h.Sum64())
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, key); err != nil {
		conn.Conn().Close(ctx)
		return fmt.Errorf("migrate: lock: %w", err)
	}
	defer func() {
		var unlocked bool
		if err := conn.QueryRow(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, key).Scan(&unlocked); err != nil || !unlocked {
			conn.Conn().Close(context.WithoutCancel(ctx))
		}
	}()
	if _, err := conn.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+pgx.Identifier{schema}.Sanitize()); err != nil {
		return fmt.Errorf("migrate: create schema: %w", err)
	}
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	sqlDB := stdlib.OpenDBFromPool(pool)
	defer sqlDB.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, fsys, goose.WithTableName(schema+".blob_db_version"))
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// Put streams r into key's chunks in one transaction, replacing the blob
// key held; the blob appears when the transaction commits.
func (s *Store) Put(ctx context.Context, key string, r io.Reader) (int64, error) {
	if err := blob.CheckKey(key); err != nil {
		return 0, err
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("put blob: %w", classify(err))
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) // a no-op after Commit
	if _, err := tx.Exec(ctx, `DELETE FROM blobs WHERE key = $1`, key); err != nil {
		return 0, fmt.Errorf("put blob: %w", classify(err))
	}
	if _, err := tx.Exec(ctx, `INSERT INTO blobs (key, size, chunk_size, created_at) VALUES ($1, 0, $2, $3)`,
		key, ChunkSize, time.Now().UnixNano()); err != nil {
		return 0, fmt.Errorf("put blob: %w", classify(err))
	}
	src := &chunkSource{key: key, r: blob.ContextReader(ctx, r), buf: make([]byte, ChunkSize)}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"blob_chunks"}, []string{"key", "n", "data"}, src); err != nil {
		if src.err != nil {
			return 0, fmt.Errorf("put blob: %w", src.err)
		}
		return 0, fmt.Errorf("put blob: %w", classify(err))
	}
	if _, err := tx.Exec(ctx, `UPDATE blobs SET size = $2 WHERE key = $1`, key, src.size); err != nil {
		return 0, fmt.Errorf("put blob: %w", classify(err))
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("put blob: %w", classify(err))
	}
	return src.size, nil
}

// chunkSource is the rows of COPY: a chunk of r at a time, in one buffer
// (pgx encodes each row before it asks for the next).
type chunkSource struct {
	key  string
	r    io.Reader
	buf  []byte
	n    int   // chunks so far
	last int   // bytes in the current chunk
	size int64 // bytes so far
	err  error // r's error
	done bool
}

func (c *chunkSource) Next() bool {
	if c.done {
		return false
	}
	m, err := io.ReadFull(c.r, c.buf)
	switch {
	case err == io.EOF:
		c.done = true
		return false
	case err == io.ErrUnexpectedEOF:
		c.done = true // the last chunk, short
	case err != nil:
		c.err, c.done = err, true
		return false
	}
	c.last = m
	c.size += int64(m)
	return true
}

func (c *chunkSource) Values() ([]any, error) {
	v := []any{c.key, c.n, c.buf[:c.last]}
	c.n++
	return v, nil
}

func (c *chunkSource) Err() error { return c.err }

// Open returns a reader of key's chunks.
func (s *Store) Open(ctx context.Context, key string) (blob.Object, error) {
	if err := blob.CheckKey(key); err != nil {
		return nil, err
	}
	o := &object{ctx: ctx, pool: s.pool, key: key, cached: -1}
	err := s.pool.QueryRow(ctx, `SELECT size, chunk_size FROM blobs WHERE key = $1`, key).Scan(&o.size, &o.chunkSize)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, blob.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("open blob: %w", classify(err))
	}
	return o, nil
}

// Delete removes key's row and, by the foreign key, its chunks.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := blob.CheckKey(key); err != nil {
		return err
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM blobs WHERE key = $1`, key); err != nil {
		return fmt.Errorf("delete blob: %w", classify(err))
	}
	return nil
}

// Close closes the pool, waiting for connections in use.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// object reads a blob a chunk at a time.
type object struct {
	ctx       context.Context
	pool      *pgxpool.Pool
	key       string
	size      int64
	chunkSize int64
	pos       int64
	cached    int64  // the chunk in data; -1 for none
	data      []byte // chunk cached
}

func (o *object) Size() int64 { return o.size }

func (o *object) Read(p []byte) (int, error) {
	if o.pos >= o.size {
		return 0, io.EOF
	}
	n := o.pos / o.chunkSize
	if n != o.cached {
		if err := o.fetch(n); err != nil {
			return 0, err
		}
	}
	off := o.pos - n*o.chunkSize
	if off >= int64(len(o.data)) {
		return 0, fmt.Errorf("read blob %s: chunk %d is short", o.key, n)
	}
	m := copy(p, o.data[off:])
	o.pos += int64(m)
	return m, nil
}

// fetch reads chunk n into o.data, reusing its memory: the chunk is
// scanned as the driver's own bytes and copied once.
func (o *object) fetch(n int64) error {
	rows, err := o.pool.Query(o.ctx, `SELECT data FROM blob_chunks WHERE key = $1 AND n = $2`, o.key, n)
	if err != nil {
		return fmt.Errorf("read blob %s: %w", o.key, classify(err))
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read blob %s: %w", o.key, classify(err))
		}
		return fmt.Errorf("read blob %s: chunk %d is missing (deleted while read?)", o.key, n)
	}
	var b pgtype.DriverBytes // valid until the next Next or Close
	if err := rows.Scan(&b); err != nil {
		return fmt.Errorf("read blob %s: %w", o.key, err)
	}
	o.data = append(o.data[:0], b...)
	o.cached = n
	return nil
}

func (o *object) Seek(offset int64, whence int) (int64, error) {
	var pos int64
	switch whence {
	case io.SeekStart:
		pos = offset
	case io.SeekCurrent:
		pos = o.pos + offset
	case io.SeekEnd:
		pos = o.size + offset
	default:
		return 0, errors.New("seek: invalid whence")
	}
	if pos < 0 {
		return 0, errors.New("seek: negative position")
	}
	o.pos = pos
	return pos, nil
}

func (o *object) Close() error {
	o.data = nil
	return nil
}

// errUnavailable is what callers learn of a database that cannot be reached.
var errUnavailable = chat.E(chat.EUnavailable, "files_unavailable", "The file store is unavailable; try again.")

// classify marks an error that means the database cannot be reached as
// errUnavailable too, keeping the cause in the chain.
func classify(err error) error {
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	if errors.As(err, &connectErr) || errors.As(err, &netErr) || errors.Is(err, io.ErrUnexpectedEOF) || pgconn.SafeToRetry(err) {
		return fmt.Errorf("%w: %w", errUnavailable, err)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && (pe.Code[:2] == "08" || pe.Code == "57P01" || pe.Code == "53300") {
		return fmt.Errorf("%w: %w", errUnavailable, err)
	}
	return err
}
