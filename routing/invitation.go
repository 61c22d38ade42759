package routing

import (
	"context"
	"slices"
	"strings"
	"time"

	"skranke/chat"
)

// Invitations (R10) use the offer mechanism towards the invitee: the
// invitation counts in the invitee's load, expires after OfferTimeout (a
// miss, as for offers), is declined when the invitee goes offline, and a
// queue invitation that is declined goes to the next available agent of the
// queue. The inviter's node appends the first "invited" (choosing the
// invitee of a queue invitation with PickAgent); the router appends what
// follows.

// invitationExpired says the invitation of conv offered to agent at
// offeredAt is due.
type invitationExpired struct {
	conv      chat.ConversationID
	agent     chat.UserID
	offeredAt time.Time
}

// armInvitation starts the timer of cv's invitation offer, if any.
func (s *state) armInvitation(cv *conv, c chat.Conversation, now time.Time) {
	if cv.invExpiry != nil {
		cv.invExpiry.Stop()
		cv.invExpiry = nil
	}
	inv := c.Invitation
	if seeking(c) {
		s.armTransfer(cv, c, now)
		return
	}
	if !s.leading || inv == nil || inv.AgentID == "" || c.Status == chat.StatusEnded {
		return
	}
	msg := invitationExpired{conv: c.ID, agent: inv.AgentID, offeredAt: inv.OfferedAt}
	cv.invExpiry = time.AfterFunc(max(inv.ExpiresAt.Sub(now), 0), func() { s.r.post(msg) })
}

func sameInvitation(a, b *chat.Invitation) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.AgentID == b.AgentID && a.OfferedAt.Equal(b.OfferedAt)
}

// expireInvitation declines an invitation whose time is up and counts the
// miss, as for an offer.
func (s *state) expireInvitation(ctx context.Context, m invitationExpired) {
	cv := s.convs[m.conv]
	if cv == nil || cv.c.Invitation == nil || cv.c.Invitation.AgentID != m.agent || !cv.c.Invitation.OfferedAt.Equal(m.offeredAt) {
		return // answered meanwhile
	}
	a := s.agent(m.agent)
	if _, err := s.declineInvitation(ctx, cv, a, chat.ReasonExpired); err != nil {
		return
	}
	a.misses++
	if a.misses >= s.opts.MaxMissedOffers {
		s.pause(ctx, a)
	}
}

func (s *state) declineInvitation(ctx context.Context, cv *conv, a *agent, reason string) (bool, error) {
	_, err := s.append(ctx, chat.Event{
		ConversationID: cv.c.ID,
		Kind:           chat.KindInvitationDeclined,
		Author:         chat.System,
		Data:           chat.InvitationDeclined{AgentRef: chat.AgentRef{AgentID: a.id, AgentName: a.user.DisplayName}, Reason: reason},
	})
	if err != nil {
		return false, err
	}
	s.requeueOrphan(ctx, cv.c.ID, chat.ReasonLeft)
	return true, nil
}

// dispatchInvitations offers each queue invitation that has no invitee to
// the best available agent of its queue, or gives it up when there is none.
func (s *state) dispatchInvitations(ctx context.Context) {
	s.giveUpTransfers(ctx, time.Now())
	var todo []*conv
	for _, cv := range s.inviting {
		if inv := cv.c.Invitation; inv != nil && !inv.Transfer && inv.AgentID == "" && inv.QueueID != "" && cv.c.Status == chat.StatusActive {
			todo = append(todo, cv)
		}
	}
	slices.SortFunc(todo, func(a, b *conv) int { return strings.Compare(string(a.c.ID), string(b.c.ID)) })
	for _, cv := range todo {
		inv := cv.c.Invitation
		exclude := append(slices.Clone(cv.c.Agents), inv.Declined...)
		a := s.pick(inv.QueueID, exclude)
		if a == nil {
			if _, err := s.append(ctx, chat.Event{
				ConversationID: cv.c.ID,
				Kind:           chat.KindInvitationDeclined,
				Author:         chat.System,
				Data:           chat.InvitationDeclined{QueueID: inv.QueueID, Reason: chat.ReasonUnavailable},
			}); err == nil {
				s.requeueOrphan(ctx, cv.c.ID, chat.ReasonLeft)
			}
			continue
		}
		now := time.Now()
		if _, err := s.append(ctx, chat.Event{
			ConversationID: cv.c.ID,
			Kind:           chat.KindInvited,
			Author:         chat.System,
			Data:           chat.Invited{AgentRef: chat.AgentRef{AgentID: a.id, AgentName: a.user.DisplayName}, QueueID: inv.QueueID, ExpiresAt: now.Add(s.opts.OfferTimeout)},
			Text:           inv.Note,
		}); err == nil {
			a.idleSince = now
		}
	}
}

// pick returns the best available agent for queue q that is not in exclude:
// online, ready, serving q, below capacity; least loaded, then longest idle.
func (s *state) pick(q chat.QueueID, exclude []chat.UserID) *agent {
	var best *agent
	for _, a := range s.agents {
		if !s.available(a) || !s.profiles[a.profile].Serves(q) || slices.Contains(exclude, a.id) {
			continue
		}
		a.pload, a.pidle = a.load, a.idleSince
		if best == nil || better(a, best) {
			best = a
		}
	}
	return best
}

// available reports whether a may be offered a chat or an invitation now.
func (s *state) available(a *agent) bool {
	return a.online && a.status == chat.StatusReady && a.load < a.capacity()
}

// AgentStat is an agent as routing sees it now, for choosing whom to invite.
type AgentStat struct {
	ID          chat.UserID      `json:"id"`
	DisplayName string           `json:"displayName"`
	Online      bool             `json:"online"`
	Status      chat.AgentStatus `json:"status"`
	ProfileID   chat.ProfileID   `json:"profileId,omitempty"`
	Load        int              `json:"load"` // chats, offers and invitations it holds
	Capacity    int              `json:"capacity"`
	Available   bool             `json:"available"` // online, ready and below capacity
}

type (
	agentsRequest struct{ reply chan []AgentStat }
	pickRequest   struct {
		queue   chat.QueueID
		exclude []chat.UserID
		reply   chan chat.UserID
	}
)

// agentStats answers Router.Agents: agents who are online, by name.
func (s *state) agentStats() []AgentStat {
	var out []AgentStat
	for _, a := range s.agents {
		if !a.online {
			continue
		}
		out = append(out, AgentStat{
			ID: a.id, DisplayName: a.user.DisplayName, Online: true, Status: a.status, ProfileID: a.profile,
			Load: a.load, Capacity: a.capacity(), Available: s.available(a),
		})
	}
	slices.SortFunc(out, func(x, y AgentStat) int {
		if x.DisplayName != y.DisplayName {
			if x.DisplayName < y.DisplayName {
				return -1
			}
			return 1
		}
		if x.ID < y.ID {
			return -1
		}
		return 1
	})
	return out
}

// Agents returns the agents who are online now, with their status and load,
// sorted by display name. Every node answers it, leading or not.
func (r *Router) Agents(ctx context.Context) ([]AgentStat, error) {
	reply := make(chan []AgentStat, 1)
	return ask(ctx, r, agentsRequest{reply}, reply)
}

// PickAgent returns the agent a queue invitation of queue q should go to
// now, never one in exclude, or "" when nobody is available.
func (r *Router) PickAgent(ctx context.Context, q chat.QueueID, exclude []chat.UserID) (chat.UserID, error) {
	reply := make(chan chat.UserID, 1)
	return ask(ctx, r, pickRequest{q, exclude, reply}, reply)
}

// ask posts a request to the loop and waits for its answer.
func ask[T any](ctx context.Context, r *Router, m any, reply chan T) (T, error) {
	var zero T
	done, ok := r.postTo(m)
	if !ok {
		return zero, chat.E(chat.EUnavailable, "routing_unavailable", "Routing is not running.")
	}
	select {
	case v := <-reply:
		return v, nil
	case <-ctx.Done():
		return zero, ctx.Err()
	case <-done:
		return zero, chat.E(chat.EUnavailable, "routing_unavailable", "Routing is not running.")
	}
}

type invitableRequest struct {
	id    chat.UserID
	reply chan error
}

// invitable answers Router.Invitable.
func (s *state) invitable(id chat.UserID) error {
	a := s.agents[id]
	if a == nil {
		return chat.E(chat.EInvalid, "agent_not_found", "No such agent.")
	}
	// The messages name the agent; one without a display name is "that
	// agent", a reason of its own, so that no English word is a parameter.
	name := a.user.DisplayName
	switch {
	case !a.online && name == "":
		return chat.E(chat.EConflict, "invitee_offline_unnamed", "That agent is not logged in.")
	case !a.online:
		return chat.E(chat.EConflict, "invitee_offline", "{name} is not logged in.", "name", name)
	case a.status != chat.StatusReady && name == "":
		return chat.E(chat.EConflict, "invitee_paused_unnamed", "That agent is paused.")
	case a.status != chat.StatusReady:
		return chat.E(chat.EConflict, "invitee_paused", "{name} is paused.", "name", name)
	case a.load >= a.capacity() && name == "":
		return chat.E(chat.EConflict, "invitee_no_room_unnamed", "That agent has no room for another chat.")
	case a.load >= a.capacity():
		return chat.E(chat.EConflict, "invitee_no_room", "{name} has no room for another chat.", "name", name)
	}
	return nil
}

// Invitable returns nil if agent id can be invited now — online, ready and
// below capacity — and otherwise a conflict error saying why, for the
// inviter. Every node answers it, leading or not.
func (r *Router) Invitable(ctx context.Context, id chat.UserID) error {
	reply := make(chan error, 1)
	err, askErr := ask(ctx, r, invitableRequest{id, reply}, reply)
	if askErr != nil {
		return askErr
	}
	return err
}
