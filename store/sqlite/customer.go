package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"skranke/chat"
	"skranke/store"
)

// CreateCustomer adds c, setting CreatedAt, and a new id if c has none. An
// existing id or token hash is a conflict.
func (db *DB) CreateCustomer(ctx context.Context, c chat.Customer) (chat.Customer, error) {
	if c.ID == "" {
		c.ID = chat.CustomerID(chat.NewID())
	}
	// In the writer's batches, as a chat's start (workInBatch): a customer
	// is created just before their first chat.
	res, err := db.appends.Do(ctx, c)
	if err != nil {
		return chat.Customer{}, fmt.Errorf("create customer: %w", err)
	}
	return res.(chat.Customer), nil
}

// insertCustomer inserts c, created now, in tx.
const insertCustomerSQL = `INSERT INTO customers (id, token_hash, created_at, last_seen_at) VALUES (?, ?, ?, ?)`

func insertCustomer(ctx context.Context, tx workTx, c chat.Customer, now time.Time) (chat.Customer, error) {
	c.CreatedAt, c.LastSeenAt = now, now
	_, err := tx.ExecContext(ctx, insertCustomerSQL,
		c.ID, c.TokenHash, now.UnixNano(), now.UnixNano())
	if err != nil {
		return chat.Customer{}, conflict(err, chat.E(chat.EConflict, "customer_exists", "This customer exists already."))
	}
	return c, nil
}

// CustomerByTokenHash returns the customer whose token has that hash.
func (db *DB) CustomerByTokenHash(ctx context.Context, tokenHash string) (chat.Customer, error) {
	c := chat.Customer{TokenHash: tokenHash}
	var created, seen int64
	var subject sql.NullString
	err := db.hot().QueryRowContext(ctx, `SELECT id, created_at, last_seen_at, subject FROM customers WHERE token_hash = ?`, tokenHash).
		Scan(&c.ID, &created, &seen, &subject)
	if errors.Is(err, sql.ErrNoRows) {
		return chat.Customer{}, chat.E(chat.ENotFound, "customer_not_found", "No such customer.")
	}
	if err != nil {
		return chat.Customer{}, fmt.Errorf("customer by token hash: %w", err)
	}
	c.CreatedAt, c.LastSeenAt, c.Subject = unixTime(created), unixTime(seen), subject.String
	return c, nil
}

// TouchCustomer sets the customer's LastSeenAt to now. An unknown customer
// is not_found.
func (db *DB) TouchCustomer(ctx context.Context, id chat.CustomerID) error {
	err := db.writeTx(ctx, func(tx *sql.Tx, now time.Time) error {
		res, err := tx.ExecContext(ctx, `UPDATE customers SET last_seen_at = ? WHERE id = ?`, now.UnixNano(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return chat.E(chat.ENotFound, "customer_not_found", "No such customer.")
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("touch customer: %w", err)
	}
	return nil
}

// CustomerDetails returns the customer's subject and details.
func (db *DB) CustomerDetails(ctx context.Context, id chat.CustomerID) (chat.CustomerDetails, error) {
	d, err := customerDetails(ctx, db.read, id)
	if err != nil {
		return chat.CustomerDetails{}, fmt.Errorf("customer details: %w", err)
	}
	return d, nil
}

type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func customerDetails(ctx context.Context, q queryRower, id chat.CustomerID) (chat.CustomerDetails, error) {
	var subject sql.NullString
	var details string
	err := q.QueryRowContext(ctx, `SELECT subject, details FROM customers WHERE id = ?`, id).Scan(&subject, &details)
	if errors.Is(err, sql.ErrNoRows) {
		return chat.CustomerDetails{}, chat.E(chat.ENotFound, "customer_not_found", "No such customer.")
	}
	if err != nil {
		return chat.CustomerDetails{}, err
	}
	d := chat.CustomerDetails{Subject: subject.String, Details: []chat.Detail{}}
	if err := json.Unmarshal([]byte(details), &d.Details); err != nil {
		return chat.CustomerDetails{}, err
	}
	return d, nil
}

// SetCustomerDetails merges details into the customer's (store.ApplyDetails).
func (db *DB) SetCustomerDetails(ctx context.Context, id chat.CustomerID, subject string, details []chat.Detail) (chat.CustomerDetails, error) {
	var out chat.CustomerDetails
	err := db.writeTx(ctx, func(tx *sql.Tx, now time.Time) error {
		cur, err := customerDetails(ctx, tx, id)
		if err != nil {
			return err
		}
		if out, err = store.ApplyDetails(cur, subject, details); err != nil {
			return err
		}
		b, err := json.Marshal(out.Details)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE customers SET subject = ?, details = ? WHERE id = ?`,
			sql.NullString{String: out.Subject, Valid: out.Subject != ""}, string(b), id)
		return err
	})
	if err != nil {
		return chat.CustomerDetails{}, fmt.Errorf("set customer details: %w", err)
	}
	return out, nil
}

// CreateOIDCLogin stores l and deletes the sign-ins older than an hour.
func (db *DB) CreateOIDCLogin(ctx context.Context, l store.OIDCLogin) error {
	err := db.writeTx(ctx, func(tx *sql.Tx, now time.Time) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM oidc_logins WHERE created_at < ?`, now.Add(-time.Hour).UnixNano()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO oidc_logins (state, customer_id, verifier, nonce, created_at) VALUES (?, ?, ?, ?, ?)`,
			l.State, l.CustomerID, l.Verifier, l.Nonce, now.UnixNano())
		return err
	})
	if err != nil {
		return fmt.Errorf("create OIDC login: %w", err)
	}
	return nil
}

// TakeOIDCLogin returns the sign-in of state and deletes it.
func (db *DB) TakeOIDCLogin(ctx context.Context, state string) (store.OIDCLogin, error) {
	l := store.OIDCLogin{State: state}
	err := db.writeTx(ctx, func(tx *sql.Tx, now time.Time) error {
		var created int64
		err := tx.QueryRowContext(ctx, `DELETE FROM oidc_logins WHERE state = ? RETURNING customer_id, verifier, nonce, created_at`, state).
			Scan(&l.CustomerID, &l.Verifier, &l.Nonce, &created)
		if errors.Is(err, sql.ErrNoRows) {
			return chat.E(chat.ENotFound, "oidc_login_unknown", "This sign-in is unknown or was used; start it again from the chat.")
		}
		l.CreatedAt = unixTime(created)
		return err
	})
	if err != nil {
		return store.OIDCLogin{}, fmt.Errorf("take OIDC login: %w", err)
	}
	return l, nil
}
