package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A rateGroup is the repeats of one target rate. A single step can be
// thrown off by a burst from a neighbour on a shared machine, so a rate is
// run -repeat times and judged on the medians; the range shows how much
// the repeats disagreed.
type rateGroup struct {
	rate  float64
	steps []*step
}

// spread is the median, minimum and maximum of some figure over a group's
// steps.
type spread struct{ med, lo, hi float64 }

// spreadOf returns the median (the mean of the two middle values for an
// even count), minimum and maximum of fn over steps.
func spreadOf(steps []*step, fn func(*step) float64) spread {
	if len(steps) == 0 {
		return spread{}
	}
	v := make([]float64, len(steps))
	for i, st := range steps {
		v[i] = fn(st)
	}
	slices.Sort(v)
	n := len(v)
	med := v[n/2]
	if n%2 == 0 {
		med = (v[n/2-1] + v[n/2]) / 2
	}
	return spread{med, v[0], v[n-1]}
}

// format writes the spread with verb (a fmt verb for one value) as
// "med (lo–hi)", or just the value for a single step.
func (s spread) format(verb string, n int) string {
	if n <= 1 {
		return fmt.Sprintf(verb, s.med)
	}
	return fmt.Sprintf(verb+" ("+verb+"–"+verb+")", s.med, s.lo, s.hi)
}

func p99ms(h *hist) float64 { return float64(h.Quantile(0.99)) / 1e6 }

// achieved, p99 and the others are the figures a group is judged and
// reported on.
func (g *rateGroup) achieved() spread { return spreadOf(g.steps, (*step).achieved) }
func (g *rateGroup) p99() spread {
	return spreadOf(g.steps, func(st *step) float64 { return p99ms(&st.delivery) })
}

// sustained reports whether the group kept up with its rate: the median
// step delivered at least 95 % of it with a median delivery p99 (from the
// due time) of at most -sat-p99.
func (g *rateGroup) sustained(cfg *config) bool {
	return g.achieved().med >= 0.95*g.rate && g.p99().med <= float64(cfg.satP99)/1e6
}

// merged returns the union of one histogram of every step in the group.
func (g *rateGroup) merged(fn func(*step) *hist) *hist {
	h := new(hist)
	for _, st := range g.steps {
		if x := fn(st); x != nil {
			h.Merge(x)
		}
	}
	return h
}

// machineBusy returns the CPU time the whole machine has spent busy (user,
// nice, system, irq, softirq and steal time of every core, from the first
// line of /proc/stat), or -1 if it cannot be read.
func machineBusy() time.Duration {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return -1
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return -1
	}
	var ticks int64
	for i, v := range f[1:9] {
		if i == 3 || i == 4 { // idle, iowait
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return -1
		}
		ticks += n
	}
	// /proc/stat counts in USER_HZ, 100 a second on every Linux port Go runs on.
	return time.Duration(ticks) * (time.Second / 100)
}

// servicesCPU returns the CPU time used so far by the services a
// PostgreSQL target runs on, on this machine: the backends of database db,
// PostgreSQL's own processes (postmaster, WAL writer, checkpointer, …,
// shared with other databases) and nats-server. Backends of other
// databases are left out; processes that ended are not counted.
func servicesCPU(db string) time.Duration {
	procs, _ := os.ReadDir("/proc")
	var ticks int64
	for _, p := range procs {
		if p.Name()[0] < '0' || p.Name()[0] > '9' {
			continue
		}
		dir := "/proc/" + p.Name() + "/"
		comm, err := os.ReadFile(dir + "comm")
		if err != nil {
			continue
		}
		switch strings.TrimSpace(string(comm)) {
		case "nats-server":
		case "postgres":
			// A backend's title is "postgres: [cluster:] user database
			// host(port) state"; others name their task.
			cmd, _ := os.ReadFile(dir + "cmdline")
			f := strings.Fields(strings.ReplaceAll(string(cmd), "\x00", " "))
			theirs := false
			for i := 2; i < len(f); i++ {
				if strings.Contains(f[i], "(") || f[i] == "[local]" {
					theirs = f[i-1] != db
					break
				}
			}
			if theirs {
				continue
			}
		default:
			continue
		}
		stat, err := os.ReadFile(dir + "stat")
		if err != nil {
			continue
		}
		// Fields after the command (in parentheses, which may hold
		// spaces): state is the 3rd field, utime the 14th, stime the 15th.
		_, rest, ok := strings.Cut(string(stat), ") ")
		if f := strings.Fields(rest); ok && len(f) > 12 {
			u, _ := strconv.ParseInt(f[11], 10, 64)
			s, _ := strconv.ParseInt(f[12], 10, 64)
			ticks += u + s
		}
	}
	return time.Duration(ticks) * (time.Second / 100)
}

// servicesCores returns the CPU of PostgreSQL and NATS during the step
// (servicesCPU), in cores; 0 for a target without them.
func (st *step) servicesCores() float64 {
	wall := float64(st.end - st.start)
	if wall <= 0 {
		return 0
	}
	return float64(st.svc1-st.svc0) / wall
}

// otherCores returns the CPU that processes other than the server(s) under
// test, their PostgreSQL and NATS, and the tool used during the step, in
// cores: the machine's busy time less theirs. A run disturbed by a
// neighbour shows here.
func (st *step) otherCores() float64 {
	wall := float64(st.end - st.start)
	if wall <= 0 || st.busy0 < 0 || st.busy1 < 0 {
		return 0
	}
	server := (st.after.cpu - st.before.cpu) * 1e9
	return max(0, float64(st.busy1-st.busy0)-server-float64(st.toolCPU)-float64(st.svc1-st.svc0)) / wall
}

// toolCores returns the tool's CPU during the step, in cores.
func (st *step) toolCores() float64 {
	if st.end <= st.start {
		return 0
	}
	return float64(st.toolCPU) / float64(st.end-st.start)
}

// settle computes the step's latencies from the socket writes; call it
// once the step's messages are drained.
func (r *run) settle(st *step) {
	st.wAck, st.wDelivery = r.fromWrite(st)
}

func stepLine(name string, st *step) string {
	line := fmt.Sprintf("%s %s: achieved %.0f msg/s; ack %s; delivery %s", name, st.name, st.achieved(), st.ack.Summary(), st.delivery.Summary())
	if st.wDelivery != nil {
		line += fmt.Sprintf("; from the write: ack p99 %s, delivery p50 %s p99 %s max %s", ms(st.wAck.Quantile(0.99)),
			ms(st.wDelivery.Quantile(0.5)), ms(st.wDelivery.Quantile(0.99)), ms(st.wDelivery.Max()))
	}
	if st.svc1 > 0 {
		line += fmt.Sprintf("; PostgreSQL + NATS %.2f cores", st.servicesCores())
	}
	return line + fmt.Sprintf("; server %.2f cores, tool %.2f cores, other processes %.2f cores", st.serverCores(), st.toolCores(), st.otherCores())
}

// printStepTable prints one row per target and rate: medians and ranges
// over the rate's repeats, latency from the due time and from the write.
func printStepTable(w io.Writer, cfg *config, all map[string][]*rateGroup) {
	fmt.Fprintln(w, "Latency from due: from the time the open-loop schedule made the message due; from write: from the moment its frame was written to the socket. p99 and achieved are median (min–max) over the runs; the other quantiles are over all runs together. Server CPU: of the Skranke node(s) or the floor (both nodes for skranke-pg2); PostgreSQL + NATS: of this database's backends, PostgreSQL's own processes and nats-server. Other CPU: what every other process used, median (max), in cores: a run disturbed by a neighbour shows there.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| target | target rate | runs | achieved msg/s | delivery p99 from due (ms) | delivery p50 / p90 / p99.9 / max from due (ms) | delivery p99 from write (ms) | delivery p50 / max from write (ms) | ack p99 from due (ms) | server CPU (cores) | msg/s per server core | PostgreSQL + NATS CPU (cores) | other CPU (cores) | server RSS | goroutines | tool CPU | sustained |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
	sat := map[string]float64{}
	for _, name := range cfg.targets {
		for _, g := range all[name] {
			n := len(g.steps)
			ach := g.achieved()
			cores := spreadOf(g.steps, (*step).serverCores)
			perCore := 0.0
			if cores.med > 0 {
				perCore = ach.med / cores.med
			}
			s := g.sustained(cfg)
			if s {
				sat[name] = max(sat[name], ach.med)
			}
			wp99 := spreadOf(g.steps, func(st *step) float64 {
				if st.wDelivery == nil {
					return 0
				}
				return p99ms(st.wDelivery)
			})
			other := spreadOf(g.steps, (*step).otherCores)
			last := g.steps[n-1]
			svc := "–"
			if last.svc1 > 0 {
				svc = fmt.Sprintf("%.2f", spreadOf(g.steps, (*step).servicesCores).med)
			}
			fmt.Fprintf(w, "| %s | %.0f | %d | %s | %s | %s | %s | %s | %s | %.2f | %.0f | %s | %.2f (%.2f) | %s | %.0f | %.2f | %v |\n",
				name, g.rate, n, ach.format("%.0f", n), g.p99().format("%.2f", n),
				quant(g.merged(func(st *step) *hist { return &st.delivery }), 0.5, 0.9, 0.999, 1), wp99.format("%.2f", n),
				quant(g.merged(func(st *step) *hist { return st.wDelivery }), 0.5, 1),
				spreadOf(g.steps, func(st *step) float64 { return p99ms(&st.ack) }).format("%.2f", n),
				cores.med, perCore, svc, other.med, other.hi, mib(last.after.rss), last.after.goroutines,
				spreadOf(g.steps, (*step).toolCores).hi, s)
		}
	}
	fmt.Fprintln(w)
	for _, name := range cfg.targets {
		toolBound := ""
		for _, g := range all[name] {
			for _, st := range g.steps {
				if st.toolCores() > 0.9 {
					toolBound = " (the generator used more than 0.9 of its core in some step: a lower bound)"
				}
			}
		}
		fmt.Fprintf(w, "- highest sustained rate (median of the runs), %s: %.0f msg/s%s\n", name, sat[name], toolBound)
	}
	for _, sk := range []string{"skranke", "skranke-pg", "skranke-pg2"} {
		if s := sat[sk]; s > 0 {
			for _, f := range []string{"relay", "durable"} {
				if sat[f] > 0 {
					fmt.Fprintf(w, "- %s ÷ %s floor: %.2f\n", sk, f, s/sat[f])
				}
			}
		}
	}
}
