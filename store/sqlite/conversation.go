package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"skranke/chat"
	"skranke/store"
)

// StartConversation creates a waiting conversation with its "started" event
// (Seq 1), unless the customer has one that has not ended: then it returns
// that one with Created false (store.Start has the rules). s.ID is used for
// a new conversation; if it is empty, a new id is made.
//
// It runs on the single write connection, so two calls for one customer are
// serialised and the second finds the first's conversation; the partial
// unique index on conversations(customer_id) holds the rule even so.
//
// The start commits with the appends that wait with it (store.GroupCommit
// Do, run by workInBatch): a chat's start would otherwise be a commit of
// its own, with its own sync to disk, while the appends wait behind it.
//
// Once handed over, the start is carried through whatever becomes of ctx
// (a customer who hangs up): its caller must learn of a chat that has been
// stored, to announce it to the router, and a transaction of its own would
// have been undone with ctx instead. The wait is a batch's, not more.
func (db *DB) StartConversation(ctx context.Context, s store.StartConversation) (store.StartResult, error) {
	if err := ctx.Err(); err != nil {
		return store.StartResult{}, fmt.Errorf("start conversation: %w", err)
	}
	res, err := db.appends.Do(context.WithoutCancel(ctx), s)
	if err != nil {
		return store.StartResult{}, fmt.Errorf("start conversation: %w", err)
	}
	return res.(store.StartResult), nil
}

// workInBatch runs req's Work (from StartConversation or CreateCustomer)
// in tx, the transaction of the writer's batch, behind a savepoint: work
// the rules refuse (an unknown queue, a customer who exists) is undone and
// answered alone. Any other error fails the batch.
func (db *DB) workInBatch(ctx context.Context, tx *sql.Tx, now time.Time, req *store.AppendRequest) error {
	switch req.Work.(type) {
	case store.StartConversation, chat.Customer:
	default: // a bug: answered alone
		req.AnswerWork(nil, fmt.Errorf("the writer has no such work: %T", req.Work))
		return nil
	}
	wtx := workTx{tx, db}
	if _, err := wtx.ExecContext(ctx, savepointWorkSQL); err != nil {
		return err
	}
	var res any
	var err error
	switch w := req.Work.(type) {
	case store.StartConversation:
		res, err = store.Start(startTx{ctx, wtx}, w, now)
	case chat.Customer:
		res, err = insertCustomer(ctx, wtx, w, now)
	}
	var ce *chat.Error
	switch {
	case errors.As(err, &ce):
		if _, err := wtx.ExecContext(ctx, rollbackWorkSQL); err != nil {
			return err
		}
		req.AnswerWork(nil, err)
	case err != nil:
		return err
	default:
		req.AnswerWork(res, nil)
	}
	_, err = wtx.ExecContext(ctx, releaseWorkSQL)
	return err
}

// startTx is store.StartTx in a SQLite transaction.
type startTx struct {
	ctx context.Context
	tx  workTx
}

func (t startTx) OpenConversation(customer chat.CustomerID) (chat.Conversation, bool, error) {
	c, err := scanConversation(t.tx.QueryRowContext(t.ctx, openConversationSQL, customer))
	if errors.Is(err, sql.ErrNoRows) {
		return chat.Conversation{}, false, nil
	}
	return c, err == nil, err
}

func (t startTx) QueueExists(id chat.QueueID) (bool, error) {
	return exists(t.ctx, t.tx, queueExistsSQL, id)
}

func (t startTx) CustomerExists(id chat.CustomerID) (bool, error) {
	return exists(t.ctx, t.tx, customerExistsSQL, id)
}

func (t startTx) InsertConversation(c chat.Conversation, e chat.Event) (bool, error) {
	// ord numbers the conversations in the order they arrive (the chat
	// log's order, and the search index's, migration 00009).
	var ord int64
	err := t.tx.QueryRowContext(t.ctx, insertConversationSQL,
		c.ID, c.QueueID, c.CustomerID, c.CustomerName, c.Status,
		idList(c.Agents), idList(c.Declined), c.Priority, c.QueuedAt.UnixNano(), c.CreatedAt.UnixNano(), c.LastSeq).Scan(&ord)
	if err != nil {
		return false, conflict(err, chat.E(chat.EConflict, "conversation_exists", "A conversation with this id exists already."))
	}
	args, err := eventArgs(e, ord)
	if err != nil {
		return false, err
	}
	if _, err := t.tx.ExecContext(t.ctx, insertEventSQL, args...); err != nil {
		return false, err
	}
	db, tx := t.tx.db, t.tx.tx
	if err := enqueueEventWebhooks(t.ctx, tx, db.stmts.webhooksExist, db.stmts.enqueueWebhooks, []chat.Event{e}, e.Time); err != nil {
		return false, err
	}
	return true, db.queueEvents(t.ctx, t.tx, []chat.Event{e})
}

// Conversation returns the current state of conversation id.
func (db *DB) Conversation(ctx context.Context, id chat.ConversationID) (chat.Conversation, error) {
	c, err := scanConversation(db.hot().QueryRowContext(ctx, `SELECT `+conversationColumns+`
		FROM conversations WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return chat.Conversation{}, store.ErrNoConversation
	}
	if err != nil {
		return chat.Conversation{}, fmt.Errorf("conversation: %w", err)
	}
	return c, nil
}

// Conversations lists the conversations that match f, oldest first: by
// creation time, then in the order they were stored.
func (db *DB) Conversations(ctx context.Context, f store.ConversationFilter) ([]chat.Conversation, error) {
	query, args := conversationsQuery(f)
	return queryAll(ctx, db, "conversations", scanConversation, query, args...)
}

// conversationsQuery is the query of Conversations(f) and its arguments.
func conversationsQuery(f store.ConversationFilter) (string, []any) {
	var where []string
	var args []any
	if len(f.Statuses) > 0 {
		// With an agent, the agent's participants rows pick the few
		// conversations to read: "+status" keeps SQLite from searching
		// conversations_status instead, which reads every open chat for
		// each agent (at every agent's hello, so all agents × all chats
		// in a reconnect storm). TestConversations_agentPlan checks it.
		col := "status"
		if f.AgentID != "" {
			col = "+status"
		}
		where = append(where, col+" IN (?"+strings.Repeat(", ?", len(f.Statuses)-1)+")")
		for _, s := range f.Statuses {
			args = append(args, s)
		}
	}
	if f.CustomerID != "" {
		where = append(where, "customer_id = ?")
		args = append(args, f.CustomerID)
	}
	if f.AgentID != "" {
		where = append(where, "id IN (SELECT conversation_id FROM participants WHERE agent_id = ? AND state <> 'gone')")
		args = append(args, f.AgentID)
	}
	if f.Subject != "" {
		where = append(where, "customer_id IN (SELECT id FROM customers WHERE subject = ?)")
		args = append(args, f.Subject)
	}
	query := `SELECT ` + conversationColumns + ` FROM conversations`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	query += ` ORDER BY created_at, rowid LIMIT ?`
	limit := f.Limit
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	args = append(args, limit)
	return query, args
}

const conversationColumns = `id, queue_id, customer_id, customer_name, status, agents, declined,
	offer_agent_id, offer_offered_at, offer_expires_at, priority, queued_at, created_at, ended_at, last_seq,
	invitation, customer_connected_at, customer_left_at, record, menus`

// scanConversation reads the conversationColumns of one row.
func scanConversation(s scanner) (chat.Conversation, error) { return scanConversationWith(s) }

// scanConversationWith reads the conversationColumns of one row, and the
// columns after them into extra.
func scanConversationWith(s scanner, extra ...any) (chat.Conversation, error) {
	var c chat.Conversation
	var agents, declined string
	var offerAgent, invitation, menus sql.NullString
	var offeredAt, expiresAt, endedAt, connectedAt, leftAt sql.NullInt64
	var queuedAt, createdAt int64
	var record string
	err := s.Scan(append([]any{&c.ID, &c.QueueID, &c.CustomerID, &c.CustomerName, &c.Status, &agents, &declined,
		&offerAgent, &offeredAt, &expiresAt, &c.Priority, &queuedAt, &createdAt, &endedAt, &c.LastSeq,
		&invitation, &connectedAt, &leftAt, &record, &menus}, extra...)...)
	if err != nil {
		return chat.Conversation{}, err
	}
	if menus.Valid {
		if err := json.Unmarshal([]byte(menus.String), &c.Menus); err != nil {
			return chat.Conversation{}, fmt.Errorf("conversation %s: menus: %w", c.ID, err)
		}
	}
	if err := json.Unmarshal([]byte(record), &c.Record); err != nil {
		return chat.Conversation{}, fmt.Errorf("conversation %s: record: %w", c.ID, err)
	}
	if invitation.Valid {
		c.Invitation = new(chat.Invitation)
		if err := json.Unmarshal([]byte(invitation.String), c.Invitation); err != nil {
			return chat.Conversation{}, fmt.Errorf("conversation %s: invitation: %w", c.ID, err)
		}
	}
	if err := json.Unmarshal([]byte(agents), &c.Agents); err != nil {
		return chat.Conversation{}, fmt.Errorf("conversation %s: agents: %w", c.ID, err)
	}
	if err := json.Unmarshal([]byte(declined), &c.Declined); err != nil {
		return chat.Conversation{}, fmt.Errorf("conversation %s: declined: %w", c.ID, err)
	}
	if offerAgent.Valid {
		c.Offer = &chat.Offer{
			AgentID:   chat.UserID(offerAgent.String),
			OfferedAt: nullTime(offeredAt),
			ExpiresAt: nullTime(expiresAt),
		}
	}
	c.QueuedAt, c.CreatedAt, c.EndedAt = unixTime(queuedAt), unixTime(createdAt), nullTime(endedAt)
	c.CustomerConnectedAt, c.CustomerLeftAt = nullTime(connectedAt), nullTime(leftAt)
	return c, nil
}

// updateConversationSQL writes the fields Apply may change; its arguments
// are conversationUpdate's.
const updateConversationSQL = `UPDATE conversations SET status = ?, agents = ?, declined = ?,
	offer_agent_id = ?, offer_offered_at = ?, offer_expires_at = ?,
	priority = ?, queued_at = ?, ended_at = ?, last_seq = ?,
	invitation = ?, invitation_agent_id = ?, customer_connected_at = ?, customer_left_at = ?, record = ?,
	queue_id = ?, menus = ? WHERE id = ?`

func conversationUpdate(c chat.Conversation) []any {
	var offerAgent, offeredAt, expiresAt any // NULL when no offer is open
	if c.Offer != nil {
		offerAgent, offeredAt, expiresAt = c.Offer.AgentID, c.Offer.OfferedAt.UnixNano(), timeValue(c.Offer.ExpiresAt)
	}
	var invitation, invitee any // NULL when no invitation is pending
	if c.Invitation != nil {
		b, _ := json.Marshal(c.Invitation) // plain fields: cannot fail
		invitation = string(b)
		if c.Invitation.AgentID != "" {
			invitee = c.Invitation.AgentID
		}
	}
	record, _ := json.Marshal(c.Record) // plain fields: cannot fail
	var menus any                       // NULL for a chat without menus
	if len(c.Menus) > 0 {
		b, _ := json.Marshal(c.Menus) // plain fields: cannot fail
		menus = string(b)
	}
	return []any{c.Status, idList(c.Agents), idList(c.Declined), offerAgent, offeredAt, expiresAt,
		c.Priority, c.QueuedAt.UnixNano(), timeValue(c.EndedAt), c.LastSeq, invitation, invitee,
		timeValue(c.CustomerConnectedAt), timeValue(c.CustomerLeftAt), string(record), c.QueueID, menus, c.ID}
}

// updateConversationLogSQL writes what a plain message changes of a
// conversation (logOnly); its arguments are conversationLogUpdate's. No
// index of conversations has these columns.
const updateConversationLogSQL = `UPDATE conversations SET last_seq = ?, record = ? WHERE id = ?`

func conversationLogUpdate(c chat.Conversation) []any {
	record, _ := json.Marshal(c.Record) // plain fields: cannot fail
	return []any{c.LastSeq, string(record), c.ID}
}

// logOnly reports whether after differs from before in LastSeq and Record
// alone, so that updateConversationLogSQL writes all of the change. Any
// other difference gives false: the full update. Fields are compared as
// they are stored (times as instants, a nil list as an empty one), each by
// name and without reflection, which allocated two copies of the
// conversation for every message; TestLogOnlyFields fails for a field of
// chat.Conversation added without being compared here.
func logOnly(before, after chat.Conversation) bool {
	b, a := &before, &after
	return b.ID == a.ID && b.QueueID == a.QueueID && b.CustomerID == a.CustomerID &&
		b.CustomerName == a.CustomerName && b.Status == a.Status &&
		slices.Equal(b.Agents, a.Agents) && sameOffer(b.Offer, a.Offer) &&
		sameInvitation(b.Invitation, a.Invitation) && slices.Equal(b.Declined, a.Declined) &&
		b.Priority == a.Priority && b.QueuedAt.Equal(a.QueuedAt) && b.CreatedAt.Equal(a.CreatedAt) &&
		b.EndedAt.Equal(a.EndedAt) && b.CustomerConnectedAt.Equal(a.CustomerConnectedAt) &&
		b.CustomerLeftAt.Equal(a.CustomerLeftAt) && slices.EqualFunc(b.Menus, a.Menus, sameMenu)
}

func sameOffer(a, b *chat.Offer) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.AgentID == b.AgentID && a.OfferedAt.Equal(b.OfferedAt) && a.ExpiresAt.Equal(b.ExpiresAt)
}

func sameInvitation(a, b *chat.Invitation) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.AgentID == b.AgentID && a.InvitedBy == b.InvitedBy && a.QueueID == b.QueueID && a.Note == b.Note &&
		a.OfferedAt.Equal(b.OfferedAt) && a.ExpiresAt.Equal(b.ExpiresAt) && slices.Equal(a.Declined, b.Declined) &&
		a.Transfer == b.Transfer && a.Until.Equal(b.Until)
}

func sameMenu(a, b chat.MenuState) bool {
	return a.ID == b.ID && a.Seq == b.Seq && a.Status == b.Status && slices.Equal(a.Options, b.Options) && a.Chosen == b.Chosen
}

// idList encodes user ids as a JSON array, [] for none.
func idList(ids []chat.UserID) string {
	if len(ids) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(ids) // cannot fail for a slice of strings
	return string(b)
}

// Participation returns agent's record in conversation id, not_found if
// the agent never had a part in it.
func (db *DB) Participation(ctx context.Context, id chat.ConversationID, agent chat.UserID) (chat.Participation, error) {
	p, err := scanParticipation(db.hot().QueryRowContext(ctx, `SELECT `+participantColumns+`
		FROM participants WHERE conversation_id = ? AND agent_id = ?`, id, agent))
	if errors.Is(err, sql.ErrNoRows) {
		return chat.Participation{}, chat.E(chat.ENotFound, "participant_not_found", "No such participant.")
	}
	if err != nil {
		return chat.Participation{}, fmt.Errorf("participation: %w", err)
	}
	return p, nil
}

// Participations lists every agent's record in conversation id, by the time
// each first had a part in it.
func (db *DB) Participations(ctx context.Context, id chat.ConversationID) ([]chat.Participation, error) {
	return queryAll(ctx, db, "participations", scanParticipation, `SELECT `+participantColumns+`
		FROM participants WHERE conversation_id = ? ORDER BY first_at, agent_id`, id)
}

const participantColumns = `conversation_id, agent_id, state, first_at, joined_at, left_at, updated_at, until_seq`

func scanParticipation(s scanner) (chat.Participation, error) {
	var p chat.Participation
	var first, updated int64
	var joined, left, until sql.NullInt64
	err := s.Scan(&p.ConversationID, &p.AgentID, &p.State, &first, &joined, &left, &updated, &until)
	p.FirstAt, p.JoinedAt, p.LeftAt, p.UpdatedAt = unixTime(first), nullTime(joined), nullTime(left), unixTime(updated)
	p.UntilSeq = chat.Seq(until.Int64)
	return p, err
}

// upsertParticipantSQL merges a chat.ParticipationChange into the
// participants record; its arguments are participantArgs'. The first time
// and the first join are kept; the last leaving wins.
const upsertParticipantSQL = `INSERT INTO participants (` + participantColumns + `)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (conversation_id, agent_id) DO UPDATE SET
		state = excluded.state,
		joined_at = COALESCE(participants.joined_at, excluded.joined_at),
		left_at = COALESCE(excluded.left_at, participants.left_at),
		updated_at = excluded.updated_at,
		until_seq = excluded.until_seq`

func participantArgs(p chat.ParticipationChange) []any {
	var joined, left any // NULL unless it happened now
	if p.Joined {
		joined = p.At.UnixNano()
	}
	if p.Left {
		left = p.At.UnixNano()
	}
	var until any // NULL while the agent has a part
	if p.State == chat.ParticipationGone {
		until = p.Seq
	}
	return []any{p.ConversationID, p.AgentID, p.State, p.At.UnixNano(), joined, left, p.At.UnixNano(), until}
}

// The statements of a batch's work (workInBatch), prepared with the
// writer's: a chat's start runs nine (a new customer three), and parsing
// them again at every start was about 5 % of the samples of a CPU profile
// at 200 new chats a second (docs/benchmarks.md, 2026-12-04).
const (
	savepointWorkSQL      = `SAVEPOINT work`
	rollbackWorkSQL       = `ROLLBACK TO work`
	releaseWorkSQL        = `RELEASE work`
	openConversationSQL   = `SELECT ` + conversationColumns + ` FROM conversations WHERE customer_id = ? AND status <> 'ended'`
	queueExistsSQL        = `SELECT 1 FROM queues WHERE id = ? AND removed_at IS NULL`
	customerExistsSQL     = `SELECT 1 FROM customers WHERE id = ?`
	insertConversationSQL = `INSERT INTO conversations (id, queue_id, customer_id, customer_name, status,
		agents, declined, priority, queued_at, created_at, last_seq, ord)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT coalesce(max(ord), 0) + 1 FROM conversations))
		RETURNING ord`
)

var workSQL = []string{savepointWorkSQL, rollbackWorkSQL, releaseWorkSQL, openConversationSQL,
	queueExistsSQL, customerExistsSQL, insertConversationSQL, insertEventSQL, queueEventsSQL, insertCustomerSQL}

// workTx runs statements in tx, a transaction of the writer's batch,
// prepared once (writerStmts.work) when their text is among workSQL's, else
// parsed at the call.
type workTx struct {
	tx *sql.Tx
	db *DB
}

func (w workTx) stmt(ctx context.Context, query string) *sql.Stmt {
	if st, ok := w.db.stmts.work[query]; ok {
		return w.tx.StmtContext(ctx, st)
	}
	w.db.unpreparedWork.Add(1)
	return nil
}

func (w workTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := w.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return w.tx.ExecContext(ctx, query, args...)
}

func (w workTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := w.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return w.tx.QueryContext(ctx, query, args...)
}

func (w workTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := w.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return w.tx.QueryRowContext(ctx, query, args...)
}
