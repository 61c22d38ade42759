package main

import (
	"encoding/json"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestHist_Quantiles(t *testing.T) {
	var h hist
	// 1..100000 µs: the q-quantile is q·100 ms.
	for i := 1; i <= 100000; i++ {
		h.Record(time.Duration(i) * time.Microsecond)
	}
	for _, tc := range []struct {
		q    float64
		want time.Duration
	}{
		{0.5, 50 * time.Millisecond},
		{0.9, 90 * time.Millisecond},
		{0.99, 99 * time.Millisecond},
		{0.999, 99900 * time.Microsecond},
		{1, 100 * time.Millisecond},
	} {
		got := h.Quantile(tc.q)
		if got < tc.want || float64(got) > float64(tc.want)*(1+1.0/subCount) {
			t.Errorf("Quantile(%v) = %v, want %v (at most %.1f%% above)", tc.q, got, tc.want, 100.0/subCount)
		}
	}
	if got := h.Max(); got != 100*time.Millisecond {
		t.Errorf("Max() = %v, want 100ms", got)
	}
	if got := h.Count(); got != 100000 {
		t.Errorf("Count() = %d, want 100000", got)
	}
}

func TestHist_Buckets(t *testing.T) {
	// Every value falls in a bucket whose bounds hold it, and buckets are
	// ordered like the values.
	r := rand.New(rand.NewPCG(1, 2))
	vals := []int64{0, 1, 255, 256, 257, 511, 512, 1 << 40, 1<<62 + 12345, 1<<63 - 1}
	for range 10000 {
		vals = append(vals, r.Int64N(1<<50))
	}
	slices.Sort(vals)
	prev := -1
	for _, v := range vals {
		b := bucketOf(v)
		if b < 0 || b >= numBuckets {
			t.Fatalf("bucketOf(%d) = %d, out of [0, %d)", v, b, numBuckets)
		}
		if hi := bucketHigh(b); hi < v || (b > 0 && bucketHigh(b-1) >= v) {
			t.Fatalf("bucketOf(%d) = %d with bounds (%d, %d]", v, b, bucketHigh(b-1), hi)
		}
		if b < prev {
			t.Fatalf("bucketOf(%d) = %d, below the bucket of a smaller value (%d)", v, b, prev)
		}
		prev = b
	}
}

func TestHist_MergeAndEmpty(t *testing.T) {
	var a, b, empty hist
	if got := empty.Quantile(0.99); got != 0 {
		t.Errorf("empty Quantile(0.99) = %v, want 0", got)
	}
	a.Record(time.Millisecond)
	b.Record(3 * time.Millisecond)
	a.Merge(&b)
	a.Merge(&empty)
	if a.Count() != 2 || a.Max() != 3*time.Millisecond || a.Quantile(0.5) > time.Millisecond+time.Millisecond/subCount {
		t.Errorf("after Merge: count %d, max %v, p50 %v; want 2, 3ms, 1ms", a.Count(), a.Max(), a.Quantile(0.5))
	}
}

func TestSchedule_Even(t *testing.T) {
	s := newSchedule(1000, false, 1)
	var got []time.Duration
	next := s.Due(10*time.Millisecond, func(at time.Duration) { got = append(got, at) })
	// Arrivals at 0, 1, …, 10 ms: 11 of them, evenly spaced.
	if len(got) != 11 {
		t.Fatalf("Due(10ms) gave %d arrivals, want 11: %v", len(got), got)
	}
	for i, at := range got {
		if at != time.Duration(i)*time.Millisecond {
			t.Errorf("arrival %d at %v, want %v", i, at, time.Duration(i)*time.Millisecond)
		}
	}
	if next != 11*time.Millisecond {
		t.Errorf("Due(10ms) returned next %v, want 11ms", next)
	}
	// Nothing is handed out twice, and a late caller gets every missed
	// arrival at its own due time (open loop: no omission).
	var late []time.Duration
	s.Due(20*time.Millisecond, func(at time.Duration) { late = append(late, at) })
	if len(late) != 10 || late[0] != 11*time.Millisecond {
		t.Errorf("Due(20ms) after Due(10ms) = %v, want 11..20ms", late)
	}
	if s.Count() != 21 {
		t.Errorf("Count() = %d, want 21", s.Count())
	}
}

func TestSchedule_Poisson(t *testing.T) {
	s := newSchedule(5000, true, 7)
	prev := time.Duration(-1)
	s.Due(10*time.Second, func(at time.Duration) {
		if at < prev {
			t.Fatalf("arrival at %v after %v", at, prev)
		}
		prev = at
	})
	// 50000 expected; a Poisson count has sd √50000 ≈ 224.
	if n := s.Count(); n < 49000 || n > 51000 {
		t.Errorf("Poisson schedule gave %d arrivals in 10 s at 5000/s, want about 50000", n)
	}
}

func TestChecker_Clean(t *testing.T) {
	c := newChecker()
	id := c.NewMsg(0, sideCustomer, 0, 100, 0)
	c.Observe(1, true, "c", 1)
	c.Observe(1, true, "c", 2)
	c.Acked(id, 3, 200)
	c.Received(id, sideCustomer, 3, 0, 210)
	c.Received(id, sideAgent, 3, 0, 220)
	c.Observe(1, true, "c", 3)  // agent
	c.Observe(2, false, "c", 3) // customer
	c.Observe(2, false, "c", 5) // skipped 4 (agents only): fine for a customer
	c.Finish(nil)
	if !c.OK() {
		t.Errorf("clean run: %s", c.Report())
	}
}

func TestChecker_Detects(t *testing.T) {
	for _, tc := range []struct {
		name string
		feed func(c *checker)
		want string
	}{
		{"gap", func(c *checker) {
			for _, s := range []int64{1, 2, 4} {
				c.Observe(1, true, "c", s)
			}
		}, probGap},
		{"duplicate_seq", func(c *checker) {
			for _, s := range []int64{1, 2, 2} {
				c.Observe(1, true, "c", s)
			}
		}, probDuplicate},
		{"duplicate_customer", func(c *checker) {
			for _, s := range []int64{1, 3, 3} {
				c.Observe(2, false, "c", s)
			}
		}, probDuplicate},
		{"out_of_order", func(c *checker) {
			for _, s := range []int64{1, 3, 2} {
				c.Observe(2, false, "c", s)
			}
		}, probReorder},
		{"duplicate_message", func(c *checker) {
			id := c.NewMsg(0, sideAgent, 0, 0, 0)
			c.Acked(id, 5, 1)
			c.Received(id, sideAgent, 5, 0, 2)
			c.Received(id, sideCustomer, 5, 0, 2)
			c.Received(id, sideCustomer, 6, 0, 3) // stored twice?
		}, probDuplicate},
		{"missing_ack", func(c *checker) {
			id := c.NewMsg(0, sideAgent, 0, 0, 0)
			c.Received(id, sideAgent, 5, 0, 2)
			c.Received(id, sideCustomer, 5, 0, 2)
		}, probUnacked},
		{"acked_not_delivered", func(c *checker) {
			id := c.NewMsg(0, sideCustomer, 0, 0, 0)
			c.Acked(id, 5, 1)
			c.Received(id, sideCustomer, 5, 0, 2)
		}, probLost},
		{"seq_mismatch", func(c *checker) {
			id := c.NewMsg(0, sideCustomer, 0, 0, 0)
			c.Acked(id, 5, 1)
			c.Received(id, sideCustomer, 6, 0, 2)
			c.Received(id, sideAgent, 6, 0, 2)
		}, probSeqMismatch},
		// The server numbered b before a although the customer wrote a
		// first; both sides see seqs in order, so only FIFO catches it.
		{"fifo_reordered", func(c *checker) {
			a := c.NewMsg(0, sideCustomer, 0, 0, 120)
			b := c.NewMsg(0, sideCustomer, 0, 0, 120)
			c.Sending(a, 1)
			c.Sending(b, 2)
			c.Acked(a, 2, 1)
			c.Acked(b, 1, 1)
			for _, s := range []side{sideAgent, sideCustomer} {
				c.Received(b, s, 1, bodyHash(string(msgText(nil, b, 120))), 2)
				c.Received(a, s, 2, bodyHash(string(msgText(nil, a, 120))), 3)
				c.Observe(int(s), true, "c", 1)
				c.Observe(int(s), true, "c", 2)
			}
		}, probFIFO},
		{"body_corrupted", func(c *checker) {
			id := c.NewMsg(0, sideAgent, 0, 0, 120)
			c.Sending(id, 1)
			c.Acked(id, 1, 1)
			good := string(msgText(nil, id, 120))
			c.Received(id, sideAgent, 1, bodyHash(good), 2)
			bad := good[:60] + "X" + good[61:] // one byte changed on the way
			c.Received(id, sideCustomer, 1, bodyHash(bad), 2)
		}, probBody},
		{"body_truncated", func(c *checker) {
			id := c.NewMsg(0, sideAgent, 0, 0, 120)
			c.Acked(id, 1, 1)
			good := string(msgText(nil, id, 120))
			c.Received(id, sideAgent, 1, bodyHash(good), 2)
			c.Received(id, sideCustomer, 1, bodyHash(good[:len(good)-1]), 2)
		}, probBody},
		{"over_capacity", func(c *checker) {
			c.OverCapacity("u-1", 5, 4, "offered c")
		}, probCapacity},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newChecker()
			tc.feed(c)
			c.Finish(nil)
			if got := c.Problems(); got[tc.want] == 0 {
				t.Errorf("Problems() = %v, want %s detected", got, tc.want)
			}
			if c.OK() {
				t.Errorf("OK() = true after a %s", tc.name)
			}
		})
	}
}

// TestChecker_FIFOAndBodyClean: messages received in the order written,
// with their texts intact, pass; a resend keeps its ordinal, and one sender's
// order says nothing about another's.
func TestChecker_FIFOAndBodyClean(t *testing.T) {
	c := newChecker()
	var ids []int
	for i := range 6 {
		from := side(i % 2)
		id := c.NewMsg(0, from, 0, 0, 100+i)
		c.Sending(id, int64(i/2+1)) // each side numbers its own writes
		c.Written(id, int64(10+i))
		ids = append(ids, id)
	}
	c.Sending(ids[0], 1) // a resend after a reconnect: the same ordinal
	for i, id := range ids {
		c.Acked(id, int64(i+1), int64(20+i))
	}
	// The agent gets the customer's messages before its own; still FIFO
	// per sender.
	for _, id := range []int{ids[0], ids[2], ids[4], ids[1], ids[3], ids[5]} {
		c.Received(id, sideAgent, int64(id+1), bodyHash(string(msgText(nil, id, 100+id))), 30)
	}
	for _, id := range ids {
		c.Received(id, sideCustomer, int64(id+1), bodyHash(string(msgText(nil, id, 100+id))), 31)
	}
	c.Finish(nil)
	if !c.OK() {
		t.Errorf("clean run: %s", c.Report())
	}
	var ack, delivery hist
	c.FromWrite(0, len(ids), &ack, &delivery)
	if ack.Count() != 6 || delivery.Count() != 6 {
		t.Errorf("FromWrite counted %d acks and %d deliveries, want 6 and 6", ack.Count(), delivery.Count())
	}
	if got := ack.Max(); got != 10 {
		t.Errorf("ack from write max = %d, want 10 (ack at 20+i, written at 10+i)", got)
	}
}

// TestBodyHash: the hash is FNV-1a, as hash/fnv computes it.
func TestBodyHash(t *testing.T) {
	for _, s := range []string{"", "m0 ", string(msgText(nil, 12345, 500))} {
		h := fnv.New64a()
		h.Write([]byte(s))
		if got, want := bodyHash(s), h.Sum64(); got != want {
			t.Errorf("bodyHash(%.20q) = %x, want %x", s, got, want)
		}
	}
}

func TestChecker_ManyMessages(t *testing.T) {
	// More than one chunk of messages, acked and delivered: all fine.
	c := newChecker()
	for i := range chunkSize + 10 {
		id := c.NewMsg(i%7, sideCustomer, 0, int64(i), 0)
		c.Acked(id, int64(i+1), int64(i+1))
		c.Received(id, sideCustomer, int64(i+1), 0, int64(i+2))
		c.Received(id, sideAgent, int64(i+1), 0, int64(i+2))
	}
	c.Finish(nil)
	if !c.OK() {
		t.Errorf("%s", c.Report())
	}
}

// TestChecker_EchoesPending: a message the agent got but whose customer
// sender has not seen it come back keeps a drain waiting.
func TestChecker_EchoesPending(t *testing.T) {
	c := newChecker()
	id := c.NewMsg(0, sideCustomer, 0, 100, 0)
	if n := c.EchoesPending(); n != 0 {
		t.Fatalf("EchoesPending before any ack = %d, want 0", n)
	}
	c.Acked(id, 3, 200)
	c.Received(id, sideAgent, 3, 0, 210)
	if n := c.EchoesPending(); n != 1 {
		t.Errorf("EchoesPending with the echo outstanding = %d, want 1", n)
	}
	c.Received(id, sideCustomer, 3, 0, 220)
	if n := c.EchoesPending(); n != 0 {
		t.Errorf("EchoesPending after the echo = %d, want 0", n)
	}
}

// TestParty_ReceivePathChecks feeds the tool's own frame handler event
// frames as a server would send them: an intact one passes, one whose text
// was changed and one that overtook an earlier send of its sender fail.
func TestParty_ReceivePathChecks(t *testing.T) {
	frame := func(seq int64, text string) []byte {
		b, _ := json.Marshal(map[string]any{"type": "event", "event": map[string]any{
			"conversationId": "c1", "seq": seq, "kind": "message", "text": text}})
		return b
	}
	setup := func() (*run, *party, []int) {
		r := newRun(&config{minSize: 100, maxSize: 100}, "relay", "http://127.0.0.1:1")
		agent := newParty(r, sideAgent)
		cust := newParty(r, sideCustomer)
		c := r.addConv("c1", cust)
		c.agent = agent
		var ids []int
		for i := range 2 {
			id := r.chk.NewMsg(c.idx, sideCustomer, 0, 0, 100)
			r.chk.Sending(id, int64(i+1))
			ids = append(ids, id)
		}
		return r, agent, ids
	}
	text := func(id int) string { return string(msgText(nil, id, 100)) }

	r, agent, ids := setup()
	agent.handle(frame(1, text(ids[0])))
	agent.handle(frame(2, text(ids[1])))
	if p := r.chk.Problems(); len(p) != 0 {
		t.Errorf("intact, in order: problems %v", p)
	}

	r, agent, ids = setup()
	agent.handle(frame(1, text(ids[0])))
	agent.handle(frame(2, strings.Replace(text(ids[1]), "a", "b", 1)))
	if p := r.chk.Problems(); p[probBody] != 1 {
		t.Errorf("changed text: problems %v, want one %s", p, probBody)
	}

	r, agent, ids = setup()
	agent.handle(frame(1, text(ids[1]))) // the second send numbered first
	agent.handle(frame(2, text(ids[0])))
	if p := r.chk.Problems(); p[probFIFO] != 1 {
		t.Errorf("reordered sends: problems %v, want one %s", p, probFIFO)
	}
}
