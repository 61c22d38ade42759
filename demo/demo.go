// Package demo seeds the demo organisation that `skranke serve --demo` and
// the end-to-end tests use: two queues, three profiles, three agents and an
// administrator with known passwords. Seeding is idempotent: what exists is
// left as it is.
package demo

import (
	"context"
	"fmt"

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

// Seed creates whatever of the demo organisation is missing. bcryptCost 0
// is the default cost.
func Seed(ctx context.Context, st store.Store, bcryptCost int) error {
	for _, q := range Queues {
		if _, err := st.Queue(ctx, q.ID); chat.ErrorCode(err) == chat.ENotFound {
			if err := st.CreateQueue(ctx, q); err != nil {
				return fmt.Errorf("seed queue %s: %w", q.ID, err)
			}
		} else if err != nil {
			return fmt.Errorf("seed queue %s: %w", q.ID, err)
		}
	}
	for _, p := range Profiles {
		if _, err := st.Profile(ctx, p.ID); chat.ErrorCode(err) == chat.ENotFound {
			if err := st.CreateProfile(ctx, p); err != nil {
				return fmt.Errorf("seed profile %s: %w", p.ID, err)
			}
		} else if err != nil {
			return fmt.Errorf("seed profile %s: %w", p.ID, err)
		}
	}
	for _, l := range Logins {
		_, err := st.UserByUsername(ctx, l.Username)
		if err == nil {
			continue
		}
		if chat.ErrorCode(err) != chat.ENotFound {
			return fmt.Errorf("seed user %s: %w", l.Username, err)
		}
		hash, err := auth.HashPassword(l.Password, bcryptCost)
		if err != nil {
			return err
		}
		u, err := st.CreateUser(ctx, chat.User{
			ID:           chat.UserID("u-" + l.Username),
			Username:     l.Username,
			DisplayName:  l.DisplayName,
			Role:         l.Role,
			Capacity:     Capacity,
			PasswordHash: hash,
		})
		if err != nil {
			return fmt.Errorf("seed user %s: %w", l.Username, err)
		}
		if _, err := st.SetAgentState(ctx, chat.AgentState{UserID: u.ID, Status: chat.StatusPaused, ProfileID: l.Profile}); err != nil {
			return fmt.Errorf("seed user %s: %w", l.Username, err)
		}
	}
	return nil
}
