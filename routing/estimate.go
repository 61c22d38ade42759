package routing

import (
	"math"
	"slices"
	"time"

	"skranke/chat"
)

// Expected waiting time, for the customer's queue_status (R16).
//
// The router remembers, per queue, its recent answers: how long each chat
// waited from entering the queue until an agent joined, the place it had
// when it entered, how many ready agents the queue had when it was
// answered, and how long the agent took to accept the offer. From them:
//
//   - a, the agent-seconds of waiting per place in the queue:
//     Σ(wait × ready agents) / Σ(place on entry). A chat now at place p
//     with r ready agents can expect a × p / r: the queue moves as fast as
//     it recently did, faster with more agents, slower with fewer.
//   - When an agent is available for the chat now (ready and below
//     capacity, at least p of them), the chat is offered at once and the
//     wait is the time agents recently took to accept an offer (the
//     median).
//
// It cannot tell, and says nothing (the customer is told so), when nobody
// is ready for the queue, or fewer than minSamples chats were answered in
// the queue in the last sampleAge. Chats whose customer left while they
// waited are left out (they were not offered meanwhile), and so are those
// that were waiting when the router took over (their place on entry is
// unknown). The estimate is rounded up to half a minute (a minute from ten
// minutes on), and a queue_status is published when the rounded value
// changes.

const (
	sampleKeep = 20        // the most recent answers kept per queue
	sampleAge  = time.Hour // answers older than this are not used
	minSamples = 3         // fewer answers than this: cannot tell
)

// estimator holds the answers and the chats being timed. Owned by Run's
// goroutine, like all of state.
type estimator struct {
	entered map[chat.ConversationID]entry
	answers map[chat.QueueID][]answer // each queue's, in the order they came
	accepts []time.Duration           // expect's scratch
}

// entry is a waiting chat being timed.
type entry struct {
	at   time.Time
	pos  int
	away bool // its customer left meanwhile: not a sample
}

// answer is one chat of the queue answered.
type answer struct {
	at     time.Time
	wait   time.Duration
	pos    int
	ready  int
	accept time.Duration // from the accepted offer to the join; 0 if unknown
}

func newEstimator() *estimator {
	return &estimator{entered: make(map[chat.ConversationID]entry), answers: make(map[chat.QueueID][]answer)}
}

// convChanged times conversation c, which setConv is about to take in
// place of old (zero for a conversation new to the router).
func (e *estimator) convChanged(s *state, cv *conv, old, c chat.Conversation, now time.Time) {
	switch {
	case c.Status == chat.StatusEnded:
		delete(e.entered, c.ID)
	case c.Status == chat.StatusWaiting && (old.ID == "" && !s.rebuilding || old.Status == chat.StatusActive):
		e.entered[c.ID] = entry{at: now, pos: s.placeOf(c)}
	case c.Status == chat.StatusWaiting && !c.CustomerLeftAt.IsZero():
		if en, ok := e.entered[c.ID]; ok {
			en.away = true
			e.entered[c.ID] = en
		}
	case old.Status == chat.StatusWaiting && c.Status == chat.StatusActive:
		en, ok := e.entered[c.ID]
		delete(e.entered, c.ID)
		if !ok || en.away {
			return
		}
		a := answer{at: now, wait: now.Sub(en.at), pos: en.pos, ready: s.queueNumbers()[c.QueueID].ready}
		if o := old.Offer; o != nil && c.HasAgent(o.AgentID) {
			a.accept = now.Sub(o.OfferedAt)
		}
		list := append(e.answers[c.QueueID], a)
		if len(list) > sampleKeep {
			list = slices.Delete(list, 0, len(list)-sampleKeep)
		}
		e.answers[c.QueueID] = list
	}
}

// expect returns the expected wait of a chat at place pos of queue q, with
// the queue's numbers n now, rounded; false when it cannot tell.
func (e *estimator) expect(q chat.QueueID, pos int, n queueNum, now time.Time) (int, bool) {
	if n.ready == 0 || pos < 1 {
		return 0, false
	}
	// The answers are kept in the order they came (convChanged), so the
	// recent ones are the list's end.
	list := e.answers[q]
	first, _ := slices.BinarySearchFunc(list, now.Add(-sampleAge), func(a answer, t time.Time) int { return a.at.Compare(t) })
	recent := list[first:]
	if len(recent) < minSamples {
		return 0, false
	}
	if n.available >= pos {
		accepts := e.accepts[:0] // scratch: expect runs for every waiting chat's status
		for _, a := range recent {
			if a.accept > 0 {
				accepts = append(accepts, a.accept)
			}
		}
		e.accepts = accepts
		if len(accepts) > 0 {
			slices.Sort(accepts)
			return roundWait(accepts[len(accepts)/2]), true
		}
	}
	var agentSeconds float64
	var places int
	for _, a := range recent {
		agentSeconds += a.wait.Seconds() * float64(max(a.ready, 1))
		places += a.pos
	}
	perPlace := agentSeconds / float64(places)
	return roundWait(time.Duration(perPlace * float64(pos) / float64(n.ready) * float64(time.Second))), true
}

// roundWait rounds d up to half a minute (at least that), or to a minute
// from ten minutes on, in seconds: what the customer is told does not
// change with every second of the estimate.
func roundWait(d time.Duration) int {
	step := 30.0
	if d > 10*time.Minute {
		step = 60
	}
	return int(max(math.Ceil(d.Seconds()/step), 1) * step)
}

// placeOf is the place c has (or would have) in its queue: 1 is next.
// Chats whose customer left do not count: they are not offered.
func (s *state) placeOf(c chat.Conversation) int {
	me := &conv{c: c}
	p := 1
	for _, o := range s.waitingConvs {
		if o.c.ID != c.ID && queued(o) && o.c.QueueID == c.QueueID && routingOrder(o, me) < 0 {
			p++
		}
	}
	return p
}

// queued reports whether cv waits for an offer in its queue now: waiting,
// with its customer not gone.
func queued(cv *conv) bool {
	return cv.c.Status == chat.StatusWaiting && cv.c.CustomerLeftAt.IsZero()
}

// queueNum is a queue's agents now.
type queueNum struct {
	online    int // logged in with a profile containing the queue
	ready     int // of them, ready
	available int // of them, ready and below capacity
}

// queueNumbers counts each queue's agents now.
func (s *state) queueNumbers() map[chat.QueueID]queueNum {
	out := make(map[chat.QueueID]queueNum)
	for _, a := range s.agents {
		if !a.online {
			continue
		}
		for _, q := range s.profiles[a.profile].Queues {
			n := out[q]
			n.online++
			if a.status == chat.StatusReady {
				n.ready++
			}
			if s.available(a) {
				n.available++
			}
			out[q] = n
		}
	}
	return out
}
