package admin

import (
	"context"
	"fmt"
	"strings"

	"skranke/auth"
	"skranke/chat"
	"skranke/store"
)

// NewUser is a user to create, with their password in the clear (hashed
// here, never stored or logged as it is).
type NewUser struct {
	// ID is the user's id; empty gets a new one. Only the demo and tests
	// choose ids.
	ID          chat.UserID      `json:"-"`
	Username    string           `json:"username"`
	DisplayName string           `json:"displayName"`
	Role        chat.Role        `json:"role"`
	Capacity    int              `json:"capacity"`
	Profiles    []chat.ProfileID `json:"profiles"`
	Password    string           `json:"password"`
}

// user builds the record of n, checking it and hashing its password.
func (s *Service) user(n NewUser) (chat.User, error) {
	u := chat.User{ID: n.ID, Username: strings.ToLower(strings.TrimSpace(n.Username)), DisplayName: n.DisplayName,
		Role: n.Role, Capacity: n.Capacity, Profiles: n.Profiles}
	if u.ID == "" {
		u.ID = chat.UserID("u-" + chat.NewID()[:16])
	}
	if err := u.Validate(); err != nil {
		return chat.User{}, err
	}
	if err := chat.CheckPassword("password", n.Password); err != nil {
		return chat.User{}, err
	}
	hash, err := auth.HashPassword(n.Password, s.opts.BcryptCost)
	if err != nil {
		return chat.User{}, err
	}
	u.PasswordHash = hash
	return u, nil
}

// Users lists every user, deactivated ones too, by display name.
func (s *Service) Users(ctx context.Context, a auth.Actor) ([]chat.User, error) {
	if err := reader(a); err != nil {
		return nil, err
	}
	us, err := s.st.Users(ctx)
	if err != nil {
		return nil, fmt.Errorf("users: %w", err)
	}
	return nonNil(us), nil
}

// User returns one user.
func (s *Service) User(ctx context.Context, a auth.Actor, id chat.UserID) (chat.User, error) {
	if err := reader(a); err != nil {
		return chat.User{}, err
	}
	return s.st.User(ctx, id)
}

// UserByUsername returns one user by username (for the command line).
func (s *Service) UserByUsername(ctx context.Context, a auth.Actor, username string) (chat.User, error) {
	if err := reader(a); err != nil {
		return chat.User{}, err
	}
	return s.st.UserByUsername(ctx, strings.ToLower(username))
}

// CreateUser creates a user, paused, with no active profile.
func (s *Service) CreateUser(ctx context.Context, a auth.Actor, n NewUser) (chat.User, error) {
	by, err := changer(a)
	if err != nil {
		return chat.User{}, err
	}
	u, err := s.user(n)
	if err != nil {
		return chat.User{}, err
	}
	if u, err = store.CreateUser(ctx, s.st, u, by); err != nil {
		return chat.User{}, err
	}
	s.announce(ctx, chat.DirectoryChanged{Users: []chat.UserID{u.ID}})
	return u, nil
}

var errSelf = chat.E(chat.EConflict, "own_account",
	"You cannot deactivate, demote or delete your own account; ask another administrator.")

// UpdateUser changes a user. The change reaches the router on every node
// at once (capacity, role); a deactivated user is logged out everywhere and
// their chats follow the grace rule; an agent whose active profile is no
// longer theirs is paused and told.
func (s *Service) UpdateUser(ctx context.Context, a auth.Actor, id chat.UserID, upd chat.UserUpdate) (chat.User, error) {
	by, err := changer(a)
	if err != nil {
		return chat.User{}, err
	}
	if a.User != nil && a.User.ID == id && ((upd.Active != nil && !*upd.Active) || (upd.Role != nil && *upd.Role != chat.RoleAdmin)) {
		return chat.User{}, errSelf
	}
	ch, err := store.UpdateUser(ctx, s.st, id, upd, by)
	if err != nil {
		return chat.User{}, err
	}
	s.announce(ctx, chat.DirectoryChanged{Users: []chat.UserID{id}})
	if ch.Deactivated {
		s.revoke(ctx, id, "")
		s.log.Info("user deactivated", "user", id, "by", by.Name)
	}
	if ch.Paused {
		s.paused(ctx, ch.User)
	}
	return ch.User, nil
}

// SetLanguage keeps the language the acting user chose for the desk and
// the pages, so that it follows them to another browser. Any logged-in
// user sets their own; a read-only API token may not.
func (s *Service) SetLanguage(ctx context.Context, a auth.Actor, lang string) (chat.User, error) {
	if a.User == nil {
		return chat.User{}, errLogIn
	}
	if a.Token != nil && a.Token.Scope == chat.ScopeRead {
		return chat.User{}, errScope
	}
	return store.SetLanguage(ctx, s.st, a.User.ID, lang)
}

// SetPassword sets a user's password and logs them out everywhere, but
// for the session the actor asks with (an administrator setting their own).
func (s *Service) SetPassword(ctx context.Context, a auth.Actor, id chat.UserID, password string) error {
	by, err := changer(a)
	if err != nil {
		return err
	}
	if err := chat.CheckPassword("password", password); err != nil {
		return err
	}
	hash, err := auth.HashPassword(password, s.opts.BcryptCost)
	if err != nil {
		return err
	}
	var keep string
	if a.User != nil && a.User.ID == id && a.Session != nil {
		keep = a.Session.TokenHash
	}
	ended, err := store.SetPassword(ctx, s.st, id, hash, keep, by)
	if err != nil {
		return err
	}
	s.revoke(ctx, id, ended...)
	return nil
}

// DeleteUser deletes a user who never had a part in a chat; one who did is
// deactivated instead (the conflict says so). version 0 is any version.
func (s *Service) DeleteUser(ctx context.Context, a auth.Actor, id chat.UserID, version int64) error {
	by, err := changer(a)
	if err != nil {
		return err
	}
	if a.User != nil && a.User.ID == id {
		return errSelf
	}
	if err := store.DeleteUser(ctx, s.st, id, version, by); err != nil {
		return err
	}
	s.revoke(ctx, id, "")
	s.announce(ctx, chat.DirectoryChanged{Users: []chat.UserID{id}})
	return nil
}
