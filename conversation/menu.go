package conversation

import (
	"context"
	"slices"

	"skranke/auth"
	"skranke/chat"
	"skranke/store"
)

// MenuRequest offers the customer a choice menu (R9): a question and 2 to
// 10 options, each with the sender's own id or none (then its place, "1",
// "2", …).
type MenuRequest struct {
	Request
	Question string
	Options  []chat.MenuOption
	// SavedMenuID names the administrator's saved menu it is made from:
	// its question and options are used where the request gives none.
	SavedMenuID chat.SavedMenuID
}

// ChoiceRequest answers menu MenuID with its option OptionID.
type ChoiceRequest struct {
	Request
	MenuID   chat.MenuID
	OptionID string
}

// MenuWithdrawRequest withdraws menu MenuID while it is unanswered.
type MenuWithdrawRequest struct {
	Request
	MenuID chat.MenuID
}

// SendMenu offers a choice menu in conversation id, as an agent in it. The
// menu's id is made here; the chat's rules check the question and the
// options, and tidy them, when it is stored.
func (s *Service) SendMenu(ctx context.Context, a auth.Actor, id chat.ConversationID, r MenuRequest) (chat.Event, error) {
	if _, err := agent(a, "offer choices"); err != nil {
		return chat.Event{}, err
	}
	if r.SavedMenuID != "" {
		saved, err := store.SavedMenus(ctx, s.st)
		if err != nil {
			return chat.Event{}, err
		}
		i := slices.IndexFunc(saved, func(m chat.SavedMenu) bool { return m.ID == r.SavedMenuID })
		if i < 0 {
			return s.orRetried(ctx, a, id, r.Request, chat.E(chat.EInvalid, "saved_menu_not_found", "No such saved menu.", "field", "savedMenuId"))
		}
		if r.Question == "" {
			r.Question = saved[i].Question
		}
		if len(r.Options) == 0 {
			r.Options = saved[i].Options
		}
	}
	return s.write(ctx, a, id, r.Request, chat.Event{Kind: chat.KindMenu, Text: r.Question,
		Data: chat.Menu{MenuID: chat.MenuID(chat.NewID()), Options: r.Options, SavedMenuID: r.SavedMenuID}})
}

// SavedMenus lists the organisation's saved menus, for an agent choosing
// one to offer.
func (s *Service) SavedMenus(ctx context.Context, a auth.Actor) ([]chat.SavedMenu, error) {
	if _, err := agent(a, "offer choices"); err != nil {
		return nil, err
	}
	return store.SavedMenus(ctx, s.st)
}

// Choose answers an open menu of conversation id, as its customer. A menu
// is answered once: a second answer, an answer to a withdrawn menu or
// after the chat ended is a conflict, an option the menu does not have is
// invalid, a menu of another conversation is not_found; none stores
// anything. A retry of the same request (its client message id) is
// answered with the choice it stored.
func (s *Service) Choose(ctx context.Context, a auth.Actor, id chat.ConversationID, r ChoiceRequest) (chat.Event, error) {
	if a.Customer == nil {
		if a.User == nil {
			return chat.Event{}, chat.E(chat.EUnauthenticated, "login_required", "Please log in.")
		}
		return chat.Event{}, chat.E(chat.EForbidden, "choice_customer_only", "Only the customer chooses an option.")
	}
	if r.OptionID == "" {
		return chat.Event{}, chat.E(chat.EInvalid, "option_id_required", "optionId is required.")
	}
	return s.write(ctx, a, id, r.Request, chat.Event{Kind: chat.KindChoice,
		Data: chat.Choice{MenuID: r.MenuID, OptionID: r.OptionID}})
}

// WithdrawMenu withdraws an unanswered menu of conversation id, as an
// agent in it: the customer sees it as no longer available.
func (s *Service) WithdrawMenu(ctx context.Context, a auth.Actor, id chat.ConversationID, r MenuWithdrawRequest) (chat.Event, error) {
	if _, err := agent(a, "withdraw a menu"); err != nil {
		return chat.Event{}, err
	}
	return s.write(ctx, a, id, r.Request, chat.Event{Kind: chat.KindMenuWithdrawn,
		Data: chat.MenuWithdrawn{MenuID: r.MenuID}})
}
