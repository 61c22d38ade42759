package routing

import (
	"context"
	"slices"
	"time"

	"skranke/chat"
)

// Transfers (R18). A transfer to a named agent is an invitation like any
// other (invitation.go): offered at once, expiring after its time. A
// transfer to a queue is routed like a waiting chat of that queue: plan
// puts it among the queue's waiting chats in routing order — by its
// priority, the queue's priority and the time the customer first waited
// (QueuedAt, kept by the chat through its life) — and offers it to the best
// eligible agent, as an invited event. Each agent of the queue is offered it
// once; one who declines is not asked again. When the transfer's Until has
// passed with no offer open, the router gives it up (invitation_declined,
// reason unavailable): the transferring agent, who stayed in the chat, is
// told and keeps it. The receiver's acceptance is followed by the
// transferring agent's leaving, which the conversation layer appends.

// transferDue says a transfer to a queue may have reached its Until.
type transferDue struct{}

// routeQueue returns the queue cv is routed in now and whether that is as
// a transfer: the target of its transfer while one looks for an agent, else
// its own queue.
func routeQueue(cv *conv) (chat.QueueID, bool) {
	if seeking(cv.c) {
		return cv.c.Invitation.QueueID, true
	}
	return cv.c.QueueID, false
}

// seeking reports whether c has a transfer to a queue that waits for its
// next agent.
func seeking(c chat.Conversation) bool {
	inv := c.Invitation
	return c.Status == chat.StatusActive && inv != nil && inv.Transfer && inv.QueueID != "" && inv.AgentID == ""
}

// withTransfers adds to waiting the chats whose transfer to a queue looks
// for an agent and has not given up by now, and sorts them together in
// routing order.
func (s *state) withTransfers(waiting []*conv, now time.Time) []*conv {
	n := len(waiting)
	for _, cv := range s.inviting {
		if seeking(cv.c) && now.Before(cv.c.Invitation.Until) {
			waiting = append(waiting, cv)
		}
	}
	if len(waiting) > n {
		slices.SortFunc(waiting, s.dispatchOrder)
	}
	return waiting
}

// giveUpTransfers ends every transfer to a queue whose time is up and that
// has no open offer: the chat stays with the transferring agent.
func (s *state) giveUpTransfers(ctx context.Context, now time.Time) {
	// Every dispatch comes here: only the transfers that are due are
	// sorted, not every chat. An append changes only its own chat, so
	// what is due stays due through the loop.
	due := sortedWhere(s.inviting, func(cv *conv) bool { return seeking(cv.c) && !now.Before(cv.c.Invitation.Until) })
	for _, cv := range due {
		if _, err := s.append(ctx, chat.Event{
			ConversationID: cv.c.ID,
			Kind:           chat.KindInvitationDeclined,
			Author:         chat.System,
			Data:           chat.InvitationDeclined{QueueID: cv.c.Invitation.QueueID, Reason: chat.ReasonUnavailable},
		}); err == nil {
			s.requeueOrphan(ctx, cv.c.ID, chat.ReasonLeft) // if the transferring agent left meanwhile
		}
	}
}

// armTransfer starts the timer of cv's transfer to a queue while it looks
// for an agent: at its Until, the router gives it up if still nobody holds
// it.
func (s *state) armTransfer(cv *conv, c chat.Conversation, now time.Time) {
	if !s.leading || !seeking(c) {
		return
	}
	cv.invExpiry = time.AfterFunc(max(c.Invitation.Until.Sub(now), 0), func() { s.r.post(transferDue{}) })
}
