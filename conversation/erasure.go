package conversation

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"skranke/auth"
	"skranke/chat"
	"skranke/store"
)

// Deleting chats (R15): the retention job deletes ended chats whose time
// has come and those whose customer asked for it; an administrator erases a
// customer's chats on request. What remains of a deleted chat is an
// anonymous count (store.ErasedCount).

// ErasureBatch is how many chats one transaction deletes: small enough
// that the writer, which appends between batches, is never held up long.
const ErasureBatch = 50

// privacy returns the organisation's privacy policy.
func (s *Service) privacy(ctx context.Context) (chat.Privacy, error) {
	if s.opts.Privacy == nil {
		return chat.DefaultPrivacy(), nil
	}
	return s.opts.Privacy(ctx)
}

// RequestErasure asks, as the actor (the chat's customer), that
// conversation id be deleted: once it has ended if it is open, at once if
// it has ended already. The organisation's policy must allow it. It
// returns the request's event, or a zero event if the chat was deleted.
func (s *Service) RequestErasure(ctx context.Context, a auth.Actor, id chat.ConversationID, r Request) (chat.Event, error) {
	c, err := s.customerConversation(ctx, a, id)
	if err != nil {
		return chat.Event{}, err
	}
	p, err := s.privacy(ctx)
	if err != nil {
		return chat.Event{}, fmt.Errorf("request erasure: %w", err)
	}
	if !p.CustomerErasure {
		return chat.Event{}, chat.E(chat.EForbidden, "erasure_not_offered", "This service does not delete chats on request from the chat window; ask the organisation.")
	}
	if c.Status == chat.StatusEnded {
		d := store.Deletion{IDs: []chat.ConversationID{id}, Reason: store.ErasedRequest,
			By: chat.AuditActor{Name: "the chat's customer"}, Criterion: "customer request"}
		if _, err := s.st.DeleteConversations(ctx, d); err != nil {
			return chat.Event{}, fmt.Errorf("request erasure: %w", err)
		}
		s.log.Info("chat deleted at its customer's request", "conversation", id)
		s.filesOfDeleted(ctx)
		return chat.Event{}, nil
	}
	return s.write(ctx, a, id, r, chat.Event{Kind: chat.KindErasureRequested})
}

// EraseRequest names the chats an administrator erases: one conversation,
// or every chat of a customer, found by the widget's customer id, by an
// e-mail address a transcript went to, or by a verified customer id.
// Exactly one field is set.
type EraseRequest struct {
	ConversationID chat.ConversationID `json:"conversationId,omitempty"`
	CustomerID     chat.CustomerID     `json:"customerId,omitempty"`
	Email          string              `json:"email,omitempty"`
	VerifiedID     string              `json:"verifiedId,omitempty"`
}

// EraseResult is what an erasure did.
type EraseResult struct {
	Deleted []chat.ConversationID `json:"deleted"`
	// Open are chats found that have not ended: they are not deleted.
	Open []chat.ConversationID `json:"open"`
}

// Erase deletes the chats r names, as the actor (an administrator), with
// their customers if no chat of theirs is left.
func (s *Service) Erase(ctx context.Context, a auth.Actor, r EraseRequest) (EraseResult, error) {
	u, err := agent(a, "erase chats")
	if err != nil {
		return EraseResult{}, err
	}
	if u.Role != chat.RoleAdmin {
		return EraseResult{}, chat.E(chat.EForbidden, "erase_admins_only", "Only administrators erase chats.")
	}
	ids, criterion, err := s.erasable(ctx, r)
	if err != nil {
		return EraseResult{}, err
	}
	by := chat.AuditActor{UserID: u.ID, Name: u.DisplayName}
	if a.Token != nil {
		by.TokenID = a.Token.ID
	}
	res := EraseResult{Deleted: []chat.ConversationID{}, Open: []chat.ConversationID{}}
	for batch := range slices.Chunk(ids, ErasureBatch) {
		gone, err := s.st.DeleteConversations(ctx, store.Deletion{IDs: batch, Reason: store.ErasedRequest,
			DropCustomers: true, By: by, Criterion: criterion})
		if err != nil {
			return res, fmt.Errorf("erase: %w", err)
		}
		res.Deleted = append(res.Deleted, gone...)
		for _, id := range batch {
			if !slices.Contains(gone, id) {
				res.Open = append(res.Open, id)
			}
		}
	}
	s.log.Info("chats erased on request", "by", u.ID, "deleted", len(res.Deleted), "open", len(res.Open))
	s.filesOfDeleted(ctx)
	return res, nil
}

// erasable lists the chats an erase request names, and says how it named
// them (for the audit log).
func (s *Service) erasable(ctx context.Context, r EraseRequest) ([]chat.ConversationID, string, error) {
	set := 0
	for _, v := range []string{string(r.ConversationID), string(r.CustomerID), r.Email, r.VerifiedID} {
		if v != "" {
			set++
		}
	}
	if set != 1 {
		return nil, "", chat.E(chat.EInvalid, "erase_one_criterion", "Name one conversation, customer, e-mail address or verified id.")
	}
	var ids []chat.ConversationID
	var criterion string
	var err error
	switch {
	case r.ConversationID != "":
		if err := checkConversationID(r.ConversationID); err != nil {
			return nil, "", err
		}
		if _, err := s.st.Conversation(ctx, r.ConversationID); err != nil {
			if chat.ErrorCode(err) == chat.ENotFound {
				return nil, "", errNoChat
			}
			return nil, "", fmt.Errorf("erase: %w", err)
		}
		return []chat.ConversationID{r.ConversationID}, "conversation", nil
	case r.CustomerID != "":
		if err := chat.CheckID(string(r.CustomerID), "customerId"); err != nil {
			return nil, "", err
		}
		ids, err = s.st.CustomerConversations(ctx, r.CustomerID)
		criterion = "customer"
	case r.Email != "":
		ids, err = s.st.ContactConversations(ctx, store.ContactEmail, store.ContactHash(store.ContactEmail, r.Email))
		criterion = "email"
	default:
		ids, err = s.st.ContactConversations(ctx, store.ContactVerifiedID, store.ContactHash(store.ContactVerifiedID, r.VerifiedID))
		criterion = "verifiedId"
	}
	if err != nil {
		return nil, "", fmt.Errorf("erase: %w", err)
	}
	return ids, criterion, nil
}

// SweepResult is what one run of the retention job deleted.
type SweepResult struct {
	Expired   int // chats whose retention had passed
	Requested int // chats whose customer asked for it
	Jobs      int // outbox jobs done or given up long ago
}

// Sweep runs the retention job once, as of now: it deletes, in batches,
// every chat that ended longer ago than its queue's retention, and every
// ended chat whose customer asked that it be deleted.
func (s *Service) Sweep(ctx context.Context, now time.Time) (SweepResult, error) {
	var res SweepResult
	p, err := s.privacy(ctx)
	if err != nil {
		return res, fmt.Errorf("sweep: %w", err)
	}
	day := 24 * time.Hour
	var rules []store.Expiry
	for _, q := range slices.Sorted(maps.Keys(p.QueueRetentionDays)) {
		if d := p.QueueRetentionDays[q]; d > 0 {
			rules = append(rules, store.Expiry{Queue: q, EndedBefore: now.Add(-time.Duration(d) * day)})
		}
	}
	if p.RetentionDays > 0 {
		rules = append(rules, store.Expiry{Except: slices.Sorted(maps.Keys(p.QueueRetentionDays)), EndedBefore: now.Add(-time.Duration(p.RetentionDays) * day)})
	}
	for _, e := range rules {
		n, err := s.sweep(ctx, store.ErasedRetention, func() ([]chat.ConversationID, error) { return s.st.Expired(ctx, e, ErasureBatch) })
		res.Expired += n
		if err != nil {
			return res, err
		}
	}
	n, err := s.sweep(ctx, store.ErasedRequest, func() ([]chat.ConversationID, error) { return s.st.ErasureRequested(ctx, now, ErasureBatch) })
	res.Requested += n
	if err != nil {
		return res, err
	}
	if res.Jobs, err = s.st.PruneJobs(ctx, now.Add(-JobsKept)); err != nil {
		return res, fmt.Errorf("sweep: %w", err)
	}
	if res.Expired+res.Requested > 0 {
		s.filesOfDeleted(ctx)
	}
	return res, nil
}

// filesOfDeleted removes the bytes of the files of chats just deleted. A
// failure is logged: the sweeper of unsent files tries again.
func (s *Service) filesOfDeleted(ctx context.Context) {
	if _, err := s.removeOrphanFiles(ctx); err != nil {
		s.log.Warn("remove the files of deleted chats", "err", err)
	}
}

// JobsKept is how long the outbox keeps a job after it was done or given
// up: long enough to see what happened, and to count a chat's e-mails.
const JobsKept = 30 * 24 * time.Hour

// sweep deletes the batches next finds until it finds none.
func (s *Service) sweep(ctx context.Context, reason string, next func() ([]chat.ConversationID, error)) (int, error) {
	total := 0
	for {
		ids, err := next()
		if err != nil {
			return total, fmt.Errorf("sweep: %w", err)
		}
		if len(ids) == 0 {
			return total, nil
		}
		by, criterion := chat.AuditActor{Name: "the retention job"}, "retention"
		if reason == store.ErasedRequest {
			criterion = "customer request"
		}
		gone, err := s.st.DeleteConversations(ctx, store.Deletion{IDs: ids, Reason: reason, By: by, Criterion: criterion})
		total += len(gone)
		if err != nil {
			return total, fmt.Errorf("sweep: %w", err)
		}
		if len(gone) == 0 { // found, but not deleted: nothing more to do now
			return total, nil
		}
	}
}

// CompactHour is the hour of the night (local time) at which the search
// index is compacted, once a night: the words of chats deleted that day
// (by any node, by any path) leave its files, and the day's segments are
// merged into one.
const CompactHour = 3

// CompactSearchIndex compacts the search index now: the words of deleted
// chats leave its files (store.Erasure.CompactSearchIndex).
func (s *Service) CompactSearchIndex(ctx context.Context) error {
	began := s.opts.Now()
	if err := s.st.CompactSearchIndex(ctx); err != nil {
		return err
	}
	s.log.Info("search index compacted", "took", s.opts.Now().Sub(began).Round(time.Millisecond))
	return nil
}

// RunRetention runs the retention job every interval until ctx is done,
// sends the automatic transcripts (SendAutoTranscripts) and compacts the
// search index at CompactHour. One node runs it (internal/server elects it with the outbox
// worker).
func (s *Service) RunRetention(ctx context.Context, interval time.Duration) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	var compacted time.Time
	for {
		now := s.opts.Now()
		res, err := s.Sweep(ctx, now)
		switch {
		case err != nil && ctx.Err() == nil:
			s.log.Warn("retention job", "err", err, "deleted", res.Expired+res.Requested)
		case res.Expired+res.Requested > 0:
			s.log.Info("retention job deleted chats", "expired", res.Expired, "requested", res.Requested)
		}
		if _, err := s.SendAutoTranscripts(ctx, now); err != nil && ctx.Err() == nil {
			s.log.Warn("automatic transcripts", "err", err)
		}
		if local := now.Local(); local.Hour() == CompactHour && local.Sub(compacted) > 12*time.Hour {
			if err := s.CompactSearchIndex(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("compact search index", "err", err)
			} else {
				compacted = local
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// ErasedCounts lists what remains of deleted chats, for an administrator
// or supervisor.
func (s *Service) ErasedCounts(ctx context.Context, a auth.Actor) ([]store.ErasedCount, error) {
	u, err := agent(a, "read the counts of deleted chats")
	if err != nil {
		return nil, err
	}
	if u.Role != chat.RoleAdmin && u.Role != chat.RoleSupervisor {
		return nil, chat.E(chat.EForbidden, "erased_counts_forbidden", "Only supervisors and administrators read these counts.")
	}
	cs, err := s.st.ErasedCounts(ctx)
	if err != nil {
		return nil, fmt.Errorf("erased counts: %w", err)
	}
	return nonNil(cs), nil // none yet is an empty list, never null
}

// CustomerErasureOffered reports whether customers may ask from the
// widget that their chat be deleted.
func (s *Service) CustomerErasureOffered(ctx context.Context) (bool, error) {
	p, err := s.privacy(ctx)
	if err != nil {
		return false, fmt.Errorf("privacy: %w", err)
	}
	return p.CustomerErasure, nil
}
