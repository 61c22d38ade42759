package realtime

import (
	"encoding/json"
	"strconv"
	"strings"

	"skranke/chat"
	"skranke/conversation"
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
	AttachmentIDs  []chat.AttachmentID              `json:"attachmentIds,omitempty"`
	Priority       *int                             `json:"priority,omitempty"` // reroute (supervisor.go)
	Options        []chat.MenuOption                `json:"options,omitempty"`
	MenuID         chat.MenuID                      `json:"menuId,omitempty"`
	OptionID       string                           `json:"optionId,omitempty"`
	SavedMenuID    chat.SavedMenuID                 `json:"savedMenuId,omitempty"`
	Identity       string                           `json:"identity,omitempty"` // identify: the identity token
}

type customerWelcome struct {
	Type         string                    `json:"type"`
	Conversation conversation.CustomerView `json:"conversation"`
}

type agentWelcome struct {
	Type string `json:"type"`
	conversation.Desk
}

type eventFrame struct {
	Type  string     `json:"type"`
	Event chat.Event `json:"event"`
}

// customerEventFrame is the only event frame a customer session sends: it
// holds an event as chat.ForCustomer made it.
type customerEventFrame struct {
	Type  string             `json:"type"`
	Event chat.CustomerEvent `json:"event"`
}

type ackFrame struct {
	Type           string              `json:"type"`
	RequestID      string              `json:"requestId"`
	ConversationID chat.ConversationID `json:"conversationId,omitempty"`
	Seq            chat.Seq            `json:"seq,omitempty"`
	ClientMsgID    string              `json:"clientMsgId,omitempty"`
	State          *chat.AgentState    `json:"state,omitempty"`
}

// identifiedFrame answers identify: what is known of the customer now.
type identifiedFrame struct {
	Type      string               `json:"type"`
	RequestID string               `json:"requestId"`
	Customer  chat.CustomerDetails `json:"customer"`
}

type errorFrame struct {
	Type      string         `json:"type"`
	RequestID string         `json:"requestId,omitempty"`
	Code      string         `json:"code"`
	Reason    string         `json:"reason,omitempty"`
	Params    map[string]any `json:"params,omitempty"`
	Message   string         `json:"message"`
	Retryable bool           `json:"retryable"`
}

// newErrorFrame describes err to the client: its code, reason and
// parameters, and the English message; never an internal error's text.
func newErrorFrame(requestID string, err error) errorFrame {
	e := chat.ErrorOf(err)
	return errorFrame{Type: "error", RequestID: requestID, Code: e.Code, Reason: e.Reason, Params: e.Params,
		Message: e.Message, Retryable: e.Code == chat.EUnavailable}
}

// encodeEvent encodes an event frame for agents: eventFrame's encoding,
// written around the event's own rather than through json.Marshal of the
// frame, which would scan the event's bytes again to check and compact
// them (a third of an event's encoding cost, once per event and audience).
func encodeEvent(e chat.Event) []byte {
	const head, tail = `{"type":"event","event":`, `}`
	// Room for the envelope and a payload of the usual size: the event is
	// encoded into the frame's own buffer, grown only for a longer one.
	out := make([]byte, 0, len(head)+len(tail)+384+len(e.Text)+len(e.Text)/8)
	out = append(out, head...)
	out, err := e.AppendJSON(out)
	if err != nil {
		panic("realtime: encode frame: " + err.Error())
	}
	return append(out, tail...)
}

// encodeCustomerEvent encodes an event frame for a customer
// (customerEventFrame): the filtered event encodes as an Event does.
func encodeCustomerEvent(e chat.CustomerEvent) []byte { return encodeEvent(e.Event()) }

func mustEncode(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("realtime: encode frame: " + err.Error())
	}
	return b
}

// unknownField returns the field a decoder with DisallowUnknownFields
// refused, from its error (`json: unknown field "colour"`), unquoted.
func unknownField(err error) string {
	f := strings.TrimPrefix(err.Error(), "json: unknown field ")
	if u, err := strconv.Unquote(f); err == nil {
		return u
	}
	return f
}
