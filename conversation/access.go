package conversation

import (
	"context"
	"fmt"
	"slices"

	"skranke/auth"
	"skranke/chat"
	"skranke/store"
)

// The agent view. Who may read a conversation as an agent, in one place:
//   - administrators and supervisors, every conversation;
//   - an agent who took part in it (joined it at some time), for as long
//     as it is kept;
//   - an agent who holds its open offer or invitation now, until that ends.
//
// An agent who was offered a chat and rejected it, or let an invitation
// lapse, may not read it any more: not the conversation, and of its log
// only what happened up to the end of the agent's part (so that a desktop
// that was away learns how its offer ended, and nothing written later). A
// conversation the caller may not read is not_found, exactly as one that
// does not exist.

// mayRead returns nil if user u may read conversation c in the agent view,
// and not_found otherwise.
func (s *Service) mayRead(ctx context.Context, u *chat.User, c chat.Conversation) error {
	if u.Role == chat.RoleAdmin || u.Role == chat.RoleSupervisor {
		return nil
	}
	if c.HasAgent(u.ID) || (c.Offer != nil && c.Offer.AgentID == u.ID) || (c.Invitation != nil && c.Invitation.AgentID == u.ID) {
		return nil
	}
	p, err := s.st.Participation(ctx, c.ID, u.ID)
	switch {
	case chat.ErrorCode(err) == chat.ENotFound:
		return errNoChat
	case err != nil:
		return fmt.Errorf("read access: %w", err)
	case p.TookPart() || p.Current():
		return nil
	}
	return errNoChat
}

// stranger reports whether agent u has never had a part in conversation id
// and may not read it: to a stranger, a chat that exists and one that does
// not look the same. An agent who was offered a chat knows it exists, and
// gets the chat's own answer ("this invitation is no longer open").
func (s *Service) stranger(ctx context.Context, u *chat.User, id chat.ConversationID) bool {
	if u.Role == chat.RoleAdmin || u.Role == chat.RoleSupervisor {
		return false
	}
	_, err := s.st.Participation(ctx, id, u.ID)
	return chat.ErrorCode(err) == chat.ENotFound
}

// readable returns conversation id if the actor may read it as an agent.
func (s *Service) readable(ctx context.Context, a auth.Actor, id chat.ConversationID) (chat.Conversation, error) {
	u, err := agent(a, "read conversations")
	if err != nil {
		return chat.Conversation{}, err
	}
	if err := checkConversationID(id); err != nil {
		return chat.Conversation{}, err
	}
	c, err := s.st.Conversation(ctx, id)
	if chat.ErrorCode(err) == chat.ENotFound {
		return chat.Conversation{}, errNoChat
	} else if err != nil {
		return chat.Conversation{}, fmt.Errorf("conversation: %w", err)
	}
	if err := s.mayRead(ctx, u, c); err != nil {
		return chat.Conversation{}, err
	}
	return c, nil
}

// memberConversation returns conversation id if agent u is in it now, and
// not_found otherwise.
func (s *Service) memberConversation(ctx context.Context, u *chat.User, id chat.ConversationID) (chat.Conversation, error) {
	if err := checkConversationID(id); err != nil {
		return chat.Conversation{}, err
	}
	c, err := s.st.Conversation(ctx, id)
	if chat.ErrorCode(err) == chat.ENotFound {
		return chat.Conversation{}, errNoChat
	} else if err != nil {
		return chat.Conversation{}, fmt.Errorf("conversation: %w", err)
	}
	if !c.HasAgent(u.ID) {
		return chat.Conversation{}, errNoChat
	}
	return c, nil
}

// AgentConversation returns conversation id in the agent view, if the
// actor may read it.
func (s *Service) AgentConversation(ctx context.Context, a auth.Actor, id chat.ConversationID) (chat.Conversation, error) {
	return s.readable(ctx, a, id)
}

// MaxPage is the most events one read of a log returns; DefaultPage is what
// a read without a limit returns.
const (
	MaxPage     = 1000
	DefaultPage = 1000
)

// pageLimit returns the page size of a read asking for limit.
func pageLimit(limit int) (int, error) {
	switch {
	case limit == 0:
		return DefaultPage, nil
	case limit < 0 || limit > MaxPage:
		return 0, chat.E(chat.EInvalid, "limit_out_of_range", "limit must be between 1 and {max}.", "max", MaxPage)
	}
	return limit, nil
}

// AgentLog returns up to limit events of conversation id after Seq after,
// in the agent view (private messages, offers and all), if the actor may
// read it. limit 0 is DefaultPage.
//
// An agent whose part ended without joining (an offer rejected or lapsed)
// reads the log up to the event that ended it, and no further.
func (s *Service) AgentLog(ctx context.Context, a auth.Actor, id chat.ConversationID, after chat.Seq, limit int) ([]chat.Event, error) {
	return s.agentLog(ctx, a, id, nil, after, limit)
}

// AgentLogOf is AgentLog of conversation c as Desk returned it to the
// actor a moment ago: access is checked against c as it was read then,
// and c is not read again. An agent's hello, which catches up every open
// chat of its desk at once, so reads each of them once, not twice.
func (s *Service) AgentLogOf(ctx context.Context, a auth.Actor, c chat.Conversation, after chat.Seq, limit int) ([]chat.Event, error) {
	return s.agentLog(ctx, a, c.ID, &c, after, limit)
}

// agentLog is AgentLog; known, if not nil, is conversation id as read a
// moment ago.
func (s *Service) agentLog(ctx context.Context, a auth.Actor, id chat.ConversationID, known *chat.Conversation, after chat.Seq, limit int) ([]chat.Event, error) {
	limit, err := pageLimit(limit)
	if err != nil {
		return nil, err
	}
	until, err := s.readableUntil(ctx, a, id, known)
	if err != nil {
		return nil, err
	}
	if until > 0 && after >= until {
		return []chat.Event{}, nil
	}
	evs, err := s.st.Events(ctx, id, after, limit)
	if err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
	if until > 0 {
		for i, e := range evs {
			if e.Seq > until {
				return evs[:i], nil
			}
		}
	}
	return evs, nil
}

// readableUntil returns 0 if the actor may read all of conversation id's
// log, or the Seq up to which it may, or not_found. known, if not nil, is
// conversation id as read a moment ago, checked instead of reading it.
func (s *Service) readableUntil(ctx context.Context, a auth.Actor, id chat.ConversationID, known *chat.Conversation) (chat.Seq, error) {
	var err error
	if known != nil && known.ID == id {
		var u *chat.User
		if u, err = agent(a, "read conversations"); err == nil {
			err = s.mayRead(ctx, u, *known)
		}
	} else {
		_, err = s.readable(ctx, a, id)
	}
	if chat.ErrorCode(err) != chat.ENotFound || a.User == nil || id == "" {
		return 0, err
	}
	p, perr := s.st.Participation(ctx, id, a.User.ID)
	if perr != nil || p.TookPart() || p.Current() || p.UntilSeq == 0 {
		return 0, err
	}
	return p.UntilSeq, nil
}

// Desk is what an agent's desktop starts from: who the agent is, the
// status and profile chosen, the profiles the agent may work in, the
// organisation's queues (open now or not), and the agent's open chats,
// offers and invitations (agent view).
type Desk struct {
	User          chat.User           `json:"user"`
	State         chat.AgentState     `json:"state"`
	Profiles      []chat.Profile      `json:"profiles"`
	Queues        []QueueInfo         `json:"queues"`
	Conversations []chat.Conversation `json:"conversations"`
}

// Desk returns the actor's desk. Without conversations (withChats false) it
// reads only the directory and the agent's state.
func (s *Service) Desk(ctx context.Context, a auth.Actor, withChats bool) (Desk, error) {
	u, err := agent(a, "use the agent desktop")
	if err != nil {
		return Desk{}, err
	}
	d := Desk{User: *u, Profiles: []chat.Profile{}, Conversations: []chat.Conversation{}}
	if d.State, err = s.st.AgentState(ctx, u.ID); err != nil {
		return Desk{}, fmt.Errorf("desk: %w", err)
	}
	ps, err := s.st.Profiles(ctx)
	if err != nil {
		return Desk{}, fmt.Errorf("desk: %w", err)
	}
	for _, id := range u.Profiles { // in the user's order
		if i := slices.IndexFunc(ps, func(p chat.Profile) bool { return p.ID == id }); i >= 0 {
			d.Profiles = append(d.Profiles, ps[i])
		}
	}
	if d.Queues, err = s.Queues(ctx); err != nil {
		return Desk{}, fmt.Errorf("desk: %w", err)
	}
	if withChats {
		cs, err := s.st.Conversations(ctx, store.ConversationFilter{
			AgentID:  u.ID,
			Statuses: []chat.ConversationStatus{chat.StatusWaiting, chat.StatusActive},
		})
		if err != nil {
			return Desk{}, fmt.Errorf("desk: %w", err)
		}
		d.Conversations = nonNil(cs)
	}
	return d, nil
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}
