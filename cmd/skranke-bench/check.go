package main

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// side is one of the two parties of a benchmark conversation.
type side int8

const (
	sideCustomer side = 0
	sideAgent    side = 1
)

func (s side) other() side { return 1 - s }

func (s side) String() string {
	if s == sideAgent {
		return "agent"
	}
	return "customer"
}

// msgRec is what the checker knows of one generated message. Times are
// nanoseconds from the start of the run.
type msgRec struct {
	conv    int32    // index of the conversation
	from    side     // who sent it
	step    int16    // the load step it was scheduled in
	sched   int64    // when it was due (the open-loop schedule)
	ackAt   int64    // when the ack arrived; 0 before
	ackSeq  int64    // the seq in the ack
	recvSeq [2]int64 // the seq each side received it with
	recvAt  [2]int64 // when each side first received it
	recvN   [2]uint8 // how often each side received it
}

// Problem kinds the checker counts. Any of them fails the run.
const (
	probGap         = "gap"           // an agent saw seq n+2 after n
	probDuplicate   = "duplicate"     // an event (by seq or by message) seen twice by one observer
	probReorder     = "out-of-order"  // a seq not above the last one seen (customer view)
	probUnacked     = "unacked"       // sent, never acknowledged
	probLost        = "lost"          // acknowledged, never received by a party of the chat
	probSeqMismatch = "seq-mismatch"  // ack and event disagree on the seq
	probCapacity    = "over-capacity" // an agent held more offers+chats than its capacity
)

// checker verifies a run: every acknowledged message reaches every party
// once, in order, and no agent is over capacity. It is safe for concurrent
// use.
type checker struct {
	mu     sync.Mutex
	chunks [][]msgRec // messages by id, in chunks so the table never moves
	n      int        // messages registered

	last map[obsKey]int64 // per observer and conversation, the highest seq seen

	counts   map[string]int
	examples []string
}

// obsKey is one observer's view of one conversation.
type obsKey struct {
	party int
	conv  string
}

const chunkSize = 1 << 16

func newChecker() *checker {
	return &checker{last: make(map[obsKey]int64), counts: make(map[string]int)}
}

// problem counts a problem and keeps the first few descriptions.
// c.mu must be held.
func (c *checker) problem(kind, format string, args ...any) {
	c.counts[kind]++
	if len(c.examples) < 20 {
		c.examples = append(c.examples, kind+": "+fmt.Sprintf(format, args...))
	}
}

// NewMsg registers a message about to be scheduled and returns its id.
func (c *checker) NewMsg(conv int, from side, step int, sched int64) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	id := c.n
	if id/chunkSize == len(c.chunks) {
		c.chunks = append(c.chunks, make([]msgRec, chunkSize))
	}
	c.chunks[id/chunkSize][id%chunkSize] = msgRec{conv: int32(conv), from: from, step: int16(step), sched: sched}
	c.n++
	return id
}

// rec returns message id's record; c.mu must be held.
func (c *checker) rec(id int) *msgRec {
	if id < 0 || id >= c.n {
		return nil
	}
	return &c.chunks[id/chunkSize][id%chunkSize]
}

// Msg returns a copy of message id's record.
func (c *checker) Msg(id int) (msgRec, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.rec(id)
	if r == nil {
		return msgRec{}, false
	}
	return *r, true
}

// Acked records the ack of message id with seq at time at. It reports
// whether this is the first ack (a retry after a reconnect is acked again,
// with the same seq) and returns the record.
func (c *checker) Acked(id int, seq, at int64) (msgRec, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.rec(id)
	if r == nil {
		return msgRec{}, false
	}
	if r.ackAt != 0 {
		if r.ackSeq != seq {
			c.problem(probSeqMismatch, "message %d acked with seq %d, then %d", id, r.ackSeq, seq)
		}
		return *r, false
	}
	r.ackAt, r.ackSeq = at, seq
	for s := range 2 {
		if r.recvN[s] > 0 && r.recvSeq[s] != seq {
			c.problem(probSeqMismatch, "message %d acked with seq %d, received by the %s as %d", id, seq, side(s), r.recvSeq[s])
		}
	}
	return *r, true
}

// Received records that side s received message id as seq at time at. It
// reports whether this is the first receipt by s, and returns the record.
func (c *checker) Received(id int, s side, seq, at int64) (msgRec, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.rec(id)
	if r == nil {
		return msgRec{}, false
	}
	if r.recvN[s] < 255 {
		r.recvN[s]++
	}
	if r.recvN[s] > 1 {
		c.problem(probDuplicate, "message %d received %d times by the %s", id, r.recvN[s], s)
		return *r, false
	}
	r.recvSeq[s], r.recvAt[s] = seq, at
	if r.ackAt != 0 && r.ackSeq != seq {
		c.problem(probSeqMismatch, "message %d acked with seq %d, received by the %s as %d", id, r.ackSeq, s, seq)
	}
	return *r, true
}

// Observe checks the order of the stored events one observer (party) sees
// in one conversation. Agents see every event, so their seqs must be
// contiguous; customers skip agents-only events, so theirs must only
// increase.
func (c *checker) Observe(party int, contiguous bool, conv string, seq int64) {
	if seq <= 0 {
		return // ephemeral
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	k := obsKey{party, conv}
	last := c.last[k]
	switch {
	case seq == last:
		c.problem(probDuplicate, "party %d saw seq %d of %s twice", party, seq, conv)
		return
	case seq < last:
		c.problem(probReorder, "party %d saw seq %d of %s after %d", party, seq, conv, last)
		return
	case contiguous && seq != last+1:
		c.problem(probGap, "party %d saw seq %d of %s after %d", party, seq, conv, last)
	}
	c.last[k] = seq
}

// Last returns the highest seq party has seen of conv: where it resumes.
func (c *checker) Last(party int, conv string) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last[obsKey{party, conv}]
}

// OverCapacity records that agent held n offers and chats with capacity
// capacity.
func (c *checker) OverCapacity(agent string, n, capacity int, what string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.problem(probCapacity, "agent %s held %d (capacity %d) at %s", agent, n, capacity, what)
}

// Finish checks every registered message: acknowledged, and received by
// both sides of its conversation (the sender sees its own message too).
// skip, when not nil, exempts messages (a conversation known to have ended
// early, for instance).
func (c *checker) Finish(skip func(r *msgRec) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id := 0; id < c.n; id++ {
		r := c.rec(id)
		if skip != nil && skip(r) {
			continue
		}
		if r.ackAt == 0 {
			c.problem(probUnacked, "message %d (conversation %d, from the %s) never acknowledged", id, r.conv, r.from)
			continue
		}
		for s := range 2 {
			if r.recvN[s] == 0 {
				c.problem(probLost, "message %d (seq %d, conversation %d) never reached the %s", id, r.ackSeq, r.conv, side(s))
			}
		}
	}
}

// EchoesPending counts the acknowledged messages that the other side has
// received but their sender has not yet seen come back: the echo travels on
// the sender's own socket and may trail the delivery, so a drain waits for
// it before Finish.
func (c *checker) EchoesPending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for id := 0; id < c.n; id++ {
		r := c.rec(id)
		if r.ackAt != 0 && r.recvN[1-r.from] > 0 && r.recvN[r.from] == 0 {
			n++
		}
	}
	return n
}

// Problems returns the count of each kind of problem found.
func (c *checker) Problems() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.counts))
	for k, v := range c.counts {
		out[k] = v
	}
	return out
}

// OK reports whether no problem was found.
func (c *checker) OK() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.counts) == 0
}

// Report describes the problems found, or says there were none.
func (c *checker) Report() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.counts) == 0 {
		return fmt.Sprintf("checks passed: %d messages, every acknowledged one delivered once and in order to every party; no agent over capacity", c.n)
	}
	kinds := make([]string, 0, len(c.counts))
	for k := range c.counts {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	var b strings.Builder
	b.WriteString("CHECKS FAILED:")
	for _, k := range kinds {
		fmt.Fprintf(&b, " %s=%d", k, c.counts[k])
	}
	for _, e := range c.examples {
		b.WriteString("\n  " + e)
	}
	return b.String()
}
