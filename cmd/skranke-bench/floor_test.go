package main

import (
	"encoding/json"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// counterValue reads a counter's value.
func counterValue(c prometheus.Counter) float64 {
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		return -1
	}
	return m.GetCounter().GetValue()
}

// TestFloor_EndToEnd runs the generator against the floor relay in
// process, bare and durable, and checks the run: the tool's own plumbing
// (schedule, parties, checker, histograms) end to end.
func TestFloor_EndToEnd(t *testing.T) {
	for _, tc := range []struct {
		name string
		db   bool
		each bool
	}{{"relay", false, false}, {"durable_group", true, false}, {"durable_each", true, true}} {
		t.Run(tc.name, func(t *testing.T) {
			path := ""
			if tc.db {
				path = filepath.Join(t.TempDir(), "floor.db")
			}
			rl, err := openRelay(t.Context(), path, tc.each, "")
			if err != nil {
				t.Fatalf("openRelay: %v", err)
			}
			srv := httptest.NewServer(rl.handler())
			t.Cleanup(func() { srv.Close(); rl.close() })

			cfg := &config{capacity: 4, minSize: 100, maxSize: 500, seed: 1, drainFor: 10 * time.Second}
			r := newRun(cfg, "relay", srv.URL)
			if _, err := r.populateFloor(t.Context(), 12, 3); err != nil {
				t.Fatalf("populateFloor: %v", err)
			}
			st := r.traffic(t.Context(), "test", 400, 500*time.Millisecond)
			if !r.drain(10 * time.Second) {
				t.Fatalf("drain: messages still outstanding")
			}
			r.chk.Finish(nil)
			if !r.chk.OK() {
				// The floor cannot resume: a session it closed as a slow
				// consumer loses what followed. Say so, to tell that apart
				// from a bug in the tool.
				t.Errorf("checks: %s (sessions the floor closed as slow consumers: %v, reconnects: %d)",
					r.chk.Report(), counterValue(rl.slow), r.reconnects.Load())
			}
			if n := st.delivered.Load(); n != st.scheduled.Load() || n < 150 {
				t.Errorf("delivered %d of %d scheduled, want all of about 200", n, st.scheduled.Load())
			}
			if st.ack.Count() != uint64(st.scheduled.Load()) {
				t.Errorf("ack latencies %d, want %d", st.ack.Count(), st.scheduled.Load())
			}

			// A dropped connection resumes; what was unanswered is sent again.
			r.mu.RLock()
			p := r.parties[0]
			r.mu.RUnlock()
			p.drop()
			deadline := time.Now().Add(5 * time.Second)
			for r.reconnects.Load() == 0 && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if r.reconnects.Load() == 0 {
				t.Errorf("no reconnect after a drop")
			}
			r.closeAll()
		})
	}
}

func TestParty_Encode(t *testing.T) {
	p := &party{}
	for _, it := range []outItem{
		{kind: itemSend, msg: 42, size: 300, conv: "abc", req: 7},
		{kind: itemSend, msg: 1234567, size: 100, conv: "abc", req: 8},
		{kind: itemAccept, conv: "abc", req: 9},
		{kind: itemStatus, req: 10},
	} {
		b := p.encode(nil, it)
		var f map[string]any
		if err := json.Unmarshal(b, &f); err != nil {
			t.Fatalf("encode(%+v) = %s: not JSON: %v", it, b, err)
		}
		if f["requestId"] == nil || f["type"] == nil {
			t.Errorf("encode(%+v) = %s: no type or requestId", it, b)
		}
		if it.kind != itemSend {
			continue
		}
		text, _ := f["text"].(string)
		if len(text) != it.size {
			t.Errorf("encode(%+v): text of %d bytes, want %d", it, len(text), it.size)
		}
		if id, ok := msgIDOf(text); !ok || id != it.msg {
			t.Errorf("msgIDOf(%.20q) = %d, %v; want %d", text, id, ok, it.msg)
		}
	}
	if _, ok := msgIDOf("hello"); ok {
		t.Errorf(`msgIDOf("hello") found an id`)
	}
}

func TestParseMetric(t *testing.T) {
	for _, tc := range []struct {
		line string
		name string
		val  float64
	}{
		{"go_goroutines 42", "go_goroutines", 42},
		{`skranke_ws_connections{role="agent"} 250`, "skranke_ws_connections", 250},
		{"process_resident_memory_bytes 3.4816e+07", "process_resident_memory_bytes", 3.4816e7},
	} {
		name, val, ok := parseMetric(tc.line)
		if !ok || name != tc.name || val != tc.val {
			t.Errorf("parseMetric(%q) = %q, %v, %v; want %q, %v", tc.line, name, val, ok, tc.name, tc.val)
		}
	}
}
