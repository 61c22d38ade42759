package httpapi

import (
	"net/http"

	"skranke/chat"
)

// Predefined messages (R8): the organisation's in the administration, an
// agent's own under /me, and those for a chat, filled in for it.

// predefinedRequest is the body of a creation: the fields of a message the
// caller sets.
type predefinedRequest struct {
	Title    string               `json:"title"`
	Text     string               `json:"text"`
	Category string               `json:"category"`
	Scope    chat.PredefinedScope `json:"scope"`
	Queues   []chat.QueueID       `json:"queues"`
	Profiles []chat.ProfileID     `json:"profiles"`
}

func (p predefinedRequest) message() chat.PredefinedMessage {
	return chat.PredefinedMessage{Title: p.Title, Text: p.Text, Category: p.Category, Scope: p.Scope, Queues: p.Queues, Profiles: p.Profiles}
}

func predefinedPathID(r *http.Request) chat.PredefinedID { return chat.PredefinedID(r.PathValue("id")) }

func writePredefined(w http.ResponseWriter, status int, m chat.PredefinedMessage, err error) error {
	if err != nil {
		return err
	}
	return writeJSON(w, status, map[string]any{"message": m})
}

func writePredefinedList(w http.ResponseWriter, ms []chat.PredefinedMessage, err error) error {
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"messages": ms})
}

func (s *Server) adminPredefined(w http.ResponseWriter, r *http.Request) error {
	ms, err := s.opts.Admin.PredefinedMessages(r.Context(), actor(r))
	return writePredefinedList(w, ms, err)
}

func (s *Server) adminCreatePredefined(w http.ResponseWriter, r *http.Request) error {
	var req predefinedRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	m, err := s.opts.Admin.CreatePredefined(r.Context(), actor(r), req.message())
	return writePredefined(w, http.StatusCreated, m, err)
}

func (s *Server) adminUpdatePredefined(w http.ResponseWriter, r *http.Request) error {
	var req chat.PredefinedUpdate
	if err := decode(w, r, &req); err != nil {
		return err
	}
	m, err := s.opts.Admin.UpdatePredefined(r.Context(), actor(r), predefinedPathID(r), req)
	return writePredefined(w, http.StatusOK, m, err)
}

func (s *Server) adminDeletePredefined(w http.ResponseWriter, r *http.Request) error {
	v, err := versionParam(r)
	if err != nil {
		return err
	}
	if err := s.opts.Admin.DeletePredefined(r.Context(), actor(r), predefinedPathID(r), v); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) ownPredefined(w http.ResponseWriter, r *http.Request) error {
	ms, err := s.opts.Admin.OwnPredefined(r.Context(), actor(r))
	return writePredefinedList(w, ms, err)
}

func (s *Server) createOwnPredefined(w http.ResponseWriter, r *http.Request) error {
	var req predefinedRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	m := req.message()
	m.Scope, m.Queues, m.Profiles = "", nil, nil // a personal message is its owner's, everywhere
	m, err := s.opts.Admin.CreateOwnPredefined(r.Context(), actor(r), m)
	return writePredefined(w, http.StatusCreated, m, err)
}

func (s *Server) updateOwnPredefined(w http.ResponseWriter, r *http.Request) error {
	var req chat.PredefinedUpdate
	if err := decode(w, r, &req); err != nil {
		return err
	}
	m, err := s.opts.Admin.UpdateOwnPredefined(r.Context(), actor(r), predefinedPathID(r), req)
	return writePredefined(w, http.StatusOK, m, err)
}

func (s *Server) deleteOwnPredefined(w http.ResponseWriter, r *http.Request) error {
	v, err := versionParam(r)
	if err != nil {
		return err
	}
	if err := s.opts.Admin.DeleteOwnPredefined(r.Context(), actor(r), predefinedPathID(r), v); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// chatPredefined lists the predefined messages for a chat, filled in.
func (s *Server) chatPredefined(w http.ResponseWriter, r *http.Request) error {
	ms, err := s.opts.Service.PredefinedFor(r.Context(), actor(r), pathID(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"messages": ms})
}

// ---- Saved menus (R9), in the administration.

type savedMenuRequest struct {
	Name     string            `json:"name"`
	Question string            `json:"question"`
	Options  []chat.MenuOption `json:"options"`
}

func writeSavedMenu(w http.ResponseWriter, status int, m chat.SavedMenu, err error) error {
	if err != nil {
		return err
	}
	return writeJSON(w, status, map[string]any{"menu": m})
}

func (s *Server) adminSavedMenus(w http.ResponseWriter, r *http.Request) error {
	ms, err := s.opts.Admin.SavedMenus(r.Context(), actor(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"menus": ms})
}

func (s *Server) adminCreateSavedMenu(w http.ResponseWriter, r *http.Request) error {
	var req savedMenuRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	m, err := s.opts.Admin.CreateSavedMenu(r.Context(), actor(r), chat.SavedMenu{Name: req.Name, Question: req.Question, Options: req.Options})
	return writeSavedMenu(w, http.StatusCreated, m, err)
}

func (s *Server) adminUpdateSavedMenu(w http.ResponseWriter, r *http.Request) error {
	var req chat.SavedMenuUpdate
	if err := decode(w, r, &req); err != nil {
		return err
	}
	m, err := s.opts.Admin.UpdateSavedMenu(r.Context(), actor(r), chat.SavedMenuID(r.PathValue("id")), req)
	return writeSavedMenu(w, http.StatusOK, m, err)
}

func (s *Server) adminDeleteSavedMenu(w http.ResponseWriter, r *http.Request) error {
	v, err := versionParam(r)
	if err != nil {
		return err
	}
	if err := s.opts.Admin.DeleteSavedMenu(r.Context(), actor(r), chat.SavedMenuID(r.PathValue("id")), v); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
