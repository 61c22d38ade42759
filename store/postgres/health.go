package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"skranke/store"
)

// storageFailure reports whether err is PostgreSQL saying that its storage
// or another resource failed, by SQLSTATE, never by the message: class 53
// "insufficient resources" (53100 disk_full, 53200 out_of_memory, 53400
// configuration_limit_exceeded; 53300 too_many_connections is a
// connection error, see connectionError) and 58030 io_error.
func storageFailure(err error) bool {
	c := pgCode(err)
	return (strings.HasPrefix(c, "53") && c != "53300") || c == "58030"
}

// classify is the package's classify, recording storage failures for
// Health.
func (db *DB) classify(err error) error {
	err = classify(err)
	if errors.Is(err, store.ErrStorage) {
		db.faults.Fail(err, time.Now())
	}
	return err
}

// Health returns nil when the database answers and no write has failed for
// lack of storage in the last store.StorageFaultHold without a successful
// write since. Otherwise its error has code unavailable.
func (db *DB) Health(ctx context.Context) error {
	if err := db.faults.Err(time.Now()); err != nil {
		return fmt.Errorf("health: %w", err) // ErrStorage is in its chain
	}
	if err := db.pool.Ping(ctx); err != nil {
		err = db.classify(err)
		if !errors.Is(err, store.ErrStorage) && !errors.Is(err, errUnavailable) {
			err = fmt.Errorf("%w: %w", errUnavailable, err)
		}
		return fmt.Errorf("health: %w", err)
	}
	return nil
}

// StorageErrors counts the operations that failed for lack of storage
// since Open.
func (db *DB) StorageErrors() int64 { return db.faults.Count() }
