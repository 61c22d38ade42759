// Package demo seeds the demo organisation that `skranke serve --demo` and
// the end-to-end tests use: two queues, three profiles, three agents and an
// administrator with known passwords. Seeding is idempotent: what exists is
// left as it is. It goes through package admin, as an administrator would,
// so the demo is recorded in the audit log like any other change.
package demo

import (
	"context"
	"fmt"

	"skranke/admin"
	"skranke/auth"
	"skranke/chat"
	"skranke/store"
)

// Login is a demo user's name and password, printed at start-up.
type Login struct {
	Username    string
	Password    string
	DisplayName string
	Role        chat.Role
	Profile     chat.ProfileID // the profile chosen for the agent at first login
}

// Logins are the demo organisation's users.
var Logins = []Login{
	{Username: "anna", Password: "anna-demo", DisplayName: "Anna", Role: chat.RoleAgent, Profile: "all"},
	{Username: "bjorn", Password: "bjorn-demo", DisplayName: "Bjørn", Role: chat.RoleAgent, Profile: "sales"},
	{Username: "carla", Password: "carla-demo", DisplayName: "Carla", Role: chat.RoleAgent, Profile: "support"},
	{Username: "admin", Password: "admin-demo", DisplayName: "Administrator", Role: chat.RoleAdmin, Profile: "all"},
}

// Queues are the demo organisation's queues.
var Queues = []chat.Queue{
	{ID: "sales", Name: "Sales"},
	{ID: "support", Name: "Support"},
}

// Profiles are the demo organisation's profiles.
var Profiles = []chat.Profile{
	{ID: "sales", Name: "Sales", Queues: []chat.QueueID{"sales"}},
	{ID: "support", Name: "Support", Queues: []chat.QueueID{"support"}},
	{ID: "all", Name: "All", Queues: []chat.QueueID{"sales", "support"}},
}

// Capacity is each demo agent's number of chats at once.
const Capacity = 3

// actor is the demo's seeding in the audit log.
var actor = auth.Actor{System: "demo"}

// Seed creates whatever of the demo organisation is missing, through the
// same operations an administrator uses (package admin); every demo user
// may use every demo profile. agents stores the profile each demo user
// starts in (an agent's own choice, not an administrative change).
func Seed(ctx context.Context, svc *admin.Service, agents store.AgentStates) error {
	for _, q := range Queues {
		if _, err := svc.Queue(ctx, actor, q.ID); chat.ErrorCode(err) == chat.ENotFound {
			if _, err := svc.CreateQueue(ctx, actor, q); err != nil {
				return fmt.Errorf("seed queue %s: %w", q.ID, err)
			}
		} else if err != nil {
			return fmt.Errorf("seed queue %s: %w", q.ID, err)
		}
	}
	// The demo shows the customer's erasure request in the widget.
	if p, err := svc.Privacy(ctx, actor); err != nil {
		return fmt.Errorf("seed privacy settings: %w", err)
	} else if !p.CustomerErasure && p.Version == 1 {
		on := true
		if _, err := svc.UpdatePrivacy(ctx, actor, chat.PrivacyUpdate{Version: p.Version, CustomerErasure: &on}); err != nil {
			return fmt.Errorf("seed privacy settings: %w", err)
		}
	}
	if err := seedPredefined(ctx, svc); err != nil {
		return err
	}
	if err := seedSavedMenus(ctx, svc); err != nil {
		return err
	}
	if err := seedIdentity(ctx, svc); err != nil {
		return err
	}
	var all []chat.ProfileID
	for _, p := range Profiles {
		all = append(all, p.ID)
		if _, err := svc.Profile(ctx, actor, p.ID); chat.ErrorCode(err) == chat.ENotFound {
			if _, err := svc.CreateProfile(ctx, actor, p); err != nil {
				return fmt.Errorf("seed profile %s: %w", p.ID, err)
			}
		} else if err != nil {
			return fmt.Errorf("seed profile %s: %w", p.ID, err)
		}
	}
	for _, l := range Logins {
		_, err := svc.UserByUsername(ctx, actor, l.Username)
		if err == nil {
			continue
		}
		if chat.ErrorCode(err) != chat.ENotFound {
			return fmt.Errorf("seed user %s: %w", l.Username, err)
		}
		u, err := svc.CreateUser(ctx, actor, admin.NewUser{
			ID:          chat.UserID("u-" + l.Username),
			Username:    l.Username,
			DisplayName: l.DisplayName,
			Role:        l.Role,
			Capacity:    Capacity,
			Profiles:    all,
			Password:    l.Password,
		})
		if err != nil {
			return fmt.Errorf("seed user %s: %w", l.Username, err)
		}
		if _, err := agents.SetAgentState(ctx, chat.AgentState{UserID: u.ID, Status: chat.StatusPaused, ProfileID: l.Profile}); err != nil {
			return fmt.Errorf("seed user %s: %w", l.Username, err)
		}
	}
	return nil
}

// PredefinedMessages are the demo organisation's predefined messages (R8),
// made when it has none.
var PredefinedMessages = []chat.PredefinedMessage{
	{Title: "Greeting", Category: "General", Text: "Hello {customer.name}, my name is {agent.name}. How can I help you?"},
	{Title: "Opening hours", Category: "General", Text: "Hi {customer.name}! We are open weekdays from 8 to 16."},
	{Title: "Prices", Category: "Sales", Text: "You find our current prices at nordlys.example/prices.", Scope: chat.ScopeQueues, Queues: []chat.QueueID{"sales"}},
	{Title: "Goodbye", Category: "General", Text: "Thank you for contacting {queue.name}. Have a nice day!"},
}

func seedPredefined(ctx context.Context, svc *admin.Service) error {
	have, err := svc.PredefinedMessages(ctx, actor)
	if err != nil {
		return fmt.Errorf("seed predefined messages: %w", err)
	}
	if len(have) > 0 {
		return nil
	}
	for _, m := range PredefinedMessages {
		if _, err := svc.CreatePredefined(ctx, actor, m); err != nil {
			return fmt.Errorf("seed predefined message %s: %w", m.Title, err)
		}
	}
	return nil
}

// SavedMenus are the demo organisation's saved menus (R9), made when it
// has none.
var SavedMenus = []chat.SavedMenu{
	{Name: "What is it about?", Question: "What can we help you with?",
		Options: []chat.MenuOption{{Label: "My electricity plan"}, {Label: "My bill"}, {Label: "Moving house"}, {Label: "Something else"}}},
}

func seedSavedMenus(ctx context.Context, svc *admin.Service) error {
	have, err := svc.SavedMenus(ctx, actor)
	if err != nil {
		return fmt.Errorf("seed saved menus: %w", err)
	}
	if len(have) > 0 {
		return nil
	}
	for _, m := range SavedMenus {
		if _, err := svc.CreateSavedMenu(ctx, actor, m); err != nil {
			return fmt.Errorf("seed saved menu %s: %w", m.Name, err)
		}
	}
	return nil
}
