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
	Sessions
	Customers
	Conversations
	EventLog
	AgentStates
	Attachments // attachment.go
	Checker     // health.go
	Close() error
}

// Directory holds the organisation's configuration: queues, profiles, users.
type Directory interface {
	// CreateQueue adds q; an existing id is a conflict.
	CreateQueue(ctx context.Context, q chat.Queue) error
	Queue(ctx context.Context, id chat.QueueID) (chat.Queue, error)
	// Queues lists all queues by name.
	Queues(ctx context.Context) ([]chat.Queue, error)

	// CreateProfile adds p; an existing id is a conflict. Unknown queues are invalid.
	CreateProfile(ctx context.Context, p chat.Profile) error
	Profile(ctx context.Context, id chat.ProfileID) (chat.Profile, error)
	// Profiles lists all profiles by name, each with its queues.
	Profiles(ctx context.Context) ([]chat.Profile, error)

	// CreateUser adds u (CreatedAt is set by the store); an existing id or
	// username is a conflict.
	CreateUser(ctx context.Context, u chat.User) (chat.User, error)
	User(ctx context.Context, id chat.UserID) (chat.User, error)
	UserByUsername(ctx context.Context, username string) (chat.User, error)
	// Users lists all users by display name.
	Users(ctx context.Context) ([]chat.User, error)
}

// Sessions holds logged-in users' sessions.
type Sessions interface {
	CreateSession(ctx context.Context, s chat.Session) error
	// Session returns the unexpired session with that token hash.
	Session(ctx context.Context, tokenHash string) (chat.Session, error)
	DeleteSession(ctx context.Context, tokenHash string) error
}

// Customers holds customer identities.
type Customers interface {
	// CreateCustomer adds c (CreatedAt and LastSeenAt are set by the store).
	CreateCustomer(ctx context.Context, c chat.Customer) (chat.Customer, error)
	CustomerByTokenHash(ctx context.Context, tokenHash string) (chat.Customer, error)
	// TouchCustomer sets the customer's LastSeenAt to now.
	TouchCustomer(ctx context.Context, id chat.CustomerID) error
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
