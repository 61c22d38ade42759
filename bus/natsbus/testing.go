package natsbus

import (
	"os"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"skranke/chat"
)

// TestURL returns the URL of the NATS server that tests run against, from
// SKRANKE_TEST_NATS (e.g. nats://127.0.0.1:4222). Without it the test is
// skipped with a message saying so, except under CI=true, where it fails: CI
// must test the multi-node deployment. It fails the test when the server
// does not answer under CI=true, and skips it otherwise. For other packages' multi-node tests; each test should
// also use its own TestSubject.
func TestURL(t testing.TB) string {
	t.Helper()
	url := os.Getenv("SKRANKE_TEST_NATS")
	if url == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("SKRANKE_TEST_NATS is not set; CI must run the NATS tests (e.g. SKRANKE_TEST_NATS=nats://127.0.0.1:4222)")
		}
		t.Skip("skipping test against NATS: set SKRANKE_TEST_NATS (e.g. nats://127.0.0.1:4222) to run it")
	}
	nc, err := nats.Connect(url, nats.Timeout(2*time.Second))
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("SKRANKE_TEST_NATS=%s: connect: %v", url, err)
		}
		t.Skipf("SKRANKE_TEST_NATS=%s unreachable, test skipped: %v", url, err)
	}
	nc.Close()
	return url
}

// TestSubject returns a subject prefix of its own for one test (for
// Options.Subject), so tests sharing a NATS server do not see each other's
// events. Every node of one test must use the same prefix.
func TestSubject(t testing.TB) string {
	return "skranke_test_" + chat.NewID()
}
