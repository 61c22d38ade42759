package conversation

import (
	"context"
	"fmt"
	"time"

	"skranke/auth"
	"skranke/chat"
	"skranke/store"
)

// The customer view: the only reads a customer has. Whether a conversation
// is the customer's is checked once, in customerConversation; what the
// customer may see of its log is decided once, by chat.ForCustomer, and
// every read here yields chat.CustomerEvent values, which nothing else can
// make. A conversation that is not the customer's is not_found.

// CustomerView is a conversation as its customer sees it.
type CustomerView struct {
	ID        chat.ConversationID     `json:"id"`
	QueueID   chat.QueueID            `json:"queueId"`
	QueueName string                  `json:"queueName"`
	Status    chat.ConversationStatus `json:"status"`
	CreatedAt string                  `json:"createdAt"`
	// WaitingText is what the queue tells a customer who waits.
	WaitingText string `json:"waitingText,omitempty"`

	// checkedFor is the customer who was found a moment ago to be allowed
	// to read it (CustomerView), for CustomerLogOf; "" if none.
	checkedFor chat.CustomerID
}

func customerView(c chat.Conversation, q chat.Queue) CustomerView {
	return CustomerView{
		ID:          c.ID,
		QueueID:     c.QueueID,
		QueueName:   q.Name,
		Status:      c.Status,
		CreatedAt:   c.CreatedAt.UTC().Format("2006-01-02T15:04:05.000Z07:00"),
		WaitingText: q.WaitingText,
	}
}

// QueueInfo is a queue as customers and agents see it: whether it takes
// new chats now (its opening hours), and its texts.
type QueueInfo struct {
	ID   chat.QueueID `json:"id"`
	Name string       `json:"name"`
	Open bool         `json:"open"`
	// Until is when Open next changes: the next opening of a closed queue,
	// the next closing of an open one; absent when nothing changes within
	// weeks (always open, or closed until further notice).
	Until       time.Time `json:"until,omitzero"`
	WaitingText string    `json:"waitingText,omitempty"`
	ClosedText  string    `json:"closedText,omitempty"`
	// RequiresVerification says the queue takes only customers the
	// organisation vouched for (R6): the widget asks them to sign in first.
	RequiresVerification bool `json:"requiresVerification,omitempty"`
}

func queueInfo(q chat.Queue, now time.Time, id chat.Identity) QueueInfo {
	open, until := q.OpenAt(now)
	return QueueInfo{ID: q.ID, Name: q.Name, Open: open, Until: until, WaitingText: q.WaitingText, ClosedText: q.ClosedText,
		RequiresVerification: id.RequiresVerification(q.ID)}
}

// errVerificationRequired refuses a chat in a queue that requires a
// verified customer to one who is not.
var errVerificationRequired = chat.E(chat.EForbidden, "verification_required", "Please sign in before you start a chat here.")

// errClosed refuses a chat in a queue outside its opening hours: the
// message is the queue's closed text, or says the queue is closed; opensAt
// is when it opens, if that is known.
func errClosed(q chat.Queue, opens time.Time) error {
	text := q.ClosedText
	if text == "" {
		text = q.Name + " is closed now."
	}
	if opens.IsZero() {
		return chat.E(chat.EConflict, "queue_closed", "{closedText}", "closedText", text)
	}
	return chat.E(chat.EConflict, "queue_closed", "{closedText}", "closedText", text, "opensAt", opens.UTC().Format(time.RFC3339))
}

// customerConversation returns conversation id if it is the actor's, the
// customer's, and not_found otherwise. A chat is the customer's when the
// customer started it, or when the organisation vouched for both its
// customer and the actor as the same subject (one person on two devices).
func (s *Service) customerConversation(ctx context.Context, a auth.Actor, id chat.ConversationID) (chat.Conversation, error) {
	if a.Customer == nil {
		return chat.Conversation{}, chat.E(chat.EUnauthenticated, "customer_token_required", "A customer token is required.")
	}
	if err := checkConversationID(id); err != nil {
		return chat.Conversation{}, err
	}
	c, err := s.st.Conversation(ctx, id)
	if chat.ErrorCode(err) == chat.ENotFound {
		return chat.Conversation{}, errNoChat
	} else if err != nil {
		return chat.Conversation{}, fmt.Errorf("conversation: %w", err)
	}
	if c.CustomerID == a.Customer.ID {
		return c, nil
	}
	if a.Customer.Subject == "" {
		return chat.Conversation{}, errNoChat
	}
	d, err := s.st.CustomerDetails(ctx, c.CustomerID)
	if err != nil && chat.ErrorCode(err) != chat.ENotFound {
		return chat.Conversation{}, fmt.Errorf("conversation: %w", err)
	}
	if err != nil || d.Subject != a.Customer.Subject {
		return chat.Conversation{}, errNoChat
	}
	return c, nil
}

// CustomerView returns the actor's conversation id in the customer view.
func (s *Service) CustomerView(ctx context.Context, a auth.Actor, id chat.ConversationID) (CustomerView, error) {
	c, err := s.customerConversation(ctx, a, id)
	if err != nil {
		return CustomerView{}, err
	}
	q, err := s.st.Queue(ctx, c.QueueID)
	if err != nil {
		return CustomerView{}, fmt.Errorf("customer view: %w", err)
	}
	v := customerView(c, q)
	v.checkedFor = a.Customer.ID
	return v, nil
}

// CustomerPage is one page of a log in the customer view.
type CustomerPage struct {
	Events []chat.CustomerEvent
	// Next is the Seq to read after for the next page: the last event read
	// of the log, seen or not. Events the customer may not see move it on
	// too, so a reader never reads them twice.
	Next chat.Seq
	// More is true when the page ended at its limit, with more of the log
	// perhaps after Next.
	More bool
}

// CustomerLog returns up to limit events the customer may see of the
// actor's conversation id after Seq after (limit 0 is DefaultPage). The
// limit counts what the customer sees, not the events skipped to find it.
func (s *Service) CustomerLog(ctx context.Context, a auth.Actor, id chat.ConversationID, after chat.Seq, limit int) (CustomerPage, error) {
	if _, err := pageLimit(limit); err != nil {
		return CustomerPage{}, err
	}
	if _, err := s.customerConversation(ctx, a, id); err != nil {
		return CustomerPage{}, err
	}
	return s.customerLog(ctx, id, after, limit)
}

// CustomerLogOf is CustomerLog of conversation v, which CustomerView
// returned to the actor a moment ago: the conversation is not read again
// to check the actor's access. A customer's hello, which has just read
// it for the welcome, so reads it once, not twice. A view not checked for
// the actor is checked as CustomerLog checks it.
func (s *Service) CustomerLogOf(ctx context.Context, a auth.Actor, v CustomerView, after chat.Seq, limit int) (CustomerPage, error) {
	if a.Customer == nil || v.checkedFor == "" || v.checkedFor != a.Customer.ID {
		return s.CustomerLog(ctx, a, v.ID, after, limit)
	}
	return s.customerLog(ctx, v.ID, after, limit)
}

// customerLog is CustomerLog once the actor's access is checked.
func (s *Service) customerLog(ctx context.Context, id chat.ConversationID, after chat.Seq, limit int) (CustomerPage, error) {
	limit, err := pageLimit(limit)
	if err != nil {
		return CustomerPage{}, err
	}
	page := CustomerPage{Events: []chat.CustomerEvent{}, Next: after}
	for {
		evs, err := s.st.Events(ctx, id, page.Next, limit)
		if err != nil {
			return CustomerPage{}, fmt.Errorf("customer log: %w", err)
		}
		for _, e := range evs {
			if len(page.Events) == limit {
				page.More = true
				return page, nil
			}
			page.Next = e.Seq
			if ce, ok := chat.ForCustomer(e); ok {
				page.Events = append(page.Events, ce)
			}
		}
		if len(evs) < limit {
			return page, nil // the end of the log as it was read
		}
	}
}

// StartRequest asks for a chat in a queue.
type StartRequest struct {
	QueueID chat.QueueID
	Name    string // the customer's name, optional
}

// Start starts a chat for the actor, a customer, in a queue; the router
// learns of it from the "started" event. A customer has at most one open
// chat: when one exists, it is returned with created false.
func (s *Service) Start(ctx context.Context, a auth.Actor, r StartRequest) (v CustomerView, created bool, err error) {
	if a.Customer == nil {
		return CustomerView{}, false, chat.E(chat.EUnauthenticated, "customer_token_required", "A customer token is required.")
	}
	if r.QueueID == "" {
		return CustomerView{}, false, chat.E(chat.EInvalid, "queue_required", "Choose a queue.")
	}
	if err := chat.CheckID(string(r.QueueID), "queueId"); err != nil {
		return CustomerView{}, false, err
	}
	q, err := s.st.Queue(ctx, r.QueueID)
	if chat.ErrorCode(err) == chat.ENotFound || (err == nil && !q.RemovedAt.IsZero()) {
		return CustomerView{}, false, chat.E(chat.EInvalid, "queue_not_found", "No such queue.", "field", "queueId")
	} else if err != nil {
		return CustomerView{}, false, fmt.Errorf("start: %w", err)
	}
	id, err := s.identity(ctx)
	if err != nil {
		return CustomerView{}, false, fmt.Errorf("start: %w", err)
	}
	if id.RequiresVerification(q.ID) && a.Customer.Subject == "" {
		return CustomerView{}, false, errVerificationRequired
	}
	if open, opens := q.OpenAt(s.opts.Now()); !open {
		// A chat the customer has going on is theirs still; only a new
		// one is refused.
		cs, err := s.st.Conversations(ctx, store.ConversationFilter{CustomerID: a.Customer.ID,
			Statuses: []chat.ConversationStatus{chat.StatusWaiting, chat.StatusActive}, Limit: 1})
		if err != nil {
			return CustomerView{}, false, fmt.Errorf("start: %w", err)
		}
		if len(cs) == 0 {
			return CustomerView{}, false, errClosed(q, opens)
		}
	}
	if a.Customer.Subject != "" {
		// A verified customer who comes back on another device gets the
		// chat they have going on.
		cs, err := s.st.Conversations(ctx, store.ConversationFilter{Subject: a.Customer.Subject,
			Statuses: []chat.ConversationStatus{chat.StatusWaiting, chat.StatusActive}, Limit: 1})
		if err != nil {
			return CustomerView{}, false, fmt.Errorf("start: %w", err)
		}
		if len(cs) == 1 {
			oq, err := s.st.Queue(ctx, cs[0].QueueID)
			if err != nil {
				return CustomerView{}, false, fmt.Errorf("start: %w", err)
			}
			return customerView(cs[0], oq), false, nil
		}
	}
	// The name the organisation vouched for, if any, is the chat's; a
	// typed one never replaces it.
	name := r.Name
	if a.Customer.Subject != "" {
		d, err := s.st.CustomerDetails(ctx, a.Customer.ID)
		if err != nil {
			return CustomerView{}, false, fmt.Errorf("start: %w", err)
		}
		for _, x := range d.Details {
			if x.Field == chat.FieldName && x.Verified {
				name = x.Value
			}
		}
	}
	res, err := s.st.StartConversation(ctx, store.StartConversation{
		ID:           chat.ConversationID(chat.NewID()),
		CustomerID:   a.Customer.ID,
		QueueID:      q.ID,
		CustomerName: name,
	})
	if err != nil {
		return CustomerView{}, false, err
	}
	if res.Created {
		if a.Customer.Subject != "" {
			if err := s.addSubject(ctx, res.Conversation.ID, a.Customer.Subject); err != nil {
				s.log.Warn("start: verified contact", "conversation", res.Conversation.ID, "err", err)
			}
		}
		s.publish(ctx, res.Event)
	} else if res.Conversation.QueueID != q.ID {
		if q, err = s.st.Queue(ctx, res.Conversation.QueueID); err != nil {
			return CustomerView{}, false, fmt.Errorf("start: %w", err)
		}
	}
	return customerView(res.Conversation, q), res.Created, nil
}

// Queues lists the queues a customer may choose from, open or closed.
func (s *Service) Queues(ctx context.Context) ([]QueueInfo, error) {
	qs, err := s.st.Queues(ctx)
	if err != nil {
		return nil, fmt.Errorf("queues: %w", err)
	}
	id, err := s.identity(ctx)
	if err != nil {
		return nil, fmt.Errorf("queues: %w", err)
	}
	now := s.opts.Now()
	out := make([]QueueInfo, len(qs))
	for i, q := range qs {
		out[i] = queueInfo(q, now, id)
	}
	return out, nil
}

// SecureChatOffered reports whether the organisation has an OpenID
// provider that customers may sign in with (StartSecureChat).
func (s *Service) SecureChatOffered(ctx context.Context) (bool, error) {
	id, err := s.identity(ctx)
	if err != nil {
		return false, err
	}
	return id.OIDC != nil, nil
}

// RequestStatus asks the router for a waiting chat's place in its queue
// now, for a customer who just connected to it.
func (s *Service) RequestStatus(ctx context.Context, a auth.Actor, c CustomerView) {
	if a.Customer == nil || c.Status != chat.StatusWaiting {
		return
	}
	s.publish(ctx, chat.Event{Kind: chat.KindStatusRequest, Time: time.Now(), Visibility: chat.VisibleAgents, ConversationID: c.ID})
}
