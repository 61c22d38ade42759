package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"skranke/chat"
	"skranke/store"
)

const jobColumns = `id, kind, conversation_id, payload, attempts, next_at, created_at, done_at, failed_at, last_error, ordering_key, ordinal`

func scanJob(s scanner) (store.Job, error) {
	var j store.Job
	var payload string
	var next, created int64
	var done, failed sql.NullInt64
	err := s.Scan(&j.ID, &j.Kind, &j.ConversationID, &payload, &j.Attempts, &next, &created, &done, &failed, &j.LastError, &j.Key, &j.Ordinal)
	j.Payload, j.NextAt, j.CreatedAt, j.DoneAt, j.FailedAt = []byte(payload), unixTime(next), unixTime(created), nullTime(done), nullTime(failed)
	return j, err
}

// EnqueueJob stores j, due at once unless NextAt says otherwise.
func (db *DB) EnqueueJob(ctx context.Context, j store.Job) (store.Job, error) {
	if j.ID == "" {
		j.ID = chat.NewID()
	}
	if len(j.Payload) == 0 {
		j.Payload = []byte("{}")
	}
	err := db.writeTx(ctx, func(tx *sql.Tx, now time.Time) error {
		j.CreatedAt = now
		if j.NextAt.IsZero() {
			j.NextAt = now
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO outbox (`+jobColumns+`) VALUES (?, ?, ?, ?, 0, ?, ?, NULL, NULL, '', ?, ?)`,
			j.ID, j.Kind, j.ConversationID, string(j.Payload), j.NextAt.UnixNano(), now.UnixNano(), j.Key, j.Ordinal)
		return conflict(err, chat.E(chat.EConflict, "job_exists", "This job exists already."))
	})
	if err != nil {
		return store.Job{}, fmt.Errorf("enqueue job: %w", err)
	}
	return j, nil
}

// DueJobs returns up to limit jobs that are due and not held back by an
// earlier job of their key, oldest first.
func (db *DB) DueJobs(ctx context.Context, limit int) ([]store.Job, error) {
	return queryAll(ctx, db, "due jobs", scanJob, `SELECT `+jobColumns+` FROM outbox o
		WHERE done_at IS NULL AND failed_at IS NULL AND next_at <= ?
		AND (ordering_key = '' OR NOT EXISTS (SELECT 1 FROM outbox p
			WHERE p.ordering_key = o.ordering_key AND p.done_at IS NULL AND p.failed_at IS NULL
			AND (p.ordinal < o.ordinal OR (p.ordinal = o.ordinal AND (p.created_at, p.id) < (o.created_at, o.id)))))
		ORDER BY next_at, created_at, ordinal LIMIT ?`,
		db.clock().UnixNano(), limit)
}

// JobDone marks a job done.
func (db *DB) JobDone(ctx context.Context, id string) error {
	return db.updateJob(ctx, "job done", id, func(now time.Time) (string, []any) {
		return `UPDATE outbox SET done_at = ? WHERE id = ?`, []any{now.UnixNano(), id}
	})
}

// JobRetry counts a failed try and sets when to try again.
func (db *DB) JobRetry(ctx context.Context, id string, next time.Time, lastError string) error {
	return db.updateJob(ctx, "job retry", id, func(time.Time) (string, []any) {
		return `UPDATE outbox SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE id = ?`,
			[]any{next.UnixNano(), lastError, id}
	})
}

// JobFailed gives a job up.
func (db *DB) JobFailed(ctx context.Context, id string, lastError string) error {
	return db.updateJob(ctx, "job failed", id, func(now time.Time) (string, []any) {
		return `UPDATE outbox SET attempts = attempts + 1, failed_at = ?, last_error = ? WHERE id = ?`,
			[]any{now.UnixNano(), lastError, id}
	})
}

// updateJob runs the update that stmt makes at the transaction's time on
// job id; an unknown job is not_found.
func (db *DB) updateJob(ctx context.Context, what, id string, stmt func(now time.Time) (string, []any)) error {
	err := db.writeTx(ctx, func(tx *sql.Tx, now time.Time) error {
		query, args := stmt(now)
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNoJob
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

var errNoJob = chat.E(chat.ENotFound, "job_not_found", "No such job.")

// Jobs lists jobs, newest first.
func (db *DB) Jobs(ctx context.Context, f store.JobFilter) ([]store.Job, error) {
	var where []string
	var args []any
	if f.Kind != "" {
		where = append(where, "kind = ?")
		args = append(args, f.Kind)
	}
	if f.ConversationID != "" {
		where = append(where, "conversation_id = ?")
		args = append(args, f.ConversationID)
	}
	if f.Failed {
		where = append(where, "failed_at IS NOT NULL")
	}
	query := `SELECT ` + jobColumns + ` FROM outbox`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	args = append(args, limit)
	return queryAll(ctx, db, "jobs", scanJob, query+` ORDER BY created_at DESC, id DESC LIMIT ?`, args...)
}

// PruneJobs deletes the jobs done or given up before t, and the webhook
// delivery log's entries made before t.
func (db *DB) PruneJobs(ctx context.Context, t time.Time) (int, error) {
	var n int64
	err := db.writeTx(ctx, func(tx *sql.Tx, _ time.Time) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE coalesce(done_at, failed_at) < ?`, t.UnixNano())
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		_, err = tx.ExecContext(ctx, `DELETE FROM webhook_deliveries WHERE time < ?`, t.UnixNano())
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("prune jobs: %w", err)
	}
	return int(n), nil
}
