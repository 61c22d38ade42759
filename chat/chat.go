// Package chat is Skranke's domain: organisations' queues, profiles and users,
// conversations as append-only event logs, and the one visibility filter
// (ForCustomer) through which every path to a customer passes.
//
// It knows nothing of SQL, HTTP, WebSocket or NATS; every other package speaks
// in its types. It imports only the standard library.
package chat

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
)

// QueueID identifies a chat queue, such as "sales".
type QueueID string

// ProfileID identifies an agent profile: a named set of queues.
type ProfileID string

// UserID identifies a user: an agent, supervisor or administrator.
type UserID string

// CustomerID identifies a customer, the holder of a customer token.
type CustomerID string

// ConversationID identifies one chat.
type ConversationID string

// Seq is the position of an event in its conversation's log. The first event
// has Seq 1; every committed event has the next number, without gaps.
type Seq int64

var idEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewID returns a random, unguessable identifier of 128 bits, in lower-case
// base32 (26 characters).
func NewID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails; see crypto/rand.Read
	return strings.ToLower(idEncoding.EncodeToString(b[:]))
}
