package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"time"

	"modernc.org/sqlite"

	"skranke/chat"
	"skranke/store"
)

// AppendEvent stores e as the next event of e.ConversationID if
// chat.Conversation.Apply allows it at the commit time, and returns it as
// stored (with Seq and Time) and the conversation after it. It returns only
// after the transaction that holds e has committed.
//
// An event with a ClientMsgID that its author has used before in the
// conversation is not stored again: the original is returned with Duplicate
// set, even if the chat has ended since.
//
// Concurrent calls are committed together, a batch a transaction, in the
// order taken, with the guarantees of store.GroupCommit: a rule error
// answers only its own caller; if ctx is done while the call waits for the
// commit, the event may still be stored, and a retry with the same
// ClientMsgID finds it.
func (db *DB) AppendEvent(ctx context.Context, e chat.Event) (store.Appended, error) {
	return db.appends.Append(ctx, e)
}

// commitBatch, run by the DB's writer goroutine only, appends the events of
// reqs in one transaction, in order, and answers each request. The fold is
// store.Batch's; this writes what it decided. The conversations come from
// the writer's cache where it has them (convcache.go), and the cache takes
// the batch's conversations once the transaction has committed.
func (db *DB) commitBatch(reqs []*store.AppendRequest) {
	// Without cancellation: Close cancels db.ctx only after the writer has
	// stopped (GroupCommit.Close waits for the batch), and a context that
	// can be done costs the driver a watching goroutine for every statement.
	ctx := context.WithoutCancel(db.ctx)
	db.convs.mu.Lock()
	defer db.convs.mu.Unlock()
	var src *writerSource
	var err error
	for _, lookup := range []bool{false, true} {
		err = db.writeTx(ctx, func(tx *sql.Tx, now time.Time) error {
			var err error
			src, err = db.writeBatch(ctx, tx, now, reqs, lookup)
			return err
		})
		if !errors.Is(err, errRetryFound) {
			break
		}
	}
	if err != nil {
		// What the cache might hold of these conversations is read again:
		// a failed commit must never leave it ahead of the database.
		for _, req := range reqs {
			if req.Work != nil {
				req.AnswerWork(nil, err)
				continue
			}
			db.convs.drop(req.Event.ConversationID)
			req.Answer(store.Appended{}, fmt.Errorf("append event: %w", err))
		}
		return
	}
	for _, v := range src.read {
		db.convs.put(v)
	}
	for _, c := range src.changed {
		db.convs.put(cachedConversation{c: c, ord: src.ord(c.ID)})
	}
	db.commits.Add(1)
	events := 0 // appends only: the starts and customers are not events
	for _, req := range reqs {
		if req.Work == nil {
			events++
		}
	}
	db.committed.Add(int64(events))
}

// errRetryFound ends a batch folded without looking up client message ids
// that holds a retry: the batch is rolled back and folded again, looking.
var errRetryFound = errors.New("a retried client message id")

// writeBatch folds reqs in tx and writes what the fold decided.
//
// Retries are rare, so it looks a client message id up only when lookup
// is set. Without, every event is taken for new and inserted with ON
// CONFLICT DO NOTHING on the unique index events_client_key: an insert
// that the index refuses, or an event with a client message id that a rule
// refused (Batch.Refused: a retry's original is returned even when the
// rules would refuse it now) and that is stored, makes it return
// errRetryFound, for the caller to fold the batch again with lookup set.
// Nothing of the first fold is committed; its answers are replaced.
func (db *DB) writeBatch(ctx context.Context, tx *sql.Tx, now time.Time, reqs []*store.AppendRequest, lookup bool) (*writerSource, error) {
	src := &writerSource{
		ctx:                ctx,
		cache:              &db.convs,
		read:               make(map[chat.ConversationID]cachedConversation),
		before:             make(map[chat.ConversationID]cachedConversation),
		conversation:       tx.StmtContext(ctx, db.stmts.conversation),
		eventByClientMsgID: tx.StmtContext(ctx, db.stmts.eventByClientMsgID),
		attachment:         tx.StmtContext(ctx, db.stmts.attachment),
		lookup:             lookup,
	}
	// The work of others first (a chat's start, a new customer), each
	// behind a savepoint of its own; then the appends.
	appends := reqs
	if slices.ContainsFunc(reqs, func(r *store.AppendRequest) bool { return r.Work != nil }) {
		appends = make([]*store.AppendRequest, 0, len(reqs))
		for _, req := range reqs {
			if req.Work == nil {
				appends = append(appends, req)
				continue
			}
			if err := db.workInBatch(ctx, tx, now, req); err != nil {
				return nil, err
			}
		}
	}
	b := store.NewBatch(now, src)
	if err := b.Fold(appends); err != nil {
		return nil, err
	}
	if !lookup {
		src.lookup = true
		for _, k := range b.Refused {
			if _, found, err := src.EventByClientMsgID(k); err != nil || found {
				return nil, cmp.Or(err, errRetryFound)
			}
		}
	}
	insert := tx.StmtContext(ctx, db.stmts.insertEvent)
	for _, e := range b.Events {
		ord := src.ord(e.ConversationID)
		if ord == 0 {
			return nil, fmt.Errorf("append event: conversation %s not read by its batch", e.ConversationID)
		}
		args, err := eventArgs(e, ord)
		if err != nil {
			return nil, err
		}
		n, err := execCount(ctx, insert, args)
		if err == nil && n == 0 && lookup {
			// Looked up and not found, yet its client_key is taken: by
			// another event of the chat whose hash is the same. It is
			// stored without one, where EventByClientMsgID looks too.
			args[eventArgsClientKey] = nil
			n, err = execCount(ctx, insert, args)
		}
		if err != nil || n != 1 {
			return nil, cmp.Or(err, errRetryFound)
		}
	}
	// The events' webhook deliveries, in the same transaction: no
	// committed event is without them.
	if err := enqueueEventWebhooks(ctx, tx, db.stmts.webhooksExist, db.stmts.enqueueWebhooks, b.Events, now); err != nil {
		return nil, err
	}
	src.changed = b.Changed()
	var update, updateLog *sql.Stmt
	for _, c := range src.changed {
		// A plain message changes only the end of the log and the
		// record's counts: its update leaves the indexed columns out of
		// its SET list, so that SQLite does not rewrite their entries.
		var err error
		if logOnly(src.before[c.ID].c, c) {
			if updateLog == nil {
				updateLog = tx.StmtContext(ctx, db.stmts.updateConversationLog)
			}
			_, err = updateLog.ExecContext(ctx, conversationLogUpdate(c)...)
		} else {
			if update == nil {
				update = tx.StmtContext(ctx, db.stmts.updateConversation)
			}
			_, err = update.ExecContext(ctx, conversationUpdate(c)...)
		}
		if err != nil {
			return nil, err
		}
	}
	if len(b.Participations) > 0 {
		upsert := tx.StmtContext(ctx, db.stmts.upsertParticipant)
		for _, p := range b.Participations {
			if _, err := upsert.ExecContext(ctx, participantArgs(p)...); err != nil {
				return nil, err
			}
		}
	}
	if len(b.Attached) > 0 {
		send := tx.StmtContext(ctx, db.stmts.sendAttachment)
		for _, u := range b.Attached {
			res, err := send.ExecContext(ctx, u.Seq, u.ID)
			if err != nil {
				return nil, err
			}
			if n, err := res.RowsAffected(); err != nil || n != 1 {
				return nil, fmt.Errorf("mark attachment %s sent: %d rows, %v", u.ID, n, err)
			}
		}
	}
	return src, db.queueBatchEvents(ctx, tx.StmtContext(ctx, db.stmts.queueDocs), src, b.Events)
}

// execCount runs stmt with args and returns how many rows it changed.
func execCount(ctx context.Context, stmt *sql.Stmt, args []any) (int64, error) {
	res, err := stmt.ExecContext(ctx, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// queueBatchEvents queues the documents of a batch's new events for the
// indexer, as queueEvents does, in one prepared statement that takes
// their numbers as a JSON array: the writer knows each conversation's ord,
// so no join is needed to number them.
func (db *DB) queueBatchEvents(ctx context.Context, queue *sql.Stmt, src *writerSource, events []chat.Event) error {
	if db.unindexed {
		return nil
	}
	docs := []byte{'['}
	for _, e := range events {
		if e.Text == "" || e.Seq > ftsSeqMax {
			continue
		}
		if len(docs) > 1 {
			docs = append(docs, ',')
		}
		docs = strconv.AppendInt(docs, src.ord(e.ConversationID)<<ftsShift|int64(e.Seq), 10)
	}
	if len(docs) == 1 {
		return nil
	}
	if _, err := queue.ExecContext(ctx, string(append(docs, ']'))); err != nil {
		return fmt.Errorf("queue events for the index: %w", err)
	}
	db.queued.Store(true)
	return nil
}

// writerSource reads a batch's conversations (from the writer's cache, or
// else from the database) and client message ids with the writer's
// statements, in the batch's transaction. It records what it read from the
// database and what the batch changed, for the cache to take after the
// commit.
type writerSource struct {
	ctx                context.Context
	cache              *convCache // the caller holds its mu
	conversation       *sql.Stmt  // conversationColumns and ord by id
	eventByClientMsgID *sql.Stmt  // eventColumns by conversation, author and client message id
	attachment         *sql.Stmt  // attachmentColumns by id
	lookup             bool       // EventByClientMsgID looks (else writeBatch's index does)

	read    map[chat.ConversationID]cachedConversation // read from the database by this batch
	before  map[chat.ConversationID]cachedConversation // every one the batch read, as committed before it
	changed []chat.Conversation                        // as the batch leaves them
}

func (s *writerSource) Attachments(ids []chat.AttachmentID) ([]chat.Attachment, error) {
	var out []chat.Attachment
	for _, id := range ids {
		a, err := scanAttachment(s.attachment.QueryRowContext(s.ctx, id))
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// Conversation returns conversation id as committed. store.Batch asks once
// per conversation and batch. What it is given may reach a caller (as the
// conversation of a duplicate), so the cache's entry is handed out as a
// copy.
func (s *writerSource) Conversation(id chat.ConversationID) (chat.Conversation, error) {
	if v, ok := s.cache.get(id); ok {
		s.before[id] = v
		return v.c.Clone(), nil
	}
	var v cachedConversation
	c, err := scanConversationWith(s.conversation.QueryRowContext(s.ctx, id), &v.ord)
	if errors.Is(err, sql.ErrNoRows) {
		return chat.Conversation{}, store.ErrNoConversation
	}
	if err != nil {
		return chat.Conversation{}, err
	}
	v.c = c
	s.read[id] = v
	s.before[id] = v
	return c, nil
}

// ord returns the ord of a conversation the batch has read. It does not
// ask the cache, which may have been emptied (put) since.
func (s *writerSource) ord(id chat.ConversationID) int64 { return s.before[id].ord }

// EventByClientMsgID looks k up if s.lookup is set; else it answers that
// there is no such event, and writeBatch lets the unique index find out.
func (s *writerSource) EventByClientMsgID(k store.MsgKey) (chat.Event, bool, error) {
	if !s.lookup {
		return chat.Event{}, false, nil
	}
	e, err := scanEvent(s.eventByClientMsgID.QueryRowContext(s.ctx, clientMsgArgs(k)...))
	if errors.Is(err, sql.ErrNoRows) {
		return chat.Event{}, false, nil
	}
	return e, err == nil, err
}

// Events returns up to limit events of conversation id with Seq > after, in
// order; limit <= 0 means no limit. An unknown conversation is not_found; a
// known one with nothing after `after` gives an empty list.
func (db *DB) Events(ctx context.Context, id chat.ConversationID, after chat.Seq, limit int) ([]chat.Event, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	es, err := queryAllOn(ctx, db, db.hot(), "events", scanEvent, eventsAfterSQL, id, after, limit)
	if err != nil {
		return nil, err
	}
	if len(es) == 0 {
		// Conversations are never deleted, so asking after the fact is safe.
		ok, err := exists(ctx, db.hot(), `SELECT 1 FROM conversations WHERE id = ?`, id)
		if err != nil {
			return nil, fmt.Errorf("events: %w", err)
		}
		if !ok {
			return nil, store.ErrNoConversation
		}
	}
	return es, nil
}

// EventByClientMsgID returns the event that k.Author stored in
// k.Conversation with client message id k.ClientMsgID, if any.
func (db *DB) EventByClientMsgID(ctx context.Context, k store.MsgKey) (chat.Event, bool, error) {
	if k.ClientMsgID == "" || chat.CheckClientMsgID(k.ClientMsgID) != nil {
		return chat.Event{}, false, nil // what cannot be stored is not there
	}
	e, err := scanEvent(db.read.QueryRowContext(ctx, eventByClientMsgIDSQL, clientMsgArgs(k)...))
	if errors.Is(err, sql.ErrNoRows) {
		return chat.Event{}, false, nil
	}
	if err != nil {
		return chat.Event{}, false, fmt.Errorf("event by client message id: %w", err)
	}
	return e, true, nil
}

// eventsAfterSQL lists up to a limit of a chat's events after a seq.
const eventsAfterSQL = `SELECT ` + eventColumns + ` FROM events
	WHERE ord = (SELECT ord FROM conversations WHERE id = ?) AND seq > ? ORDER BY seq LIMIT ?`

// eventByClientMsgIDSQL finds the event of a chat by its author and client
// message id (clientMsgArgs): by its client_key, or among the chat's
// events stored without one (migration 00022); never an event without a
// client message id.
const eventByClientMsgIDSQL = `SELECT ` + eventColumns + ` FROM events
		WHERE ord = (SELECT ord FROM conversations WHERE id = ?1) AND client_key = ?2
			AND author_id = ?3 AND client_msg_id = ?4
	UNION ALL
	SELECT ` + eventColumns + ` FROM events
		WHERE ord = (SELECT ord FROM conversations WHERE id = ?1) AND client_key IS NULL
			AND author_id = ?3 AND client_msg_id = ?4 AND client_msg_id <> ''
	LIMIT 1`

// clientMsgArgs are eventByClientMsgIDSQL's arguments for k.
func clientMsgArgs(k store.MsgKey) []any {
	return []any{k.Conversation, clientKey(k.Author, k.ClientMsgID), k.Author, k.ClientMsgID}
}

// clientKey is the client_key of an event by author with client message id
// msgID: 64 bits of FNV-1a over both, or NULL (nil) without an id. It must
// never change: stored keys are compared with it (and migration 00022
// computed them with it, as the SQL function skranke_client_key).
// A hash that two events of a chat share is resolved in writeBatch, so an
// author who makes one on purpose gains nothing.
func clientKey(author, msgID string) any {
	if msgID == "" {
		return nil
	}
	h := fnv.New64a()
	h.Write([]byte(author))
	h.Write([]byte{0})
	h.Write([]byte(msgID))
	return int64(h.Sum64())
}

func init() {
	sqlite.MustRegisterDeterministicScalarFunction("skranke_client_key", 2,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			author, ok1 := args[0].(string)
			msgID, ok2 := args[1].(string)
			if !ok1 || !ok2 {
				return nil, errors.New("skranke_client_key: want two texts")
			}
			return clientKey(author, msgID), nil
		})
}

// The log is an envelope of columns and the kind's payload as JSON (NULL
// when the kind has none); see chat.Event.
const eventColumns = `conversation_id, seq, time, kind, visibility, author_role, author_id, author_name,
	client_msg_id, text, payload`

// insertEventSQL inserts an event's chat's ord, its client_key and the
// eventColumns; its arguments are eventArgs'.
const insertEventSQL = `INSERT INTO events (ord, client_key, ` + eventColumns + `)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// eventArgsClientKey is the index of the client_key in eventArgs.
const eventArgsClientKey = 1

// eventArgs are the stored fields of e, in a chat numbered ord.
func eventArgs(e chat.Event, ord int64) ([]any, error) {
	payload, err := chat.EncodeData(e.Data)
	if err != nil {
		return nil, err
	}
	var p any // NULL for no payload
	if payload != nil {
		p = string(payload)
	}
	return []any{ord, clientKey(e.Author.ID, e.ClientMsgID), e.ConversationID, e.Seq, e.Time.UnixNano(), e.Kind, e.Visibility,
		e.Author.Role, e.Author.ID, e.Author.Name, e.ClientMsgID, e.Text, p}, nil
}

// scanEvent reads the eventColumns of one row.
func scanEvent(s scanner) (chat.Event, error) {
	var e chat.Event
	var t int64
	var payload sql.NullString
	if err := s.Scan(&e.ConversationID, &e.Seq, &t, &e.Kind, &e.Visibility,
		&e.Author.Role, &e.Author.ID, &e.Author.Name, &e.ClientMsgID, &e.Text, &payload); err != nil {
		return chat.Event{}, err
	}
	e.Time = unixTime(t)
	d, err := chat.DecodeData(e.Kind, []byte(payload.String))
	if err != nil {
		return chat.Event{}, fmt.Errorf("event %s/%d: %w", e.ConversationID, e.Seq, err)
	}
	e.Data = d
	return e, nil
}
