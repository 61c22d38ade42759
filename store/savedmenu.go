package store

import (
	"context"
	"fmt"
	"slices"

	"skranke/chat"
)

// ---- Saved menus (R9): the organisation's choice menus for agents to
// offer, one setting holding the list, like predefined messages.

const settingSavedMenus = "saved_menus"

// SavedMenus lists the organisation's saved menus, by name.
func SavedMenus(ctx context.Context, r SettingReader) ([]chat.SavedMenu, error) {
	ms, err := readList[chat.SavedMenu](func() (Setting, error) { return r.Setting(ctx, settingSavedMenus) })
	if err != nil {
		return nil, fmt.Errorf("saved menus: %w", err)
	}
	return ms, nil
}

func writeSavedMenus(tx DirectoryTx, ms []chat.SavedMenu) error {
	slices.SortStableFunc(ms, func(a, b chat.SavedMenu) int { return compareFold(a.Name, b.Name) })
	return writeList(tx, settingSavedMenus, ms)
}

func savedMenuTarget(m chat.SavedMenu) chat.AuditTarget {
	return chat.AuditTarget{Kind: chat.TargetSavedMenu, ID: string(m.ID), Name: m.Name}
}

var errNoSavedMenu = chat.E(chat.ENotFound, "saved_menu_not_found", "No such saved menu.")

// CreateSavedMenu adds a saved menu at version 1, with a new id.
func CreateSavedMenu(ctx context.Context, ed DirectoryEditor, m chat.SavedMenu, by chat.AuditActor) (chat.SavedMenu, error) {
	return edit(ctx, ed, "create saved menu", func(tx DirectoryTx) (chat.SavedMenu, error) {
		ms, err := readList[chat.SavedMenu](func() (Setting, error) { return tx.Setting(settingSavedMenus) })
		if err != nil {
			return chat.SavedMenu{}, err
		}
		if len(ms) >= chat.MaxSavedMenus {
			return chat.SavedMenu{}, chat.E(chat.EConflict, "saved_menus_too_many", "There are {max} saved menus already; delete some first.", "max", chat.MaxSavedMenus)
		}
		if m, err = m.Check(); err != nil {
			return chat.SavedMenu{}, err
		}
		m.ID, m.Version, m.CreatedAt, m.UpdatedAt = chat.SavedMenuID(chat.NewID()), 1, tx.Now(), tx.Now()
		if err := writeSavedMenus(tx, append(ms, m)); err != nil {
			return chat.SavedMenu{}, err
		}
		return m, audit(tx, by, chat.AuditSavedMenuCreate, savedMenuTarget(m), nil, m)
	})
}

// UpdateSavedMenu changes saved menu id.
func UpdateSavedMenu(ctx context.Context, ed DirectoryEditor, id chat.SavedMenuID, u chat.SavedMenuUpdate, by chat.AuditActor) (chat.SavedMenu, error) {
	return edit(ctx, ed, "update saved menu", func(tx DirectoryTx) (chat.SavedMenu, error) {
		ms, err := readList[chat.SavedMenu](func() (Setting, error) { return tx.Setting(settingSavedMenus) })
		if err != nil {
			return chat.SavedMenu{}, err
		}
		i := slices.IndexFunc(ms, func(m chat.SavedMenu) bool { return m.ID == id })
		if i < 0 {
			return chat.SavedMenu{}, errNoSavedMenu
		}
		old := ms[i]
		if err := chat.CheckVersion("saved menu", old.Version, u.Version); err != nil {
			return chat.SavedMenu{}, err
		}
		m, err := old.Apply(u).Check()
		if err != nil {
			return chat.SavedMenu{}, err
		}
		m.Version, m.UpdatedAt = old.Version+1, tx.Now()
		ms[i] = m
		if err := writeSavedMenus(tx, ms); err != nil {
			return chat.SavedMenu{}, err
		}
		return m, audit(tx, by, chat.AuditSavedMenuUpdate, savedMenuTarget(m), old, m)
	})
}

// DeleteSavedMenu deletes saved menu id; version 0 is any version. Menus
// offered from it stay in their chats' logs.
func DeleteSavedMenu(ctx context.Context, ed DirectoryEditor, id chat.SavedMenuID, version int64, by chat.AuditActor) error {
	_, err := edit(ctx, ed, "delete saved menu", func(tx DirectoryTx) (struct{}, error) {
		ms, err := readList[chat.SavedMenu](func() (Setting, error) { return tx.Setting(settingSavedMenus) })
		if err != nil {
			return struct{}{}, err
		}
		i := slices.IndexFunc(ms, func(m chat.SavedMenu) bool { return m.ID == id })
		if i < 0 {
			return struct{}{}, errNoSavedMenu
		}
		old := ms[i]
		if version != 0 && version != old.Version {
			return struct{}{}, chat.ErrStale("saved menu")
		}
		if err := writeSavedMenus(tx, slices.Delete(ms, i, i+1)); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, audit(tx, by, chat.AuditSavedMenuDelete, savedMenuTarget(old), old, nil)
	})
	return err
}
