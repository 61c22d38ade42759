package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"skranke/chat"
	"skranke/store/postgres"
)

// The router's key in these tests; every test has a schema of its own, so
// they do not compete.
const routerKey = 1

// twoNodes opens two stores on one new schema, as two nodes.
func twoNodes(t *testing.T) (node1, node2 *postgres.DB, dsn string) {
	t.Helper()
	node1, dsn, schema := openTest(t)
	node2 = mustOpen(t, dsn, schema, nil)
	t.Cleanup(func() { node2.Close() })
	return node1, node2, dsn
}

type campaignResult struct {
	lease *postgres.Lease
	err   error
}

// campaign runs e.Campaign in a goroutine; the test waits for it, and
// cancels it when the test ends.
func campaign(t *testing.T, e *postgres.Elector) <-chan campaignResult {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	ch := make(chan campaignResult, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		l, err := e.Campaign(ctx)
		ch <- campaignResult{l, err}
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return ch
}

// waitLease waits up to d for a campaign to win.
func waitLease(t *testing.T, ch <-chan campaignResult, d time.Duration, what string) *postgres.Lease {
	t.Helper()
	select {
	case r := <-ch:
		if r.err != nil {
			t.Fatalf("%s: Campaign = %v", what, r.err)
		}
		t.Cleanup(r.lease.Release)
		return r.lease
	case <-time.After(d):
		t.Fatalf("%s: Campaign did not return within %v", what, d)
		return nil
	}
}

// waitDone waits up to d for l to end.
func waitDone(t *testing.T, l *postgres.Lease, d time.Duration, what string) {
	t.Helper()
	select {
	case <-l.Done():
	case <-time.After(d):
		t.Fatalf("%s: Done not closed within %v", what, d)
	}
}

func mustCampaign(t *testing.T, e *postgres.Elector) *postgres.Lease {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	l, err := e.Campaign(ctx)
	if err != nil {
		t.Fatalf("Campaign = %v", err)
	}
	t.Cleanup(l.Release)
	return l
}

func TestElector_release(t *testing.T) {
	node1, node2, _ := twoNodes(t)
	l1 := mustCampaign(t, node1.Elector(routerKey))
	if err := l1.Check(t.Context()); err != nil {
		t.Fatalf("Check of a new lease = %v", err)
	}

	// The other node tries every 50 ms: in half a second it has tried ten
	// times, and must have failed every time.
	e2 := node2.Elector(routerKey)
	e2.RetryInterval = 50 * time.Millisecond
	second := campaign(t, e2)
	select {
	case r := <-second:
		t.Fatalf("a second Campaign on a held key returned %v, %v", r.lease, r.err)
	case <-time.After(500 * time.Millisecond):
	}

	l1.Release()
	waitDone(t, l1, time.Second, "after Release")
	l2 := waitLease(t, second, 5*time.Second, "after the leader's Release")
	if err := l2.Check(t.Context()); err != nil {
		t.Errorf("Check of the new leader's lease = %v", err)
	}
	if err := l1.Check(t.Context()); !errors.Is(err, postgres.ErrLeaseReleased) {
		t.Errorf("Check of a released lease = %v, want ErrLeaseReleased", err)
	}
	l1.Release() // idempotent
}

// TestElector_defaultRetry checks the default timing: the next node takes
// over about a second (RetryInterval) after a release.
func TestElector_defaultRetry(t *testing.T) {
	node1, node2, _ := twoNodes(t)
	l1 := mustCampaign(t, node1.Elector(routerKey))
	second := campaign(t, node2.Elector(routerKey))
	l1.Release()
	start := time.Now()
	waitLease(t, second, 3*time.Second, "with the default RetryInterval")
	t.Logf("took over %v after the release", time.Since(start).Round(time.Millisecond))
}

// TestElector_backendTerminated kills the leader's database session from
// outside: the leader learns it from its pings, and the other node leads.
func TestElector_backendTerminated(t *testing.T) {
	node1, node2, dsn := twoNodes(t)
	l1 := mustCampaign(t, node1.Elector(routerKey))
	e2 := node2.Elector(routerKey)
	second := campaign(t, e2)

	terminate(t, dsn, l1.PID())
	waitDone(t, l1, 5*time.Second, "after pg_terminate_backend")
	if err := l1.Check(t.Context()); !errors.Is(err, postgres.ErrLeaseLost) {
		t.Errorf("Check after pg_terminate_backend = %v, want ErrLeaseLost", err)
	}
	l2 := waitLease(t, second, 5*time.Second, "after the leader's backend was terminated")
	if err := l2.Check(t.Context()); err != nil {
		t.Errorf("Check of the new leader's lease = %v", err)
	}
	l1.Release() // returns a dead connection: the pool drops it

	// node1's pool still works.
	if _, err := node1.Queues(t.Context()); err != nil {
		t.Errorf("Queues() on the old leader's node = %v", err)
	}
}

// TestLease_checkAfterTermination checks that Check itself notices a lost
// session, before any ping does.
func TestLease_checkAfterTermination(t *testing.T) {
	db, dsn, _ := openTest(t)
	e := db.Elector(routerKey)
	e.PingInterval = time.Hour
	l := mustCampaign(t, e)
	terminate(t, dsn, l.PID())
	// The server closes the session at once; Check may find it closing.
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := l.Check(t.Context())
		if err != nil {
			if !errors.Is(err, postgres.ErrLeaseLost) {
				t.Errorf("Check after pg_terminate_backend = %v, want ErrLeaseLost", err)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Check after pg_terminate_backend still succeeds after 5 s")
		}
	}
	select {
	case <-l.Done():
	default:
		t.Errorf("Done not closed after a failed Check")
	}
}

func TestElector_canceled(t *testing.T) {
	node1, node2, _ := twoNodes(t)
	mustCampaign(t, node1.Elector(routerKey))
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	e2 := node2.Elector(routerKey)
	e2.RetryInterval = 50 * time.Millisecond
	if l, err := e2.Campaign(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Campaign on a held key until a deadline = %v, %v, want DeadlineExceeded", l, err)
	}
}

// TestElector_close checks that Close releases the leases still held, and
// that Campaign after Close fails at once.
func TestElector_close(t *testing.T) {
	node1, node2, _ := twoNodes(t)
	l1 := mustCampaign(t, node1.Elector(routerKey))
	e2 := node2.Elector(routerKey)
	e2.RetryInterval = 50 * time.Millisecond
	second := campaign(t, e2)
	node1.Close() // returns: the lease's connection does not hold it up
	waitDone(t, l1, time.Second, "after Close")
	waitLease(t, second, 5*time.Second, "after the leader's Close")
	if _, err := node1.Elector(routerKey).Campaign(t.Context()); chat.ErrorCode(err) != chat.EUnavailable {
		t.Errorf("Campaign after Close = %v, want code unavailable", err)
	}
}

// TestElector_keys checks that other keys, and the same key in other
// schemas, are other roles.
func TestElector_keys(t *testing.T) {
	node1, node2, _ := twoNodes(t)
	other, _, _ := openTest(t)
	mustCampaign(t, node1.Elector(routerKey))
	mustCampaign(t, node2.Elector(routerKey+1))
	mustCampaign(t, other.Elector(routerKey))
}

// terminate ends backend pid from a connection of its own.
func terminate(t *testing.T, dsn string, pid uint32) {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	var ok bool
	if err := conn.QueryRow(t.Context(), `SELECT pg_terminate_backend($1)`, int64(pid)).Scan(&ok); err != nil || !ok {
		t.Fatalf("pg_terminate_backend(%d) = %v, %v", pid, ok, err)
	}
}
