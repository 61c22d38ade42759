package conversation

import (
	"context"

	"skranke/auth"
	"skranke/chat"
	"skranke/store"
)

// Supervision (R19): the live board of queues, agents and chats that
// supervisors and administrators watch, and what they do from it.

// Supervision is what the supervisor's view needs of routing; the router
// answers it on every node, leading or not.
type Supervision interface {
	// Board returns the routing state now.
	Board(ctx context.Context) (chat.Board, error)
	// Watch returns a channel that receives a value whenever routing
	// state may have changed (at most one waits), and a func that stops
	// the watch.
	Watch() (<-chan struct{}, func())
}

// supervisor returns the actor's user if a supervisor or an administrator,
// and forbidden otherwise.
func supervisor(a auth.Actor) (*chat.User, error) {
	if a.User == nil {
		return nil, chat.E(chat.EUnauthenticated, "login_required", "Please log in.")
	}
	if !supervises(a.User) {
		return nil, chat.E(chat.EForbidden, "supervisors_only", "Only supervisors and administrators can do this.")
	}
	return a.User, nil
}

var errNoSupervision = chat.E(chat.EUnavailable, "supervision_unavailable", "The supervisor's view is not available.")

// Board returns the live board, for a supervisor or an administrator.
func (s *Service) Board(ctx context.Context, a auth.Actor) (chat.Board, error) {
	if _, err := supervisor(a); err != nil {
		return chat.Board{}, err
	}
	if s.opts.Supervision == nil {
		return chat.Board{}, errNoSupervision
	}
	return s.opts.Supervision.Board(ctx)
}

// WatchBoard returns, for a supervisor or an administrator, a channel that
// receives a value whenever the board may have changed, and a func that
// stops the watch.
func (s *Service) WatchBoard(a auth.Actor) (<-chan struct{}, func(), error) {
	if _, err := supervisor(a); err != nil {
		return nil, nil, err
	}
	if s.opts.Supervision == nil {
		return nil, nil, errNoSupervision
	}
	ch, stop := s.opts.Supervision.Watch()
	return ch, stop, nil
}

// supervisorParty is the author of a supervisor's monitoring and whispers.
func supervisorParty(u *chat.User) chat.Participant {
	return chat.Participant{Role: chat.PartySupervisor, ID: string(u.ID), Name: u.DisplayName}
}

// Monitor records that the supervisor starts (watching) or stops watching
// conversation id live: the agents see it in the log, the customer never.
// The transport then delivers the chat's events to the supervisor's socket.
func (s *Service) Monitor(ctx context.Context, a auth.Actor, id chat.ConversationID, watching bool, r Request) (chat.Event, error) {
	u, err := supervisor(a)
	if err != nil {
		return chat.Event{}, err
	}
	if err := checkConversationID(id); err != nil {
		return chat.Event{}, err
	}
	e := chat.Event{ConversationID: id, Kind: chat.KindMonitored, Author: supervisorParty(u), ClientMsgID: r.ClientMsgID,
		Data: chat.Monitored{AgentRef: chat.AgentRef{AgentID: u.ID, AgentName: u.DisplayName}, Watching: watching}}
	stored, err := s.append(ctx, e, r.Committed)
	if chat.ErrorCode(err) == chat.ENotFound {
		return chat.Event{}, errNoChat
	}
	return stored, err
}

// Whisper sends a supervisor's private message to the agents of
// conversation id (R19), without joining it: visible to agents only, never
// to the customer by any path.
func (s *Service) Whisper(ctx context.Context, a auth.Actor, id chat.ConversationID, r SendRequest) (chat.Event, error) {
	u, err := supervisor(a)
	if err != nil {
		return chat.Event{}, err
	}
	if err := checkConversationID(id); err != nil {
		return chat.Event{}, err
	}
	if r.ClientMsgID == "" {
		return chat.Event{}, chat.E(chat.EInvalid, "client_msg_id_required", "clientMsgId is required.")
	}
	e := chat.Event{ConversationID: id, Kind: chat.KindMessage, Visibility: chat.VisibleAgents, Author: supervisorParty(u),
		ClientMsgID: r.ClientMsgID, Text: r.Text}
	stored, err := s.append(ctx, e, r.Committed)
	if chat.ErrorCode(err) == chat.ENotFound {
		return chat.Event{}, errNoChat
	}
	return stored, err
}

// auditActor is who a supervisor is in the audit log.
func auditActor(a auth.Actor, u *chat.User) chat.AuditActor {
	by := chat.AuditActor{UserID: u.ID, Name: u.DisplayName}
	if a.Token != nil {
		by.TokenID = a.Token.ID
	}
	return by
}

// SuperviseAgent pauses agent id as a supervisor, keeping its profile, or
// with logOff also logs it off: its login sessions end and its sockets close
// on every node, so it gets no offers and, after the grace period, its chats
// go back to their queues. Either is in the audit log (agent.pause,
// agent.logoff).
func (s *Service) SuperviseAgent(ctx context.Context, a auth.Actor, id chat.UserID, logOff bool) (chat.AgentState, error) {
	u, err := supervisor(a)
	if err != nil {
		return chat.AgentState{}, err
	}
	if err := chat.CheckID(string(id), "agentId"); err != nil {
		return chat.AgentState{}, err
	}
	if id == "" {
		return chat.AgentState{}, chat.E(chat.EInvalid, "agent_id_required", "agentId is required.")
	}
	done, err := store.SuperviseAgent(ctx, s.st, id, logOff, auditActor(a, u))
	if chat.ErrorCode(err) == chat.ENotFound {
		return chat.AgentState{}, chat.E(chat.EInvalid, "agent_not_found", "No such agent.")
	} else if err != nil {
		return chat.AgentState{}, err
	}
	st := done.State
	s.publish(ctx, chat.Event{
		Kind: chat.KindAgentStatus, Time: st.UpdatedAt, Visibility: chat.VisibleAgents, Author: supervisorParty(u),
		Data: chat.AgentStatusChange{AgentRef: chat.AgentRef{AgentID: id, AgentName: done.User.DisplayName},
			Status: st.Status, ProfileID: st.ProfileID, Reason: chat.ReasonSupervisor},
	})
	if logOff {
		s.publish(ctx, chat.Event{Kind: chat.KindSessionRevoked, Time: st.UpdatedAt, Visibility: chat.VisibleAgents,
			Data: chat.SessionRevoked{UserID: id}})
	}
	return st, nil
}

// RerouteRequest changes a waiting chat's place: a higher Priority (nil:
// unchanged), or another QueueID ("": unchanged).
type RerouteRequest struct {
	Request
	Priority *int
	QueueID  chat.QueueID
}

// Reroute raises a waiting chat's priority or moves it to another queue,
// as a supervisor: a rerouted event in its log. An open offer of it is
// withdrawn by a move.
func (s *Service) Reroute(ctx context.Context, a auth.Actor, id chat.ConversationID, r RerouteRequest) (chat.Event, error) {
	u, err := supervisor(a)
	if err != nil {
		return chat.Event{}, err
	}
	if err := checkConversationID(id); err != nil {
		return chat.Event{}, err
	}
	d := chat.Rerouted{AgentRef: chat.AgentRef{AgentID: u.ID, AgentName: u.DisplayName}, Priority: r.Priority}
	if r.QueueID != "" {
		q, err := s.targetQueue(ctx, r.QueueID)
		if err != nil {
			return chat.Event{}, err
		}
		d.QueueID = q.ID
	}
	e := chat.Event{ConversationID: id, Kind: chat.KindRerouted, Author: supervisorParty(u), ClientMsgID: r.ClientMsgID, Data: d}
	stored, err := s.append(ctx, e, r.Committed)
	if chat.ErrorCode(err) == chat.ENotFound {
		return chat.Event{}, errNoChat
	}
	return stored, err
}

// TakeOver brings the supervisor into an active chat as one of its agents
// (R19): the customer sees them join; the agents already in it may stay or
// leave. From then on the supervisor works the chat on the agent desktop,
// as any agent (without a desktop open, they leave it after the grace
// period, as any agent who went away).
func (s *Service) TakeOver(ctx context.Context, a auth.Actor, id chat.ConversationID, r Request) (chat.Event, error) {
	u, err := supervisor(a)
	if err != nil {
		return chat.Event{}, err
	}
	if err := checkConversationID(id); err != nil {
		return chat.Event{}, err
	}
	e := chat.Event{ConversationID: id, Kind: chat.KindAgentJoined, Author: supervisorParty(u), ClientMsgID: r.ClientMsgID,
		Data: chat.AgentJoined{AgentRef: chat.AgentRef{AgentID: u.ID, AgentName: u.DisplayName}}}
	stored, err := s.append(ctx, e, r.Committed)
	if chat.ErrorCode(err) == chat.ENotFound {
		return chat.Event{}, errNoChat
	}
	return stored, err
}
