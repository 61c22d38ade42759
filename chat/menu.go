package chat

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Choice menus ("Tilbud", R9): an agent offers the customer a question with
// a few options, as buttons instead of text, and the customer's answer comes
// back as a structured event. All three are events of the log, visible to
// all, so they resume, appear in history, in the customer's transcript and
// in the organisation's chat log like any message:
//
//   - KindMenu, by an agent in the chat: the question (the event's Text) and
//     its options (Menu). Its MenuID is made by the server.
//   - KindChoice, by the chat's customer: the menu and the option chosen
//     (Choice); Apply fills the event's Text with the option's label as the
//     menu gave it, whatever the client sent.
//   - KindMenuWithdrawn, by an agent in the chat: the menu is no longer
//     available (MenuWithdrawn).
//
// A menu is answered once. The conversation's fold keeps the state of each
// of its menus (Conversation.Menus), so Apply refuses, in the transaction
// that would store it, a second answer (another tab, a replay with a new
// client message id, a crafted frame) or an answer to a withdrawn menu
// with conflict, an option the menu does not have with invalid, and a menu
// of another conversation with not_found: such a choice stores nothing.

// Kinds of choice menus.
const (
	KindMenu          Kind = "menu"           // an agent offers a menu (Menu); Text is the question
	KindChoice        Kind = "choice"         // the customer chose an option (Choice); Text is its label
	KindMenuWithdrawn Kind = "menu_withdrawn" // an agent withdrew an unanswered menu (MenuWithdrawn)
)

// MenuID identifies a menu. It is made by the server (NewID), never by a
// client, so a menu of one conversation is never another's.
type MenuID string

// Limits of a menu.
const (
	MinMenuOptions = 2   // options a menu has at least
	MaxMenuOptions = 10  // and at most
	MaxQuestionLen = 500 // characters in a menu's question
	MaxOptionLen   = 100 // characters in an option's label
	MaxOptionIDLen = 64  // bytes in an option's id
	MaxOpenMenus   = 10  // menus of one chat waiting for an answer at once
)

// MenuOption is one of a menu's options. ID is the sender's own (a bot's
// value, say) or, when it gives none, the option's place: "1", "2", ….
type MenuOption struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

// Menu is the payload of KindMenu. SavedMenuID names the administrator's
// saved menu it was made from, if any; customers do not see it.
type Menu struct {
	MenuID      MenuID       `json:"menuId"`
	Options     []MenuOption `json:"options"`
	SavedMenuID SavedMenuID  `json:"savedMenuId,omitempty"`
}

// Choice is the payload of KindChoice: the customer chose option OptionID
// of menu MenuID. The option's label is the event's Text.
type Choice struct {
	MenuID   MenuID `json:"menuId"`
	OptionID string `json:"optionId"`
}

// MenuWithdrawn is the payload of KindMenuWithdrawn.
type MenuWithdrawn struct {
	MenuID MenuID `json:"menuId"`
}

// Kinds of the payloads.
func (Menu) Kind() Kind          { return KindMenu }
func (Choice) Kind() Kind        { return KindChoice }
func (MenuWithdrawn) Kind() Kind { return KindMenuWithdrawn }

// MenuStatus is where a menu is: open until it is answered or withdrawn.
type MenuStatus string

// Menu statuses.
const (
	MenuStatusOpen      MenuStatus = "open"
	MenuStatusAnswered  MenuStatus = "answered"
	MenuStatusWithdrawn MenuStatus = "withdrawn"
)

// MenuState is a menu of a conversation as its fold keeps it. Options are
// kept while it is open, for checking the answer; Chosen is the option
// chosen, once answered.
type MenuState struct {
	ID      MenuID       `json:"id"`
	Seq     Seq          `json:"seq"` // of the menu event
	Status  MenuStatus   `json:"status"`
	Options []MenuOption `json:"options,omitempty"`
	Chosen  string       `json:"chosen,omitempty"`
}

// Menu returns the conversation's menu id, if it has one.
func (c Conversation) Menu(id MenuID) (MenuState, bool) {
	i := slices.IndexFunc(c.Menus, func(m MenuState) bool { return m.ID == id })
	if i < 0 {
		return MenuState{}, false
	}
	return c.Menus[i], true
}

// OpenMenus counts the conversation's menus waiting for an answer.
func (c Conversation) OpenMenus() int {
	n := 0
	for _, m := range c.Menus {
		if m.Status == MenuStatusOpen {
			n++
		}
	}
	return n
}

// CheckMenu checks and tidies a menu's question and options as a sender
// gives them: the question and labels trimmed, each option with an id
// (its place when it has none), 2 to 10 options, no label or id twice. It
// returns the question and options to store.
func CheckMenu(question string, options []MenuOption) (string, []MenuOption, error) {
	question = strings.TrimSpace(question)
	if question == "" {
		return "", nil, E(EInvalid, "menu_question_required", "Write the question the options answer.")
	}
	if utf8.RuneCountInString(question) > MaxQuestionLen {
		return "", nil, E(ETooLarge, "menu_question_too_long", "The question is longer than {max} characters.", "max", MaxQuestionLen)
	}
	if err := CheckText(question, TextQuestion); err != nil {
		return "", nil, err
	}
	if len(options) < MinMenuOptions || len(options) > MaxMenuOptions {
		return "", nil, E(EInvalid, "menu_options_count", "A menu has {min} to {max} options.", "min", MinMenuOptions, "max", MaxMenuOptions)
	}
	out := make([]MenuOption, len(options))
	for i, o := range options {
		o.Label = strings.TrimSpace(o.Label)
		if o.ID == "" {
			o.ID = strconv.Itoa(i + 1)
		}
		switch {
		case o.Label == "":
			return "", nil, E(EInvalid, "menu_option_required", "Every option needs a label.", "field", "options["+strconv.Itoa(i)+"]")
		case utf8.RuneCountInString(o.Label) > MaxOptionLen:
			return "", nil, E(ETooLarge, "menu_option_too_long", "An option is longer than {max} characters.", "max", MaxOptionLen, "field", "options["+strconv.Itoa(i)+"]")
		case strings.ContainsAny(o.Label, "\t\n\r"):
			return "", nil, E(EInvalid, "menu_option_not_one_line", "An option must be on one line.", "field", "options["+strconv.Itoa(i)+"]")
		case len(o.ID) > MaxOptionIDLen:
			return "", nil, E(EInvalid, "menu_option_id_too_long", "An option's id is longer than {max} bytes.", "max", MaxOptionIDLen)
		}
		if err := CheckText(o.Label, TextOption); err != nil {
			return "", nil, err
		}
		if err := CheckID(o.ID, "optionId"); err != nil {
			return "", nil, err
		}
		for _, p := range out[:i] {
			if strings.EqualFold(p.Label, o.Label) {
				return "", nil, E(EInvalid, "menu_option_duplicate", "Two options say the same: {label}.", "label", o.Label, "field", "options["+strconv.Itoa(i)+"]")
			}
			if p.ID == o.ID {
				return "", nil, E(EInvalid, "menu_option_id_duplicate", "Two options have the same id.")
			}
		}
		out[i] = o
	}
	return question, out, nil
}

// applyMenu checks a menu offered by an agent in the chat and records it
// in n; e's Text and options are stored as CheckMenu tidied them.
func applyMenu(c Conversation, n *Conversation, e *Event) error {
	d := e.Data.(Menu)
	if err := checkMenuAgent(c, e.Author); err != nil {
		return err
	}
	if d.MenuID == "" {
		return E(EInvalid, "menu_id_required", "menuId is required.")
	}
	if err := CheckID(string(d.MenuID), "menuId"); err != nil {
		return err
	}
	if _, ok := c.Menu(d.MenuID); ok {
		return E(EConflict, "menu_exists", "This chat has a menu with that id already.")
	}
	if c.OpenMenus() >= MaxOpenMenus {
		return E(EConflict, "too_many_open_menus", "{max} menus wait for an answer in this chat; withdraw one first.", "max", MaxOpenMenus)
	}
	q, opts, err := CheckMenu(e.Text, d.Options)
	if err != nil {
		return err
	}
	e.Text, d.Options = q, opts
	e.Data = d
	n.Menus = append(n.Menus, MenuState{ID: d.MenuID, Seq: e.Seq, Status: MenuStatusOpen, Options: opts})
	return nil
}

// applyChoice checks the customer's answer to an open menu and records it
// in n; e's Text becomes the option's label.
func applyChoice(c Conversation, n *Conversation, e *Event) error {
	d := e.Data.(Choice)
	if e.Author.Role != PartyCustomer {
		return E(EForbidden, "choice_customer_only", "Only the customer chooses an option.")
	}
	if err := checkAuthor(c, e.Author); err != nil {
		return err
	}
	i, err := menuOf(c, d.MenuID)
	if err != nil {
		return err
	}
	m := c.Menus[i]
	k := slices.IndexFunc(m.Options, func(o MenuOption) bool { return o.ID == d.OptionID })
	if k < 0 {
		return E(EInvalid, "option_unknown", "This menu has no such option.")
	}
	e.Text = m.Options[k].Label
	n.Menus[i] = MenuState{ID: m.ID, Seq: m.Seq, Status: MenuStatusAnswered, Chosen: d.OptionID}
	return nil
}

// applyMenuWithdrawn checks that an agent in the chat withdraws an open
// menu, and records it in n.
func applyMenuWithdrawn(c Conversation, n *Conversation, e Event) error {
	d := e.Data.(MenuWithdrawn)
	if err := checkMenuAgent(c, e.Author); err != nil {
		return err
	}
	i, err := menuOf(c, d.MenuID)
	if err != nil {
		return err
	}
	n.Menus[i] = MenuState{ID: c.Menus[i].ID, Seq: c.Menus[i].Seq, Status: MenuStatusWithdrawn}
	return nil
}

// checkMenuAgent checks that p, who offers or withdraws a menu, is an
// agent in the chat.
func checkMenuAgent(c Conversation, p Participant) error {
	if p.Role != PartyAgent {
		return E(EForbidden, "menu_agents_only", "Only an agent in the chat offers choices.")
	}
	return checkAuthor(c, p)
}

// menuOf returns the index of open menu id in c.Menus: not_found if the
// chat has no such menu, conflict if it is no longer open.
func menuOf(c Conversation, id MenuID) (int, error) {
	if id == "" {
		return 0, E(EInvalid, "menu_id_required", "menuId is required.")
	}
	if err := CheckID(string(id), "menuId"); err != nil {
		return 0, err
	}
	i := slices.IndexFunc(c.Menus, func(m MenuState) bool { return m.ID == id })
	switch {
	case i < 0:
		return 0, E(ENotFound, "menu_not_found", "This chat has no such menu.")
	case c.Menus[i].Status == MenuStatusAnswered:
		return 0, E(EConflict, "menu_answered", "This menu has been answered already.")
	case c.Menus[i].Status == MenuStatusWithdrawn:
		return 0, E(EConflict, "menu_withdrawn", "This menu is no longer available.")
	}
	return i, nil
}
