package admin

import (
	"context"

	"skranke/auth"
	"skranke/chat"
	"skranke/store"
)

// PrivacySettings returns the organisation's privacy policy (retention,
// customers' erasure requests), for the application layers.
func (s *Service) PrivacySettings(ctx context.Context) (chat.Privacy, error) {
	return store.PrivacySettings(ctx, s.st)
}

// Privacy returns the privacy policy, for the admin pages.
func (s *Service) Privacy(ctx context.Context, a auth.Actor) (chat.Privacy, error) {
	if err := reader(a); err != nil {
		return chat.Privacy{}, err
	}
	return s.PrivacySettings(ctx)
}

// UpdatePrivacy changes the privacy policy. The retention job applies it
// at its next run (within a minute).
func (s *Service) UpdatePrivacy(ctx context.Context, a auth.Actor, upd chat.PrivacyUpdate) (chat.Privacy, error) {
	by, err := changer(a)
	if err != nil {
		return chat.Privacy{}, err
	}
	return store.UpdatePrivacy(ctx, s.st, upd, by)
}
