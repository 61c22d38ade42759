package routing

import (
	"cmp"
	"context"
	"slices"
	"time"

	"skranke/chat"
)

// markDirty notes that queue positions or agent counts may have changed and
// makes sure a flush runs within StatusInterval. Flushes are therefore at
// least StatusInterval apart, however busy the router is.
func (s *state) markDirty() {
	s.dirty = true
	if s.flush == nil {
		s.flush = time.AfterFunc(s.opts.StatusInterval, func() { s.r.post(statusFlush{}) })
	}
}

// flushStatus publishes a queue_status for each waiting chat whose position
// in its queue or number of online agents changed since its last one.
func (s *state) flushStatus(ctx context.Context) {
	if !s.dirty {
		return
	}
	s.dirty = false
	nums := s.queueNumbers()
	pos := make(map[chat.QueueID]int)
	for _, cv := range s.waiting(queued) {
		q := cv.c.QueueID
		pos[q]++
		s.publishStatus(ctx, cv, pos[q], nums[q])
	}
}

// publishFresh announces the place of each chat that started since the last
// message, at once rather than at the next flush.
func (s *state) publishFresh(ctx context.Context) {
	if len(s.fresh) == 0 {
		return
	}
	nums := s.queueNumbers()
	var cvs []*conv
	for _, id := range s.fresh {
		if cv := s.convs[id]; cv != nil && queued(cv) {
			cvs = append(cvs, cv)
		}
	}
	places := s.placesOf(cvs)
	for _, cv := range cvs {
		s.publishStatus(ctx, cv, places[cv.c.ID], nums[cv.c.QueueID])
	}
	s.fresh = s.fresh[:0]
}

// placesOf returns placeOf of each of cvs, queued chats, reading every chat
// once for all of them rather than once for each: many chats can become
// fresh in one turn of the loop (a burst of new chats, a storm of
// reconnecting customers asking for their place).
func (s *state) placesOf(cvs []*conv) map[chat.ConversationID]int {
	out := make(map[chat.ConversationID]int, len(cvs))
	if len(cvs) == 1 {
		out[cvs[0].c.ID] = s.placeOf(cvs[0].c)
		return out
	}
	if len(cvs) == 0 {
		return out
	}
	// Each queue's queued chats in routing order, a total order (ties
	// broken by id): a chat's place is 1 + how many come before it.
	lists := make(map[chat.QueueID][]*conv)
	for _, cv := range cvs {
		lists[cv.c.QueueID] = nil
	}
	for _, o := range s.waitingConvs {
		if l, ok := lists[o.c.QueueID]; ok && queued(o) {
			lists[o.c.QueueID] = append(l, o)
		}
	}
	for _, l := range lists {
		slices.SortFunc(l, routingOrder)
	}
	for _, cv := range cvs {
		l := lists[cv.c.QueueID]
		ahead, _ := slices.BinarySearchFunc(l, cv, routingOrder)
		out[cv.c.ID] = ahead + 1
	}
	return out
}

// publishStatus publishes cv's queue_status unless it is the one last
// published for it: its place, the queue's agents online and the expected
// wait (estimate.go).
func (s *state) publishStatus(ctx context.Context, cv *conv, position int, n queueNum) {
	now := time.Now()
	online := n.online
	wait, known := s.est.expect(cv.c.QueueID, position, n, now)
	if !known {
		wait = -1
	}
	if cv.published && cv.pubPos == position && cv.pubOnline == online && cv.pubWait == wait {
		return
	}
	cv.published, cv.pubPos, cv.pubOnline, cv.pubWait = true, position, online, wait
	st := chat.QueueStatus{QueueID: cv.c.QueueID, Position: position, AgentsOnline: &online}
	if known {
		st.ExpectedWait = &wait
	}
	s.publish(ctx, chat.Event{
		ConversationID: cv.c.ID,
		Time:           now,
		Kind:           chat.KindQueueStatus,
		Visibility:     chat.VisibleAll,
		Author:         chat.System,
		Data:           st,
	})
}

// queueStats answers Router.Queues.
func (s *state) queueStats() []QueueStat {
	stats := make(map[chat.QueueID]*QueueStat)
	stat := func(q chat.QueueID) *QueueStat {
		st := stats[q]
		if st == nil {
			st = &QueueStat{QueueID: q}
			stats[q] = st
		}
		return st
	}
	for _, p := range s.profiles {
		for _, q := range p.Queues {
			stat(q)
		}
	}
	for _, cv := range s.waitingConvs {
		stat(cv.c.QueueID).Waiting++
	}
	for _, a := range s.agents {
		if !a.online {
			continue
		}
		for _, q := range s.profiles[a.profile].Queues {
			st := stat(q)
			st.AgentsOnline++
			if a.status == chat.StatusReady {
				st.AgentsReady++
			}
			if s.available(a) {
				st.AgentsAvailable++
			}
		}
	}
	out := make([]QueueStat, 0, len(stats))
	for _, st := range stats {
		out = append(out, *st)
	}
	slices.SortFunc(out, func(a, b QueueStat) int { return cmp.Compare(a.QueueID, b.QueueID) })
	return out
}
