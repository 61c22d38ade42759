package realtime

import (
	"context"
	"net/http"
	"time"

	"skranke/auth"
	"skranke/chat"
	"skranke/conversation"
)

// The supervisor's socket (R19), /ws/supervisor. After hello the server
// sends a welcome with the board (chat.Board), then a board frame each time
// routing state changes: the router signals a watch, the session's
// forwardBoard queues a board signal, and the writer reads the board anew
// and writes it, at most once per boardInterval, so a burst of changes
// costs one frame and the last change always shows. Nothing is polled.
// The socket is a supervisor's or an administrator's; it does not make
// them present as agents.

// boardInterval is the least time between two board frames of a session.
const boardInterval = 200 * time.Millisecond

// supervisorWelcome is the supervisor socket's welcome.
type supervisorWelcome struct {
	Type  string     `json:"type"`
	User  chat.User  `json:"user"`
	Board chat.Board `json:"board"`
}

// boardFrame carries the board after a change.
type boardFrame struct {
	Type  string     `json:"type"`
	Board chat.Board `json:"board"`
}

// ServeSupervisor serves /ws/supervisor for the user the HTTP layer
// authenticated (auth.FromContext), who must be a supervisor or an
// administrator. Like the agent's socket it lives as long as the login
// session, and release is as ServeAgent's.
func (h *Hub) ServeSupervisor(w http.ResponseWriter, r *http.Request, release func()) {
	a, ok := auth.FromContext(r.Context())
	refuse := func(msg string, status int) {
		if release != nil {
			release()
		}
		http.Error(w, msg, status)
	}
	if !ok || a.User == nil {
		refuse("Please log in.", http.StatusUnauthorized)
		return
	}
	if a.User.Role != chat.RoleSupervisor && a.User.Role != chat.RoleAdmin {
		refuse("Only supervisors and administrators can do this.", http.StatusForbidden)
		return
	}
	h.serveAs(w, r, a, true, release)
}

// helloSupervisor starts the board's watch and sends the welcome.
func (s *session) helloSupervisor(ctx context.Context) error {
	changed, stop, err := s.svc().WatchBoard(s.actor)
	if err != nil {
		return err
	}
	b, err := s.svc().Board(ctx, s.actor)
	if err != nil {
		stop()
		return err
	}
	s.boardChanged, s.stopWatch = changed, stop
	s.welcome(supervisorWelcome{Type: "welcome", User: *s.user, Board: b})
	return nil
}

// boardSignal is what a frame of a supervisor's send queue says of the
// board: nothing (0), routing changed, or the throttle after the last
// board frame ended.
type boardSignal uint8

const (
	boardChanged boardSignal = iota + 1
	boardTick
)

// forwardBoard queues a board signal for the changes the watch hears of,
// until ctx ends: one at a time (boardQueued), so the changes that come
// while the writer is busy merge into the one queued, and a supervisor
// whose writes are slow holds one slot of the send queue for them, not one
// per change. It starts after hello, so the welcome goes first.
func (s *session) forwardBoard(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.boardChanged:
			if s.boardQueued.CompareAndSwap(false, true) {
				s.trySend(frame{board: boardChanged})
			}
		}
	}
}

// writeBoard handles a board signal. A change during the throttle is only
// noted; otherwise the board is read from the router, on a goroutine of
// its own, after writing out what the burst gathered.
func (s *session) writeBoard(ctx context.Context, sig boardSignal) error {
	if sig == boardChanged {
		// Changes from now on queue a new signal: this one reads the
		// board after them.
		s.boardQueued.Store(false)
		if s.boards.throttle != nil {
			s.boards.pending = true
			return nil
		}
	}
	if err := s.flushGathered(); err != nil {
		return err
	}
	return onOwnStack(func() error {
		if sig == boardTick {
			return s.boards.tick(ctx, s)
		}
		return s.boards.changed(ctx, s)
	})
}

// boards is the writer's part of a supervisor session: it writes the
// board when routing state changed, no sooner than boardInterval after the
// last one. throttle, while it runs, queues a boardTick when it ends.
type boards struct {
	throttle *time.Timer
	pending  bool // a change came during the throttle
}

// changed handles a signal of the watch.
func (b *boards) changed(ctx context.Context, s *session) error {
	if b.throttle != nil {
		b.pending = true
		return nil
	}
	return b.write(ctx, s)
}

// tick handles the end of the throttle.
func (b *boards) tick(ctx context.Context, s *session) error {
	b.throttle = nil
	if !b.pending {
		return nil
	}
	b.pending = false
	return b.write(ctx, s)
}

func (b *boards) write(ctx context.Context, s *session) error {
	board, err := s.svc().Board(ctx, s.actor)
	if err != nil {
		// Routing stops only with the node; the socket closes then.
		s.hub.opts.Logger.Debug("supervisor board", "err", err)
		return nil
	}
	b.throttle = time.AfterFunc(boardInterval, func() { s.trySend(frame{board: boardTick}) })
	return s.writeData(ctx, mustEncode(boardFrame{Type: "board", Board: board}))
}

// stop stops the throttle, once the writer has stopped.
func (b *boards) stop() {
	if b.throttle != nil {
		b.throttle.Stop()
	}
}

// supervisorSessions returns the supervisor sessions of user id on this node.
func (h *Hub) supervisorSessions(id chat.UserID) []*session {
	h.sessionsMu.Lock()
	defer h.sessionsMu.Unlock()
	var out []*session
	for s := range h.sessions {
		if s.supervisor && s.user != nil && s.user.ID == id {
			out = append(out, s)
		}
	}
	return out
}

// monitor starts watching a chat: the monitoring is recorded (the agents
// see it), then the session is subscribed and caught up from the start, as
// a join does for an agent.
func (s *session) monitor(ctx context.Context, f inFrame) error {
	if err := needsRequestID(f); err != nil {
		return err
	}
	if _, err := s.svc().Monitor(ctx, s.actor, f.ConversationID, true, s.request(f)); err != nil {
		return err
	}
	if !s.subscribed(f.ConversationID) {
		s.hub.subscribe(s, f.ConversationID)
		s.trySend(frame{conv: f.ConversationID, sync: true})
	}
	return nil
}

// unmonitor stops watching a chat.
func (s *session) unmonitor(ctx context.Context, f inFrame) error {
	if err := needsRequestID(f); err != nil {
		return err
	}
	if !s.subscribed(f.ConversationID) {
		return chat.E(chat.EConflict, "not_monitoring", "You are not watching this chat.")
	}
	s.hub.unsubscribe(s, f.ConversationID)
	_, err := s.svc().Monitor(ctx, s.actor, f.ConversationID, false, s.request(f))
	return err
}

// whisper sends a supervisor's private message to a chat's agents.
func (s *session) whisper(ctx context.Context, f inFrame) error {
	if err := needsRequestID(f); err != nil {
		return err
	}
	_, err := s.svc().Whisper(ctx, s.actor, f.ConversationID, conversation.SendRequest{Request: s.request(f), Text: f.Text})
	return err
}

// stopMonitoring records, when a supervisor's socket closes, that its
// supervisor no longer watches the chats it watched. Best effort: the
// socket is gone either way.
func (s *session) stopMonitoring(ctx context.Context, ids []chat.ConversationID) {
	for _, id := range ids {
		if _, err := s.svc().Monitor(ctx, s.actor, id, false, conversation.Request{}); err != nil && chat.ErrorCode(err) != chat.EConflict {
			s.hub.opts.Logger.Debug("supervisor: stop monitoring", "conversation", id, "err", err)
		}
	}
}

// pauseAgent and logOffAgent set an agent paused, or log it off, as a
// supervisor; the ack carries the agent's state.
func (s *session) pauseAgent(ctx context.Context, f inFrame) error {
	return s.superviseAgent(ctx, f, false)
}

func (s *session) logOffAgent(ctx context.Context, f inFrame) error {
	return s.superviseAgent(ctx, f, true)
}

func (s *session) superviseAgent(ctx context.Context, f inFrame, logOff bool) error {
	if err := needsRequestID(f); err != nil {
		return err
	}
	state, err := s.svc().SuperviseAgent(ctx, s.actor, f.AgentID, logOff)
	if err != nil {
		return err
	}
	s.reply(ackFrame{Type: "ack", RequestID: f.RequestID, State: &state})
	return nil
}

// reroute raises a waiting chat's priority or moves it to another queue.
func (s *session) reroute(ctx context.Context, f inFrame) error {
	if err := needsRequestID(f); err != nil {
		return err
	}
	_, err := s.svc().Reroute(ctx, s.actor, f.ConversationID, conversation.RerouteRequest{Request: s.request(f), Priority: f.Priority, QueueID: f.QueueID})
	return err
}

// takeOver brings the supervisor into a chat in progress as an agent.
func (s *session) takeOver(ctx context.Context, f inFrame) error {
	return s.byID(ctx, f, s.svc().TakeOver)
}
