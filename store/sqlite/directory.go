package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"skranke/chat"
	"skranke/store"
)

// The directory: queues, profiles, users, settings, API tokens and the
// audit log. Reads run on the read pool; changes are store's functions
// (store/directory.go) over EditDirectory, and dirTx is their SQL.

// Errors of taken ids and names.
var (
	errQueueTaken   = chat.E(chat.EConflict, "id_taken", "This id is taken, now or before: choose another.", "field", "id")
	errProfileTaken = chat.E(chat.EConflict, "id_taken", "This id is taken, now or before: choose another.", "field", "id")
	errUserTaken    = chat.E(chat.EConflict, "username_taken", "This username is taken: choose another.", "field", "username")
	errTokenTaken   = chat.E(chat.EConflict, "token_exists", "This token exists already.")
	errNoQueue      = chat.E(chat.ENotFound, "queue_not_found", "No such queue.")
	errNoProfile    = chat.E(chat.ENotFound, "profile_not_found", "No such profile.")
	errNoUser       = chat.E(chat.ENotFound, "user_not_found", "No such user.")
	errNoToken      = chat.E(chat.ENotFound, "token_not_found", "No such API token.")
	errNoSetting    = chat.E(chat.ENotFound, "setting_not_found", "No such setting.")
)

// unique returns taken for a unique or primary-key violation, invalid for
// a foreign-key violation, and err otherwise, by SQLite's result codes.
func unique(err error, taken *chat.Error) error {
	c := conflict(err, taken)
	if chat.ErrorCode(c) == chat.EConflict {
		return taken
	}
	return c
}

// EditDirectory runs fn in one transaction on the write connection, which
// serialises directory changes with every other write.
func (db *DB) EditDirectory(ctx context.Context, fn func(store.DirectoryTx) error) error {
	return db.writeTx(ctx, func(tx *sql.Tx, now time.Time) error {
		return fn(&dirTx{ctx: ctx, tx: tx, now: now})
	})
}

// dirTx is a directory transaction.
type dirTx struct {
	ctx context.Context
	tx  *sql.Tx
	now time.Time
}

var _ store.DirectoryTx = (*dirTx)(nil)

func (t *dirTx) Now() time.Time { return t.now }

func (t *dirTx) exec(query string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(t.ctx, query, args...)
}

// ---- Queues.

const queueColumns = `id, name, offer_timeout, priority, waiting_text, closed_text, hours, removed_at, version`

func scanQueue(s scanner) (chat.Queue, error) {
	var q chat.Queue
	var hours sql.NullString
	var removed sql.NullInt64
	if err := s.Scan(&q.ID, &q.Name, &q.OfferTimeoutSeconds, &q.Priority, &q.WaitingText, &q.ClosedText, &hours, &removed, &q.Version); err != nil {
		return chat.Queue{}, err
	}
	q.RemovedAt = nullTime(removed)
	if hours.Valid {
		q.Hours = new(chat.OpeningHours)
		if err := json.Unmarshal([]byte(hours.String), q.Hours); err != nil {
			return chat.Queue{}, fmt.Errorf("queue %s: hours: %w", q.ID, err)
		}
	}
	return q, nil
}

func hoursValue(h *chat.OpeningHours) (any, error) {
	if h == nil {
		return nil, nil
	}
	b, err := json.Marshal(h)
	return string(b), err
}

func queueArgs(q chat.Queue) ([]any, error) {
	hours, err := hoursValue(q.Hours)
	if err != nil {
		return nil, err
	}
	return []any{q.ID, q.Name, q.OfferTimeoutSeconds, q.Priority, q.WaitingText, q.ClosedText, hours, timeValue(q.RemovedAt), q.Version}, nil
}

func getQueue(ctx context.Context, q querier, id chat.QueueID) (chat.Queue, error) {
	queue, err := scanQueue(q.QueryRowContext(ctx, `SELECT `+queueColumns+` FROM queues WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return chat.Queue{}, errNoQueue
	}
	return queue, err
}

// Queue returns the queue with id id, removed or not.
func (db *DB) Queue(ctx context.Context, id chat.QueueID) (chat.Queue, error) {
	q, err := getQueue(ctx, db.hot(), id)
	if err != nil {
		return chat.Queue{}, fmt.Errorf("queue: %w", err)
	}
	return q, nil
}

// Queues lists the queues that have not been removed, by name.
func (db *DB) Queues(ctx context.Context) ([]chat.Queue, error) {
	return queryAll(ctx, db, "queues", scanQueue, `SELECT `+queueColumns+` FROM queues WHERE removed_at IS NULL ORDER BY name, id`)
}

func (t *dirTx) Queue(id chat.QueueID) (chat.Queue, error) { return getQueue(t.ctx, t.tx, id) }

func (t *dirTx) InsertQueue(q chat.Queue) error {
	args, err := queueArgs(q)
	if err != nil {
		return err
	}
	_, err = t.exec(`INSERT INTO queues (`+queueColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
	return unique(err, errQueueTaken)
}

func (t *dirTx) UpdateQueue(q chat.Queue) error {
	args, err := queueArgs(q)
	if err != nil {
		return err
	}
	_, err = t.exec(`UPDATE queues SET name = ?, offer_timeout = ?, priority = ?, waiting_text = ?, closed_text = ?,
		hours = ?, removed_at = ?, version = ? WHERE id = ?`, append(args[1:], q.ID)...)
	return err
}

func (t *dirTx) QueueChats(id chat.QueueID) (waiting, active int, err error) {
	err = t.tx.QueryRowContext(t.ctx, `SELECT
			COALESCE(SUM(CASE WHEN status = 'waiting' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN status = 'active' THEN 1 ELSE 0 END), 0)
		FROM conversations WHERE queue_id = ? AND status <> 'ended'`, id).Scan(&waiting, &active)
	return waiting, active, err
}

func (t *dirTx) RemoveQueueFromProfiles(id chat.QueueID) ([]chat.ProfileID, error) {
	rows, err := t.tx.QueryContext(t.ctx, `DELETE FROM profile_queues WHERE queue_id = ? RETURNING profile_id`, id)
	if err != nil {
		return nil, err
	}
	ps, err := collect(rows, func(s scanner) (chat.ProfileID, error) {
		var p chat.ProfileID
		return p, s.Scan(&p)
	})
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if _, err := t.exec(`UPDATE profiles SET version = version + 1 WHERE id = ?`, p); err != nil {
			return nil, err
		}
	}
	return ps, nil
}

// ---- Profiles.

// Profile returns the profile with id id and its queues.
func (db *DB) Profile(ctx context.Context, id chat.ProfileID) (chat.Profile, error) {
	ps, err := db.profiles(ctx, id)
	if err != nil {
		return chat.Profile{}, fmt.Errorf("profile: %w", err)
	}
	if len(ps) == 0 {
		return chat.Profile{}, errNoProfile
	}
	return ps[0], nil
}

// Profiles lists all profiles by name, each with its queues.
func (db *DB) Profiles(ctx context.Context) ([]chat.Profile, error) {
	ps, err := db.profiles(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("profiles: %w", err)
	}
	return ps, nil
}

// profiles reads the profile with id id, or all if id is "", in one read
// transaction, so that profiles and their queues agree.
func (db *DB) profiles(ctx context.Context, id chat.ProfileID) ([]chat.Profile, error) {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return loadProfiles(ctx, tx, id)
}

// loadProfiles reads the profile with id id, or all if id is "", by name.
func loadProfiles(ctx context.Context, q querier, id chat.ProfileID) ([]chat.Profile, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name, version FROM profiles WHERE ? = '' OR id = ? ORDER BY name, id`, id, id)
	if err != nil {
		return nil, err
	}
	ps, err := collect(rows, func(s scanner) (chat.Profile, error) {
		var p chat.Profile
		return p, s.Scan(&p.ID, &p.Name, &p.Version)
	})
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	index := make(map[chat.ProfileID]int, len(ps))
	for i, p := range ps {
		index[p.ID] = i
	}
	rows, err = q.QueryContext(ctx, `SELECT profile_id, queue_id FROM profile_queues
		WHERE ? = '' OR profile_id = ? ORDER BY profile_id, position`, id, id)
	if err != nil {
		return nil, err
	}
	_, err = collect(rows, func(s scanner) (struct{}, error) {
		var pid chat.ProfileID
		var qid chat.QueueID
		if err := s.Scan(&pid, &qid); err != nil {
			return struct{}{}, err
		}
		if i, ok := index[pid]; ok {
			ps[i].Queues = append(ps[i].Queues, qid)
		}
		return struct{}{}, nil
	})
	return ps, err
}

func (t *dirTx) Profile(id chat.ProfileID) (chat.Profile, error) {
	ps, err := loadProfiles(t.ctx, t.tx, id)
	if err != nil {
		return chat.Profile{}, err
	}
	if len(ps) == 0 {
		return chat.Profile{}, errNoProfile
	}
	return ps[0], nil
}

func (t *dirTx) InsertProfile(p chat.Profile) error {
	if _, err := t.exec(`INSERT INTO profiles (id, name, version) VALUES (?, ?, ?)`, p.ID, p.Name, p.Version); err != nil {
		return unique(err, errProfileTaken)
	}
	return t.profileQueues(p)
}

func (t *dirTx) UpdateProfile(p chat.Profile) error {
	if _, err := t.exec(`UPDATE profiles SET name = ?, version = ? WHERE id = ?`, p.Name, p.Version, p.ID); err != nil {
		return err
	}
	if _, err := t.exec(`DELETE FROM profile_queues WHERE profile_id = ?`, p.ID); err != nil {
		return err
	}
	return t.profileQueues(p)
}

// profileQueues inserts p's queues in their order.
func (t *dirTx) profileQueues(p chat.Profile) error {
	for i, q := range p.Queues {
		if _, err := t.exec(`INSERT INTO profile_queues (profile_id, queue_id, position) VALUES (?, ?, ?)`, p.ID, q, i+1); err != nil {
			return unique(err, chat.E(chat.EInvalid, "repeated", "{item} is listed twice.", "field", "queues", "item", q))
		}
	}
	return nil
}

func (t *dirTx) DeleteProfile(id chat.ProfileID) error {
	_, err := t.exec(`DELETE FROM profiles WHERE id = ?`, id)
	return err
}

func (t *dirTx) ProfileAgents(id chat.ProfileID) ([]chat.UserID, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT user_id FROM agent_states WHERE profile_id = ? ORDER BY user_id`, id)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(s scanner) (chat.UserID, error) {
		var u chat.UserID
		return u, s.Scan(&u)
	})
}

// ---- Users.

const userColumns = `id, username, display_name, role, capacity, password_hash, deactivated_at, version, created_at, language`

// scanUser reads the userColumns of one row (not the profiles).
func scanUser(s scanner) (chat.User, error) {
	var u chat.User
	var created int64
	var deactivated sql.NullInt64
	err := s.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Role, &u.Capacity, &u.PasswordHash, &deactivated, &u.Version, &created, &u.Language)
	u.CreatedAt, u.DeactivatedAt = unixTime(created), nullTime(deactivated)
	return u, err
}

// loadUsers reads the users that where selects (a condition on users u),
// by display name, with their profiles.
func loadUsers(ctx context.Context, q querier, where string, args ...any) ([]chat.User, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+userColumns+` FROM users u WHERE `+where+` ORDER BY display_name, id`, args...)
	if err != nil {
		return nil, err
	}
	us, err := collect(rows, scanUser)
	if err != nil || len(us) == 0 {
		return us, err
	}
	index := make(map[chat.UserID]int, len(us))
	for i := range us {
		index[us[i].ID] = i
		us[i].Profiles = []chat.ProfileID{}
	}
	rows, err = q.QueryContext(ctx, `SELECT up.user_id, up.profile_id FROM user_profiles up JOIN users u ON u.id = up.user_id
		WHERE `+where+` ORDER BY up.user_id, up.position`, args...)
	if err != nil {
		return nil, err
	}
	_, err = collect(rows, func(s scanner) (struct{}, error) {
		var uid chat.UserID
		var pid chat.ProfileID
		if err := s.Scan(&uid, &pid); err != nil {
			return struct{}{}, err
		}
		if i, ok := index[uid]; ok {
			us[i].Profiles = append(us[i].Profiles, pid)
		}
		return struct{}{}, nil
	})
	return us, err
}

// user reads one user where selects, in a read transaction.
func (db *DB) user(ctx context.Context, where string, args ...any) (chat.User, error) {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return chat.User{}, err
	}
	defer tx.Rollback()
	us, err := loadUsers(ctx, tx, where, args...)
	if err != nil {
		return chat.User{}, err
	}
	if len(us) == 0 {
		return chat.User{}, errNoUser
	}
	return us[0], nil
}

// User returns the user with id id.
func (db *DB) User(ctx context.Context, id chat.UserID) (chat.User, error) {
	u, err := db.user(ctx, `u.id = ?`, id)
	if err != nil {
		return chat.User{}, fmt.Errorf("user: %w", err)
	}
	return u, nil
}

// UserByUsername returns the user with that username.
func (db *DB) UserByUsername(ctx context.Context, username string) (chat.User, error) {
	u, err := db.user(ctx, `u.username = ?`, username)
	if err != nil {
		return chat.User{}, fmt.Errorf("user by username: %w", err)
	}
	return u, nil
}

// Users lists all users by display name.
func (db *DB) Users(ctx context.Context) ([]chat.User, error) {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("users: %w", err)
	}
	defer tx.Rollback()
	us, err := loadUsers(ctx, tx, `1 = 1`)
	if err != nil {
		return nil, fmt.Errorf("users: %w", err)
	}
	return us, nil
}

func (t *dirTx) User(id chat.UserID) (chat.User, error) {
	us, err := loadUsers(t.ctx, t.tx, `u.id = ?`, id)
	if err != nil {
		return chat.User{}, err
	}
	if len(us) == 0 {
		return chat.User{}, errNoUser
	}
	return us[0], nil
}

func (t *dirTx) InsertUser(u chat.User) error {
	_, err := t.exec(`INSERT INTO users (`+userColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, u.Username, u.DisplayName, u.Role, u.Capacity, u.PasswordHash, timeValue(u.DeactivatedAt), u.Version, u.CreatedAt.UnixNano(), u.Language)
	if err != nil {
		return unique(err, errUserTaken)
	}
	return t.userProfiles(u)
}

func (t *dirTx) UpdateUser(u chat.User) error {
	_, err := t.exec(`UPDATE users SET display_name = ?, role = ?, capacity = ?, password_hash = ?, deactivated_at = ?, version = ?, language = ?
		WHERE id = ?`, u.DisplayName, u.Role, u.Capacity, u.PasswordHash, timeValue(u.DeactivatedAt), u.Version, u.Language, u.ID)
	if err != nil {
		return err
	}
	if _, err := t.exec(`DELETE FROM user_profiles WHERE user_id = ?`, u.ID); err != nil {
		return err
	}
	return t.userProfiles(u)
}

func (t *dirTx) userProfiles(u chat.User) error {
	for i, p := range u.Profiles {
		if _, err := t.exec(`INSERT INTO user_profiles (user_id, profile_id, position) VALUES (?, ?, ?)`, u.ID, p, i+1); err != nil {
			return unique(err, chat.E(chat.EInvalid, "repeated", "{item} is listed twice.", "field", "profiles", "item", p))
		}
	}
	return nil
}

func (t *dirTx) DeleteUser(id chat.UserID) error {
	_, err := t.exec(`DELETE FROM users WHERE id = ?`, id)
	return err
}

func (t *dirTx) CountUsers() (all, activeAdmins int, err error) {
	err = t.tx.QueryRowContext(t.ctx, `SELECT COUNT(*),
		COALESCE(SUM(CASE WHEN role = 'admin' AND deactivated_at IS NULL THEN 1 ELSE 0 END), 0) FROM users`).Scan(&all, &activeAdmins)
	return all, activeAdmins, err
}

func (t *dirTx) Participations(id chat.UserID) (int, error) {
	var n int
	err := t.tx.QueryRowContext(t.ctx, `SELECT COUNT(*) FROM participants WHERE agent_id = ?`, id).Scan(&n)
	return n, err
}

func (t *dirTx) DeleteSessions(id chat.UserID, keep string) ([]string, error) {
	rows, err := t.tx.QueryContext(t.ctx, `DELETE FROM sessions WHERE user_id = ? AND token_hash <> ? RETURNING token_hash`, id, keep)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(s scanner) (string, error) {
		var h string
		return h, s.Scan(&h)
	})
}

func (t *dirTx) AgentState(id chat.UserID) (chat.AgentState, error) {
	st, err := scanAgentState(t.tx.QueryRowContext(t.ctx, `SELECT user_id, status, profile_id, updated_at
		FROM agent_states WHERE user_id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return chat.AgentState{UserID: id, Status: chat.StatusPaused}, nil
	}
	return st, err
}

func (t *dirTx) Pause(id chat.UserID) error {
	_, err := t.exec(`UPDATE agent_states SET status = 'paused', updated_at = ? WHERE user_id = ?`, t.now.UnixNano(), id)
	return err
}

func (t *dirTx) PauseWithoutProfile(id chat.UserID) error {
	_, err := t.exec(`UPDATE agent_states SET status = 'paused', profile_id = NULL, updated_at = ? WHERE user_id = ?`, t.now.UnixNano(), id)
	return err
}

// ---- Settings.

func getSetting(ctx context.Context, q querier, key string) (store.Setting, error) {
	var s store.Setting
	var value string
	var updated int64
	err := q.QueryRowContext(ctx, `SELECT value, version, updated_at FROM settings WHERE key = ?`, key).Scan(&value, &s.Version, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Setting{}, errNoSetting
	}
	s.Value, s.UpdatedAt = json.RawMessage(value), unixTime(updated)
	return s, err
}

// Setting returns the organisation-wide setting of key.
func (db *DB) Setting(ctx context.Context, key string) (store.Setting, error) {
	s, err := getSetting(ctx, db.hot(), key)
	if err != nil {
		return store.Setting{}, fmt.Errorf("setting %s: %w", key, err)
	}
	return s, nil
}

func (t *dirTx) Setting(key string) (store.Setting, error) { return getSetting(t.ctx, t.tx, key) }

func (t *dirTx) PutSetting(key string, s store.Setting) error {
	_, err := t.exec(`INSERT INTO settings (key, value, version, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = excluded.version, updated_at = excluded.updated_at`,
		key, string(s.Value), s.Version, s.UpdatedAt.UnixNano())
	return err
}

func (t *dirTx) DeleteSetting(key string) error {
	_, err := t.exec(`DELETE FROM settings WHERE key = ?`, key)
	return err
}

// ---- API tokens.

const tokenColumns = `id, name, scope, prefix, token_hash, user_id, created_at, last_used_at, revoked_at`

func scanToken(s scanner) (chat.APIToken, error) {
	var t chat.APIToken
	var created int64
	var used, revoked sql.NullInt64
	err := s.Scan(&t.ID, &t.Name, &t.Scope, &t.Prefix, &t.Hash, &t.UserID, &created, &used, &revoked)
	t.CreatedAt, t.LastUsedAt, t.RevokedAt = unixTime(created), nullTime(used), nullTime(revoked)
	return t, err
}

// APITokens lists every API token, newest first.
func (db *DB) APITokens(ctx context.Context) ([]chat.APIToken, error) {
	return queryAll(ctx, db, "API tokens", scanToken, `SELECT `+tokenColumns+` FROM api_tokens ORDER BY created_at DESC, id`)
}

// APITokenByHash returns the token with that hash, revoked or not.
func (db *DB) APITokenByHash(ctx context.Context, hash string) (chat.APIToken, error) {
	t, err := scanToken(db.read.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE token_hash = ?`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return chat.APIToken{}, errNoToken
	}
	if err != nil {
		return chat.APIToken{}, fmt.Errorf("API token: %w", err)
	}
	return t, nil
}

// TouchAPIToken sets the token's LastUsedAt to now if it is a minute old
// or more.
func (db *DB) TouchAPIToken(ctx context.Context, id string) error {
	err := db.writeTx(ctx, func(tx *sql.Tx, now time.Time) error {
		_, err := tx.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = ?
			WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)`, now.UnixNano(), id, now.Add(-time.Minute).UnixNano())
		return err
	})
	if err != nil {
		return fmt.Errorf("touch API token: %w", err)
	}
	return nil
}

func (t *dirTx) InsertAPIToken(tok chat.APIToken) error {
	_, err := t.exec(`INSERT INTO api_tokens (`+tokenColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		tok.ID, tok.Name, tok.Scope, tok.Prefix, tok.Hash, tok.UserID, tok.CreatedAt.UnixNano(), timeValue(tok.LastUsedAt), timeValue(tok.RevokedAt))
	return unique(err, errTokenTaken)
}

func (t *dirTx) APIToken(id string) (chat.APIToken, error) {
	tok, err := scanToken(t.tx.QueryRowContext(t.ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return chat.APIToken{}, errNoToken
	}
	return tok, err
}

func (t *dirTx) RevokeAPIToken(id string, at time.Time) error {
	_, err := t.exec(`UPDATE api_tokens SET revoked_at = ? WHERE id = ?`, at.UnixNano(), id)
	return err
}

// ---- The audit log.

func (t *dirTx) InsertAudit(e chat.AuditEntry) error {
	_, err := t.exec(`INSERT INTO audit_log (time, actor_id, actor_name, token_id, action, target_kind, target_id, target_name, before, after)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Time.UnixNano(), e.Actor.UserID, e.Actor.Name, e.Actor.TokenID, e.Action, e.Target.Kind, e.Target.ID, e.Target.Name,
		jsonText(e.Before), jsonText(e.After))
	return err
}

func jsonText(b json.RawMessage) any {
	if b == nil {
		return nil
	}
	return string(b)
}

// AuditEntries lists the audit entries f selects, newest first.
func (db *DB) AuditEntries(ctx context.Context, f store.AuditFilter) ([]chat.AuditEntry, error) {
	var where []string
	var args []any
	add := func(cond string, arg any) {
		where = append(where, cond)
		args = append(args, arg)
	}
	if f.TargetKind != "" {
		add(`target_kind = ?`, f.TargetKind)
	}
	if f.TargetID != "" {
		add(`target_id = ?`, f.TargetID)
	}
	if f.ActorID != "" {
		add(`actor_id = ?`, f.ActorID)
	}
	if f.Action != "" {
		add(`action = ?`, f.Action)
	}
	if !f.From.IsZero() {
		add(`time >= ?`, f.From.UnixNano())
	}
	if !f.To.IsZero() {
		add(`time < ?`, f.To.UnixNano())
	}
	if f.Before > 0 {
		add(`id < ?`, f.Before)
	}
	query := `SELECT id, time, actor_id, actor_name, token_id, action, target_kind, target_id, target_name, before, after FROM audit_log`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	query += ` ORDER BY id DESC LIMIT ?`
	args = append(args, auditLimit(f.Limit))
	return queryAll(ctx, db, "audit log", scanAudit, query, args...)
}

// auditLimit is the page size of an audit read asking for limit.
func auditLimit(limit int) int {
	if limit <= 0 {
		return 100
	}
	return min(limit, store.MaxAuditPage)
}

func scanAudit(s scanner) (chat.AuditEntry, error) {
	var e chat.AuditEntry
	var at int64
	var before, after sql.NullString
	err := s.Scan(&e.ID, &at, &e.Actor.UserID, &e.Actor.Name, &e.Actor.TokenID, &e.Action,
		&e.Target.Kind, &e.Target.ID, &e.Target.Name, &before, &after)
	e.Time = unixTime(at)
	if before.Valid {
		e.Before = json.RawMessage(before.String)
	}
	if after.Valid {
		e.After = json.RawMessage(after.String)
	}
	return e, err
}

// collect scans every row of rows with scan and closes them.
func collect[T any](rows *sql.Rows, scan func(scanner) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
