package httpapi

import (
	"context"
	"net/http"

	"skranke/auth"
	"skranke/chat"
	"skranke/conversation"
)

// The agent's operations on a conversation over REST, for integrations:
// the same conversation.Service methods the WebSocket frames call. Each
// answers 200 with the event it stored; a retry with the same clientMsgId
// stores nothing new and answers with the original event.

// eventResponse is the answer to an operation: the stored event.
type eventResponse struct {
	Event chat.Event `json:"event"`
}

func writeEvent(w http.ResponseWriter, e chat.Event, err error) error {
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, eventResponse{e})
}

func pathID(r *http.Request) chat.ConversationID { return chat.ConversationID(r.PathValue("id")) }

func (s *Server) postMessage(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		ClientMsgID   string              `json:"clientMsgId"`
		Text          string              `json:"text"`
		Private       bool                `json:"private"`
		AttachmentIDs []chat.AttachmentID `json:"attachmentIds"`
	}
	if err := decode(w, r, &req); err != nil {
		return err
	}
	e, err := s.opts.Service.Send(r.Context(), actor(r), pathID(r), conversation.SendRequest{
		Request: conversation.Request{ClientMsgID: req.ClientMsgID}, Text: req.Text, Private: req.Private,
		AttachmentIDs: req.AttachmentIDs})
	return writeEvent(w, e, err)
}

// handOver is the body of an invitation or a transfer: to a named agent or
// to a queue, with a note.
type handOver struct {
	ClientMsgID string       `json:"clientMsgId"`
	AgentID     chat.UserID  `json:"agentId"`
	QueueID     chat.QueueID `json:"queueId"`
	Note        string       `json:"note"`
}

func (s *Server) postInvite(w http.ResponseWriter, r *http.Request) error {
	var req handOver
	if err := decode(w, r, &req); err != nil {
		return err
	}
	e, err := s.opts.Service.Invite(r.Context(), actor(r), pathID(r), conversation.InviteRequest{
		Request: conversation.Request{ClientMsgID: req.ClientMsgID}, AgentID: req.AgentID, QueueID: req.QueueID, Note: req.Note})
	return writeEvent(w, e, err)
}

func (s *Server) postTransfer(w http.ResponseWriter, r *http.Request) error {
	var req handOver
	if err := decode(w, r, &req); err != nil {
		return err
	}
	e, err := s.opts.Service.Transfer(r.Context(), actor(r), pathID(r), conversation.TransferRequest{
		Request: conversation.Request{ClientMsgID: req.ClientMsgID}, AgentID: req.AgentID, QueueID: req.QueueID, Note: req.Note})
	return writeEvent(w, e, err)
}

func (s *Server) postMenu(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		ClientMsgID string            `json:"clientMsgId"`
		Text        string            `json:"text"`
		Options     []chat.MenuOption `json:"options"`
		SavedMenuID chat.SavedMenuID  `json:"savedMenuId"`
	}
	if err := decode(w, r, &req); err != nil {
		return err
	}
	e, err := s.opts.Service.SendMenu(r.Context(), actor(r), pathID(r), conversation.MenuRequest{
		Request: conversation.Request{ClientMsgID: req.ClientMsgID}, Question: req.Text, Options: req.Options, SavedMenuID: req.SavedMenuID})
	return writeEvent(w, e, err)
}

func (s *Server) postWithdrawMenu(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		ClientMsgID string `json:"clientMsgId"`
	}
	if err := decodeOptional(w, r, &req); err != nil {
		return err
	}
	e, err := s.opts.Service.WithdrawMenu(r.Context(), actor(r), pathID(r), conversation.MenuWithdrawRequest{
		Request: conversation.Request{ClientMsgID: req.ClientMsgID}, MenuID: chat.MenuID(r.PathValue("menu"))})
	return writeEvent(w, e, err)
}

// operation is a conversation.Service method that takes only a client
// message id.
type operation func(ctx context.Context, a auth.Actor, id chat.ConversationID, r conversation.Request) (chat.Event, error)

// byID serves an operation whose body is nothing but an optional
// {"clientMsgId"}.
func (s *Server) byID(w http.ResponseWriter, r *http.Request, op operation) error {
	var req struct {
		ClientMsgID string `json:"clientMsgId"`
	}
	if err := decodeOptional(w, r, &req); err != nil {
		return err
	}
	e, err := op(r.Context(), actor(r), pathID(r), conversation.Request{ClientMsgID: req.ClientMsgID})
	return writeEvent(w, e, err)
}

func (s *Server) postAccept(w http.ResponseWriter, r *http.Request) error {
	return s.byID(w, r, s.opts.Service.Accept)
}

func (s *Server) postReject(w http.ResponseWriter, r *http.Request) error {
	return s.byID(w, r, s.opts.Service.Reject)
}

func (s *Server) postEnd(w http.ResponseWriter, r *http.Request) error {
	return s.byID(w, r, s.opts.Service.End)
}

func (s *Server) postWithdraw(w http.ResponseWriter, r *http.Request) error {
	return s.byID(w, r, s.opts.Service.Withdraw)
}

func (s *Server) postLeave(w http.ResponseWriter, r *http.Request) error {
	return s.byID(w, r, s.opts.Service.Leave)
}

// board serves the supervisor's board once; /ws/supervisor keeps it live.
func (s *Server) board(w http.ResponseWriter, r *http.Request) error {
	b, err := s.opts.Service.Board(r.Context(), actor(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"board": b})
}

// savedMenus lists the organisation's saved menus for an agent.
func (s *Server) savedMenus(w http.ResponseWriter, r *http.Request) error {
	ms, err := s.opts.Service.SavedMenus(r.Context(), actor(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"menus": ms})
}
