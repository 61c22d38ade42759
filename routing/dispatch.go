package routing

import (
	"cmp"
	"context"
	"slices"
	"time"

	"skranke/chat"
)

// assignment is a planned offer of a chat to an agent.
type assignment struct {
	conv  *conv
	agent *agent
	// transfer: the offer is of the chat's transfer to its queue
	// (an invited event), not of the waiting chat.
	transfer bool
}

// dispatch offers every waiting chat that can be offered now. When an offer
// is refused because the conversation moved on, the plan is made again from
// the refreshed state (a few times at most: each refusal is a real change).
func (s *state) dispatch(ctx context.Context) {
	if !s.leading {
		return
	}
	s.dispatchInvitations(ctx)
	for range 3 {
		if ctx.Err() != nil {
			return
		}
		plan, retryAt := s.plan(time.Now())
		if !retryAt.IsZero() {
			s.armRetry(retryAt)
		}
		if !s.offerAll(ctx, plan) {
			return
		}
	}
}

// offerAll appends the offers of plan together (appendAll: one commit for
// all of them where the store groups concurrent appends, instead of one
// commit after the other while new chats wait). It reports whether any
// was refused by a conflict, after which its conversation has been re-read.
func (s *state) offerAll(ctx context.Context, plan []assignment) (conflicts bool) {
	if len(plan) == 0 {
		return false
	}
	now := time.Now()
	evs := make([]chat.Event, len(plan))
	for i, as := range plan {
		evs[i] = s.offerEvent(as, now)
	}
	for i, err := range s.appendAll(ctx, evs) {
		if err != nil {
			conflicts = conflicts || chat.ErrorCode(err) == chat.EConflict
			continue
		}
		a := plan[i].agent
		a.idleSince = now
		s.r.log.Debug("routing: offered", "conversation", evs[i].ConversationID, "agent", a.id, "transfer", plan[i].transfer)
	}
	return conflicts
}

// offerEvent is the event that offers as.conv to as.agent at now: an
// offered event, or for a transfer to a queue an invited one.
func (s *state) offerEvent(as assignment, now time.Time) chat.Event {
	c, a := as.conv.c, as.agent
	ref := chat.AgentRef{AgentID: a.id, AgentName: a.user.DisplayName}
	if as.transfer {
		inv := c.Invitation
		return chat.Event{
			ConversationID: c.ID,
			Kind:           chat.KindInvited,
			Author:         chat.System,
			Data:           chat.Invited{AgentRef: ref, QueueID: inv.QueueID, ExpiresAt: now.Add(s.offerTimeout(inv.QueueID)), Transfer: true},
			Text:           inv.Note,
		}
	}
	return chat.Event{
		ConversationID: c.ID,
		Kind:           chat.KindOffered,
		Author:         chat.System,
		Data:           chat.Offered{AgentRef: ref, QueueID: c.QueueID, ExpiresAt: now.Add(s.offerTimeout(c.QueueID))},
	}
}

// plan chooses offers for the waiting chats that have none, in routing
// order, without touching the store: for each chat the best eligible agent
// for its queue that has not declined it (least loaded, then longest idle,
// then lowest id), counting the offers planned before it. When only agents
// who declined the chat are eligible, the one who declined first gets it
// again once RetryDelay has passed since; retryAt is then the earliest time
// at which such a retry becomes due (zero if none is waiting for one).
func (s *state) plan(now time.Time) (plan []assignment, retryAt time.Time) {
	// The eligible agents of each queue, but for capacity, which plan
	// checks as it goes. Built first: when every agent is busy, as under
	// load, there is nothing to sort.
	eligible := s.eligible
	for q, list := range eligible {
		eligible[q] = list[:0] // kept from the last plan: no allocation per turn
	}
	found := false
	for _, a := range s.agents {
		if !a.online || a.status != chat.StatusReady || a.load >= a.capacity() {
			continue
		}
		p, ok := s.profiles[a.profile]
		if !ok {
			continue
		}
		a.pload, a.pidle = a.load, a.idleSince
		for _, q := range p.Queues {
			eligible[q] = append(eligible[q], a)
		}
		found = found || len(p.Queues) > 0
	}
	if !found {
		return nil, time.Time{}
	}
	// A chat whose customer left is not offered: nobody is there. Chats
	// being transferred to a queue take their place among its waiting
	// chats (transfer.go).
	waiting := s.waiting(func(cv *conv) bool { return cv.c.Offer == nil && queued(cv) })
	waiting = s.withTransfers(waiting, now)
	for _, cv := range waiting {
		q, transfer := routeQueue(cv)
		list := eligible[q]
		if len(list) == 0 {
			continue
		}
		var best, decliner *agent
		var declinedAt time.Time
		n := 0
		for _, a := range list {
			if a.pload >= a.capacity() {
				continue // full now: drop it from the queue's list
			}
			list[n] = a
			n++
			if transfer {
				if !slices.Contains(cv.c.Agents, a.id) && !slices.Contains(cv.c.Invitation.Declined, a.id) &&
					(best == nil || better(a, best)) {
					best = a // a transfer is offered to each agent of the queue once
				}
				continue
			}
			if slices.Contains(cv.c.Declined, a.id) {
				at := cv.declinedAt[a.id] // zero if unknown (declined before a restart)
				if decliner == nil || at.Before(declinedAt) || at.Equal(declinedAt) && better(a, decliner) {
					decliner, declinedAt = a, at
				}
				continue
			}
			if best == nil || better(a, best) {
				best = a
			}
		}
		eligible[q] = list[:n]
		if best == nil {
			if decliner == nil {
				continue
			}
			if due := declinedAt.Add(s.opts.RetryDelay); now.Before(due) {
				if retryAt.IsZero() || due.Before(retryAt) {
					retryAt = due
				}
				continue
			}
			best = decliner
		}
		best.pload++
		best.pidle = now
		plan = append(plan, assignment{conv: cv, agent: best, transfer: transfer})
	}
	return plan, retryAt
}

// better reports whether a should get an offer before b: less loaded, then
// idle for longer, then by id.
func better(a, b *agent) bool {
	if a.pload != b.pload {
		return a.pload < b.pload
	}
	if !a.pidle.Equal(b.pidle) {
		return a.pidle.Before(b.pidle)
	}
	return a.id < b.id
}

// waiting returns the waiting chats for which keep reports true, in the
// order they get offers (dispatchOrder).
func (s *state) waiting(keep func(*conv) bool) []*conv {
	var out []*conv
	for _, cv := range s.waitingConvs {
		if keep == nil || keep(cv) {
			out = append(out, cv)
		}
	}
	slices.SortFunc(out, s.dispatchOrder)
	return out
}

// routingOrder orders waiting chats: higher priority first, then the longest
// waiting, then by id.
func routingOrder(a, b *conv) int {
	if c := cmp.Compare(b.c.Priority, a.c.Priority); c != 0 {
		return c
	}
	if c := a.c.QueuedAt.Compare(b.c.QueuedAt); c != 0 {
		return c
	}
	return cmp.Compare(a.c.ID, b.c.ID)
}
