package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"skranke/chat"
)

// ---- Predefined messages (R8).
//
// The organisation's predefined messages are one setting (a JSON list), and
// each agent's personal ones another, keyed by the agent: they are read
// whole (an agent's list for a chat is a few hundred short texts at most)
// and changed in a directory transaction like every other setting, which
// serialises their changes on every node. Each message has a version of its
// own, and each change an audit entry naming the message.

const settingPredefined = "predefined_messages"

// predefinedKey is the setting of owner's predefined messages ("" for the
// organisation's).
func predefinedKey(owner chat.UserID) string {
	if owner == "" {
		return settingPredefined
	}
	return settingPredefined + ":" + string(owner)
}

// PredefinedMessages lists owner's predefined messages ("" for the
// organisation's), by category and title.
func PredefinedMessages(ctx context.Context, r SettingReader, owner chat.UserID) ([]chat.PredefinedMessage, error) {
	ms, err := readPredefined(func() (Setting, error) { return r.Setting(ctx, predefinedKey(owner)) })
	if err != nil {
		return nil, fmt.Errorf("predefined messages: %w", err)
	}
	return ms, nil
}

func readPredefined(get func() (Setting, error)) ([]chat.PredefinedMessage, error) {
	return readList[chat.PredefinedMessage](get)
}

func writePredefined(tx DirectoryTx, owner chat.UserID, ms []chat.PredefinedMessage) error {
	slices.SortStableFunc(ms, func(a, b chat.PredefinedMessage) int {
		if a.Category != b.Category {
			return compareFold(a.Category, b.Category)
		}
		return compareFold(a.Title, b.Title)
	})
	return writeList(tx, predefinedKey(owner), ms)
}

// readList reads a setting that holds a list of records (predefined
// messages, saved menus); none saved is an empty list.
func readList[T any](get func() (Setting, error)) ([]T, error) {
	s, err := get()
	if chat.ErrorCode(err) == chat.ENotFound {
		return []T{}, nil
	}
	if err != nil {
		return nil, err
	}
	var xs []T
	if err := json.Unmarshal(s.Value, &xs); err != nil {
		return nil, fmt.Errorf("setting list: %w", err)
	}
	return xs, nil
}

// writeList writes a setting that holds a list of records. The setting's
// own version is not used: each record has its own.
func writeList[T any](tx DirectoryTx, key string, xs []T) error {
	b, err := json.Marshal(xs)
	if err != nil {
		return err
	}
	return tx.PutSetting(key, Setting{Value: b, Version: 1, UpdatedAt: tx.Now()})
}

// checkPredefinedScope checks that the queues and profiles a message is
// for exist.
func checkPredefinedScope(tx DirectoryTx, m chat.PredefinedMessage) error {
	if err := checkQueues(tx, "queues", m.Queues); err != nil {
		return err
	}
	return checkProfiles(tx, m.Profiles)
}

func predefinedTarget(m chat.PredefinedMessage) chat.AuditTarget {
	return chat.AuditTarget{Kind: chat.TargetPredefined, ID: string(m.ID), Name: m.Title}
}

var errNoPredefined = chat.E(chat.ENotFound, "predefined_not_found", "No such predefined message.")

// CreatePredefined adds a predefined message of m.OwnerID ("" for the
// organisation's) at version 1, with a new id.
func CreatePredefined(ctx context.Context, ed DirectoryEditor, m chat.PredefinedMessage, by chat.AuditActor) (chat.PredefinedMessage, error) {
	return edit(ctx, ed, "create predefined message", func(tx DirectoryTx) (chat.PredefinedMessage, error) {
		ms, err := readPredefined(func() (Setting, error) { return tx.Setting(predefinedKey(m.OwnerID)) })
		if err != nil {
			return chat.PredefinedMessage{}, err
		}
		if len(ms) >= chat.MaxPredefined {
			return chat.PredefinedMessage{}, chat.E(chat.EConflict, "predefined_too_many", "There are {max} predefined messages already; delete some first.", "max", chat.MaxPredefined)
		}
		m = m.Tidy()
		m.ID, m.Version, m.CreatedAt, m.UpdatedAt = chat.PredefinedID(chat.NewID()), 1, tx.Now(), tx.Now()
		if err := m.Validate(); err != nil {
			return chat.PredefinedMessage{}, err
		}
		if err := checkPredefinedScope(tx, m); err != nil {
			return chat.PredefinedMessage{}, err
		}
		if err := writePredefined(tx, m.OwnerID, append(ms, m)); err != nil {
			return chat.PredefinedMessage{}, err
		}
		return m, audit(tx, by, chat.AuditPredefinedCreate, predefinedTarget(m), nil, m)
	})
}

// UpdatePredefined changes owner's predefined message id.
func UpdatePredefined(ctx context.Context, ed DirectoryEditor, owner chat.UserID, id chat.PredefinedID, u chat.PredefinedUpdate, by chat.AuditActor) (chat.PredefinedMessage, error) {
	return edit(ctx, ed, "update predefined message", func(tx DirectoryTx) (chat.PredefinedMessage, error) {
		ms, err := readPredefined(func() (Setting, error) { return tx.Setting(predefinedKey(owner)) })
		if err != nil {
			return chat.PredefinedMessage{}, err
		}
		i := slices.IndexFunc(ms, func(m chat.PredefinedMessage) bool { return m.ID == id })
		if i < 0 {
			return chat.PredefinedMessage{}, errNoPredefined
		}
		old := ms[i]
		if err := chat.CheckVersion("predefined message", old.Version, u.Version); err != nil {
			return chat.PredefinedMessage{}, err
		}
		m := old.Apply(u).Tidy()
		if err := m.Validate(); err != nil {
			return chat.PredefinedMessage{}, err
		}
		if err := checkPredefinedScope(tx, m); err != nil {
			return chat.PredefinedMessage{}, err
		}
		m.Version, m.UpdatedAt = old.Version+1, tx.Now()
		ms[i] = m
		if err := writePredefined(tx, owner, ms); err != nil {
			return chat.PredefinedMessage{}, err
		}
		return m, audit(tx, by, chat.AuditPredefinedUpdate, predefinedTarget(m), old, m)
	})
}

// DeletePredefined deletes owner's predefined message id; version 0 is any
// version.
func DeletePredefined(ctx context.Context, ed DirectoryEditor, owner chat.UserID, id chat.PredefinedID, version int64, by chat.AuditActor) error {
	_, err := edit(ctx, ed, "delete predefined message", func(tx DirectoryTx) (struct{}, error) {
		ms, err := readPredefined(func() (Setting, error) { return tx.Setting(predefinedKey(owner)) })
		if err != nil {
			return struct{}{}, err
		}
		i := slices.IndexFunc(ms, func(m chat.PredefinedMessage) bool { return m.ID == id })
		if i < 0 {
			return struct{}{}, errNoPredefined
		}
		old := ms[i]
		if version != 0 && version != old.Version {
			return struct{}{}, chat.ErrStale("predefined message")
		}
		if err := writePredefined(tx, owner, slices.Delete(ms, i, i+1)); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, audit(tx, by, chat.AuditPredefinedDelete, predefinedTarget(old), old, nil)
	})
	return err
}

// compareFold orders texts as people read them, whatever their case.
func compareFold(a, b string) int {
	return strings.Compare(strings.ToLower(a), strings.ToLower(b))
}
