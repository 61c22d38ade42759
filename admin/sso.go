package admin

import (
	"context"

	"skranke/auth"
	"skranke/chat"
	"skranke/store"
)

// SSO returns the agents' sign-in settings without the client secret.
func (s *Service) SSO(ctx context.Context, a auth.Actor) (chat.AgentSSO, error) {
	if err := reader(a); err != nil {
		return chat.AgentSSO{}, err
	}
	c, err := store.SSOSettings(ctx, s.st)
	if err != nil {
		return chat.AgentSSO{}, err
	}
	return c.Public(), nil
}

// UpdateSSO changes the agents' sign-in settings. Switching password
// sign-in off needs a break-glass user who is an active administrator.
func (s *Service) UpdateSSO(ctx context.Context, a auth.Actor, u chat.AgentSSOUpdate) (chat.AgentSSO, error) {
	by, err := changer(a)
	if err != nil {
		return chat.AgentSSO{}, err
	}
	if u.BreakGlass != nil && *u.BreakGlass != "" {
		bg, err := s.st.UserByUsername(ctx, *u.BreakGlass)
		if chat.ErrorCode(err) == chat.ENotFound || (err == nil && (bg.Role != chat.RoleAdmin || !bg.Active())) {
			return chat.AgentSSO{}, chat.E(chat.EInvalid, "sso_break_glass_not_admin", "The break-glass user must be an active administrator.", "field", "breakGlass")
		} else if err != nil {
			return chat.AgentSSO{}, err
		}
	}
	c, err := store.UpdateSSO(ctx, s.st, u, by)
	if err != nil {
		return chat.AgentSSO{}, err
	}
	return c.Public(), nil
}
