package conversation

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"

	"skranke/auth"
	"skranke/chat"
	"skranke/store"
)

// Customers' details and who vouched for them (R6). A customer's page
// hands the widget an identity token signed by the organisation's backend
// (Identify); what it vouches for becomes verified details, and its
// subject (sub) the customer's. What the customer types, or the page gives
// without a signature, is unverified (SetDetails), and never replaces a
// verified value. A customer vouched for as a subject reads every chat of
// that subject (the same person on another device) and no other; see
// customerConversation.

// identityMetrics counts refused identity tokens by reason.
type identityMetrics struct {
	refused  *prometheus.CounterVec
	verified prometheus.Counter
}

func newIdentityMetrics(reg prometheus.Registerer) *identityMetrics {
	m := &identityMetrics{
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "skranke_identity_tokens_refused_total",
			Help: "Customers' identity tokens refused, by reason (identity_expired, identity_bad_signature, …).",
		}, []string{"reason"}),
		verified: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "skranke_identity_tokens_verified_total",
			Help: "Customers' identity tokens verified.",
		}),
	}
	if reg != nil {
		reg.MustRegister(m.refused, m.verified)
	}
	return m
}

// identity returns the identity settings, with the audience defaulting to
// this server's (Options.Audience).
func (s *Service) identity(ctx context.Context) (chat.Identity, error) {
	id, err := store.IdentitySettings(ctx, s.st)
	if err != nil {
		return chat.Identity{}, err
	}
	if id.Audience == "" {
		id.Audience = s.opts.Audience
	}
	return id, nil
}

// Identify verifies an identity token for the actor, a customer, and
// records what it vouches for: the subject, and its details as verified.
// A refused token is an error with its reason (identity_*), logged and
// counted; the customer's details are then as they were.
func (s *Service) Identify(ctx context.Context, a auth.Actor, token string) (chat.CustomerDetails, error) {
	if a.Customer == nil {
		return chat.CustomerDetails{}, chat.E(chat.EUnauthenticated, "customer_token_required", "A customer token is required.")
	}
	id, err := s.identity(ctx)
	if err != nil {
		return chat.CustomerDetails{}, fmt.Errorf("identify: %w", err)
	}
	v, err := auth.VerifyIdentity(id, token, s.opts.Now())
	if err != nil {
		reason := chat.ErrorOf(err).Reason
		s.ids.refused.WithLabelValues(reason).Inc()
		s.log.Info("identity token refused", "customer", a.Customer.ID, "reason", reason)
		return chat.CustomerDetails{}, err
	}
	d, err := s.st.SetCustomerDetails(ctx, a.Customer.ID, v.Subject, v.Details)
	if err != nil {
		if r := chat.ErrorOf(err).Reason; r == "identity_other_customer" {
			s.ids.refused.WithLabelValues(r).Inc()
			s.log.Info("identity token refused", "customer", a.Customer.ID, "reason", r)
		}
		return chat.CustomerDetails{}, err
	}
	s.ids.verified.Inc()
	// The customer's chats are known by the subject from now on, for an
	// erasure by it.
	cs, err := s.st.Conversations(ctx, store.ConversationFilter{CustomerID: a.Customer.ID})
	if err != nil {
		return chat.CustomerDetails{}, fmt.Errorf("identify: %w", err)
	}
	for _, c := range cs {
		if err := s.addSubject(ctx, c.ID, v.Subject); err != nil {
			return chat.CustomerDetails{}, err
		}
	}
	s.detailsChanged(ctx, a.Customer.ID, d.Subject)
	return d, nil
}

// detailsChanged tells the agents of the open chats of a customer (and of
// every customer of the subject) that the customer's details changed, so
// that their desktops read them again. A lost notice leaves a desktop
// with the details it read when it opened the chat.
func (s *Service) detailsChanged(ctx context.Context, id chat.CustomerID, subject string) {
	open := []chat.ConversationStatus{chat.StatusWaiting, chat.StatusActive}
	cs, err := s.st.Conversations(ctx, store.ConversationFilter{CustomerID: id, Statuses: open})
	if err == nil && subject != "" {
		var more []chat.Conversation
		if more, err = s.st.Conversations(ctx, store.ConversationFilter{Subject: subject, Statuses: open}); err == nil {
			cs = append(cs, more...)
		}
	}
	if err != nil {
		s.log.Warn("customer details: open chats", "customer", id, "err", err)
		return
	}
	seen := map[chat.ConversationID]bool{}
	for _, c := range cs {
		if !seen[c.ID] {
			seen[c.ID] = true
			s.publish(ctx, chat.Event{ConversationID: c.ID, Kind: chat.KindCustomerDetails, Time: s.opts.Now(), Visibility: chat.VisibleAgents, Author: chat.System})
		}
	}
}

func (s *Service) addSubject(ctx context.Context, id chat.ConversationID, subject string) error {
	if err := s.st.AddContact(ctx, id, store.ContactVerifiedID, store.ContactHash(store.ContactVerifiedID, subject)); err != nil {
		return fmt.Errorf("verified contact: %w", err)
	}
	return nil
}

// UnverifiedFields are the details a customer (or the page, unsigned) may
// give.
var UnverifiedFields = []string{chat.FieldName, chat.FieldEmail, chat.FieldPhone}

// SetDetails records details the customer gave, unverified: name, email
// and phone, each at most chat.MaxDetailLength characters on one line (an
// empty value is left out). A field the organisation vouched for keeps
// its verified value.
func (s *Service) SetDetails(ctx context.Context, a auth.Actor, fields map[string]string) (chat.CustomerDetails, error) {
	if a.Customer == nil {
		return chat.CustomerDetails{}, chat.E(chat.EUnauthenticated, "customer_token_required", "A customer token is required.")
	}
	now := s.opts.Now()
	var ds []chat.Detail
	for _, f := range UnverifiedFields {
		v, ok := fields[f]
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		if utf8.RuneCountInString(v) > chat.MaxDetailLength {
			return chat.CustomerDetails{}, chat.E(chat.EInvalid, "detail_too_long", "At most {max} characters.", "max", chat.MaxDetailLength, "field", f)
		}
		if strings.ContainsAny(v, "\r\n") || chat.CheckText(v, chat.TextName) != nil {
			return chat.CustomerDetails{}, chat.E(chat.EInvalid, "detail_not_one_line", "Keep it on one line, without control characters.", "field", f)
		}
		if v != "" {
			ds = append(ds, chat.Detail{Field: f, Value: v, Source: chat.SourceCustomer, At: now})
		}
	}
	for f := range fields {
		if !isUnverifiedField(f) {
			return chat.CustomerDetails{}, chat.E(chat.EInvalid, "detail_unknown", "A customer may give name, email and phone.", "field", f)
		}
	}
	d, err := s.st.SetCustomerDetails(ctx, a.Customer.ID, "", ds)
	if err != nil {
		return chat.CustomerDetails{}, err
	}
	s.detailsChanged(ctx, a.Customer.ID, d.Subject)
	return d, nil
}

func isUnverifiedField(f string) bool {
	for _, u := range UnverifiedFields {
		if u == f {
			return true
		}
	}
	return false
}

// MyDetails returns what is known of the actor, a customer.
func (s *Service) MyDetails(ctx context.Context, a auth.Actor) (chat.CustomerDetails, error) {
	if a.Customer == nil {
		return chat.CustomerDetails{}, chat.E(chat.EUnauthenticated, "customer_token_required", "A customer token is required.")
	}
	return s.st.CustomerDetails(ctx, a.Customer.ID)
}

// EarlierChat is another chat of the same verified customer, as the
// agent's details panel lists it.
type EarlierChat struct {
	ID        chat.ConversationID     `json:"id"`
	QueueID   chat.QueueID            `json:"queueId"`
	Status    chat.ConversationStatus `json:"status"`
	CreatedAt time.Time               `json:"createdAt"`
	EndedAt   time.Time               `json:"endedAt,omitzero"`
	// Readable says whether the agent asking may open it (the agent view's
	// rules: supervisors and administrators all, an agent those they took
	// part in).
	Readable bool `json:"readable"`
}

// CustomerInfo is a chat's customer as an agent sees it.
type CustomerInfo struct {
	chat.CustomerDetails
	// Earlier lists the other chats of the same verified customer (same
	// subject), newest first; empty for an unverified customer.
	Earlier []EarlierChat `json:"earlier"`
}

// MaxEarlierChats is how many earlier chats CustomerInfo lists.
const MaxEarlierChats = 50

// CustomerInfo returns the customer of conversation id, for an agent who
// may read the conversation.
func (s *Service) CustomerInfo(ctx context.Context, a auth.Actor, id chat.ConversationID) (CustomerInfo, error) {
	c, err := s.readable(ctx, a, id)
	if err != nil {
		return CustomerInfo{}, err
	}
	d, err := s.st.CustomerDetails(ctx, c.CustomerID)
	if err != nil {
		return CustomerInfo{}, fmt.Errorf("customer info: %w", err)
	}
	info := CustomerInfo{CustomerDetails: d, Earlier: []EarlierChat{}}
	if d.Subject == "" {
		return info, nil
	}
	cs, err := s.st.Conversations(ctx, store.ConversationFilter{Subject: d.Subject})
	if err != nil {
		return CustomerInfo{}, fmt.Errorf("customer info: %w", err)
	}
	for i := len(cs) - 1; i >= 0 && len(info.Earlier) < MaxEarlierChats; i-- {
		o := cs[i]
		if o.ID == c.ID {
			continue
		}
		info.Earlier = append(info.Earlier, EarlierChat{ID: o.ID, QueueID: o.QueueID, Status: o.Status,
			CreatedAt: o.CreatedAt, EndedAt: o.EndedAt, Readable: s.mayRead(ctx, a.User, o) == nil})
	}
	return info, nil
}
