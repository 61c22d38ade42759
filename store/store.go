// Package store defines what Skranke keeps and how it is asked for: a few
// role interfaces that the SQLite and PostgreSQL stores both implement, and
// that store/storetest checks for both, and GroupCommit, the batching of
// AppendEvent calls that both share (groupcommit.go).
//
// One method call is one transaction. Getters of a single thing return a
// *chat.Error with code not_found when there is none, never (zero, nil).
//
// Durability: a method returns only after its transaction is committed to
// stable storage, so that it survives a crash of the process (kill -9), of
// the operating system or a power cut: SQLite runs WAL with
// synchronous=FULL (an fsync per commit, one per group-commit batch),
// PostgreSQL with synchronous_commit=on.
//
// The logic both stores share lives here, once: the fold of a group
// commit's events (batch.go: deduplication by client message id, the
// chat's rules, Seq, the participants record, the files a message carries)
// and the checks of starting a conversation (start.go). The dialect
// packages hold SQL only.
//
// Behaviour the conformance suite (store/storetest) fixes for every store:
// Events of an unknown conversation is not_found, of a known one with
// nothing after the given Seq an empty list; a retried message is
// recognised before the chat's rules are checked, so a retry after the chat
// ended still gets its original event; StartConversation with an unknown
// queue is invalid; DeleteSession of an unknown session is not an error;
// times are kept exactly, in UTC.
package store

import (
	"context"
	"time"

	"skranke/chat"
)

// Store is everything Skranke keeps.
type Store interface {
	Directory
	DirectoryEditor
	Sessions
	Customers
	Conversations
	EventLog
	ChatLogs
	Outbox
	Erasure
	AgentStates
	Attachments // attachment.go
	Webhooks    // webhook.go
	Checker     // health.go
	Close() error
}

// Directory reads the organisation's configuration: queues, profiles,
// users, settings, API tokens and the audit log of their changes. Changes
// go through the functions of directory.go, over DirectoryEditor.
type Directory interface {
	// Queue returns a queue, removed or not (chats keep their queue).
	Queue(ctx context.Context, id chat.QueueID) (chat.Queue, error)
	// Queues lists the queues that have not been removed, by name.
	Queues(ctx context.Context) ([]chat.Queue, error)

	Profile(ctx context.Context, id chat.ProfileID) (chat.Profile, error)
	// Profiles lists all profiles by name, each with its queues.
	Profiles(ctx context.Context) ([]chat.Profile, error)

	User(ctx context.Context, id chat.UserID) (chat.User, error)
	UserByUsername(ctx context.Context, username string) (chat.User, error)
	// Users lists all users, deactivated ones too, by display name.
	Users(ctx context.Context) ([]chat.User, error)

	// Setting returns an organisation-wide setting; see WidgetSettings.
	Setting(ctx context.Context, key string) (Setting, error)

	// APITokens lists every API token, revoked ones too, newest first.
	APITokens(ctx context.Context) ([]chat.APIToken, error)
	// APITokenByHash returns the token with that hash, revoked or not.
	APITokenByHash(ctx context.Context, hash string) (chat.APIToken, error)
	// TouchAPIToken records that a token was used now. To spare the
	// database a write per request, it changes LastUsedAt only when that is
	// a minute old or more.
	TouchAPIToken(ctx context.Context, id string) error

	// AuditEntries lists audit entries, newest first.
	AuditEntries(ctx context.Context, f AuditFilter) ([]chat.AuditEntry, error)
}

// Sessions holds logged-in users' sessions.
type Sessions interface {
	CreateSession(ctx context.Context, s chat.Session) error
	// Session returns the unexpired session with that token hash.
	Session(ctx context.Context, tokenHash string) (chat.Session, error)
	DeleteSession(ctx context.Context, tokenHash string) error
	// CreateSSOLogin stores an agent's sign-in at the organisation's
	// OpenID provider that waits for its answer (CreatedAt is set by the
	// store), and deletes those older than an hour.
	CreateSSOLogin(ctx context.Context, l SSOLogin) error
	// TakeSSOLogin returns the sign-in of state and deletes it, so that it
	// is used once; not_found (sso_login_unknown) if there is none,
	// invalid (sso_login_expired) if it is older than SSOLoginTTL by the
	// store's clock.
	TakeSSOLogin(ctx context.Context, state string) (SSOLogin, error)
}

// SSOLoginTTL is how long an agent's sign-in at the provider may take.
const SSOLoginTTL = 10 * time.Minute

// SSOLogin is an agent's sign-in at the organisation's OpenID provider,
// started and waiting for the provider's answer. Nobody is known yet.
type SSOLogin struct {
	State     string
	Verifier  string // the PKCE code verifier
	Nonce     string
	CreatedAt time.Time
}

// Customers holds customer identities.
type Customers interface {
	// CreateCustomer adds c (CreatedAt and LastSeenAt are set by the store).
	CreateCustomer(ctx context.Context, c chat.Customer) (chat.Customer, error)
	CustomerByTokenHash(ctx context.Context, tokenHash string) (chat.Customer, error)
	// TouchCustomer sets the customer's LastSeenAt to now.
	TouchCustomer(ctx context.Context, id chat.CustomerID) error
	// CustomerDetails returns what is known of a customer (R6): the
	// subject the organisation vouched for, if any, and the details.
	CustomerDetails(ctx context.Context, id chat.CustomerID) (chat.CustomerDetails, error)
	// SetCustomerDetails merges details into the customer's, in one
	// transaction, by chat.MergeDetails (a verified value is never
	// replaced by an unverified one), and records subject, when given, as
	// the customer's. A customer vouched for as another subject is a
	// conflict (identity_other_customer), and nothing is written.
	SetCustomerDetails(ctx context.Context, id chat.CustomerID, subject string, details []chat.Detail) (chat.CustomerDetails, error)
	// CreateOIDCLogin stores a customer's sign-in at the OpenID provider
	// that waits for its answer (CreatedAt is set by the store), and
	// deletes those older than an hour.
	CreateOIDCLogin(ctx context.Context, l OIDCLogin) error
	// TakeOIDCLogin returns the sign-in of state and deletes it, so that
	// it is used once; not_found if there is none.
	TakeOIDCLogin(ctx context.Context, state string) (OIDCLogin, error)
}

// OIDCLogin is a customer's sign-in at the organisation's OpenID
// provider, started and waiting for the provider's answer.
type OIDCLogin struct {
	State      string
	CustomerID chat.CustomerID
	Verifier   string // the PKCE code verifier
	Nonce      string
	CreatedAt  time.Time
}

// StartConversation asks for a new chat.
type StartConversation struct {
	ID           chat.ConversationID // used if a new conversation is created
	CustomerID   chat.CustomerID
	QueueID      chat.QueueID
	CustomerName string
}

// StartResult is the result of StartConversation.
type StartResult struct {
	Conversation chat.Conversation
	Event        chat.Event // the new conversation's "started" event; zero when Created is false
	Created      bool       // false: the customer's open conversation is returned instead
}

// ConversationFilter selects conversations. Zero fields do not filter.
type ConversationFilter struct {
	Statuses   []chat.ConversationStatus
	CustomerID chat.CustomerID
	// AgentID selects the chats the agent is in or holds the open offer or
	// invitation of (the participants record's current state).
	AgentID chat.UserID
	// Subject selects the chats of every customer the organisation
	// vouched for as that subject (chat.CustomerDetails.Subject).
	Subject string
	Limit   int // 0: no limit
}

// Conversations holds the current state of chats.
type Conversations interface {
	// StartConversation creates a waiting conversation with its "started"
	// event, unless the customer already has one that has not ended: then it
	// returns that one and Created is false. At most one open conversation per
	// customer exists, however many requests race.
	StartConversation(ctx context.Context, s StartConversation) (StartResult, error)
	Conversation(ctx context.Context, id chat.ConversationID) (chat.Conversation, error)
	// Conversations lists matching conversations, oldest first.
	Conversations(ctx context.Context, f ConversationFilter) ([]chat.Conversation, error)
	// Participation returns an agent's record in a conversation, not_found
	// if the agent never had a part in it.
	Participation(ctx context.Context, id chat.ConversationID, agent chat.UserID) (chat.Participation, error)
	// Participations lists every agent's record in a conversation, by the
	// time each first had a part in it.
	Participations(ctx context.Context, id chat.ConversationID) ([]chat.Participation, error)
}

// Appended is the result of AppendEvent.
type Appended struct {
	Event        chat.Event        // as stored, with Seq and Time
	Conversation chat.Conversation // after the event
	Duplicate    bool              // the client message id was seen before; Event is the original
}

// EventLog holds conversations' logs.
type EventLog interface {
	// AppendEvent stores e as the next event of e.ConversationID, if
	// chat.Conversation.Apply allows it at the commit time, in the same
	// transaction as the conversation's new state and the participants
	// record. The store sets e.Time. An event whose (conversation, author,
	// ClientMsgID) was stored before is not stored again: the original is
	// returned with Duplicate set.
	// It returns only after the event is durably committed. Concurrent calls
	// may be committed together in one transaction (group commit).
	AppendEvent(ctx context.Context, e chat.Event) (Appended, error)
	// Events returns up to limit events of a conversation with Seq > after,
	// in order. limit <= 0 means no limit.
	Events(ctx context.Context, id chat.ConversationID, after chat.Seq, limit int) ([]chat.Event, error)
	// EventByClientMsgID returns the event that author (a Participant's
	// ID) stored in the conversation with that client message id, and
	// false if there is none.
	EventByClientMsgID(ctx context.Context, k MsgKey) (chat.Event, bool, error)
}

// AgentStates holds agents' chosen status and profile.
type AgentStates interface {
	// SetAgentState stores st (UpdatedAt is set by the store).
	SetAgentState(ctx context.Context, st chat.AgentState) (chat.AgentState, error)
	// AgentState returns the agent's state, or paused with no profile if it
	// has none yet.
	AgentState(ctx context.Context, id chat.UserID) (chat.AgentState, error)
	AgentStates(ctx context.Context) ([]chat.AgentState, error)
}

// Clock returns the current time. Stores read it once per transaction.
type Clock func() time.Time

// ChatLogFilter selects conversations of the organisation's chat log.
// Zero fields do not filter.
type ChatLogFilter struct {
	Queue chat.QueueID
	// Agent selects the chats this agent took part in (joined at some
	// time).
	Agent    chat.UserID
	From, To time.Time // created at or after From, before To
	Statuses []chat.ConversationStatus
	EndedBy  chat.ParticipantRole
	// HasPrivate, when set, selects chats with private notes (true) or
	// without (false).
	HasPrivate *bool
	// Words selects chats with an event whose text has every one of them
	// (chat.SearchWords: whole words, or word starts for words of
	// chat.MinPrefixWord letters or more), private notes included.
	Words []string
	// Before, when set, continues a list after the entry it names.
	Before *ChatLogCursor
	Limit  int // 50 if 0; at most 200
}

// ChatLogCursor names an entry of the chat log, which lists the chats in
// the order they arrived, newest first: Ord is the entry's place in that
// order (a number the store gives each conversation as it is created, in
// increasing order).
type ChatLogCursor struct {
	Ord int64
}

// ChatLogEntry is a conversation as the chat log lists it.
type ChatLogEntry struct {
	Conversation chat.Conversation
	Evaluation   *chat.Evaluation // nil if none
	// Hits are, when the filter has Words, up to three of its events whose
	// text has them, newest first.
	Hits []chat.Event
}

// ChatLogs is the organisation's record of its chats.
type ChatLogs interface {
	// ChatLog lists the conversations that match f, newest first (in the
	// order they arrived). It returns the cursor of the next page, nil
	// after the last.
	ChatLog(ctx context.Context, f ChatLogFilter) ([]ChatLogEntry, *ChatLogCursor, error)
	// SetEvaluation stores e (UpdatedAt is set by the store) if the stored
	// evaluation's version is e.Version (0: there is none yet), and returns
	// it with the next version; otherwise it is a conflict. The chat must
	// exist.
	SetEvaluation(ctx context.Context, e chat.Evaluation) (chat.Evaluation, error)
	// Evaluation returns a conversation's evaluation, not_found if none.
	Evaluation(ctx context.Context, id chat.ConversationID) (chat.Evaluation, error)
}

// Chat log page sizes.
const (
	DefaultChatLogPage = 50
	MaxChatLogPage     = 200
)

// ChatLogLimit returns the page size of a chat log filter.
func (f ChatLogFilter) ChatLogLimit() int {
	switch {
	case f.Limit <= 0:
		return DefaultChatLogPage
	case f.Limit > MaxChatLogPage:
		return MaxChatLogPage
	}
	return f.Limit
}

// MaxHits is how many matching events a chat log entry holds.
const MaxHits = 3

// Job is work the server must do outside a request, durably: an e-mail to
// send, a webhook to deliver. It is done at least once: a job whose worker
// dies is done again.
type Job struct {
	ID             string
	Kind           string              // what to do, for the worker's handler
	ConversationID chat.ConversationID // the chat it is about, if any
	Payload        []byte              // the kind's own data, JSON
	Attempts       int                 // tries that failed
	NextAt         time.Time           // not before then
	CreatedAt      time.Time
	DoneAt         time.Time // zero until done
	FailedAt       time.Time // zero unless given up
	LastError      string    // why the last try failed
	// Key, when set, orders the job among the others with the same key:
	// none is handed out while one with a smaller Ordinal (or the same,
	// made earlier) is neither done nor given up.
	Key     string
	Ordinal int64
}

// JobFilter selects jobs. Zero fields do not filter.
type JobFilter struct {
	Kind           string
	ConversationID chat.ConversationID
	Failed         bool // only jobs given up
	Limit          int  // 100 if 0
}

// Outbox holds jobs until they are done.
type Outbox interface {
	// EnqueueJob stores j (a new ID if empty; CreatedAt and, if zero,
	// NextAt are set by the store).
	EnqueueJob(ctx context.Context, j Job) (Job, error)
	// DueJobs returns up to limit jobs neither done nor given up whose
	// NextAt has come and that no job before them with the same Key
	// holds back, oldest first.
	DueJobs(ctx context.Context, limit int) ([]Job, error)
	// JobDone marks a job done.
	JobDone(ctx context.Context, id string) error
	// JobRetry counts a failed try of a job and sets when to try again.
	JobRetry(ctx context.Context, id string, next time.Time, lastError string) error
	// JobFailed gives a job up.
	JobFailed(ctx context.Context, id string, lastError string) error
	// Jobs lists jobs, newest first.
	Jobs(ctx context.Context, f JobFilter) ([]Job, error)
	// PruneJobs deletes the jobs done or given up before t (what they
	// sent, such as an address, goes with them) and returns how many; and
	// the webhook delivery log's entries made before t.
	PruneJobs(ctx context.Context, t time.Time) (int, error)
}

// ContactKind is a way a customer is known by in a chat, for erasure on
// request: an e-mail address a transcript went to, a verified customer id.
// The store keeps a hash of the value only (ContactHash), never the value.
type ContactKind string

const (
	ContactEmail      ContactKind = "email"
	ContactVerifiedID ContactKind = "verified_id"
)

// Expiry selects ended chats whose time has come, for the retention job:
// those of Queue that ended before EndedBefore, or, when Queue is empty,
// those of every queue but the ones in Except.
type Expiry struct {
	Queue       chat.QueueID
	Except      []chat.QueueID
	EndedBefore time.Time
}

// Why a chat was deleted, in ErasedCount.
const (
	ErasedRetention = "retention" // its time had come
	ErasedRequest   = "request"   // on the customer's request, or an administrator's
)

// Deletion is a deletion of chats (Erasure.DeleteConversations).
type Deletion struct {
	IDs    []chat.ConversationID
	Reason string // ErasedRetention or ErasedRequest
	// DropCustomers deletes the customers left without chats.
	DropCustomers bool
	// By is who deletes them, for the audit log: an administrator, or the
	// server itself (the retention job, a customer's request).
	By chat.AuditActor
	// Criterion says how the chats were chosen, for the audit log
	// ("retention", "conversation", "customer", "email", "verifiedId",
	// "customer request"); never the value it matched.
	Criterion string
}

// ErasedCount is what remains of deleted chats: how many, per queue, day
// of their end (UTC, YYYY-MM-DD) and reason, without a trace of who.
type ErasedCount struct {
	Day           string       `json:"day"`
	QueueID       chat.QueueID `json:"queueId"`
	Reason        string       `json:"reason"`
	Conversations int          `json:"conversations"`
	Answered      int          `json:"answered"` // of them, chats an agent took
	Messages      int          `json:"messages"` // their messages visible to all
}

// Erasure deletes chats, for the retention job and on request (R15).
type Erasure interface {
	// Expired returns up to limit ended conversations that e selects,
	// oldest end first.
	Expired(ctx context.Context, e Expiry, limit int) ([]chat.ConversationID, error)
	// EndedSince returns up to limit conversations that ended after the
	// end time t and conversation id after (at t, those of a greater id;
	// an empty after: every one of t), in the order (end time, id).
	EndedSince(ctx context.Context, t time.Time, after chat.ConversationID, limit int) ([]chat.Conversation, error)
	// ErasureRequested returns up to limit conversations that ended before
	// t and whose customer asked that they be deleted.
	ErasureRequested(ctx context.Context, t time.Time, limit int) ([]chat.ConversationID, error)
	// AddContact records that conversation id's customer is known by the
	// contact whose ContactHash is hash; adding it again changes nothing.
	AddContact(ctx context.Context, id chat.ConversationID, kind ContactKind, hash string) error
	// ContactConversations lists the conversations known by a contact.
	ContactConversations(ctx context.Context, kind ContactKind, hash string) ([]chat.ConversationID, error)
	// CustomerConversations lists a customer's conversations, ended or not.
	CustomerConversations(ctx context.Context, id chat.CustomerID) ([]chat.ConversationID, error)
	// DeleteConversations deletes the ended conversations among ids, in
	// one transaction, with everything of them (the log, its search index,
	// participants, evaluation, outbox jobs, contacts, the records of their
	// files, whose ids go to OrphanFiles), counts them in
	// ErasedCounts under reason, and returns the ids it deleted. Open
	// conversations and unknown ids are left alone. A customer left
	// without conversations is deleted too if d.DropCustomers is set. The
	// deletion is in the audit log, written in the same transaction
	// (DeletionAudit), unless nothing was deleted.
	DeleteConversations(ctx context.Context, d Deletion) ([]chat.ConversationID, error)
	// ErasedCounts lists the counts of deleted chats, by day and queue.
	ErasedCounts(ctx context.Context) ([]ErasedCount, error)
	// CompactSearchIndex rewrites the full-text index without the words
	// of deleted chats, which a deletion only marks (SQLite), or reclaims
	// the space of deleted rows (PostgreSQL, VACUUM). It may hold the
	// writer for seconds per million messages: the server runs it once
	// a night.
	CompactSearchIndex(ctx context.Context) error
	// OrphanFiles lists up to limit files of deleted chats whose bytes
	// are still to be removed from the blob store, oldest first;
	// ForgetOrphanFile says they are.
	OrphanFiles(ctx context.Context, limit int) ([]chat.AttachmentID, error)
	ForgetOrphanFile(ctx context.Context, id chat.AttachmentID) error
}
