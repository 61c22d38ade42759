// Package conversation is Skranke's application layer: every operation on a
// conversation, whichever transport asks for it. A WebSocket frame
// (package realtime) and a REST request (package httpapi) only decode the
// request, call one method of Service with the authenticated auth.Actor,
// and encode the answer; the same operation over both transports is the
// same code here.
//
// Each write checks that the actor may do it, builds the event, appends it
// and publishes it once committed (store.AppendAndPublish), and returns the
// event as stored. The chat's own rules (chat.Conversation.Apply) are
// checked again by the store inside the transaction that appends, so a
// check here is never the only one; it is here so the caller gets a clear
// answer before anything is written.
//
// Reads have two views. The agent view (access.go) is for agents who took
// part in a chat or hold its offer or invitation now, and for supervisors
// and administrators. The customer view (customer.go) is the only read a
// customer has: it checks once that the conversation is theirs and yields
// chat.CustomerEvent values, which only chat.ForCustomer can make.
//
// Transports may not reach the store themselves: internal/archtest forbids
// realtime and httpapi to import package store at all.
package conversation

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"skranke/auth"
	"skranke/blob"
	"skranke/bus"
	"skranke/chat"
	"skranke/store"
)

// Invitations is what inviting needs to know of agents' availability; the
// router answers it on every node.
type Invitations interface {
	// Invitable returns nil if the agent can be invited now, or a conflict
	// error saying why not.
	Invitable(ctx context.Context, id chat.UserID) error
	// PickAgent returns the agent a queue invitation should go to, never one
	// in exclude, or "" when nobody is available.
	PickAgent(ctx context.Context, q chat.QueueID, exclude []chat.UserID) (chat.UserID, error)
}

// Options configure a Service. Store and Bus are required; zero values of
// the others are the documented defaults.
type Options struct {
	Store store.Store
	Bus   bus.Bus
	// Invitations answers who can be invited; without it, invitations are
	// refused as unavailable.
	Invitations Invitations
	// Supervision gives the supervisor's live board; without it, the
	// board is unavailable.
	Supervision Supervision
	// InviteTimeout is how long an invitation waits for its answer (the
	// router's offer timeout). 30s.
	InviteTimeout time.Duration
	// TransferTimeout is how long a transfer to a queue waits for an agent
	// of the queue to accept it before it gives up and the chat stays with
	// the transferring agent. 2m.
	TransferTimeout time.Duration
	// TypingInterval throttles typing notices to one per author and
	// conversation per interval, on this node. 1s.
	TypingInterval time.Duration
	// Blobs holds attachments' bytes (attachment.go); without it, files
	// cannot be sent.
	Blobs blob.Store
	// SpoolDir is where uploads are written while they arrive and are
	// checked; os.TempDir() when empty. Put it on a disk, not in memory
	// (tmpfs): it holds up to 20 MB per upload in progress.
	SpoolDir string
	// Uploads limit customers' uploads; the zero value limits nothing.
	Uploads UploadLimits
	// UnsentFor is how long an uploaded file may wait to be sent before
	// it is removed. 24h.
	UnsentFor time.Duration
	// Decoders is how many images may be decoded at once for thumbnails,
	// each taking up to 200 MB while it is (media.MaxPixels). 1.
	Decoders int
	Logger   *slog.Logger // slog.Default()
	Now      func() time.Time
	// Mail says e-mail is set up, so transcripts can be e-mailed; Kick,
	// if set, is called when a job is put in the outbox.
	Mail bool
	Kick func()
	// Privacy returns the organisation's privacy policy (retention,
	// erasure); nil is chat.DefaultPrivacy.
	Privacy func(context.Context) (chat.Privacy, error)
	// Audience is what customers' identity tokens must name in aud unless
	// the administrator sets another: this server's public URL.
	Audience string
	// BaseURL is this server's public URL, where the OpenID provider sends
	// customers back (OIDCCallbackPath).
	BaseURL string
	// Registry, if set, gets the metrics of identity tokens.
	Registry prometheus.Registerer
}

// Service carries out every operation on conversations. It is safe for
// concurrent use.
type Service struct {
	opts Options // immutable after New
	st   store.Store
	log  *slog.Logger

	typingMu   sync.Mutex
	typingLast map[typingKey]time.Time // guarded by typingMu

	// decodes holds a token for each image being decoded (Decoders).
	decodes chan struct{}

	// autoSeen is when the last chat ended that SendAutoTranscripts has
	// seen, guarded by autoMu.
	autoMu   sync.Mutex
	autoSeen time.Time

	ids  *identityMetrics // immutable after New
	oidc auth.OIDCProviders
}

type typingKey struct {
	conv   chat.ConversationID
	author string
}

// New returns a Service.
func New(opts Options) *Service {
	if opts.InviteTimeout == 0 {
		opts.InviteTimeout = 30 * time.Second
	}
	if opts.TransferTimeout == 0 {
		opts.TransferTimeout = 2 * time.Minute
	}
	if opts.TypingInterval == 0 {
		opts.TypingInterval = time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.UnsentFor == 0 {
		opts.UnsentFor = 24 * time.Hour
	}
	if opts.Decoders <= 0 {
		opts.Decoders = 1
	}
	return &Service{opts: opts, st: opts.Store, log: opts.Logger, typingLast: make(map[typingKey]time.Time),
		decodes: make(chan struct{}, opts.Decoders), ids: newIdentityMetrics(opts.Registry)}
}

// append appends e and publishes it once committed: the one way a
// transport's request enters a log. committed, if set, hears of the event
// between its commit and its publication.
func (s *Service) append(ctx context.Context, e chat.Event, committed func(chat.Event)) (chat.Event, error) {
	h := store.Hooks{Failed: s.publishFailed}
	if committed != nil {
		h.Committed = func(a store.Appended) { committed(a.Event) }
	}
	a, err := store.AppendAndPublish(ctx, s.st, s.opts.Bus, e, h)
	if err != nil {
		return chat.Event{}, err
	}
	return a.Event, nil
}

// publish announces an ephemeral event, logging a failure: it is lost, and
// nothing depends on it.
func (s *Service) publish(ctx context.Context, e chat.Event) {
	if err := s.opts.Bus.Publish(context.WithoutCancel(ctx), e); err != nil {
		s.publishFailed(e, err)
	}
}

func (s *Service) publishFailed(e chat.Event, err error) {
	s.log.Warn("publish event", "conversation", e.ConversationID, "seq", e.Seq, "kind", e.Kind, "err", err)
}

// Health reports whether the store answers and can write (store.Checker).
func (s *Service) Health(ctx context.Context) error {
	return s.st.Health(ctx)
}
