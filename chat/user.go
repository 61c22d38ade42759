package chat

import (
	"slices"
	"time"
)

// Role is what a user may do.
type Role string

// Roles. An administrator and a supervisor may also work as agents.
const (
	RoleAdmin      Role = "admin"
	RoleSupervisor Role = "supervisor"
	RoleAgent      Role = "agent"
)

// User is a person who logs in: an agent, a supervisor or an administrator.
type User struct {
	ID           UserID    `json:"id"`
	Username     string    `json:"username"`
	DisplayName  string    `json:"displayName"` // the only name a customer sees
	Role         Role      `json:"role"`
	Capacity     int       `json:"capacity"` // how many chats at once, offers included
	PasswordHash string    `json:"-"`
	CreatedAt    time.Time `json:"createdAt"`
}

// Queue is a chat queue that customers enter.
type Queue struct {
	ID   QueueID `json:"id"`
	Name string  `json:"name"`
}

// Profile is a named set of queues that an agent serves while it is active.
type Profile struct {
	ID     ProfileID `json:"id"`
	Name   string    `json:"name"`
	Queues []QueueID `json:"queues"`
}

// Serves reports whether the profile contains queue q.
func (p Profile) Serves(q QueueID) bool { return slices.Contains(p.Queues, q) }

// AgentStatus is whether an agent wants offers.
type AgentStatus string

// Agent statuses. Logged off is not a status: it is the absence of a
// connection, known to the router from presence.
const (
	StatusReady  AgentStatus = "ready"
	StatusPaused AgentStatus = "paused"
)

// AgentState is the persisted part of an agent's presence: what the agent
// chose, kept across reconnects and restarts.
type AgentState struct {
	UserID    UserID      `json:"userId"`
	Status    AgentStatus `json:"status"`
	ProfileID ProfileID   `json:"profileId,omitempty"`
	UpdatedAt time.Time   `json:"updatedAt"`
}

// Session is a logged-in user's session. Only the SHA-256 of its token is
// stored; the token itself lives in the user's HTTP-only cookie.
type Session struct {
	TokenHash string
	UserID    UserID
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Customer is the holder of a customer token. Only the SHA-256 of the token
// is stored.
type Customer struct {
	ID         CustomerID
	TokenHash  string
	CreatedAt  time.Time
	LastSeenAt time.Time // the last time the token was used (to the hour); it expires when idle
}
