package chat

import "time"

// Kind is what an event records.
type Kind string

// Stored kinds: each is an entry in a conversation's log, with a Seq.
const (
	KindStarted       Kind = "started"        // the customer started the chat in QueueID
	KindOffered       Kind = "offered"        // the chat was offered to AgentID until ExpiresAt
	KindOfferDeclined Kind = "offer_declined" // AgentID's offer ended without acceptance (Reason)
	KindAgentJoined   Kind = "agent_joined"   // AgentID joined (accepted an offer)
	KindAgentLeft     Kind = "agent_left"     // AgentID left (Reason)
	KindMessage       Kind = "message"        // Author wrote Text
	KindRequeued      Kind = "requeued"       // the chat lost its agents and waits again, at the front
	KindEnded         Kind = "ended"          // Author ended the chat
	// KindInvited invites AgentID into an active chat until ExpiresAt, with
	// the inviter's note in Text; QueueID is set when the invitation is for
	// any available agent of that queue. The first is by the inviter; when
	// the invitee of a queue invitation declines, the router (System)
	// invites the next available agent of the queue.
	KindInvited Kind = "invited"
	// KindInvitationDeclined ends the invitation's offer to AgentID (Reason
	// rejected, expired, disconnected), or the whole invitation (Reason
	// withdrawn by an agent in the chat, or unavailable: nobody could take
	// it). After the decline of a queue invitation's invitee, the invitation
	// stays pending while the router looks for the next agent.
	KindInvitationDeclined Kind = "invitation_declined"
)

// Ephemeral kinds: carried on the bus and to clients, never stored, Seq 0.
const (
	KindTyping      Kind = "typing"       // Author is typing in ConversationID
	KindQueueStatus Kind = "queue_status" // a waiting chat's Position and AgentsOnline
	KindAgentStatus Kind = "agent_status" // AgentID's Status/ProfileID changed (Reason)
	KindPresence    Kind = "presence"     // AgentID is Online (or went offline) on node Node
	// KindResync is published by a bus to its own node's subscribers only,
	// when it may have missed announcements (a reconnect to NATS): they
	// catch up from the store. It never leaves the node.
	KindResync Kind = "resync"
	// KindStatusRequest asks the router to publish ConversationID's
	// queue_status now: a customer just connected to a waiting chat.
	KindStatusRequest Kind = "status_request"
)

// Ephemeral reports whether events of kind k are never stored.
func (k Kind) Ephemeral() bool {
	switch k {
	case KindTyping, KindQueueStatus, KindAgentStatus, KindPresence, KindResync, KindStatusRequest:
		return true
	}
	return false
}

// Reasons, in Event.Reason.
const (
	ReasonRejected     = "rejected"      // the agent rejected the offer
	ReasonExpired      = "expired"       // the offer was not answered in time
	ReasonDisconnected = "disconnected"  // the agent's connection was lost
	ReasonLeft         = "left"          // the agent chose to leave
	ReasonMissedOffers = "missed_offers" // paused by the router after missed offers
	ReasonWithdrawn    = "withdrawn"     // an agent withdrew the invitation
	ReasonUnavailable  = "unavailable"   // no agent could take the invitation
)

// Visibility says who may see an event.
type Visibility string

// Visibilities.
const (
	VisibleAll    Visibility = "all"    // the customer and the agents
	VisibleAgents Visibility = "agents" // agents only: private messages, offers
)

// ParticipantRole is the kind of party that caused an event.
type ParticipantRole string

// Participant roles.
const (
	PartyCustomer ParticipantRole = "customer"
	PartyAgent    ParticipantRole = "agent"
	PartySystem   ParticipantRole = "system"
)

// Participant is who caused an event. ID is a CustomerID or a UserID by Role;
// Name is the customer's given name or the agent's display name.
type Participant struct {
	Role ParticipantRole `json:"role"`
	ID   string          `json:"id,omitempty"`
	Name string          `json:"name,omitempty"`
}

// System is the author of events the server causes (offers, expiries).
var System = Participant{Role: PartySystem}

// Event is one entry of a conversation's log, or an ephemeral notice with the
// same shape. Fields a kind does not use are zero and left out of JSON.
type Event struct {
	ConversationID ConversationID `json:"conversationId,omitempty"`
	Seq            Seq            `json:"seq,omitempty"`
	Time           time.Time      `json:"time"`
	Kind           Kind           `json:"kind"`
	Visibility     Visibility     `json:"visibility"`
	Author         Participant    `json:"author"`
	ClientMsgID    string         `json:"clientMsgId,omitempty"` // the sender's id for a message, for idempotent retries
	Text           string         `json:"text,omitempty"`
	QueueID        QueueID        `json:"queueId,omitempty"`
	AgentID        UserID         `json:"agentId,omitempty"` // the agent the event is about
	AgentName      string         `json:"agentName,omitempty"`
	Reason         string         `json:"reason,omitempty"`
	ExpiresAt      time.Time      `json:"expiresAt,omitzero"`
	Position       int            `json:"position,omitempty"`     // queue_status: 1 is next
	AgentsOnline   *int           `json:"agentsOnline,omitempty"` // queue_status: agents logged in for the queue
	Status         AgentStatus    `json:"status,omitempty"`       // agent_status
	ProfileID      ProfileID      `json:"profileId,omitempty"`    // agent_status
	Online         bool           `json:"online,omitempty"`       // presence
	Node           string         `json:"node,omitempty"`         // presence: the node the agent is connected to
}

// customerKinds are the only kinds a customer may ever receive.
var customerKinds = map[Kind]bool{
	KindStarted:     true,
	KindAgentJoined: true,
	KindAgentLeft:   true,
	KindMessage:     true,
	KindRequeued:    true,
	KindEnded:       true,
	KindTyping:      true,
	KindQueueStatus: true,
}

// ForCustomer is the one filter between a conversation and its customer:
// every path that reaches a customer (live delivery, resume, history,
// transcript, e-mail, download, search) passes each event through it. It
// reports false for an event the customer must not see (anything not visible
// to all, and any kind outside a fixed allow-list) and otherwise returns a
// copy with every internal detail removed: agents are named by display name
// only, and offer and status details are dropped.
func ForCustomer(e Event) (Event, bool) {
	if e.Visibility != VisibleAll || !customerKinds[e.Kind] {
		return Event{}, false
	}
	out := Event{
		ConversationID: e.ConversationID,
		Seq:            e.Seq,
		Time:           e.Time,
		Kind:           e.Kind,
		Visibility:     VisibleAll,
		Author:         Participant{Role: e.Author.Role, Name: e.Author.Name},
		Text:           e.Text,
		QueueID:        e.QueueID,
		AgentName:      e.AgentName,
		Reason:         e.Reason,
		Position:       e.Position,
		AgentsOnline:   e.AgentsOnline,
	}
	if e.Author.Role == PartyCustomer {
		// The customer's own id lets the widget recognise its retries.
		out.ClientMsgID = e.ClientMsgID
	}
	return out, true
}
