package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"skranke/chat"
)

// CreateSession stores s. A zero CreatedAt is set to the current time; an
// existing token hash is a conflict and an unknown user is not_found.
func (db *DB) CreateSession(ctx context.Context, s chat.Session) error {
	err := db.writeTx(ctx, func(tx *sql.Tx, now time.Time) error {
		ok, err := exists(ctx, tx, `SELECT 1 FROM users WHERE id = ?`, s.UserID)
		if err != nil {
			return err
		}
		if !ok {
			return chat.E(chat.ENotFound, "user_not_found", "No such user.")
		}
		if s.CreatedAt.IsZero() {
			s.CreatedAt = now
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			s.TokenHash, s.UserID, s.CreatedAt.UnixNano(), s.ExpiresAt.UnixNano())
		return conflict(err, chat.E(chat.EConflict, "session_exists", "This session exists already."))
	})
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// Session returns the session with that token hash if it has not expired:
// one that expires at or before the current time is not_found.
func (db *DB) Session(ctx context.Context, tokenHash string) (chat.Session, error) {
	s := chat.Session{TokenHash: tokenHash}
	var created, expires int64
	err := db.hot().QueryRowContext(ctx, `SELECT user_id, created_at, expires_at FROM sessions
		WHERE token_hash = ? AND expires_at > ?`, tokenHash, db.clock().UnixNano()).
		Scan(&s.UserID, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return chat.Session{}, chat.E(chat.ENotFound, "session_not_found", "No such session.")
	}
	if err != nil {
		return chat.Session{}, fmt.Errorf("session: %w", err)
	}
	s.CreatedAt, s.ExpiresAt = unixTime(created), unixTime(expires)
	return s, nil
}

// DeleteSession deletes the session with that token hash. Deleting one that
// does not exist is not an error, so logging out twice is harmless.
func (db *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	err := db.writeTx(ctx, func(tx *sql.Tx, _ time.Time) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash)
		return err
	})
	if err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}
