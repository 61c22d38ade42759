package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

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
// set, even if the chat has ended since, and whichever node stored it.
//
// Concurrent calls on one DB are committed together, a batch a
// transaction, in the order taken, with the guarantees of
// store.GroupCommit: a rule error answers only its own caller; if ctx is
// done while the call waits for the commit, the event may still be stored,
// and a retry with the same ClientMsgID finds it. A database that cannot be
// reached is an error with code unavailable.
func (db *DB) AppendEvent(ctx context.Context, e chat.Event) (store.Appended, error) {
	return db.appends.Append(ctx, e)
}

// commitBatch, run by the DB's writer goroutine only, appends the events of
// reqs in one transaction and answers each request. Writers on other nodes
// are serialised with it by the conversation rows they lock.
//
// A transaction that PostgreSQL aborts for a deadlock or a serialization
// failure, or that lost a race to insert a client message id (a writer that
// did not lock the conversation row, which this store never is), is run
// again from the start: the new attempt reads afresh and returns the racing
// original as a duplicate.
func (db *DB) commitBatch(reqs []*store.AppendRequest) {
	var err error
	for attempt := 1; ; attempt++ {
		err = db.tryBatch(reqs)
		if err == nil || attempt == maxTxAttempts || !(retryable(err) || pgCode(err) == codeUniqueViolation) {
			break
		}
		if backoff(db.ctx, attempt) != nil {
			break
		}
	}
	if err != nil {
		err = db.classify(err)
		for _, req := range reqs {
			req.Answer(store.Appended{}, fmt.Errorf("append event: %w", err))
		}
		return
	}
	db.faults.Succeeded()
	db.commits.Add(1)
	db.committed.Add(int64(len(reqs)))
}

// tryBatch runs one attempt at the batch's transaction, answering each
// request. A non-nil error fails every request (unless a retry succeeds);
// errors for one caller only are in its answer. The fold is store.Batch's;
// this reads what it needs in bulk and writes what it decided.
//
// The transaction makes three round trips before COMMIT and runs at most
// eight statements, whatever the batch's size: BEGIN; the row locks and the
// client-message-id lookup, pipelined; the insert of all events, the update
// of all conversations, the upsert of the participants record, the files
// sent and the webhook deliveries, pipelined.
func (db *DB) tryBatch(reqs []*store.AppendRequest) error {
	ctx := db.ctx
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) // a no-op after Commit
	now := db.clock()

	// Lock every conversation of the batch, in id order: two nodes' writers
	// that both want rows A and B both lock A first, so neither can hold B
	// while waiting for A. FOR UPDATE waits for any writer that holds a row
	// and then returns the row as that writer committed it.
	var ids, files []string
	var keys struct{ conv, author, msg []string }
	for _, req := range reqs {
		e := req.Event
		ids = append(ids, string(e.ConversationID))
		for _, id := range e.AttachmentIDs() {
			if chat.CheckID(string(id), "") == nil {
				files = append(files, string(id))
			}
		}
		// An id that is not printable text never reaches the database; the
		// batch refuses it to its caller.
		if e.ClientMsgID != "" && chat.CheckClientMsgID(e.ClientMsgID) == nil {
			keys.conv = append(keys.conv, string(e.ConversationID))
			keys.author = append(keys.author, e.Author.ID)
			keys.msg = append(keys.msg, e.ClientMsgID)
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	read := &pgx.Batch{}
	read.Queue(`SELECT `+conversationColumns+` FROM conversations WHERE id = ANY($1) ORDER BY id FOR UPDATE`, ids)
	if len(keys.conv) > 0 {
		// Under the locks, so this statement sees every event committed to
		// these conversations by any node.
		read.Queue(`SELECT `+eventColumnsOf("e")+` FROM events e
			JOIN unnest($1::text[], $2::text[], $3::text[]) AS k (conversation_id, author_id, client_msg_id)
			ON e.conversation_id = k.conversation_id AND e.author_id = k.author_id
				AND e.client_msg_id = k.client_msg_id
			WHERE e.client_msg_id <> ''`, keys.conv, keys.author, keys.msg)
	}
	if len(files) > 0 {
		// The files the batch's messages carry, locked after the
		// conversations (in id order too): a writer that gives up unsent
		// files (ExpireAttachments) waits for this one, or it for it.
		slices.Sort(files)
		read.Queue(`SELECT `+attachmentColumns+` FROM attachments WHERE id = ANY($1) ORDER BY id FOR UPDATE`, slices.Compact(files))
	}
	src := &batchSource{convs: map[chat.ConversationID]chat.Conversation{}, msgs: map[store.MsgKey]chat.Event{},
		atts: map[chat.AttachmentID]chat.Attachment{}}
	if err := src.read(tx.SendBatch(ctx, read), len(keys.conv) > 0, len(files) > 0); err != nil {
		return err
	}

	b := store.NewBatch(now, src)
	if err := b.Fold(reqs); err != nil {
		return err
	}
	if len(b.Events) > 0 {
		var events eventRows
		for _, e := range b.Events {
			if err := events.add(e); err != nil {
				return err
			}
		}
		var convs conversationRows
		for _, c := range b.Changed() {
			convs.add(c)
		}
		write := &pgx.Batch{}
		write.Queue(insertEventsSQL, events.args()...)
		write.Queue(updateConversationsSQL, convs.args()...)
		if len(b.Participations) > 0 {
			var ps participantRows
			for _, p := range b.Participations {
				ps.add(p)
			}
			write.Queue(upsertParticipantsSQL, ps.args()...)
		}
		if len(b.Attached) > 0 {
			var fileIDs []string
			var seqs []int64
			for _, u := range b.Attached {
				fileIDs, seqs = append(fileIDs, string(u.ID)), append(seqs, int64(u.Seq))
			}
			write.Queue(sendAttachmentsSQL, fileIDs, seqs)
		}
		// The events' webhook deliveries, in the same transaction: no
		// committed event is without them.
		if r := eventWebhooks(b.Events); r != nil {
			write.Queue(enqueueWebhooksSQL, r.args(now)...)
		}
		if err := tx.SendBatch(ctx, write).Close(); err != nil {
			return err
		}
	}
	return tx.Commit(ctx)
}

// batchSource holds what a batch's transaction read in bulk: the locked
// conversations and the stored events with the batch's client message ids.
// A conversation it lacks does not exist.
type batchSource struct {
	convs map[chat.ConversationID]chat.Conversation
	msgs  map[store.MsgKey]chat.Event
	atts  map[chat.AttachmentID]chat.Attachment
}

func (s *batchSource) Attachments(ids []chat.AttachmentID) ([]chat.Attachment, error) {
	var out []chat.Attachment
	for _, id := range ids {
		if a, ok := s.atts[id]; ok {
			out = append(out, a)
		}
	}
	return out, nil
}

func (s *batchSource) Conversation(id chat.ConversationID) (chat.Conversation, error) {
	c, ok := s.convs[id]
	if !ok {
		return chat.Conversation{}, store.ErrNoConversation
	}
	return c, nil
}

func (s *batchSource) EventByClientMsgID(k store.MsgKey) (chat.Event, bool, error) {
	e, ok := s.msgs[k]
	return e, ok, nil
}

// read takes the locked conversations, if lookup the stored events with
// the batch's client message ids, and if files the locked attachments,
// from br, and closes it.
func (s *batchSource) read(br pgx.BatchResults, lookup, files bool) error {
	defer br.Close()
	rows, err := br.Query()
	if err != nil {
		return err
	}
	convs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (chat.Conversation, error) { return scanConversation(row) })
	if err != nil {
		return err
	}
	for _, c := range convs {
		s.convs[c.ID] = c
	}
	if lookup {
		rows, err := br.Query()
		if err != nil {
			return err
		}
		es, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (chat.Event, error) { return scanEvent(row) })
		if err != nil {
			return err
		}
		for _, e := range es {
			s.msgs[store.MsgKey{Conversation: e.ConversationID, Author: e.Author.ID, ClientMsgID: e.ClientMsgID}] = e
		}
	}
	if files {
		rows, err := br.Query()
		if err != nil {
			return err
		}
		as, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (chat.Attachment, error) { return scanAttachment(row) })
		if err != nil {
			return err
		}
		for _, a := range as {
			s.atts[a.ID] = a
		}
	}
	return br.Close()
}

// Events returns up to limit events of conversation id with Seq > after, in
// order; limit <= 0 means no limit. An unknown conversation is not_found; a
// known one with nothing after `after` gives an empty list.
//
// Every event is committed in the transaction that assigned its Seq, with
// the conversation row locked, so a reader that sees seq N+1 sees N too.
func (db *DB) Events(ctx context.Context, id chat.ConversationID, after chat.Seq, limit int) ([]chat.Event, error) {
	query := `SELECT ` + eventColumns + ` FROM events WHERE conversation_id = $1 AND seq > $2 ORDER BY seq`
	args := []any{id, after}
	if limit > 0 {
		query += ` LIMIT $3`
		args = append(args, limit)
	}
	rows, err := db.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("events: %w", classify(err))
	}
	es, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (chat.Event, error) { return scanEvent(row) })
	if err != nil {
		return nil, fmt.Errorf("events: %w", classify(err))
	}
	if len(es) == 0 {
		// Conversations are never deleted, so asking after the fact is safe.
		ok, err := exists(ctx, db.pool, `SELECT 1 FROM conversations WHERE id = $1`, id)
		if err != nil {
			return nil, fmt.Errorf("events: %w", classify(err))
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
	e, err := scanEvent(db.pool.QueryRow(ctx, `SELECT `+eventColumns+` FROM events
		WHERE conversation_id = $1 AND author_id = $2 AND client_msg_id = $3 AND client_msg_id <> ''`,
		k.Conversation, k.Author, k.ClientMsgID))
	if errors.Is(err, pgx.ErrNoRows) {
		return chat.Event{}, false, nil
	}
	if err != nil {
		return chat.Event{}, false, fmt.Errorf("event by client message id: %w", classify(err))
	}
	return e, true, nil
}

// The log is an envelope of columns and the kind's payload as JSONB (NULL
// when the kind has none); see chat.Event.
const eventColumns = `conversation_id, seq, time, kind, visibility, author_role, author_id, author_name,
	client_msg_id, text, payload`

// eventColumnsOf returns eventColumns qualified by table alias t.
func eventColumnsOf(t string) string { return qualified(t, eventColumns) }

// insertEventSQL inserts one event; its arguments are eventArgs'.
const insertEventSQL = `INSERT INTO events (` + eventColumns + `)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`

// insertEventsSQL inserts many events in one statement, a column at a time,
// and indexes each one's text for search (chat.SearchText, given as the
// twelfth column); its arguments are eventRows.args'.
const insertEventsSQL = `INSERT INTO events (` + eventColumns + `, search)
	SELECT u.conversation_id, u.seq, u.time, u.kind, u.visibility, u.author_role, u.author_id, u.author_name,
		u.client_msg_id, u.text, u.payload, CASE WHEN u.search = '' THEN NULL ELSE to_tsvector('simple', u.search) END
	FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[],
		$7::text[], $8::text[], $9::text[], $10::text[], $11::jsonb[], $12::text[])
		AS u (conversation_id, seq, time, kind, visibility, author_role, author_id, author_name,
			client_msg_id, text, payload, search)`

// eventArgs are the stored fields of e.
func eventArgs(e chat.Event) ([]any, error) {
	payload, err := chat.EncodeData(e.Data)
	if err != nil {
		return nil, err
	}
	return []any{e.ConversationID, e.Seq, e.Time.UnixNano(), e.Kind, e.Visibility,
		e.Author.Role, e.Author.ID, e.Author.Name, e.ClientMsgID, e.Text, jsonArg(payload)}, nil
}

// jsonArg is a JSON value as a jsonb argument: its text, or NULL.
func jsonArg(b []byte) *string {
	if b == nil {
		return nil
	}
	s := string(b)
	return &s
}

// eventRows holds events to insert as columns, the arguments of
// insertEventsSQL.
type eventRows struct {
	conversationID, kind, visibility, authorRole, authorID, authorName []string
	clientMsgID, text, search                                          []string
	seq, time                                                          []int64
	payload                                                            []*string
}

func (r *eventRows) add(e chat.Event) error {
	payload, err := chat.EncodeData(e.Data)
	if err != nil {
		return err
	}
	r.conversationID = append(r.conversationID, string(e.ConversationID))
	r.seq = append(r.seq, int64(e.Seq))
	r.time = append(r.time, e.Time.UnixNano())
	r.kind = append(r.kind, string(e.Kind))
	r.visibility = append(r.visibility, string(e.Visibility))
	r.authorRole = append(r.authorRole, string(e.Author.Role))
	r.authorID = append(r.authorID, e.Author.ID)
	r.authorName = append(r.authorName, e.Author.Name)
	r.clientMsgID = append(r.clientMsgID, e.ClientMsgID)
	r.text = append(r.text, e.Text)
	r.search = append(r.search, chat.SearchText(e.Text))
	r.payload = append(r.payload, jsonArg(payload))
	return nil
}

func (r *eventRows) args() []any {
	return []any{r.conversationID, r.seq, r.time, r.kind, r.visibility, r.authorRole, r.authorID,
		r.authorName, r.clientMsgID, r.text, r.payload, r.search}
}

// scanEvent reads the eventColumns of one row.
func scanEvent(s pgx.Row) (chat.Event, error) {
	var e chat.Event
	var t int64
	var payload []byte // JSON, nil for NULL
	if err := s.Scan(&e.ConversationID, &e.Seq, &t, &e.Kind, &e.Visibility,
		&e.Author.Role, &e.Author.ID, &e.Author.Name, &e.ClientMsgID, &e.Text, &payload); err != nil {
		return chat.Event{}, err
	}
	e.Time = unixTime(t)
	d, err := chat.DecodeData(e.Kind, payload)
	if err != nil {
		return chat.Event{}, fmt.Errorf("event %s/%d: %w", e.ConversationID, e.Seq, err)
	}
	e.Data = d
	return e, nil
}
