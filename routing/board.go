package routing

import (
	"cmp"
	"context"
	"slices"
	"time"

	"skranke/chat"
)

// The supervisor's board (R19). The loop answers Board from the state it
// routes with, so the numbers are the router's own; Watch tells watchers
// when they may have changed: after every batch of messages that changed
// routing state, the loop signals each watcher's one-slot channel without
// blocking, so a slow watcher holds nothing up and misses nothing but
// repeats. Every node's router follows the same state (leading or not),
// so every node answers.

type boardRequest struct{ reply chan chat.Board }

// Board returns the routing state now: queues, agents and waiting and
// active chats. Every node answers it, leading or not.
func (r *Router) Board(ctx context.Context) (chat.Board, error) {
	reply := make(chan chat.Board, 1)
	return ask(ctx, r, boardRequest{reply}, reply)
}

// Watch returns a channel that receives a value (at most one waits) each
// time routing state may have changed, and a func that stops the watch.
func (r *Router) Watch() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	r.watchMu.Lock()
	if r.watchers == nil {
		r.watchers = make(map[chan struct{}]struct{})
	}
	r.watchers[ch] = struct{}{}
	r.watchMu.Unlock()
	return ch, func() {
		r.watchMu.Lock()
		delete(r.watchers, ch)
		r.watchMu.Unlock()
	}
}

// notifyWatchers signals every watcher without blocking.
func (r *Router) notifyWatchers() {
	r.watchMu.Lock()
	defer r.watchMu.Unlock()
	for ch := range r.watchers {
		select {
		case ch <- struct{}{}:
		default: // a signal is waiting already
		}
	}
}

// board answers Router.Board.
func (s *state) board(now time.Time) chat.Board {
	b := chat.Board{At: now, Queues: []chat.QueueBoard{}, Agents: []chat.AgentBoard{}, Chats: []chat.ChatBoard{}}
	queues := make(map[chat.QueueID]*chat.QueueBoard)
	for id, q := range s.queues {
		queues[id] = &chat.QueueBoard{QueueID: id, Name: q.Name}
	}
	chats := make(map[chat.UserID][]chat.ConversationID)
	for _, cv := range s.sortedConvs() {
		c := cv.c
		if c.Status == chat.StatusEnded {
			continue
		}
		cb := chat.ChatBoard{ID: c.ID, QueueID: c.QueueID, CustomerName: c.CustomerName, Status: c.Status,
			Agents: slices.Clone(c.Agents), Priority: c.Priority, QueuedAt: c.QueuedAt, CreatedAt: c.CreatedAt,
			AnsweredAt: c.Record.AnsweredAt, CustomerLeft: !c.CustomerLeftAt.IsZero()}
		if cb.Agents == nil {
			cb.Agents = []chat.UserID{}
		}
		for _, a := range c.Agents {
			chats[a] = append(chats[a], c.ID)
		}
		q := queues[c.QueueID]
		if c.Status == chat.StatusWaiting && q != nil {
			q.Waiting++
			if q.OldestQueuedAt.IsZero() || c.QueuedAt.Before(q.OldestQueuedAt) {
				q.OldestQueuedAt = c.QueuedAt
			}
		}
		if o := c.Offer; o != nil {
			cb.OfferedTo = o.AgentID
			if q != nil {
				q.OffersOut++
			}
		}
		if inv := c.Invitation; inv != nil && inv.Transfer {
			cb.TransferTo, cb.TransferToAgent = inv.QueueID, inv.AgentID
			if tq := queues[inv.QueueID]; tq != nil && inv.AgentID != "" {
				tq.OffersOut++
			}
		}
		b.Chats = append(b.Chats, cb)
	}
	for _, a := range s.agents {
		if a.user.Role == "" || !a.user.Active() {
			continue // never loaded (not a user), or deactivated
		}
		b.Agents = append(b.Agents, chat.AgentBoard{ID: a.id, DisplayName: a.user.DisplayName, Online: a.online,
			Status: a.status, ProfileID: a.profile, Load: a.load, Capacity: a.capacity(), StatusSince: a.statusSince,
			Chats: append([]chat.ConversationID{}, chats[a.id]...)})
		if !a.online {
			continue
		}
		for _, qid := range s.profiles[a.profile].Queues {
			q := queues[qid]
			switch {
			case q == nil:
			case a.status != chat.StatusReady:
				q.AgentsPaused++
			case a.load >= a.capacity():
				q.AgentsBusy++
			default:
				q.AgentsReady++
			}
		}
	}
	for _, q := range queues {
		b.Queues = append(b.Queues, *q)
	}
	slices.SortFunc(b.Queues, func(x, y chat.QueueBoard) int { return cmp.Compare(x.QueueID, y.QueueID) })
	slices.SortFunc(b.Agents, func(x, y chat.AgentBoard) int {
		return cmp.Or(cmp.Compare(x.DisplayName, y.DisplayName), cmp.Compare(x.ID, y.ID))
	})
	return b
}
