package chat

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Predefined messages (R8): texts an agent puts into the message input
// with a title instead of typing them, then edits and sends as any
// message. The administrator keeps the organisation's, each for everyone,
// for some queues (the chats of those queues) or for some profiles (the
// agents working in them); an agent may keep personal ones beside them.
// A text may hold placeholders, filled in when it is put into the input:
// {customer.name}, {agent.name} and {queue.name}. An unknown placeholder is
// refused when the text is saved; a value not known when it is inserted is
// left empty (and the agent told), never sent as raw braces.

// PredefinedID identifies a predefined message; made by the server.
type PredefinedID string

// PredefinedScope says whom an organisation's predefined message is for.
type PredefinedScope string

// Predefined message scopes.
const (
	ScopeEveryone PredefinedScope = "everyone" // every agent, in every chat
	ScopeQueues   PredefinedScope = "queues"   // in the chats of Queues
	ScopeProfiles PredefinedScope = "profiles" // for agents working in one of Profiles
)

// Limits of predefined messages.
const (
	MaxPredefinedTitle    = 100 // characters of a title
	MaxPredefinedCategory = 60  // characters of a category
	MaxPredefined         = 500 // predefined messages of the organisation, or of one agent
)

// The placeholders a predefined message's text may hold.
const (
	PlaceholderCustomerName = "customer.name"
	PlaceholderAgentName    = "agent.name"
	PlaceholderQueueName    = "queue.name"
)

// PredefinedMessage is one predefined message. OwnerID is the agent whose
// personal message it is, empty for the organisation's; a personal message
// is for its owner in every chat (Scope everyone).
type PredefinedMessage struct {
	ID        PredefinedID    `json:"id"`
	Title     string          `json:"title"`
	Text      string          `json:"text"`
	Category  string          `json:"category,omitempty"`
	OwnerID   UserID          `json:"ownerId,omitempty"`
	Scope     PredefinedScope `json:"scope"`
	Queues    []QueueID       `json:"queues,omitempty"`
	Profiles  []ProfileID     `json:"profiles,omitempty"`
	Version   int64           `json:"version"`
	CreatedAt time.Time       `json:"createdAt"`
	UpdatedAt time.Time       `json:"updatedAt"`
}

// PredefinedUpdate is a change to a predefined message: the fields set
// change, made from Version.
type PredefinedUpdate struct {
	Version  int64            `json:"version"`
	Title    *string          `json:"title,omitempty"`
	Text     *string          `json:"text,omitempty"`
	Category *string          `json:"category,omitempty"`
	Scope    *PredefinedScope `json:"scope,omitempty"`
	Queues   *[]QueueID       `json:"queues,omitempty"`
	Profiles *[]ProfileID     `json:"profiles,omitempty"`
}

// Apply returns m with the update applied. It neither validates nor counts
// the version.
func (m PredefinedMessage) Apply(u PredefinedUpdate) PredefinedMessage {
	if u.Title != nil {
		m.Title = *u.Title
	}
	if u.Text != nil {
		m.Text = *u.Text
	}
	if u.Category != nil {
		m.Category = *u.Category
	}
	if u.Scope != nil {
		m.Scope = *u.Scope
	}
	if u.Queues != nil {
		m.Queues = slices.Clone(*u.Queues)
	}
	if u.Profiles != nil {
		m.Profiles = slices.Clone(*u.Profiles)
	}
	return m
}

// Tidy trims the title and category and drops the lists the scope does
// not use, so that what is stored is what is meant.
func (m PredefinedMessage) Tidy() PredefinedMessage {
	m.Title, m.Category = strings.TrimSpace(m.Title), strings.TrimSpace(m.Category)
	if m.Scope == "" {
		m.Scope = ScopeEveryone
	}
	if m.OwnerID != "" {
		m.Scope = ScopeEveryone
	}
	if m.Scope != ScopeQueues {
		m.Queues = nil
	}
	if m.Scope != ScopeProfiles {
		m.Profiles = nil
	}
	return m
}

// Validate checks a (tidied) predefined message: a title and a text, the
// scope with what it names, and only known placeholders in the text.
func (m PredefinedMessage) Validate() error {
	switch {
	case m.Title == "":
		return E(EInvalid, "predefined_title_required", "Give the message a title.", "field", "title")
	case utf8.RuneCountInString(m.Title) > MaxPredefinedTitle:
		return E(EInvalid, "predefined_title_too_long", "The title is longer than {max} characters.", "field", "title", "max", MaxPredefinedTitle)
	case strings.ContainsAny(m.Title, "\t\n\r"):
		return E(EInvalid, "predefined_title_not_one_line", "The title must be on one line.", "field", "title")
	case utf8.RuneCountInString(m.Category) > MaxPredefinedCategory:
		return E(EInvalid, "predefined_category_too_long", "The category is longer than {max} characters.", "field", "category", "max", MaxPredefinedCategory)
	case strings.TrimSpace(m.Text) == "":
		return E(EInvalid, "predefined_text_required", "Write the message's text.", "field", "text")
	case utf8.RuneCountInString(m.Text) > MaxTextLen:
		return E(EInvalid, "predefined_text_too_long", "The text is longer than {max} characters.", "field", "text", "max", MaxTextLen)
	}
	for _, s := range []string{m.Title, m.Category, m.Text} {
		if err := CheckText(s, TextMessage); err != nil {
			return err
		}
	}
	switch m.Scope {
	case ScopeEveryone:
	case ScopeQueues:
		if len(m.Queues) == 0 {
			return E(EInvalid, "predefined_queues_required", "Choose the queues the message is for.", "field", "queues")
		}
	case ScopeProfiles:
		if len(m.Profiles) == 0 {
			return E(EInvalid, "predefined_profiles_required", "Choose the profiles the message is for.", "field", "profiles")
		}
	default:
		return E(EInvalid, "predefined_scope_unknown", "A message is for everyone, some queues or some profiles.", "field", "scope")
	}
	for _, p := range placeholderPattern.FindAllStringSubmatch(m.Text, -1) {
		if !knownPlaceholder(p[1]) {
			return E(EInvalid, "placeholder_unknown", "The text has an unknown placeholder, {placeholder}; the known ones are {known}.",
				"field", "text", "placeholder", p[0], "known", "{customer.name}, {agent.name}, {queue.name}")
		}
	}
	return nil
}

// placeholderPattern matches what looks like a placeholder: a word, or
// words joined by dots, in braces. Braces around anything else are text.
var placeholderPattern = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\}`)

func knownPlaceholder(name string) bool {
	switch name {
	case PlaceholderCustomerName, PlaceholderAgentName, PlaceholderQueueName:
		return true
	}
	return false
}

// For reports whether the organisation's message m is for a chat of queue q
// taken by an agent working in profile p; a personal message is for its
// owner only.
func (m PredefinedMessage) For(agent UserID, q QueueID, p ProfileID) bool {
	if m.OwnerID != "" {
		return m.OwnerID == agent
	}
	switch m.Scope {
	case ScopeQueues:
		return slices.Contains(m.Queues, q)
	case ScopeProfiles:
		return p != "" && slices.Contains(m.Profiles, p)
	}
	return true
}

// FillPlaceholders puts values into text's placeholders. A placeholder
// whose value is empty or unknown is left empty, and named in missing (each
// once), so the agent sees the gap before sending.
func FillPlaceholders(text string, values map[string]string) (filled string, missing []string) {
	filled = placeholderPattern.ReplaceAllStringFunc(text, func(p string) string {
		name := p[1 : len(p)-1]
		v := strings.TrimSpace(values[name])
		if v == "" && !slices.Contains(missing, name) {
			missing = append(missing, name)
		}
		return v
	})
	return filled, missing
}
