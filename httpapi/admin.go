package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"skranke/admin"
	"skranke/chat"
)

// The administration's REST API (R20), which the admin pages use too:
// each handler decodes, calls one admin.Service method with the actor and
// encodes. Updates are PATCH with the fields to change and the version of
// the record they were made from; a stale version is 409 (reason
// stale_version). Deletions take ?version= (optional).

// versionParam reads ?version=N (0 when absent).
func versionParam(r *http.Request) (int64, error) {
	v := r.URL.Query().Get("version")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 {
		return 0, chat.E(chat.EInvalid, "version_invalid", "version must be a whole number of at least 1.", "field", "version")
	}
	return n, nil
}

// ---- Users.

// presence is what the router knows of a user now, for the admin pages.
type presence struct {
	Status    chat.AgentStatus `json:"status"`
	ProfileID chat.ProfileID   `json:"profileId,omitempty"`
	Load      int              `json:"load"`
}

// online returns the users online now and their status, or none when the
// router cannot say (the pages then show no presence).
func (s *Server) online(r *http.Request) map[chat.UserID]presence {
	out := map[chat.UserID]presence{}
	agents, err := s.opts.Routing.Agents(r.Context())
	if err != nil {
		return out
	}
	for _, a := range agents {
		if a.Online {
			out[a.ID] = presence{Status: a.Status, ProfileID: a.ProfileID, Load: a.Load}
		}
	}
	return out
}

func (s *Server) adminUsers(w http.ResponseWriter, r *http.Request) error {
	us, err := s.opts.Admin.Users(r.Context(), actor(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"users": us, "online": s.online(r)})
}

func (s *Server) adminCreateUser(w http.ResponseWriter, r *http.Request) error {
	var req admin.NewUser
	if err := decode(w, r, &req); err != nil {
		return err
	}
	u, err := s.opts.Admin.CreateUser(r.Context(), actor(r), req)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"user": u})
}

func (s *Server) adminUser(w http.ResponseWriter, r *http.Request) error {
	u, err := s.opts.Admin.User(r.Context(), actor(r), chat.UserID(r.PathValue("id")))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"user": u})
}

func (s *Server) adminUpdateUser(w http.ResponseWriter, r *http.Request) error {
	var req chat.UserUpdate
	if err := decode(w, r, &req); err != nil {
		return err
	}
	u, err := s.opts.Admin.UpdateUser(r.Context(), actor(r), chat.UserID(r.PathValue("id")), req)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"user": u})
}

func (s *Server) adminDeleteUser(w http.ResponseWriter, r *http.Request) error {
	v, err := versionParam(r)
	if err != nil {
		return err
	}
	if err := s.opts.Admin.DeleteUser(r.Context(), actor(r), chat.UserID(r.PathValue("id")), v); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) adminSetPassword(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Password string `json:"password"`
	}
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if err := s.opts.Admin.SetPassword(r.Context(), actor(r), chat.UserID(r.PathValue("id")), req.Password); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// ---- Queues.

// newQueue is the body that creates a queue.
type newQueue struct {
	ID                  chat.QueueID       `json:"id"`
	Name                string             `json:"name"`
	OfferTimeoutSeconds int                `json:"offerTimeoutSeconds"`
	Priority            int                `json:"priority"`
	WaitingText         string             `json:"waitingText"`
	ClosedText          string             `json:"closedText"`
	Hours               *chat.OpeningHours `json:"hours"`
}

func (s *Server) adminQueues(w http.ResponseWriter, r *http.Request) error {
	qs, err := s.opts.Admin.Queues(r.Context(), actor(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"queues": qs, "open": s.opts.Admin.OpenNow(qs)})
}

func (s *Server) adminCreateQueue(w http.ResponseWriter, r *http.Request) error {
	var req newQueue
	if err := decode(w, r, &req); err != nil {
		return err
	}
	q, err := s.opts.Admin.CreateQueue(r.Context(), actor(r), chat.Queue{ID: req.ID, Name: req.Name,
		OfferTimeoutSeconds: req.OfferTimeoutSeconds, Priority: req.Priority, WaitingText: req.WaitingText,
		ClosedText: req.ClosedText, Hours: req.Hours})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"queue": q})
}

func (s *Server) adminQueue(w http.ResponseWriter, r *http.Request) error {
	q, err := s.opts.Admin.Queue(r.Context(), actor(r), chat.QueueID(r.PathValue("id")))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"queue": q})
}

func (s *Server) adminUpdateQueue(w http.ResponseWriter, r *http.Request) error {
	var req chat.QueueUpdate
	if err := decode(w, r, &req); err != nil {
		return err
	}
	q, err := s.opts.Admin.UpdateQueue(r.Context(), actor(r), chat.QueueID(r.PathValue("id")), req)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"queue": q})
}

func (s *Server) adminSetHours(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Version int64              `json:"version"`
		Hours   *chat.OpeningHours `json:"hours"`
	}
	if err := decode(w, r, &req); err != nil {
		return err
	}
	q, err := s.opts.Admin.SetHours(r.Context(), actor(r), chat.QueueID(r.PathValue("id")), req.Version, req.Hours)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"queue": q})
}

func (s *Server) adminRemoveQueue(w http.ResponseWriter, r *http.Request) error {
	v, err := versionParam(r)
	if err != nil {
		return err
	}
	if err := s.opts.Admin.RemoveQueue(r.Context(), actor(r), chat.QueueID(r.PathValue("id")), v); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// ---- Profiles.

// profileAgent is an agent working in a profile now.
type profileAgent struct {
	ID          chat.UserID      `json:"id"`
	DisplayName string           `json:"displayName"`
	Status      chat.AgentStatus `json:"status"`
}

func (s *Server) adminProfiles(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.opts.Admin.Profiles(r.Context(), actor(r))
	if err != nil {
		return err
	}
	inUse := map[chat.ProfileID][]profileAgent{}
	if agents, err := s.opts.Routing.Agents(r.Context()); err == nil {
		for _, a := range agents {
			if a.Online && a.ProfileID != "" {
				inUse[a.ProfileID] = append(inUse[a.ProfileID], profileAgent{a.ID, a.DisplayName, a.Status})
			}
		}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"profiles": ps, "inUse": inUse})
}

func (s *Server) adminCreateProfile(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		ID     chat.ProfileID `json:"id"`
		Name   string         `json:"name"`
		Queues []chat.QueueID `json:"queues"`
	}
	if err := decode(w, r, &req); err != nil {
		return err
	}
	p, err := s.opts.Admin.CreateProfile(r.Context(), actor(r), chat.Profile{ID: req.ID, Name: req.Name, Queues: req.Queues})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"profile": p})
}

func (s *Server) adminProfile(w http.ResponseWriter, r *http.Request) error {
	p, err := s.opts.Admin.Profile(r.Context(), actor(r), chat.ProfileID(r.PathValue("id")))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"profile": p})
}

func (s *Server) adminUpdateProfile(w http.ResponseWriter, r *http.Request) error {
	var req chat.ProfileUpdate
	if err := decode(w, r, &req); err != nil {
		return err
	}
	p, err := s.opts.Admin.UpdateProfile(r.Context(), actor(r), chat.ProfileID(r.PathValue("id")), req)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"profile": p})
}

func (s *Server) adminDeleteProfile(w http.ResponseWriter, r *http.Request) error {
	v, err := versionParam(r)
	if err != nil {
		return err
	}
	if err := s.opts.Admin.DeleteProfile(r.Context(), actor(r), chat.ProfileID(r.PathValue("id")), v); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// ---- The widget.

func (s *Server) adminWidget(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.opts.Admin.Widget(r.Context(), actor(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"widget": ws})
}

func (s *Server) adminUpdateWidget(w http.ResponseWriter, r *http.Request) error {
	var req chat.WidgetUpdate
	if err := decode(w, r, &req); err != nil {
		return err
	}
	ws, err := s.opts.Admin.UpdateWidget(r.Context(), actor(r), req)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"widget": ws})
}

func (s *Server) adminPrivacy(w http.ResponseWriter, r *http.Request) error {
	p, err := s.opts.Admin.Privacy(r.Context(), actor(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"privacy": p})
}

func (s *Server) adminUpdatePrivacy(w http.ResponseWriter, r *http.Request) error {
	var req chat.PrivacyUpdate
	if err := decode(w, r, &req); err != nil {
		return err
	}
	p, err := s.opts.Admin.UpdatePrivacy(r.Context(), actor(r), req)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"privacy": p})
}

// widgetSettings serves the widget's settings to any site: the loader on
// the organisation's pages reads them across origins, without credentials.
func (s *Server) widgetSettings(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.opts.Admin.WidgetSettings(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	return writeJSON(w, http.StatusOK, map[string]any{"settings": publicWidget{
		Title: ws.Title, Greeting: ws.Greeting, Color: ws.Color, TextColor: ws.TextColor, Queues: ws.Queues,
		FixedQueue: ws.FixedQueue, Language: ws.Language, ShowPosition: ws.ShowPosition}})
}

// publicWidget is what a site's visitors may read of the widget settings.
type publicWidget struct {
	Title        string         `json:"title"`
	Greeting     string         `json:"greeting"`
	Color        string         `json:"color"`
	TextColor    string         `json:"textColor"`
	Queues       []chat.QueueID `json:"queues"`
	FixedQueue   chat.QueueID   `json:"fixedQueue,omitempty"`
	Language     string         `json:"language"`
	ShowPosition bool           `json:"showPosition"`
}

// ---- API tokens.

func (s *Server) adminTokens(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.opts.Admin.APITokens(r.Context(), actor(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"tokens": ts})
}

func (s *Server) adminCreateToken(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Name  string          `json:"name"`
		Scope chat.TokenScope `json:"scope"`
	}
	if err := decode(w, r, &req); err != nil {
		return err
	}
	secret, t, err := s.opts.Admin.CreateAPIToken(r.Context(), actor(r), req.Name, req.Scope)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"token": secret, "apiToken": t})
}

func (s *Server) adminRevokeToken(w http.ResponseWriter, r *http.Request) error {
	t, err := s.opts.Admin.RevokeAPIToken(r.Context(), actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"apiToken": t})
}

// ---- The audit log.

func (s *Server) adminAudit(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := admin.AuditFilter{TargetKind: q.Get("targetKind"), TargetID: q.Get("targetId"),
		ActorID: chat.UserID(q.Get("actorId")), Action: q.Get("action")}
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		if v := q.Get(p.name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return chat.E(chat.EInvalid, "filter_time_invalid", "{field} must be a time in RFC 3339, such as 2026-11-25T08:00:00Z.", "field", p.name)
			}
			*p.dst = t
		}
	}
	if v := q.Get("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			return chat.E(chat.EInvalid, "before_invalid", "before must be a whole number of at least 1.", "field", "before")
		}
		f.Before = n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > admin.MaxAuditPage {
			return chat.E(chat.EInvalid, "limit_range", "limit must be between 1 and {max}.", "field", "limit", "max", admin.MaxAuditPage)
		}
		f.Limit = n
	}
	es, err := s.opts.Admin.Audit(r.Context(), actor(r), f)
	if err != nil {
		return err
	}
	var next int64 // the cursor of the next page; 0 when this one is the last
	limit := f.Limit
	if limit == 0 {
		limit = 100
	}
	if len(es) == limit {
		next = es[len(es)-1].ID
	}
	return writeJSON(w, http.StatusOK, map[string]any{"entries": es, "next": next})
}

// ---- The first run.

func (s *Server) setupState(w http.ResponseWriter, r *http.Request) error {
	pending, err := s.opts.Admin.SetupPending(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"pending": pending})
}

// setup creates the first administrator with the secret of the set-up
// link, and logs them in.
func (s *Server) setup(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Secret      string `json:"secret"`
		Username    string `json:"username"`
		DisplayName string `json:"displayName"`
		Password    string `json:"password"`
	}
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if _, err := s.opts.Admin.Setup(r.Context(), req.Secret, admin.NewUser{Username: req.Username, DisplayName: req.DisplayName,
		Password: req.Password}); err != nil {
		return err
	}
	token, u, err := s.opts.Auth.Login(r.Context(), req.Username, req.Password)
	if err != nil {
		return err
	}
	s.setSessionCookie(w, token)
	return writeJSON(w, http.StatusCreated, map[string]any{"user": u})
}
