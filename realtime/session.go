package realtime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"skranke/auth"
	"skranke/chat"
	"skranke/conversation"
)

// Close statuses the server uses besides the standard ones.
const (
	closeUnauthenticated websocket.StatusCode = 4001
	closeNotFound        websocket.StatusCode = 4004
	closeSlowConsumer    websocket.StatusCode = 4008
)

// frame is one item of a session's send queue.
type frame struct {
	conv  chat.ConversationID // the conversation of a stored event or of a sync
	seq   chat.Seq            // the Seq of a stored event; 0 for anything else
	data  []byte              // the encoded frame; nil for a stored event this session may not see
	sync  bool                // catch up conv from the store before anything else of it
	board boardSignal         // a supervisor's board: routing changed, or the throttle ended (supervisor.go)
}

// session is one WebSocket connection: an agent's desktop or a customer's
// widget.
type session struct {
	hub  *Hub
	conn *websocket.Conn
	wire *wireConn // the connection beneath conn (wire.go)

	// Set by hello, before the writer starts; immutable after. An
	// agent session's user is known from the HTTP upgrade already.
	actor   auth.Actor
	user    *chat.User                // agent sessions: actor.User
	conv    conversation.CustomerView // a customer session's conversation, as at hello
	release func()                    // gives back the customer's socket slot (limit.go); nil if none
	// fresh are the conversations hello read, with the actor's access to
	// them checked, until the first catch-up page of each, which then need
	// not read them again (AgentLogOf, CustomerLogOf). Filled by hello;
	// owned by the writer after, which empties it.
	fresh map[chat.ConversationID]chat.Conversation

	// A supervisor session (supervisor.go) watches the board instead of
	// working as an agent: boardChanged hears of routing changes, and
	// stopWatch ends the watch (cleanup).
	supervisor   bool
	boardChanged <-chan struct{}
	stopWatch    func()
	boardQueued  atomic.Bool // a board signal is queued (forwardBoard)

	send    *sendQueue     // frames for the writer (queue.go)
	closing atomic.Bool    // closeWith was called: write nothing more
	pinging atomic.Bool    // a ping waits for its pong
	pings   sync.WaitGroup // the goroutine of the ping in flight
	// The ping timer (startPings): pingMu guards it and pingsOff, so that
	// no ping starts once the session's end has stopped them.
	pingMu    sync.Mutex
	pingTimer *time.Timer
	pingsOff  bool
	ctx       context.Context // the connection's lifetime
	cancel    context.CancelFunc
	closeOnce sync.Once

	// held is true until the welcome is queued; frames sent meanwhile wait
	// in early (guarded by mu), so the welcome always goes first.
	held atomic.Bool

	mu    sync.Mutex
	convs map[chat.ConversationID]struct{} // subscriptions, for cleanup and typing checks
	early []frame                          // frames held back until the welcome

	// The fields below, down to quiet, are owned by the writer: the
	// goroutine the send queue runs while it has frames (queue.go), one at
	// a time. Hello sets them up before the queue starts.
	last map[chat.ConversationID]chat.Seq
	// tcp is the session's TCP connection, and room the estimate of how
	// many bytes can be written to it leaving room for a close frame
	// (sendroom.go).
	tcp  *net.TCPConn
	room int
	// blocked are the conversations the session was told of but may not
	// read: nothing of them is written until a catch-up succeeds.
	blocked map[chat.ConversationID]bool
	// inBurst is true while the writer writes a burst (startBurst …
	// endBurst). The wireConn gathers the burst's frames, so writing one to
	// the library cannot block on the socket: it goes with quiet, a context
	// that never ends, which spares the library a timer per frame, and the
	// wireConn's own write timeout bounds what reaches the socket.
	inBurst bool
	boards  boards // a supervisor's board frames (supervisor.go)
	// writeErr is why the writer stopped, if a write failed.
	writeErr error

	quiet context.Context // the session's context without its end; immutable

	// The session's own goroutine's, set by begin for finish: whether the
	// hello succeeded (begin then starts the writer, the pings and the
	// board), the login session's expiry, the stop of cutOnEnd, the end of
	// the board's goroutine (closed when it returns; nil if none) and why
	// the read loop ended.
	begun     bool
	expiry    *time.Timer
	uncut     func() bool
	boardDone chan struct{}
	readErr   error
}

// role is the session's kind, the connections metric's label.
func (s *session) role() string {
	switch {
	case s.supervisor:
		return "supervisor"
	case s.user != nil:
		return "agent"
	}
	return "customer"
}

func (s *session) addConversation(id chat.ConversationID) {
	s.mu.Lock()
	s.convs[id] = struct{}{}
	s.mu.Unlock()
}

func (s *session) removeConversation(id chat.ConversationID) {
	s.mu.Lock()
	delete(s.convs, id)
	s.mu.Unlock()
}

func (s *session) subscribed(id chat.ConversationID) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.convs[id]
	return ok
}

func (s *session) subscriptions() []chat.ConversationID {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]chat.ConversationID, 0, len(s.convs))
	for id := range s.convs {
		out = append(out, id)
	}
	return out
}

// trySend queues f without blocking. A session whose queue is full is
// closed as a slow consumer: its client reconnects and resumes, so nothing
// is lost, and no event is ever skipped while the session goes on.
func (s *session) trySend(f frame) {
	if s.held.Load() && s.hold(f) {
		return
	}
	if !s.send.push(f) {
		s.slow()
	}
}

// slow closes the session as a slow consumer.
func (s *session) slow() {
	if s.closeWith(closeSlowConsumer, "slow consumer") {
		s.hub.metrics.slowConsumers.Inc()
	}
}

// hold keeps f for after the welcome, if the session is still held, and
// reports whether it did.
func (s *session) hold(f frame) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.held.Load() {
		return false
	}
	if len(s.early) >= s.send.limit {
		go s.slow()
		return true
	}
	s.early = append(s.early, f)
	return true
}

// welcome queues the welcome frame first of all, then what was held
// back, and lets frames through from then on: a client always receives
// the welcome before anything else, though an agent's sessions receive
// offers while its hello lists the agent's chats.
func (s *session) welcome(v any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range append([]frame{{data: mustEncode(v)}}, s.early...) {
		if !s.send.push(f) {
			go s.slow()
		}
	}
	s.early = nil
	s.held.Store(false)
}

// closeWith closes the session with a close status, at most once, without
// blocking the caller, and reports whether this call did it. The writer
// stops writing frames at once, so the close frame is the next thing
// on the wire after the frame being written, if any: a slow consumer that
// reads again gets it (4008) rather than a cut connection. The session's
// context ends once the closing handshake is over (or timed out).
func (s *session) closeWith(code websocket.StatusCode, reason string) bool {
	done := false
	s.closeOnce.Do(func() {
		done = true
		s.closing.Store(true)
		go func() {
			s.conn.Close(code, reason)
			s.cancel()
		}()
	})
	return done
}

// reply queues a frame that answers the client.
func (s *session) reply(v any) { s.trySend(frame{data: mustEncode(v)}) }

func (s *session) replyError(requestID string, err error) {
	if chat.ErrorCode(err) == chat.EInternal {
		if errors.Is(err, context.DeadlineExceeded) {
			err = chat.E(chat.EUnavailable, "server_busy", "The server is busy; try again.")
		} else {
			s.hub.opts.Logger.Error("websocket request", "requestId", requestID, "err", err)
		}
	}
	s.reply(newErrorFrame(requestID, err))
}

// svc is the application layer every request goes to.
func (s *session) svc() *conversation.Service { return s.hub.opts.Service }

// ServeCustomer serves /ws/customer. The client authenticates in its hello
// frame with its customer token.
func (h *Hub) ServeCustomer(w http.ResponseWriter, r *http.Request) {
	h.serveAs(w, r, auth.Actor{}, false, nil)
}

// ServeAgent serves /ws/agent for the user the HTTP layer authenticated
// (auth.FromContext); the upgrade checks that Origin is this server. The
// socket lives as long as the login session: it is closed (4001) when the
// session expires or is revoked (Revoke), on whichever node it is.
//
// release, if not nil, is the caller's hold on a socket slot (httpapi's
// limit per login session): it is called once the socket has closed, or
// at once if the upgrade fails. ServeAgent returns after the upgrade
// (serveAs).
func (h *Hub) ServeAgent(w http.ResponseWriter, r *http.Request, release func()) {
	a, ok := auth.FromContext(r.Context())
	if !ok || a.User == nil {
		if release != nil {
			release()
		}
		http.Error(w, "Please log in.", http.StatusUnauthorized)
		return
	}
	h.serveAs(w, r, a, false, release)
}

// serveAs upgrades the request to a WebSocket and starts the actor's
// session (supervisor: the supervisor's board) on a goroutine of its own,
// then returns, before the socket closes.
//
// The session does not run on net/http's goroutine because that goroutine
// is deep: by the time it reaches a handler it has parsed the request and
// gone through the middleware, and an idle socket would keep its stack
// (8–16 KB) and the request, response and header maps for the socket's
// life. The session's goroutine starts shallow. Its owner is the hub: it
// is counted in sessionsWG, which Run waits for at shutdown, and release
// is called when it ends.
func (h *Hub) serveAs(w http.ResponseWriter, r *http.Request, actor auth.Actor, supervisor bool, release func()) {
	<-h.ready
	uw := &upgradeWriter{ResponseWriter: w}
	conn, err := websocket.Accept(uw, r, nil) // refuses a cross-origin upgrade
	if err != nil {
		if release != nil {
			release()
		}
		return
	}
	conn.SetReadLimit(h.opts.ReadLimit)
	// Until the session's goroutine starts, a panic here leaves the
	// hijacked connection to us: net/http does not close it.
	started := false
	defer func() {
		if !started {
			conn.CloseNow()
		}
	}()
	ctx, cancel := context.WithCancel(h.sessCtx)
	s := &session{
		hub:        h,
		conn:       conn,
		wire:       uw.conn,
		quiet:      context.WithoutCancel(ctx),
		user:       actor.User,
		supervisor: supervisor,
		actor:      actor,
		send:       newSendQueue(h.opts.SendQueueLen),
		ctx:        ctx,
		cancel:     cancel,
		convs:      make(map[chat.ConversationID]struct{}),
		last:       make(map[chat.ConversationID]chat.Seq),
		blocked:    make(map[chat.ConversationID]bool),
		tcp:        tcpConnOf(r.Context()),
	}
	s.held.Store(true)
	h.sessionsWG.Add(1)
	// The go statement is the last thing serveAs does: a caller that gives
	// release back when serveAs panics (limitAgentSockets) is right only
	// while no session holds it.
	started = true
	go func() {
		defer h.sessionsWG.Done()
		if release != nil {
			defer release()
		}
		defer cancel()
		defer h.recoverSession(conn)
		// The session's life is begun and finished around its read loop,
		// not by a function that calls it, so that the reading goroutine,
		// parked in readLoop, has only this function's frame under it
		// (readLoop).
		defer s.finish()
		if s.begin(ctx) {
			s.readErr = s.readLoop(ctx)
		}
	}()
}

// recoverSession ends a session whose goroutine panicked (a bug in
// handling a frame) the way net/http ends a handler that panics: it logs
// the panic and cuts this connection, and the node and its other sockets
// go on. Deferred by serveAs's goroutine; the writer has its own
// (writeFrames).
func (h *Hub) recoverSession(conn *websocket.Conn) {
	if p := recover(); p != nil {
		h.logPanic(p)
		conn.CloseNow()
	}
}

// logPanic logs a recovered panic with the stack where it happened: the
// current one, or the one onOwnStack's goroutine carried.
func (h *Hub) logPanic(p any) {
	value, stack := p, debug.Stack()
	if gp, ok := p.(*goroutinePanic); ok {
		value, stack = gp.value, gp.stack
	}
	h.opts.Logger.Error("websocket session panicked", "panic", value, "stack", string(stack))
}

// begin starts the session's life, on the goroutine serveAs started: it
// registers the session, authenticates it (hello) and starts its writer,
// pings and (a supervisor's) board. It reports false when the hello
// failed. finish, deferred before it, undoes what it did, however far it
// got.
func (s *session) begin(ctx context.Context) bool {
	h := s.hub
	h.metrics.connections.WithLabelValues(s.role()).Inc()
	h.sessionsMu.Lock()
	h.sessions[s] = struct{}{}
	h.sessionsMu.Unlock()
	if h.baseCtx.Err() != nil {
		s.closeWith(websocket.StatusGoingAway, "The server is shutting down; reconnect.")
	}
	if err := onOwnStack(func() error { return s.hello(ctx) }); err != nil {
		s.closeAfterHello(ctx, err)
		return false
	}
	s.begun = true

	if sess := s.actor.Session; sess != nil {
		s.expiry = time.AfterFunc(time.Until(sess.ExpiresAt), func() {
			s.closeWith(closeUnauthenticated, "Your session has expired; please log in again.")
		})
	}
	// One goroutine per idle connection: this one, which reads. The writer
	// runs only while frames wait (queue.go) and pings go from a timer; a
	// supervisor's session has a second goroutine, which queues the
	// board's changes. A failed write cancels the session, which cuts this
	// one's read; finish returns only after the writer, the board's goroutine
	// and any ping in flight have ended.
	s.send.start(s.writeFrames)
	s.startPings()
	if s.boardChanged != nil {
		s.boardDone = make(chan struct{})
		go func() {
			defer close(s.boardDone)
			s.forwardBoard(ctx)
		}()
	}
	// The read loop reads with s.quiet, so the library sets no timer per
	// frame read (two each: header and payload); the end of the session
	// cuts the connection instead, once, as the library's timer would.
	s.uncut = s.cutOnEnd(ctx)
	return true
}

// finish ends the session's life: after its read loop, after a hello that
// failed, and after a panic in a frame's handler (recovered by
// recoverSession), when it must stop the writer, the pings and the board
// too: a ping timer left running would re-arm itself for good. It returns
// only after the writer, the board's goroutine and any ping in flight have
// ended. Each step is deferred, in the reverse of begin's order, so that one
// that panics does not keep the later ones from running.
func (s *session) finish() {
	h := s.hub
	defer func() {
		h.sessionsMu.Lock()
		delete(h.sessions, s)
		h.sessionsMu.Unlock()
	}()
	defer h.metrics.connections.WithLabelValues(s.role()).Dec()
	// Cleanup also undoes what a hello that failed half-way registered.
	defer s.cleanup()
	if !s.begun {
		return
	}
	if s.expiry != nil {
		defer s.expiry.Stop()
	}
	if s.uncut != nil {
		defer s.uncut()
	}
	s.cancel()
	if s.boardDone != nil {
		<-s.boardDone
	}
	s.send.stop()
	s.stopPings()
	s.pings.Wait()
	s.boards.stop()
	err := s.readErr
	if werr := s.writeErr; werr != nil && !errors.Is(werr, context.Canceled) {
		err = werr
	}
	h.opts.Logger.Debug("websocket session ended", "role", s.role(), "err", err)
	// A session closed by closeWith has had its closing handshake; any
	// other end (the peer went, a read failed) leaves nothing to say.
	s.conn.CloseNow()
}

// closeAfterHello tells the client why its hello failed and closes.
func (s *session) closeAfterHello(ctx context.Context, err error) {
	code := chat.ErrorCode(err)
	status := websocket.StatusPolicyViolation
	switch code {
	case chat.EUnauthenticated:
		status = closeUnauthenticated
	case chat.ENotFound:
		status = closeNotFound
	case chat.ETooManyRequests:
		status = websocket.StatusTryAgainLater
	case chat.EInternal, chat.EUnavailable:
		s.hub.opts.Logger.Error("websocket hello", "err", err)
		status = websocket.StatusTryAgainLater
	}
	wctx, cancel := context.WithTimeout(ctx, s.hub.opts.WriteTimeout)
	defer cancel()
	ef := newErrorFrame("", err)
	ef.Retryable = code == chat.EUnavailable || code == chat.EInternal
	s.conn.Write(wctx, websocket.MessageText, mustEncode(ef))
	s.conn.Close(status, ef.Message)
}

// cutOnEnd closes the connection at once when ctx ends, and returns the
// function that stops it from doing so.
func (s *session) cutOnEnd(ctx context.Context) func() bool {
	return context.AfterFunc(ctx, func() { s.conn.CloseNow() })
}

// readBufs lends the read loops the buffer a client frame is read into
// while it is decoded: a frame's bytes are not needed after decoding (the
// decoder copies what it keeps), so no socket holds a read buffer while
// idle and no frame allocates one.
var readBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// readFrame reads and decodes one client frame.
func (s *session) readFrame(ctx context.Context) (inFrame, error) {
	buf, err := s.readMessage(ctx)
	if err != nil {
		return inFrame{}, err
	}
	defer readBufs.Put(buf)
	return decodeFrame(buf.Bytes())
}

// readMessage reads one client frame's bytes into a buffer from readBufs,
// which the caller puts back. A frame that is not text is read and
// refused (EInvalid).
func (s *session) readMessage(ctx context.Context) (*bytes.Buffer, error) {
	typ, r, err := s.conn.Reader(ctx)
	if err != nil {
		return nil, err
	}
	buf := readBufs.Get().(*bytes.Buffer)
	buf.Reset()
	if _, err := buf.ReadFrom(r); err != nil {
		readBufs.Put(buf)
		return nil, err
	}
	if typ != websocket.MessageText {
		readBufs.Put(buf)
		return nil, chat.E(chat.EInvalid, "frame_not_text", "Frames must be JSON text.")
	}
	return buf, nil
}

// decodeFrame decodes one client frame, refusing unknown fields.
func decodeFrame(data []byte) (inFrame, error) {
	var f inFrame
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		// Answer with the request's id when it can be read, so the client
		// knows which request failed.
		var id struct {
			RequestID string `json:"requestId"`
		}
		json.Unmarshal(data, &id)
		return inFrame{RequestID: id.RequestID}, frameJSONError(err)
	}
	return f, nil
}

// frameJSONError describes a decoding error without echoing the input.
func frameJSONError(err error) *chat.Error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return chat.E(chat.EInvalid, "frame_truncated", "The frame is not valid JSON for this protocol: it ends too early.")
	case errors.As(err, &se):
		return chat.E(chat.EInvalid, "frame_syntax_error", "The frame is not valid JSON for this protocol: syntax error at byte {offset}.", "offset", se.Offset)
	case errors.As(err, &te):
		return chat.E(chat.EInvalid, "frame_field_type", "The frame is not valid JSON for this protocol: field \"{field}\" has the wrong type.", "field", te.Field)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return chat.E(chat.EInvalid, "frame_unknown_field", "The frame is not valid JSON for this protocol: unknown field \"{field}\".", "field", unknownField(err))
	}
	return chat.E(chat.EInvalid, "frame_unreadable", "The frame is not valid JSON for this protocol: unreadable.")
}

// hello reads the client's hello, authenticates a customer, sends welcome
// and subscribes the session, with a catch-up of each conversation queued
// behind the welcome.
func (s *session) hello(ctx context.Context) error {
	hctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	f, err := s.readFrame(hctx)
	if err != nil {
		if chat.ErrorCode(err) == chat.EInvalid {
			return err
		}
		return chat.E(chat.EInvalid, "hello_required", "Send hello first.")
	}
	if f.Type != "hello" {
		return chat.E(chat.EInvalid, "hello_expected", "The first frame must be hello, not \"{type}\".", "type", f.Type)
	}
	if s.supervisor {
		return s.helloSupervisor(hctx)
	}
	if s.user != nil {
		return s.helloAgent(hctx, f)
	}
	return s.helloCustomer(hctx, f)
}

func (s *session) helloCustomer(ctx context.Context, f inFrame) error {
	h := s.hub
	cust, err := h.opts.Auth.Customer(ctx, f.Token)
	if err != nil {
		return err
	}
	if err := s.takeCustomerSlot(cust.ID); err != nil {
		return err
	}
	actor := auth.Actor{Customer: &cust}
	c, err := s.svc().CustomerView(ctx, actor, f.ConversationID)
	if err != nil {
		return err
	}
	s.actor, s.conv = actor, c
	s.fresh = map[chat.ConversationID]chat.Conversation{c.ID: {ID: c.ID}} // s.conv is the conversation as read
	s.welcome(customerWelcome{Type: "welcome", Conversation: c})
	s.last[c.ID] = max(f.AfterSeq, 0)
	h.subscribe(s, c.ID)
	s.trySend(frame{conv: c.ID, sync: true})
	// The router answers a waiting chat with its place in the queue.
	s.svc().RequestStatus(ctx, actor, c)
	return nil
}

func (s *session) helloAgent(ctx context.Context, f inFrame) error {
	h := s.hub
	// Registering before listing the agent's chats means an offer made
	// meanwhile reaches this session either way.
	if h.addAgent(s) {
		h.publish(ctx, h.presence(s.user.ID, true))
	}
	desk, err := s.svc().Desk(ctx, s.actor, true)
	if err != nil {
		return fmt.Errorf("agent hello: %w", err)
	}
	s.welcome(agentWelcome{Type: "welcome", Desk: desk})
	open := make(map[chat.ConversationID]bool, len(desk.Conversations))
	s.fresh = make(map[chat.ConversationID]chat.Conversation, len(desk.Conversations))
	for _, c := range desk.Conversations {
		open[c.ID] = true
		s.fresh[c.ID] = c
		s.last[c.ID] = max(f.Resume[c.ID], 0)
		h.subscribe(s, c.ID)
		s.trySend(frame{conv: c.ID, sync: true})
	}
	// A chat the client follows that is no longer the agent's (it ended, or
	// an offer lapsed, while the client was away) gets the events it missed
	// too, as far as the agent may read them, without a subscription.
	for id, after := range f.Resume {
		if !open[id] && id != "" {
			s.last[id] = max(after, 0)
			s.trySend(frame{conv: id, sync: true})
		}
	}
	return nil
}

// cleanup unsubscribes the session everywhere and announces an agent's
// last session going away.
func (s *session) cleanup() {
	h := s.hub
	s.releaseCustomerSlot()
	subs := s.subscriptions()
	for _, id := range subs {
		h.unsubscribe(s, id)
	}
	if s.stopWatch != nil {
		s.stopWatch()
		if len(subs) > 0 {
			ctx, cancel := context.WithTimeout(context.WithoutCancel(s.ctx), 5*time.Second)
			defer cancel()
			s.stopMonitoring(ctx, subs)
		}
	}
	if s.user != nil && !s.supervisor && h.removeAgent(s) && h.baseCtx.Err() == nil {
		// Not when the node shuts down: its agents reconnect (to it after a
		// restart, or to another node) and keep their offers; presence that
		// is not repeated times out on its own.
		// The session's context is done; the announcement must still go out.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(s.ctx), 5*time.Second)
		defer cancel()
		h.publish(ctx, h.presence(s.user.ID, false))
	}
}

// writeFrames is the writer's write function (sendQueue.start): it writes
// a burst of queued frames, gathered into one write(2) under one write
// timeout (wire.go). A failed write ends the session: writeFrames records
// the error, cancels the session (which cuts the read) and reports false,
// so nothing more is written.
//
// A panic while writing (a catch-up's or a board's read, which run on the
// writer's goroutine) ends this session as recoverSession does, not the
// process: the writer goroutine is the queue's, with no recover of its own.
func (s *session) writeFrames(burst []frame) (ok bool) {
	defer func() {
		if p := recover(); p != nil {
			s.hub.logPanic(p)
			s.writeErr = fmt.Errorf("the session's writer panicked: %v", p)
			s.cancel()
			s.conn.CloseNow()
			ok = false
		}
	}()
	ctx := s.ctx
	err := ctx.Err()
	if err == nil {
		s.startBurst(ctx)
		err = s.writeBurst(ctx, burst)
		if ferr := s.endBurst(); err == nil {
			err = ferr
		}
	} else {
		for range burst {
			s.send.written()
		}
	}
	if err != nil {
		s.writeErr = err
		s.cancel()
		return false
	}
	return true
}

// startPings pings the client every PingInterval, from a timer, until
// stopPings.
func (s *session) startPings() {
	s.pingMu.Lock()
	defer s.pingMu.Unlock()
	s.pingTimer = time.AfterFunc(s.hub.opts.PingInterval, s.pingTick)
}

func (s *session) pingTick() {
	s.pingMu.Lock()
	defer s.pingMu.Unlock()
	if s.pingsOff {
		return
	}
	if !s.closing.Load() {
		s.ping(s.ctx)
	}
	s.pingTimer.Reset(s.hub.opts.PingInterval)
}

// stopPings stops the pings; none starts after it returns.
func (s *session) stopPings() {
	s.pingMu.Lock()
	defer s.pingMu.Unlock()
	s.pingsOff = true
	if s.pingTimer != nil {
		s.pingTimer.Stop()
	}
}

// writeBurst writes the frames taken from the queue, in order, counting
// each off the queue's bound as it is done with it; after closeWith it
// drops them (the close frame goes next; the client resumes what it missed).
func (s *session) writeBurst(ctx context.Context, burst []frame) error {
	for i, f := range burst {
		if s.closing.Load() {
			for range burst[i:] {
				s.send.written()
			}
			return nil
		}
		err := s.write(ctx, f)
		s.send.written()
		if err != nil {
			for range burst[i+1:] {
				s.send.written()
			}
			return err
		}
	}
	return nil
}

// onOwnStack runs fn on another goroutine and waits for it. The store
// calls of a hello, a catch-up or a frame (SQLite, JSON, the group
// commit) grow a goroutine's stack to tens of KB; on a connection's
// goroutines, which live as long as the socket, that stack would stay
// with every idle session (the runtime shrinks a stack only at a garbage
// collection, and only while less than a quarter of it is in use). The
// caller waits, so ownership (the writer's fields) is unchanged. A panic
// in fn (or a runtime.Goexit) goes on in the caller as a *goroutinePanic,
// so that the caller's recover (recoverSession on the session's goroutine,
// writeFrames' on the writer's) sees it instead of the process dying.
//
// fn runs on an idle aside worker if there is one, else on a new one
// (asideWorker): a new goroutine for every frame grew its stack from the
// start each time, 2.6 % of the server's CPU at 3 500 msg/s.
func onOwnStack(fn func() error) error {
	done := make(chan error, 1)
	var panicked *goroutinePanic
	job := func() {
		returned := false
		defer func() {
			if !returned {
				panicked = &goroutinePanic{value: recover(), stack: debug.Stack()}
				close(done)
			}
		}()
		err := fn()
		returned = true
		done <- err
	}
	select {
	case asideJobs <- job:
	default:
		go asideWorker(job)
	}
	err, ok := <-done
	if !ok {
		panic(panicked)
	}
	return err
}

// asideJobs hands a job to an aside worker waiting for one; unbuffered, so
// a send succeeds only when a worker is idle.
var asideJobs = make(chan func())

// asideIdle is how long an aside worker waits for its next job before it
// ends. While it waits, parked shallow, collections shrink its stack;
// after it, an idle node keeps none of them.
const asideIdle = 5 * time.Second

// asideWorker runs job, then the jobs it is handed until none comes for
// asideIdle. A job recovers its own panic, so the worker goes on after
// one; a runtime.Goexit ends the worker, after the job has told its
// caller.
func asideWorker(job func()) {
	idle := time.NewTimer(asideIdle)
	defer idle.Stop()
	for {
		job()
		idle.Reset(asideIdle)
		select {
		case job = <-asideJobs:
		case <-idle.C:
			return
		}
	}
}

// goroutinePanic is a panic on onOwnStack's goroutine, carried to its
// caller: the value (nil for a runtime.Goexit) and the stack where it
// happened.
type goroutinePanic struct {
	value any
	stack []byte
}

func (p *goroutinePanic) Error() string {
	return fmt.Sprintf("panic on a goroutine of its own: %v", p.value)
}

// Unwrap gives the value when it is an error (a runtime.Error, say).
func (p *goroutinePanic) Unwrap() error {
	err, _ := p.value.(error)
	return err
}

// ping sends a ping and, in a goroutine that lives until the pong (or the
// pong timeout), closes the session if the peer does not answer. At most one
// ping is in flight; finish waits for it.
func (s *session) ping(ctx context.Context) {
	if !s.pinging.CompareAndSwap(false, true) {
		return
	}
	s.pings.Add(1)
	go func() {
		defer s.pings.Done()
		defer s.pinging.Store(false)
		pctx, cancel := context.WithTimeout(ctx, s.hub.opts.PongTimeout)
		defer cancel()
		if err := s.conn.Ping(pctx); err != nil && ctx.Err() == nil {
			s.hub.opts.Logger.Debug("websocket ping unanswered", "err", err)
			s.cancel()
		}
	}()
}

// write writes one queued frame, keeping each conversation gap-free: a
// stored event whose Seq is not the next one is preceded by a catch-up from
// the store, and one already written is skipped. A conversation the session
// may not read (an agent told of it by a forged or stale announcement) is
// left: nothing of it is written.
func (s *session) write(ctx context.Context, f frame) error {
	if f.board != 0 {
		return s.writeBoard(ctx, f.board)
	}
	if f.conv != "" {
		if f.sync {
			return s.catchUpAside(ctx, f.conv)
		}
		if s.blocked[f.conv] {
			return nil
		}
		if f.seq > 0 {
			if f.seq > s.last[f.conv]+1 {
				if err := s.catchUpAside(ctx, f.conv); err != nil || s.blocked[f.conv] {
					return err
				}
			}
			if f.seq <= s.last[f.conv] {
				return nil
			}
			s.last[f.conv] = f.seq
		}
	}
	if f.data == nil {
		return nil
	}
	return s.writeData(ctx, f.data)
}

// catchUpAside runs catchUpOrLeave on a goroutine of its own (onOwnStack),
// after writing out what the burst gathered, so that frames already written
// do not wait for the store.
func (s *session) catchUpAside(ctx context.Context, id chat.ConversationID) error {
	if err := s.flushGathered(); err != nil {
		return err
	}
	return onOwnStack(func() error { return s.catchUpOrLeave(ctx, id) })
}

// catchUpOrLeave catches conversation id up, and unsubscribes the session
// from it if the session may not read it.
func (s *session) catchUpOrLeave(ctx context.Context, id chat.ConversationID) error {
	err := s.catchUp(ctx, id)
	if chat.ErrorCode(err) == chat.ENotFound && s.user != nil {
		s.hub.unsubscribe(s, id)
		s.blocked[id] = true
		s.hub.opts.Logger.Debug("websocket: no access to a conversation announced to the session", "conversation", id)
		return nil
	}
	if err == nil {
		delete(s.blocked, id)
	}
	return err
}

// catchUp writes every event of conversation id after the session's
// position, from the store: for an agent, in the agent view if the agent
// may read it; for a customer, in the customer view.
func (s *session) catchUp(ctx context.Context, id chat.ConversationID) error {
	for {
		more, err := s.catchUpPage(ctx, id)
		if err != nil {
			return fmt.Errorf("catch up %s: %w", id, err)
		}
		// The end of the log as it was read; anything committed later is
		// published to this session, which is already subscribed.
		if !more {
			return nil
		}
	}
}

// catchUpPage is how many events one read of a catch-up takes.
const catchUpPage = 500

// catchUpPage writes the next page of conversation id after the session's
// position and reports whether there may be more.
func (s *session) catchUpPage(ctx context.Context, id chat.ConversationID) (bool, error) {
	// The first page after hello checks access against the conversation
	// as hello read it; later ones read it again.
	c, fresh := s.fresh[id]
	delete(s.fresh, id)
	if s.actor.Customer != nil {
		page, err := retry(ctx, s.hub.opts.RequestTimeout, func() (conversation.CustomerPage, error) {
			if fresh && id == s.conv.ID {
				return s.svc().CustomerLogOf(ctx, s.actor, s.conv, s.last[id], catchUpPage)
			}
			return s.svc().CustomerLog(ctx, s.actor, id, s.last[id], catchUpPage)
		})
		if err != nil {
			return false, err
		}
		for _, e := range page.Events {
			if err := s.writeData(ctx, encodeCustomerEvent(e)); err != nil {
				return false, err
			}
		}
		s.last[id] = max(s.last[id], page.Next)
		return page.More, nil
	}
	evs, err := retry(ctx, s.hub.opts.RequestTimeout, func() ([]chat.Event, error) {
		if fresh {
			return s.svc().AgentLogOf(ctx, s.actor, c, s.last[id], catchUpPage)
		}
		return s.svc().AgentLog(ctx, s.actor, id, s.last[id], catchUpPage)
	})
	if err != nil {
		return false, err
	}
	for _, e := range evs {
		s.last[id] = e.Seq
		if err := s.writeData(ctx, encodeEvent(e)); err != nil {
			return false, err
		}
	}
	return len(evs) == catchUpPage, nil
}

// retry calls read until it succeeds, fails with an error other than
// unavailable, or for longer than patience: so a short outage of the
// database delays a session's frames rather than closing it; after that
// the session closes and its client resumes.
func retry[T any](ctx context.Context, patience time.Duration, read func() (T, error)) (T, error) {
	wait := 100 * time.Millisecond
	deadline := time.Now().Add(patience)
	for {
		v, err := read()
		if err == nil || chat.ErrorCode(err) != chat.EUnavailable || time.Now().After(deadline) {
			return v, err
		}
		select {
		case <-ctx.Done():
			return v, ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, 2*time.Second)
	}
}

func (s *session) writeData(ctx context.Context, data []byte) error {
	if err := s.waitRoom(ctx, len(data)); err != nil {
		if errors.Is(err, errNoRoom) {
			s.slow() // the close frame fits in the room kept for it
			return nil
		}
		return err
	}
	if s.inBurst {
		return s.conn.Write(s.quiet, websocket.MessageText, data)
	}
	wctx, cancel := context.WithTimeout(ctx, s.hub.opts.WriteTimeout)
	defer cancel()
	return s.conn.Write(wctx, websocket.MessageText, data)
}

// startBurst starts gathering the frames written until endBurst.
func (s *session) startBurst(ctx context.Context) {
	s.inBurst = true
	s.wire.startBurst(ctx, s.hub.opts.WriteTimeout)
}

// flushGathered writes what the burst gathered so far, and gathers on.
func (s *session) flushGathered() error {
	if !s.inBurst {
		return nil
	}
	return s.wire.flush(true)
}

// endBurst writes out what the burst gathered and stops gathering.
func (s *session) endBurst() error {
	if !s.inBurst {
		return nil
	}
	s.inBurst = false
	return s.wire.flush(false)
}

// readLoop reads client frames until the connection ends, and hands each
// one's bytes to another goroutine to be decoded and handled
// (handleAside): a message goes through the conversation service and
// waits in the store's group commit, which grows a stack to 16 KB and
// more, and the runtime halves a stack at a collection only while less
// than a quarter of it is in use. Parked in its next read, this
// goroutine is about 2.1 KB deep (1.7 KB of it in coder/websocket and
// net), so it keeps the 4 KB stack it grows to; decoding a frame here made
// it 4 KB deep and gave every idle socket an 8 KB stack (docs/benchmarks.md,
// 2026-12-04). The margin is small: answering a client's ping, its
// deepest path, stays within 4 KB with 512 more bytes of locals in
// readLoop and not with 640. Keep the frames from serveAs's goroutine
// down to here small (begin and finish are not beneath it for that);
// nothing here holds a decoded frame.
// TestIdleSocket_keepsASmallStack (internal/apptest) measures it.
func (s *session) readLoop(ctx context.Context) error {
	for {
		msg, err := s.readMessage(s.quiet) // ended by the cut begin sets up (cutOnEnd)
		if err != nil && chat.ErrorCode(err) != chat.EInvalid {
			return err
		}
		s.handleAside(ctx, msg, err)
	}
}

// handleAside decodes and handles a frame read by readLoop (msg, whose
// buffer it gives back, or the error that made it unreadable) on another
// goroutine (onOwnStack), and answers an error frame when it fails.
func (s *session) handleAside(ctx context.Context, msg *bytes.Buffer, readErr error) {
	onOwnStack(func() error {
		s.handleMessage(ctx, msg, readErr)
		return nil
	})
}

// handleMessage is handleAside's work, on the aside worker: msg is the
// frame's bytes when err is nil (given back to readBufs once decoded),
// else nil.
func (s *session) handleMessage(ctx context.Context, msg *bytes.Buffer, err error) {
	var f inFrame
	if err == nil {
		f, err = decodeFrame(msg.Bytes())
		readBufs.Put(msg)
	}
	if err != nil {
		s.hub.metrics.requests.WithLabelValues("unreadable", chat.EInvalid).Inc()
		s.replyError(f.RequestID, err)
		return
	}
	err = s.handle(ctx, f)
	code := "ok"
	if err != nil {
		code = chat.ErrorCode(err)
		s.replyError(f.RequestID, err)
	}
	s.hub.metrics.requests.WithLabelValues(frameTypeLabel(f.Type), code).Inc()
}

func frameTypeLabel(t string) string {
	if _, ok := frames[t]; ok || t == "hello" {
		return t
	}
	return "unknown"
}
