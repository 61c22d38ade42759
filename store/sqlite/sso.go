package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"skranke/chat"
	"skranke/store"
)

// CreateSSOLogin stores l and deletes the sign-ins older than an hour.
func (db *DB) CreateSSOLogin(ctx context.Context, l store.SSOLogin) error {
	err := db.writeTx(ctx, func(tx *sql.Tx, now time.Time) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sso_logins WHERE created_at < ?`, now.Add(-time.Hour).UnixNano()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sso_logins (state, verifier, nonce, created_at) VALUES (?, ?, ?, ?)`,
			l.State, l.Verifier, l.Nonce, now.UnixNano())
		return err
	})
	if err != nil {
		return fmt.Errorf("create SSO login: %w", err)
	}
	return nil
}

// TakeSSOLogin returns the sign-in of state and deletes it.
func (db *DB) TakeSSOLogin(ctx context.Context, state string) (store.SSOLogin, error) {
	l := store.SSOLogin{State: state}
	late := false
	err := db.writeTx(ctx, func(tx *sql.Tx, now time.Time) error {
		var created int64
		err := tx.QueryRowContext(ctx, `DELETE FROM sso_logins WHERE state = ? RETURNING verifier, nonce, created_at`, state).
			Scan(&l.Verifier, &l.Nonce, &created)
		if errors.Is(err, sql.ErrNoRows) {
			return errSSOLoginUnknown
		}
		if err != nil {
			return err
		}
		l.CreatedAt = unixTime(created)
		late = now.Sub(l.CreatedAt) > store.SSOLoginTTL // used up all the same
		return nil
	})
	if err != nil {
		return store.SSOLogin{}, fmt.Errorf("take SSO login: %w", err)
	}
	if late {
		return store.SSOLogin{}, errSSOLoginExpired
	}
	return l, nil
}

var (
	errSSOLoginUnknown = chat.E(chat.ENotFound, "sso_login_unknown", "This sign-in is unknown or was used; sign in again.")
	errSSOLoginExpired = chat.E(chat.EInvalid, "sso_login_expired", "The sign-in took too long; sign in again.")
)
