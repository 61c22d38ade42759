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
// A user is never deleted once they took part in a chat: they are
// deactivated instead (DeactivatedAt), which logs them out everywhere and
// keeps their history, and can be undone.
type User struct {
	ID          UserID `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"displayName"` // the only name a customer sees
	Role        Role   `json:"role"`
	Capacity    int    `json:"capacity"` // how many chats at once, offers included
	// Profiles are the profiles the user may work in, in the order the
	// desktop lists them.
	Profiles []ProfileID `json:"profiles"`
	// Language is the language the user chose for the desktop and the
	// pages (one of Languages), "" until they choose.
	Language      string    `json:"language,omitempty"`
	PasswordHash  string    `json:"-"`
	DeactivatedAt time.Time `json:"deactivatedAt,omitzero"` // zero while active
	Version       int64     `json:"version"`                // 1 at creation, one more at each change
	CreatedAt     time.Time `json:"createdAt"`
}

// Active reports whether the user may log in and work.
func (u User) Active() bool { return u.DeactivatedAt.IsZero() }

// MayUse reports whether the user may work in profile p.
func (u User) MayUse(p ProfileID) bool { return slices.Contains(u.Profiles, p) }

// Queue is a chat queue that customers enter. A queue that chats took
// place in is never deleted: removing it sets RemovedAt, which hides it
// everywhere but in the chats' history.
type Queue struct {
	ID   QueueID `json:"id"`
	Name string  `json:"name"`
	// OfferTimeoutSeconds is how long an agent has to answer an offer of
	// one of the queue's chats; 0 is the server's default (--offer-timeout).
	OfferTimeoutSeconds int `json:"offerTimeoutSeconds"`
	// Priority orders the queues of an agent who serves several: waiting
	// chats of a higher priority are offered first. 0 to 9.
	Priority    int    `json:"priority"`
	WaitingText string `json:"waitingText"` // what the widget shows while a chat waits
	ClosedText  string `json:"closedText"`  // what it shows outside the opening hours
	// Hours are the opening hours; nil: always open.
	Hours     *OpeningHours `json:"hours"`
	RemovedAt time.Time     `json:"removedAt,omitzero"`
	Version   int64         `json:"version"`
}

// OfferTimeout returns how long an agent has to answer an offer of a chat
// in the queue, def when the queue leaves it to the server.
func (q Queue) OfferTimeout(def time.Duration) time.Duration {
	if q.OfferTimeoutSeconds > 0 {
		return time.Duration(q.OfferTimeoutSeconds) * time.Second
	}
	return def
}

// OpenAt reports whether the queue takes new chats at t, and when that
// next changes (zero: not within 40 days, or never).
func (q Queue) OpenAt(t time.Time) (open bool, next time.Time) {
	if q.Hours == nil {
		return true, time.Time{}
	}
	return q.Hours.State(t)
}

// Profile is a named set of queues that an agent serves while it is active.
type Profile struct {
	ID      ProfileID `json:"id"`
	Name    string    `json:"name"`
	Queues  []QueueID `json:"queues"`
	Version int64     `json:"version"`
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
	// Subject is the customer's id in the organisation's systems, once a
	// token signed by the organisation vouched for it (R6); empty before.
	Subject string
}
