package httpapi

import (
	"context"
	"net/http"
	"strconv"

	"skranke/chat"
	"skranke/realtime"
	"skranke/store"
)

// pageParams reads ?after=N&limit=M.
func pageParams(r *http.Request) (chat.Seq, int, error) {
	var after int64
	var limit int
	var err error
	if v := r.URL.Query().Get("after"); v != "" {
		if after, err = strconv.ParseInt(v, 10, 64); err != nil || after < 0 {
			return 0, 0, chat.Errorf(chat.EInvalid, "after must be a whole number ≥ 0.")
		}
	}
	if v := r.URL.Query().Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > 1000 {
			return 0, 0, chat.Errorf(chat.EInvalid, "limit must be between 1 and 1000.")
		}
	}
	return chat.Seq(after), limit, nil
}

func (s *Server) widgetQueues(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	qs, err := s.opts.Store.Queues(ctx)
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
		ID           chat.QueueID `json:"id"`
		Name         string       `json:"name"`
		AgentsOnline int          `json:"agentsOnline"`
	}
	out := make([]queue, 0, len(qs))
	for _, q := range qs {
		out = append(out, queue{ID: q.ID, Name: q.Name, AgentsOnline: online[q.ID]})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"queues": out})
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
	ctx := r.Context()
	q, err := s.opts.Store.Queue(ctx, req.QueueID)
	if chat.ErrorCode(err) == chat.ENotFound {
		return chat.Errorf(chat.EInvalid, "No such queue.")
	} else if err != nil {
		return err
	}
	cust := actor(r).Customer
	c, created, err := s.opts.Store.StartConversation(ctx, store.StartConversation{
		ID:           chat.ConversationID(chat.NewID()),
		CustomerID:   cust.ID,
		QueueID:      q.ID,
		CustomerName: req.Name,
	})
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		// The router learns of the new chat from this announcement.
		evs, err := s.opts.Store.Events(ctx, c.ID, 0, 1)
		if err != nil {
			return err
		}
		for _, e := range evs {
			if err := s.opts.Bus.Publish(context.WithoutCancel(ctx), e); err != nil {
				s.log.Warn("publish started", "conversation", c.ID, "err", err)
			}
		}
	} else if c.QueueID != q.ID {
		if q, err = s.opts.Store.Queue(ctx, c.QueueID); err != nil {
			return err
		}
	}
	return writeJSON(w, status, map[string]any{"conversation": realtime.NewCustomerConversation(c, q)})
}

func (s *Server) widgetEvents(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, err := s.opts.Store.Conversation(ctx, chat.ConversationID(r.PathValue("id")))
	if err != nil {
		return err
	}
	if c.CustomerID != actor(r).Customer.ID {
		return chat.Errorf(chat.ENotFound, "No such conversation.")
	}
	after, limit, err := pageParams(r)
	if err != nil {
		return err
	}
	evs, err := s.opts.Store.Events(ctx, c.ID, after, limit)
	if err != nil {
		return err
	}
	out := make([]chat.Event, 0, len(evs))
	for _, e := range evs {
		if ce, ok := chat.ForCustomer(e); ok {
			out = append(out, ce)
		}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"events": out})
}
