package httpapi

import (
	"net/http"

	"skranke/chat"
)

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if req.Username == "" || req.Password == "" {
		return chat.E(chat.EInvalid, "login_fields_required", "Enter your username and password.")
	}
	token, u, err := s.opts.Auth.Login(r.Context(), req.Username, req.Password)
	if err != nil {
		return err
	}
	s.setSessionCookie(w, token)
	return writeJSON(w, http.StatusOK, map[string]any{"user": u})
}

// setSessionCookie gives the browser its login session.
func (s *Server) setSessionCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookie,
		Value:    token,
		Path:     "/",
		HttpOnly: true,
		Secure:   s.opts.Secure,
		SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		a, err := s.opts.Auth.Session(r.Context(), c.Value)
		if err := s.opts.Auth.Logout(r.Context(), c.Value); err != nil {
			return err
		}
		if err == nil {
			// The session's sockets close too, on every node.
			s.opts.Hub.Revoke(r.Context(), a.User.ID, a.Session.TokenHash)
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.opts.Secure, SameSite: http.SameSiteLaxMode})
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	d, err := s.opts.Service.Desk(r.Context(), actor(r), false)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"user": d.User, "state": d.State, "profiles": d.Profiles, "queues": d.Queues})
}

func (s *Server) putLanguage(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Language string `json:"language"`
	}
	if err := decode(w, r, &req); err != nil {
		return err
	}
	u, err := s.opts.Admin.SetLanguage(r.Context(), actor(r), req.Language)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"language": u.Language})
}

func (s *Server) conversation(w http.ResponseWriter, r *http.Request) error {
	ctx, id := r.Context(), chat.ConversationID(r.PathValue("id"))
	c, err := s.opts.Service.AgentConversation(ctx, actor(r), id)
	if err != nil {
		return err
	}
	evs, err := s.opts.Service.AgentLog(ctx, actor(r), id, 0, 0)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"conversation": c, "events": nonNil(evs)})
}

func (s *Server) conversationEvents(w http.ResponseWriter, r *http.Request) error {
	after, limit, err := pageParams(r)
	if err != nil {
		return err
	}
	evs, err := s.opts.Service.AgentLog(r.Context(), actor(r), chat.ConversationID(r.PathValue("id")), after, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"events": nonNil(evs)})
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// agents lists the agents who are online, with their status and load, and
// each queue's numbers: what an agent needs to choose whom to invite.
func (s *Server) agents(w http.ResponseWriter, r *http.Request) error {
	agents, err := s.opts.Routing.Agents(r.Context())
	if err != nil {
		return err
	}
	queues, err := s.opts.Routing.Queues(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"agents": nonNil(agents), "queues": nonNil(queues)})
}
