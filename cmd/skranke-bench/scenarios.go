package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"
)

// target is a started server under test: one node, or two for
// skranke-pg2.
type target struct {
	name    string
	nodes   []*child
	cleanup func() // after the nodes have stopped (drops a fresh database)
	run     *run
}

// start starts the server of target name and returns a run against it.
func start(ctx context.Context, cfg *config, name string, agents int, w io.Writer) (*target, error) {
	var nodes []*child
	cleanup := func() {}
	var db string
	var err error
	switch name {
	case "skranke", "skranke-pg", "skranke-pg2":
		if err := ensureServerBin(cfg, w); err != nil {
			return nil, err
		}
		nodes, db, cleanup, err = startSkranke(ctx, cfg, name, agents)
	case "relay", "durable":
		var c *child
		c, _, err = startFloor(ctx, cfg, name == "durable")
		nodes = []*child{c}
	}
	if err != nil {
		for _, c := range nodes {
			if c != nil {
				c.stop()
			}
		}
		cleanup()
		return nil, err
	}
	t := &target{name: name, nodes: nodes, cleanup: cleanup}
	for i, c := range nodes {
		role := ""
		if len(nodes) > 1 {
			role = [...]string{" (agents)", " (customers)"}[i]
		}
		fmt.Fprintf(w, "\n== %s: server pid %d at %s%s (cpu %q), tool cpu %q\n", name, c.pid(), c.url, role, cfg.serverCPU, cfg.toolCPU)
	}
	r := newRun(cfg, name, nodes[0].url)
	r.pgDB = db
	last := nodes[len(nodes)-1]
	r.custURL, r.custWSURL = last.url, "ws"+strings.TrimPrefix(last.url, "http")
	for _, c := range nodes {
		if c.metricsURL != "" {
			r.metricsURLs = append(r.metricsURLs, c.metricsURL)
		}
	}
	t.run = r
	return t, nil
}

// populate connects the scenario's customers and agents.
func (t *target) populate(ctx context.Context, customers, agents int, w io.Writer) error {
	r := t.run
	t0 := time.Now()
	if r.floor {
		rate, err := r.populateFloor(ctx, customers, agents)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "connected %d customers and %d agents in %.1fs (%.0f sockets/s)\n", customers, agents, time.Since(t0).Seconds(), rate)
		return nil
	}
	ar, cr, err := r.populateSkranke(ctx, customers, agents)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "connected %d agents (%.0f/s: login, dial, hello, ready) and %d customers (%.0f/s: 2 POSTs, dial, hello); all chats routed and joined in %.1fs\n",
		agents, ar, customers, cr, time.Since(t0).Seconds())
	return nil
}

// stop ends the connections and the servers, then cleans up.
func (t *target) stop() {
	t.run.closeAll()
	for _, c := range t.nodes {
		c.stop()
	}
	t.cleanup()
}

// runScenario runs cfg.scenario and reports whether every check passed.
func runScenario(ctx context.Context, cfg *config, w io.Writer) (bool, error) {
	host, _ := os.Hostname()
	fmt.Fprintf(w, "skranke-bench %s on %s: %d CPUs, %s, GOMAXPROCS %d (tool)\n", cfg.scenario, host, runtime.NumCPU(), runtime.Version(), runtime.GOMAXPROCS(0))
	switch cfg.scenario {
	case "S1":
		return scenarioIdle(ctx, cfg, w)
	case "S2", "S3":
		return scenarioSteady(ctx, cfg, w)
	case "S4":
		return scenarioRouting(ctx, cfg, w)
	case "S5":
		return scenarioStorm(ctx, cfg, w)
	case "S6":
		return scenarioSlow(ctx, cfg, w)
	}
	return false, fmt.Errorf("unknown scenario %s", cfg.scenario)
}

// finish drains, checks and prints the checker's verdict and the
// connection counters.
func finish(t *target, w io.Writer, skip func(*msgRec) bool) bool {
	r := t.run
	drained := r.drain(r.cfg.drainFor)
	r.chk.Finish(skip)
	fmt.Fprintf(w, "%s: errors: send %d, other requests %d, protocol %d, dial %d; reconnects %d; closes seen %s; drained %v\n",
		t.name, r.sendErrors.Load(), r.ctlErrors.Load(), r.protoErrors.Load(), r.dialErrors.Load(), r.reconnects.Load(), r.closeCodeSummary(), drained)
	fmt.Fprintf(w, "%s: %s\n", t.name, r.chk.Report())
	return r.chk.OK() && r.sendErrors.Load() == 0
}

func mib(b float64) string { return fmt.Sprintf("%.0f MiB", b/(1<<20)) }

// S1: idle footprint.
func scenarioIdle(ctx context.Context, cfg *config, w io.Writer) (bool, error) {
	ok := true
	type row struct {
		name                         string
		sockets                      int
		connect                      time.Duration
		rss0, rss1, heap0, heap1, g1 float64
		idleCPU                      float64
	}
	var rows []row
	for _, name := range cfg.targets {
		t, err := start(ctx, cfg, name, cfg.agents, w)
		if err != nil {
			return false, err
		}
		time.Sleep(time.Second)
		s0 := t.run.scrape()
		t0 := time.Now()
		if err := t.populate(ctx, cfg.customers, cfg.agents, w); err != nil {
			t.stop()
			return false, err
		}
		connect := time.Since(t0)
		time.Sleep(3 * time.Second) // let set-up traffic settle
		s1 := t.run.scrape()
		time.Sleep(cfg.idle)
		s2 := t.run.scrape()
		rows = append(rows, row{name, cfg.customers + cfg.agents, connect, s0.rss, s2.rss, s0.heap, s2.heap, s2.goroutines, (s2.cpu - s1.cpu) / cfg.idle.Seconds()})
		ok = finish(t, w, nil) && ok
		t.stop()
	}
	fmt.Fprintf(w, "\n### S1 idle footprint: %d customers in chats with %d agents (capacity %d), no traffic\n\n", cfg.customers, cfg.agents, cfg.capacity)
	fmt.Fprintln(w, "| target | sockets | set-up (s) | RSS before → after | RSS per socket | heap per socket | goroutines | idle CPU |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|")
	for _, x := range rows {
		n := float64(x.sockets)
		fmt.Fprintf(w, "| %s | %d | %.1f | %s → %s | %.1f KB | %.1f KB | %.0f (%.2f/socket) | %.2f%% of a core |\n", x.name, x.sockets, x.connect.Seconds(),
			mib(x.rss0), mib(x.rss1), (x.rss1-x.rss0)/n/1000, (x.heap1-x.heap0)/n/1000, x.g1, x.g1/n, 100*x.idleCPU)
	}
	return ok, nil
}

// S2/S3: steady traffic at each rate, then a ramp to saturation. Each rate
// runs -repeat times; a rate is sustained when its median is, and the ramp
// ends after two rates in a row that are not (one burst from a neighbour
// does not end it).
func scenarioSteady(ctx context.Context, cfg *config, w io.Writer) (bool, error) {
	ok := true
	all := map[string][]*rateGroup{}
	for _, name := range cfg.targets {
		t, err := start(ctx, cfg, name, cfg.agents, w)
		if err != nil {
			return false, err
		}
		if err := t.populate(ctx, cfg.customers, cfg.agents, w); err != nil {
			t.stop()
			return false, err
		}
		var groups []*rateGroup
		misses := 0 // rates in a row not sustained
		runRate := func(rate float64) {
			g := &rateGroup{rate: rate}
			for i := range cfg.repeat {
				label := fmt.Sprintf("%.0f/s", rate)
				if cfg.repeat > 1 {
					label += fmt.Sprintf(" #%d", i+1)
				}
				st := t.run.traffic(ctx, label, rate, cfg.stepDur)
				t.run.drain(cfg.drainFor)
				t.run.settle(st)
				g.steps = append(g.steps, st)
				fmt.Fprintln(w, stepLine(t.name, st))
				if ctx.Err() != nil {
					break
				}
			}
			groups = append(groups, g)
			if g.sustained(cfg) {
				misses = 0
			} else {
				misses++
			}
		}
		for _, rate := range cfg.rates {
			runRate(rate)
		}
		if cfg.ramp {
			rate := cfg.rates[len(cfg.rates)-1]
			for misses < 2 && ctx.Err() == nil {
				rate *= cfg.rampFactor
				if rate > cfg.rampMax {
					break
				}
				runRate(rate)
			}
		}
		ok = finish(t, w, nil) && ok
		t.stop()
		all[name] = groups
	}
	fmt.Fprintf(w, "\n### %s steady traffic: %d customers, %d agents × %d chats, messages %d–%d bytes, %s steps, %d run(s) per rate\n\n",
		cfg.scenario, cfg.customers, cfg.agents, cfg.capacity, cfg.minSize, cfg.maxSize, cfg.stepDur, cfg.repeat)
	printStepTable(w, cfg, all)
	return ok, nil
}

// quant formats quantiles of h in milliseconds (1 means the maximum).
func quant(h *hist, qs ...float64) string {
	if h.Count() == 0 {
		return "–"
	}
	parts := make([]string, len(qs))
	for i, q := range qs {
		d := h.Quantile(q)
		if q == 1 {
			d = h.Max()
		}
		parts[i] = strings.TrimSuffix(ms(d), "ms")
	}
	return strings.Join(parts, " / ")
}

// S4: routing.
func scenarioRouting(ctx context.Context, cfg *config, w io.Writer) (bool, error) {
	t, err := start(ctx, cfg, "skranke", cfg.agents, w)
	if err != nil {
		return false, err
	}
	defer t.stop()
	r := t.run
	if err := t.populate(ctx, 0, cfg.agents, w); err != nil {
		return false, err
	}
	r.onActive = func(c *conv) {
		cust := c.customer
		id := c.id
		time.AfterFunc(cfg.chatDur, func() { cust.enqueue(outItem{kind: itemEnd, conv: id}) })
	}
	before := r.scrape()
	sch := newSchedule(cfg.chatRate, cfg.poisson, uint64(cfg.seed))
	startErrs := make(chan error, 1)
	var started int
	t0 := time.Now()
	for ctx.Err() == nil {
		el := time.Since(t0)
		if el >= cfg.duration {
			break
		}
		next := sch.Due(el, func(time.Duration) {
			i := started
			started++
			go func() {
				if _, _, err := r.startCustomer(ctx, i); err != nil {
					select {
					case startErrs <- err:
					default:
					}
				}
			}()
		})
		if d := next - time.Since(t0); d > 0 {
			time.Sleep(min(d, cfg.duration-time.Since(t0)))
		}
	}
	arrivals := time.Since(t0)
	after := r.scrape()
	// Wait for every chat to be routed and ended.
	deadline := time.Now().Add(cfg.chatDur + 3*cfg.offerTimeout + 30*time.Second)
	for time.Now().Before(deadline) {
		r.mu.RLock()
		open := 0
		for _, c := range r.convs {
			if !c.ended {
				open++
			}
		}
		n := len(r.convs)
		r.mu.RUnlock()
		if open == 0 && n >= started {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	select {
	case err := <-startErrs:
		fmt.Fprintf(w, "starting chats: %v\n", err)
		r.sendErrors.Add(1)
	default:
	}
	offer, accept, route, rejects := r.routingLatencies()
	r.mu.RLock()
	var routed, ended int
	for _, c := range r.convs {
		if c.joinedAt[0] > 0 && c.joinedAt[1] > 0 {
			routed++
		}
		if c.ended {
			ended++
		}
	}
	r.mu.RUnlock()
	ok := finish(t, w, nil) && routed == started && ended == started
	fmt.Fprintf(w, "\n### S4 routing: %.0f new chats/s for %s into 3 queues; %d ready agents of capacity %d; think %s, %.0f%% rejected; offer timeout %s; chats last %s\n\n",
		cfg.chatRate, cfg.duration, cfg.agents, cfg.capacity, cfg.think, 100*cfg.reject, cfg.offerTimeout, cfg.chatDur)
	fmt.Fprintln(w, "| measure | p50 / p90 / p99 / p99.9 / max (ms) | n |")
	fmt.Fprintln(w, "|---|---|---|")
	fmt.Fprintf(w, "| chat started → offered (agent socket) | %s | %d |\n", quant(offer, 0.5, 0.9, 0.99, 0.999, 1), offer.Count())
	fmt.Fprintf(w, "| accept sent → agent_joined seen by both | %s | %d |\n", quant(accept, 0.5, 0.9, 0.99, 0.999, 1), accept.Count())
	fmt.Fprintf(w, "| chat started → joined, both sides (with think time and rejects) | %s | %d |\n", quant(route, 0.5, 0.9, 0.99, 0.999, 1), route.Count())
	fmt.Fprintf(w, "\nchats started %d (%.0f/s achieved), routed %d, ended %d; offers rejected %d, expired %d; server CPU during arrivals %.2f cores; over-capacity %d\n",
		started, float64(started)/arrivals.Seconds(), routed, ended, rejects, r.expired.Load(), (after.cpu-before.cpu)/arrivals.Seconds(), r.chk.Problems()[probCapacity])
	return ok, nil
}

// S5: reconnect storm.
func scenarioStorm(ctx context.Context, cfg *config, w io.Writer) (bool, error) {
	t, err := start(ctx, cfg, "skranke", cfg.agents, w)
	if err != nil {
		return false, err
	}
	defer t.stop()
	r := t.run
	if err := t.populate(ctx, cfg.customers, cfg.agents, w); err != nil {
		return false, err
	}
	rate := cfg.rates[0]
	st1 := r.traffic(ctx, "before", rate, cfg.stepDur)
	fmt.Fprintln(w, stepLine(t.name, st1))
	r.mu.RLock()
	ps := r.parties
	r.mu.RUnlock()
	base := r.resumedN.Load()
	dropAt := r.now()
	for _, p := range ps {
		p.drop()
	}
	allBack := make(chan int64, 1)
	go func() {
		for r.resumedN.Load()-base < int64(len(ps)) {
			if r.now()-dropAt > int64(cfg.duration+cfg.drainFor) {
				allBack <- -1
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		allBack <- r.lastResume.Load() - dropAt
	}()
	st2 := r.traffic(ctx, "storm", rate, cfg.duration)
	fmt.Fprintln(w, stepLine(t.name, st2))
	back := <-allBack
	ok := finish(t, w, nil)
	fmt.Fprintf(w, "\n### S5 reconnect storm: %d sockets dropped at once during %.0f msg/s; each resumes after a random wait up to %s\n\n", len(ps), rate, cfg.jitter)
	if back < 0 {
		fmt.Fprintf(w, "NOT all sockets resumed: %d of %d\n", r.resumedN.Load()-base, len(ps))
		ok = false
	} else {
		fmt.Fprintf(w, "all %d sockets resumed %.2f s after the drop (reconnects %d, failed dials %d)\n\n", len(ps), time.Duration(back).Seconds(), r.reconnects.Load(), r.dialErrors.Load())
	}
	r.settle(st1)
	r.settle(st2)
	printStepTable(w, &config{targets: []string{"skranke"}, satP99: cfg.satP99}, map[string][]*rateGroup{"skranke": {{rate: rate, steps: []*step{st1}}, {rate: rate, steps: []*step{st2}}}})
	return ok, nil
}

// S6: slow consumers.
func scenarioSlow(ctx context.Context, cfg *config, w io.Writer) (bool, error) {
	t, err := start(ctx, cfg, "skranke", cfg.agents, w)
	if err != nil {
		return false, err
	}
	defer t.stop()
	r := t.run
	if err := t.populate(ctx, cfg.customers, cfg.agents, w); err != nil {
		return false, err
	}
	rate := cfg.rates[0]
	st1 := r.traffic(ctx, "baseline", rate, cfg.stepDur)
	fmt.Fprintln(w, stepLine(t.name, st1))
	s0 := r.scrape()
	stallAt := r.now()
	r.mu.RLock()
	for _, p := range r.parties {
		if p.slowDial {
			p.stallUntil.Store(stallAt + int64(cfg.stall))
		}
	}
	r.mu.RUnlock()
	closedAt := make(chan int64, 1)
	peak := make(chan serverStats, 1)
	go func() {
		var pk serverStats
		done := false
		for r.now()-stallAt < int64(cfg.duration) {
			s := r.scrape()
			pk.rss, pk.goroutines = max(pk.rss, s.rss), max(pk.goroutines, s.goroutines)
			if !done && s.slow-s0.slow >= float64(cfg.slowAgents) {
				closedAt <- r.now() - stallAt
				done = true
			}
			time.Sleep(200 * time.Millisecond)
		}
		if !done {
			closedAt <- -1
		}
		peak <- pk
	}()
	st2 := r.traffic(ctx, "stall", rate, cfg.duration)
	fmt.Fprintln(w, stepLine(t.name, st2))
	closed := <-closedAt
	pk := <-peak
	s1 := r.scrape()
	ok := finish(t, w, nil)
	fmt.Fprintf(w, "\n### S6 slow consumers: %d of %d agents stop reading for %s at %.0f msg/s\n\n", cfg.slowAgents, cfg.agents, cfg.stall, rate)
	if closed < 0 {
		fmt.Fprintf(w, "the server closed %.0f of %d slow sockets within %s: NOT all\n", s1.slow-s0.slow, cfg.slowAgents, cfg.duration)
		ok = false
	} else {
		fmt.Fprintf(w, "the server closed all %d slow sockets %.2f s after they stopped reading (close codes seen by the tool: %s)\n", cfg.slowAgents, time.Duration(closed).Seconds(), r.closeCodeSummary())
	}
	fmt.Fprintf(w, "server RSS %s before, peak %s; goroutines %.0f before, peak %.0f\n\n", mib(s0.rss), mib(pk.rss), s0.goroutines, pk.goroutines)
	fmt.Fprintln(w, "| step | delivery between others p50 / p99 / p99.9 / max (ms) | ack to others p50 / p99 / max (ms) | delivery to all p99 / max (ms) | achieved msg/s | server CPU |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	for _, st := range []*step{st1, st2} {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %.0f | %.2f |\n", st.name, quant(&st.others, 0.5, 0.99, 0.999, 1), quant(&st.ackOthers, 0.5, 0.99, 1),
			quant(&st.delivery, 0.99, 1), st.achieved(), st.serverCores())
	}
	return ok, nil
}
