package httpapi

import (
	"net/http"

	"skranke/conversation"
)

// Deleting chats (R15): a customer's request from the widget, an
// administrator's erasure, and what remains of deleted chats.

func (s *Server) widgetRequestErasure(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		ClientMsgID string `json:"clientMsgId"`
	}
	if err := decodeOptional(w, r, &req); err != nil {
		return err
	}
	e, err := s.opts.Service.RequestErasure(r.Context(), actor(r), pathID(r), conversation.Request{ClientMsgID: req.ClientMsgID})
	if err != nil {
		return err
	}
	if e.Seq == 0 {
		return writeJSON(w, http.StatusOK, map[string]string{"status": "deleted"})
	}
	return writeJSON(w, http.StatusAccepted, map[string]any{"status": "requested", "seq": e.Seq})
}

func (s *Server) postErasure(w http.ResponseWriter, r *http.Request) error {
	var req conversation.EraseRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	res, err := s.opts.Service.Erase(r.Context(), actor(r), req)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, res)
}

func (s *Server) erasedCounts(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.opts.Service.ErasedCounts(r.Context(), actor(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"counts": cs})
}
