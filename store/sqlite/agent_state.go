package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"skranke/chat"
)

// SetAgentState stores st, setting UpdatedAt. An unknown user is not_found;
// an unknown status or profile is invalid.
func (db *DB) SetAgentState(ctx context.Context, st chat.AgentState) (chat.AgentState, error) {
	if st.Status != chat.StatusReady && st.Status != chat.StatusPaused {
		return chat.AgentState{}, chat.E(chat.EInvalid, "status_unknown", "Unknown status \"{status}\".", "status", st.Status)
	}
	err := db.writeTx(ctx, func(tx *sql.Tx, now time.Time) error {
		ok, err := exists(ctx, tx, `SELECT 1 FROM users WHERE id = ?`, st.UserID)
		if err != nil {
			return err
		}
		if !ok {
			return chat.E(chat.ENotFound, "user_not_found", "No such user.")
		}
		var profile any // NULL for no profile
		if st.ProfileID != "" {
			ok, err := exists(ctx, tx, `SELECT 1 FROM profiles WHERE id = ?`, st.ProfileID)
			if err != nil {
				return err
			}
			if !ok {
				return chat.E(chat.EInvalid, "profile_id_unknown", "There is no profile \"{profile}\".", "profile", st.ProfileID)
			}
			profile = st.ProfileID
		}
		st.UpdatedAt = now
		_, err = tx.ExecContext(ctx, `INSERT INTO agent_states (user_id, status, profile_id, updated_at)
			VALUES (?, ?, ?, ?)
			ON CONFLICT (user_id) DO UPDATE SET
				status = excluded.status, profile_id = excluded.profile_id, updated_at = excluded.updated_at`,
			st.UserID, st.Status, profile, now.UnixNano())
		return err
	})
	if err != nil {
		return chat.AgentState{}, fmt.Errorf("set agent state: %w", err)
	}
	return st, nil
}

// AgentState returns the agent's stored state, or paused with no profile and
// a zero UpdatedAt if none is stored (whether or not the user exists).
func (db *DB) AgentState(ctx context.Context, id chat.UserID) (chat.AgentState, error) {
	st, err := scanAgentState(db.hot().QueryRowContext(ctx, `SELECT user_id, status, profile_id, updated_at
		FROM agent_states WHERE user_id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return chat.AgentState{UserID: id, Status: chat.StatusPaused}, nil
	}
	if err != nil {
		return chat.AgentState{}, fmt.Errorf("agent state: %w", err)
	}
	return st, nil
}

// AgentStates lists all stored agent states by user id.
func (db *DB) AgentStates(ctx context.Context) ([]chat.AgentState, error) {
	return queryAll(ctx, db, "agent states", scanAgentState, `SELECT user_id, status, profile_id, updated_at
		FROM agent_states ORDER BY user_id`)
}

func scanAgentState(s scanner) (chat.AgentState, error) {
	var st chat.AgentState
	var profile sql.NullString
	var updated int64
	err := s.Scan(&st.UserID, &st.Status, &profile, &updated)
	st.ProfileID = chat.ProfileID(profile.String)
	st.UpdatedAt = unixTime(updated)
	return st, err
}
