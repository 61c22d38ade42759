package admin

import (
	"context"

	"skranke/auth"
	"skranke/chat"
	"skranke/store"
)

// Predefined messages (R8): the organisation's, which administrators keep,
// and each agent's personal ones, which the agent keeps. Both are audited.
// Agents read them for a chat through the conversation service, which
// picks those for the chat and fills in their placeholders.

// PredefinedMessages lists the organisation's predefined messages.
func (s *Service) PredefinedMessages(ctx context.Context, a auth.Actor) ([]chat.PredefinedMessage, error) {
	if err := reader(a); err != nil {
		return nil, err
	}
	return store.PredefinedMessages(ctx, s.st, "")
}

// CreatePredefined adds a predefined message of the organisation.
func (s *Service) CreatePredefined(ctx context.Context, a auth.Actor, m chat.PredefinedMessage) (chat.PredefinedMessage, error) {
	by, err := changer(a)
	if err != nil {
		return chat.PredefinedMessage{}, err
	}
	m.OwnerID = ""
	return store.CreatePredefined(ctx, s.st, m, by)
}

// UpdatePredefined changes a predefined message of the organisation.
func (s *Service) UpdatePredefined(ctx context.Context, a auth.Actor, id chat.PredefinedID, u chat.PredefinedUpdate) (chat.PredefinedMessage, error) {
	by, err := changer(a)
	if err != nil {
		return chat.PredefinedMessage{}, err
	}
	return store.UpdatePredefined(ctx, s.st, "", id, u, by)
}

// DeletePredefined deletes a predefined message of the organisation;
// version 0 is any version.
func (s *Service) DeletePredefined(ctx context.Context, a auth.Actor, id chat.PredefinedID, version int64) error {
	by, err := changer(a)
	if err != nil {
		return err
	}
	return store.DeletePredefined(ctx, s.st, "", id, version, by)
}

// owner checks that the actor is a user who may keep personal predefined
// messages, and changes them when change is set (not with a read-only
// API token); it returns the user and who they are in the audit log.
func owner(a auth.Actor, change bool) (chat.UserID, chat.AuditActor, error) {
	if a.User == nil {
		if a.Customer != nil {
			return "", chat.AuditActor{}, chat.E(chat.EForbidden, "agents_only", "Only agents can {action}.", "action", "keep predefined messages")
		}
		return "", chat.AuditActor{}, errLogIn
	}
	by := chat.AuditActor{UserID: a.User.ID, Name: a.User.DisplayName}
	if a.Token != nil {
		if change && a.Token.Scope == chat.ScopeRead {
			return "", chat.AuditActor{}, errScope
		}
		by.TokenID = a.Token.ID
	}
	return a.User.ID, by, nil
}

// OwnPredefined lists the actor's personal predefined messages.
func (s *Service) OwnPredefined(ctx context.Context, a auth.Actor) ([]chat.PredefinedMessage, error) {
	id, _, err := owner(a, false)
	if err != nil {
		return nil, err
	}
	return store.PredefinedMessages(ctx, s.st, id)
}

// CreateOwnPredefined adds a personal predefined message of the actor's.
func (s *Service) CreateOwnPredefined(ctx context.Context, a auth.Actor, m chat.PredefinedMessage) (chat.PredefinedMessage, error) {
	id, by, err := owner(a, true)
	if err != nil {
		return chat.PredefinedMessage{}, err
	}
	m.OwnerID = id
	return store.CreatePredefined(ctx, s.st, m, by)
}

// UpdateOwnPredefined changes a personal predefined message of the actor's.
func (s *Service) UpdateOwnPredefined(ctx context.Context, a auth.Actor, pid chat.PredefinedID, u chat.PredefinedUpdate) (chat.PredefinedMessage, error) {
	id, by, err := owner(a, true)
	if err != nil {
		return chat.PredefinedMessage{}, err
	}
	return store.UpdatePredefined(ctx, s.st, id, pid, u, by)
}

// DeleteOwnPredefined deletes a personal predefined message of the actor's.
func (s *Service) DeleteOwnPredefined(ctx context.Context, a auth.Actor, pid chat.PredefinedID, version int64) error {
	id, by, err := owner(a, true)
	if err != nil {
		return err
	}
	return store.DeletePredefined(ctx, s.st, id, pid, version, by)
}
