package httpapi

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"skranke/chat"
	"skranke/conversation"
)

// The organisation's chat log over REST (R15): the list with its filters,
// one chat in full, its export, its evaluation. The service decides who
// sees what; these only read the query and write the answer.

// chatLogQuery reads the chat log's filters from the URL.
func chatLogQuery(r *http.Request) (conversation.ChatLogQuery, error) {
	v := r.URL.Query()
	q := conversation.ChatLogQuery{
		Queue:   chat.QueueID(v.Get("queue")),
		Agent:   chat.UserID(v.Get("agent")),
		Status:  chat.ConversationStatus(v.Get("status")),
		EndedBy: chat.ParticipantRole(v.Get("endedBy")),
		Text:    v.Get("q"),
		Cursor:  v.Get("cursor"),
	}
	switch q.Status {
	case "", chat.StatusWaiting, chat.StatusActive, chat.StatusEnded:
	default:
		return q, chat.E(chat.EInvalid, "filter_status", "status must be waiting, active or ended.")
	}
	switch q.EndedBy {
	case "", chat.PartyCustomer, chat.PartyAgent, chat.PartySystem:
	default:
		return q, chat.E(chat.EInvalid, "filter_ended_by", "endedBy must be customer, agent or system.")
	}
	for name, t := range map[string]*time.Time{"from": &q.From, "to": &q.To} {
		if s := v.Get(name); s != "" {
			var err error
			if *t, err = time.Parse(time.RFC3339, s); err != nil {
				if *t, err = time.Parse(time.DateOnly, s); err != nil {
					return q, chat.E(chat.EInvalid, "filter_time", "{name} must be a date (2026-12-01) or a time (RFC 3339).", "name", name)
				}
			}
		}
	}
	if s := v.Get("private"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return q, chat.E(chat.EInvalid, "filter_private", "private must be true or false.")
		}
		q.HasPrivate = &b
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 200 {
			return q, chat.E(chat.EInvalid, "limit_range", "limit must be between 1 and {max}.", "max", 200)
		}
		q.Limit = n
	}
	return q, nil
}

func (s *Server) chatLog(w http.ResponseWriter, r *http.Request) error {
	q, err := chatLogQuery(r)
	if err != nil {
		return err
	}
	page, err := s.opts.Service.ChatLog(r.Context(), actor(r), q)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, page)
}

// maxCSVRows is the most chats one CSV export lists.
const maxCSVRows = 10000

// chatLogCSV exports the chats that match the filters as CSV, one row a
// chat, newest first, at most maxCSVRows of them.
func (s *Server) chatLogCSV(w http.ResponseWriter, r *http.Request) error {
	q, err := chatLogQuery(r)
	if err != nil {
		return err
	}
	q.Limit, q.Cursor = 200, ""
	first, err := s.opts.Service.ChatLog(r.Context(), actor(r), q)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="chat-log.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "queue", "customer", "status", "created", "answered", "ended", "wait_seconds",
		"handling_seconds", "ended_by", "messages", "private_notes", "evaluation"})
	rows := 0
	for page := first; ; {
		for _, it := range page.Items {
			cw.Write(csvRow(it))
			rows++
		}
		if page.Next == "" || rows >= maxCSVRows {
			break
		}
		q.Cursor = page.Next
		if page, err = s.opts.Service.ChatLog(r.Context(), actor(r), q); err != nil {
			s.log.Error("chat log export", "err", err) // the header is out: end the body short
			break
		}
	}
	cw.Flush()
	return nil
}

func csvRow(it conversation.ChatLogItem) []string {
	t := func(tm time.Time) string {
		if tm.IsZero() {
			return ""
		}
		return tm.UTC().Format(time.RFC3339)
	}
	n := func(p *int64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatInt(*p, 10)
	}
	score := ""
	if it.Evaluation != nil {
		score = strconv.Itoa(it.Evaluation.Score)
	}
	return []string{string(it.ID), string(it.QueueID), csvSafe(it.CustomerName), string(it.Status), t(it.CreatedAt),
		t(it.Record.AnsweredAt), t(it.EndedAt), n(it.WaitSeconds), n(it.HandlingSeconds), string(it.Record.EndedBy),
		strconv.Itoa(it.Record.Messages), strconv.Itoa(it.Record.Private), score}
}

// csvSafe keeps a spreadsheet from reading a cell a customer typed as a
// formula.
func csvSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}

func (s *Server) chatRecord(w http.ResponseWriter, r *http.Request) error {
	rec, err := s.opts.Service.ChatRecord(r.Context(), actor(r), pathID(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rec)
}

// chatRecordExport is chatRecord as a JSON file to keep.
func (s *Server) chatRecordExport(w http.ResponseWriter, r *http.Request) error {
	rec, err := s.opts.Service.ChatRecord(r.Context(), actor(r), pathID(r))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="chat-%s.json"`, rec.Conversation.ID))
	return writeJSON(w, http.StatusOK, rec)
}

func (s *Server) putEvaluation(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Score   int    `json:"score"`
		Note    string `json:"note"`
		Version int    `json:"version"`
	}
	if err := decode(w, r, &req); err != nil {
		return err
	}
	ev, err := s.opts.Service.Evaluate(r.Context(), actor(r), pathID(r), conversation.EvaluationRequest{Score: req.Score, Note: req.Note, Version: req.Version})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"evaluation": ev})
}
