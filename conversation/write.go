package conversation

import (
	"context"
	"fmt"

	"skranke/auth"
	"skranke/chat"
	"skranke/store"
)

// Request is what every request that changes a conversation has.
type Request struct {
	// ClientMsgID, when set, makes the request idempotent: a retry with
	// the same id (per author and conversation) stores nothing new and
	// returns the original event. Required for messages.
	ClientMsgID string
	// Committed, if set, is called with the stored event once it is
	// committed and before it is published: a transport acknowledges its
	// sender there, so the answer reaches the sender before the event.
	Committed func(chat.Event)
}

// SendRequest is a message to send.
type SendRequest struct {
	Request
	Text    string
	Private bool // visible to agents only (agents only)
	// AttachmentIDs are the files the message carries (at most
	// chat.MaxAttachments), each uploaded to the chat by the sender and not
	// sent before (Upload). A message may be files without text.
	AttachmentIDs []chat.AttachmentID
}

// InviteRequest invites a named agent (AgentID) or any available agent of
// a queue (QueueID) into a chat, with an optional note.
type InviteRequest struct {
	Request
	AgentID chat.UserID
	QueueID chat.QueueID
	Note    string
}

// author is who the actor is as the author of an event. A customer's name
// is filled in by the chat's rules from the conversation.
func author(a auth.Actor) (chat.Participant, error) {
	switch {
	case a.User != nil:
		return chat.Participant{Role: chat.PartyAgent, ID: string(a.User.ID), Name: a.User.DisplayName}, nil
	case a.Customer != nil:
		return chat.Participant{Role: chat.PartyCustomer, ID: string(a.Customer.ID)}, nil
	}
	return chat.Participant{}, chat.E(chat.EUnauthenticated, "login_required", "Please log in.")
}

// authorIn is who the actor is as the author of an event in conversation
// id: as author has it, but a customer vouched for as the subject of the
// chat's customer (the same person on another device, R6) writes as the
// chat's customer, whose chat it is.
func (s *Service) authorIn(ctx context.Context, a auth.Actor, id chat.ConversationID) (chat.Participant, error) {
	p, err := author(a)
	if err != nil || a.Customer == nil || a.Customer.Subject == "" {
		return p, err
	}
	c, err := s.customerConversation(ctx, a, id)
	if err != nil {
		return chat.Participant{}, err
	}
	p.ID = string(c.CustomerID)
	return p, nil
}

// agent returns the actor's user, or forbidden for a customer.
func agent(a auth.Actor, what string) (*chat.User, error) {
	if a.User == nil {
		if a.Customer == nil {
			return nil, chat.E(chat.EUnauthenticated, "login_required", "Please log in.")
		}
		return nil, chat.E(chat.EForbidden, "agents_only", "Only agents can {action}.", "action", what)
	}
	return a.User, nil
}

// write appends e to conversation id as the actor. A conversation an
// agent may not see is not_found, whether or not it exists.
func (s *Service) write(ctx context.Context, a auth.Actor, id chat.ConversationID, r Request, e chat.Event) (chat.Event, error) {
	if err := checkConversationID(id); err != nil {
		return chat.Event{}, err
	}
	p, err := s.authorIn(ctx, a, id)
	if err != nil {
		return chat.Event{}, err
	}
	e.ConversationID, e.Author, e.ClientMsgID = id, p, r.ClientMsgID
	stored, err := s.append(ctx, e, r.Committed)
	if err != nil && a.User != nil {
		switch chat.ErrorCode(err) {
		case chat.ENotFound:
			return chat.Event{}, errNoChat
		case chat.EConflict, chat.EForbidden:
			// Whether the chat exists, or what state it is in, is not the
			// business of an agent who may not see it.
			if s.stranger(ctx, a.User, id) {
				return chat.Event{}, errNoChat
			}
		}
	}
	return stored, err
}

var errNoChat = chat.E(chat.ENotFound, "chat_not_found", "No such chat.")

// checkConversationID refuses a missing or malformed conversation id
// before anything looks it up.
func checkConversationID(id chat.ConversationID) error {
	if id == "" {
		return chat.E(chat.EInvalid, "conversation_id_required", "conversationId is required.")
	}
	return chat.CheckID(string(id), "conversationId")
}

// orRetried answers a request that a check before the store refused: if
// the request is a retry of one already stored (its client message id is
// known), the original event is the answer, acknowledged and announced
// again as a retry of any other request is; otherwise err is.
func (s *Service) orRetried(ctx context.Context, a auth.Actor, id chat.ConversationID, r Request, err error) (chat.Event, error) {
	if r.ClientMsgID == "" {
		return chat.Event{}, err
	}
	p, aerr := s.authorIn(ctx, a, id)
	if aerr != nil {
		return chat.Event{}, err
	}
	orig, ok, lerr := s.st.EventByClientMsgID(ctx, store.MsgKey{Conversation: id, Author: p.ID, ClientMsgID: r.ClientMsgID})
	if lerr != nil || !ok {
		return chat.Event{}, err
	}
	if r.Committed != nil {
		r.Committed(orig)
	}
	s.publish(ctx, orig)
	return orig, nil
}

// Send sends a message in conversation id, as its customer or as an agent
// in it; a private message is visible to agents only.
func (s *Service) Send(ctx context.Context, a auth.Actor, id chat.ConversationID, r SendRequest) (chat.Event, error) {
	if r.ClientMsgID == "" {
		return chat.Event{}, chat.E(chat.EInvalid, "client_msg_id_required", "clientMsgId is required.")
	}
	vis := chat.VisibleAll
	if r.Private {
		if a.User == nil {
			return chat.Event{}, chat.E(chat.EForbidden, "private_agents_only", "Only agents can send private messages.")
		}
		vis = chat.VisibleAgents
	}
	e := chat.Event{Kind: chat.KindMessage, Visibility: vis, Text: r.Text}
	if len(r.AttachmentIDs) > 0 {
		m := chat.Message{Attachments: make([]chat.AttachmentRef, len(r.AttachmentIDs))}
		for i, id := range r.AttachmentIDs {
			m.Attachments[i].ID = id
		}
		e.Data = m
	}
	return s.write(ctx, a, id, r.Request, e)
}

// End ends conversation id, as its customer or as an agent in it.
func (s *Service) End(ctx context.Context, a auth.Actor, id chat.ConversationID, r Request) (chat.Event, error) {
	return s.write(ctx, a, id, r, chat.Event{Kind: chat.KindEnded, Data: chat.Ended{}})
}

// Accept accepts the open offer of conversation id to the agent, or the
// invitation to it: the chat's rules know which is open to whom.
func (s *Service) Accept(ctx context.Context, a auth.Actor, id chat.ConversationID, r Request) (chat.Event, error) {
	u, err := agent(a, "accept")
	if err != nil {
		return chat.Event{}, err
	}
	// A transfer's acceptance takes the transferring agent out; what the
	// chat was before tells whether this is one.
	var before chat.Conversation
	if checkConversationID(id) == nil {
		before, _ = s.st.Conversation(ctx, id)
	}
	e, err := s.write(ctx, a, id, r, chat.Event{Kind: chat.KindAgentJoined,
		Data: chat.AgentJoined{AgentRef: chat.AgentRef{AgentID: u.ID, AgentName: u.DisplayName}}})
	if err == nil {
		s.completeTransfer(ctx, before, u.ID)
	}
	return e, err
}

// Reject rejects the open offer of conversation id to the agent, or the
// invitation to it.
func (s *Service) Reject(ctx context.Context, a auth.Actor, id chat.ConversationID, r Request) (chat.Event, error) {
	u, err := agent(a, "reject")
	if err != nil {
		return chat.Event{}, err
	}
	ref := chat.AgentRef{AgentID: u.ID, AgentName: u.DisplayName}
	e := chat.Event{Kind: chat.KindOfferDeclined,
		Data: chat.OfferDeclined{AgentRef: ref, Reason: chat.ReasonRejected}}
	if err := checkConversationID(id); err != nil {
		return chat.Event{}, err
	}
	c, err := s.st.Conversation(ctx, id)
	switch {
	case chat.ErrorCode(err) == chat.ENotFound:
		return chat.Event{}, errNoChat
	case err != nil:
		return chat.Event{}, fmt.Errorf("reject: %w", err)
	case c.Invitation != nil && c.Invitation.AgentID == u.ID:
		e.Kind, e.Data = chat.KindInvitationDeclined, chat.InvitationDeclined{AgentRef: ref, Reason: chat.ReasonRejected}
	}
	return s.write(ctx, a, id, r, e)
}

// Leave takes the agent out of conversation id. A chat left without agents
// and without a pending invitation goes back to the front of its queue (the
// router requeues it).
func (s *Service) Leave(ctx context.Context, a auth.Actor, id chat.ConversationID, r Request) (chat.Event, error) {
	u, err := agent(a, "leave")
	if err != nil {
		return chat.Event{}, err
	}
	return s.write(ctx, a, id, r, chat.Event{Kind: chat.KindAgentLeft,
		Data: chat.AgentLeft{AgentRef: chat.AgentRef{AgentID: u.ID, AgentName: u.DisplayName}, Reason: chat.ReasonLeft}})
}

// Withdraw takes back the pending invitation of conversation id, as an
// agent in it.
func (s *Service) Withdraw(ctx context.Context, a auth.Actor, id chat.ConversationID, r Request) (chat.Event, error) {
	u, err := agent(a, "withdraw")
	if err != nil {
		return chat.Event{}, err
	}
	c, err := s.memberConversation(ctx, u, id)
	if err != nil {
		return s.orRetried(ctx, a, id, r, err)
	}
	if c.Invitation == nil {
		return s.orRetried(ctx, a, id, r, chat.E(chat.EConflict, "no_invitation_pending", "No invitation is pending."))
	}
	d := chat.InvitationDeclined{AgentRef: chat.AgentRef{AgentID: c.Invitation.AgentID}, Reason: chat.ReasonWithdrawn}
	if d.AgentID != "" {
		if invitee, err := s.st.User(ctx, d.AgentID); err == nil {
			d.AgentName = invitee.DisplayName
		}
	}
	return s.write(ctx, a, id, r, chat.Event{Kind: chat.KindInvitationDeclined, Data: d})
}

// Invite invites a named agent or an available agent of a queue into
// conversation id, as an agent in it. The invitee must be able to take it
// now; the chat's rules (one pending invitation, not already in the chat)
// are checked again when it is stored.
func (s *Service) Invite(ctx context.Context, a auth.Actor, id chat.ConversationID, r InviteRequest) (chat.Event, error) {
	u, err := agent(a, "invite")
	if err != nil {
		return chat.Event{}, err
	}
	if s.opts.Invitations == nil {
		return chat.Event{}, chat.E(chat.EUnavailable, "inviting_unavailable", "Inviting is not available.")
	}
	e, err := s.invitation(ctx, u, id, r)
	if err != nil {
		return s.orRetried(ctx, a, id, r.Request, err)
	}
	return s.write(ctx, a, id, r.Request, e)
}

// invitation checks an invitation and builds its event.
func (s *Service) invitation(ctx context.Context, u *chat.User, id chat.ConversationID, r InviteRequest) (chat.Event, error) {
	c, err := s.memberConversation(ctx, u, id)
	if err != nil {
		return chat.Event{}, err
	}
	if c.Invitation != nil {
		return chat.Event{}, chat.E(chat.EConflict, "invitation_pending", "An invitation is already pending; withdraw it or wait for the answer.")
	}
	d := chat.Invited{ExpiresAt: s.opts.Now().Add(s.opts.InviteTimeout)}
	switch {
	case r.AgentID != "" && r.QueueID != "":
		return chat.Event{}, chat.E(chat.EInvalid, "invite_both_targets", "Invite either an agent or a queue, not both.")
	case r.AgentID != "":
		invitee, err := s.invitee(ctx, c, r.AgentID)
		if err != nil {
			return chat.Event{}, err
		}
		d.AgentRef = chat.AgentRef{AgentID: invitee.ID, AgentName: invitee.DisplayName}
	case r.QueueID != "":
		q, err := s.targetQueue(ctx, r.QueueID)
		if err != nil {
			return chat.Event{}, err
		}
		pick, err := s.opts.Invitations.PickAgent(ctx, q.ID, c.Agents)
		if err != nil {
			return chat.Event{}, err
		}
		if pick == "" {
			return chat.Event{}, chat.E(chat.EConflict, "queue_nobody_available", "Nobody in {queue} can take an invitation right now.", "queue", q.Name)
		}
		invitee, err := s.st.User(ctx, pick)
		if err != nil {
			return chat.Event{}, fmt.Errorf("invite: %w", err)
		}
		d.AgentRef, d.QueueID = chat.AgentRef{AgentID: invitee.ID, AgentName: invitee.DisplayName}, q.ID
	default:
		return chat.Event{}, chat.E(chat.EInvalid, "invite_target_required", "Choose an agent or a queue to invite.")
	}
	return chat.Event{Kind: chat.KindInvited, Text: r.Note, Data: d}, nil
}

// invitee returns agent id, whom an agent in chat c invites or transfers
// it to: an existing user, not in the chat, who can take it now.
func (s *Service) invitee(ctx context.Context, c chat.Conversation, id chat.UserID) (chat.User, error) {
	if err := chat.CheckID(string(id), "agentId"); err != nil {
		return chat.User{}, err
	}
	u, err := s.st.User(ctx, id)
	if chat.ErrorCode(err) == chat.ENotFound {
		return chat.User{}, chat.E(chat.EInvalid, "agent_not_found", "No such agent.")
	} else if err != nil {
		return chat.User{}, fmt.Errorf("invitee: %w", err)
	}
	if c.HasAgent(u.ID) {
		if u.DisplayName == "" {
			return chat.User{}, chat.E(chat.EConflict, "invitee_in_chat_unnamed", "That agent is already in this chat.")
		}
		return chat.User{}, chat.E(chat.EConflict, "invitee_in_chat", "{name} is already in this chat.", "name", u.DisplayName)
	}
	if err := s.opts.Invitations.Invitable(ctx, u.ID); err != nil {
		return chat.User{}, err
	}
	return u, nil
}

// targetQueue returns queue id, which an invitation or a transfer names.
func (s *Service) targetQueue(ctx context.Context, id chat.QueueID) (chat.Queue, error) {
	if err := chat.CheckID(string(id), "queueId"); err != nil {
		return chat.Queue{}, err
	}
	q, err := s.st.Queue(ctx, id)
	if chat.ErrorCode(err) == chat.ENotFound || (err == nil && !q.RemovedAt.IsZero()) {
		return chat.Queue{}, chat.E(chat.EInvalid, "queue_not_found", "No such queue.")
	} else if err != nil {
		return chat.Queue{}, fmt.Errorf("queue: %w", err)
	}
	return q, nil
}

// Typing announces that the actor is typing in conversation id; private
// typing is seen by agents only. Notices are throttled to one per author
// and conversation per TypingInterval; the others are dropped silently.
func (s *Service) Typing(ctx context.Context, a auth.Actor, id chat.ConversationID, private bool) error {
	if err := checkConversationID(id); err != nil {
		return err
	}
	p, err := s.authorIn(ctx, a, id)
	if err != nil {
		return err
	}
	vis := chat.VisibleAll
	if private {
		if a.User == nil {
			return chat.E(chat.EForbidden, "private_typing_agents_only", "Only agents can type privately.")
		}
		vis = chat.VisibleAgents
	}
	if !s.allowTyping(id, p.ID) {
		return nil
	}
	if a.Customer != nil {
		c, err := s.customerConversation(ctx, a, id)
		if err != nil {
			return err
		}
		p.Name = c.CustomerName
	} else if _, err := s.memberConversation(ctx, a.User, id); err != nil {
		return err
	}
	s.publish(ctx, chat.Event{ConversationID: id, Kind: chat.KindTyping, Time: s.opts.Now(), Visibility: vis, Author: p})
	return nil
}

// allowTyping reports whether a typing notice by author in conversation id
// may go out now, at most one per TypingInterval.
func (s *Service) allowTyping(id chat.ConversationID, author string) bool {
	now := s.opts.Now()
	k := typingKey{id, author}
	s.typingMu.Lock()
	defer s.typingMu.Unlock()
	if now.Sub(s.typingLast[k]) < s.opts.TypingInterval {
		return false
	}
	s.typingLast[k] = now
	if len(s.typingLast) > 10000 {
		for k, t := range s.typingLast {
			if now.Sub(t) > s.opts.TypingInterval {
				delete(s.typingLast, k)
			}
		}
	}
	return true
}

// SetStatus sets the agent's status and active profile, and announces it
// to the router and the agent's other sessions.
func (s *Service) SetStatus(ctx context.Context, a auth.Actor, status chat.AgentStatus, profile chat.ProfileID) (chat.AgentState, error) {
	u, err := agent(a, "set a status")
	if err != nil {
		return chat.AgentState{}, err
	}
	switch status {
	case chat.StatusReady, chat.StatusPaused:
	default:
		return chat.AgentState{}, chat.E(chat.EInvalid, "status_invalid", "Status must be ready or paused.")
	}
	if profile != "" {
		if err := chat.CheckID(string(profile), "profileId"); err != nil {
			return chat.AgentState{}, err
		}
		if _, err := s.st.Profile(ctx, profile); chat.ErrorCode(err) == chat.ENotFound {
			return chat.AgentState{}, chat.E(chat.EInvalid, "profile_not_found", "No such profile.")
		} else if err != nil {
			return chat.AgentState{}, fmt.Errorf("status: %w", err)
		}
		// The user as stored now: an administrator may have changed the
		// profiles they may use since their session began.
		cur, err := s.st.User(ctx, u.ID)
		if err != nil {
			return chat.AgentState{}, fmt.Errorf("status: %w", err)
		}
		if !cur.MayUse(profile) {
			return chat.AgentState{}, chat.E(chat.EForbidden, "profile_not_allowed",
				"You may not work in profile {profile}; ask an administrator.", "profile", profile)
		}
	} else if status == chat.StatusReady {
		return chat.AgentState{}, chat.E(chat.EInvalid, "profile_required", "Choose a profile before you get ready.")
	}
	state, err := s.st.SetAgentState(ctx, chat.AgentState{UserID: u.ID, Status: status, ProfileID: profile})
	if err != nil {
		return chat.AgentState{}, fmt.Errorf("status: %w", err)
	}
	s.publish(ctx, chat.Event{
		Kind: chat.KindAgentStatus, Time: state.UpdatedAt, Visibility: chat.VisibleAgents,
		Data: chat.AgentStatusChange{AgentRef: chat.AgentRef{AgentID: u.ID, AgentName: u.DisplayName},
			Status: state.Status, ProfileID: state.ProfileID},
	})
	return state, nil
}
