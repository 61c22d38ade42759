package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"skranke/chat"
	"skranke/store"
)

// ChatLog lists the conversations that match f, newest first, with their
// evaluations and, for a search, the matching events. The full-text search
// uses the FTS5 index events_fts (migrations 00005 and 00007); its query is built from
// chat.SearchWords only (letters and digits), so nothing a user types is
// FTS5 syntax.
func (db *DB) ChatLog(ctx context.Context, f store.ChatLogFilter) ([]store.ChatLogEntry, *store.ChatLogCursor, error) {
	limit := f.ChatLogLimit()
	var where []string
	var args []any
	match := ftsQuery(f.Words)
	if f.Queue != "" {
		where = append(where, "c.queue_id = ?")
		args = append(args, f.Queue)
	}
	if f.Agent != "" {
		where = append(where, "c.id IN (SELECT conversation_id FROM participants WHERE agent_id = ? AND joined_at IS NOT NULL)")
		args = append(args, f.Agent)
	}
	if !f.From.IsZero() {
		where = append(where, "c.created_at >= ?")
		args = append(args, f.From.UnixNano())
	}
	if !f.To.IsZero() {
		where = append(where, "c.created_at < ?")
		args = append(args, f.To.UnixNano())
	}
	if len(f.Statuses) > 0 {
		where = append(where, "c.status IN (?"+strings.Repeat(", ?", len(f.Statuses)-1)+")")
		for _, s := range f.Statuses {
			args = append(args, s)
		}
	}
	if f.EndedBy != "" {
		where = append(where, "c.record ->> '$.endedBy' = ?")
		args = append(args, f.EndedBy)
	}
	if f.HasPrivate != nil {
		if *f.HasPrivate {
			where = append(where, "coalesce(c.record ->> '$.private', 0) > 0")
		} else {
			where = append(where, "coalesce(c.record ->> '$.private', 0) = 0")
		}
	}
	if match != "" {
		where = append(where, `c.id IN (SELECT d.conversation_id FROM events_fts
			JOIN search_docs d ON d.doc = events_fts.rowid WHERE events_fts MATCH ?)`)
		args = append(args, match)
	}
	if b := f.Before; b != nil {
		where = append(where, "(c.created_at, c.id) < (?, ?)")
		args = append(args, b.CreatedAt.UnixNano(), b.ID)
	}
	query := `SELECT ` + qualified("c", conversationColumns) + `, ` + evaluationColumns + `
		FROM conversations c LEFT JOIN evaluations v ON v.conversation_id = c.id`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	query += ` ORDER BY c.created_at DESC, c.id DESC LIMIT ?`
	args = append(args, limit+1)
	entries, err := queryAll(ctx, db, "chat log", scanChatLogEntry, query, args...)
	if err != nil {
		return nil, nil, err
	}
	var next *store.ChatLogCursor
	if len(entries) > limit {
		entries = entries[:limit]
		last := entries[limit-1].Conversation
		next = &store.ChatLogCursor{CreatedAt: last.CreatedAt, ID: last.ID}
	}
	if match != "" && len(entries) > 0 {
		if err := db.addHits(ctx, entries, match); err != nil {
			return nil, nil, err
		}
	}
	return entries, next, nil
}

// addHits gives each entry up to store.MaxHits of its events that match.
func (db *DB) addHits(ctx context.Context, entries []store.ChatLogEntry, match string) error {
	index := make(map[chat.ConversationID]int, len(entries))
	args := []any{match}
	for i, e := range entries {
		index[e.Conversation.ID] = i
		args = append(args, e.Conversation.ID)
	}
	evs, err := queryAll(ctx, db, "chat log hits", scanEvent, `SELECT `+qualified("e", eventColumns)+`
		FROM events_fts JOIN search_docs d ON d.doc = events_fts.rowid
		JOIN events e ON e.conversation_id = d.conversation_id AND e.seq = d.seq
		WHERE events_fts MATCH ? AND d.conversation_id IN (?`+strings.Repeat(", ?", len(entries)-1)+`)
		ORDER BY d.conversation_id, d.seq DESC`, args...)
	if err != nil {
		return err
	}
	for _, e := range evs {
		i := index[e.ConversationID]
		if len(entries[i].Hits) < store.MaxHits {
			entries[i].Hits = append(entries[i].Hits, e)
		}
	}
	return nil
}

// ftsQuery is the FTS5 query of words: every one, each a whole word or,
// if long enough, the start of one. Words hold only letters and digits
// (chat.SearchWords), so quoting them is all the escaping they need.
func ftsQuery(words []string) string {
	var terms []string
	for _, w := range words {
		t := `"` + w + `"`
		if utf8.RuneCountInString(w) >= chat.MinPrefixWord {
			t += "*"
		}
		terms = append(terms, t)
	}
	return strings.Join(terms, " ")
}

// qualified returns a column list with each column qualified by alias t.
func qualified(t, columns string) string {
	var cols []string
	for _, c := range strings.Split(columns, ",") {
		cols = append(cols, t+"."+strings.TrimSpace(c))
	}
	return strings.Join(cols, ", ")
}

const evaluationColumns = `v.conversation_id, v.score, v.note, v.author_id, v.author_name, v.updated_at, v.version`

// scanChatLogEntry reads a conversation and its evaluation, if any.
func scanChatLogEntry(s scanner) (store.ChatLogEntry, error) {
	var evConv, evNote, evAuthor, evAuthorName sql.NullString
	var evScore, evUpdated, evVersion sql.NullInt64
	c, err := scanConversationWith(s, &evConv, &evScore, &evNote, &evAuthor, &evAuthorName, &evUpdated, &evVersion)
	if err != nil {
		return store.ChatLogEntry{}, err
	}
	entry := store.ChatLogEntry{Conversation: c}
	if evConv.Valid {
		entry.Evaluation = &chat.Evaluation{ConversationID: chat.ConversationID(evConv.String), Score: int(evScore.Int64),
			Note: evNote.String, Author: chat.Participant{Role: chat.PartyAgent, ID: evAuthor.String, Name: evAuthorName.String},
			UpdatedAt: unixTime(evUpdated.Int64), Version: int(evVersion.Int64)}
	}
	return entry, nil
}

// SetEvaluation stores e if the stored evaluation's version is e.Version
// (0 for none yet), and returns it with the next version.
func (db *DB) SetEvaluation(ctx context.Context, e chat.Evaluation) (chat.Evaluation, error) {
	if err := chat.CheckEvaluation(e); err != nil {
		return chat.Evaluation{}, err
	}
	err := db.writeTx(ctx, func(tx *sql.Tx, now time.Time) error {
		ok, err := exists(ctx, tx, `SELECT 1 FROM conversations WHERE id = ?`, e.ConversationID)
		if err != nil {
			return err
		}
		if !ok {
			return store.ErrNoConversation
		}
		var version int
		err = tx.QueryRowContext(ctx, `SELECT version FROM evaluations WHERE conversation_id = ?`, e.ConversationID).Scan(&version)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if version != e.Version {
			return errEvaluationChanged
		}
		e.UpdatedAt, e.Version = now, version+1
		_, err = tx.ExecContext(ctx, `INSERT INTO evaluations (conversation_id, score, note, author_id, author_name, updated_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (conversation_id) DO UPDATE SET score = excluded.score, note = excluded.note,
				author_id = excluded.author_id, author_name = excluded.author_name,
				updated_at = excluded.updated_at, version = excluded.version`,
			e.ConversationID, e.Score, e.Note, e.Author.ID, e.Author.Name, now.UnixNano(), e.Version)
		return err
	})
	if err != nil {
		return chat.Evaluation{}, fmt.Errorf("set evaluation: %w", err)
	}
	e.Author.Role = chat.PartyAgent
	return e, nil
}

// errEvaluationChanged answers a save of an evaluation that someone else
// saved meanwhile.
var errEvaluationChanged = chat.E(chat.EConflict, "evaluation_changed", "Someone else has changed this evaluation meanwhile; reload it.")

// Evaluation returns a conversation's evaluation.
func (db *DB) Evaluation(ctx context.Context, id chat.ConversationID) (chat.Evaluation, error) {
	e := chat.Evaluation{ConversationID: id, Author: chat.Participant{Role: chat.PartyAgent}}
	var updated int64
	err := db.read.QueryRowContext(ctx, `SELECT score, note, author_id, author_name, updated_at, version
		FROM evaluations WHERE conversation_id = ?`, id).Scan(&e.Score, &e.Note, &e.Author.ID, &e.Author.Name, &updated, &e.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return chat.Evaluation{}, chat.E(chat.ENotFound, "evaluation_not_found", "This chat has no evaluation.")
	}
	if err != nil {
		return chat.Evaluation{}, fmt.Errorf("evaluation: %w", err)
	}
	e.UpdatedAt = unixTime(updated)
	return e, nil
}
