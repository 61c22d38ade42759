package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"

	"skranke/chat"
)

// ContactHash is how the store keeps a contact value: the SHA-256 of its
// kind and its value, trimmed and in lower case for an e-mail address. It
// finds a customer's chats by the value given again, and keeps the value
// itself out of the database.
func ContactHash(kind ContactKind, value string) string {
	value = strings.TrimSpace(value)
	if kind == ContactEmail {
		value = strings.ToLower(value)
	}
	sum := sha256.Sum256([]byte(string(kind) + "\x00" + value))
	return hex.EncodeToString(sum[:])
}

// CountErased adds a deleted chat of queue that ended at ended, with
// record r, to counts, keyed by day, queue and reason.
func CountErased(counts map[ErasedCount]ErasedCount, queue chat.QueueID, ended time.Time, reason string, r chat.Record) {
	key := ErasedCount{Day: ended.UTC().Format(time.DateOnly), QueueID: queue, Reason: reason}
	c := counts[key]
	if c.Day == "" {
		c = key
	}
	c.Conversations++
	if !r.AnsweredAt.IsZero() {
		c.Answered++
	}
	c.Messages += r.Messages
	counts[key] = c
}

// DeletionAudit is the audit entry of a deletion of chats, deleted at now:
// who, why, how they were chosen and which, by id.
func DeletionAudit(d Deletion, deleted []chat.ConversationID, now time.Time) (chat.AuditEntry, error) {
	after, err := json.Marshal(struct {
		Reason        string                `json:"reason"`
		Criterion     string                `json:"criterion"`
		Conversations []chat.ConversationID `json:"conversations"`
	}{d.Reason, d.Criterion, deleted})
	if err != nil {
		return chat.AuditEntry{}, err
	}
	return chat.AuditEntry{Time: now, Actor: d.By, Action: chat.AuditChatsDelete,
		Target: chat.AuditTarget{Kind: chat.TargetChats, Name: d.Criterion}, After: after}, nil
}
