// Command skranke-bench measures Skranke under load over real WebSocket and
// HTTP connections, speaking the protocol of docs/protocol.md, beside the
// floor of the machine: a bare WebSocket relay, and the same relay with one
// durable SQLite write per message. It checks every run (nothing
// acknowledged lost, no duplicate, order kept for every observer, no agent
// over capacity) and exits non-zero when a check fails, whatever the speed.
//
// It starts the servers itself: `skranke serve` on a fresh data folder
// seeded with many agents, pinned to one core (taskset), and the load
// generator on another. See docs/benchmarks.md for the scenarios and
// results.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"skranke/chat"
)

// config is everything the flags say.
type config struct {
	scenario     string
	targets      []string
	serverBin    string
	build        bool
	data         string
	customers    int
	agents       int
	capacity     int
	rates        []float64
	stepDur      time.Duration
	ramp         bool
	rampFactor   float64
	rampMax      float64
	repeat       int
	satP99       time.Duration
	minSize      int
	maxSize      int
	poisson      bool
	think        time.Duration
	reject       float64
	offerTimeout time.Duration
	chatRate     float64
	chatDur      time.Duration
	duration     time.Duration
	idle         time.Duration
	jitter       time.Duration
	slowShare    float64
	slowAgents   int // computed: agents 0..slowAgents-1 are slow consumers
	stall        time.Duration
	drainFor     time.Duration
	serverCPU    string
	toolCPU      string
	pin          bool
	floorCommit  string
	floorPragmas string
	pgAdmin      string
	natsURL      string
	seed         int64
	verbose      bool
	cpuProfile   string
}

const usage = `skranke-bench drives Skranke (and the floor of this machine) with simulated
customers and agents over real connections, reports latencies, throughput and
server footprint, and checks the run. It exits 1 when a check fails.

Usage:
  skranke-bench [flags]                 run a scenario (-scenario S1…S6)
  skranke-bench floor-serve [flags]     the floor server (started by the tool itself)
  skranke-bench files [flags]           attachments: upload and download MB/s beside a
                                        plain server, and the server's memory (-h)

Scenarios:
  S1  idle footprint: customers in chats with agents (capacity each), no
      traffic; memory per socket, idle CPU, connect rate. Also on the floor.
  S2  steady durable traffic at each -rates value for -step, -repeat times,
      then (-ramp) ×-ramp-factor until two rates in a row miss their rate or
      -sat-p99 (by the median of their runs); on every
      -targets (skranke, relay, durable) with the same population, so the
      report gives Skranke ÷ floor ratios.
  S3  S2 with 10 000 customers and 2 500 agents (if the machine allows).
  S4  routing: -chat-rate new chats/s into 3 queues for -duration, -agents
      ready agents of -capacity, -reject share rejected after -think, server
      --offer-timeout -offer-timeout; each chat ends after -chat-duration.
  S5  reconnect storm: traffic at the first -rates value; after one -step all
      sockets are dropped at once and resume (afterSeq / resume) while the
      traffic goes on for -duration.
  S6  slow consumers: -slow-share of the agents stop reading for -stall
      while traffic runs at the first -rates value; the server must close
      them (4008); the others' latency is reported apart.

Flags:
`

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("skranke-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	c := &config{}
	var targets, rates string
	fs.StringVar(&c.scenario, "scenario", "S2", "scenario to run: S1, S2, S3, S4, S5 or S6 (see above)")
	fs.StringVar(&targets, "targets", "", "comma-separated targets: skranke (SQLite), skranke-pg (PostgreSQL + NATS, one node), skranke-pg2 (two nodes: agents on one, customers on the other), relay (bare WebSocket floor), durable (floor + one SQLite insert per message); default skranke,relay,durable for S1 and S2, skranke otherwise")
	fs.StringVar(&c.pgAdmin, "pg", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "skranke-pg*: a PostgreSQL database URL through which each run creates (and afterwards drops) a fresh database bench_<random>")
	fs.StringVar(&c.natsURL, "nats", "nats://127.0.0.1:4222", "skranke-pg*: the NATS server the nodes share")
	fs.StringVar(&c.serverBin, "server-bin", "bin/skranke", "the skranke binary to run")
	fs.BoolVar(&c.build, "build", true, "build -server-bin from ./cmd/skranke if it is missing (run from the repository root)")
	fs.StringVar(&c.data, "data", "", "data folder for the server under test (default: a new temporary folder per run)")
	fs.IntVar(&c.customers, "customers", 1000, "customers, one chat each (S1, S2, S5, S6; S3 uses 10000 and S6 400 unless set)")
	fs.IntVar(&c.agents, "agents", 0, "agents; 0: customers ÷ capacity, rounded up (S4: 400)")
	fs.IntVar(&c.capacity, "capacity", 4, "chats per agent (capacity; offers count)")
	fs.StringVar(&rates, "rates", "1000,5000,10000", "comma-separated target message rates, total msg/s over all conversations (S5 uses 2000 and S6 8000 unless set)")
	fs.DurationVar(&c.stepDur, "step", 10*time.Second, "length of each rate step")
	fs.BoolVar(&c.ramp, "ramp", false, "S2: after -rates, raise the rate by -ramp-factor per step until two rates in a row are not sustained (by their median)")
	fs.Float64Var(&c.rampFactor, "ramp-factor", 1.25, "S2: rate multiplier per ramp step")
	fs.Float64Var(&c.rampMax, "ramp-max", 200000, "S2: stop ramping above this rate")
	fs.IntVar(&c.repeat, "repeat", 0, "S2/S3: runs of each rate, judged on their median; 0: 3 with -ramp, else 1")
	fs.DurationVar(&c.satP99, "sat-p99", 100*time.Millisecond, "a rate is sustained when the median of its runs delivers ≥95% of it with a median delivery p99 at most this")
	fs.IntVar(&c.minSize, "min-size", 100, "smallest message text, bytes")
	fs.IntVar(&c.maxSize, "max-size", 500, "largest message text, bytes (sizes are uniform in between)")
	fs.BoolVar(&c.poisson, "poisson", false, "Poisson arrivals instead of evenly spaced ones (same mean rate)")
	fs.DurationVar(&c.think, "think", 0, "agent think time before answering an offer (S4 uses 200ms unless set)")
	fs.Float64Var(&c.reject, "reject", -1, "share of offers the agents reject; -1: the scenario's own (0.2 for S4, else 0)")
	fs.DurationVar(&c.offerTimeout, "offer-timeout", 10*time.Second, "the server's --offer-timeout")
	fs.Float64Var(&c.chatRate, "chat-rate", 200, "S4: new chats per second")
	fs.DurationVar(&c.chatDur, "chat-duration", 5*time.Second, "S4: how long a chat lasts once joined before the customer ends it")
	fs.DurationVar(&c.duration, "duration", 20*time.Second, "S4: arrival period; S5: traffic after the drop; S6: traffic after the stall starts (S6 uses 40s unless set)")
	fs.DurationVar(&c.idle, "idle", 10*time.Second, "S1: idle period over which CPU is measured")
	fs.DurationVar(&c.jitter, "jitter", 500*time.Millisecond, "first reconnect attempt waits a random time up to this (then 0.5 s doubling to 10 s)")
	fs.Float64Var(&c.slowShare, "slow-share", 0.01, "S6: share of agents that stop reading (at least one)")
	fs.DurationVar(&c.stall, "stall", 30*time.Second, "S6: how long slow agents stop reading")
	fs.DurationVar(&c.drainFor, "drain", 30*time.Second, "after the load, how long to wait for every message to be acknowledged and delivered")
	fs.StringVar(&c.serverCPU, "server-cpu", "0", "CPU list for the server under test (taskset -c); empty: no pinning")
	fs.StringVar(&c.toolCPU, "tool-cpu", "1", "CPU list for the load generator (the tool re-executes itself under taskset -c)")
	fs.BoolVar(&c.pin, "pin", true, "pin the server and the tool to -server-cpu and -tool-cpu")
	fs.StringVar(&c.floorCommit, "floor-commit", "group", "durable floor: group (one writer batches waiting messages in one transaction, like Skranke) or each (one transaction per message)")
	fs.StringVar(&c.floorPragmas, "floor-pragmas", "", "durable floor: extra SQLite pragmas, comma-separated (to try a fix, e.g. wal_autocheckpoint(10000))")
	fs.Int64Var(&c.seed, "seed", 1, "random seed of the generator")
	fs.BoolVar(&c.verbose, "v", false, "log connection and request problems as they happen")
	fs.StringVar(&c.cpuProfile, "cpuprofile", "", "write a CPU profile of the tool (the load generator) to this file")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	c.scenario = strings.ToUpper(c.scenario)
	if c.scenario == "S3" {
		if !flagSet(fs, "customers") {
			c.customers = 10000
		}
	}
	if c.scenario == "S4" {
		if !flagSet(fs, "agents") {
			c.agents = 400
		}
		if !flagSet(fs, "think") {
			c.think = 200 * time.Millisecond
		}
		if c.reject < 0 {
			c.reject = 0.2
		}
	}
	if c.scenario == "S6" {
		if !flagSet(fs, "customers") {
			c.customers = 400
		}
		if !flagSet(fs, "stall") {
			c.stall = 30 * time.Second
		}
		if !flagSet(fs, "duration") {
			c.duration = 40 * time.Second
		}
		if !flagSet(fs, "rates") {
			rates = "8000"
		}
	}
	if c.scenario == "S5" && !flagSet(fs, "rates") {
		rates = "2000"
	}
	c.reject = max(c.reject, 0)
	if c.repeat <= 0 {
		c.repeat = 1
		if c.ramp {
			c.repeat = 3
		}
	}
	if c.agents == 0 {
		c.agents = (c.customers + c.capacity - 1) / max(c.capacity, 1)
	}
	if targets == "" {
		targets = "skranke"
		if c.scenario == "S1" || c.scenario == "S2" {
			targets = "skranke,relay,durable"
		}
	}
	for _, t := range strings.Split(targets, ",") {
		switch t = strings.TrimSpace(t); t {
		case "skranke", "skranke-pg", "skranke-pg2", "relay", "durable":
			if (c.scenario != "S1" && c.scenario != "S2" && c.scenario != "S3") && t != "skranke" {
				return nil, fmt.Errorf("-targets: %s runs S1, S2 and S3 only", t)
			}
			c.targets = append(c.targets, t)
		default:
			return nil, fmt.Errorf("-targets: unknown target %q", t)
		}
	}
	for _, s := range strings.Split(rates, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("-rates: %q is not a positive rate", s)
		}
		c.rates = append(c.rates, v)
	}
	switch {
	case c.scenario < "S1" || c.scenario > "S6" || len(c.scenario) != 2:
		return nil, fmt.Errorf("-scenario %q: want S1 … S6", c.scenario)
	case c.minSize < 20 || c.maxSize < c.minSize || c.maxSize > 4000:
		return nil, errors.New("-min-size/-max-size: want 20 ≤ min ≤ max ≤ 4000")
	case c.capacity < 1:
		return nil, errors.New("-capacity: want at least 1")
	case c.capacity > chat.MaxCapacity:
		return nil, fmt.Errorf("-capacity: want at most %d, as for any agent", chat.MaxCapacity)
	case c.customers > c.agents*c.capacity && c.scenario != "S4":
		return nil, fmt.Errorf("%d agents of capacity %d cannot hold %d chats", c.agents, c.capacity, c.customers)
	case c.floorCommit != "group" && c.floorCommit != "each":
		return nil, errors.New("-floor-commit: want group or each")
	}
	if c.scenario == "S6" {
		c.slowAgents = max(1, int(float64(c.agents)*c.slowShare))
	}
	if !c.pin {
		c.serverCPU, c.toolCPU = "", ""
	}
	return c, nil
}

func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "files" {
		if err := filesMain(os.Args[2:], os.Stdout, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, "skranke-bench files:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "files-floor" {
		if err := filesFloor(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "files-floor:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "floor-serve" {
		if err := floorServe(os.Args[2:], os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, "floor-serve:", err)
			os.Exit(1)
		}
		return
	}
	cfg, err := parseFlags(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "skranke-bench:", err)
		os.Exit(2)
	}
	pinSelf(cfg)
	raiseFileLimit()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if cfg.cpuProfile != "" {
		f, err := os.Create(cfg.cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "skranke-bench:", err)
			os.Exit(2)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	ok, err := runScenario(ctx, cfg, os.Stdout)
	pprof.StopCPUProfile()
	if err != nil {
		fmt.Fprintln(os.Stderr, "skranke-bench:", err)
		os.Exit(2)
	}
	if !ok {
		os.Exit(1)
	}
}

// pinSelf re-executes the tool under taskset on -tool-cpu, once, so the
// load generator and the server under test never share a core.
func pinSelf(cfg *config) {
	if cfg.toolCPU == "" || os.Getenv("SKRANKE_BENCH_PINNED") != "" {
		return
	}
	ts, err := exec.LookPath("taskset")
	if err != nil {
		return
	}
	self, err := os.Executable()
	if err != nil {
		return
	}
	os.Setenv("SKRANKE_BENCH_PINNED", "1")
	args := append([]string{"taskset", "-c", cfg.toolCPU, self}, os.Args[1:]...)
	err = syscall.Exec(ts, args, os.Environ())
	fmt.Fprintln(os.Stderr, "skranke-bench: pin with taskset:", err) // only reached on failure
}

// raiseFileLimit lifts the soft limit on open files to the hard one; the
// servers started by the tool inherit it.
func raiseFileLimit() {
	var l syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l) == nil && l.Cur < l.Max {
		l.Cur = l.Max
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l)
	}
}

// ensureServerBin builds the skranke binary when it is missing.
func ensureServerBin(cfg *config, w io.Writer) error {
	if _, err := os.Stat(cfg.serverBin); err == nil {
		abs, _ := filepath.Abs(cfg.serverBin)
		cfg.serverBin = abs
		return nil
	}
	if !cfg.build {
		return fmt.Errorf("%s is missing (and -build=false)", cfg.serverBin)
	}
	fmt.Fprintf(w, "building %s …\n", cfg.serverBin)
	cmd := exec.Command("go", "build", "-o", cfg.serverBin, "./cmd/skranke")
	cmd.Stdout, cmd.Stderr = w, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("build %s: %w", cfg.serverBin, err)
	}
	abs, _ := filepath.Abs(cfg.serverBin)
	cfg.serverBin = abs
	return nil
}
