package chat

import (
	"encoding/json"
	"time"
)

// AuditEntry is one administrative change: who made it, what it changed,
// the record before and after, and when. Stores write it in the
// transaction of the change itself, so no change goes unrecorded and no
// entry records a change that did not happen.
type AuditEntry struct {
	ID     int64       `json:"id"` // increasing
	Time   time.Time   `json:"time"`
	Actor  AuditActor  `json:"actor"`
	Action string      `json:"action"` // the Audit* constants
	Target AuditTarget `json:"target"`
	// Before and After are the record's JSON (as the REST API shows it),
	// absent before a creation and after a deletion.
	Before json.RawMessage `json:"before,omitempty"`
	After  json.RawMessage `json:"after,omitempty"`
}

// AuditActor is who made a change: a user (with the API token they used,
// if any), or, with UserID empty, the server itself (Name says how: the
// command line, the first-run set-up, the demo).
type AuditActor struct {
	UserID  UserID `json:"userId,omitempty"`
	Name    string `json:"name"`
	TokenID string `json:"tokenId,omitempty"`
}

// AuditTarget is the record a change is about.
type AuditTarget struct {
	Kind string `json:"kind"` // user, queue, profile, widget, token
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// Audit actions.
const (
	AuditUserCreate    = "user.create"
	AuditUserUpdate    = "user.update"
	AuditUserPassword  = "user.password"
	AuditUserDelete    = "user.delete"
	AuditQueueCreate   = "queue.create"
	AuditQueueUpdate   = "queue.update"
	AuditQueueRemove   = "queue.remove"
	AuditProfileCreate = "profile.create"
	AuditProfileUpdate = "profile.update"
	AuditProfileDelete = "profile.delete"
	AuditWidgetUpdate  = "widget.update"
	AuditPrivacyUpdate = "privacy.update"

	AuditPredefinedCreate = "predefined_message.create"
	AuditPredefinedUpdate = "predefined_message.update"
	AuditPredefinedDelete = "predefined_message.delete"
	// AuditChatsDelete: chats deleted, by the retention job or on request
	// (the entry names them by id, and how they were chosen, never by
	// whom they were of).
	AuditChatsDelete = "chats.delete"
	AuditTokenCreate = "token.create"
	AuditTokenRevoke = "token.revoke"
	// AuditAgentPause and AuditAgentLogOff: a supervisor paused an agent,
	// or logged it off (paused, and its login sessions ended) (R19).
	AuditAgentPause  = "agent.pause"
	AuditAgentLogOff = "agent.logoff"

	AuditIdentityUpdate    = "identity.update"
	AuditIdentityKeyAdd    = "identity.key_add"
	AuditIdentityKeyRevoke = "identity.key_revoke"

	// Webhook endpoints: added, changed (paused and resumed too), secret
	// rotated, deleted; AuditWebhookPause is the server's pause of an
	// endpoint that kept failing.
	AuditWebhookCreate = "webhook.create"
	AuditWebhookUpdate = "webhook.update"
	AuditWebhookRotate = "webhook.rotate"
	AuditWebhookPause  = "webhook.pause"
	AuditWebhookDelete = "webhook.delete"
)

// Audit target kinds.
const (
	TargetUser    = "user"
	TargetQueue   = "queue"
	TargetProfile = "profile"
	TargetWidget  = "widget"
	TargetPrivacy = "privacy"
	// TargetPredefined is a predefined message (R8), the organisation's or
	// an agent's own.
	TargetPredefined = "predefined_message"
	TargetChats      = "chats"
	TargetToken      = "token"
	TargetIdentity   = "identity"
	TargetWebhook    = "webhook"
)

// Audit actions and target of saved menus (R9).
const (
	AuditSavedMenuCreate = "saved_menu.create"
	AuditSavedMenuUpdate = "saved_menu.update"
	AuditSavedMenuDelete = "saved_menu.delete"
	TargetSavedMenu      = "saved_menu"
)
