package chat

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// The organisation's directory: users, queues, profiles. This file holds
// their rules (what a valid record is) and their partial updates, in the
// shape of wtf's DialUpdate: a nil field is left as it is. Every update
// names the Version of the record it was made from; a store applies it
// only to that version, so that of two administrators editing one record
// the second is told it changed (conflict) instead of overwriting.
//
// Validation errors are invalid *Errors whose Params name the field
// ("field": "capacity"), so that a form can show each beside its field.

// Limits of directory records.
const (
	MaxDirectoryNameLen = 80  // display names, queue, profile and token names
	MaxQueueTextLen     = 500 // waiting and closed texts
	MinCapacity         = 1   // chats an agent holds at once
	MaxCapacity         = 20
	MinOfferTimeout     = 5 // seconds
	MaxOfferTimeout     = 600
	MaxPriority         = 9   // queue priorities are 0 to MaxPriority
	MinPasswordLen      = 8   // characters (NIST SP 800-63B)
	MaxPasswordBytes    = 72  // bcrypt reads no more
	MaxListLen          = 100 // profiles of a user, queues of a profile
	maxUsernameLen      = 64
	maxIDLen            = 40 // queue and profile ids
	maxUserIDLen        = 64
	minContrast         = 4.5 // WCAG AA for normal text
	maxTitleLen         = 60  // widget title
	maxGreetingLen      = 500 // widget greeting
	defaultColor        = "#1f5f8b"
	defaultTextColor    = "#ffffff"
)

var (
	idPattern       = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)
	userIDPattern   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)
	usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._@+-]*$`)
)

// checkName checks a required, single-line name of at most MaxNameLen
// characters.
func checkName(field, s string) error {
	switch {
	case strings.TrimSpace(s) == "":
		return E(EInvalid, "required", "{field} is required.", "field", field)
	case s != strings.TrimSpace(s):
		return E(EInvalid, "surrounding_space", "Remove the spaces at the start and end.", "field", field)
	case utf8.RuneCountInString(s) > MaxDirectoryNameLen:
		return E(EInvalid, "too_long", "At most {max} characters.", "field", field, "max", MaxDirectoryNameLen)
	case strings.ContainsAny(s, "\r\n"):
		return E(EInvalid, "one_line", "Keep it on one line.", "field", field)
	}
	if err := CheckText(s, TextName); err != nil {
		return E(EInvalid, "control_character", "{field} contains a control character.", "field", field)
	}
	return nil
}

// checkLongText checks an optional text of at most max characters.
func checkLongText(field, s string, max int) error {
	if utf8.RuneCountInString(s) > max {
		return E(EInvalid, "too_long", "At most {max} characters.", "field", field, "max", max)
	}
	if err := CheckText(s, TextNote); err != nil {
		return E(EInvalid, "control_character", "{field} contains a control character.", "field", field)
	}
	return nil
}

// CheckNewID checks the id of a new queue or profile: lower-case letters,
// digits, - and _, starting with a letter or digit, at most 40 characters.
// It appears in links and in the API.
func CheckNewID(field, id string) error {
	if id == "" {
		return E(EInvalid, "required", "{field} is required.", "field", field)
	}
	if len(id) > maxIDLen || !idPattern.MatchString(id) {
		return E(EInvalid, "id_invalid", "Use at most {max} lower-case letters, digits, - and _, starting with a letter or digit.", "field", field, "max", maxIDLen)
	}
	return nil
}

// CheckPassword checks a new password: at least MinPasswordLen characters
// and at most MaxPasswordBytes bytes.
func CheckPassword(field, pw string) error {
	switch {
	case utf8.RuneCountInString(pw) < MinPasswordLen:
		return E(EInvalid, "password_too_short", "Use at least {min} characters.", "field", field, "min", MinPasswordLen)
	case len(pw) > MaxPasswordBytes:
		return E(EInvalid, "password_too_long", "Use at most {max} bytes.", "field", field, "max", MaxPasswordBytes)
	case !utf8.ValidString(pw):
		return E(EInvalid, "control_character", "{field} contains a control character.", "field", field)
	}
	return nil
}

// checkList refuses repeats and lists longer than MaxListLen.
func checkList[T comparable](field string, xs []T) error {
	if len(xs) > MaxListLen {
		return E(EInvalid, "too_many", "At most {max}.", "field", field, "max", MaxListLen)
	}
	for i, x := range xs {
		if slices.Contains(xs[:i], x) {
			return E(EInvalid, "repeated", "{item} is listed twice.", "field", field, "item", x)
		}
	}
	return nil
}

// Validate checks a user record (not its password, which is checked before
// it is hashed, nor whether its profiles exist, which the store checks).
func (u User) Validate() error {
	if u.ID == "" || len(u.ID) > maxUserIDLen || !userIDPattern.MatchString(string(u.ID)) {
		return E(EInvalid, "user_id_invalid", "The user id is not valid.", "field", "id")
	}
	switch {
	case u.Username == "":
		return E(EInvalid, "required", "{field} is required.", "field", "username")
	case len(u.Username) > maxUsernameLen || !usernamePattern.MatchString(u.Username):
		return E(EInvalid, "username_invalid", "Use at most {max} lower-case letters, digits and . _ @ + -, starting with a letter or digit.", "field", "username", "max", maxUsernameLen)
	}
	if err := checkName("displayName", u.DisplayName); err != nil {
		return err
	}
	switch u.Role {
	case RoleAgent, RoleSupervisor, RoleAdmin:
	default:
		return E(EInvalid, "role_unknown", "Choose a role: agent, supervisor or administrator.", "field", "role")
	}
	if u.Capacity < MinCapacity || u.Capacity > MaxCapacity {
		return E(EInvalid, "out_of_range", "Enter a number from {min} to {max}.", "field", "capacity", "min", MinCapacity, "max", MaxCapacity)
	}
	return checkList("profiles", u.Profiles)
}

// UserUpdate changes a user. Active false deactivates the user, true
// reactivates them.
type UserUpdate struct {
	Version     int64        `json:"version"`
	DisplayName *string      `json:"displayName,omitempty"`
	Role        *Role        `json:"role,omitempty"`
	Capacity    *int         `json:"capacity,omitempty"`
	Profiles    *[]ProfileID `json:"profiles,omitempty"`
	Active      *bool        `json:"active,omitempty"`
}

// Apply returns u with the update applied at time now (the time of a
// deactivation). It neither validates nor counts the version.
func (u User) Apply(upd UserUpdate, now time.Time) User {
	if upd.DisplayName != nil {
		u.DisplayName = *upd.DisplayName
	}
	if upd.Role != nil {
		u.Role = *upd.Role
	}
	if upd.Capacity != nil {
		u.Capacity = *upd.Capacity
	}
	if upd.Profiles != nil {
		u.Profiles = slices.Clone(*upd.Profiles)
	}
	if upd.Active != nil {
		switch {
		case *upd.Active:
			u.DeactivatedAt = time.Time{}
		case u.Active():
			u.DeactivatedAt = now
		}
	}
	return u
}

// Validate checks a queue record.
func (q Queue) Validate() error {
	if err := CheckNewID("id", string(q.ID)); err != nil {
		return err
	}
	if err := checkName("name", q.Name); err != nil {
		return err
	}
	if t := q.OfferTimeoutSeconds; t != 0 && (t < MinOfferTimeout || t > MaxOfferTimeout) {
		return E(EInvalid, "offer_timeout_out_of_range", "Enter a number of seconds from {min} to {max}, or 0 for the server's default.", "field", "offerTimeoutSeconds", "min", MinOfferTimeout, "max", MaxOfferTimeout)
	}
	if q.Priority < 0 || q.Priority > MaxPriority {
		return E(EInvalid, "out_of_range", "Enter a number from {min} to {max}.", "field", "priority", "min", 0, "max", MaxPriority)
	}
	if err := checkLongText("waitingText", q.WaitingText, MaxQueueTextLen); err != nil {
		return err
	}
	if err := checkLongText("closedText", q.ClosedText, MaxQueueTextLen); err != nil {
		return err
	}
	if q.Hours != nil {
		return q.Hours.Validate()
	}
	return nil
}

// QueueUpdate changes a queue. The opening hours are replaced as a whole,
// and only when SetHours is set: nil Hours then makes the queue always
// open. (They are a resource of their own in the REST API.)
type QueueUpdate struct {
	Version             int64         `json:"version"`
	Name                *string       `json:"name,omitempty"`
	OfferTimeoutSeconds *int          `json:"offerTimeoutSeconds,omitempty"`
	Priority            *int          `json:"priority,omitempty"`
	WaitingText         *string       `json:"waitingText,omitempty"`
	ClosedText          *string       `json:"closedText,omitempty"`
	SetHours            bool          `json:"-"`
	Hours               *OpeningHours `json:"-"`
}

// Apply returns q with the update applied. It neither validates nor counts
// the version.
func (q Queue) Apply(upd QueueUpdate) Queue {
	if upd.Name != nil {
		q.Name = *upd.Name
	}
	if upd.OfferTimeoutSeconds != nil {
		q.OfferTimeoutSeconds = *upd.OfferTimeoutSeconds
	}
	if upd.Priority != nil {
		q.Priority = *upd.Priority
	}
	if upd.WaitingText != nil {
		q.WaitingText = *upd.WaitingText
	}
	if upd.ClosedText != nil {
		q.ClosedText = *upd.ClosedText
	}
	if upd.SetHours {
		q.Hours = upd.Hours
	}
	return q
}

// Validate checks a profile record (not whether its queues exist, which
// the store checks).
func (p Profile) Validate() error {
	if err := CheckNewID("id", string(p.ID)); err != nil {
		return err
	}
	if err := checkName("name", p.Name); err != nil {
		return err
	}
	return checkList("queues", p.Queues)
}

// ProfileUpdate changes a profile; Queues replaces its queues.
type ProfileUpdate struct {
	Version int64      `json:"version"`
	Name    *string    `json:"name,omitempty"`
	Queues  *[]QueueID `json:"queues,omitempty"`
}

// Apply returns p with the update applied. It neither validates nor counts
// the version.
func (p Profile) Apply(upd ProfileUpdate) Profile {
	if upd.Name != nil {
		p.Name = *upd.Name
	}
	if upd.Queues != nil {
		p.Queues = slices.Clone(*upd.Queues)
	}
	return p
}

// ErrStale is the answer to an update made from a version of a record that
// is no longer the current one.
func ErrStale(what string) *Error {
	return E(EConflict, "stale_version", "The {what} was changed by someone else meanwhile; reload it and make your change again.", "what", what)
}

// CheckVersion checks that an update names the current version of what.
func CheckVersion(what string, current, given int64) error {
	switch {
	case given == 0:
		return E(EInvalid, "version_required", "Send the version of the {what} you changed.", "field", "version", "what", what)
	case given != current:
		return ErrStale(what)
	}
	return nil
}
