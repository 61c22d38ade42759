package conversation

import (
	"context"
	"fmt"

	"skranke/auth"
	"skranke/chat"
	"skranke/store"
)

// PredefinedText is a predefined message (R8) as an agent picks it in a
// chat: its text with the placeholders filled in for that chat, and the
// placeholders that had no value (left empty), so that the desktop can
// point at the gap before anything is sent.
type PredefinedText struct {
	ID       chat.PredefinedID `json:"id"`
	Title    string            `json:"title"`
	Category string            `json:"category,omitempty"`
	Text     string            `json:"text"`
	Missing  []string          `json:"missing,omitempty"`
	Personal bool              `json:"personal,omitempty"`
}

// PredefinedFor lists the predefined messages for conversation id, as an
// agent in it: the organisation's for its queue and the agent's active
// profile, then the agent's own, each filled in with the customer's name,
// the agent's and the queue's.
func (s *Service) PredefinedFor(ctx context.Context, a auth.Actor, id chat.ConversationID) ([]PredefinedText, error) {
	u, err := agent(a, "use predefined messages")
	if err != nil {
		return nil, err
	}
	c, err := s.memberConversation(ctx, u, id)
	if err != nil {
		return nil, err
	}
	q, err := s.st.Queue(ctx, c.QueueID)
	if err != nil {
		return nil, fmt.Errorf("predefined messages: %w", err)
	}
	state, err := s.st.AgentState(ctx, u.ID)
	if err != nil {
		return nil, fmt.Errorf("predefined messages: %w", err)
	}
	org, err := store.PredefinedMessages(ctx, s.st, "")
	if err != nil {
		return nil, err
	}
	own, err := store.PredefinedMessages(ctx, s.st, u.ID)
	if err != nil {
		return nil, err
	}
	values := map[string]string{
		chat.PlaceholderCustomerName: c.CustomerName,
		chat.PlaceholderAgentName:    u.DisplayName,
		chat.PlaceholderQueueName:    q.Name,
	}
	out := []PredefinedText{}
	for _, m := range append(org, own...) {
		if !m.For(u.ID, c.QueueID, state.ProfileID) {
			continue
		}
		text, missing := chat.FillPlaceholders(m.Text, values)
		out = append(out, PredefinedText{ID: m.ID, Title: m.Title, Category: m.Category, Text: text, Missing: missing, Personal: m.OwnerID != ""})
	}
	return out, nil
}
