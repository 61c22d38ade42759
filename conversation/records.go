package conversation

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"time"

	"skranke/auth"
	"skranke/chat"
	"skranke/store"
)

// The organisation's chat log (R15): every chat, with its private notes,
// for administrators and supervisors; for an agent, the chats the agent
// took part in. It is read in the agent view: private messages are marked
// as such, never hidden. Evaluations are kept apart from the chats' logs.

// ChatLogQuery selects chats of the chat log. Zero fields do not filter.
type ChatLogQuery struct {
	Queue      chat.QueueID
	Agent      chat.UserID // who took part
	From, To   time.Time
	Status     chat.ConversationStatus
	EndedBy    chat.ParticipantRole
	HasPrivate *bool
	Text       string // words to find in any message or note
	Cursor     string // from ChatLogPage.Next
	Limit      int    // 50 if 0, at most 200
}

// ChatLogItem is one chat of the chat log.
type ChatLogItem struct {
	ID           chat.ConversationID `json:"id"`
	QueueID      chat.QueueID        `json:"queueId"`
	CustomerName string              `json:"customerName,omitempty"`
	// Visitor is the number a customer who gave no name goes by, as in
	// every other view of the chat (chat.VisitorNumber).
	Visitor   string                  `json:"visitor"`
	Status    chat.ConversationStatus `json:"status"`
	CreatedAt time.Time               `json:"createdAt"`
	EndedAt   time.Time               `json:"endedAt,omitzero"`
	Record    chat.Record             `json:"record"`
	// WaitSeconds is how long the customer waited for the first agent;
	// HandlingSeconds how long the chat went on from then to its end.
	// Absent while not known.
	WaitSeconds     *int64           `json:"waitSeconds,omitempty"`
	HandlingSeconds *int64           `json:"handlingSeconds,omitempty"`
	Evaluation      *chat.Evaluation `json:"evaluation,omitempty"`
	// Hits are the messages that match the search, newest first, with the
	// matching words marked.
	Hits []ChatLogHit `json:"hits,omitempty"`
}

// ChatLogHit is a message that matches a search.
type ChatLogHit struct {
	Seq        chat.Seq         `json:"seq"`
	Time       time.Time        `json:"time"`
	Visibility chat.Visibility  `json:"visibility"`
	Author     chat.Participant `json:"author"`
	Parts      []chat.TextPart  `json:"parts"`
}

// ChatLogPage is a page of the chat log, newest chats first.
type ChatLogPage struct {
	Items []ChatLogItem `json:"items"`
	Next  string        `json:"next,omitempty"` // the Cursor of the next page; empty after the last
}

// chatLogReader returns the actor's user if it may read the chat log: any
// logged-in user, an agent being limited to its own chats.
func chatLogReader(a auth.Actor) (*chat.User, error) {
	return agent(a, "read the chat log")
}

// supervises reports whether u reads every chat.
func supervises(u *chat.User) bool { return u.Role == chat.RoleAdmin || u.Role == chat.RoleSupervisor }

// ChatLog lists the chats that match q. An agent sees only the chats it
// took part in, whatever q asks.
func (s *Service) ChatLog(ctx context.Context, a auth.Actor, q ChatLogQuery) (ChatLogPage, error) {
	u, err := chatLogReader(a)
	if err != nil {
		return ChatLogPage{}, err
	}
	f := store.ChatLogFilter{Queue: q.Queue, Agent: q.Agent, From: q.From, To: q.To, EndedBy: q.EndedBy,
		HasPrivate: q.HasPrivate, Words: chat.SearchWords(q.Text), Limit: q.Limit}
	if q.Status != "" {
		f.Statuses = []chat.ConversationStatus{q.Status}
	}
	if !supervises(u) {
		if q.Agent != "" && q.Agent != u.ID {
			return ChatLogPage{Items: []ChatLogItem{}}, nil // another agent's chats: none of them are this one's
		}
		f.Agent = u.ID
	}
	if q.Cursor != "" {
		c, err := decodeCursor(q.Cursor)
		if err != nil {
			return ChatLogPage{}, err
		}
		f.Before = &c
	}
	for _, id := range []string{string(f.Queue), string(f.Agent)} {
		if err := chat.CheckID(id, "filter"); err != nil {
			return ChatLogPage{}, err
		}
	}
	if q.Text != "" && len(f.Words) == 0 {
		return ChatLogPage{Items: []ChatLogItem{}}, nil // only punctuation: nothing matches
	}
	entries, next, err := s.st.ChatLog(ctx, f)
	if err != nil {
		return ChatLogPage{}, fmt.Errorf("chat log: %w", err)
	}
	page := ChatLogPage{Items: make([]ChatLogItem, 0, len(entries))}
	for _, e := range entries {
		page.Items = append(page.Items, chatLogItem(e, f.Words))
	}
	if next != nil {
		page.Next = encodeCursor(*next)
	}
	return page, nil
}

func chatLogItem(e store.ChatLogEntry, words []string) ChatLogItem {
	c := e.Conversation
	it := ChatLogItem{ID: c.ID, QueueID: c.QueueID, CustomerName: c.CustomerName, Visitor: chat.VisitorNumber(c.ID), Status: c.Status,
		CreatedAt: c.CreatedAt, EndedAt: c.EndedAt, Record: c.Record, Evaluation: e.Evaluation}
	if !c.Record.AnsweredAt.IsZero() {
		w := int64(c.Record.AnsweredAt.Sub(c.CreatedAt) / time.Second)
		it.WaitSeconds = &w
		if !c.EndedAt.IsZero() {
			h := int64(c.EndedAt.Sub(c.Record.AnsweredAt) / time.Second)
			it.HandlingSeconds = &h
		}
	}
	for _, h := range e.Hits {
		it.Hits = append(it.Hits, ChatLogHit{Seq: h.Seq, Time: h.Time, Visibility: h.Visibility, Author: h.Author,
			Parts: chat.Highlight(h.Text, words)})
	}
	return it
}

// encodeCursor makes the opaque cursor of a chat log page.
func encodeCursor(c store.ChatLogCursor) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o" + strconv.FormatInt(c.Ord, 10)))
}

func decodeCursor(s string) (store.ChatLogCursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) < 2 || b[0] != 'o' {
		return store.ChatLogCursor{}, errCursor
	}
	n, err := strconv.ParseInt(string(b[1:]), 10, 64)
	if err != nil || n < 1 {
		return store.ChatLogCursor{}, errCursor
	}
	return store.ChatLogCursor{Ord: n}, nil
}

var errCursor = chat.E(chat.EInvalid, "cursor_invalid", "This page cursor is not one the server gave.")

// ChatRecord is one chat as the chat log shows it in full: its state, its
// whole log (agent view: private messages, offers, invitations, every
// event), who had a part in it, and its evaluation.
type ChatRecord struct {
	Conversation   chat.Conversation    `json:"conversation"`
	Events         []chat.Event         `json:"events"`
	Participations []chat.Participation `json:"participations"`
	Evaluation     *chat.Evaluation     `json:"evaluation,omitempty"`
}

// ChatRecord returns conversation id in full, for a supervisor or an
// administrator, or an agent who took part in it.
func (s *Service) ChatRecord(ctx context.Context, a auth.Actor, id chat.ConversationID) (ChatRecord, error) {
	c, err := s.readable(ctx, a, id)
	if err != nil {
		return ChatRecord{}, err
	}
	r := ChatRecord{Conversation: c, Events: []chat.Event{}}
	for after := chat.Seq(0); ; {
		evs, err := s.st.Events(ctx, id, after, MaxPage)
		if err != nil {
			return ChatRecord{}, fmt.Errorf("chat record: %w", err)
		}
		r.Events = append(r.Events, evs...)
		if len(evs) < MaxPage {
			break
		}
		after = evs[len(evs)-1].Seq
	}
	if r.Participations, err = s.st.Participations(ctx, id); err != nil {
		return ChatRecord{}, fmt.Errorf("chat record: %w", err)
	}
	r.Participations = nonNil(r.Participations)
	ev, err := s.st.Evaluation(ctx, id)
	switch {
	case err == nil:
		r.Evaluation = &ev
	case chat.ErrorCode(err) != chat.ENotFound:
		return ChatRecord{}, fmt.Errorf("chat record: %w", err)
	}
	return r, nil
}

// EvaluationRequest is an evaluation to save: Version is the version of the
// evaluation the evaluator saw (0 when there was none).
type EvaluationRequest struct {
	Score   int
	Note    string
	Version int
}

// Evaluate saves an evaluation of an ended chat, as a supervisor or an
// administrator. A save over an evaluation someone else saved meanwhile is
// a conflict.
func (s *Service) Evaluate(ctx context.Context, a auth.Actor, id chat.ConversationID, r EvaluationRequest) (chat.Evaluation, error) {
	u, err := agent(a, "evaluate chats")
	if err != nil {
		return chat.Evaluation{}, err
	}
	if !supervises(u) {
		return chat.Evaluation{}, chat.E(chat.EForbidden, "evaluation_forbidden", "Only supervisors and administrators evaluate chats.")
	}
	c, err := s.readable(ctx, a, id)
	if err != nil {
		return chat.Evaluation{}, err
	}
	if c.Status != chat.StatusEnded {
		return chat.Evaluation{}, chat.E(chat.EConflict, "evaluation_chat_open", "A chat is evaluated once it has ended.")
	}
	return s.st.SetEvaluation(ctx, chat.Evaluation{ConversationID: id, Score: r.Score, Note: r.Note, Version: r.Version,
		Author: chat.Participant{Role: chat.PartyAgent, ID: string(u.ID), Name: u.DisplayName}})
}
