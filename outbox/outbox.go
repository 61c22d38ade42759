// Package outbox does the work of the store's outbox (store.Outbox):
// e-mailed transcripts and webhook deliveries. A job is done at least once:
// the worker marks it done only after its handler succeeded, so a job whose
// worker died, or whose handler failed, is done again, with a backoff that
// doubles from FirstRetry to MaxRetry, until it succeeds or is older than
// GiveUpAfter. A job given up stays in the outbox, for administrators to
// see.
//
// One worker runs per deployment: on several nodes the one elected for it
// (internal/server campaigns with its own advisory lock). A job enqueued on
// another node is found at the next poll.
package outbox

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"skranke/store"
)

// Handler does one job. An error marked Permanent is given up at once.
type Handler func(ctx context.Context, j store.Job) error

// Options configure a Worker. Store and Handlers are required; zero values
// of the others are the documented defaults.
type Options struct {
	Store    store.Outbox
	Handlers map[string]Handler // by job kind
	// Poll is how often the worker looks for due jobs when nothing kicks
	// it. 1s.
	Poll time.Duration
	// FirstRetry is the wait after a job's first failure; it doubles after
	// each, to at most MaxRetry. 30s and 15m.
	FirstRetry, MaxRetry time.Duration
	// GiveUpAfter is how old a job may be before a failure gives it up. 24h.
	GiveUpAfter time.Duration
	// Permanent reports whether an error is one a retry cannot mend; nil
	// treats every error as worth a retry.
	Permanent func(error) bool
	Logger    *slog.Logger          // slog.Default()
	Registry  prometheus.Registerer // metrics are not registered when nil
	Now       func() time.Time
}

// Worker runs the outbox's jobs.
type Worker struct {
	opts Options       // immutable after New
	kick chan struct{} // capacity 1: "look now"

	done, retried, failed prometheus.Counter
}

// New returns a worker; run it with Run.
func New(opts Options) *Worker {
	if opts.Poll == 0 {
		opts.Poll = time.Second
	}
	if opts.FirstRetry == 0 {
		opts.FirstRetry = 30 * time.Second
	}
	if opts.MaxRetry == 0 {
		opts.MaxRetry = 15 * time.Minute
	}
	if opts.GiveUpAfter == 0 {
		opts.GiveUpAfter = 24 * time.Hour
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	w := &Worker{opts: opts, kick: make(chan struct{}, 1)}
	counter := func(name, help string) prometheus.Counter {
		c := prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
		if opts.Registry != nil {
			opts.Registry.MustRegister(c)
		}
		return c
	}
	w.done = counter("skranke_outbox_jobs_done_total", "Outbox jobs (e-mails, webhooks) done.")
	w.retried = counter("skranke_outbox_jobs_retried_total", "Outbox jobs that failed and wait for another try.")
	w.failed = counter("skranke_outbox_jobs_failed_total", "Outbox jobs given up after their last try; an administrator should look.")
	return w
}

// Kick makes the worker look for due jobs now rather than at the next
// poll. It never blocks.
func (w *Worker) Kick() {
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// Run does due jobs until ctx is done.
func (w *Worker) Run(ctx context.Context) error {
	t := time.NewTicker(w.opts.Poll)
	defer t.Stop()
	for {
		w.drain(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-w.kick:
		}
	}
}

// drain does the jobs that are due now, a batch at a time.
func (w *Worker) drain(ctx context.Context) {
	for ctx.Err() == nil {
		jobs, err := w.opts.Store.DueJobs(ctx, 20)
		if err != nil {
			if ctx.Err() == nil {
				w.opts.Logger.Warn("outbox: read due jobs", "err", err)
			}
			return
		}
		for _, j := range jobs {
			w.do(ctx, j)
		}
		if len(jobs) < 20 {
			return
		}
	}
}

// do runs one job's handler and records what came of it.
func (w *Worker) do(ctx context.Context, j store.Job) {
	h := w.opts.Handlers[j.Kind]
	var err error
	if h == nil {
		err = permanentError{errors.New("no handler for this kind of job")}
	} else {
		err = h(ctx, j)
	}
	if ctx.Err() != nil {
		return // shutting down: the job is done again later
	}
	bg := context.WithoutCancel(ctx)
	switch {
	case err == nil:
		if err := w.opts.Store.JobDone(bg, j.ID); err != nil {
			w.opts.Logger.Error("outbox: mark job done", "job", j.ID, "err", err) // done again: at least once
			return
		}
		w.done.Inc()
	case w.permanent(err) || w.opts.Now().Sub(j.CreatedAt) > w.opts.GiveUpAfter:
		w.opts.Logger.Error("outbox: job given up", "job", j.ID, "kind", j.Kind, "attempts", j.Attempts+1, "err", err)
		if err := w.opts.Store.JobFailed(bg, j.ID, err.Error()); err != nil {
			w.opts.Logger.Error("outbox: mark job failed", "job", j.ID, "err", err)
		}
		w.failed.Inc()
	default:
		wait := w.backoff(j.Attempts)
		w.opts.Logger.Warn("outbox: job failed; trying again", "job", j.ID, "kind", j.Kind, "in", wait, "err", err)
		if err := w.opts.Store.JobRetry(bg, j.ID, w.opts.Now().Add(wait), err.Error()); err != nil {
			w.opts.Logger.Error("outbox: mark job for retry", "job", j.ID, "err", err)
		}
		w.retried.Inc()
	}
}

func (w *Worker) permanent(err error) bool {
	var p permanentError
	if errors.As(err, &p) {
		return true
	}
	return w.opts.Permanent != nil && w.opts.Permanent(err)
}

// backoff is the wait after a job's attempts-th failure (0-based).
func (w *Worker) backoff(attempts int) time.Duration {
	d := w.opts.FirstRetry
	for range attempts {
		d *= 2
		if d >= w.opts.MaxRetry {
			return w.opts.MaxRetry
		}
	}
	return d
}

type permanentError struct{ error }

func (p permanentError) Unwrap() error { return p.error }
