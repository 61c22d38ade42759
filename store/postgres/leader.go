package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Leadership is a session-level advisory lock: the node whose database
// session holds the lock of a role leads it. PostgreSQL releases the lock
// when the session ends, however it ends (Release, a crash of the node, a
// terminated backend), and then the next node's try succeeds. No
// home-made consensus: the database is the single arbiter.
//
// The lock is held on one connection that the Lease keeps out of the pool
// for its term. The Lease pings it in the background, so a node learns
// within about PingInterval that it has lost its session, and with it the
// lock; on such a loss it closes the connection, so the server frees the
// lock at once if it can still be reached.
//
// A node that dies without closing its socket (power loss, a network
// partition) keeps its lock until the server notices the dead connection.
// The lease's connection therefore asks the server for TCP keepalives
// every few seconds (tcp_keepalives_*), so that takes about 10 s rather
// than the system's default of two hours. A lease is not a fence: for a
// moment around a change-over, the old leader may not yet know what the
// new one knows; writers that must not overlap check their rules in the
// store (as AppendEvent does), not only their leadership.

// Default intervals of an Elector.
const (
	DefaultRetryInterval = time.Second
	DefaultPingInterval  = time.Second
)

// Errors of a Lease, in the chain of what its methods return.
var (
	ErrLeaseLost     = errors.New("leadership lost")
	ErrLeaseReleased = errors.New("leadership released")
)

// Elector campaigns for leadership of one role (key) among the nodes that
// share this store's database and schema. Set its fields, if at all, before
// the first Campaign.
type Elector struct {
	// RetryInterval is how long Campaign waits between tries; 0 means
	// DefaultRetryInterval.
	RetryInterval time.Duration
	// PingInterval is how often a Lease checks its connection; 0 means
	// DefaultPingInterval.
	PingInterval time.Duration

	db  *DB
	key int64 // the advisory lock key: the role's key within the schema
}

// Elector returns an Elector for the role with that key. Keys are scoped
// to the store's schema: stores in other schemas of the same database (other
// installations, parallel tests) do not compete.
func (db *DB) Elector(key int64) *Elector {
	return &Elector{db: db, key: lockKey("skranke/leader", db.schema, key)}
}

// Campaign blocks until this node holds the role's lock, or ctx ends, or
// the DB is closed. It tries with pg_try_advisory_lock every RetryInterval,
// on a connection that it keeps out of the pool for the lease's term if the
// try succeeds. Failures to reach the database are retried too; if ctx ends
// meanwhile, the last of them is in the error's message.
func (e *Elector) Campaign(ctx context.Context) (*Lease, error) {
	interval := e.RetryInterval
	if interval <= 0 {
		interval = DefaultRetryInterval
	}
	var lastErr error
	for {
		l, err := e.try(ctx)
		if l != nil {
			return l, nil
		}
		if errors.Is(err, errClosed) {
			return nil, fmt.Errorf("campaign: %w", err)
		}
		if err != nil && ctx.Err() == nil {
			lastErr = err
		}
		t := time.NewTimer(interval)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			if lastErr != nil {
				return nil, fmt.Errorf("campaign: %w (last try: %v)", ctx.Err(), lastErr)
			}
			return nil, fmt.Errorf("campaign: %w", ctx.Err())
		case <-e.db.closing:
			t.Stop()
			return nil, fmt.Errorf("campaign: %w", errClosed)
		}
	}
}

// try makes one attempt at the lock: a Lease if it is ours now, nil and nil
// if another session holds it.
func (e *Elector) try(ctx context.Context) (*Lease, error) {
	select {
	case <-e.db.closing:
		return nil, errClosed
	default:
	}
	conn, err := e.db.pool.Acquire(ctx)
	if err != nil {
		return nil, classify(err)
	}
	// Keepalives first: a lease's connection is the one whose death must be
	// noticed by the server soon. (On a Unix socket they are ignored.)
	var locked bool
	_, err = conn.Exec(ctx, `SELECT set_config('tcp_keepalives_idle', '5', false),
		set_config('tcp_keepalives_interval', '2', false), set_config('tcp_keepalives_count', '3', false)`)
	if err == nil {
		err = conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, e.key).Scan(&locked)
	}
	if err != nil {
		// The lock may have been granted before the failure: end the
		// session rather than give the pool a connection that holds it.
		discard(conn)
		return nil, classify(err)
	}
	if !locked {
		conn.Release()
		return nil, nil
	}
	ping := e.PingInterval
	if ping <= 0 {
		ping = DefaultPingInterval
	}
	l := &Lease{
		key:      e.key,
		interval: ping,
		conn:     conn,
		done:     make(chan struct{}),
		stop:     make(chan struct{}),
		stopped:  make(chan struct{}),
	}
	if !e.db.addLease(l) {
		l.Release() // the DB closed meanwhile
		return nil, errClosed
	}
	l.db = e.db
	go l.pingLoop()
	return l, nil
}

// discard closes a pooled connection and hands it back, so the pool drops it.
func discard(conn *pgxpool.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn.Conn().Close(ctx)
	conn.Release()
}

// Lease is a term of leadership: this node holds the role's lock until the
// lease is released or lost. Its methods are safe for concurrent use.
type Lease struct {
	key      int64         // immutable
	interval time.Duration // of pings; immutable
	db       *DB           // set before pingLoop starts; removes the lease on Release

	mu   sync.Mutex
	conn *pgxpool.Conn // holds the lock; nil after Release; used only under mu
	err  error         // why the lease ended (wrapping ErrLeaseLost or ErrLeaseReleased); nil while held
	done chan struct{} // closed when err is set

	stop        chan struct{} // closed by Release to stop pingLoop
	stopped     chan struct{} // closed by pingLoop when it returns
	releaseOnce sync.Once
}

// Done is closed when the lease ends: when it is lost (Check failed, or a
// background ping of its connection failed), and also when it is released.
// A leader stops leading when Done is closed.
func (l *Lease) Done() <-chan struct{} { return l.done }

// Check confirms, on the lease's own connection, that the session is alive
// and still holds the lock. Any failure, ctx's end included, ends the lease
// (Done closes) and is returned, wrapping ErrLeaseLost. After the lease
// has ended, Check returns why.
func (l *Lease) Check(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return l.err
	}
	// A bigint advisory lock shows in pg_locks as classid (high 32 bits),
	// objid (low 32 bits) and objsubid 1.
	var held bool
	err := l.conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks
		WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted
			AND classid::int8 = $1 AND objid::int8 = $2 AND objsubid = 1)`,
		int64(uint32(uint64(l.key)>>32)), int64(uint32(l.key))).Scan(&held)
	if err == nil && !held {
		err = errors.New("the session no longer holds the lock")
	}
	if err != nil {
		l.lose(err)
		return l.err
	}
	return nil
}

// pingLoop pings the lease's connection every interval until the lease
// ends. It is started by Campaign and stopped by Release, which waits for it.
func (l *Lease) pingLoop() {
	defer close(l.stopped)
	t := time.NewTicker(l.interval)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
		}
		if !l.ping() {
			return
		}
	}
}

// ping pings the connection once, ending the lease on failure, and reports
// whether the lease still holds.
func (l *Lease) ping() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return false
	}
	// A server that does not answer within a few intervals is as good as
	// lost: another node may be leading by then.
	ctx, cancel := context.WithTimeout(context.Background(), max(3*l.interval, 2*time.Second))
	defer cancel()
	if err := l.conn.Ping(ctx); err != nil {
		l.lose(err)
		return false
	}
	return true
}

// lose ends the lease for cause; l.mu is held. It closes the connection, so
// that the server frees the lock now if it still holds it.
func (l *Lease) lose(cause error) {
	l.err = fmt.Errorf("%w: %w", ErrLeaseLost, cause)
	close(l.done)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	l.conn.Conn().Close(ctx)
}

// Release gives up the lease: it unlocks the lock and returns the connection
// to the pool, or closes it if it is broken or the unlock fails. It stops the
// background pings and waits for them. Release is idempotent; DB.Close
// releases the leases still held.
func (l *Lease) Release() {
	l.releaseOnce.Do(func() {
		close(l.stop)
		if l.db != nil { // the pings run only once the lease is registered
			<-l.stopped
			l.db.removeLease(l)
		}
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			var unlocked bool
			err := l.conn.QueryRow(ctx, `SELECT pg_advisory_unlock($1)`, l.key).Scan(&unlocked)
			if err != nil || !unlocked {
				l.conn.Conn().Close(ctx) // never pool a session that may hold the lock
			}
			l.err = ErrLeaseReleased
			close(l.done)
		}
		l.conn.Release() // a closed connection is dropped by the pool
		l.conn = nil
	})
}

// addLease registers l so that Close can release it; false if the DB is
// closing.
func (db *DB) addLease(l *Lease) bool {
	db.leasesMu.Lock()
	defer db.leasesMu.Unlock()
	select {
	case <-db.closing:
		return false
	default:
	}
	if db.leases == nil {
		db.leases = map[*Lease]struct{}{}
	}
	db.leases[l] = struct{}{}
	return true
}

func (db *DB) removeLease(l *Lease) {
	db.leasesMu.Lock()
	defer db.leasesMu.Unlock()
	delete(db.leases, l)
}

// releaseLeases releases every lease still held; Close calls it after
// closing db.closing, so no new lease can be added.
func (db *DB) releaseLeases() {
	db.leasesMu.Lock()
	ls := make([]*Lease, 0, len(db.leases))
	for l := range db.leases {
		ls = append(ls, l)
	}
	db.leasesMu.Unlock()
	for _, l := range ls {
		l.Release()
	}
}
