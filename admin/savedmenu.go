package admin

import (
	"context"

	"skranke/auth"
	"skranke/chat"
	"skranke/store"
)

// Saved menus (R9): choice menus administrators keep for agents to offer.

// SavedMenus lists the organisation's saved menus.
func (s *Service) SavedMenus(ctx context.Context, a auth.Actor) ([]chat.SavedMenu, error) {
	if err := reader(a); err != nil {
		return nil, err
	}
	return store.SavedMenus(ctx, s.st)
}

// CreateSavedMenu adds a saved menu.
func (s *Service) CreateSavedMenu(ctx context.Context, a auth.Actor, m chat.SavedMenu) (chat.SavedMenu, error) {
	by, err := changer(a)
	if err != nil {
		return chat.SavedMenu{}, err
	}
	return store.CreateSavedMenu(ctx, s.st, m, by)
}

// UpdateSavedMenu changes a saved menu.
func (s *Service) UpdateSavedMenu(ctx context.Context, a auth.Actor, id chat.SavedMenuID, u chat.SavedMenuUpdate) (chat.SavedMenu, error) {
	by, err := changer(a)
	if err != nil {
		return chat.SavedMenu{}, err
	}
	return store.UpdateSavedMenu(ctx, s.st, id, u, by)
}

// DeleteSavedMenu deletes a saved menu; version 0 is any version.
func (s *Service) DeleteSavedMenu(ctx context.Context, a auth.Actor, id chat.SavedMenuID, version int64) error {
	by, err := changer(a)
	if err != nil {
		return err
	}
	return store.DeleteSavedMenu(ctx, s.st, id, version, by)
}
