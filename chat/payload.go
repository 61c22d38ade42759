package chat

import "time"

// Data is an event's kind-specific payload. Each kind that carries one has
// its own type below, and an event's Data is always of its kind's type
// (Conversation.Apply refuses anything else). Kind names the kind a
// payload belongs to.
type Data interface {
	Kind() Kind
}

// AgentRef names the agent an event is about. Customers see only the name.
type AgentRef struct {
	AgentID   UserID `json:"agentId,omitempty"`
	AgentName string `json:"agentName,omitempty"`
}

func (a AgentRef) agentRef() AgentRef { return a }

// Started is the payload of KindStarted: the queue the customer entered.
type Started struct {
	QueueID QueueID `json:"queueId,omitempty"`
}

// Offered is the payload of KindOffered: the chat, waiting in QueueID, is
// offered to the agent until ExpiresAt.
type Offered struct {
	AgentRef
	QueueID   QueueID   `json:"queueId,omitempty"`
	ExpiresAt time.Time `json:"expiresAt,omitzero"`
}

// OfferDeclined is the payload of KindOfferDeclined: the agent's offer ended
// (Reason rejected, expired or disconnected).
type OfferDeclined struct {
	AgentRef
	Reason string `json:"reason,omitempty"`
}

// AgentJoined is the payload of KindAgentJoined.
type AgentJoined struct {
	AgentRef
}

// AgentLeft is the payload of KindAgentLeft (Reason left or disconnected).
type AgentLeft struct {
	AgentRef
	Reason string `json:"reason,omitempty"`
}

// Requeued is the payload of KindRequeued: the chat waits again in QueueID.
type Requeued struct {
	QueueID QueueID `json:"queueId,omitempty"`
	Reason  string  `json:"reason,omitempty"`
}

// Ended is the payload of KindEnded; Reason is empty when a party ended
// the chat by choice.
type Ended struct {
	Reason string `json:"reason,omitempty"`
}

// Invited is the payload of KindInvited: the agent is invited until
// ExpiresAt; QueueID is set for an invitation of any available agent of
// that queue. The inviter's note is the event's Text.
type Invited struct {
	AgentRef
	QueueID   QueueID   `json:"queueId,omitempty"`
	ExpiresAt time.Time `json:"expiresAt,omitzero"`
	// Transfer marks the router's offer of a transfer to a queue (R18).
	Transfer bool `json:"transfer,omitempty"`
}

// InvitationDeclined is the payload of KindInvitationDeclined.
type InvitationDeclined struct {
	AgentRef
	QueueID QueueID `json:"queueId,omitempty"`
	Reason  string  `json:"reason,omitempty"`
}

// Transferred is the payload of KindTransferred: the chat is handed to the
// named agent (AgentRef) or to QueueID, with the transferring agent's Note
// for the receiver, until ExpiresAt (for a named agent, its offer's expiry;
// for a queue, when the transfer gives up if nobody accepted it). The
// customer sees none of it.
type Transferred struct {
	AgentRef
	QueueID   QueueID   `json:"queueId,omitempty"`
	Note      string    `json:"note,omitempty"`
	ExpiresAt time.Time `json:"expiresAt,omitzero"`
}

// Monitored is the payload of KindMonitored: the supervisor (AgentRef)
// watches the chat now (Watching) or no longer does.
type Monitored struct {
	AgentRef
	Watching bool `json:"watching"`
}

// Rerouted is the payload of KindRerouted: the supervisor (AgentRef) set
// the waiting chat's Priority (nil: unchanged) or moved it to QueueID
// ("": unchanged).
type Rerouted struct {
	AgentRef
	Priority *int    `json:"priority,omitempty"`
	QueueID  QueueID `json:"queueId,omitempty"`
}

// QueueStatus is the payload of KindQueueStatus: a waiting chat's Position
// (1 is next), how many agents are logged in for its queue, and the
// ExpectedWait in seconds (rounded; nil when the router cannot tell).
type QueueStatus struct {
	QueueID      QueueID `json:"queueId,omitempty"`
	Position     int     `json:"position,omitempty"`
	AgentsOnline *int    `json:"agentsOnline,omitempty"`
	ExpectedWait *int    `json:"expectedWait,omitempty"`
}

// AgentStatusChange is the payload of KindAgentStatus.
type AgentStatusChange struct {
	AgentRef
	Status    AgentStatus `json:"status,omitempty"`
	ProfileID ProfileID   `json:"profileId,omitempty"`
	Reason    string      `json:"reason,omitempty"`
}

// Presence is the payload of KindPresence: the agent is (Online) or is no
// longer connected to node Node.
type Presence struct {
	AgentID UserID `json:"agentId,omitempty"`
	Online  bool   `json:"online,omitempty"`
	Node    string `json:"node,omitempty"`
}

func (p Presence) agentRef() AgentRef { return AgentRef{AgentID: p.AgentID} }

// SessionRevoked is the payload of KindSessionRevoked: the session of
// UserID whose token has hash TokenHash ended (logout, expiry), or, with
// TokenHash empty, every session of the user (deactivation).
type SessionRevoked struct {
	UserID    UserID `json:"userId"`
	TokenHash string `json:"tokenHash,omitempty"`
}

// DirectoryChanged is the payload of KindDirectoryChanged: the users,
// profiles and queues whose configuration changed, and whether the widget
// settings did. All empty means that anything may have changed.
type DirectoryChanged struct {
	Users    []UserID    `json:"users,omitempty"`
	Profiles []ProfileID `json:"profiles,omitempty"`
	Queues   []QueueID   `json:"queues,omitempty"`
	Widget   bool        `json:"widget,omitempty"`
}

// Everything reports whether the change names nothing in particular, so
// that a receiver re-reads the whole directory.
func (d DirectoryChanged) Everything() bool {
	return len(d.Users) == 0 && len(d.Profiles) == 0 && len(d.Queues) == 0 && !d.Widget
}

// Kinds of the payloads.
func (Started) Kind() Kind            { return KindStarted }
func (Offered) Kind() Kind            { return KindOffered }
func (OfferDeclined) Kind() Kind      { return KindOfferDeclined }
func (AgentJoined) Kind() Kind        { return KindAgentJoined }
func (AgentLeft) Kind() Kind          { return KindAgentLeft }
func (Requeued) Kind() Kind           { return KindRequeued }
func (Ended) Kind() Kind              { return KindEnded }
func (Invited) Kind() Kind            { return KindInvited }
func (InvitationDeclined) Kind() Kind { return KindInvitationDeclined }
func (Transferred) Kind() Kind        { return KindTransferred }
func (Monitored) Kind() Kind          { return KindMonitored }
func (Rerouted) Kind() Kind           { return KindRerouted }
func (QueueStatus) Kind() Kind        { return KindQueueStatus }
func (AgentStatusChange) Kind() Kind  { return KindAgentStatus }
func (Presence) Kind() Kind           { return KindPresence }
func (SessionRevoked) Kind() Kind     { return KindSessionRevoked }
func (DirectoryChanged) Kind() Kind   { return KindDirectoryChanged }

func (d OfferDeclined) reason() string      { return d.Reason }
func (d AgentLeft) reason() string          { return d.Reason }
func (d Requeued) reason() string           { return d.Reason }
func (d Ended) reason() string              { return d.Reason }
func (d InvitationDeclined) reason() string { return d.Reason }
func (d AgentStatusChange) reason() string  { return d.Reason }
