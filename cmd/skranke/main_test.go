package main

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestConfig_Validate(t *testing.T) {
	good := Config{Addr: ":0", Data: "d", OfferTimeout: 30 * time.Second, Grace: time.Minute,
		CustomerGrace: 10 * time.Second, CustomerAbandon: 5 * time.Minute, LogLevel: "info"}
	if err := good.Validate(); err != nil {
		t.Fatalf("Validate(%+v) = %v", good, err)
	}
	multi := good
	multi.DB, multi.NATS, multi.NATSNKey = "postgres://u:secret@db/skranke", "tls://nats:4222", "skranke.nk"
	if err := multi.Validate(); err != nil {
		t.Fatalf("Validate(%+v) = %v", multi, err)
	}
	multi.NATS, multi.NATSNKey, multi.NATSInsecure = "nats://nats:4222", "", true
	if err := multi.Validate(); err != nil {
		t.Fatalf("Validate(%+v) with --nats-insecure = %v", multi, err)
	}
	local := good
	local.DB, local.NATS = "postgres://u:secret@db/skranke", "nats://127.0.0.1:4222"
	if err := local.Validate(); err != nil {
		t.Fatalf("Validate(%+v) with NATS on loopback = %v", local, err)
	}
	bad := good
	bad.DB = "mysql://u:secret@db/x"
	if err := bad.Validate(); err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("Validate with a password in a bad --db = %v, want an error without the password", err)
	}
	tests := []struct {
		name   string
		mutate func(*Config)
		want   string
	}{
		{"db not postgres", func(c *Config) { c.DB = "mysql://x" }, "--db"},
		{"nats without postgres", func(c *Config) { c.NATS = "nats://x" }, "--nats needs --db"},
		{"nats not a nats url", func(c *Config) { c.DB = "postgres://x"; c.NATS = "http://x" }, "--nats"},
		{"remote nats without authentication", func(c *Config) { c.DB = "postgres://x"; c.NATS = "tls://nats.internal:4222" }, "--nats-insecure"},
		{"remote nats without tls", func(c *Config) { c.DB = "postgres://x"; c.NATS = "nats://u:p@10.0.0.5:4222" }, "TLS"},
		{"nats files without nats", func(c *Config) { c.NATSNKey = "x.nk" }, "need --nats"},
		{"creds and nkey", func(c *Config) {
			c.DB = "postgres://x"
			c.NATS = "nats://127.0.0.1:4222"
			c.NATSCreds, c.NATSNKey = "a", "b"
		}, "one of them"},
		{"metrics on the public address", func(c *Config) { c.Addr, c.MetricsAddr = ":8080", ":8080" }, "--metrics-addr"},
		{"pprof on the public address", func(c *Config) { c.Addr, c.PprofAddr = ":8080", ":8080" }, "--pprof-addr"},
		{"pprof on the metrics address", func(c *Config) { c.Addr, c.MetricsAddr, c.PprofAddr = ":8080", ":9090", ":9090" }, "--pprof-addr"},
		{"negative socket limit", func(c *Config) { c.Limits.AgentSockets = -1 }, "--limit-agent-sockets"},
		{"bad base url", func(c *Config) { c.BaseURL = "ftp://x" }, "--base-url"},
		{"tiny offer timeout", func(c *Config) { c.OfferTimeout = time.Millisecond }, "--offer-timeout"},
		{"tiny grace", func(c *Config) { c.Grace = 0 }, "--grace"},
		{"tiny customer grace", func(c *Config) { c.CustomerGrace = 0 }, "--customer-grace"},
		{"tiny customer abandon", func(c *Config) { c.CustomerAbandon = time.Millisecond }, "--customer-abandon"},
		{"bad log level", func(c *Config) { c.LogLevel = "loud" }, "--log-level"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good
			tt.mutate(&c)
			err := c.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate(%+v) = %v, want an error naming %s", c, err, tt.want)
			}
		})
	}
}

// TestServe starts the real command on a free port with the demo and an
// environment variable for a flag, checks that it answers, and stops it.
func TestServe(t *testing.T) {
	t.Setenv("SKRANKE_OFFER_TIMEOUT", "nonsense")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	err := run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir()}, strings.NewReader(""), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "SKRANKE_OFFER_TIMEOUT") {
		t.Fatalf("serve with a bad SKRANKE_OFFER_TIMEOUT = %v, want an error naming it", err)
	}

	t.Setenv("SKRANKE_OFFER_TIMEOUT", "10s")
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--demo", "--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0", "--data", t.TempDir()}, strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	var base, metrics string
	var out strings.Builder
	for sc.Scan() {
		line := sc.Text()
		out.WriteString(line + "\n")
		if after, ok := strings.CutPrefix(line, "Skranke is running at "); ok {
			base = after
		}
		if after, ok := strings.CutPrefix(strings.TrimSpace(line), "Metrics:"); ok {
			metrics = strings.TrimSpace(after)
		}
		if strings.Contains(line, "Try it") {
			break
		}
	}
	go io.Copy(io.Discard, pr)
	if base == "" {
		t.Fatalf("no address printed:\n%s", out.String())
	}
	for _, want := range []string{"/agent", "/admin", "/demo/", "anna", "anna-demo"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("start-up text lacks %q:\n%s", want, out.String())
		}
	}
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /healthz = %d", resp.StatusCode)
	}
	// Metrics are on their own address, never on the public one.
	if resp, err := http.Get(base + "/metrics"); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET %s/metrics on the public address = %v, %v; want 404", base, resp, err)
	} else {
		resp.Body.Close()
	}
	// The profiler is nowhere without --pprof-addr, on the public
	// address least of all.
	if resp, err := http.Get(base + "/debug/pprof/"); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET %s/debug/pprof/ on the public address = %v, %v; want 404", base, resp, err)
	} else {
		resp.Body.Close()
	}
	if metrics == "" {
		t.Fatalf("no metrics address printed:\n%s", out.String())
	}
	resp, err = http.Get(metrics)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "skranke_store_storage_errors_total") {
		t.Errorf("GET %s = %d, %.200q; want 200 with Skranke's metrics", metrics, resp.StatusCode, body)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve after cancel = %v, want nil", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
}

// TestHTTPServer checks serve's server timeouts: headers and idle
// keep-alive connections are bounded; there is no ReadTimeout, which would
// cut off every WebSocket (bodies get httpapi's deadline instead).
func TestHTTPServer(t *testing.T) {
	hs := newHTTPServer(http.NotFoundHandler(), slog.New(slog.DiscardHandler))
	if hs.ReadHeaderTimeout <= 0 || hs.IdleTimeout <= 0 {
		t.Errorf("ReadHeaderTimeout %v, IdleTimeout %v; want both set", hs.ReadHeaderTimeout, hs.IdleTimeout)
	}
	if hs.ReadTimeout != 0 || hs.WriteTimeout != 0 {
		t.Errorf("ReadTimeout %v, WriteTimeout %v; want none, for WebSockets", hs.ReadTimeout, hs.WriteTimeout)
	}
}
