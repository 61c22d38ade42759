package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"skranke/chat"
	"skranke/store"
)

// TestGroupCommit_Append checks the answers, the ctx rule and Close.
func TestGroupCommit_Append(t *testing.T) {
	var mu sync.Mutex
	var seen []string // the texts commit was given, in order
	g := store.StartGroupCommit(func(batch []*store.AppendRequest) {
		for _, r := range batch {
			mu.Lock()
			seen = append(seen, r.Event.Text)
			mu.Unlock()
			switch r.Event.Text {
			case "bad":
				r.Answer(store.Appended{}, chat.E(chat.EConflict, "no", "No."))
			case "forgotten":
			default:
				r.Answer(store.Appended{Event: r.Event}, nil)
			}
		}
	}, nil)
	defer g.Close()

	a, err := g.Append(t.Context(), chat.Event{Text: "hello"})
	if err != nil || a.Event.Text != "hello" {
		t.Errorf("Append(hello) = %v, %v; want the event", a, err)
	}
	if _, err := g.Append(t.Context(), chat.Event{Text: "bad"}); chat.ErrorCode(err) != chat.EConflict {
		t.Errorf("Append(bad) = %v, want code %q", err, chat.EConflict)
	}
	if _, err := g.Append(t.Context(), chat.Event{Text: "forgotten"}); err == nil {
		t.Errorf("Append(forgotten) = nil error, want one")
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := g.Append(ctx, chat.Event{Text: "gone"}); !errors.Is(err, context.Canceled) {
		t.Errorf("Append(done ctx) = %v, want %v", err, context.Canceled)
	}

	g.Close()
	g.Close() // idempotent
	if _, err := g.Append(t.Context(), chat.Event{Text: "late"}); chat.ErrorCode(err) != chat.EUnavailable {
		t.Errorf("Append after Close = %v, want code %q", err, chat.EUnavailable)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, s := range seen {
		if s == "gone" || s == "late" {
			t.Errorf("commit was given %q, want it left out", s)
		}
	}
}

// TestGroupCommit_batches checks that concurrent appends share batches,
// that every caller is answered, and that onBatch hears of every commit
// with its size and duration.
func TestGroupCommit_batches(t *testing.T) {
	var batches, requests int
	var timed, timedRequests int
	var shortest time.Duration = time.Hour
	g := store.StartGroupCommit(func(batch []*store.AppendRequest) {
		batches++ // only the writer goroutine runs commit and onBatch
		requests += len(batch)
		time.Sleep(time.Millisecond) // a commit's fsync
		for _, r := range batch {
			r.Answer(store.Appended{Event: r.Event}, nil)
		}
	}, func(d time.Duration, n int) {
		timed++
		timedRequests += n
		shortest = min(shortest, d)
	})
	const callers, per = 50, 20
	var wg sync.WaitGroup
	for range callers {
		wg.Go(func() {
			for range per {
				if _, err := g.Append(t.Context(), chat.Event{Text: "m"}); err != nil {
					t.Errorf("Append = %v", err)
				}
			}
		})
	}
	wg.Wait()
	g.Close() // the writer has returned: its counts are ours to read
	if requests != callers*per {
		t.Errorf("commit was given %d requests, want %d", requests, callers*per)
	}
	if timed != batches || timedRequests != requests {
		t.Errorf("onBatch heard of %d commits with %d requests, want %d with %d", timed, timedRequests, batches, requests)
	}
	if shortest < time.Millisecond {
		t.Errorf("onBatch's shortest commit took %v, want at least the commit's 1 ms", shortest)
	}
	t.Logf("%d appends in %d batches", requests, batches)
}
