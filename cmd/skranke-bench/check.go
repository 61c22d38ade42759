package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
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
	// body is the FNV-1a hash of the text sent (0: not checked); every
	// receipt must carry the same text.
	body uint64
	// ord is the sender's write ordinal: the sender numbers its sends in
	// the order it writes them (a resend after a reconnect keeps its
	// number, a send the server refused as unavailable and queued again
	// gets a new one). Each side must receive one sender's messages in
	// increasing ord (FIFO per sender). 0: not written yet.
	ord int64
	// writtenAt is when the sender's frame was first written to its
	// socket (Write returned); 0 before. Latency from it leaves out the
	// time the message waited in the tool's queue.
	writtenAt int64
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
	probFIFO        = "fifo"          // a sender's messages received in another order than it wrote them
	probBody        = "body"          // the text received differs from the text sent
)

// checker verifies a run: every acknowledged message reaches every party
// once, in order, and no agent is over capacity. It is safe for concurrent
// use.
type checker struct {
	mu     sync.Mutex
	chunks [][]msgRec // messages by id, in chunks so the table never moves
	n      int        // messages registered

	last map[obsKey]int64 // per observer and conversation, the highest seq seen
	// fifo is, per conversation, sender and receiving side, the highest
	// sender's ordinal received.
	fifo map[fifoKey]int64

	counts   map[string]int
	examples []string
	scratch  []byte // NewMsg's buffer for the text it hashes
}

// obsKey is one observer's view of one conversation.
type obsKey struct {
	party int
	conv  string
}

// fifoKey is one side's view of one sender's messages in a conversation.
type fifoKey struct {
	conv     int32
	from, to side
}

const chunkSize = 1 << 16

func newChecker() *checker {
	return &checker{last: make(map[obsKey]int64), fifo: make(map[fifoKey]int64), counts: make(map[string]int)}
}

// msgText appends the text of generated message id of size bytes to buf:
// "m<id> " and then filler, so the receiver finds the id at the start and
// the checker can hash what should arrive.
func msgText(buf []byte, id, size int) []byte {
	n := len(buf)
	buf = append(buf, 'm')
	buf = strconv.AppendInt(buf, int64(id), 10)
	buf = append(buf, ' ')
	if rest := size - (len(buf) - n); rest > 0 {
		buf = append(buf, filler[:min(rest, len(filler))]...)
	}
	return buf
}

// bodyHash is the 64-bit FNV-1a hash (as hash/fnv's New64a) by which a
// received text is compared with the one sent; written out so that hashing
// every receipt allocates nothing in the generator.
func bodyHash(text string) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for i := 0; i < len(text); i++ {
		h ^= uint64(text[i])
		h *= prime
	}
	return h
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
// With size > 0 its text is msgText(id, size) and every receipt is checked
// against it; 0 leaves the body unchecked.
func (c *checker) NewMsg(conv int, from side, step int, sched int64, size int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	id := c.n
	if id/chunkSize == len(c.chunks) {
		c.chunks = append(c.chunks, make([]msgRec, chunkSize))
	}
	var body uint64
	if size > 0 {
		c.scratch = msgText(c.scratch[:0], id, size)
		body = bodyHash(string(c.scratch))
	}
	c.chunks[id/chunkSize][id%chunkSize] = msgRec{conv: int32(conv), from: from, step: int16(step), sched: sched, body: body}
	c.n++
	return id
}

// N returns the number of messages registered: the id the next one gets.
func (c *checker) N() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// Sending records that the sender is about to write message id with write
// ordinal ord (see msgRec.ord). It is called before the write, so that no
// receipt can come before it.
func (c *checker) Sending(id int, ord int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r := c.rec(id); r != nil {
		r.ord = ord
	}
}

// Written records that the frame of message id was written at time at;
// only the first write counts.
func (c *checker) Written(id int, at int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r := c.rec(id); r != nil && r.writtenAt == 0 {
		r.writtenAt = at
	}
}

// FromWrite adds, for messages [from, to) of step, the latency from the
// first write of each frame to its ack and to its first receipt by the
// other side. It is computed after the fact from the recorded times, so a
// receipt read before its write was recorded still counts.
func (c *checker) FromWrite(from, to int, ack, delivery *hist) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id := from; id < min(to, c.n); id++ {
		r := c.rec(id)
		if r.writtenAt == 0 {
			continue
		}
		if r.ackAt != 0 {
			ack.Record(time.Duration(r.ackAt - r.writtenAt))
		}
		if o := r.from.other(); r.recvN[o] > 0 {
			delivery.Record(time.Duration(r.recvAt[o] - r.writtenAt))
		}
	}
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

// Received records that side s received message id as seq, with a text
// whose bodyHash is body, at time at. It checks the text and that s
// receives the sender's messages in the order the sender wrote them. It
// reports whether this is the first receipt by s, and returns the record.
func (c *checker) Received(id int, s side, seq int64, body uint64, at int64) (msgRec, bool) {
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
	if r.body != 0 && body != r.body {
		c.problem(probBody, "message %d (seq %d, conversation %d) reached the %s with another text than was sent", id, seq, r.conv, s)
	}
	if r.ord > 0 {
		k := fifoKey{r.conv, r.from, s}
		if last := c.fifo[k]; r.ord < last {
			c.problem(probFIFO, "the %s received message %d (the %s's send #%d, seq %d, conversation %d) after its send #%d", s, id, r.from, r.ord, seq, r.conv, last)
		} else {
			c.fifo[k] = r.ord
		}
	}
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
		return fmt.Sprintf("checks passed: %d messages, every acknowledged one delivered once, in order (by seq and by each sender's writes) and with its text intact, to every party; no agent over capacity", c.n)
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
