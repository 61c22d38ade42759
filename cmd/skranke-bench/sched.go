package main

import (
	"math"
	"math/rand/v2"
	"time"
)

// A schedule is an open-loop arrival process: it fixes when each message is
// due, whatever happens to the messages before it. Latency is measured from
// the due time, not from the moment the message could be written, so a
// stalled server or connection shows up as latency instead of silently
// lowering the offered rate (coordinated omission).
type schedule struct {
	interval float64 // mean nanoseconds between arrivals
	poisson  bool    // exponential gaps instead of even spacing
	rng      *rand.Rand
	next     float64 // the next arrival, in nanoseconds from the start
	n        int64   // arrivals handed out so far
}

// newSchedule returns a schedule of rate arrivals per second from offset 0.
// With poisson the gaps are exponentially distributed (a Poisson process of
// the same mean rate); otherwise they are equal.
func newSchedule(rate float64, poisson bool, seed uint64) *schedule {
	s := &schedule{interval: 1e9 / rate, poisson: poisson, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	s.next = s.gap()
	if !poisson {
		s.next = 0
	}
	return s
}

func (s *schedule) gap() float64 {
	if s.poisson {
		return -math.Log(1-s.rng.Float64()) * s.interval
	}
	return s.interval
}

// Due calls fn with the offset of every arrival at or before now (measured
// from the schedule's start), in order, and returns the offset of the next
// one.
func (s *schedule) Due(now time.Duration, fn func(at time.Duration)) time.Duration {
	for s.next <= float64(now) {
		fn(time.Duration(s.next))
		s.n++
		s.next += s.gap()
	}
	return time.Duration(s.next)
}

// Count returns the number of arrivals handed out.
func (s *schedule) Count() int64 { return s.n }
