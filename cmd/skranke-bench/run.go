package main

import (
	"context"
	"fmt"
	"log"
	"math/rand/v2"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// conv is one benchmark conversation: a customer and, once routed, an agent.
type conv struct {
	idx      int
	id       string
	customer *party
	agent    *party // set when the agent has joined (or at setup, for the floor)

	// Routing times (run clock); guarded by run.mu.
	startAt, offeredAt, acceptAt int64
	joinedAt                     [2]int64
	active, ended                bool
	rejects                      int
}

// step is one period of load at one target rate; latencies are attributed
// to the step in which each message was due.
type step struct {
	name      string
	rate      float64
	start     int64 // run clock
	end       int64
	scheduled atomic.Int64
	ack       hist // due → ack
	delivery  hist // due → received by the other party
	others    hist // delivery between parties that are not slow consumers
	ackOthers hist // acks to parties that are not slow consumers
	lastDeliv atomic.Int64
	delivered atomic.Int64

	before, after serverStats // scraped at start and end
	toolCPU       time.Duration
	// firstMsg and endMsg are the checker's ids of the step's messages,
	// [firstMsg, endMsg): a step's messages are registered together.
	firstMsg, endMsg int
	// busy0 and busy1 are the machine's busy CPU time at the start and the
	// end (machineBusy; -1 if unknown), for otherCores.
	busy0, busy1 time.Duration
	// svc0 and svc1 are the CPU time of PostgreSQL and NATS (servicesCPU)
	// at the start and the end; 0 for a target without them.
	svc0, svc1 time.Duration
	// wAck and wDelivery are the latencies from the socket write, set by
	// run.settle once the step is drained; nil before.
	wAck, wDelivery *hist
}

// run is one benchmark run against one target (Skranke or a floor).
type run struct {
	cfg     *config
	target  string // "skranke", "relay" or "durable"
	floor   bool   // the target speaks the floor's protocol
	baseURL string // agents' node (and the only one, but for skranke-pg2)
	// custURL is the node the customers use: baseURL but with two nodes.
	custURL string
	// metricsURLs are where the target's nodes serve /metrics (summed by
	// scrape); baseURL when empty.
	metricsURLs      []string
	wsURL, custWSURL string
	// pgDB is the target's PostgreSQL database, if any: the CPU of its
	// backends, PostgreSQL's own processes and NATS is counted per step.
	pgDB string
	t0   time.Time
	chk  *checker

	http         *http.Client
	wsClient     *http.Client
	slowWSClient *http.Client
	jitter       time.Duration // first reconnect attempt waits up to this

	mu      sync.RWMutex
	parties []*party
	convs   []*conv
	byID    map[string]*conv
	active  []*conv
	steps   []*step
	// onActive, when set, is called (with mu held) when a chat becomes
	// active: the routing scenario schedules its end.
	onActive func(*conv)

	expired atomic.Int64 // offers that expired (offer_declined, reason expired)

	// Counters.
	reconnects, dialErrors, protoErrors atomic.Int64
	sendErrors, ctlErrors               atomic.Int64
	closeCodes                          sync.Map // websocket.StatusCode → *atomic.Int64
	resumedN                            atomic.Int64
	lastResume                          atomic.Int64
}

func newRun(cfg *config, target, baseURL string) *run {
	r := &run{
		cfg: cfg, target: target, floor: target == "relay" || target == "durable", baseURL: baseURL,
		custURL: baseURL, wsURL: "ws" + strings.TrimPrefix(baseURL, "http"), t0: time.Now(), chk: newChecker(),
		http:         &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}},
		wsClient:     newWSClient(0),
		slowWSClient: newWSClient(4096),
		jitter:       cfg.jitter,
		byID:         make(map[string]*conv),
	}
	r.custWSURL = r.wsURL
	return r
}

// now is the run clock: nanoseconds since the run started.
func (r *run) now() int64 { return int64(time.Since(r.t0)) }

func (r *run) logf(format string, args ...any) {
	if r.cfg.verbose {
		log.Printf(r.target+": "+format, args...)
	}
}

// addConv registers a conversation and its customer. An agent may have
// been offered it already (the offer can arrive before the HTTP answer that
// names the chat), so it may exist.
func (r *run) addConv(id string, customer *party) *conv {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.convLocked(id)
	c.customer = customer
	r.maybeActivate(c)
	return c
}

// convLocked returns conversation id, registering it if new; r.mu held.
func (r *run) convLocked(id string) *conv {
	c := r.byID[id]
	if c == nil {
		c = &conv{idx: len(r.convs), id: id}
		r.convs = append(r.convs, c)
		r.byID[id] = c
	}
	return c
}

// maybeActivate activates c once both sides have seen the agent join;
// r.mu held.
func (r *run) maybeActivate(c *conv) {
	if c.customer != nil && c.agent != nil && c.joinedAt[0] != 0 && c.joinedAt[1] != 0 {
		r.activate(c)
	}
}

func (r *run) conv(id string) *conv {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.byID[id]
}

// activate makes c eligible for generated messages.
func (r *run) activate(c *conv) {
	// r.mu held by the caller.
	if !c.active && !c.ended {
		c.active = true
		r.active = append(r.active, c)
		if r.onActive != nil {
			r.onActive(c)
		}
	}
}

// disconnected counts a connection that ended while the run went on.
func (r *run) disconnected(code int) {
	v, _ := r.closeCodes.LoadOrStore(code, new(atomic.Int64))
	v.(*atomic.Int64).Add(1)
}

// resumed notes that a party is connected again.
func (r *run) resumed(p *party) {
	r.resumedN.Add(1)
	r.lastResume.Store(r.now())
}

// requestError handles an error frame answering request it.
func (r *run) requestError(p *party, it outItem, code, msg string) {
	if it.kind == itemSend {
		if code == "unavailable" {
			// Sent again as a new send, after what is queued: a new write
			// ordinal, so FIFO is checked against this write.
			p.enqueue(outItem{kind: itemSend, msg: it.msg, size: it.size, conv: it.conv, at: it.at})
			return
		}
		r.sendErrors.Add(1)
	} else {
		r.ctlErrors.Add(1)
	}
	r.logf("party %d: request %d (kind %d, %s) failed: %s %s", p.id, it.req, it.kind, it.conv, code, msg)
}

// acked handles an ack.
func (r *run) acked(p *party, it outItem, seq, now int64) {
	switch it.kind {
	case itemSend:
		rec, first := r.chk.Acked(it.msg, seq, now)
		if first {
			if st := r.stepOf(int(rec.step)); st != nil {
				st.ack.Record(time.Duration(now - rec.sched))
				if !p.slowDial {
					st.ackOthers.Record(time.Duration(now - rec.sched))
				}
			}
		}
	case itemAccept:
		r.mu.Lock()
		if c := r.convLocked(it.conv); c.acceptAt == 0 {
			c.acceptAt = it.at
		}
		r.mu.Unlock()
	}
}

func (r *run) stepOf(i int) *step {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if i < 0 || i >= len(r.steps) {
		return nil
	}
	return r.steps[i]
}

// received handles a generated message arriving at p.
func (r *run) received(p *party, id int, seq int64, body uint64, now int64) {
	rec, first := r.chk.Received(id, p.side, seq, body, now)
	if !first || rec.from == p.side {
		return
	}
	st := r.stepOf(int(rec.step))
	if st == nil {
		return
	}
	d := time.Duration(now - rec.sched)
	st.delivery.Record(d)
	if !p.slowDial && !r.slowSender(rec) {
		st.others.Record(d)
	}
	st.delivered.Add(1)
	for {
		last := st.lastDeliv.Load()
		if now <= last || st.lastDeliv.CompareAndSwap(last, now) {
			break
		}
	}
}

// slowSender reports whether the message was sent by a slow consumer (whose
// own sends wait while it is disconnected).
func (r *run) slowSender(rec msgRec) bool {
	if r.cfg.slowAgents == 0 || rec.from != sideAgent {
		return false
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	c := r.convs[rec.conv]
	return c.agent != nil && c.agent.slowDial
}

// offered handles an offer to agent p: accept or reject after the think
// time.
func (r *run) offered(p *party, convID string, now int64) {
	kind := itemAccept
	if rand.Float64() < r.cfg.reject {
		kind = itemReject
	}
	r.mu.Lock()
	c := r.convLocked(convID)
	if c.offeredAt == 0 {
		c.offeredAt = now
	}
	if kind == itemReject {
		c.rejects++
	}
	r.mu.Unlock()
	do := func() { p.enqueue(outItem{kind: kind, conv: convID}) }
	if r.cfg.think > 0 {
		time.AfterFunc(r.cfg.think, do)
	} else {
		do()
	}
}

// joined handles agent_joined seen by p (the agent itself or the customer).
func (r *run) joined(p *party, convID string, now int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.convLocked(convID)
	if c.joinedAt[p.side] != 0 {
		return
	}
	c.joinedAt[p.side] = now
	if p.side == sideAgent {
		c.agent = p
	}
	r.maybeActivate(c)
}

// ended handles a conversation's end.
func (r *run) ended(p *party, convID string) {
	r.mu.Lock()
	c := r.byID[convID]
	if c != nil && !c.ended {
		c.ended = true
		if c.active {
			for i, a := range r.active {
				if a == c {
					r.active = append(r.active[:i], r.active[i+1:]...)
					break
				}
			}
		}
	}
	r.mu.Unlock()
	if c != nil && p.side == sideCustomer {
		close := func() { p.close() }
		time.AfterFunc(100*time.Millisecond, close)
	}
}

// routingLatencies returns, over every chat started by the tool: chat
// started → first offer seen by an agent; accept sent → agent_joined seen by
// both sides; chat started → agent_joined seen by both sides (think time and
// rejected offers included).
func (r *run) routingLatencies() (offer, accept, route *hist, rejects int) {
	offer, accept, route = new(hist), new(hist), new(hist)
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, c := range r.convs {
		rejects += c.rejects
		if c.startAt == 0 {
			continue
		}
		if c.offeredAt > 0 {
			offer.Record(time.Duration(c.offeredAt - c.startAt))
		}
		if c.joinedAt[0] > 0 && c.joinedAt[1] > 0 {
			both := max(c.joinedAt[0], c.joinedAt[1])
			route.Record(time.Duration(both - c.startAt))
			if c.acceptAt > 0 {
				accept.Record(time.Duration(both - c.acceptAt))
			}
		}
	}
	return offer, accept, route, rejects
}

// countActive returns the conversations ready for traffic.
func (r *run) countActive() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.active)
}

// waitActive waits until n conversations are active.
func (r *run) waitActive(ctx context.Context, n int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for r.countActive() < n {
		if time.Now().After(deadline) {
			return fmt.Errorf("only %d of %d conversations routed and joined after %s", r.countActive(), n, timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return nil
}

// traffic runs one step of open-loop messages at rate per second for dur.
func (r *run) traffic(ctx context.Context, name string, rate float64, dur time.Duration) *step {
	st := &step{name: name, rate: rate}
	r.mu.Lock()
	idx := len(r.steps)
	r.steps = append(r.steps, st)
	r.mu.Unlock()
	st.before = r.scrape()
	cpu0 := toolCPU()
	st.busy0 = machineBusy()
	if r.pgDB != "" {
		st.svc0 = servicesCPU(r.pgDB)
	}
	st.firstMsg = r.chk.N()
	st.start = r.now()
	rng := rand.New(rand.NewPCG(uint64(r.cfg.seed), uint64(idx)))
	sch := newSchedule(rate, r.cfg.poisson, uint64(r.cfg.seed)+uint64(idx))
	size := func() int { return r.cfg.minSize + rng.IntN(r.cfg.maxSize-r.cfg.minSize+1) }
	start := time.Now()
	emit := func(at time.Duration) {
		r.mu.RLock()
		n := len(r.active)
		var c *conv
		if n > 0 {
			c = r.active[rng.IntN(n)]
		}
		r.mu.RUnlock()
		if c == nil {
			return
		}
		from := side(rng.IntN(2))
		p := c.customer
		if from == sideAgent {
			p = c.agent
		}
		sz := size()
		id := r.chk.NewMsg(c.idx, from, idx, st.start+int64(at), sz)
		st.scheduled.Add(1)
		p.enqueue(outItem{kind: itemSend, msg: id, size: sz, conv: c.id})
	}
	for ctx.Err() == nil {
		el := time.Since(start)
		if el >= dur {
			sch.Due(dur-1, emit) // what fell due before the end while we slept past it
			break
		}
		next := sch.Due(el, emit)
		if next >= dur {
			time.Sleep(dur - time.Since(start))
			break
		}
		if d := next - time.Since(start); d > 0 {
			time.Sleep(d)
		}
	}
	st.end = r.now()
	st.endMsg = r.chk.N()
	st.toolCPU = toolCPU() - cpu0
	st.busy1 = machineBusy()
	if r.pgDB != "" {
		st.svc1 = servicesCPU(r.pgDB)
	}
	st.after = r.scrape()
	return st
}

// fromWrite returns the step's latencies measured from the first write of
// each frame (not from its due time): to the ack and to the other side's
// receipt. Computed afresh from the checker on each call, so call it after
// a drain for the whole step.
func (r *run) fromWrite(st *step) (ack, delivery *hist) {
	ack, delivery = new(hist), new(hist)
	r.chk.FromWrite(st.firstMsg, st.endMsg, ack, delivery)
	return ack, delivery
}

// drain waits until every party's requests are answered and every message
// delivered, or timeout.
func (r *run) drain(timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for {
		busy := 0
		r.mu.RLock()
		ps := r.parties
		r.mu.RUnlock()
		for _, p := range ps {
			busy += p.outstanding()
		}
		delivered := true
		r.mu.RLock()
		steps := r.steps
		r.mu.RUnlock()
		for _, st := range steps {
			if st.delivered.Load() < st.scheduled.Load() {
				delivered = false
			}
		}
		if busy == 0 && delivered && r.chk.EchoesPending() == 0 {
			return true
		}
		if time.Now().After(deadline) {
			r.logf("drain: %d requests outstanding after %s", busy, timeout)
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// closeAll ends every connection.
func (r *run) closeAll() {
	r.mu.RLock()
	ps := r.parties
	r.mu.RUnlock()
	for _, p := range ps {
		p.close()
	}
}

// closeCodeSummary lists how connections ended while the run went on.
func (r *run) closeCodeSummary() string {
	var parts []string
	r.closeCodes.Range(func(k, v any) bool {
		what := fmt.Sprintf("status %d", k)
		if k.(int) == -1 {
			what = "no close frame"
		}
		parts = append(parts, fmt.Sprintf("%s ×%d", what, v.(*atomic.Int64).Load()))
		return true
	})
	sort.Strings(parts)
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, " ")
}

// achieved returns the throughput of a step: messages delivered over the
// time from its start to its last delivery (at least its length).
func (st *step) achieved() float64 {
	end := max(st.end, st.lastDeliv.Load())
	if end <= st.start {
		return 0
	}
	return float64(st.delivered.Load()) / (float64(end-st.start) / 1e9)
}

// serverCores returns the server's CPU use during the step, in cores.
func (st *step) serverCores() float64 {
	wall := float64(st.end-st.start) / 1e9
	if wall <= 0 || st.after.cpu == 0 {
		return 0
	}
	return (st.after.cpu - st.before.cpu) / wall
}

// runParallel runs fn(i) for i in [0, n) on par goroutines and returns the
// first error.
func runParallel(ctx context.Context, n, par int, fn func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var next atomic.Int64
	var once sync.Once
	var first error
	var wg sync.WaitGroup
	for range min(par, n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				if err := fn(ctx, i); err != nil {
					once.Do(func() { first = err; cancel() })
					return
				}
			}
		})
	}
	wg.Wait()
	return first
}
