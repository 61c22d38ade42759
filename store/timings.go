package store

import "time"

// Timings hears how long a store's writes to storage take, for the
// operator's metrics (internal/server). A nil field is not called; each is
// called on the store's own goroutines and must not block.
type Timings struct {
	// Commit is called after each batch of the writer's group commit
	// (GroupCommit), with how long it took from the batch taken to its
	// commit on stable storage (fsync included) and how many requests it
	// answered. A batch that failed, or was tried again, counts with all
	// the time it took: that is what its callers waited. Every append
	// waits for one: a slow disk shows here first.
	Commit func(d time.Duration, requests int)
	// Checkpoint is called after each background checkpoint of a SQLite
	// store that succeeded (the WAL copied into the database file, and
	// its fsync; not the WAL reset that may follow), with how long it
	// took; never by PostgreSQL. A checkpoint slows the commits
	// that share the disk with it.
	Checkpoint func(d time.Duration)
}
