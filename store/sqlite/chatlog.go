package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"skranke/chat"
	"skranke/store"
)

// The full-text index numbers an event's document by its conversation's
// ord and its seq (migration 00009): doc = ord<<ftsShift | seq. A chat's
// documents are one range of rowids, and descending rowids are the chat
// log's order.
const (
	ftsShift  = 20
	ftsSeqMax = 1<<ftsShift - 1 // later events of a chat are not indexed
)

// The full-text index is fed through a queue. A transaction that appends
// events queues their documents' numbers (search_queue, migration 00015),
// and the indexer (indexLoop) adds them to the index in large transactions
// of their own. FTS5 writes what it has gathered as a new segment of the
// index at every commit and every savepoint: fed by each append, a group
// commit of a few dozen events made a small segment (at first, by a
// trigger, one per event), and writing and merging those cost the append
// path a quarter to a half again in CPU (docs/benchmarks.md). A search and
// a deletion first index what is queued, so neither ever misses an event
// that was appended before it.

// queueEventsSQL queues documents (a JSON array of {c, s}) for the indexer.
const queueEventsSQL = `INSERT INTO search_queue (doc)
	SELECT (c.ord << 20) | (d.value ->> 's') FROM json_each(?) d JOIN conversations c ON c.id = d.value ->> 'c'`

// queueEvents queues the documents of a transaction's new events for the
// indexer.
func (db *DB) queueEvents(ctx context.Context, tx workTx, events []chat.Event) error {
	if db.unindexed {
		return nil
	}
	type doc struct {
		C   chat.ConversationID `json:"c"`
		Seq chat.Seq            `json:"s"`
	}
	var docs []doc
	for _, e := range events {
		if e.Text != "" && e.Seq <= ftsSeqMax {
			docs = append(docs, doc{e.ConversationID, e.Seq})
		}
	}
	if len(docs) == 0 {
		return nil
	}
	b, err := json.Marshal(docs)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, queueEventsSQL, string(b))
	if err != nil {
		return fmt.Errorf("queue events for the index: %w", err)
	}
	db.queued.Store(true)
	return nil
}

// indexBatch is how many queued documents one transaction of the indexer
// adds to the index, each transaction written as one segment. With the
// indexer looking every indexInterval, steady traffic up to 5 000 messages
// a second is indexed one transaction per look; more is indexed in
// transactions of indexBatch back to back, between which the writer's
// batches take their turn.
const indexBatch = 512

// indexQueuedSQL adds the first ?1 queued documents to the index, each
// read from the log by its number (ord << ftsShift | seq).
const indexQueuedSQL = `INSERT INTO events_fts (rowid, text)
	SELECT q.doc, e.text FROM (SELECT doc FROM search_queue ORDER BY doc LIMIT ?1) q
	JOIN events e ON e.ord = q.doc >> 20 AND e.seq = q.doc & 1048575
	ORDER BY q.doc`

// indexQueued adds up to limit queued documents to the index, in the order
// of their numbers (FTS5 also writes a segment out when a document's
// number is lower than the one before), and takes them off the queue. It
// reports how many it took.
func indexQueued(ctx context.Context, tx *sql.Tx, limit int) (int64, error) {
	_, err := tx.ExecContext(ctx, indexQueuedSQL, limit)
	if err != nil {
		return 0, fmt.Errorf("index queued events: %w", err)
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM search_queue WHERE doc IN (SELECT doc FROM search_queue ORDER BY doc LIMIT ?1)`, limit)
	if err != nil {
		return 0, fmt.Errorf("index queued events: %w", err)
	}
	return res.RowsAffected()
}

// indexAll indexes everything queued, in transactions of indexBatch.
func (db *DB) indexAll(ctx context.Context) error {
	for {
		var n int64
		err := db.writeTx(ctx, func(tx *sql.Tx, _ time.Time) error {
			var err error
			n, err = indexQueued(ctx, tx, indexBatch)
			return err
		})
		if err != nil || n < indexBatch {
			return err
		}
	}
}

// indexInterval is how often the indexer looks at the queue. Each look
// holds the writer, and on one core the CPU, for as long as its
// transaction takes (10–20 µs a document): looking every 500 ms held them
// 5–10 ms at a time at 1 000 messages a second and put those milliseconds
// into the delivery p99; every 100 ms the holds are a fifth as long, for
// about the same CPU (docs/benchmarks.md, "one shallow goroutine per idle
// socket"). Shorter still (25 ms) cost more CPU, with segments too small.
const indexInterval = 100 * time.Millisecond

// indexLoop indexes what is queued every indexInterval until Close, and
// once more when it stops. It looks only when something may have been
// queued since it last did (queued), so an idle store runs no transaction
// of the indexer's. A failure (a full disk) is tried again at the next
// tick; the queue keeps what is not indexed yet.
func (db *DB) indexLoop() {
	defer close(db.indexDone)
	t := time.NewTicker(indexInterval)
	defer t.Stop()
	for {
		select {
		case <-db.indexStop:
			db.indexAll(context.Background())
			return
		case <-t.C:
			// Cleared before indexing: documents queued from now on make
			// the next tick look. A batch that queues some while this one
			// waits for the writer's connection commits before it reads.
			if db.queued.Swap(false) && db.indexAll(db.ctx) != nil {
				db.queued.Store(true)
			}
		}
	}
}

// indexNow indexes what is queued before a search, if anything is.
func (db *DB) indexNow(ctx context.Context) error {
	var queued bool
	if err := db.read.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM search_queue)`).Scan(&queued); err != nil {
		return fmt.Errorf("search queue: %w", db.classify(err))
	}
	if !queued {
		return nil
	}
	return db.indexAll(ctx)
}

// searchBatch is how many chats a search checks against the other filters
// at a time.
const searchBatch = 32

// ChatLog lists the conversations that match f, newest first (by ord),
// with their evaluations and, for a search, the matching events. The
// full-text search reads the FTS5 index events_fts backwards from the
// newest document and stops once the page is full (search); its query is
// built from chat.SearchWords only (letters and digits), so nothing a user
// types is FTS5 syntax.
func (db *DB) ChatLog(ctx context.Context, f store.ChatLogFilter) ([]store.ChatLogEntry, *store.ChatLogCursor, error) {
	limit := f.ChatLogLimit()
	where, args := chatLogWhere(f)
	var entries []ordEntry
	var err error
	if match := ftsQuery(f.Words); match != "" {
		if err := db.indexNow(ctx); err != nil {
			return nil, nil, fmt.Errorf("chat log: %w", err)
		}
		entries, err = db.search(ctx, match, where, args, f.Before, limit+1)
	} else {
		if f.Before != nil {
			where = append(where, "c.ord < ?")
			args = append(args, f.Before.Ord)
		}
		query := chatLogSelect
		if len(where) > 0 {
			query += ` WHERE ` + strings.Join(where, " AND ")
		}
		entries, err = queryAll(ctx, db, "chat log", scanOrdEntry, query+` ORDER BY c.ord DESC LIMIT ?`, append(args, limit+1)...)
	}
	if err != nil {
		return nil, nil, err
	}
	var next *store.ChatLogCursor
	if len(entries) > limit {
		entries = entries[:limit]
		next = &store.ChatLogCursor{Ord: entries[limit-1].ord}
	}
	out := make([]store.ChatLogEntry, len(entries))
	for i, e := range entries {
		out[i] = e.ChatLogEntry
	}
	if err := db.addHits(ctx, out, entries); err != nil {
		return nil, nil, err
	}
	return out, next, nil
}

// chatLogWhere is the SQL of f's filters but its words and cursor, on
// conversations c.
func chatLogWhere(f store.ChatLogFilter) ([]string, []any) {
	var where []string
	var args []any
	if f.Queue != "" {
		where = append(where, "c.queue_id = ?")
		args = append(args, f.Queue)
	}
	if f.Agent != "" {
		// Correlated: a look-up by key per chat, not every chat of the agent.
		where = append(where, "EXISTS (SELECT 1 FROM participants p WHERE p.conversation_id = c.id AND p.agent_id = ? AND p.joined_at IS NOT NULL)")
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
	return where, args
}

// chatLogSelect reads a chat log entry: the conversation, its evaluation
// and its ord (scanOrdEntry).
var chatLogSelect = `SELECT ` + qualified("c", conversationColumns) + `, ` + evaluationColumns + `, c.ord
	FROM conversations c LEFT JOIN evaluations v ON v.conversation_id = c.id`

// ordEntry is a chat log entry with its conversation's ord and, during a
// search, the seqs of its matching events, newest first.
type ordEntry struct {
	store.ChatLogEntry
	ord  int64
	hits []int64
}

// search lists up to want conversations with a document that matches,
// newest first, among those where says, after the cursor before. It reads
// the matching documents from the newest down, a chat's documents being
// one range (ftsShift); each new chat it meets is a candidate, checked
// against the other filters searchBatch at a time, and the matching
// documents read meanwhile are its hits. It stops as soon as it has want
// chats: the cost of the first page grows with the matches of the newest
// chats read, not with all the matches there are.
func (db *DB) search(ctx context.Context, match string, where []string, args []any, before *store.ChatLogCursor, want int) ([]ordEntry, error) {
	upper := int64(math.MaxInt64)
	if before != nil {
		upper = before.Ord << ftsShift
	}
	rows, err := db.read.QueryContext(ctx, `SELECT rowid FROM events_fts WHERE events_fts MATCH ? AND rowid < ? ORDER BY rowid DESC`, match, upper)
	if err != nil {
		return nil, fmt.Errorf("chat log search: %w", db.classify(err))
	}
	defer rows.Close()
	var found []ordEntry
	var batch []int64           // candidates, in the order met
	hits := map[int64][]int64{} // seqs of the matching events of each candidate, newest first
	check := func() error {
		if len(batch) == 0 {
			return nil
		}
		q := chatLogSelect + ` WHERE c.ord IN (?` + strings.Repeat(", ?", len(batch)-1) + `)`
		for _, w := range where {
			q += ` AND ` + w
		}
		qargs := make([]any, 0, len(batch)+len(args))
		for _, o := range batch {
			qargs = append(qargs, o)
		}
		es, err := queryAll(ctx, db, "chat log search", scanOrdEntry, q, append(qargs, args...)...)
		if err != nil {
			return err
		}
		byOrd := make(map[int64]ordEntry, len(es))
		for _, e := range es {
			byOrd[e.ord] = e
		}
		for _, o := range batch {
			if e, ok := byOrd[o]; ok && len(found) < want {
				e.hits = hits[o]
				found = append(found, e)
			}
			delete(hits, o)
		}
		batch = batch[:0]
		return nil
	}
	last := int64(-1)
	for rows.Next() {
		var doc int64
		if err := rows.Scan(&doc); err != nil {
			return nil, fmt.Errorf("chat log search: %w", err)
		}
		ord, seq := doc>>ftsShift, doc&ftsSeqMax
		if ord != last {
			// The documents of the last chat are all read: it is complete.
			if len(batch) == searchBatch {
				if err := check(); err != nil {
					return nil, err
				}
				if len(found) >= want {
					return found, nil
				}
			}
			batch = append(batch, ord)
			last = ord
		}
		if h := hits[ord]; len(h) < store.MaxHits {
			hits[ord] = append(h, seq)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("chat log search: %w", db.classify(err))
	}
	if err := check(); err != nil {
		return nil, err
	}
	return found, nil
}

// scanOrdEntry reads a row of chatLogSelect.
func scanOrdEntry(s scanner) (ordEntry, error) {
	var e ordEntry
	var err error
	e.ChatLogEntry, err = scanChatLogEntry(s, &e.ord)
	return e, err
}

// addHits gives each entry of a search its matching events: the ones
// search met, read by their key.
func (db *DB) addHits(ctx context.Context, out []store.ChatLogEntry, entries []ordEntry) error {
	var args []any
	index := map[chat.ConversationID]int{}
	for i, e := range entries {
		index[e.Conversation.ID] = i
		for _, seq := range e.hits {
			args = append(args, e.ord, seq)
		}
	}
	if len(args) == 0 {
		return nil
	}
	evs, err := queryAll(ctx, db, "chat log hits", scanEvent, eventsByKeySQL(len(args)/2), args...)
	if err != nil {
		return err
	}
	for _, e := range evs {
		i := index[e.ConversationID]
		out[i].Hits = append(out[i].Hits, e)
	}
	return nil
}

// eventsByKeySQL reads n events by their keys, given as n pairs of
// arguments (ord, seq), by chat and newest first within each.
func eventsByKeySQL(n int) string {
	return `SELECT ` + eventColumns + ` FROM events WHERE (ord, seq) IN (VALUES ` +
		strings.Repeat("(?, ?), ", n-1) + `(?, ?)) ORDER BY ord, seq DESC`
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

// scanChatLogEntry reads a conversation and its evaluation, if any, and
// the columns after them into extra.
func scanChatLogEntry(s scanner, extra ...any) (store.ChatLogEntry, error) {
	var evConv, evNote, evAuthor, evAuthorName sql.NullString
	var evScore, evUpdated, evVersion sql.NullInt64
	c, err := scanConversationWith(s, append([]any{&evConv, &evScore, &evNote, &evAuthor, &evAuthorName, &evUpdated, &evVersion}, extra...)...)
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
