package routing

import (
	"context"
	"fmt"
	"time"

	"skranke/chat"
	"skranke/store"
)

// Repair. A routing action that fails (the store is full, the database is
// away) is not forgotten: the router keeps two invariants and restores them
// until they hold again, whatever failed on the way:
//
//  1. No chat is held by an agent who has been offline for longer than
//     Grace: such an agent leaves it (agent_left, reason disconnected).
//  2. No active chat is without agents and without a pending invitation:
//     such a chat goes back to the front of its queue (requeued).
//
// repair restores both; it runs soon after any failed action (armRepair)
// and every RepairInterval besides, so nothing depends on one attempt.
// Violations reports what breaks them for longer than a repair should
// take, for tests and the metrics.

// repairDue says it is time to restore the invariants.
type repairDue struct{}

// violationsRequest asks for the invariants' violations now.
type violationsRequest struct{ reply chan []string }

// armRepair makes sure a repair runs within RetryDelay.
func (s *state) armRepair() {
	if !s.leading || s.repairTimer != nil {
		return
	}
	s.repairTimer = time.AfterFunc(s.opts.RetryDelay, func() { s.r.post(repairDue{}) })
}

// armPeriodicRepair starts the periodic repair of this term.
func (s *state) armPeriodicRepair() {
	if !s.leading {
		return
	}
	s.periodic = time.AfterFunc(s.opts.RepairInterval, func() { s.r.post(periodicRepair{}) })
}

// periodicRepair is the periodic run of repair.
type periodicRepair struct{}

// repair restores the invariants (see above), in chat id order.
func (s *state) repair(ctx context.Context) {
	if !s.leading {
		return
	}
	now := time.Now()
	for _, cv := range s.sortedConvs() {
		if cv.c.Status != chat.StatusActive {
			continue
		}
		for _, id := range cv.c.Agents {
			a := s.agent(id)
			if a.online || a.grace != nil || now.Sub(a.offlineAt) < s.opts.Grace {
				continue // connected, or its grace period still runs
			}
			_, err := s.append(ctx, chat.Event{
				ConversationID: cv.c.ID,
				Kind:           chat.KindAgentLeft,
				Author:         chat.System,
				Data:           chat.AgentLeft{AgentRef: chat.AgentRef{AgentID: a.id, AgentName: a.user.DisplayName}, Reason: chat.ReasonDisconnected},
			})
			if err != nil {
				break // armed again by append; the chat is re-read
			}
		}
		if cv := s.convs[cv.c.ID]; cv != nil {
			s.requeueOrphan(ctx, cv.c.ID, chat.ReasonDisconnected)
		}
	}
}

// violations lists what breaks the invariants for longer than bound.
func (s *state) violations(bound time.Duration) []string {
	now := time.Now()
	var out []string
	for _, cv := range s.sortedConvs() {
		if member := s.waitingConvs[cv.c.ID] != nil; member != (cv.c.Status == chat.StatusWaiting) {
			out = append(out, fmt.Sprintf("chat %s is %s, and among the waiting ones: %t", cv.c.ID, cv.c.Status, member))
		}
		if member := s.inviting[cv.c.ID] != nil; member != (cv.c.Status == chat.StatusActive && cv.c.Invitation != nil) {
			out = append(out, fmt.Sprintf("chat %s is %s with an invitation %t, and among the inviting ones: %t", cv.c.ID, cv.c.Status, cv.c.Invitation != nil, member))
		}
		if cv.c.Status != chat.StatusActive {
			continue
		}
		for _, id := range cv.c.Agents {
			if a := s.agent(id); !a.online && now.Sub(a.offlineAt) > s.opts.Grace+bound {
				out = append(out, fmt.Sprintf("chat %s is held by agent %s, offline since %s", cv.c.ID, id, a.offlineAt.Format(time.RFC3339)))
			}
		}
		if len(cv.c.Agents) == 0 && cv.c.Invitation == nil && now.Sub(cv.orphanSince) > bound {
			out = append(out, fmt.Sprintf("chat %s is active without an agent since %s", cv.c.ID, cv.orphanSince.Format(time.RFC3339)))
		}
	}
	if n := len(s.waitingConvs) + len(s.inviting); n > len(s.convs) {
		out = append(out, fmt.Sprintf("%d chats waiting or inviting, of %d in progress", n, len(s.convs)))
	}
	return out
}

// Violations lists the chats that break the router's invariants (see the
// package documentation) for longer than a repair takes: a chat held by an
// agent offline for longer than the grace period, or an active chat
// without agents. It is empty whenever routing works.
func (r *Router) Violations(ctx context.Context) ([]string, error) {
	reply := make(chan []string, 1)
	return ask(ctx, r, violationsRequest{reply}, reply)
}

// Discovery. With several nodes, the router learns of a new chat from the
// "started" event its node publishes on the bus. While the bus is down,
// chats started on other nodes would wait unrouted until it is back; so a
// router that leads several nodes also reads the waiting chats from the
// store every DiscoverInterval and takes in those it does not know. A
// single node's in-process bus loses nothing, and polls nothing.

// discoverDue says it is time to look for waiting chats in the store.
type discoverDue struct{}

// armDiscover schedules the next discovery, for a router leading several
// nodes.
func (s *state) armDiscover() {
	if !s.leading || s.lease == nil {
		return
	}
	s.discover = time.AfterFunc(s.opts.DiscoverInterval, func() { s.r.post(discoverDue{}) })
}

// discoverWaiting takes in the waiting chats the router has not heard of.
// It reports whether it found any.
func (s *state) discoverWaiting(ctx context.Context) bool {
	convs, err := s.r.store.Conversations(ctx, store.ConversationFilter{Statuses: []chat.ConversationStatus{chat.StatusWaiting}})
	if err != nil {
		if ctx.Err() == nil {
			s.r.log.Warn("routing: look for waiting chats", "err", err)
		}
		return false
	}
	found := false
	for _, c := range convs {
		if cv := s.convs[c.ID]; cv == nil || cv.c.LastSeq < c.LastSeq {
			if cv == nil {
				s.r.log.Info("routing: found a waiting chat the bus did not announce", "conversation", c.ID)
			}
			s.setConv(c)
			found = true
		}
	}
	return found
}
