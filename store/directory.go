package store

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"skranke/chat"
)

// Changes to the directory (queues, profiles, users, the widget settings,
// API tokens, the first-run set-up) are functions here, not methods of each
// store: the logic of a change is written once, and a store supplies only
// the SQL of its transactions (DirectoryTx). Each function is one
// transaction (DirectoryEditor.EditDirectory) that
//   - reads the record and checks the update's version against it (an
//     update made from an older version is a conflict: two administrators
//     never silently overwrite each other);
//   - applies the change and validates the result with chat's rules;
//   - checks what the change touches (the queues of a profile exist, the
//     last administrator stays, nobody who took part in a chat is deleted);
//   - writes it, with the record's version one higher, and an audit entry
//     of who changed what from what to what.
//
// Directory transactions are serialised, on every node: SQLite has one
// writer, and PostgreSQL takes a transaction-level advisory lock first. So
// every check sees the state it is checking, without row locks.

// DirectoryEditor runs directory transactions; every Store is one.
type DirectoryEditor interface {
	// EditDirectory runs fn in one transaction, committing if fn returns
	// nil. fn may be run again if the transaction must be retried.
	EditDirectory(ctx context.Context, fn func(tx DirectoryTx) error) error
}

// DirectoryTx is a directory transaction: the SQL a store supplies. Reads
// see the transaction's own writes. Getters return not_found for a record
// that does not exist.
type DirectoryTx interface {
	// Now is the transaction's time.
	Now() time.Time

	// Queue returns a queue, removed or not.
	Queue(id chat.QueueID) (chat.Queue, error)
	// InsertQueue adds q; an id taken (by a removed queue too) is a conflict.
	InsertQueue(q chat.Queue) error
	// UpdateQueue writes every field of q.
	UpdateQueue(q chat.Queue) error
	// QueueChats counts the queue's waiting and active chats.
	QueueChats(id chat.QueueID) (waiting, active int, err error)
	// RemoveQueueFromProfiles takes the queue out of every profile,
	// counting their versions up, and returns those profiles.
	RemoveQueueFromProfiles(id chat.QueueID) ([]chat.ProfileID, error)

	Profile(id chat.ProfileID) (chat.Profile, error)
	// InsertProfile adds p with its queues; an id taken is a conflict.
	InsertProfile(p chat.Profile) error
	// UpdateProfile writes p's name and version and replaces its queues.
	UpdateProfile(p chat.Profile) error
	DeleteProfile(id chat.ProfileID) error
	// ProfileAgents lists the agents whose active profile it is.
	ProfileAgents(id chat.ProfileID) ([]chat.UserID, error)

	User(id chat.UserID) (chat.User, error)
	// InsertUser adds u with its profiles; an id or username taken is a
	// conflict.
	InsertUser(u chat.User) error
	// UpdateUser writes every field of u and replaces its profiles.
	UpdateUser(u chat.User) error
	DeleteUser(id chat.UserID) error
	// CountUsers counts the users, and the active administrators.
	CountUsers() (all, activeAdmins int, err error)
	// Participations counts the chats the user took part in, or was
	// offered or invited to.
	Participations(id chat.UserID) (int, error)
	// DeleteSessions deletes the user's login sessions but the one with
	// token hash keep, and returns the token hashes deleted.
	DeleteSessions(id chat.UserID, keep string) ([]string, error)
	// AgentState returns the user's stored state (paused without a profile
	// when none is stored).
	AgentState(id chat.UserID) (chat.AgentState, error)
	// PauseWithoutProfile sets the agent paused with no active profile.
	PauseWithoutProfile(id chat.UserID) error
	// Pause sets the agent paused, keeping its active profile (an agent
	// without a stored state is paused already).
	Pause(id chat.UserID) error

	// Setting returns the setting of key.
	Setting(key string) (Setting, error)
	// PutSetting writes the setting of key.
	PutSetting(key string, s Setting) error
	DeleteSetting(key string) error

	InsertAPIToken(t chat.APIToken) error
	APIToken(id string) (chat.APIToken, error)
	// RevokeAPIToken sets the token's RevokedAt.
	RevokeAPIToken(id string, at time.Time) error

	// Webhook returns an endpoint, secrets included.
	Webhook(id string) (chat.Webhook, error)
	// InsertWebhook adds w; UpdateWebhook writes every field of w.
	InsertWebhook(w chat.Webhook) error
	UpdateWebhook(w chat.Webhook) error
	// DeleteWebhook deletes an endpoint with its delivery log and the
	// deliveries still waiting for it.
	DeleteWebhook(id string) error
	// WakeWebhookJobs makes the endpoint's waiting deliveries due now (it
	// was resumed).
	WakeWebhookJobs(id string) error

	// InsertAudit appends e, whose ID the store assigns.
	InsertAudit(e chat.AuditEntry) error
}

// Setting is one organisation-wide setting: a JSON value and its version.
type Setting struct {
	Value     json.RawMessage
	Version   int64
	UpdatedAt time.Time
}

// Setting keys.
const (
	settingWidget  = "widget"
	settingSetup   = "setup"
	settingPrivacy = "privacy"
)

// AuditFilter selects audit entries. Zero fields do not filter.
type AuditFilter struct {
	TargetKind string
	TargetID   string
	ActorID    chat.UserID
	Action     string
	From, To   time.Time // From <= Time < To
	Before     int64     // only entries with a smaller ID: the next page
	Limit      int       // 0: 100
}

// MaxAuditPage is the most audit entries one read returns.
const MaxAuditPage = 500

// edit runs fn in one directory transaction and returns its result; what
// names the change in errors.
func edit[T any](ctx context.Context, ed DirectoryEditor, what string, fn func(tx DirectoryTx) (T, error)) (T, error) {
	var out T
	err := ed.EditDirectory(ctx, func(tx DirectoryTx) error {
		var err error
		out, err = fn(tx)
		return err
	})
	if err != nil {
		var zero T
		return zero, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// audit records a change in tx. before and after are the record's states;
// nil leaves one out.
func audit(tx DirectoryTx, by chat.AuditActor, action string, target chat.AuditTarget, before, after any) error {
	e := chat.AuditEntry{Time: tx.Now(), Actor: by, Action: action, Target: target}
	var err error
	if e.Before, err = jsonOrNil(before); err != nil {
		return err
	}
	if e.After, err = jsonOrNil(after); err != nil {
		return err
	}
	if err := tx.InsertAudit(e); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

func jsonOrNil(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	return b, nil
}

// ---- Queues.

// CreateQueue adds a queue at version 1. An id taken, even by a queue
// removed since, is a conflict.
func CreateQueue(ctx context.Context, ed DirectoryEditor, q chat.Queue, by chat.AuditActor) (chat.Queue, error) {
	return edit(ctx, ed, "create queue", func(tx DirectoryTx) (chat.Queue, error) {
		q.Version, q.RemovedAt = 1, time.Time{}
		if err := q.Validate(); err != nil {
			return chat.Queue{}, err
		}
		if err := tx.InsertQueue(q); err != nil {
			return chat.Queue{}, err
		}
		return q, audit(tx, by, chat.AuditQueueCreate, queueTarget(q), nil, q)
	})
}

// UpdateQueue changes a queue that has not been removed.
func UpdateQueue(ctx context.Context, ed DirectoryEditor, id chat.QueueID, u chat.QueueUpdate, by chat.AuditActor) (chat.Queue, error) {
	return edit(ctx, ed, "update queue", func(tx DirectoryTx) (chat.Queue, error) {
		old, err := liveQueue(tx, id)
		if err != nil {
			return chat.Queue{}, err
		}
		if err := chat.CheckVersion("queue", old.Version, u.Version); err != nil {
			return chat.Queue{}, err
		}
		q := old.Apply(u)
		if err := q.Validate(); err != nil {
			return chat.Queue{}, err
		}
		q.Version++
		if err := tx.UpdateQueue(q); err != nil {
			return chat.Queue{}, err
		}
		return q, audit(tx, by, chat.AuditQueueUpdate, queueTarget(q), old, q)
	})
}

// QueueRemoval is what removing a queue changed besides the queue.
type QueueRemoval struct {
	Queue    chat.Queue
	Profiles []chat.ProfileID // the profiles it was taken out of
}

// RemoveQueue removes a queue: it disappears from profiles, the widget and
// every list, and its chats keep it in their history. A queue with chats
// waiting or going on, or that the widget is fixed to, is not removed: the
// conflict says what to do. version 0 removes whatever the version.
func RemoveQueue(ctx context.Context, ed DirectoryEditor, id chat.QueueID, version int64, by chat.AuditActor) (QueueRemoval, error) {
	return edit(ctx, ed, "remove queue", func(tx DirectoryTx) (QueueRemoval, error) {
		q, err := liveQueue(tx, id)
		if err != nil {
			return QueueRemoval{}, err
		}
		if version != 0 && version != q.Version {
			return QueueRemoval{}, chat.ErrStale("queue")
		}
		waiting, active, err := tx.QueueChats(id)
		if err != nil {
			return QueueRemoval{}, err
		}
		if waiting+active > 0 {
			return QueueRemoval{}, chat.E(chat.EConflict, "queue_in_use",
				"{queue} has {waiting} waiting and {active} active chats. Close it with opening hours so that no new chats start, and remove it when they have ended.",
				"queue", q.Name, "waiting", waiting, "active", active)
		}
		w, err := widgetSettings(tx)
		if err != nil {
			return QueueRemoval{}, err
		}
		if w.FixedQueue == id {
			return QueueRemoval{}, chat.E(chat.EConflict, "queue_in_widget",
				"The widget always opens {queue}. Choose another queue in the widget settings first.", "queue", q.Name)
		}
		profiles, err := tx.RemoveQueueFromProfiles(id)
		if err != nil {
			return QueueRemoval{}, err
		}
		old := q
		q.RemovedAt, q.Version = tx.Now(), q.Version+1
		if err := tx.UpdateQueue(q); err != nil {
			return QueueRemoval{}, err
		}
		return QueueRemoval{Queue: q, Profiles: profiles}, audit(tx, by, chat.AuditQueueRemove, queueTarget(q), old, q)
	})
}

// liveQueue returns a queue that has not been removed.
func liveQueue(tx DirectoryTx, id chat.QueueID) (chat.Queue, error) {
	q, err := tx.Queue(id)
	if err == nil && !q.RemovedAt.IsZero() {
		err = chat.E(chat.ENotFound, "queue_not_found", "No such queue.")
	}
	return q, err
}

// checkQueues refuses queues that do not exist or were removed; field
// names the input.
func checkQueues(tx DirectoryTx, field string, ids []chat.QueueID) error {
	for _, id := range ids {
		_, err := liveQueue(tx, id)
		if chat.ErrorCode(err) == chat.ENotFound {
			return chat.E(chat.EInvalid, "queue_unknown", "There is no queue {queue}.", "field", field, "queue", id)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func queueTarget(q chat.Queue) chat.AuditTarget {
	return chat.AuditTarget{Kind: chat.TargetQueue, ID: string(q.ID), Name: q.Name}
}

// ---- Profiles.

// CreateProfile adds a profile at version 1; its queues must exist.
func CreateProfile(ctx context.Context, ed DirectoryEditor, p chat.Profile, by chat.AuditActor) (chat.Profile, error) {
	return edit(ctx, ed, "create profile", func(tx DirectoryTx) (chat.Profile, error) {
		p.Version = 1
		if err := p.Validate(); err != nil {
			return chat.Profile{}, err
		}
		if err := checkQueues(tx, "queues", p.Queues); err != nil {
			return chat.Profile{}, err
		}
		if err := tx.InsertProfile(p); err != nil {
			return chat.Profile{}, err
		}
		return p, audit(tx, by, chat.AuditProfileCreate, profileTarget(p), nil, p)
	})
}

// UpdateProfile changes a profile. Agents working in it get its new queues
// at once (the router reloads it); chats they hold stay theirs.
func UpdateProfile(ctx context.Context, ed DirectoryEditor, id chat.ProfileID, u chat.ProfileUpdate, by chat.AuditActor) (chat.Profile, error) {
	return edit(ctx, ed, "update profile", func(tx DirectoryTx) (chat.Profile, error) {
		old, err := tx.Profile(id)
		if err != nil {
			return chat.Profile{}, err
		}
		if err := chat.CheckVersion("profile", old.Version, u.Version); err != nil {
			return chat.Profile{}, err
		}
		p := old.Apply(u)
		if err := p.Validate(); err != nil {
			return chat.Profile{}, err
		}
		if err := checkQueues(tx, "queues", p.Queues); err != nil {
			return chat.Profile{}, err
		}
		p.Version++
		if err := tx.UpdateProfile(p); err != nil {
			return chat.Profile{}, err
		}
		return p, audit(tx, by, chat.AuditProfileUpdate, profileTarget(p), old, p)
	})
}

// DeleteProfile deletes a profile. The agents working in it are paused
// without a profile (and returned, to be told); the users who could use it
// no longer can. version 0 deletes whatever the version.
func DeleteProfile(ctx context.Context, ed DirectoryEditor, id chat.ProfileID, version int64, by chat.AuditActor) ([]chat.UserID, error) {
	return edit(ctx, ed, "delete profile", func(tx DirectoryTx) ([]chat.UserID, error) {
		p, err := tx.Profile(id)
		if err != nil {
			return nil, err
		}
		if version != 0 && version != p.Version {
			return nil, chat.ErrStale("profile")
		}
		agents, err := tx.ProfileAgents(id)
		if err != nil {
			return nil, err
		}
		for _, a := range agents {
			if err := tx.PauseWithoutProfile(a); err != nil {
				return nil, err
			}
		}
		if err := tx.DeleteProfile(id); err != nil {
			return nil, err
		}
		return agents, audit(tx, by, chat.AuditProfileDelete, profileTarget(p), p, nil)
	})
}

// checkProfiles refuses profiles that do not exist.
func checkProfiles(tx DirectoryTx, ids []chat.ProfileID) error {
	for _, id := range ids {
		_, err := tx.Profile(id)
		if chat.ErrorCode(err) == chat.ENotFound {
			return chat.E(chat.EInvalid, "profile_unknown", "There is no profile {profile}.", "field", "profiles", "profile", id)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func profileTarget(p chat.Profile) chat.AuditTarget {
	return chat.AuditTarget{Kind: chat.TargetProfile, ID: string(p.ID), Name: p.Name}
}

// ---- Users.

// CreateUser adds a user at version 1, with PasswordHash as given (the
// caller hashes the password); its profiles must exist.
func CreateUser(ctx context.Context, ed DirectoryEditor, u chat.User, by chat.AuditActor) (chat.User, error) {
	return edit(ctx, ed, "create user", func(tx DirectoryTx) (chat.User, error) {
		return createUser(tx, u, by)
	})
}

func createUser(tx DirectoryTx, u chat.User, by chat.AuditActor) (chat.User, error) {
	u.Version, u.CreatedAt, u.DeactivatedAt = 1, tx.Now(), time.Time{}
	if err := u.Validate(); err != nil {
		return chat.User{}, err
	}
	if u.PasswordHash == "" {
		return chat.User{}, chat.E(chat.EInvalid, "required", "{field} is required.", "field", "password")
	}
	if err := checkProfiles(tx, u.Profiles); err != nil {
		return chat.User{}, err
	}
	if err := tx.InsertUser(u); err != nil {
		return chat.User{}, err
	}
	return u, audit(tx, by, chat.AuditUserCreate, userTarget(u), nil, u)
}

// UserChange is the result of UpdateUser.
type UserChange struct {
	User chat.User
	// Paused is set when the user's active profile was taken from them (or
	// they were deactivated): they are now paused without a profile.
	Paused bool
	// Deactivated is set when this change deactivated the user, whose
	// login sessions are then deleted: SessionsEnded holds their hashes.
	Deactivated   bool
	SessionsEnded []string
}

// UpdateUser changes a user. Deactivating ends their login sessions and
// pauses them; the last active administrator can be neither deactivated
// nor given another role.
func UpdateUser(ctx context.Context, ed DirectoryEditor, id chat.UserID, upd chat.UserUpdate, by chat.AuditActor) (UserChange, error) {
	return edit(ctx, ed, "update user", func(tx DirectoryTx) (UserChange, error) {
		old, err := tx.User(id)
		if err != nil {
			return UserChange{}, err
		}
		if err := chat.CheckVersion("user", old.Version, upd.Version); err != nil {
			return UserChange{}, err
		}
		u := old.Apply(upd, tx.Now())
		if err := u.Validate(); err != nil {
			return UserChange{}, err
		}
		if upd.Profiles != nil {
			if err := checkProfiles(tx, u.Profiles); err != nil {
				return UserChange{}, err
			}
		}
		if isActiveAdmin(old) && !isActiveAdmin(u) {
			if err := keepAnAdmin(tx); err != nil {
				return UserChange{}, err
			}
		}
		ch := UserChange{Deactivated: old.Active() && !u.Active()}
		st, err := tx.AgentState(id)
		if err != nil {
			return UserChange{}, err
		}
		if st.ProfileID != "" && (!u.MayUse(st.ProfileID) || !u.Active()) {
			if err := tx.PauseWithoutProfile(id); err != nil {
				return UserChange{}, err
			}
			ch.Paused = true
		}
		if ch.Deactivated {
			if ch.SessionsEnded, err = tx.DeleteSessions(id, ""); err != nil {
				return UserChange{}, err
			}
		}
		u.Version++
		if err := tx.UpdateUser(u); err != nil {
			return UserChange{}, err
		}
		ch.User = u
		return ch, audit(tx, by, chat.AuditUserUpdate, userTarget(u), old, u)
	})
}

// SetLanguage sets the language a user chose (one of chat.Languages) for
// the desk and the pages. Like a password, it is the user's own and no part
// of the record an editor sees: the version does not change, nothing is
// audited.
func SetLanguage(ctx context.Context, ed DirectoryEditor, id chat.UserID, lang string) (chat.User, error) {
	return edit(ctx, ed, "set language", func(tx DirectoryTx) (chat.User, error) {
		if err := chat.CheckLanguage(lang); err != nil {
			return chat.User{}, err
		}
		u, err := tx.User(id)
		if err != nil {
			return chat.User{}, err
		}
		u.Language = lang
		return u, tx.UpdateUser(u)
	})
}

// SetPassword sets a user's password hash and ends their login sessions
// but the one with token hash keep (the administrator's own, when they set
// their own password). It returns the token hashes of the sessions ended.
// The user's version does not change: a password is no part of the record
// an editor sees.
func SetPassword(ctx context.Context, ed DirectoryEditor, id chat.UserID, hash, keep string, by chat.AuditActor) ([]string, error) {
	return edit(ctx, ed, "set password", func(tx DirectoryTx) ([]string, error) {
		u, err := tx.User(id)
		if err != nil {
			return nil, err
		}
		if hash == "" {
			return nil, chat.E(chat.EInvalid, "required", "{field} is required.", "field", "password")
		}
		u.PasswordHash = hash
		if err := tx.UpdateUser(u); err != nil {
			return nil, err
		}
		ended, err := tx.DeleteSessions(id, keep)
		if err != nil {
			return nil, err
		}
		return ended, audit(tx, by, chat.AuditUserPassword, userTarget(u), nil, nil)
	})
}

// DeleteUser deletes a user who never had a part in a chat (created by
// mistake): one who did is kept in the chats' history and can only be
// deactivated. version 0 deletes whatever the version.
func DeleteUser(ctx context.Context, ed DirectoryEditor, id chat.UserID, version int64, by chat.AuditActor) error {
	_, err := edit(ctx, ed, "delete user", func(tx DirectoryTx) (struct{}, error) {
		u, err := tx.User(id)
		if err != nil {
			return struct{}{}, err
		}
		if version != 0 && version != u.Version {
			return struct{}{}, chat.ErrStale("user")
		}
		n, err := tx.Participations(id)
		if err != nil {
			return struct{}{}, err
		}
		if n > 0 {
			return struct{}{}, chat.E(chat.EConflict, "user_took_part",
				"{name} took part in {chats} chats, which keep them in their history. Deactivate {name} instead.",
				"name", u.DisplayName, "chats", n)
		}
		if isActiveAdmin(u) {
			if err := keepAnAdmin(tx); err != nil {
				return struct{}{}, err
			}
		}
		if err := tx.DeleteUser(id); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, audit(tx, by, chat.AuditUserDelete, userTarget(u), u, nil)
	})
	return err
}

func isActiveAdmin(u chat.User) bool { return u.Role == chat.RoleAdmin && u.Active() }

// keepAnAdmin refuses a change that would leave no active administrator,
// called before the change for a user who is one.
func keepAnAdmin(tx DirectoryTx) error {
	_, admins, err := tx.CountUsers()
	if err != nil {
		return err
	}
	if admins <= 1 {
		return chat.E(chat.EConflict, "last_admin",
			"This is the only active administrator. Make another user an administrator first.")
	}
	return nil
}

func userTarget(u chat.User) chat.AuditTarget {
	return chat.AuditTarget{Kind: chat.TargetUser, ID: string(u.ID), Name: u.DisplayName}
}

// SupervisedAgent is what SuperviseAgent did.
type SupervisedAgent struct {
	User  chat.User
	State chat.AgentState // after: paused
	Ended []string        // the token hashes of the login sessions ended
}

// SuperviseAgent pauses agent id as supervisor by, keeping its active
// profile, and with logOff also ends its login sessions, in one
// transaction with its audit entry (agent.pause, agent.logoff). The caller
// announces the new status and the ended sessions.
func SuperviseAgent(ctx context.Context, ed DirectoryEditor, id chat.UserID, logOff bool, by chat.AuditActor) (SupervisedAgent, error) {
	return edit(ctx, ed, "supervise agent", func(tx DirectoryTx) (SupervisedAgent, error) {
		u, err := tx.User(id)
		if err != nil {
			return SupervisedAgent{}, err
		}
		before, err := tx.AgentState(id)
		if err != nil {
			return SupervisedAgent{}, err
		}
		if err := tx.Pause(id); err != nil {
			return SupervisedAgent{}, err
		}
		out := SupervisedAgent{User: u, State: chat.AgentState{UserID: id, Status: chat.StatusPaused, ProfileID: before.ProfileID, UpdatedAt: tx.Now()}}
		action := chat.AuditAgentPause
		if logOff {
			action = chat.AuditAgentLogOff
			if out.Ended, err = tx.DeleteSessions(id, ""); err != nil {
				return SupervisedAgent{}, err
			}
		}
		return out, audit(tx, by, action, userTarget(u), before, out.State)
	})
}

// ---- Widget settings.

// SettingReader reads organisation-wide settings; every Store is one.
type SettingReader interface {
	Setting(ctx context.Context, key string) (Setting, error)
}

// WidgetSettings returns the widget settings, or the defaults (at version
// 1) if none were saved.
func WidgetSettings(ctx context.Context, r SettingReader) (chat.WidgetSettings, error) {
	w, err := readWidget(func() (Setting, error) { return r.Setting(ctx, settingWidget) })
	if err != nil {
		return chat.WidgetSettings{}, fmt.Errorf("widget settings: %w", err)
	}
	return w, nil
}

func widgetSettings(tx DirectoryTx) (chat.WidgetSettings, error) {
	return readWidget(func() (Setting, error) { return tx.Setting(settingWidget) })
}

// readWidget reads the widget settings with get, or the defaults.
func readWidget(get func() (Setting, error)) (chat.WidgetSettings, error) {
	s, err := get()
	if chat.ErrorCode(err) == chat.ENotFound {
		w := chat.DefaultWidgetSettings()
		w.Version = 1
		return w, nil
	}
	if err != nil {
		return chat.WidgetSettings{}, err
	}
	return decodeWidget(s)
}

func decodeWidget(s Setting) (chat.WidgetSettings, error) {
	w := chat.DefaultWidgetSettings()
	if err := json.Unmarshal(s.Value, &w); err != nil {
		return chat.WidgetSettings{}, fmt.Errorf("widget settings: %w", err)
	}
	w.Version, w.UpdatedAt = s.Version, s.UpdatedAt
	if w.Queues == nil {
		w.Queues = []chat.QueueID{}
	}
	return w, nil
}

// PrivacySettings reads the organisation's privacy policy, or the
// defaults (chat.DefaultPrivacy, version 1) if none was saved.
func PrivacySettings(ctx context.Context, r SettingReader) (chat.Privacy, error) {
	p, err := readPrivacy(func() (Setting, error) { return r.Setting(ctx, settingPrivacy) })
	if err != nil {
		return chat.Privacy{}, fmt.Errorf("privacy settings: %w", err)
	}
	return p, nil
}

func readPrivacy(get func() (Setting, error)) (chat.Privacy, error) {
	s, err := get()
	if chat.ErrorCode(err) == chat.ENotFound {
		p := chat.DefaultPrivacy()
		p.Version = 1
		return p, nil
	}
	if err != nil {
		return chat.Privacy{}, err
	}
	p := chat.DefaultPrivacy()
	if err := json.Unmarshal(s.Value, &p); err != nil {
		return chat.Privacy{}, fmt.Errorf("privacy settings: %w", err)
	}
	if p.QueueRetentionDays == nil {
		p.QueueRetentionDays = map[chat.QueueID]int{}
	}
	p.Version, p.UpdatedAt = s.Version, s.UpdatedAt
	return p, nil
}

// UpdatePrivacy changes the privacy policy; the queues it names must exist.
func UpdatePrivacy(ctx context.Context, ed DirectoryEditor, u chat.PrivacyUpdate, by chat.AuditActor) (chat.Privacy, error) {
	return edit(ctx, ed, "update privacy settings", func(tx DirectoryTx) (chat.Privacy, error) {
		old, err := readPrivacy(func() (Setting, error) { return tx.Setting(settingPrivacy) })
		if err != nil {
			return chat.Privacy{}, err
		}
		if err := chat.CheckVersion("privacy settings", old.Version, u.Version); err != nil {
			return chat.Privacy{}, err
		}
		p := old.Apply(u)
		if err := p.Check(); err != nil {
			return chat.Privacy{}, err
		}
		if err := checkQueues(tx, "queueRetentionDays", slices.Sorted(maps.Keys(p.QueueRetentionDays))); err != nil {
			return chat.Privacy{}, err
		}
		p.Version, p.UpdatedAt = old.Version+1, tx.Now()
		switch { // automatic transcripts go to chats that end from now on
		case !p.AutoTranscript:
			p.AutoTranscriptSince = time.Time{}
		case !old.AutoTranscript:
			p.AutoTranscriptSince = p.UpdatedAt
		}
		value := p
		value.Version, value.UpdatedAt = 0, time.Time{} // kept in their columns
		b, err := json.Marshal(value)
		if err != nil {
			return chat.Privacy{}, err
		}
		if err := tx.PutSetting(settingPrivacy, Setting{Value: b, Version: p.Version, UpdatedAt: p.UpdatedAt}); err != nil {
			return chat.Privacy{}, err
		}
		return p, audit(tx, by, chat.AuditPrivacyUpdate, chat.AuditTarget{Kind: chat.TargetPrivacy, ID: settingPrivacy}, old, p)
	})
}

// UpdateWidget changes the widget settings; their queues must exist.
func UpdateWidget(ctx context.Context, ed DirectoryEditor, u chat.WidgetUpdate, by chat.AuditActor) (chat.WidgetSettings, error) {
	return edit(ctx, ed, "update widget settings", func(tx DirectoryTx) (chat.WidgetSettings, error) {
		old, err := widgetSettings(tx)
		if err != nil {
			return chat.WidgetSettings{}, err
		}
		if err := chat.CheckVersion("widget settings", old.Version, u.Version); err != nil {
			return chat.WidgetSettings{}, err
		}
		w := old.Apply(u)
		if err := w.Validate(); err != nil {
			return chat.WidgetSettings{}, err
		}
		if err := checkQueues(tx, "queues", w.Queues); err != nil {
			return chat.WidgetSettings{}, err
		}
		if w.FixedQueue != "" {
			if err := checkQueues(tx, "fixedQueue", []chat.QueueID{w.FixedQueue}); err != nil {
				return chat.WidgetSettings{}, err
			}
		}
		w.Version, w.UpdatedAt = old.Version+1, tx.Now()
		value := w
		value.Version, value.UpdatedAt = 0, time.Time{} // kept in their columns
		b, err := json.Marshal(value)
		if err != nil {
			return chat.WidgetSettings{}, err
		}
		if err := tx.PutSetting(settingWidget, Setting{Value: b, Version: w.Version, UpdatedAt: w.UpdatedAt}); err != nil {
			return chat.WidgetSettings{}, err
		}
		return w, audit(tx, by, chat.AuditWidgetUpdate, chat.AuditTarget{Kind: chat.TargetWidget, ID: settingWidget}, old, w)
	})
}

// ---- API tokens.

// CreateAPIToken adds a token (its Hash, Prefix and ID set by the caller)
// for its owner, an active user.
func CreateAPIToken(ctx context.Context, ed DirectoryEditor, t chat.APIToken, by chat.AuditActor) (chat.APIToken, error) {
	return edit(ctx, ed, "create API token", func(tx DirectoryTx) (chat.APIToken, error) {
		if err := t.Validate(); err != nil {
			return chat.APIToken{}, err
		}
		owner, err := tx.User(t.UserID)
		if err != nil {
			return chat.APIToken{}, err
		}
		if !owner.Active() {
			return chat.APIToken{}, chat.E(chat.EConflict, "user_deactivated", "{name} is deactivated.", "name", owner.DisplayName)
		}
		t.CreatedAt, t.LastUsedAt, t.RevokedAt = tx.Now(), time.Time{}, time.Time{}
		if err := tx.InsertAPIToken(t); err != nil {
			return chat.APIToken{}, err
		}
		return t, audit(tx, by, chat.AuditTokenCreate, tokenTarget(t), nil, t)
	})
}

// RevokeAPIToken revokes a token at once; revoking it again changes
// nothing.
func RevokeAPIToken(ctx context.Context, ed DirectoryEditor, id string, by chat.AuditActor) (chat.APIToken, error) {
	return edit(ctx, ed, "revoke API token", func(tx DirectoryTx) (chat.APIToken, error) {
		t, err := tx.APIToken(id)
		if err != nil || !t.RevokedAt.IsZero() {
			return t, err
		}
		old := t
		t.RevokedAt = tx.Now()
		if err := tx.RevokeAPIToken(id, t.RevokedAt); err != nil {
			return chat.APIToken{}, err
		}
		return t, audit(tx, by, chat.AuditTokenRevoke, tokenTarget(t), old, t)
	})
}

func tokenTarget(t chat.APIToken) chat.AuditTarget {
	return chat.AuditTarget{Kind: chat.TargetToken, ID: t.ID, Name: t.Name}
}

// ---- First run.

// setupSecret is the stored form of the first-run secret. It is kept as it
// is, not hashed, so that every node of a new installation prints the same
// link; whoever can read the database owns the installation anyway, and
// the secret is deleted as soon as the first administrator exists.
type setupSecret struct {
	Secret string `json:"secret"`
}

// EnsureSetup makes sure that an installation without users has a set-up
// secret, storing candidate if it has none, and returns the secret; it
// returns "" for an installation that has users (and forgets any secret).
func EnsureSetup(ctx context.Context, ed DirectoryEditor, candidate string) (string, error) {
	return edit(ctx, ed, "first-run set-up", func(tx DirectoryTx) (string, error) {
		users, _, err := tx.CountUsers()
		if err != nil {
			return "", err
		}
		s, err := tx.Setting(settingSetup)
		switch {
		case err != nil && chat.ErrorCode(err) != chat.ENotFound:
			return "", err
		case users > 0:
			if err == nil {
				return "", tx.DeleteSetting(settingSetup)
			}
			return "", nil
		case err == nil:
			var v setupSecret
			if err := json.Unmarshal(s.Value, &v); err == nil && v.Secret != "" {
				return v.Secret, nil
			}
		}
		b, _ := json.Marshal(setupSecret{candidate})
		return candidate, tx.PutSetting(settingSetup, Setting{Value: b, Version: 1, UpdatedAt: tx.Now()})
	})
}

// SetupPending reports whether the installation waits for its first
// administrator.
func SetupPending(ctx context.Context, r SettingReader) (bool, error) {
	_, err := r.Setting(ctx, settingSetup)
	if chat.ErrorCode(err) == chat.ENotFound {
		return false, nil
	}
	return err == nil, err
}

// CheckSetup reports (errBadSetup) whether secret is not the set-up
// secret, cheaply: so that a guess costs no password hashing. Setup checks
// it again in its transaction.
func CheckSetup(ctx context.Context, r SettingReader, secret string) error {
	s, err := r.Setting(ctx, settingSetup)
	if chat.ErrorCode(err) == chat.ENotFound {
		return errBadSetup
	} else if err != nil {
		return err
	}
	return checkSecret(s, secret)
}

// checkSecret compares secret with the stored one in constant time.
func checkSecret(s Setting, secret string) error {
	var v setupSecret
	if json.Unmarshal(s.Value, &v) != nil || v.Secret == "" || subtle.ConstantTimeCompare([]byte(v.Secret), []byte(secret)) != 1 {
		return errBadSetup
	}
	return nil
}

// errBadSetup answers a set-up with a wrong or used secret.
var errBadSetup = chat.E(chat.EInvalid, "setup_link_invalid",
	"This set-up link is not valid: it was used already, or mistyped. Use `skranke user add --role admin` on the server instead.")

// Setup creates the first administrator, u, if secret is the set-up
// secret and no user exists yet; the secret is then used up.
func Setup(ctx context.Context, ed DirectoryEditor, secret string, u chat.User, by chat.AuditActor) (chat.User, error) {
	return edit(ctx, ed, "first-run set-up", func(tx DirectoryTx) (chat.User, error) {
		s, err := tx.Setting(settingSetup)
		if chat.ErrorCode(err) == chat.ENotFound {
			return chat.User{}, errBadSetup
		} else if err != nil {
			return chat.User{}, err
		}
		if err := checkSecret(s, secret); err != nil {
			return chat.User{}, err
		}
		if users, _, err := tx.CountUsers(); err != nil {
			return chat.User{}, err
		} else if users > 0 {
			return chat.User{}, errBadSetup
		}
		u.Role = chat.RoleAdmin
		created, err := createUser(tx, u, by)
		if err != nil {
			return chat.User{}, err
		}
		return created, tx.DeleteSetting(settingSetup)
	})
}
