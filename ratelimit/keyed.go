package ratelimit

import (
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Keyed is a token bucket per key: each key may do Rate.Events at once and
// then one every Rate.Per/Rate.Events. Allow is the usual call; Check and
// Charge limit failures only (check before the attempt, charge when it
// failed), so that what succeeds costs nothing.
//
// Any operation can be limited per caller the same way, messages per
// customer for one:
//
//	sends := ratelimit.NewKeyed(ratelimit.Rate{Events: 20, Per: 10 * time.Second}, counter.Inc)
//	…
//	if ok, wait := sends.Allow(string(customerID)); !ok {
//		return ratelimit.Exceeded(wait, chat.E(chat.ETooManyRequests, "sending_too_fast", "You are sending too fast; wait a moment."))
//	}
type Keyed struct {
	rate    Rate       // immutable after NewKeyed
	limit   rate.Limit // tokens per second; immutable
	onLimit func()     // immutable; may be nil

	mu        sync.Mutex
	buckets   map[string]*rate.Limiter
	lastSweep time.Time
}

// NewKeyed returns a Keyed limiter at r, calling onLimit (if not nil) each
// time it refuses a key. An unlimited r gives nil, which allows all.
func NewKeyed(r Rate, onLimit func()) *Keyed {
	if r.Unlimited() {
		return nil
	}
	return &Keyed{
		rate:    r,
		limit:   rate.Limit(float64(r.Events) / r.Per.Seconds()),
		onLimit: onLimit,
		buckets: make(map[string]*rate.Limiter),
	}
}

// Rate returns the limiter's rate; a nil Keyed's is no limit.
func (k *Keyed) Rate() Rate {
	if k == nil {
		return Rate{}
	}
	return k.rate
}

// Allow takes a token of key's bucket if it has one. If not, it returns
// false and how long until it will.
func (k *Keyed) Allow(key string) (ok bool, retryAfter time.Duration) {
	if k == nil {
		return true, 0
	}
	now := time.Now()
	k.mu.Lock()
	defer k.mu.Unlock()
	b := k.bucket(key, now)
	if b.AllowN(now, 1) {
		return true, 0
	}
	return false, k.refuse(b, now)
}

// Check reports whether key's bucket has a token, without taking it; if
// not, how long until it will.
func (k *Keyed) Check(key string) (ok bool, retryAfter time.Duration) {
	if k == nil {
		return true, 0
	}
	now := time.Now()
	k.mu.Lock()
	defer k.mu.Unlock()
	b := k.bucket(key, now)
	if b.TokensAt(now) >= 1 {
		return true, 0
	}
	return false, k.refuse(b, now)
}

// Charge takes a token of key's bucket whether or not it has one: a bucket
// may owe up to a burst, and then waits the longer. It is for failures
// counted after the fact, which may have passed Check together.
func (k *Keyed) Charge(key string) {
	if k == nil {
		return
	}
	now := time.Now()
	k.mu.Lock()
	defer k.mu.Unlock()
	b := k.bucket(key, now)
	if b.TokensAt(now) > -float64(k.rate.Events) {
		b.ReserveN(now, 1) // never refused: 1 is within the burst
	}
}

// refuse counts a refusal and returns how long b needs for a token.
func (k *Keyed) refuse(b *rate.Limiter, now time.Time) time.Duration {
	if k.onLimit != nil {
		k.onLimit()
	}
	missing := 1 - b.TokensAt(now)
	return time.Duration(math.Ceil(missing / float64(k.limit) * float64(time.Second)))
}

// bucket returns key's bucket, made full if new, forgetting quiet keys
// first when it is time. k.mu is held.
func (k *Keyed) bucket(key string, now time.Time) *rate.Limiter {
	if now.Sub(k.lastSweep) >= sweepEvery {
		k.lastSweep = now
		// A full bucket is the same as none: forget it.
		for key, b := range k.buckets {
			if b.TokensAt(now) >= float64(k.rate.Events) {
				delete(k.buckets, key)
			}
		}
	}
	b, ok := k.buckets[key]
	if !ok {
		b = rate.NewLimiter(k.limit, k.rate.Events)
		k.buckets[key] = b
	}
	return b
}

// keys returns how many keys k remembers, for tests.
func (k *Keyed) keys() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.buckets)
}
