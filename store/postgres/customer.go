package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"skranke/chat"
)

// CreateCustomer adds c, setting CreatedAt, and a new id if c has none. An
// existing id or token hash is a conflict.
func (db *DB) CreateCustomer(ctx context.Context, c chat.Customer) (chat.Customer, error) {
	if c.ID == "" {
		c.ID = chat.CustomerID(chat.NewID())
	}
	err := db.writeTx(ctx, func(tx pgx.Tx, now time.Time) error {
		c.CreatedAt, c.LastSeenAt = now, now
		_, err := tx.Exec(ctx, `INSERT INTO customers (id, token_hash, created_at, last_seen_at) VALUES ($1, $2, $3, $4)`,
			c.ID, c.TokenHash, now.UnixNano(), now.UnixNano())
		return conflict(err, chat.E(chat.EConflict, "customer_exists", "This customer exists already."))
	})
	if err != nil {
		return chat.Customer{}, fmt.Errorf("create customer: %w", err)
	}
	return c, nil
}

// CustomerByTokenHash returns the customer whose token has that hash.
func (db *DB) CustomerByTokenHash(ctx context.Context, tokenHash string) (chat.Customer, error) {
	c := chat.Customer{TokenHash: tokenHash}
	var created, seen int64
	err := db.pool.QueryRow(ctx, `SELECT id, created_at, last_seen_at FROM customers WHERE token_hash = $1`, tokenHash).
		Scan(&c.ID, &created, &seen)
	if errors.Is(err, pgx.ErrNoRows) {
		return chat.Customer{}, chat.E(chat.ENotFound, "customer_not_found", "No such customer.")
	}
	if err != nil {
		return chat.Customer{}, fmt.Errorf("customer by token hash: %w", classify(err))
	}
	c.CreatedAt, c.LastSeenAt = unixTime(created), unixTime(seen)
	return c, nil
}

// TouchCustomer sets the customer's LastSeenAt to now. An unknown customer
// is not_found.
func (db *DB) TouchCustomer(ctx context.Context, id chat.CustomerID) error {
	err := db.writeTx(ctx, func(tx pgx.Tx, now time.Time) error {
		tag, err := tx.Exec(ctx, `UPDATE customers SET last_seen_at = $1 WHERE id = $2`, now.UnixNano(), id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return chat.E(chat.ENotFound, "customer_not_found", "No such customer.")
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("touch customer: %w", err)
	}
	return nil
}
