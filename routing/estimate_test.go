package routing

import (
	"math"
	"testing"
	"testing/synctest"
	"time"

	"skranke/chat"
)

func TestRoundWait(t *testing.T) {
	for _, tt := range []struct {
		d    time.Duration
		want int
	}{
		{0, 30}, {time.Second, 30}, {30 * time.Second, 30}, {31 * time.Second, 60},
		{150 * time.Second, 150}, {10 * time.Minute, 600}, {10*time.Minute + time.Second, 660},
	} {
		if got := roundWait(tt.d); got != tt.want {
			t.Errorf("roundWait(%s) = %d, want %d", tt.d, got, tt.want)
		}
	}
}

func TestEstimator_Expect(t *testing.T) {
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	e := newEstimator()
	ready2 := queueNum{online: 2, ready: 2}
	if _, ok := e.expect("sales", 1, ready2, now); ok {
		t.Errorf("expect with no answers: an estimate, want none")
	}
	// Two answers over an hour old, which do not count (they would make
	// every estimate longer), then three chats, each entered at place 2 and
	// waited 2 minutes with 2 ready agents: 2 agent-minutes per place. The
	// list is in the order the answers came, as convChanged keeps it.
	for _, ago := range []time.Duration{3 * time.Hour, 61 * time.Minute} {
		e.answers["sales"] = append(e.answers["sales"], answer{at: now.Add(-ago), wait: 20 * time.Minute, pos: 1, ready: 2, accept: 50 * time.Second})
	}
	for i := range 3 {
		e.answers["sales"] = append(e.answers["sales"], answer{at: now.Add(-time.Duration(2-i) * time.Minute), wait: 2 * time.Minute, pos: 2, ready: 2, accept: 8 * time.Second})
	}
	for _, tt := range []struct {
		name string
		pos  int
		n    queueNum
		want int
		ok   bool
	}{
		{"place 1, 2 ready", 1, ready2, 60, true},
		{"place 4, 2 ready", 4, ready2, 240, true},
		{"place 4, 4 ready", 4, queueNum{online: 4, ready: 4}, 120, true},
		{"an agent available", 1, queueNum{online: 2, ready: 2, available: 1}, 30, true},
		{"nobody ready", 1, queueNum{online: 2}, 0, false},
		{"nobody online", 1, queueNum{}, 0, false},
	} {
		got, ok := e.expect("sales", tt.pos, tt.n, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s: expect(place %d) = %d, %v; want %d, %v", tt.name, tt.pos, got, ok, tt.want, tt.ok)
		}
	}
	if _, ok := e.expect("sales", 1, ready2, now.Add(2*time.Hour)); ok {
		t.Errorf("expect with answers over an hour old: an estimate, want none")
	}
	if _, ok := e.expect("support", 1, ready2, now); ok {
		t.Errorf("expect for another queue: an estimate, want none")
	}
}

// TestRouter_ExpectedWaitSimulated runs a queue for half an hour: two
// agents of capacity 1 who accept 5 to 10 s after an offer and chat for 90 s,
// and customers arriving at a pace the two cannot keep up with (busy: a
// queue builds up) or easily can (quiet). It compares each chat's first
// published estimate with the wait it then had, and logs how close the
// estimates were.
func TestRouter_ExpectedWaitSimulated(t *testing.T) {
	for _, load := range []struct {
		name     string
		arrivals []time.Duration // seconds into each 5-minute block
	}{
		{"busy", []time.Duration{0, 20, 50, 65, 100, 130, 150, 200, 210, 260}},
		{"quiet", []time.Duration{0, 130}},
	} {
		t.Run(load.name, func(t *testing.T) { simulateWaits(t, load.arrivals) })
	}
}

func simulateWaits(t *testing.T, arrivals []time.Duration) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		e.agent("a1", 1)
		e.agent("a2", 1)
		e.start(Options{})
		e.login("a1", "p-sales")
		e.login("a2", "p-sales")
		type chatRun struct {
			started, joined time.Time
			estimate        int // -1: none
			done            bool
		}
		runs := map[chat.ConversationID]*chatRun{}
		var order []chat.ConversationID
		activeSince := map[chat.ConversationID]time.Time{}
		start := time.Now()
		for tick := 0; tick < 1800; tick += 5 { // a look every 5 s
			now := time.Now()
			for _, a := range arrivals {
				if time.Duration(tick%300)*time.Second == a*time.Second && tick < 1500 {
					id := e.chat("sales")
					runs[id] = &chatRun{started: now, estimate: -2}
					order = append(order, id)
				}
			}
			for _, id := range order {
				r := runs[id]
				if r.done {
					continue
				}
				c := e.conv(id)
				if o := c.Offer; o != nil && now.Sub(o.OfferedAt) >= 5*time.Second {
					e.accept(id, o.AgentID)
					r.joined = time.Now()
					activeSince[id] = r.joined
				}
				if since, ok := activeSince[id]; ok && now.Sub(since) >= 90*time.Second {
					e.end(id)
					delete(activeSince, id)
					r.done = true
				}
			}
			sleep(5 * time.Second)
		}
		for _, ev := range e.publishedOf(chat.KindQueueStatus) {
			r := runs[ev.ConversationID]
			if r == nil || r.estimate != -2 {
				continue
			}
			r.estimate = -1
			if w := ev.Data.(chat.QueueStatus).ExpectedWait; w != nil {
				r.estimate = *w
			}
		}
		var n, none, within int
		var absErr, sumWait float64
		for _, id := range order {
			r := runs[id]
			if r.joined.IsZero() {
				continue
			}
			wait := r.joined.Sub(r.started).Seconds()
			if r.estimate < 0 {
				none++
				continue
			}
			n++
			sumWait += wait
			d := math.Abs(float64(r.estimate) - wait)
			absErr += d
			if d <= math.Max(60, wait/2) {
				within++
			}
		}
		t.Logf("simulated %s: %d chats answered with an estimate, %d without (the first answers); mean wait %.0f s, mean |estimate - wait| %.0f s, %d of %d within max(1 min, half the wait)",
			time.Since(start).Round(time.Minute), n, none, sumWait/float64(max(n, 1)), absErr/float64(max(n, 1)), within, n)
		if none < minSamples || n == 0 {
			t.Fatalf("estimates: %d without, %d with; want the first %d without and the rest with", none, n, minSamples)
		}
		if within*4 < n*3 {
			t.Errorf("only %d of %d estimates within max(1 min, half the wait)", within, n)
		}
	})
}
