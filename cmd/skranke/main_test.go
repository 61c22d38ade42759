package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestConfig_Validate(t *testing.T) {
	good := Config{Addr: ":0", Data: "d", OfferTimeout: 30 * time.Second, Grace: time.Minute, LogLevel: "info"}
	if err := good.Validate(); err != nil {
		t.Fatalf("Validate(%+v) = %v", good, err)
	}
	multi := good
	multi.DB, multi.NATS = "postgres://u:secret@db/skranke", "nats://nats:4222"
	if err := multi.Validate(); err != nil {
		t.Fatalf("Validate(%+v) = %v", multi, err)
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
		{"bad base url", func(c *Config) { c.BaseURL = "ftp://x" }, "--base-url"},
		{"tiny offer timeout", func(c *Config) { c.OfferTimeout = time.Millisecond }, "--offer-timeout"},
		{"tiny grace", func(c *Config) { c.Grace = 0 }, "--grace"},
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
		done <- run(ctx, []string{"serve", "--demo", "--addr", "127.0.0.1:0", "--data", t.TempDir()}, strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	var base string
	var out strings.Builder
	for sc.Scan() {
		line := sc.Text()
		out.WriteString(line + "\n")
		if after, ok := strings.CutPrefix(line, "Skranke is running at "); ok {
			base = after
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
