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
		return chat.Errorf(chat.EInvalid, "Enter your username and password.")
	}
	token, u, err := s.opts.Auth.Login(r.Context(), req.Username, req.Password)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookie,
		Value:    token,
		Path:     "/",
		HttpOnly: true,
		Secure:   s.opts.Secure,
		SameSite: http.SameSiteLaxMode,
	})
	return writeJSON(w, http.StatusOK, map[string]any{"user": u})
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.opts.Auth.Logout(r.Context(), c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.opts.Secure, SameSite: http.SameSiteLaxMode})
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	u := actor(r).User
	ctx := r.Context()
	st, err := s.opts.Store.AgentState(ctx, u.ID)
	if err != nil {
		return err
	}
	profiles, err := s.opts.Store.Profiles(ctx)
	if err != nil {
		return err
	}
	queues, err := s.opts.Store.Queues(ctx)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"user": u, "state": st, "profiles": profiles, "queues": queues})
}

// mayRead reports whether user u may read conversation c in the agent view:
// supervisors and administrators may; an agent may while in it, offered it
// or invited to it, and after having been.
func (s *Server) mayRead(r *http.Request, u *chat.User, c chat.Conversation) (bool, error) {
	if u.Role == chat.RoleAdmin || u.Role == chat.RoleSupervisor {
		return true, nil
	}
	if c.HasAgent(u.ID) || (c.Offer != nil && c.Offer.AgentID == u.ID) || (c.Invitation != nil && c.Invitation.AgentID == u.ID) {
		return true, nil
	}
	evs, err := s.opts.Store.Events(r.Context(), c.ID, 0, 0)
	if err != nil {
		return false, err
	}
	for _, e := range evs {
		if (e.Kind == chat.KindAgentJoined || e.Kind == chat.KindOffered || e.Kind == chat.KindInvited) && e.AgentID == u.ID {
			return true, nil
		}
	}
	return false, nil
}

// readableConversation returns the conversation of the request's {id} if
// the user may read it, and not_found otherwise.
func (s *Server) readableConversation(r *http.Request) (chat.Conversation, error) {
	c, err := s.opts.Store.Conversation(r.Context(), chat.ConversationID(r.PathValue("id")))
	if err != nil {
		return chat.Conversation{}, err
	}
	ok, err := s.mayRead(r, actor(r).User, c)
	if err != nil {
		return chat.Conversation{}, err
	}
	if !ok {
		return chat.Conversation{}, chat.Errorf(chat.ENotFound, "No such conversation.")
	}
	return c, nil
}

func (s *Server) conversation(w http.ResponseWriter, r *http.Request) error {
	c, err := s.readableConversation(r)
	if err != nil {
		return err
	}
	evs, err := s.opts.Store.Events(r.Context(), c.ID, 0, 0)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"conversation": c, "events": nonNil(evs)})
}

func (s *Server) conversationEvents(w http.ResponseWriter, r *http.Request) error {
	c, err := s.readableConversation(r)
	if err != nil {
		return err
	}
	after, limit, err := pageParams(r)
	if err != nil {
		return err
	}
	evs, err := s.opts.Store.Events(r.Context(), c.ID, after, limit)
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
