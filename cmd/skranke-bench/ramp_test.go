package main

import (
	"testing"
	"time"
)

// fakeStep is a one-second step at rate that delivered delivered messages,
// each with latency lat.
func fakeStep(rate float64, delivered int, lat time.Duration) *step {
	st := &step{rate: rate, start: 0, end: int64(time.Second)}
	st.delivered.Store(int64(delivered))
	for range delivered {
		st.delivery.Record(lat)
	}
	return st
}

// TestRateGroup_SustainedOnMedian: one run spoilt by a neighbour does not
// make a rate unsustained; two of three do.
func TestRateGroup_SustainedOnMedian(t *testing.T) {
	cfg := &config{satP99: 100 * time.Millisecond}
	good := func() *step { return fakeStep(1000, 1000, 5*time.Millisecond) }
	slow := func() *step { return fakeStep(1000, 1000, 400*time.Millisecond) }
	short := func() *step { return fakeStep(1000, 800, 5*time.Millisecond) }
	for _, tc := range []struct {
		name  string
		steps []*step
		want  bool
	}{
		{"all good", []*step{good(), good(), good()}, true},
		{"one slow", []*step{good(), slow(), good()}, true},
		{"one short", []*step{short(), good(), good()}, true},
		{"two slow", []*step{slow(), good(), slow()}, false},
		{"two short", []*step{short(), short(), good()}, false},
		{"single slow", []*step{slow()}, false},
	} {
		g := &rateGroup{rate: 1000, steps: tc.steps}
		if got := g.sustained(cfg); got != tc.want {
			t.Errorf("%s: sustained = %v, want %v (achieved %+v, p99 %+v)", tc.name, got, tc.want, g.achieved(), g.p99())
		}
	}
	g := &rateGroup{rate: 1000, steps: []*step{good(), slow(), short()}}
	if s := g.p99(); s.lo != 5 || s.hi != 400 || s.med != 5 {
		t.Errorf("p99 spread = %+v, want median 5, range 5–400 ms", s)
	}
}

// TestMachineBusy: the machine's busy time is read and grows with work.
func TestMachineBusy(t *testing.T) {
	b0 := machineBusy()
	if b0 <= 0 {
		t.Fatalf("machineBusy() = %v, want a positive time from /proc/stat", b0)
	}
	deadline := time.Now().Add(300 * time.Millisecond)
	for x := 0; time.Now().Before(deadline); x++ {
		_ = x * x
	}
	if b1 := machineBusy(); b1 <= b0 {
		t.Errorf("machineBusy() did not grow over 300 ms of work: %v then %v", b0, b1)
	}
}
