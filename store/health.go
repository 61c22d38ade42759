package store

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"skranke/chat"
)

// ErrStorage is in the chain of an error when the store could not write
// because its storage failed: a full disk (SQLite SQLITE_FULL, PostgreSQL
// 53100 and the other 53xxx "insufficient resources") or an I/O error
// (SQLITE_IOERR_*, PostgreSQL 58030). Nothing was stored. The code is
// unavailable, so clients retry (with the same client message id) once an
// operator has made room; the driver's error stays in the chain for logs.
var ErrStorage = chat.E(chat.EUnavailable, "storage_failed", "The server cannot save anything just now; try again in a moment.")

// Checker is a store's view of its own health, for /healthz and metrics.
type Checker interface {
	// Health returns nil when the store answers and its storage has not
	// failed recently (see StorageFaults), and an error with code
	// unavailable otherwise.
	Health(ctx context.Context) error
	// StorageErrors counts the operations that failed with ErrStorage
	// since the store was opened.
	StorageErrors() int64
}

// StorageFaultHold is how long a storage failure keeps a store unhealthy
// when no write has succeeded since: long enough for a load balancer's
// health checks to see it and send clients elsewhere, short enough that a
// node whose disk was freed while it had no traffic (because it was
// unhealthy) is tried again. Under traffic each new failure renews it.
const StorageFaultHold = 30 * time.Second

// StorageFaults records a store's storage failures for Checker: the stores
// call Fail when an operation fails with ErrStorage and Succeeded after
// each committed write. The zero value is ready; it is safe for concurrent
// use.
type StorageFaults struct {
	count   atomic.Int64
	failing atomic.Bool // err != nil; lets Succeeded skip the lock when all is well

	mu  sync.Mutex
	err error     // the last failure not followed by a successful write
	at  time.Time // when err happened
}

// Fail records err, a storage failure, at time now.
func (f *StorageFaults) Fail(err error, now time.Time) {
	f.count.Add(1)
	f.mu.Lock()
	f.err, f.at = err, now
	f.failing.Store(true)
	f.mu.Unlock()
}

// Succeeded records that a write was committed: the storage works again.
func (f *StorageFaults) Succeeded() {
	if !f.failing.Load() {
		return
	}
	f.mu.Lock()
	f.err = nil
	f.failing.Store(false)
	f.mu.Unlock()
}

// Err returns the last storage failure if no write has succeeded since and
// it is less than StorageFaultHold old at now, else nil.
func (f *StorageFaults) Err(now time.Time) error {
	if !f.failing.Load() {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err == nil || now.Sub(f.at) >= StorageFaultHold {
		return nil
	}
	return f.err
}

// Count returns how many failures Fail has recorded.
func (f *StorageFaults) Count() int64 { return f.count.Load() }
