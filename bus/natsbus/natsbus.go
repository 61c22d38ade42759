package natsbus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"

	"skranke/bus"
	"skranke/chat"
)

const (
	// reconnectBufSize is how many bytes of publications nats.go keeps while
	// reconnecting, to send once connected again (thousands of events);
	// beyond it Publish fails, which costs only the announcement.
	reconnectBufSize = 8 << 20
	// maxQueued is how many events may wait for the delivery goroutine
	// before further ones are dropped in favour of a resync.
	maxQueued = 1 << 16
	// flushTimeout bounds the round trip that confirms the subscription
	// with the server, at Open and after a reconnect.
	flushTimeout = 5 * time.Second
)

// Options configure Open. Zero values are the documented defaults.
type Options struct {
	// Subject is the prefix of every subject the bus uses: events go to
	// "<Subject>.ev.<conversation id>". Nodes of one deployment share it;
	// tests use a unique one so that parallel tests do not see each other.
	// "skranke".
	Subject string
	// Name names the connection on the NATS server, e.g. the node id.
	Name string
	// Logger receives connection changes and undecodable messages.
	// slog.Default().
	Logger *slog.Logger
	// ReconnectWait is the pause between attempts to reach NATS; attempts
	// go on forever. 250ms (nats.go adds up to 100ms of jitter).
	ReconnectWait time.Duration

	// Authentication and TLS (security.go); a user and password or a token
	// go in the URL.
	CredsFile string // a .creds file (JWT and nkey seed) of a decentralised user
	NKeyFile  string // the seed file (SU…) of an nkey user
	CAFile    string // PEM certificates to verify the server with; turns TLS on
	// AllowInsecure lets Open connect to a server off this machine without
	// authentication or TLS (see Insecure), for a network that is private
	// by other means.
	AllowInsecure bool
}

func (o *Options) setDefaults() {
	if o.Subject == "" {
		o.Subject = "skranke"
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.ReconnectWait == 0 {
		o.ReconnectWait = 250 * time.Millisecond
	}
}

// validPrefix reports whether s is a subject without wildcards, empty
// tokens or white space.
func validPrefix(s string) bool {
	for tok := range strings.SplitSeq(s, ".") {
		if !validToken(tok) {
			return false
		}
	}
	return true
}

// validToken reports whether s can be one token of a subject.
func validToken(s string) bool {
	return s != "" && !strings.ContainsAny(s, ".*> \t\r\n")
}

// Bus is a bus.Bus over a NATS connection. Its methods are safe for
// concurrent use.
type Bus struct {
	nc      *nats.Conn         // immutable after Open
	sub     *nats.Subscription // immutable after Open
	subject string             // "<prefix>.ev.", immutable after Open
	log     *slog.Logger       // immutable after Open

	q *queue // events waiting for the delivery goroutine

	subsMu sync.Mutex                      // serialises changes to subs
	subs   atomic.Pointer[[]*subscription] // copied on change; read by run

	closeOnce sync.Once
	done      chan struct{} // closed by Close: run returns
	wg        sync.WaitGroup
}

// subscription is one registered subscriber function.
type subscription struct {
	fn        func(chat.Event)
	cancelled atomic.Bool // set by cancel; run calls fn only while unset
}

var _ bus.Bus = (*Bus)(nil)

// Open connects to the NATS server(s) at url (a comma-separated list is
// allowed) and subscribes to every event of opts.Subject.
//
// When NATS cannot be reached, Open still succeeds and logs a warning: the
// node starts and works on its own, nats.go keeps trying in the background,
// and the subscribers receive a resync once it connects. Open fails for
// invalid options or a malformed url, for a server off this machine without
// authentication and TLS (see Insecure) unless opts.AllowInsecure, and
// when the server refuses the connection's credentials or its TLS does not
// verify. When connected, Open returns once the server has confirmed the
// subscription (or ctx is done), so everything published by other nodes
// from then on arrives.
func Open(ctx context.Context, url string, opts Options) (*Bus, error) {
	opts.setDefaults()
	if !validPrefix(opts.Subject) {
		return nil, fmt.Errorf("open nats bus: invalid subject prefix %q", opts.Subject)
	}
	b := &Bus{
		subject: opts.Subject + ".ev.",
		log:     opts.Logger.With("component", "natsbus"),
		q:       newQueue(maxQueued),
		done:    make(chan struct{}),
	}
	b.subs.Store(new([]*subscription))
	if !opts.AllowInsecure {
		if err := Insecure(url, opts); err != nil {
			return nil, fmt.Errorf("open nats bus: %w", err)
		}
	}
	security, err := securityOptions(opts)
	if err != nil {
		return nil, fmt.Errorf("open nats bus: %w", err)
	}

	natsOpts := append(security,
		nats.Name(opts.Name),
		nats.NoEcho(),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(opts.ReconnectWait),
		nats.ReconnectBufSize(reconnectBufSize),
		// Credentials refused later (rotated on the server) are tried
		// again like an outage, not given up for good.
		nats.IgnoreAuthErrorAbort(),
		nats.ConnectHandler(b.connected),
		nats.ReconnectHandler(b.reconnected),
		nats.DisconnectErrHandler(b.disconnected),
		nats.ErrorHandler(b.asyncError),
	)
	// The first attempt tells a server that refuses us (wrong credentials,
	// TLS that does not verify), which is a configuration error for Open
	// to return, from one that cannot be reached now, which is tried again
	// in the background.
	nc, err := nats.Connect(url, natsOpts...)
	if err != nil && !refused(err) {
		nc, err = nats.Connect(url, append(natsOpts, nats.RetryOnFailedConnect(true))...)
	}
	if err != nil {
		return nil, fmt.Errorf("open nats bus: connect to %s: %w", redactURL(url), err)
	}
	b.nc = nc
	b.sub, err = nc.Subscribe(b.subject+">", b.receive)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("open nats bus: subscribe: %w", err)
	}

	b.wg.Add(1)
	go b.run()

	if nc.IsConnected() {
		fctx, cancel := context.WithTimeout(ctx, flushTimeout)
		err := nc.FlushWithContext(fctx)
		cancel()
		if err != nil {
			b.log.Warn("nats subscription not confirmed", "err", err)
		}
	} else {
		b.log.Warn("nats unreachable: working alone until it is reached", "url", redactURL(url))
	}
	return b, nil
}

// Publish hands e to this node's subscribers and announces it to the other
// nodes. It never waits for the network: while NATS is unreachable, nats.go
// keeps the announcement to send on reconnecting. Publish returns an error
// when that buffer is full, when the bus is closed, or when a write fails at
// the moment the connection drops; the local delivery has happened all the
// same, and callers log the error (the event is committed). Resync events are only delivered locally. ctx
// is not used.
func (b *Bus) Publish(ctx context.Context, e chat.Event) error {
	b.q.push(e)
	if e.Kind == chat.KindResync {
		return nil
	}
	data, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("publish event: encode: %w", err)
	}
	if err := b.nc.Publish(b.subjectOf(e.ConversationID), data); err != nil {
		return fmt.Errorf("publish event: %w", err)
	}
	return nil
}

// subjectOf is the subject that announces events of conversation id.
func (b *Bus) subjectOf(id chat.ConversationID) string {
	if !validToken(string(id)) {
		return b.subject + "_"
	}
	return b.subject + string(id)
}

// Subscribe registers fn until cancel is called. fn is called on the bus's
// delivery goroutine, never concurrently with itself; it must not block.
// Once cancel has returned, no new call of fn begins.
func (b *Bus) Subscribe(fn func(chat.Event)) (cancel func()) {
	s := &subscription{fn: fn}
	b.subsMu.Lock()
	old := *b.subs.Load()
	subs := append(old[:len(old):len(old)], s)
	b.subs.Store(&subs)
	b.subsMu.Unlock()
	return func() {
		if s.cancelled.Swap(true) {
			return
		}
		b.subsMu.Lock()
		old := *b.subs.Load()
		subs := make([]*subscription, 0, len(old))
		for _, x := range old {
			if x != s {
				subs = append(subs, x)
			}
		}
		b.subs.Store(&subs)
		b.subsMu.Unlock()
	}
}

// Close closes the NATS connection, sending what it still buffers if
// connected, and stops the delivery goroutine; events not yet delivered to
// subscribers are dropped. Publish fails after Close.
func (b *Bus) Close() error {
	b.closeOnce.Do(func() {
		b.nc.Close()
		b.q.close()
		close(b.done)
		b.wg.Wait()
	})
	return nil
}

// run is the delivery goroutine: it calls the subscribers with each queued
// event, in queue order, until Close.
func (b *Bus) run() {
	defer b.wg.Done()
	var batch []chat.Event
	for {
		select {
		case <-b.done:
			return
		case <-b.q.wake:
		}
		batch = b.q.take(batch[:0])
		for _, e := range batch {
			for _, s := range *b.subs.Load() {
				if !s.cancelled.Load() {
					s.fn(e)
				}
			}
		}
		clear(batch) // drop references until the next batch
	}
}

// receive is the NATS message handler. nats.go calls it from one goroutine
// per subscription, in the order the server sent the messages.
func (b *Bus) receive(m *nats.Msg) {
	var e chat.Event
	if err := json.Unmarshal(m.Data, &e); err != nil {
		b.log.Error("decode event", "subject", m.Subject, "err", err)
		return
	}
	if e.Kind == chat.KindResync {
		return // another node's resync is not ours to act on
	}
	b.q.push(e)
}

// connected runs when the first connection is made. A resync is owed only
// when Open found NATS unreachable (the connection then counts as a
// reconnect): announcements may have been missed meanwhile.
func (b *Bus) connected(nc *nats.Conn) {
	if nc.Stats().Reconnects == 0 {
		return
	}
	b.log.Info("nats connected", "url", nc.ConnectedUrlRedacted())
	b.resync(nc)
}

// reconnected runs after every reconnect.
func (b *Bus) reconnected(nc *nats.Conn) {
	b.log.Info("nats reconnected", "url", nc.ConnectedUrlRedacted())
	b.resync(nc)
}

// resync waits until the server has our subscription again, so that what is
// published after the subscribers' catch-up is received, then owes them a
// resync.
func (b *Bus) resync(nc *nats.Conn) {
	if err := nc.FlushTimeout(flushTimeout); err != nil && !errors.Is(err, nats.ErrConnectionClosed) {
		b.log.Warn("nats subscription not confirmed after reconnect", "err", err)
	}
	b.q.pushResync()
}

func (b *Bus) disconnected(nc *nats.Conn, err error) {
	if nc.IsClosed() {
		return
	}
	b.log.Warn("nats disconnected: working alone until reconnected", "err", err)
}

// asyncError logs errors nats.go reports outside a call. When it dropped
// messages for a slow consumer, subscribers catch up through a resync.
func (b *Bus) asyncError(nc *nats.Conn, sub *nats.Subscription, err error) {
	b.log.Error("nats error", "err", err)
	if errors.Is(err, nats.ErrSlowConsumer) {
		b.q.pushResync()
	}
}
