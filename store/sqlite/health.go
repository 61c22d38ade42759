package sqlite

import (
	"context"
	"errors"
	"fmt"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"skranke/chat"
	"skranke/store"
)

// storageFailure reports whether err is SQLite saying that its storage
// failed, by the primary result code (the low byte of the extended code),
// never by the message: SQLITE_FULL (the disk, or max_page_count, is full)
// and SQLITE_IOERR with every extended code (SQLITE_IOERR_WRITE,
// SQLITE_IOERR_FSYNC, …: a read or write of the files failed).
func storageFailure(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR:
		return true
	}
	return false
}

// classify puts store.ErrStorage (code unavailable) in the chain of a
// storage failure, keeping SQLite's error, and records it for Health; any
// other error is returned as it is.
func (db *DB) classify(err error) error {
	if err == nil || !storageFailure(err) {
		return err
	}
	db.faults.Fail(err, time.Now())
	return fmt.Errorf("%w: %w", store.ErrStorage, err)
}

// Health returns nil when the database answers a read and no write has
// failed for lack of storage in the last store.StorageFaultHold without a
// successful write since. Otherwise its error has code unavailable.
func (db *DB) Health(ctx context.Context) error {
	if err := db.faults.Err(time.Now()); err != nil {
		return fmt.Errorf("health: %w: %w", store.ErrStorage, err)
	}
	var one int
	if err := db.read.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil {
		if err := db.classify(err); errors.Is(err, store.ErrStorage) {
			return fmt.Errorf("health: %w", err)
		}
		return fmt.Errorf("health: %w: %w", errUnavailable, err)
	}
	return nil
}

// errUnavailable is what Health says of a database that does not answer.
var errUnavailable = chat.E(chat.EUnavailable, "database_unavailable", "The database is unavailable; try again.")

// StorageErrors counts the operations that failed for lack of storage
// since Open.
func (db *DB) StorageErrors() int64 { return db.faults.Count() }
