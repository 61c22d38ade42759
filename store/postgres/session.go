package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"skranke/chat"
)

// CreateSession stores s. A zero CreatedAt is set to the current time; an
// existing token hash is a conflict and an unknown user is not_found.
func (db *DB) CreateSession(ctx context.Context, s chat.Session) error {
	err := db.writeTx(ctx, func(tx pgx.Tx, now time.Time) error {
		ok, err := exists(ctx, tx, `SELECT 1 FROM users WHERE id = $1`, s.UserID)
		if err != nil {
			return err
		}
		if !ok {
			return chat.E(chat.ENotFound, "user_not_found", "No such user.")
		}
		created := s.CreatedAt
		if created.IsZero() {
			created = now
		}
		_, err = tx.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
			s.TokenHash, s.UserID, created.UnixNano(), s.ExpiresAt.UnixNano())
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
	err := db.pool.QueryRow(ctx, `SELECT user_id, created_at, expires_at FROM sessions
		WHERE token_hash = $1 AND expires_at > $2`, tokenHash, db.clock().UnixNano()).
		Scan(&s.UserID, &created, &expires)
	if errors.Is(err, pgx.ErrNoRows) {
		return chat.Session{}, chat.E(chat.ENotFound, "session_not_found", "No such session.")
	}
	if err != nil {
		return chat.Session{}, fmt.Errorf("session: %w", classify(err))
	}
	s.CreatedAt, s.ExpiresAt = unixTime(created), unixTime(expires)
	return s, nil
}

// DeleteSession deletes the session with that token hash. Deleting one that
// does not exist is not an error, so logging out twice is harmless.
func (db *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	if _, err := db.pool.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash); err != nil {
		return fmt.Errorf("delete session: %w", classify(err))
	}
	return nil
}
