package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"skranke/chat"
)

// Names sort byte-wise (COLLATE "C"), as in the SQLite store, so both
// stores list in the same order whatever the database's collation.

// CreateQueue adds q; an existing id is a conflict.
func (db *DB) CreateQueue(ctx context.Context, q chat.Queue) error {
	err := db.writeTx(ctx, func(tx pgx.Tx, _ time.Time) error {
		_, err := tx.Exec(ctx, `INSERT INTO queues (id, name) VALUES ($1, $2)`, q.ID, q.Name)
		return conflict(err, chat.E(chat.EConflict, "queue_exists", "A queue with this id exists already."))
	})
	if err != nil {
		return fmt.Errorf("create queue: %w", err)
	}
	return nil
}

// Queue returns the queue with id id.
func (db *DB) Queue(ctx context.Context, id chat.QueueID) (chat.Queue, error) {
	q := chat.Queue{ID: id}
	err := db.pool.QueryRow(ctx, `SELECT name FROM queues WHERE id = $1`, id).Scan(&q.Name)
	if errors.Is(err, pgx.ErrNoRows) {
		return chat.Queue{}, chat.E(chat.ENotFound, "queue_not_found", "No such queue.")
	}
	if err != nil {
		return chat.Queue{}, fmt.Errorf("queue: %w", classify(err))
	}
	return q, nil
}

// Queues lists all queues by name.
func (db *DB) Queues(ctx context.Context) ([]chat.Queue, error) {
	rows, err := db.pool.Query(ctx, `SELECT id, name FROM queues ORDER BY name COLLATE "C", id`)
	if err != nil {
		return nil, fmt.Errorf("queues: %w", classify(err))
	}
	qs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (chat.Queue, error) {
		var q chat.Queue
		err := row.Scan(&q.ID, &q.Name)
		return q, err
	})
	if err != nil {
		return nil, fmt.Errorf("queues: %w", classify(err))
	}
	return qs, nil
}

// CreateProfile adds p with its queues, in their order and without repeats.
// An existing id is a conflict; an unknown queue is invalid.
func (db *DB) CreateProfile(ctx context.Context, p chat.Profile) error {
	err := db.writeTx(ctx, func(tx pgx.Tx, _ time.Time) error {
		if _, err := tx.Exec(ctx, `INSERT INTO profiles (id, name) VALUES ($1, $2)`, p.ID, p.Name); err != nil {
			return conflict(err, chat.E(chat.EConflict, "profile_exists", "A profile with this id exists already."))
		}
		var seen []chat.QueueID
		for _, q := range p.Queues {
			if slices.Contains(seen, q) {
				continue
			}
			seen = append(seen, q)
			ok, err := exists(ctx, tx, `SELECT 1 FROM queues WHERE id = $1`, q)
			if err != nil {
				return err
			}
			if !ok {
				return chat.E(chat.EInvalid, "queue_id_unknown", "There is no queue \"{queue}\".", "queue", q)
			}
			_, err = tx.Exec(ctx, `INSERT INTO profile_queues (profile_id, queue_id, position) VALUES ($1, $2, $3)`,
				p.ID, q, len(seen))
			if err != nil {
				return conflict(err, chat.E(chat.EConflict, "profile_queue_exists", "The profile has this queue already."))
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("create profile: %w", err)
	}
	return nil
}

// Profile returns the profile with id id and its queues.
func (db *DB) Profile(ctx context.Context, id chat.ProfileID) (chat.Profile, error) {
	ps, err := db.profiles(ctx, id)
	if err != nil {
		return chat.Profile{}, fmt.Errorf("profile: %w", err)
	}
	if len(ps) == 0 {
		return chat.Profile{}, chat.E(chat.ENotFound, "profile_not_found", "No such profile.")
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

// profiles returns the profile with id id, or all profiles if id is "", by
// name. One statement reads profiles and their queues, so they agree.
func (db *DB) profiles(ctx context.Context, id chat.ProfileID) ([]chat.Profile, error) {
	rows, err := db.pool.Query(ctx, `SELECT p.id, p.name,
			COALESCE(array_agg(pq.queue_id ORDER BY pq.position) FILTER (WHERE pq.queue_id IS NOT NULL), '{}')
		FROM profiles p LEFT JOIN profile_queues pq ON pq.profile_id = p.id
		WHERE $1 = '' OR p.id = $1
		GROUP BY p.id, p.name
		ORDER BY p.name COLLATE "C", p.id`, id)
	if err != nil {
		return nil, classify(err)
	}
	ps, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (chat.Profile, error) {
		var p chat.Profile
		var queues []string
		err := row.Scan(&p.ID, &p.Name, &queues)
		for _, q := range queues {
			p.Queues = append(p.Queues, chat.QueueID(q))
		}
		return p, err
	})
	return ps, classify(err)
}

// CreateUser adds u, setting CreatedAt; an existing id or username is a
// conflict.
func (db *DB) CreateUser(ctx context.Context, u chat.User) (chat.User, error) {
	err := db.writeTx(ctx, func(tx pgx.Tx, now time.Time) error {
		u.CreatedAt = now
		_, err := tx.Exec(ctx, `INSERT INTO users
			(id, username, display_name, role, capacity, password_hash, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			u.ID, u.Username, u.DisplayName, u.Role, u.Capacity, u.PasswordHash, now.UnixNano())
		return conflict(err, chat.E(chat.EConflict, "user_exists", "A user with this id or username exists already."))
	})
	if err != nil {
		return chat.User{}, fmt.Errorf("create user: %w", err)
	}
	return u, nil
}

const userColumns = `id, username, display_name, role, capacity, password_hash, created_at`

// scanUser reads the userColumns of one row.
func scanUser(s pgx.Row) (chat.User, error) {
	var u chat.User
	var created int64
	err := s.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Role, &u.Capacity, &u.PasswordHash, &created)
	u.CreatedAt = unixTime(created)
	return u, err
}

// User returns the user with id id.
func (db *DB) User(ctx context.Context, id chat.UserID) (chat.User, error) {
	u, err := scanUser(db.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return chat.User{}, chat.E(chat.ENotFound, "user_not_found", "No such user.")
	}
	if err != nil {
		return chat.User{}, fmt.Errorf("user: %w", classify(err))
	}
	return u, nil
}

// UserByUsername returns the user with that username.
func (db *DB) UserByUsername(ctx context.Context, username string) (chat.User, error) {
	u, err := scanUser(db.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE username = $1`, username))
	if errors.Is(err, pgx.ErrNoRows) {
		return chat.User{}, chat.E(chat.ENotFound, "user_not_found", "No such user.")
	}
	if err != nil {
		return chat.User{}, fmt.Errorf("user by username: %w", classify(err))
	}
	return u, nil
}

// Users lists all users by display name.
func (db *DB) Users(ctx context.Context) ([]chat.User, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+userColumns+` FROM users ORDER BY display_name COLLATE "C", id`)
	if err != nil {
		return nil, fmt.Errorf("users: %w", classify(err))
	}
	us, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (chat.User, error) { return scanUser(row) })
	if err != nil {
		return nil, fmt.Errorf("users: %w", classify(err))
	}
	return us, nil
}
