package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"skranke/chat"
)

// CreateQueue adds q; an existing id is a conflict.
func (db *DB) CreateQueue(ctx context.Context, q chat.Queue) error {
	err := db.writeTx(ctx, func(tx *sql.Tx, _ time.Time) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO queues (id, name) VALUES (?, ?)`, q.ID, q.Name)
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
	err := db.read.QueryRowContext(ctx, `SELECT name FROM queues WHERE id = ?`, id).Scan(&q.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return chat.Queue{}, chat.E(chat.ENotFound, "queue_not_found", "No such queue.")
	}
	if err != nil {
		return chat.Queue{}, fmt.Errorf("queue: %w", err)
	}
	return q, nil
}

// Queues lists all queues by name.
func (db *DB) Queues(ctx context.Context) ([]chat.Queue, error) {
	return queryAll(ctx, db, "queues", func(r scanner) (chat.Queue, error) {
		var q chat.Queue
		err := r.Scan(&q.ID, &q.Name)
		return q, err
	}, `SELECT id, name FROM queues ORDER BY name, id`)
}

// CreateProfile adds p with its queues, in their order and without repeats.
// An existing id is a conflict; an unknown queue is invalid.
func (db *DB) CreateProfile(ctx context.Context, p chat.Profile) error {
	err := db.writeTx(ctx, func(tx *sql.Tx, _ time.Time) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO profiles (id, name) VALUES (?, ?)`, p.ID, p.Name); err != nil {
			return conflict(err, chat.E(chat.EConflict, "profile_exists", "A profile with this id exists already."))
		}
		var seen []chat.QueueID
		for _, q := range p.Queues {
			if slices.Contains(seen, q) {
				continue
			}
			seen = append(seen, q)
			ok, err := exists(ctx, tx, `SELECT 1 FROM queues WHERE id = ?`, q)
			if err != nil {
				return err
			}
			if !ok {
				return chat.E(chat.EInvalid, "queue_id_unknown", "There is no queue \"{queue}\".", "queue", q)
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO profile_queues (profile_id, queue_id, position) VALUES (?, ?, ?)`,
				p.ID, q, len(seen))
			if err != nil {
				return err
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
// name. One read transaction keeps profiles and their queues consistent.
func (db *DB) profiles(ctx context.Context, id chat.ProfileID) ([]chat.Profile, error) {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT id, name FROM profiles WHERE ? = '' OR id = ? ORDER BY name, id`, id, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ps []chat.Profile
	index := map[chat.ProfileID]int{}
	for rows.Next() {
		var p chat.Profile
		if err := rows.Scan(&p.ID, &p.Name); err != nil {
			return nil, err
		}
		index[p.ID] = len(ps)
		ps = append(ps, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, nil
	}
	qrows, err := tx.QueryContext(ctx, `SELECT profile_id, queue_id FROM profile_queues
		WHERE ? = '' OR profile_id = ? ORDER BY profile_id, position`, id, id)
	if err != nil {
		return nil, err
	}
	defer qrows.Close()
	for qrows.Next() {
		var pid chat.ProfileID
		var q chat.QueueID
		if err := qrows.Scan(&pid, &q); err != nil {
			return nil, err
		}
		if i, ok := index[pid]; ok {
			ps[i].Queues = append(ps[i].Queues, q)
		}
	}
	return ps, qrows.Err()
}

// CreateUser adds u, setting CreatedAt; an existing id or username is a
// conflict.
func (db *DB) CreateUser(ctx context.Context, u chat.User) (chat.User, error) {
	err := db.writeTx(ctx, func(tx *sql.Tx, now time.Time) error {
		u.CreatedAt = now
		_, err := tx.ExecContext(ctx, `INSERT INTO users
			(id, username, display_name, role, capacity, password_hash, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`,
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
func scanUser(s scanner) (chat.User, error) {
	var u chat.User
	var created int64
	err := s.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Role, &u.Capacity, &u.PasswordHash, &created)
	u.CreatedAt = unixTime(created)
	return u, err
}

// User returns the user with id id.
func (db *DB) User(ctx context.Context, id chat.UserID) (chat.User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return chat.User{}, chat.E(chat.ENotFound, "user_not_found", "No such user.")
	}
	if err != nil {
		return chat.User{}, fmt.Errorf("user: %w", err)
	}
	return u, nil
}

// UserByUsername returns the user with that username.
func (db *DB) UserByUsername(ctx context.Context, username string) (chat.User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE username = ?`, username))
	if errors.Is(err, sql.ErrNoRows) {
		return chat.User{}, chat.E(chat.ENotFound, "user_not_found", "No such user.")
	}
	if err != nil {
		return chat.User{}, fmt.Errorf("user by username: %w", err)
	}
	return u, nil
}

// Users lists all users by display name.
func (db *DB) Users(ctx context.Context) ([]chat.User, error) {
	return queryAll(ctx, db, "users", scanUser, `SELECT `+userColumns+` FROM users ORDER BY display_name, id`)
}
