package realtime

import (
	"encoding/json"

	"skranke/chat"
)

// inFrame is every frame a client may send; which fields apply depends on
// Type (docs/protocol.md). Unknown fields are refused.
type inFrame struct {
	Type           string                           `json:"type"`
	RequestID      string                           `json:"requestId,omitempty"`
	Token          string                           `json:"token,omitempty"`
	ConversationID chat.ConversationID              `json:"conversationId,omitempty"`
	AfterSeq       chat.Seq                         `json:"afterSeq,omitempty"`
	Resume         map[chat.ConversationID]chat.Seq `json:"resume,omitempty"`
	ClientMsgID    string                           `json:"clientMsgId,omitempty"`
	Text           string                           `json:"text,omitempty"`
	Private        bool                             `json:"private,omitempty"`
	Status         chat.AgentStatus                 `json:"status,omitempty"`
	ProfileID      chat.ProfileID                   `json:"profileId,omitempty"`
	AgentID        chat.UserID                      `json:"agentId,omitempty"`
	QueueID        chat.QueueID                     `json:"queueId,omitempty"`
	Note           string                           `json:"note,omitempty"`
}

// CustomerConversation is a conversation as its customer sees it.
type CustomerConversation struct {
	ID        chat.ConversationID     `json:"id"`
	QueueID   chat.QueueID            `json:"queueId"`
	QueueName string                  `json:"queueName"`
	Status    chat.ConversationStatus `json:"status"`
	CreatedAt string                  `json:"createdAt"`
}

// NewCustomerConversation returns the customer's view of c in queue q.
func NewCustomerConversation(c chat.Conversation, q chat.Queue) CustomerConversation {
	return CustomerConversation{
		ID:        c.ID,
		QueueID:   c.QueueID,
		QueueName: q.Name,
		Status:    c.Status,
		CreatedAt: c.CreatedAt.UTC().Format("2006-01-02T15:04:05.000Z07:00"),
	}
}

type customerWelcome struct {
	Type         string               `json:"type"`
	Conversation CustomerConversation `json:"conversation"`
}

type agentWelcome struct {
	Type          string              `json:"type"`
	User          chat.User           `json:"user"`
	State         chat.AgentState     `json:"state"`
	Profiles      []chat.Profile      `json:"profiles"`
	Queues        []chat.Queue        `json:"queues"`
	Conversations []chat.Conversation `json:"conversations"`
}

type eventFrame struct {
	Type  string     `json:"type"`
	Event chat.Event `json:"event"`
}

type ackFrame struct {
	Type           string              `json:"type"`
	RequestID      string              `json:"requestId"`
	ConversationID chat.ConversationID `json:"conversationId,omitempty"`
	Seq            chat.Seq            `json:"seq,omitempty"`
	ClientMsgID    string              `json:"clientMsgId,omitempty"`
	State          *chat.AgentState    `json:"state,omitempty"`
}

type errorFrame struct {
	Type      string `json:"type"`
	RequestID string `json:"requestId,omitempty"`
	Code      string `json:"code"`
	Message   string `json:"message"`
	Retryable bool   `json:"retryable"`
}

func encodeEvent(e chat.Event) []byte {
	b, err := json.Marshal(eventFrame{Type: "event", Event: e})
	if err != nil {
		// chat.Event holds only marshalable fields.
		panic("realtime: encode event: " + err.Error())
	}
	return b
}

func mustEncode(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("realtime: encode frame: " + err.Error())
	}
	return b
}
