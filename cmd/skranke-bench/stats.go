package main

import (
	"bufio"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// serverStats are the figures scraped from a server's /metrics.
type serverStats struct {
	rss        float64 // process_resident_memory_bytes
	heap       float64 // go_memstats_heap_inuse_bytes
	goroutines float64 // go_goroutines
	cpu        float64 // process_cpu_seconds_total
	slow       float64 // slow consumers closed (skranke_ws_slow_consumers_total or the floor's)
	conns      float64 // open WebSocket sessions (skranke_ws_connections, all roles)
}

// scrape reads the target's /metrics, summed over its nodes; a node that
// does not answer counts as zeros.
func (r *run) scrape() serverStats {
	bases := r.metricsURLs
	if len(bases) == 0 {
		bases = []string{r.baseURL}
	}
	var s serverStats
	for _, base := range bases {
		n := r.scrapeOne(base)
		s.rss += n.rss
		s.heap += n.heap
		s.goroutines += n.goroutines
		s.cpu += n.cpu
		s.slow += n.slow
		s.conns += n.conns
	}
	return s
}

// scrapeOne reads one node's /metrics at base.
func (r *run) scrapeOne(base string) serverStats {
	var s serverStats
	resp, err := r.http.Get(base + "/metrics")
	if err != nil {
		r.logf("scrape: %v", err)
		return s
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		name, val, ok := parseMetric(line)
		if !ok {
			continue
		}
		switch name {
		case "process_resident_memory_bytes":
			s.rss = val
		case "go_memstats_heap_inuse_bytes":
			s.heap = val
		case "go_goroutines":
			s.goroutines = val
		case "process_cpu_seconds_total":
			s.cpu = val
		case "skranke_ws_slow_consumers_total", "floor_slow_consumers_total":
			s.slow += val
		case "skranke_ws_connections", "floor_connections":
			s.conns += val
		}
	}
	return s
}

// parseMetric splits a Prometheus text line into its metric name (labels
// dropped) and value.
func parseMetric(line string) (string, float64, bool) {
	sp := strings.LastIndexByte(line, ' ')
	if sp < 0 {
		return "", 0, false
	}
	name := line[:sp]
	if i := strings.IndexByte(name, '{'); i >= 0 {
		name = name[:i]
	}
	v, err := strconv.ParseFloat(line[sp+1:], 64)
	return strings.TrimSpace(name), v, err == nil
}

// toolCPU returns the CPU time this process has used.
func toolCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
