package ratelimit

import "sync"

// Slots limits how many things each key holds open at once, such as the
// WebSockets of one customer token or one login session.
type Slots struct {
	max     int    // immutable after NewSlots
	onLimit func() // immutable; may be nil

	mu   sync.Mutex
	open map[string]int // keys with nothing open are deleted
}

// NewSlots returns Slots allowing max at once per key, calling onLimit (if
// not nil) each time it refuses one. max <= 0 gives nil, which allows all.
func NewSlots(max int, onLimit func()) *Slots {
	if max <= 0 {
		return nil
	}
	return &Slots{max: max, onLimit: onLimit, open: make(map[string]int)}
}

// Max returns the most a key may hold at once; 0 for a nil Slots.
func (s *Slots) Max() int {
	if s == nil {
		return 0
	}
	return s.max
}

// Take takes a slot of key if it has fewer than Max open. The caller must
// call release, once, when the thing closes; a second call does nothing.
func (s *Slots) Take(key string) (release func(), ok bool) {
	if s == nil {
		return func() {}, true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.open[key] >= s.max {
		if s.onLimit != nil {
			s.onLimit()
		}
		return nil, false
	}
	s.open[key]++
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.open[key]--; s.open[key] <= 0 {
				delete(s.open, key)
			}
		})
	}, true
}
