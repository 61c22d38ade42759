package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"skranke/chat"
	"skranke/store"
)

// The directory: queues, profiles, users, settings, API tokens and the
// audit log. Changes are store's functions (store/directory.go) over
// EditDirectory, and dirTx is their SQL. Names sort byte-wise (COLLATE
// "C"), as in the SQLite store, so both stores list in the same order
// whatever the database's collation.

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

// unique returns taken for a unique violation, invalid for a foreign-key
// violation, and err otherwise, by SQLSTATE.
func unique(err error, taken *chat.Error) error {
	c := conflict(err, taken)
	if chat.ErrorCode(c) == chat.EConflict {
		return taken
	}
	return c
}

// EditDirectory runs fn in one transaction that first takes the
// directory's transaction-level advisory lock: directory changes of all
// nodes run one after another, so each sees the state it checks.
func (db *DB) EditDirectory(ctx context.Context, fn func(store.DirectoryTx) error) error {
	key := lockKey("skranke/directory", db.schema)
	return db.writeTx(ctx, func(tx pgx.Tx, now time.Time) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, key); err != nil {
			return err
		}
		return fn(&dirTx{ctx: ctx, tx: tx, now: now})
	})
}

// dirTx is a directory transaction.
type dirTx struct {
	ctx context.Context
	tx  pgx.Tx
	now time.Time
}

var _ store.DirectoryTx = (*dirTx)(nil)

func (t *dirTx) Now() time.Time { return t.now }

func (t *dirTx) exec(query string, args ...any) error {
	_, err := t.tx.Exec(t.ctx, query, args...)
	return err
}

// ---- Queues.

const queueColumns = `id, name, offer_timeout, priority, waiting_text, closed_text, hours, removed_at, version`

func scanQueue(s pgx.Row) (chat.Queue, error) {
	var q chat.Queue
	var hours []byte
	var removed *int64
	if err := s.Scan(&q.ID, &q.Name, &q.OfferTimeoutSeconds, &q.Priority, &q.WaitingText, &q.ClosedText, &hours, &removed, &q.Version); err != nil {
		return chat.Queue{}, err
	}
	q.RemovedAt = nullTime(removed)
	if hours != nil {
		q.Hours = new(chat.OpeningHours)
		if err := json.Unmarshal(hours, q.Hours); err != nil {
			return chat.Queue{}, fmt.Errorf("queue %s: hours: %w", q.ID, err)
		}
	}
	return q, nil
}

func queueArgs(q chat.Queue) ([]any, error) {
	var hours []byte // NULL: always open
	if q.Hours != nil {
		var err error
		if hours, err = json.Marshal(q.Hours); err != nil {
			return nil, err
		}
	}
	return []any{q.ID, q.Name, q.OfferTimeoutSeconds, q.Priority, q.WaitingText, q.ClosedText, hours, timeValue(q.RemovedAt), q.Version}, nil
}

func getQueue(ctx context.Context, q querier, id chat.QueueID) (chat.Queue, error) {
	queue, err := scanQueue(q.QueryRow(ctx, `SELECT `+queueColumns+` FROM queues WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return chat.Queue{}, errNoQueue
	}
	return queue, classify(err)
}

// Queue returns the queue with id id, removed or not.
func (db *DB) Queue(ctx context.Context, id chat.QueueID) (chat.Queue, error) {
	q, err := getQueue(ctx, db.pool, id)
	if err != nil {
		return chat.Queue{}, fmt.Errorf("queue: %w", err)
	}
	return q, nil
}

// Queues lists the queues that have not been removed, by name.
func (db *DB) Queues(ctx context.Context) ([]chat.Queue, error) {
	qs, err := queryAll(ctx, db.pool, scanQueue, `SELECT `+queueColumns+` FROM queues WHERE removed_at IS NULL ORDER BY name COLLATE "C", id`)
	if err != nil {
		return nil, fmt.Errorf("queues: %w", err)
	}
	return qs, nil
}

func (t *dirTx) Queue(id chat.QueueID) (chat.Queue, error) { return getQueue(t.ctx, t.tx, id) }

func (t *dirTx) InsertQueue(q chat.Queue) error {
	args, err := queueArgs(q)
	if err != nil {
		return err
	}
	return unique(t.exec(`INSERT INTO queues (`+queueColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, args...), errQueueTaken)
}

func (t *dirTx) UpdateQueue(q chat.Queue) error {
	args, err := queueArgs(q)
	if err != nil {
		return err
	}
	return t.exec(`UPDATE queues SET name = $2, offer_timeout = $3, priority = $4, waiting_text = $5, closed_text = $6,
		hours = $7, removed_at = $8, version = $9 WHERE id = $1`, args...)
}

func (t *dirTx) QueueChats(id chat.QueueID) (waiting, active int, err error) {
	err = t.tx.QueryRow(t.ctx, `SELECT count(*) FILTER (WHERE status = 'waiting'), count(*) FILTER (WHERE status = 'active')
		FROM conversations WHERE queue_id = $1 AND status <> 'ended'`, id).Scan(&waiting, &active)
	return waiting, active, err
}

func (t *dirTx) RemoveQueueFromProfiles(id chat.QueueID) ([]chat.ProfileID, error) {
	ps, err := queryAll(t.ctx, t.tx, func(r pgx.Row) (chat.ProfileID, error) {
		var p chat.ProfileID
		return p, r.Scan(&p)
	}, `DELETE FROM profile_queues WHERE queue_id = $1 RETURNING profile_id`, id)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if err := t.exec(`UPDATE profiles SET version = version + 1 WHERE id = $1`, p); err != nil {
			return nil, err
		}
	}
	return ps, nil
}

// ---- Profiles.

// Profile returns the profile with id id and its queues.
func (db *DB) Profile(ctx context.Context, id chat.ProfileID) (chat.Profile, error) {
	ps, err := loadProfiles(ctx, db.pool, id)
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
	ps, err := loadProfiles(ctx, db.pool, "")
	if err != nil {
		return nil, fmt.Errorf("profiles: %w", err)
	}
	return ps, nil
}

// loadProfiles reads the profile with id id, or all if id is "", by name.
// One statement reads profiles and their queues, so they agree.
func loadProfiles(ctx context.Context, q querier, id chat.ProfileID) ([]chat.Profile, error) {
	return queryAll(ctx, q, func(row pgx.Row) (chat.Profile, error) {
		var p chat.Profile
		var queues []string
		err := row.Scan(&p.ID, &p.Name, &p.Version, &queues)
		for _, q := range queues {
			p.Queues = append(p.Queues, chat.QueueID(q))
		}
		return p, err
	}, `SELECT p.id, p.name, p.version,
			COALESCE(array_agg(pq.queue_id ORDER BY pq.position) FILTER (WHERE pq.queue_id IS NOT NULL), '{}')
		FROM profiles p LEFT JOIN profile_queues pq ON pq.profile_id = p.id
		WHERE $1 = '' OR p.id = $1
		GROUP BY p.id, p.name, p.version
		ORDER BY p.name COLLATE "C", p.id`, id)
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
	if err := t.exec(`INSERT INTO profiles (id, name, version) VALUES ($1, $2, $3)`, p.ID, p.Name, p.Version); err != nil {
		return unique(err, errProfileTaken)
	}
	return t.profileQueues(p)
}

func (t *dirTx) UpdateProfile(p chat.Profile) error {
	if err := t.exec(`UPDATE profiles SET name = $2, version = $3 WHERE id = $1`, p.ID, p.Name, p.Version); err != nil {
		return err
	}
	if err := t.exec(`DELETE FROM profile_queues WHERE profile_id = $1`, p.ID); err != nil {
		return err
	}
	return t.profileQueues(p)
}

// profileQueues inserts p's queues in their order.
func (t *dirTx) profileQueues(p chat.Profile) error {
	for i, q := range p.Queues {
		if err := t.exec(`INSERT INTO profile_queues (profile_id, queue_id, position) VALUES ($1, $2, $3)`, p.ID, q, i+1); err != nil {
			return unique(err, chat.E(chat.EInvalid, "repeated", "{item} is listed twice.", "field", "queues", "item", q))
		}
	}
	return nil
}

func (t *dirTx) DeleteProfile(id chat.ProfileID) error {
	return t.exec(`DELETE FROM profiles WHERE id = $1`, id)
}

func (t *dirTx) ProfileAgents(id chat.ProfileID) ([]chat.UserID, error) {
	return queryAll(t.ctx, t.tx, func(r pgx.Row) (chat.UserID, error) {
		var u chat.UserID
		return u, r.Scan(&u)
	}, `SELECT user_id FROM agent_states WHERE profile_id = $1 ORDER BY user_id`, id)
}

// ---- Users.

const userColumns = `u.id, u.username, u.display_name, u.role, u.capacity, u.password_hash, u.deactivated_at, u.version, u.created_at, u.language`

// loadUsers reads the users that where selects (a condition on users u,
// with the arguments from $1), by display name, with their profiles, in
// one statement.
func loadUsers(ctx context.Context, q querier, where string, args ...any) ([]chat.User, error) {
	return queryAll(ctx, q, func(row pgx.Row) (chat.User, error) {
		var u chat.User
		var created int64
		var deactivated *int64
		var profiles []string
		err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Role, &u.Capacity, &u.PasswordHash, &deactivated, &u.Version, &created, &u.Language, &profiles)
		u.CreatedAt, u.DeactivatedAt = unixTime(created), nullTime(deactivated)
		u.Profiles = make([]chat.ProfileID, len(profiles))
		for i, p := range profiles {
			u.Profiles[i] = chat.ProfileID(p)
		}
		return u, err
	}, `SELECT `+userColumns+`,
			COALESCE((SELECT array_agg(up.profile_id ORDER BY up.position) FROM user_profiles up WHERE up.user_id = u.id), '{}')
		FROM users u WHERE `+where+` ORDER BY u.display_name COLLATE "C", u.id`, args...)
}

func (db *DB) user(ctx context.Context, where string, arg any) (chat.User, error) {
	us, err := loadUsers(ctx, db.pool, where, arg)
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
	u, err := db.user(ctx, `u.id = $1`, id)
	if err != nil {
		return chat.User{}, fmt.Errorf("user: %w", err)
	}
	return u, nil
}

// UserByUsername returns the user with that username.
func (db *DB) UserByUsername(ctx context.Context, username string) (chat.User, error) {
	u, err := db.user(ctx, `u.username = $1`, username)
	if err != nil {
		return chat.User{}, fmt.Errorf("user by username: %w", err)
	}
	return u, nil
}

// Users lists all users by display name.
func (db *DB) Users(ctx context.Context) ([]chat.User, error) {
	us, err := loadUsers(ctx, db.pool, `true`)
	if err != nil {
		return nil, fmt.Errorf("users: %w", err)
	}
	return us, nil
}

func (t *dirTx) User(id chat.UserID) (chat.User, error) {
	us, err := loadUsers(t.ctx, t.tx, `u.id = $1`, id)
	if err != nil {
		return chat.User{}, err
	}
	if len(us) == 0 {
		return chat.User{}, errNoUser
	}
	return us[0], nil
}

func (t *dirTx) InsertUser(u chat.User) error {
	err := t.exec(`INSERT INTO users (id, username, display_name, role, capacity, password_hash, deactivated_at, version, created_at, language)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		u.ID, u.Username, u.DisplayName, u.Role, u.Capacity, u.PasswordHash, timeValue(u.DeactivatedAt), u.Version, u.CreatedAt.UnixNano(), u.Language)
	if err != nil {
		return unique(err, errUserTaken)
	}
	return t.userProfiles(u)
}

func (t *dirTx) UpdateUser(u chat.User) error {
	err := t.exec(`UPDATE users SET display_name = $2, role = $3, capacity = $4, password_hash = $5, deactivated_at = $6, version = $7, language = $8
		WHERE id = $1`, u.ID, u.DisplayName, u.Role, u.Capacity, u.PasswordHash, timeValue(u.DeactivatedAt), u.Version, u.Language)
	if err != nil {
		return err
	}
	if err := t.exec(`DELETE FROM user_profiles WHERE user_id = $1`, u.ID); err != nil {
		return err
	}
	return t.userProfiles(u)
}

func (t *dirTx) userProfiles(u chat.User) error {
	for i, p := range u.Profiles {
		if err := t.exec(`INSERT INTO user_profiles (user_id, profile_id, position) VALUES ($1, $2, $3)`, u.ID, p, i+1); err != nil {
			return unique(err, chat.E(chat.EInvalid, "repeated", "{item} is listed twice.", "field", "profiles", "item", p))
		}
	}
	return nil
}

func (t *dirTx) DeleteUser(id chat.UserID) error {
	return t.exec(`DELETE FROM users WHERE id = $1`, id)
}

func (t *dirTx) CountUsers() (all, activeAdmins int, err error) {
	err = t.tx.QueryRow(t.ctx, `SELECT count(*), count(*) FILTER (WHERE role = 'admin' AND deactivated_at IS NULL) FROM users`).
		Scan(&all, &activeAdmins)
	return all, activeAdmins, err
}

func (t *dirTx) Participations(id chat.UserID) (int, error) {
	var n int
	err := t.tx.QueryRow(t.ctx, `SELECT count(*) FROM participants WHERE agent_id = $1`, id).Scan(&n)
	return n, err
}

func (t *dirTx) DeleteSessions(id chat.UserID, keep string) ([]string, error) {
	return queryAll(t.ctx, t.tx, func(r pgx.Row) (string, error) {
		var h string
		return h, r.Scan(&h)
	}, `DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2 RETURNING token_hash`, id, keep)
}

func (t *dirTx) AgentState(id chat.UserID) (chat.AgentState, error) {
	st, err := scanAgentState(t.tx.QueryRow(t.ctx, `SELECT user_id, status, profile_id, updated_at
		FROM agent_states WHERE user_id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return chat.AgentState{UserID: id, Status: chat.StatusPaused}, nil
	}
	return st, err
}

func (t *dirTx) Pause(id chat.UserID) error {
	return t.exec(`UPDATE agent_states SET status = 'paused', updated_at = $2 WHERE user_id = $1`, id, t.now.UnixNano())
}

func (t *dirTx) PauseWithoutProfile(id chat.UserID) error {
	return t.exec(`UPDATE agent_states SET status = 'paused', profile_id = NULL, updated_at = $2 WHERE user_id = $1`, id, t.now.UnixNano())
}

// ---- Settings.

func getSetting(ctx context.Context, q querier, key string) (store.Setting, error) {
	var s store.Setting
	var updated int64
	err := q.QueryRow(ctx, `SELECT value, version, updated_at FROM settings WHERE key = $1`, key).Scan(&s.Value, &s.Version, &updated)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Setting{}, errNoSetting
	}
	s.UpdatedAt = unixTime(updated)
	return s, classify(err)
}

// Setting returns the organisation-wide setting of key.
func (db *DB) Setting(ctx context.Context, key string) (store.Setting, error) {
	s, err := getSetting(ctx, db.pool, key)
	if err != nil {
		return store.Setting{}, fmt.Errorf("setting %s: %w", key, err)
	}
	return s, nil
}

func (t *dirTx) Setting(key string) (store.Setting, error) { return getSetting(t.ctx, t.tx, key) }

func (t *dirTx) PutSetting(key string, s store.Setting) error {
	return t.exec(`INSERT INTO settings (key, value, version, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = excluded.version, updated_at = excluded.updated_at`,
		key, []byte(s.Value), s.Version, s.UpdatedAt.UnixNano())
}

func (t *dirTx) DeleteSetting(key string) error {
	return t.exec(`DELETE FROM settings WHERE key = $1`, key)
}

// ---- API tokens.

const tokenColumns = `id, name, scope, prefix, token_hash, user_id, created_at, last_used_at, revoked_at`

func scanToken(s pgx.Row) (chat.APIToken, error) {
	var t chat.APIToken
	var created int64
	var used, revoked *int64
	err := s.Scan(&t.ID, &t.Name, &t.Scope, &t.Prefix, &t.Hash, &t.UserID, &created, &used, &revoked)
	t.CreatedAt, t.LastUsedAt, t.RevokedAt = unixTime(created), nullTime(used), nullTime(revoked)
	return t, err
}

// APITokens lists every API token, newest first.
func (db *DB) APITokens(ctx context.Context) ([]chat.APIToken, error) {
	ts, err := queryAll(ctx, db.pool, scanToken, `SELECT `+tokenColumns+` FROM api_tokens ORDER BY created_at DESC, id`)
	if err != nil {
		return nil, fmt.Errorf("API tokens: %w", err)
	}
	return ts, nil
}

// APITokenByHash returns the token with that hash, revoked or not.
func (db *DB) APITokenByHash(ctx context.Context, hash string) (chat.APIToken, error) {
	t, err := scanToken(db.pool.QueryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE token_hash = $1`, hash))
	if errors.Is(err, pgx.ErrNoRows) {
		return chat.APIToken{}, errNoToken
	}
	if err != nil {
		return chat.APIToken{}, fmt.Errorf("API token: %w", classify(err))
	}
	return t, nil
}

// TouchAPIToken sets the token's LastUsedAt to now if it is a minute old
// or more.
func (db *DB) TouchAPIToken(ctx context.Context, id string) error {
	now := db.clock()
	_, err := db.pool.Exec(ctx, `UPDATE api_tokens SET last_used_at = $2
		WHERE id = $1 AND (last_used_at IS NULL OR last_used_at <= $3)`, id, now.UnixNano(), now.Add(-time.Minute).UnixNano())
	if err != nil {
		return fmt.Errorf("touch API token: %w", classify(err))
	}
	return nil
}

func (t *dirTx) InsertAPIToken(tok chat.APIToken) error {
	return unique(t.exec(`INSERT INTO api_tokens (`+tokenColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		tok.ID, tok.Name, tok.Scope, tok.Prefix, tok.Hash, tok.UserID, tok.CreatedAt.UnixNano(), timeValue(tok.LastUsedAt), timeValue(tok.RevokedAt)),
		errTokenTaken)
}

func (t *dirTx) APIToken(id string) (chat.APIToken, error) {
	tok, err := scanToken(t.tx.QueryRow(t.ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return chat.APIToken{}, errNoToken
	}
	return tok, err
}

func (t *dirTx) RevokeAPIToken(id string, at time.Time) error {
	return t.exec(`UPDATE api_tokens SET revoked_at = $2 WHERE id = $1`, id, at.UnixNano())
}

// ---- The audit log.

func (t *dirTx) InsertAudit(e chat.AuditEntry) error {
	return t.exec(`INSERT INTO audit_log (time, actor_id, actor_name, token_id, action, target_kind, target_id, target_name, before, after)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		e.Time.UnixNano(), e.Actor.UserID, e.Actor.Name, e.Actor.TokenID, e.Action, e.Target.Kind, e.Target.ID, e.Target.Name,
		[]byte(e.Before), []byte(e.After))
}

// AuditEntries lists the audit entries f selects, newest first.
func (db *DB) AuditEntries(ctx context.Context, f store.AuditFilter) ([]chat.AuditEntry, error) {
	var where []string
	var args []any
	add := func(cond string, arg any) {
		args = append(args, arg)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.TargetKind != "" {
		add(`target_kind = $%d`, f.TargetKind)
	}
	if f.TargetID != "" {
		add(`target_id = $%d`, f.TargetID)
	}
	if f.ActorID != "" {
		add(`actor_id = $%d`, f.ActorID)
	}
	if f.Action != "" {
		add(`action = $%d`, f.Action)
	}
	if !f.From.IsZero() {
		add(`time >= $%d`, f.From.UnixNano())
	}
	if !f.To.IsZero() {
		add(`time < $%d`, f.To.UnixNano())
	}
	if f.Before > 0 {
		add(`id < $%d`, f.Before)
	}
	query := `SELECT id, time, actor_id, actor_name, token_id, action, target_kind, target_id, target_name, before, after FROM audit_log`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	args = append(args, min(limit, store.MaxAuditPage))
	query += fmt.Sprintf(` ORDER BY id DESC LIMIT $%d`, len(args))
	es, err := queryAll(ctx, db.pool, func(r pgx.Row) (chat.AuditEntry, error) {
		var e chat.AuditEntry
		var at int64
		var before, after []byte
		err := r.Scan(&e.ID, &at, &e.Actor.UserID, &e.Actor.Name, &e.Actor.TokenID, &e.Action,
			&e.Target.Kind, &e.Target.ID, &e.Target.Name, &before, &after)
		e.Time, e.Before, e.After = unixTime(at), before, after
		return e, err
	}, query, args...)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	return es, nil
}

// queryAll runs a query and scans every row with scan.
func queryAll[T any](ctx context.Context, q querier, scan func(pgx.Row) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, classify(err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (T, error) { return scan(row) })
	return out, classify(err)
}
