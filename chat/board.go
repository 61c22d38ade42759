package chat

import "time"

// Board is the live picture of routing that a supervisor watches (R19):
// every queue, every agent the router knows of and every chat that has not
// ended, as the router holds them at At. Times are absolute, so a client
// counts waits and times in status up by itself between two boards; a new
// board comes whenever routing state changes, never by polling.
type Board struct {
	At     time.Time    `json:"at"`
	Queues []QueueBoard `json:"queues"`
	Agents []AgentBoard `json:"agents"`
	Chats  []ChatBoard  `json:"chats"`
}

// QueueBoard is one queue on a Board. The agents counted are those online
// whose active profile contains the queue: Ready have room for a chat, Busy
// are ready but at capacity, Paused are paused.
type QueueBoard struct {
	QueueID QueueID `json:"queueId"`
	Name    string  `json:"name"`
	// Waiting counts the queue's waiting chats, offered or not;
	// OldestQueuedAt is the place of the longest waiting one (zero: none).
	Waiting        int       `json:"waiting"`
	OldestQueuedAt time.Time `json:"oldestQueuedAt,omitzero"`
	AgentsReady    int       `json:"agentsReady"`
	AgentsBusy     int       `json:"agentsBusy"`
	AgentsPaused   int       `json:"agentsPaused"`
	// OffersOut counts the open offers of the queue's chats, and of
	// transfers to the queue, now.
	OffersOut int `json:"offersOut"`
}

// AgentBoard is one agent on a Board.
type AgentBoard struct {
	ID          UserID      `json:"id"`
	DisplayName string      `json:"displayName"`
	Online      bool        `json:"online"`
	Status      AgentStatus `json:"status"` // as last set; an agent who is not online is logged off
	ProfileID   ProfileID   `json:"profileId,omitempty"`
	Load        int         `json:"load"` // chats, offers and invitations it holds
	Capacity    int         `json:"capacity"`
	// StatusSince is when the agent's status (or being online) last
	// changed, as far as this router saw: its time in status.
	StatusSince time.Time        `json:"statusSince,omitzero"`
	Chats       []ConversationID `json:"chats"` // the chats it is in
}

// ChatBoard is one waiting or active chat on a Board.
type ChatBoard struct {
	ID           ConversationID     `json:"id"`
	QueueID      QueueID            `json:"queueId"`
	CustomerName string             `json:"customerName,omitempty"`
	Status       ConversationStatus `json:"status"`
	Agents       []UserID           `json:"agents"`
	OfferedTo    UserID             `json:"offeredTo,omitempty"` // the open offer's agent
	Priority     int                `json:"priority"`
	QueuedAt     time.Time          `json:"queuedAt"`
	CreatedAt    time.Time          `json:"createdAt"`
	AnsweredAt   time.Time          `json:"answeredAt,omitzero"`
	// Transfer is the queue or agent a pending transfer goes to.
	TransferTo      QueueID `json:"transferTo,omitempty"`
	TransferToAgent UserID  `json:"transferToAgent,omitempty"`
	CustomerLeft    bool    `json:"customerLeft,omitempty"` // the customer is gone for now
}
