package httpapi

import (
	"net/http"
	"strconv"

	"skranke/chat"
	"skranke/conversation"
)

// pageParams reads ?after=N&limit=M; limit 0 means the default page.
func pageParams(r *http.Request) (chat.Seq, int, error) {
	var after int64
	var limit int
	var err error
	if v := r.URL.Query().Get("after"); v != "" {
		if after, err = strconv.ParseInt(v, 10, 64); err != nil || after < 0 {
			return 0, 0, chat.E(chat.EInvalid, "after_invalid", "after must be a whole number ≥ 0.")
		}
	}
	if v := r.URL.Query().Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > conversation.MaxPage {
			return 0, 0, chat.E(chat.EInvalid, "limit_out_of_range", "limit must be between 1 and {max}.", "max", conversation.MaxPage)
		}
	}
	return chat.Seq(after), limit, nil
}

func (s *Server) widgetQueues(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	qs, err := s.opts.Service.Queues(ctx)
	if err != nil {
		return err
	}
	stats, err := s.opts.Routing.Queues(ctx)
	if err != nil {
		return err
	}
	online := make(map[chat.QueueID]int, len(stats))
	for _, st := range stats {
		online[st.QueueID] = st.AgentsOnline
	}
	type queue struct {
		conversation.QueueInfo
		AgentsOnline int `json:"agentsOnline"`
	}
	out := make([]queue, 0, len(qs))
	for _, q := range qs {
		out = append(out, queue{QueueInfo: q, AgentsOnline: online[q.ID]})
	}
	erasure, err := s.opts.Service.CustomerErasureOffered(ctx)
	if err != nil {
		return err
	}
	secure, err := s.opts.Service.SecureChatOffered(ctx)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"queues": out, "transcriptByEmail": s.opts.Service.MailEnabled(), "customerErasure": erasure,
		"secureChat": secure})
}

func (s *Server) widgetNewCustomer(w http.ResponseWriter, r *http.Request) error {
	token, _, err := s.opts.Auth.NewCustomer(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]string{"token": token})
}

func (s *Server) widgetStartConversation(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		QueueID chat.QueueID `json:"queueId"`
		Name    string       `json:"name"`
	}
	if err := decode(w, r, &req); err != nil {
		return err
	}
	c, created, err := s.opts.Service.Start(r.Context(), actor(r), conversation.StartRequest{QueueID: req.QueueID, Name: req.Name})
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return writeJSON(w, status, map[string]any{"conversation": c})
}

func (s *Server) widgetEvents(w http.ResponseWriter, r *http.Request) error {
	after, limit, err := pageParams(r)
	if err != nil {
		return err
	}
	page, err := s.opts.Service.CustomerLog(r.Context(), actor(r), chat.ConversationID(r.PathValue("id")), after, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"events": page.Events, "next": page.Next, "more": page.More})
}
