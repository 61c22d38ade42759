package ratelimit

import (
	"sync"
	"time"
)

// Backoff slows a key down after failures in a row, such as wrong passwords
// for one user name: the first Free failures cost nothing; after each
// further one the key must wait, 1 s after the first, doubling each time up
// to Max. A success (Reset) forgets the failures, and so does a quiet Max
// after the wait of the last one has passed.
type Backoff struct {
	free    int           // immutable after NewBackoff
	base    time.Duration // immutable
	max     time.Duration // immutable
	onLimit func()        // immutable; may be nil

	mu        sync.Mutex
	keys      map[string]*backoffState
	lastSweep time.Time
}

type backoffState struct {
	fails int       // failures in a row
	last  time.Time // of the last failure
	until time.Time // no attempt before this; zero while the failures are free
}

// BackoffBase is the wait after the first failure beyond the free ones.
const BackoffBase = time.Second

// NewBackoff returns a Backoff that lets free failures in a row pass and
// then waits from BackoffBase, doubling, up to maxWait (at least BackoffBase),
// calling onLimit (if not nil) each time it refuses a key. free <= 0 gives
// nil, which allows all.
func NewBackoff(free int, maxWait time.Duration, onLimit func()) *Backoff {
	if free <= 0 {
		return nil
	}
	return &Backoff{free: free, base: BackoffBase, max: max(maxWait, BackoffBase), onLimit: onLimit, keys: make(map[string]*backoffState)}
}

// Check reports whether key may try now; if not, how long until it may.
func (b *Backoff) Check(key string) (ok bool, retryAfter time.Duration) {
	if b == nil {
		return true, 0
	}
	now := time.Now()
	b.mu.Lock()
	defer b.mu.Unlock()
	st := b.state(key, now)
	if st == nil || !now.Before(st.until) {
		return true, 0
	}
	if b.onLimit != nil {
		b.onLimit()
	}
	return false, st.until.Sub(now)
}

// Fail records a failure of key.
func (b *Backoff) Fail(key string) {
	if b == nil {
		return
	}
	now := time.Now()
	b.mu.Lock()
	defer b.mu.Unlock()
	st := b.state(key, now)
	if st == nil {
		st = &backoffState{}
		b.keys[key] = st
	}
	st.fails++
	st.last = now
	if over := st.fails - b.free; over > 0 {
		wait := b.max
		if over <= 32 && b.base<<(over-1) < b.max {
			wait = b.base << (over - 1)
		}
		st.until = now.Add(wait)
	}
}

// Reset forgets key's failures: it succeeded.
func (b *Backoff) Reset(key string) {
	if b == nil {
		return
	}
	b.mu.Lock()
	delete(b.keys, key)
	b.mu.Unlock()
}

// state returns key's state, nil if it has none or it is forgotten, after
// forgetting quiet keys when it is time. b.mu is held.
func (b *Backoff) state(key string, now time.Time) *backoffState {
	if now.Sub(b.lastSweep) >= sweepEvery {
		b.lastSweep = now
		for k, st := range b.keys {
			if b.forgotten(st, now) {
				delete(b.keys, k)
			}
		}
	}
	st, ok := b.keys[key]
	if !ok {
		return nil
	}
	if b.forgotten(st, now) {
		delete(b.keys, key)
		return nil
	}
	return st
}

// forgotten reports whether st has been quiet for a Max: since its wait
// ended, or since its last failure if it never had to wait.
func (b *Backoff) forgotten(st *backoffState, now time.Time) bool {
	return now.Sub(st.last) >= b.max && now.Sub(st.until) >= b.max
}

// size returns how many keys b remembers, for tests.
func (b *Backoff) size() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.keys)
}
