package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"skranke/chat"
	"skranke/store"
)

// ChatLog lists the conversations that match f, newest first, with their
// evaluations and, for a search, the matching events. The full-text search
// uses the tsvector events.search (migration 00005); its query is built
// from chat.SearchWords only (letters and digits), so nothing a user types
// is tsquery syntax.
func (db *DB) ChatLog(ctx context.Context, f store.ChatLogFilter) ([]store.ChatLogEntry, *store.ChatLogCursor, error) {
	limit := f.ChatLogLimit()
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	match := tsQuery(f.Words)
	if f.Queue != "" {
		where = append(where, "c.queue_id = "+arg(string(f.Queue)))
	}
	if f.Agent != "" {
		// Correlated: a look-up by key per chat, not every chat of the agent.
		where = append(where, "EXISTS (SELECT 1 FROM participants p WHERE p.conversation_id = c.id AND p.agent_id = "+arg(string(f.Agent))+" AND p.joined_at IS NOT NULL)")
	}
	if !f.From.IsZero() {
		where = append(where, "c.created_at >= "+arg(f.From.UnixNano()))
	}
	if !f.To.IsZero() {
		where = append(where, "c.created_at < "+arg(f.To.UnixNano()))
	}
	if len(f.Statuses) > 0 {
		statuses := make([]string, len(f.Statuses))
		for i, s := range f.Statuses {
			statuses[i] = string(s)
		}
		where = append(where, "c.status = ANY("+arg(statuses)+")")
	}
	if f.EndedBy != "" {
		where = append(where, "c.record ->> 'endedBy' = "+arg(string(f.EndedBy)))
	}
	if f.HasPrivate != nil {
		if *f.HasPrivate {
			where = append(where, "coalesce((c.record ->> 'private')::int, 0) > 0")
		} else {
			where = append(where, "coalesce((c.record ->> 'private')::int, 0) = 0")
		}
	}
	if match != "" {
		common, err := db.commonSearch(ctx, match)
		if err != nil {
			return nil, nil, err
		}
		if common {
			// Chat by chat, newest first, each a look-up of its own events
			// by key: the page is full after the newest chats.
			where = append(where, "EXISTS (SELECT 1 FROM events e WHERE e.conversation_id = c.id AND e.search @@ to_tsquery('simple', "+arg(match)+"))")
		} else {
			// From the few matching events, by the index.
			where = append(where, "c.id IN (SELECT e.conversation_id FROM events e WHERE e.search IS NOT NULL AND e.search @@ to_tsquery('simple', "+arg(match)+"))")
		}
	}
	if b := f.Before; b != nil {
		where = append(where, "c.ord < "+arg(b.Ord))
	}
	query := `SELECT ` + qualified("c", conversationColumns) + `, ` + evaluationColumns + `, c.ord
		FROM conversations c LEFT JOIN evaluations v ON v.conversation_id = c.id`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	query += ` ORDER BY c.ord DESC LIMIT ` + arg(limit+1)
	rows, err := db.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("chat log: %w", classify(err))
	}
	var ords []int64
	entries, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.ChatLogEntry, error) {
		var ord int64
		e, err := scanChatLogEntry(row, &ord)
		ords = append(ords, ord)
		return e, err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("chat log: %w", classify(err))
	}
	var next *store.ChatLogCursor
	if len(entries) > limit {
		entries = entries[:limit]
		next = &store.ChatLogCursor{Ord: ords[limit-1]}
	}
	if match != "" && len(entries) > 0 {
		if err := db.addHits(ctx, entries, match); err != nil {
			return nil, nil, err
		}
	}
	return entries, next, nil
}

// searchProbe is how many matching events make a search common: the full
// -text index answers a rarer one at once, but reads every match of a
// common one; so that is answered chat by chat instead (ChatLog).
const searchProbe = 2000

// commonSearch reports whether more than searchProbe events are likely to
// match: the planner's estimate from the table's statistics (which
// autovacuum keeps fresh), without reading the index or the table.
func (db *DB) commonSearch(ctx context.Context, match string) (bool, error) {
	var plan []struct {
		Plan struct {
			Rows float64 `json:"Plan Rows"`
		}
	}
	err := db.pool.QueryRow(ctx, `EXPLAIN (FORMAT JSON) SELECT 1 FROM events
		WHERE search IS NOT NULL AND search @@ to_tsquery('simple', $1)`, match).Scan(&plan)
	if err != nil {
		return false, fmt.Errorf("chat log search: %w", classify(err))
	}
	probe := float64(searchProbe)
	if db.searchProbe != nil {
		probe = *db.searchProbe
	}
	return len(plan) > 0 && plan[0].Plan.Rows > probe, nil
}

// addHits gives each entry up to store.MaxHits of its events that match:
// the newest of each chat's own, read backwards by key.
func (db *DB) addHits(ctx context.Context, entries []store.ChatLogEntry, match string) error {
	index := make(map[chat.ConversationID]int, len(entries))
	ids := make([]string, len(entries))
	for i, e := range entries {
		index[e.Conversation.ID] = i
		ids[i] = string(e.Conversation.ID)
	}
	rows, err := db.pool.Query(ctx, `SELECT `+eventColumnsOf("e")+` FROM unnest($1::text[]) AS w (id),
		LATERAL (SELECT * FROM events x WHERE x.conversation_id = w.id AND x.search @@ to_tsquery('simple', $2)
			ORDER BY x.seq DESC LIMIT $3) e
		ORDER BY e.conversation_id, e.seq DESC`, ids, match, store.MaxHits)
	if err != nil {
		return fmt.Errorf("chat log hits: %w", classify(err))
	}
	evs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (chat.Event, error) { return scanEvent(row) })
	if err != nil {
		return fmt.Errorf("chat log hits: %w", classify(err))
	}
	for _, e := range evs {
		i := index[e.ConversationID]
		if len(entries[i].Hits) < store.MaxHits {
			entries[i].Hits = append(entries[i].Hits, e)
		}
	}
	return nil
}

// tsQuery is the tsquery of words: every one, each a whole word or, if
// long enough, the start of one. Words hold only letters and digits
// (chat.SearchWords), so they need no escaping.
func tsQuery(words []string) string {
	var terms []string
	for _, w := range words {
		t := w
		if utf8.RuneCountInString(w) >= chat.MinPrefixWord {
			t += ":*"
		}
		terms = append(terms, t)
	}
	return strings.Join(terms, " & ")
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
func scanChatLogEntry(s pgx.Row, extra ...any) (store.ChatLogEntry, error) {
	var evConv, evNote, evAuthor, evAuthorName *string
	var evScore, evVersion *int32
	var evUpdated *int64
	c, err := scanConversationWith(s, append([]any{&evConv, &evScore, &evNote, &evAuthor, &evAuthorName, &evUpdated, &evVersion}, extra...)...)
	if err != nil {
		return store.ChatLogEntry{}, err
	}
	entry := store.ChatLogEntry{Conversation: c}
	if evConv != nil {
		entry.Evaluation = &chat.Evaluation{ConversationID: chat.ConversationID(*evConv), Score: int(*evScore),
			Note: *evNote, Author: chat.Participant{Role: chat.PartyAgent, ID: *evAuthor, Name: *evAuthorName},
			UpdatedAt: unixTime(*evUpdated), Version: int(*evVersion)}
	}
	return entry, nil
}

// SetEvaluation stores e if the stored evaluation's version is e.Version
// (0 for none yet), and returns it with the next version. The row lock
// (or the insert's unique key) serialises two evaluators on any nodes.
func (db *DB) SetEvaluation(ctx context.Context, e chat.Evaluation) (chat.Evaluation, error) {
	if err := chat.CheckEvaluation(e); err != nil {
		return chat.Evaluation{}, err
	}
	err := db.writeTx(ctx, func(tx pgx.Tx, now time.Time) error {
		ok, err := exists(ctx, tx, `SELECT 1 FROM conversations WHERE id = $1`, e.ConversationID)
		if err != nil {
			return err
		}
		if !ok {
			return store.ErrNoConversation
		}
		var version int
		err = tx.QueryRow(ctx, `SELECT version FROM evaluations WHERE conversation_id = $1 FOR UPDATE`, e.ConversationID).Scan(&version)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if version != e.Version {
			return errEvaluationChanged
		}
		e.UpdatedAt, e.Version = now, version+1
		tag, err := tx.Exec(ctx, `INSERT INTO evaluations (conversation_id, score, note, author_id, author_name, updated_at, version)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (conversation_id) DO UPDATE SET score = excluded.score, note = excluded.note,
				author_id = excluded.author_id, author_name = excluded.author_name,
				updated_at = excluded.updated_at, version = excluded.version
			WHERE evaluations.version = $7 - 1`,
			e.ConversationID, e.Score, e.Note, e.Author.ID, e.Author.Name, now.UnixNano(), e.Version)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return errEvaluationChanged // another writer saved the first one meanwhile
		}
		return nil
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
	err := db.pool.QueryRow(ctx, `SELECT score, note, author_id, author_name, updated_at, version
		FROM evaluations WHERE conversation_id = $1`, id).Scan(&e.Score, &e.Note, &e.Author.ID, &e.Author.Name, &updated, &e.Version)
	if errors.Is(err, pgx.ErrNoRows) {
		return chat.Evaluation{}, chat.E(chat.ENotFound, "evaluation_not_found", "This chat has no evaluation.")
	}
	if err != nil {
		return chat.Evaluation{}, fmt.Errorf("evaluation: %w", classify(err))
	}
	e.UpdatedAt = unixTime(updated)
	return e, nil
}
