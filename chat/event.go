package chat

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// Kind is what an event records. What each kind means, whether it is
// stored, who may see it and which payload it carries is in one table,
// kinds (kind.go).
type Kind string

// Stored kinds: each is an entry in a conversation's log, with a Seq.
const (
	KindStarted       Kind = "started"        // the customer started the chat (Started)
	KindOffered       Kind = "offered"        // the chat was offered to an agent (Offered)
	KindOfferDeclined Kind = "offer_declined" // the agent's offer ended without acceptance (OfferDeclined)
	KindAgentJoined   Kind = "agent_joined"   // an agent joined: accepted an offer or invitation (AgentJoined)
	KindAgentLeft     Kind = "agent_left"     // an agent left (AgentLeft)
	KindMessage       Kind = "message"        // Author wrote Text, with files (Message)
	KindRequeued      Kind = "requeued"       // the chat lost its agents and waits again, at the front (Requeued)
	KindEnded         Kind = "ended"          // Author ended the chat (Ended)
	// KindInvited invites an agent into an active chat (Invited), with the
	// inviter's note in Text. The first is by the inviter; when the invitee
	// of a queue invitation declines, the router (System) invites the next
	// available agent of the queue.
	KindInvited Kind = "invited"
	// KindInvitationDeclined ends the invitation's offer to an agent (Reason
	// rejected, expired, disconnected), or the whole invitation (Reason
	// withdrawn by an agent in the chat, or unavailable: nobody could take
	// it). After the decline of a queue invitation's invitee, the invitation
	// stays pending while the router looks for the next agent.
	KindInvitationDeclined Kind = "invitation_declined"
	// KindTransferred hands an active chat from the agent who wrote it to a
	// named agent or to a queue (Transferred, R18). It opens the chat's
	// invitation as a transfer: offered to the named agent, or routed in the
	// queue like a waiting chat (the router invites each next agent with
	// KindInvited); the receiver's acceptance (KindAgentJoined) is followed
	// by the transferring agent's leaving (KindAgentLeft, reason
	// transferred), and its end (KindInvitationDeclined) leaves the chat
	// with the transferring agent. The customer sees only that the chat is
	// being transferred.
	KindTransferred Kind = "transferred"
	// KindMonitored: a supervisor (Author, PartySupervisor) started or
	// stopped watching the chat live (Monitored, R19). Agents see it; the
	// customer never does.
	KindMonitored Kind = "monitored"
	// KindRerouted: a supervisor (Author) raised a waiting chat's
	// priority or moved it to another queue (Rerouted, R19); a move
	// withdraws an open offer.
	KindRerouted Kind = "rerouted"
	// KindErasureRequested: the customer asked that the chat be deleted
	// once it has ended (R15); the retention job deletes it then.
	KindErasureRequested Kind = "erasure_requested"
)

// Ephemeral kinds: carried on the bus and to clients, never stored, Seq 0.
const (
	KindTyping Kind = "typing" // Author is typing in ConversationID
	// KindCustomerDetails says what is known of ConversationID's customer
	// changed (R6: a token or the OpenID provider vouched for them, they
	// typed a detail): the agents' desktops read it again.
	KindCustomerDetails Kind = "customer_details"
	KindQueueStatus     Kind = "queue_status" // a waiting chat's place (QueueStatus)
	KindAgentStatus     Kind = "agent_status" // an agent's status or profile changed (AgentStatusChange)
	KindPresence        Kind = "presence"     // an agent is (no longer) connected to a node (Presence)
	// KindResync is published by a bus to its own node's subscribers only,
	// when it may have missed announcements (a reconnect to NATS): they
	// catch up from the store. It never leaves the node.
	KindResync Kind = "resync"
	// KindStatusRequest asks the router to publish ConversationID's
	// queue_status now: a customer just connected to a waiting chat.
	KindStatusRequest Kind = "status_request"
	// KindSessionRevoked says a user's login session (or all of them) has
	// ended (SessionRevoked): every node closes the sockets that belong to
	// it at once. It never reaches a client.
	KindSessionRevoked Kind = "session_revoked"
	// KindDirectoryChanged says an administrator changed users, profiles,
	// queues or the widget (DirectoryChanged): every router re-reads them,
	// and agents' desktops reload their profiles and queues. A node that
	// missed it re-reads everything at its next resync.
	KindDirectoryChanged Kind = "directory_changed"
)

// Reasons, in the Reason of a payload.
const (
	ReasonRejected     = "rejected"      // the agent rejected the offer
	ReasonExpired      = "expired"       // the offer was not answered in time
	ReasonDisconnected = "disconnected"  // the agent's connection was lost
	ReasonLeft         = "left"          // the agent chose to leave
	ReasonMissedOffers = "missed_offers" // paused by the router after missed offers
	ReasonWithdrawn    = "withdrawn"     // an agent withdrew the invitation
	ReasonUnavailable  = "unavailable"   // no agent could take the invitation
	ReasonTransferred  = "transferred"   // the agent left after handing the chat on
	ReasonSupervisor   = "supervisor"    // a supervisor paused or logged off the agent
	// ReasonProfileRemoved: an administrator removed the agent's active
	// profile, or took it from the agent; the agent is paused without one.
	ReasonProfileRemoved = "profile_removed"
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
	// PartySupervisor is a supervisor or an administrator acting as such
	// on a chat they are not in (R19): monitoring it, whispering to its
	// agents. The application layer gives this role only to them.
	PartySupervisor ParticipantRole = "supervisor"
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

// Event is one entry of a conversation's log, or an ephemeral notice with
// the same shape. The envelope (the fields below Data) is the same for every
// kind and is what stores keep in columns; Data is the kind's own payload,
// one type per kind (payload.go), nil for kinds without one. Stores keep
// Data as one JSON value, so a new kind or a new payload field needs no
// change to any SQL.
//
// On the wire (JSON) an event is one flat object: the envelope's fields and
// the payload's side by side, as docs/protocol.md describes.
type Event struct {
	ConversationID ConversationID
	Seq            Seq // 0 for ephemeral events
	Time           time.Time
	Kind           Kind
	Visibility     Visibility
	Author         Participant
	ClientMsgID    string // the sender's id for a request, for idempotent retries
	Text           string // a message's text, an invitation's note
	Data           Data   // the kind's payload; its type is the kind's (kinds table)
}

// Agent returns the agent the event is about (offered, joined, left,
// invited, declined, status, presence), or the zero AgentRef.
func (e Event) Agent() AgentRef {
	if d, ok := e.Data.(interface{ agentRef() AgentRef }); ok {
		return d.agentRef()
	}
	return AgentRef{}
}

// Reason returns the reason the payload gives (declines, leaving,
// requeueing, ending, status changes), or "".
func (e Event) Reason() string {
	if d, ok := e.Data.(interface{ reason() string }); ok {
		return d.reason()
	}
	return ""
}

// envelope is the JSON of an event's envelope.
type envelope struct {
	ConversationID ConversationID `json:"conversationId,omitempty"`
	Seq            Seq            `json:"seq,omitempty"`
	Time           time.Time      `json:"time"`
	Kind           Kind           `json:"kind"`
	Visibility     Visibility     `json:"visibility"`
	Author         Participant    `json:"author"`
	ClientMsgID    string         `json:"clientMsgId,omitempty"`
	Text           string         `json:"text,omitempty"`
}

// MarshalJSON writes the envelope and the payload as one flat object.
func (e Event) MarshalJSON() ([]byte, error) { return e.AppendJSON(nil) }

// AppendJSON appends e's JSON, as MarshalJSON writes it, to b: the
// envelope and the payload are encoded into b's buffer in turn and joined
// there, with no buffer of their own (a frame that carries the event is
// written around it without copying it again).
func (e Event) AppendJSON(b []byte) ([]byte, error) {
	buf := bytes.NewBuffer(b)
	enc := json.NewEncoder(buf) // as json.Marshal, with a newline after each value
	if err := enc.Encode(envelope{e.ConversationID, e.Seq, e.Time, e.Kind, e.Visibility, e.Author, e.ClientMsgID, e.Text}); err != nil {
		return b, err
	}
	buf.Truncate(buf.Len() - 1) // the newline
	if e.Data == nil {
		return buf.Bytes(), nil
	}
	// {envelope…} + {payload…} → {envelope…,payload…}
	brace := buf.Len() - 1 // the envelope's closing brace, where the payload goes
	if err := enc.Encode(e.Data); err != nil {
		return b, fmt.Errorf("event payload: %w", err)
	}
	out := buf.Bytes()
	data := out[brace+1 : len(out)-1]
	if len(data) < 2 || data[0] != '{' {
		return b, fmt.Errorf("event payload of %s is not a JSON object", e.Kind)
	}
	if len(data) == 2 { // {}
		return out[:brace+1], nil
	}
	out[brace] = ','
	n := copy(out[brace+1:], data[1:])
	return out[:brace+1+n], nil
}

// UnmarshalJSON reads a flat event object: the envelope, then the payload
// of its kind from the same object. Fields of neither are ignored.
func (e *Event) UnmarshalJSON(b []byte) error {
	var env envelope
	if err := json.Unmarshal(b, &env); err != nil {
		return err
	}
	*e = Event{ConversationID: env.ConversationID, Seq: env.Seq, Time: env.Time, Kind: env.Kind,
		Visibility: env.Visibility, Author: env.Author, ClientMsgID: env.ClientMsgID, Text: env.Text}
	d, err := DecodeData(env.Kind, b)
	if err != nil {
		return err
	}
	e.Data = d
	return nil
}

// EncodeData returns the stored form of an event's payload: its JSON, or
// nil when it has none (or an empty one).
func EncodeData(d Data) ([]byte, error) {
	if d == nil {
		return nil, nil
	}
	b, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("encode payload: %w", err)
	}
	if bytes.Equal(b, []byte("{}")) {
		return nil, nil
	}
	return b, nil
}

// DecodeData reads the payload of an event of kind k from its JSON (nil or
// empty for none). An unknown kind has no payload.
func DecodeData(k Kind, b []byte) (Data, error) {
	info, ok := kinds[k]
	if !ok || info.decode == nil {
		return nil, nil
	}
	if len(b) == 0 {
		if info.optional {
			return nil, nil
		}
		b = []byte("{}")
	}
	d, err := info.decode(b)
	if err != nil {
		return nil, fmt.Errorf("decode %s payload: %w", k, err)
	}
	if e, ok := d.(interface{ empty() bool }); ok && info.optional && e.empty() {
		return nil, nil
	}
	return d, nil
}
