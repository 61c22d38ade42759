package admin

import (
	"context"
	"fmt"
	"slices"
	"time"

	"skranke/auth"
	"skranke/chat"
	"skranke/store"
)

// WidgetSettings returns the widget settings as the widget reads them, for
// anyone: the queues it offers are those that exist (a queue removed since
// the settings were saved drops out).
func (s *Service) WidgetSettings(ctx context.Context) (chat.WidgetSettings, error) {
	w, err := store.WidgetSettings(ctx, s.st)
	if err != nil {
		return chat.WidgetSettings{}, err
	}
	qs, err := s.st.Queues(ctx)
	if err != nil {
		return chat.WidgetSettings{}, fmt.Errorf("widget settings: %w", err)
	}
	live := func(id chat.QueueID) bool {
		return slices.ContainsFunc(qs, func(q chat.Queue) bool { return q.ID == id })
	}
	w.Queues = slices.DeleteFunc(w.Queues, func(id chat.QueueID) bool { return !live(id) })
	if !live(w.FixedQueue) {
		w.FixedQueue = ""
	}
	return w, nil
}

// Widget returns the widget settings as stored, for the admin pages.
func (s *Service) Widget(ctx context.Context, a auth.Actor) (chat.WidgetSettings, error) {
	if err := reader(a); err != nil {
		return chat.WidgetSettings{}, err
	}
	return store.WidgetSettings(ctx, s.st)
}

// UpdateWidget changes the widget settings; widgets read them when they
// load, so the change reaches every site at once.
func (s *Service) UpdateWidget(ctx context.Context, a auth.Actor, upd chat.WidgetUpdate) (chat.WidgetSettings, error) {
	by, err := changer(a)
	if err != nil {
		return chat.WidgetSettings{}, err
	}
	w, err := store.UpdateWidget(ctx, s.st, upd, by)
	if err != nil {
		return chat.WidgetSettings{}, err
	}
	s.announce(ctx, chat.DirectoryChanged{Widget: true})
	return w, nil
}

// APITokens lists every API token, newest first.
func (s *Service) APITokens(ctx context.Context, a auth.Actor) ([]chat.APIToken, error) {
	if err := reader(a); err != nil {
		return nil, err
	}
	ts, err := s.st.APITokens(ctx)
	if err != nil {
		return nil, fmt.Errorf("API tokens: %w", err)
	}
	return nonNil(ts), nil
}

// CreateAPIToken creates a token that acts for the administrator asking,
// narrowed to scope, and returns it: the only time it is shown.
func (s *Service) CreateAPIToken(ctx context.Context, a auth.Actor, name string, scope chat.TokenScope) (string, chat.APIToken, error) {
	by, err := changer(a)
	if err != nil {
		return "", chat.APIToken{}, err
	}
	if a.User == nil {
		return "", chat.APIToken{}, chat.E(chat.EInvalid, "token_owner_required", "An API token acts for an administrator; create it in the admin pages.")
	}
	token, hash, prefix := auth.NewAPIToken()
	t := chat.APIToken{ID: "t-" + chat.NewID()[:16], Name: name, Scope: scope, Prefix: prefix, Hash: hash, UserID: a.User.ID}
	if t, err = store.CreateAPIToken(ctx, s.st, t, by); err != nil {
		return "", chat.APIToken{}, err
	}
	return token, t, nil
}

// RevokeAPIToken revokes a token; requests with it fail from now on.
func (s *Service) RevokeAPIToken(ctx context.Context, a auth.Actor, id string) (chat.APIToken, error) {
	by, err := changer(a)
	if err != nil {
		return chat.APIToken{}, err
	}
	return store.RevokeAPIToken(ctx, s.st, id, by)
}

// Audit lists audit entries, newest first.
func (s *Service) Audit(ctx context.Context, a auth.Actor, f AuditFilter) ([]chat.AuditEntry, error) {
	if err := reader(a); err != nil {
		return nil, err
	}
	if f.Limit < 0 || f.Limit > MaxAuditPage {
		return nil, chat.E(chat.EInvalid, "limit_range", "limit must be between 1 and {max}.", "field", "limit", "max", MaxAuditPage)
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return nil, chat.E(chat.EInvalid, "range_empty", "The end of the period must be after its start.", "field", "to")
	}
	es, err := s.st.AuditEntries(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	return nonNil(es), nil
}

// setupActor is the first-run set-up in the audit log.
const setupActor = "first-run set-up"

// EnsureSetup returns the secret of the first-run set-up link of an
// installation without users, making one if need be, and "" when there
// are users.
func (s *Service) EnsureSetup(ctx context.Context) (string, error) {
	token, _ := auth.NewToken()
	return store.EnsureSetup(ctx, s.st, token)
}

// SetupPending reports whether the installation waits for its first
// administrator.
func (s *Service) SetupPending(ctx context.Context) (bool, error) {
	return store.SetupPending(ctx, s.st)
}

// Setup creates the first administrator with the set-up secret, which is
// then used up.
func (s *Service) Setup(ctx context.Context, secret string, n NewUser) (chat.User, error) {
	if err := store.CheckSetup(ctx, s.st, secret); err != nil {
		return chat.User{}, err // before the password is hashed: a guess costs nothing
	}
	n.Role = chat.RoleAdmin
	n.Capacity = max(n.Capacity, 3)
	u, err := s.user(n)
	if err != nil {
		return chat.User{}, err
	}
	u, err = store.Setup(ctx, s.st, secret, u, chat.AuditActor{Name: setupActor})
	if err != nil {
		return chat.User{}, err
	}
	s.log.Info("first administrator created", "user", u.Username, "at", u.CreatedAt.Format(time.RFC3339))
	s.announce(ctx, chat.DirectoryChanged{Users: []chat.UserID{u.ID}})
	return u, nil
}
