package realtime

import (
	"context"
	"fmt"
	"time"

	"skranke/chat"
)

// handle carries out one client frame after hello. The returned error is
// sent to the client; the connection goes on.
func (s *session) handle(ctx context.Context, f inFrame) error {
	ctx, cancel := context.WithTimeout(ctx, s.hub.opts.RequestTimeout)
	defer cancel()
	switch f.Type {
	case "send":
		return s.handleSend(ctx, f)
	case "typing":
		return s.handleTyping(ctx, f)
	case "end":
		return s.appendAndAck(ctx, f, chat.Event{Kind: chat.KindEnded})
	case "accept", "reject", "status", "invite", "withdraw", "leave":
		if s.user == nil {
			return chat.Errorf(chat.EForbidden, "Only agents can %s.", f.Type)
		}
		me := s.user.ID
		switch f.Type {
		case "accept":
			// One event accepts an offer or an invitation: the chat's rules
			// know which is open to this agent.
			return s.appendAndAck(ctx, f, chat.Event{Kind: chat.KindAgentJoined, AgentID: me, AgentName: s.user.DisplayName})
		case "reject":
			kind := chat.KindOfferDeclined
			if c, err := s.hub.opts.Store.Conversation(ctx, f.ConversationID); err == nil && c.Invitation != nil && c.Invitation.AgentID == me {
				kind = chat.KindInvitationDeclined
			}
			return s.appendAndAck(ctx, f, chat.Event{Kind: kind, AgentID: me, AgentName: s.user.DisplayName, Reason: chat.ReasonRejected})
		case "invite":
			return s.handleInvite(ctx, f)
		case "withdraw":
			c, err := s.agentConversation(ctx, f.ConversationID)
			if err != nil {
				return err
			}
			if c.Invitation == nil {
				return chat.Errorf(chat.EConflict, "No invitation is pending.")
			}
			e := chat.Event{Kind: chat.KindInvitationDeclined, AgentID: c.Invitation.AgentID, Reason: chat.ReasonWithdrawn}
			if e.AgentID != "" {
				if u, err := s.hub.opts.Store.User(ctx, e.AgentID); err == nil {
					e.AgentName = u.DisplayName
				}
			}
			return s.appendAndAck(ctx, f, e)
		case "leave":
			return s.appendAndAck(ctx, f, chat.Event{Kind: chat.KindAgentLeft, AgentID: me, AgentName: s.user.DisplayName, Reason: chat.ReasonLeft})
		default:
			return s.handleStatus(ctx, f)
		}
	case "hello":
		return chat.Errorf(chat.EInvalid, "Hello was already received.")
	}
	return chat.Errorf(chat.EInvalid, "Unknown frame type %q.", f.Type)
}

// author is the session's party as the author of an event.
func (s *session) author() chat.Participant {
	if s.user != nil {
		return chat.Participant{Role: chat.PartyAgent, ID: string(s.user.ID), Name: s.user.DisplayName}
	}
	return chat.Participant{Role: chat.PartyCustomer, ID: string(s.customer.ID), Name: s.conv.CustomerName}
}

// checkConversation refuses a conversation id a customer session does not
// hold. (For agents the store's rules decide: only members may write.)
func (s *session) checkConversation(id chat.ConversationID) error {
	if id == "" {
		return chat.Errorf(chat.EInvalid, "conversationId is required.")
	}
	if s.customer != nil && id != s.conv.ID {
		return chat.Errorf(chat.ENotFound, "No such chat.")
	}
	return nil
}

func (s *session) handleSend(ctx context.Context, f inFrame) error {
	if f.ClientMsgID == "" {
		return chat.Errorf(chat.EInvalid, "clientMsgId is required.")
	}
	vis := chat.VisibleAll
	if f.Private {
		if s.user == nil {
			return chat.Errorf(chat.EForbidden, "Only agents can send private messages.")
		}
		vis = chat.VisibleAgents
	}
	return s.appendAndAck(ctx, f, chat.Event{Kind: chat.KindMessage, Visibility: vis, Text: f.Text, ClientMsgID: f.ClientMsgID})
}

// appendAndAck stores e in f's conversation as the session's party,
// acknowledges it once committed, and announces it.
func (s *session) appendAndAck(ctx context.Context, f inFrame, e chat.Event) error {
	if f.RequestID == "" {
		return chat.Errorf(chat.EInvalid, "requestId is required.")
	}
	if err := s.checkConversation(f.ConversationID); err != nil {
		return err
	}
	e.ConversationID = f.ConversationID
	e.Author = s.author()
	res, err := s.hub.opts.Store.AppendEvent(ctx, e)
	if err != nil {
		if s.user != nil && chat.ErrorCode(err) == chat.ENotFound {
			return chat.Errorf(chat.ENotFound, "No such chat.")
		}
		return err
	}
	s.reply(ackFrame{Type: "ack", RequestID: f.RequestID, ConversationID: res.Event.ConversationID, Seq: res.Event.Seq, ClientMsgID: f.ClientMsgID})
	// A retry is published again: the first announcement may have been lost
	// with a crash, and receivers drop what they already have by Seq.
	s.hub.publish(context.WithoutCancel(ctx), res.Event)
	return nil
}

func (s *session) handleTyping(ctx context.Context, f inFrame) error {
	if err := s.checkConversation(f.ConversationID); err != nil {
		return err
	}
	if s.user != nil && !s.subscribed(f.ConversationID) {
		return chat.Errorf(chat.ENotFound, "No such chat.")
	}
	vis := chat.VisibleAll
	if f.Private {
		if s.user == nil {
			return chat.Errorf(chat.EForbidden, "Only agents can type privately.")
		}
		vis = chat.VisibleAgents
	}
	author := s.author()
	if !s.hub.allowTyping(f.ConversationID, author.ID) {
		return nil
	}
	s.hub.publish(ctx, chat.Event{ConversationID: f.ConversationID, Kind: chat.KindTyping, Time: time.Now(), Visibility: vis, Author: author})
	return nil
}

func (s *session) handleStatus(ctx context.Context, f inFrame) error {
	if f.RequestID == "" {
		return chat.Errorf(chat.EInvalid, "requestId is required.")
	}
	st := s.hub.opts.Store
	switch f.Status {
	case chat.StatusReady, chat.StatusPaused:
	default:
		return chat.Errorf(chat.EInvalid, "Status must be ready or paused.")
	}
	if f.ProfileID != "" {
		if _, err := st.Profile(ctx, f.ProfileID); chat.ErrorCode(err) == chat.ENotFound {
			return chat.Errorf(chat.EInvalid, "No such profile.")
		} else if err != nil {
			return fmt.Errorf("status: %w", err)
		}
	} else if f.Status == chat.StatusReady {
		return chat.Errorf(chat.EInvalid, "Choose a profile before you get ready.")
	}
	state, err := st.SetAgentState(ctx, chat.AgentState{UserID: s.user.ID, Status: f.Status, ProfileID: f.ProfileID})
	if err != nil {
		return fmt.Errorf("status: %w", err)
	}
	s.reply(ackFrame{Type: "ack", RequestID: f.RequestID, State: &state})
	s.hub.publish(context.WithoutCancel(ctx), chat.Event{
		Kind: chat.KindAgentStatus, Time: state.UpdatedAt, Visibility: chat.VisibleAgents,
		AgentID: s.user.ID, Status: state.Status, ProfileID: state.ProfileID,
	})
	return nil
}

// agentConversation reads a conversation the agent is in, or not_found.
func (s *session) agentConversation(ctx context.Context, id chat.ConversationID) (chat.Conversation, error) {
	if id == "" {
		return chat.Conversation{}, chat.Errorf(chat.EInvalid, "conversationId is required.")
	}
	c, err := s.hub.opts.Store.Conversation(ctx, id)
	if err != nil {
		return chat.Conversation{}, err
	}
	if !c.HasAgent(s.user.ID) {
		return chat.Conversation{}, chat.Errorf(chat.ENotFound, "No such chat.")
	}
	return c, nil
}

// handleInvite invites a named agent (agentId) or an available agent of a
// queue (queueId) into the chat, with an optional note. The invitee must be
// able to take it now; the chat's rules (one pending invitation, not
// already in the chat) are checked again when it is stored.
func (s *session) handleInvite(ctx context.Context, f inFrame) error {
	inv := s.hub.opts.Invitations
	if inv == nil {
		return chat.Errorf(chat.EUnavailable, "Inviting is not available.")
	}
	c, err := s.agentConversation(ctx, f.ConversationID)
	if err != nil {
		return err
	}
	if c.Invitation != nil {
		return chat.Errorf(chat.EConflict, "An invitation is already pending; withdraw it or wait for the answer.")
	}
	st := s.hub.opts.Store
	e := chat.Event{Kind: chat.KindInvited, Text: f.Note, ExpiresAt: time.Now().Add(s.hub.opts.InviteTimeout)}
	switch {
	case f.AgentID != "" && f.QueueID != "":
		return chat.Errorf(chat.EInvalid, "Invite either an agent or a queue, not both.")
	case f.AgentID != "":
		u, err := st.User(ctx, f.AgentID)
		if chat.ErrorCode(err) == chat.ENotFound {
			return chat.Errorf(chat.EInvalid, "No such agent.")
		} else if err != nil {
			return fmt.Errorf("invite: %w", err)
		}
		if c.HasAgent(u.ID) {
			return chat.Errorf(chat.EConflict, "%s is already in this chat.", u.DisplayName)
		}
		if err := inv.Invitable(ctx, u.ID); err != nil {
			return err
		}
		e.AgentID, e.AgentName = u.ID, u.DisplayName
	case f.QueueID != "":
		q, err := st.Queue(ctx, f.QueueID)
		if chat.ErrorCode(err) == chat.ENotFound {
			return chat.Errorf(chat.EInvalid, "No such queue.")
		} else if err != nil {
			return fmt.Errorf("invite: %w", err)
		}
		id, err := inv.PickAgent(ctx, q.ID, c.Agents)
		if err != nil {
			return err
		}
		if id == "" {
			return chat.Errorf(chat.EConflict, "Nobody in %s can take an invitation right now.", q.Name)
		}
		u, err := st.User(ctx, id)
		if err != nil {
			return fmt.Errorf("invite: %w", err)
		}
		e.AgentID, e.AgentName, e.QueueID = u.ID, u.DisplayName, q.ID
	default:
		return chat.Errorf(chat.EInvalid, "Choose an agent or a queue to invite.")
	}
	return s.appendAndAck(ctx, f, e)
}
