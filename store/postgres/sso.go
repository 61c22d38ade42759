package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"skranke/chat"
	"skranke/store"
)

// CreateSSOLogin stores l and deletes the sign-ins older than an hour.
func (db *DB) CreateSSOLogin(ctx context.Context, l store.SSOLogin) error {
	err := db.writeTx(ctx, func(tx pgx.Tx, now time.Time) error {
		if _, err := tx.Exec(ctx, `DELETE FROM sso_logins WHERE created_at < $1`, now.Add(-time.Hour).UnixNano()); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO sso_logins (state, verifier, nonce, created_at) VALUES ($1, $2, $3, $4)`,
			l.State, l.Verifier, l.Nonce, now.UnixNano())
		return err
	})
	if err != nil {
		return fmt.Errorf("create SSO login: %w", classify(err))
	}
	return nil
}

// TakeSSOLogin returns the sign-in of state and deletes it.
func (db *DB) TakeSSOLogin(ctx context.Context, state string) (store.SSOLogin, error) {
	l := store.SSOLogin{State: state}
	late := false
	err := db.writeTx(ctx, func(tx pgx.Tx, now time.Time) error {
		var created int64
		err := tx.QueryRow(ctx, `DELETE FROM sso_logins WHERE state = $1 RETURNING verifier, nonce, created_at`, state).
			Scan(&l.Verifier, &l.Nonce, &created)
		if errors.Is(err, pgx.ErrNoRows) {
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
		return store.SSOLogin{}, fmt.Errorf("take SSO login: %w", classify(err))
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
