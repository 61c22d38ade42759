package store

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"skranke/chat"
)

// maxBatch is the most AppendEvent requests committed in one transaction.
// Larger batches gain little once a commit's fixed cost is shared by a few
// hundred rows, and they make the first caller in a batch wait longer.
const maxBatch = 256

// ErrClosed answers calls made to a store after its Close.
var ErrClosed = chat.E(chat.EUnavailable, "store_closed", "The store is closed.")

// errNotAnswered is what a caller gets if commit forgot its request: a bug
// in the store, but never a caller left waiting or told it succeeded.
var errNotAnswered = errors.New("the writer did not answer the request")

// GroupCommit gathers concurrent AppendEvent calls into batches that one
// writer goroutine commits together, one transaction per batch. Under load
// this turns many small commits into few larger ones; a lone caller is
// committed at once. The SQLite and PostgreSQL stores each own one, and
// supply only the transaction (the commit function).
//
// Guarantees, for the stores to document on AppendEvent:
//   - A batch is handed to commit in the order its requests were taken;
//     commit appends them in that order.
//   - A request whose ctx is done by the time its batch is committed is
//     left out: nothing is stored and its caller gets ctx's error.
//   - If ctx is done while Append waits for the commit, Append returns
//     ctx's error, but the event may still be stored; a retry with the same
//     ClientMsgID finds it.
//   - After Close, Append fails with ErrClosed (code unavailable).
//
// commit must answer each request (AppendRequest.Answer) with what the
// transaction did for it; an error for one request only, such as a chat
// rule it breaks, answers that request alone.
//
// A store may also hand the writer other writes of its own (Do, answered
// with AnswerWork), to commit in the same transactions; the guarantees
// above hold for them too.
type GroupCommit struct {
	commit  func(batch []*AppendRequest) // immutable; run only by the writer
	onBatch func(d time.Duration, n int) // immutable; may be nil (Timings.Commit)

	// requests carries Append's requests to the writer. It is unbuffered, so
	// a request is either taken by the writer or still with its caller, and
	// none is stranded when the writer stops.
	requests  chan *AppendRequest
	closing   chan struct{} // closed by Close to stop the writer
	done      chan struct{} // closed by the writer when it has returned
	closeOnce sync.Once
}

// AppendRequest is one Append (or Do) call waiting for its batch.
type AppendRequest struct {
	Event chat.Event // the event to append, as the caller gave it
	// Work, set by Do instead of an event, is a write of the store's own
	// that commits with the batch: commit runs it in the batch's
	// transaction and answers it with AnswerWork. A store that never calls
	// Do gets no such request.
	Work any

	ctx    context.Context // the caller's; a request whose ctx is done is left out
	answer appendAnswer    // set by Answer; the caller reads it once answered is closed
	// answered is closed by the writer once commit has returned: the
	// caller then reads answer (the close orders the two). A signal rather
	// than a channel of answers, so an append allocates one answer, not two.
	answered chan struct{}
}

type appendAnswer struct {
	appended Appended
	result   any // Work's
	err      error
}

// Answer sets what the request's caller gets: the event as appended, or err.
// Called again (a transaction retried, or failed after all), the last call
// wins. The caller is answered when commit returns, so it never learns of a
// batch before the batch has been committed or has failed.
func (r *AppendRequest) Answer(a Appended, err error) {
	r.answer = appendAnswer{appended: a, err: err}
}

// AnswerWork sets what the caller of Do gets, as Answer does for Append.
func (r *AppendRequest) AnswerWork(result any, err error) {
	r.answer = appendAnswer{result: result, err: err}
}

// fail answers r with err, in its caller's words.
func (r *AppendRequest) fail(err error) {
	if r.Work != nil {
		r.AnswerWork(nil, fmt.Errorf("commit: %w", err))
		return
	}
	r.Answer(Appended{}, fmt.Errorf("append event: %w", err))
}

// StartGroupCommit starts the writer goroutine, which calls commit with each
// batch, one at a time, until Close, and tells onBatch, if not nil, how
// long each commit took and how many requests it had. The caller owns the
// GroupCommit and must Close it.
func StartGroupCommit(commit func(batch []*AppendRequest), onBatch func(d time.Duration, n int)) *GroupCommit {
	g := &GroupCommit{
		commit:   commit,
		onBatch:  onBatch,
		requests: make(chan *AppendRequest),
		closing:  make(chan struct{}),
		done:     make(chan struct{}),
	}
	go g.writeLoop()
	return g
}

// Append hands e to the writer and waits until its batch is committed, or
// ctx is done, or the GroupCommit is closed. It returns what commit answered.
func (g *GroupCommit) Append(ctx context.Context, e chat.Event) (Appended, error) {
	req := &AppendRequest{Event: e, ctx: ctx, answered: make(chan struct{})}
	if err := g.wait(ctx, req); err != nil {
		return Appended{}, fmt.Errorf("append event: %w", err)
	}
	return req.answer.appended, req.answer.err
}

// Do hands work, a write of the store's own, to the writer, to run in the
// transaction of a batch, and waits as Append does. It returns what commit
// answered (AnswerWork). A store writes this way what it would otherwise
// commit on its own while appends wait: one commit instead of two.
func (g *GroupCommit) Do(ctx context.Context, work any) (any, error) {
	req := &AppendRequest{Work: work, ctx: ctx, answered: make(chan struct{})}
	if err := g.wait(ctx, req); err != nil {
		return nil, err
	}
	return req.answer.result, req.answer.err
}

// wait hands req to the writer and waits until it is answered; it returns
// an error only if ctx is done first or the GroupCommit is closed.
func (g *GroupCommit) wait(ctx context.Context, req *AppendRequest) error {
	select {
	case g.requests <- req:
	case <-ctx.Done():
		return ctx.Err()
	case <-g.closing:
		return ErrClosed
	}
	select {
	case <-req.answered:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close stops taking requests and waits for the writer to finish the batch
// it is committing, if any. Appends after Close fail with ErrClosed. Close
// is idempotent.
func (g *GroupCommit) Close() {
	g.closeOnce.Do(func() {
		close(g.closing)
		<-g.done
	})
}

// writeLoop is the writer goroutine, started by StartGroupCommit and stopped
// by Close. It alone calls commit, a batch at a time.
func (g *GroupCommit) writeLoop() {
	defer close(g.done)
	batch := make([]*AppendRequest, 0, maxBatch)
	live := make([]*AppendRequest, 0, maxBatch)
	for {
		select {
		case req := <-g.requests:
			batch = append(batch[:0], req)
		case <-g.closing:
			return
		}
		// Take whatever else is waiting, without waiting for more: a lone
		// caller is committed at once, a crowd shares one commit. Yielding
		// first lets callers that are ready to run (those just answered,
		// under load) hand in their next request; when none are, it costs
		// nothing.
		runtime.Gosched()
	fill:
		for len(batch) < maxBatch {
			select {
			case req := <-g.requests:
				batch = append(batch, req)
			default:
				break fill
			}
		}

		live = live[:0]
		for _, req := range batch {
			// A caller that has gone already gets nothing stored.
			if err := req.ctx.Err(); err != nil {
				req.fail(err)
				continue
			}
			req.fail(errNotAnswered)
			live = append(live, req)
		}
		if len(live) > 0 {
			start := time.Now()
			g.commit(live)
			if g.onBatch != nil {
				g.onBatch(time.Since(start), len(live))
			}
		}
		for _, req := range batch {
			close(req.answered) // never waits for the caller
		}
		clear(batch) // let answered requests be collected
		clear(live)
	}
}
