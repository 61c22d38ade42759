package chat

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"time"
)

// Customer presence: whether a chat's customer has a widget open.
//
// Realtime nodes announce when a conversation gets its first customer
// socket on the node and when it loses its last one (KindCustomerPresence),
// and say every heartbeat that they are alive (KindNodeHeartbeat). The
// router keeps the set of nodes each conversation's customer is connected
// to and records what the organisation keeps of it in the log, as
// agents-only events by the System:
//
//   - KindCustomerConnected, once, when the customer first connects: from
//     then on the customer can leave. A customer who never connected (a
//     chat made over REST only) never "leaves".
//   - KindCustomerLeft, when the customer has had no socket for the
//     router's customer grace (a reload or a network blip does not count).
//   - KindCustomerReturned, when a customer who left connects again.
//
// The conversation's fold keeps CustomerConnectedAt and CustomerLeftAt, so
// the router rebuilds who has left from the store, and a desktop that
// loads a conversation knows it without reading the log.

// Stored kinds of customer presence (agents only, by the System).
const (
	KindCustomerConnected Kind = "customer_connected" // the customer connected for the first time
	KindCustomerLeft      Kind = "customer_left"      // the customer has been gone for longer than the grace
	KindCustomerReturned  Kind = "customer_returned"  // a customer who left is connected again
)

// Ephemeral kinds of customer presence, between nodes only: they never
// reach a client.
const (
	// KindCustomerPresence is a node's news of its customer sockets
	// (CustomerPresence).
	KindCustomerPresence Kind = "customer_presence"
	// KindNodeHeartbeat says a node is alive, and how many presence
	// messages it has sent (NodeHeartbeat).
	KindNodeHeartbeat Kind = "node_heartbeat"
	// KindPresenceRequest asks a node (or all) to send a snapshot of its
	// customer sockets (PresenceRequest).
	KindPresenceRequest Kind = "presence_request"
)

// ReasonCustomerLeft is the Reason of the Ended of a waiting chat whose
// customer left and did not come back in time.
const ReasonCustomerLeft = "customer_left"

// CustomerPresence is the payload of KindCustomerPresence: node Node
// (whose current run is Boot) has its first customer socket of each
// conversation in Online, and no longer has one of each in Offline.
//
// Seq numbers a node's presence messages of one Boot 1, 2, 3, … without
// gaps, in the order they were published, so a receiver that misses one
// knows it and asks for a snapshot. A snapshot replaces what the receiver
// knows of the node: the message with Reset starts it, the one with
// Complete ends it (one message may do both), and the Online of its
// messages are all the conversations with a customer socket on the node.
type CustomerPresence struct {
	Node     string           `json:"node,omitempty"`
	Boot     string           `json:"boot,omitempty"`
	Seq      uint64           `json:"presenceSeq,omitempty"` // not "seq": that is the envelope's
	Online   []ConversationID `json:"online,omitempty"`
	Offline  []ConversationID `json:"offline,omitempty"`
	Reset    bool             `json:"reset,omitempty"`
	Complete bool             `json:"complete,omitempty"`
}

// NodeHeartbeat is the payload of KindNodeHeartbeat: node Node (run Boot)
// is alive and has published Seq presence messages in this run.
type NodeHeartbeat struct {
	Node string `json:"node,omitempty"`
	Boot string `json:"boot,omitempty"`
	Seq  uint64 `json:"presenceSeq,omitempty"`
}

// PresenceRequest is the payload of KindPresenceRequest: Node (every node,
// when empty) is to publish a snapshot of its customer sockets.
type PresenceRequest struct {
	Node string `json:"node,omitempty"`
}

// Kinds of the payloads.
func (CustomerPresence) Kind() Kind { return KindCustomerPresence }
func (NodeHeartbeat) Kind() Kind    { return KindNodeHeartbeat }
func (PresenceRequest) Kind() Kind  { return KindPresenceRequest }

// CustomerConnected reports whether the chat's customer has connected and
// has not left since: the one the agent's close warning is for (R7).
func (c Conversation) CustomerConnected() bool {
	return !c.CustomerConnectedAt.IsZero() && c.CustomerLeftAt.IsZero()
}

// applyCustomerPresence checks a customer presence event by the System and
// records it in n.
func applyCustomerPresence(c Conversation, n *Conversation, e Event) error {
	if e.Author.Role != PartySystem {
		return E(EInvalid, "presence_by_system", "Only the server records a customer's presence.")
	}
	switch e.Kind {
	case KindCustomerConnected:
		if !c.CustomerConnectedAt.IsZero() {
			return E(EConflict, "customer_connected_already", "The customer has connected before.")
		}
		n.CustomerConnectedAt = e.Time
	case KindCustomerLeft:
		if !c.CustomerConnected() {
			return E(EConflict, "customer_not_connected", "The customer is not connected.")
		}
		n.CustomerLeftAt = e.Time
	case KindCustomerReturned:
		if c.CustomerLeftAt.IsZero() {
			return E(EConflict, "customer_not_left", "The customer has not left.")
		}
		n.CustomerLeftAt = time.Time{}
	}
	return nil
}

// Visitor is the number by which a customer who gave no name is known,
// the same wherever the conversation is shown ("Visitor 4821"): four
// digits from the conversation's id, so it needs no storage and two
// visitors waiting at once are told apart (together with the time the
// chat started, since two ids may share a number).
func (c Conversation) Visitor() string {
	return VisitorNumber(c.ID)
}

// VisitorNumber is Visitor for a conversation id.
func VisitorNumber(id ConversationID) string {
	h := fnv.New32a()
	h.Write([]byte(id))
	return fmt.Sprintf("%04d", 1000+h.Sum32()%9000)
}

// MarshalJSON writes the conversation's fields and its Visitor number, so
// every client names a nameless customer the same way.
func (c Conversation) MarshalJSON() ([]byte, error) {
	type fields Conversation
	return json.Marshal(struct {
		fields
		Visitor string `json:"visitor"`
	}{fields(c), c.Visitor()})
}
