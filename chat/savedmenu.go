package chat

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// SavedMenuID identifies a saved menu; made by the server.
type SavedMenuID string

// MaxSavedMenus is how many saved menus the organisation may keep.
const MaxSavedMenus = 200

// SavedMenu is a choice menu the administrator keeps for agents to offer
// (R9): a name agents pick it by, and the question and options the menu
// gets. An agent may change them before sending; the menu event records
// which saved menu it came from.
type SavedMenu struct {
	ID        SavedMenuID  `json:"id"`
	Name      string       `json:"name"`
	Question  string       `json:"question"`
	Options   []MenuOption `json:"options"`
	Version   int64        `json:"version"`
	CreatedAt time.Time    `json:"createdAt"`
	UpdatedAt time.Time    `json:"updatedAt"`
}

// SavedMenuUpdate is a change to a saved menu, made from Version.
type SavedMenuUpdate struct {
	Version  int64         `json:"version"`
	Name     *string       `json:"name,omitempty"`
	Question *string       `json:"question,omitempty"`
	Options  *[]MenuOption `json:"options,omitempty"`
}

// Apply returns m with the update applied; it neither validates nor counts
// the version.
func (m SavedMenu) Apply(u SavedMenuUpdate) SavedMenu {
	if u.Name != nil {
		m.Name = *u.Name
	}
	if u.Question != nil {
		m.Question = *u.Question
	}
	if u.Options != nil {
		m.Options = slices.Clone(*u.Options)
	}
	return m
}

// Check validates a saved menu and returns it tidied: a name, and a
// question and options that a menu may have (CheckMenu).
func (m SavedMenu) Check() (SavedMenu, error) {
	m.Name = strings.TrimSpace(m.Name)
	switch {
	case m.Name == "":
		return SavedMenu{}, E(EInvalid, "saved_menu_name_required", "Give the menu a name.", "field", "name")
	case utf8.RuneCountInString(m.Name) > MaxPredefinedTitle:
		return SavedMenu{}, E(EInvalid, "saved_menu_name_too_long", "The name is longer than {max} characters.", "field", "name", "max", MaxPredefinedTitle)
	}
	if err := CheckText(m.Name, TextName); err != nil {
		return SavedMenu{}, err
	}
	q, opts, err := CheckMenu(m.Question, m.Options)
	if err != nil {
		return SavedMenu{}, err
	}
	m.Question, m.Options = q, opts
	return m, nil
}
