package conversation

import (
	"context"

	"skranke/auth"
	"skranke/chat"
)

// Transfers (R18). An agent in a chat hands it to a named agent or to a
// queue with a note. The transfer is the chat's one pending invitation,
// marked as a transfer: the named agent is offered it at once; a queue's
// agents are offered it by the router in routing order, by the time the
// customer first waited, until TransferTimeout. The transferring agent stays
// in the chat meanwhile, so it is never without an agent; when the receiver
// accepts, the transferring agent leaves (reason transferred); when nobody
// does, the end of the invitation tells the agent, who keeps the chat.

// TransferRequest hands a chat to a named agent (AgentID) or to a queue
// (QueueID), with an optional note for the receiver.
type TransferRequest struct {
	Request
	AgentID chat.UserID
	QueueID chat.QueueID
	Note    string
}

// Transfer transfers conversation id, as an agent in it. A named agent must
// be able to take it now; a queue must exist (its agents need not be free:
// the transfer waits there like a chat).
func (s *Service) Transfer(ctx context.Context, a auth.Actor, id chat.ConversationID, r TransferRequest) (chat.Event, error) {
	u, err := agent(a, "transfer")
	if err != nil {
		return chat.Event{}, err
	}
	if s.opts.Invitations == nil {
		return chat.Event{}, chat.E(chat.EUnavailable, "transferring_unavailable", "Transferring is not available.")
	}
	e, err := s.transfer(ctx, u, id, r)
	if err != nil {
		return s.orRetried(ctx, a, id, r.Request, err)
	}
	return s.write(ctx, a, id, r.Request, e)
}

// transfer checks a transfer and builds its event.
func (s *Service) transfer(ctx context.Context, u *chat.User, id chat.ConversationID, r TransferRequest) (chat.Event, error) {
	c, err := s.memberConversation(ctx, u, id)
	if err != nil {
		return chat.Event{}, err
	}
	if c.Invitation != nil {
		return chat.Event{}, chat.E(chat.EConflict, "invitation_pending", "An invitation is already pending; withdraw it or wait for the answer.")
	}
	d := chat.Transferred{Note: r.Note}
	switch {
	case r.AgentID != "" && r.QueueID != "":
		return chat.Event{}, chat.E(chat.EInvalid, "transfer_both_targets", "Transfer to either an agent or a queue, not both.")
	case r.AgentID != "":
		to, err := s.invitee(ctx, c, r.AgentID)
		if err != nil {
			return chat.Event{}, err
		}
		d.AgentRef = chat.AgentRef{AgentID: to.ID, AgentName: to.DisplayName}
		d.ExpiresAt = s.opts.Now().Add(s.opts.InviteTimeout)
	case r.QueueID != "":
		q, err := s.targetQueue(ctx, r.QueueID)
		if err != nil {
			return chat.Event{}, err
		}
		d.QueueID = q.ID
		d.ExpiresAt = s.opts.Now().Add(s.opts.TransferTimeout)
	default:
		return chat.Event{}, chat.E(chat.EInvalid, "transfer_target_required", "Choose an agent or a queue to transfer to.")
	}
	return chat.Event{Kind: chat.KindTransferred, Data: d}, nil
}

// completeTransfer takes the transferring agent out of the chat once the
// receiver accepted the transfer (before is the chat as it was before the
// acceptance). The chat is never without an agent: the receiver is in it
// first. If the leaving cannot be stored, the transferring agent stays in
// the chat and may leave it by hand; nothing is lost.
func (s *Service) completeTransfer(ctx context.Context, before chat.Conversation, receiver chat.UserID) {
	inv := before.Invitation
	if inv == nil || !inv.Transfer || inv.AgentID != receiver || !before.HasAgent(inv.InvitedBy) {
		return
	}
	ref := chat.AgentRef{AgentID: inv.InvitedBy}
	if u, err := s.st.User(ctx, inv.InvitedBy); err == nil {
		ref.AgentName = u.DisplayName
	}
	_, err := s.append(context.WithoutCancel(ctx), chat.Event{
		ConversationID: before.ID,
		Kind:           chat.KindAgentLeft,
		Author:         chat.System,
		Data:           chat.AgentLeft{AgentRef: ref, Reason: chat.ReasonTransferred},
	}, nil)
	if err != nil && chat.ErrorCode(err) != chat.EConflict {
		s.log.Error("transfer: the transferring agent stays in the chat", "conversation", before.ID, "agent", inv.InvitedBy, "err", err)
	}
}
