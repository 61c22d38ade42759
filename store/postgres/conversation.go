package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"skranke/chat"
	"skranke/store"
)

// StartConversation creates a waiting conversation with its "started" event
// (Seq 1), unless the customer has one that has not ended: then it returns
// that one with Created false (store.Start has the rules). s.ID is used for
// a new conversation; if it is empty, a new id is made.
//
// The partial unique index conversations_open_customer holds the rule of
// one open conversation per customer across nodes: of racing inserts one
// wins, and the others (ON CONFLICT DO NOTHING waits for the winner to
// commit) then read and return the winner's conversation.
func (db *DB) StartConversation(ctx context.Context, s store.StartConversation) (store.StartResult, error) {
	var res store.StartResult
	err := db.writeTx(ctx, func(tx pgx.Tx, now time.Time) error {
		var err error
		res, err = store.Start(startTx{ctx, tx}, s, now)
		return err
	})
	if err != nil {
		return store.StartResult{}, fmt.Errorf("start conversation: %w", err)
	}
	return res, nil
}

// startTx is store.StartTx in a PostgreSQL transaction.
type startTx struct {
	ctx context.Context
	tx  pgx.Tx
}

func (t startTx) OpenConversation(customer chat.CustomerID) (chat.Conversation, bool, error) {
	c, err := scanConversation(t.tx.QueryRow(t.ctx, `SELECT `+conversationColumns+`
		FROM conversations WHERE customer_id = $1 AND status <> 'ended'`, customer))
	if errors.Is(err, pgx.ErrNoRows) {
		return chat.Conversation{}, false, nil
	}
	return c, err == nil, err
}

func (t startTx) QueueExists(id chat.QueueID) (bool, error) {
	return exists(t.ctx, t.tx, `SELECT 1 FROM queues WHERE id = $1 AND removed_at IS NULL`, id)
}

func (t startTx) CustomerExists(id chat.CustomerID) (bool, error) {
	return exists(t.ctx, t.tx, `SELECT 1 FROM customers WHERE id = $1`, id)
}

// InsertConversation inserts c and e, or nothing when another transaction
// has an open conversation for the customer: a statement reads afresh, so
// the caller's next read sees the winner's.
func (t startTx) InsertConversation(c chat.Conversation, e chat.Event) (bool, error) {
	tag, err := t.tx.Exec(t.ctx, `INSERT INTO conversations (id, queue_id, customer_id, customer_name, status,
		agents, declined, priority, queued_at, created_at, last_seq)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (customer_id) WHERE status <> 'ended' DO NOTHING`,
		c.ID, c.QueueID, c.CustomerID, c.CustomerName, c.Status,
		idList(c.Agents), idList(c.Declined), c.Priority, c.QueuedAt.UnixNano(), c.CreatedAt.UnixNano(), c.LastSeq)
	if err != nil {
		return false, conflict(err, chat.E(chat.EConflict, "conversation_exists", "A conversation with this id exists already."))
	}
	if tag.RowsAffected() == 0 {
		return false, nil
	}
	args, err := eventArgs(e)
	if err != nil {
		return false, err
	}
	if _, err := t.tx.Exec(t.ctx, insertEventSQL, args...); err != nil {
		return false, err
	}
	// The started event's webhook deliveries, with it.
	if r := eventWebhooks([]chat.Event{e}); r != nil {
		if _, err := t.tx.Exec(t.ctx, enqueueWebhooksSQL, r.args(e.Time)...); err != nil {
			return false, err
		}
	}
	return true, nil
}

// Conversation returns the current state of conversation id.
func (db *DB) Conversation(ctx context.Context, id chat.ConversationID) (chat.Conversation, error) {
	c, err := scanConversation(db.pool.QueryRow(ctx, `SELECT `+conversationColumns+`
		FROM conversations WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return chat.Conversation{}, store.ErrNoConversation
	}
	if err != nil {
		return chat.Conversation{}, fmt.Errorf("conversation: %w", classify(err))
	}
	return c, nil
}

// Conversations lists the conversations that match f, oldest first: by
// creation time, then in the order they were stored.
func (db *DB) Conversations(ctx context.Context, f store.ConversationFilter) ([]chat.Conversation, error) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if len(f.Statuses) > 0 {
		statuses := make([]string, len(f.Statuses))
		for i, s := range f.Statuses {
			statuses[i] = string(s)
		}
		where = append(where, "status = ANY("+arg(statuses)+")")
	}
	if f.CustomerID != "" {
		where = append(where, "customer_id = "+arg(f.CustomerID))
	}
	if f.AgentID != "" {
		where = append(where, "id IN (SELECT conversation_id FROM participants WHERE agent_id = "+arg(string(f.AgentID))+" AND state <> 'gone')")
	}
	if f.Subject != "" {
		where = append(where, "customer_id IN (SELECT id FROM customers WHERE subject = "+arg(f.Subject)+")")
	}
	query := `SELECT ` + conversationColumns + ` FROM conversations`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	query += ` ORDER BY created_at, ord`
	if f.Limit > 0 {
		query += ` LIMIT ` + arg(f.Limit)
	}
	rows, err := db.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("conversations: %w", classify(err))
	}
	cs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (chat.Conversation, error) { return scanConversation(row) })
	if err != nil {
		return nil, fmt.Errorf("conversations: %w", classify(err))
	}
	return cs, nil
}

const conversationColumns = `id, queue_id, customer_id, customer_name, status, agents, declined,
	offer_agent_id, offer_offered_at, offer_expires_at, priority, queued_at, created_at, ended_at, last_seq,
	invitation, customer_connected_at, customer_left_at, record, menus`

// scanConversation reads the conversationColumns of one row.
func scanConversation(s pgx.Row) (chat.Conversation, error) { return scanConversationWith(s) }

// scanConversationWith reads the conversationColumns of one row, and the
// columns after them into extra.
func scanConversationWith(s pgx.Row, extra ...any) (chat.Conversation, error) {
	var c chat.Conversation
	var agents, declined []string
	var offerAgent *string
	var invitation, record, menus []byte // JSON, nil for NULL
	var offeredAt, expiresAt, endedAt, connectedAt, leftAt *int64
	var queuedAt, createdAt int64
	err := s.Scan(append([]any{&c.ID, &c.QueueID, &c.CustomerID, &c.CustomerName, &c.Status, &agents, &declined,
		&offerAgent, &offeredAt, &expiresAt, &c.Priority, &queuedAt, &createdAt, &endedAt, &c.LastSeq,
		&invitation, &connectedAt, &leftAt, &record, &menus}, extra...)...)
	if err != nil {
		return chat.Conversation{}, err
	}
	if menus != nil {
		if err := json.Unmarshal(menus, &c.Menus); err != nil {
			return chat.Conversation{}, fmt.Errorf("conversation %s: menus: %w", c.ID, err)
		}
	}
	if err := json.Unmarshal(record, &c.Record); err != nil {
		return chat.Conversation{}, fmt.Errorf("conversation %s: record: %w", c.ID, err)
	}
	if invitation != nil {
		c.Invitation = new(chat.Invitation)
		if err := json.Unmarshal(invitation, c.Invitation); err != nil {
			return chat.Conversation{}, fmt.Errorf("conversation %s: invitation: %w", c.ID, err)
		}
	}
	c.Agents, c.Declined = userIDs(agents), userIDs(declined)
	if offerAgent != nil {
		c.Offer = &chat.Offer{
			AgentID:   chat.UserID(*offerAgent),
			OfferedAt: nullTime(offeredAt),
			ExpiresAt: nullTime(expiresAt),
		}
	}
	c.QueuedAt, c.CreatedAt, c.EndedAt = unixTime(queuedAt), unixTime(createdAt), nullTime(endedAt)
	c.CustomerConnectedAt, c.CustomerLeftAt = nullTime(connectedAt), nullTime(leftAt)
	return c, nil
}

// updateConversationsSQL writes the fields Apply may change of many
// conversations in one statement, a column at a time; its arguments are
// conversationRows.args'. Lists travel as JSON arrays, since PostgreSQL
// arrays of arrays must be rectangular.
const updateConversationsSQL = `UPDATE conversations c SET status = u.status,
		agents = ARRAY(SELECT a FROM jsonb_array_elements_text(u.agents) WITH ORDINALITY AS x (a, i) ORDER BY i),
		declined = ARRAY(SELECT a FROM jsonb_array_elements_text(u.declined) WITH ORDINALITY AS x (a, i) ORDER BY i),
		offer_agent_id = u.offer_agent_id, offer_offered_at = u.offer_offered_at, offer_expires_at = u.offer_expires_at,
		priority = u.priority, queued_at = u.queued_at, ended_at = u.ended_at, last_seq = u.last_seq,
		invitation = u.invitation, invitation_agent_id = u.invitation_agent_id,
		customer_connected_at = u.customer_connected_at, customer_left_at = u.customer_left_at, record = u.record,
		queue_id = u.queue_id, menus = u.menus
	FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::jsonb[], $5::text[], $6::bigint[], $7::bigint[],
		$8::integer[], $9::bigint[], $10::bigint[], $11::bigint[], $12::jsonb[], $13::text[],
		$14::bigint[], $15::bigint[], $16::jsonb[], $17::text[], $18::jsonb[])
		AS u (id, status, agents, declined, offer_agent_id, offer_offered_at, offer_expires_at,
			priority, queued_at, ended_at, last_seq, invitation, invitation_agent_id,
			customer_connected_at, customer_left_at, record, queue_id, menus)
	WHERE c.id = u.id`

// conversationRows holds conversations to write back as columns, the
// arguments of updateConversationsSQL. NULL columns are nil pointers.
type conversationRows struct {
	id, status, agents, declined                []string
	offerAgentID, invitation, invitationAgentID []*string
	menus                                       []*string
	record, queueID                             []string
	offerOfferedAt, offerExpiresAt, endedAt     []*int64
	customerConnectedAt, customerLeftAt         []*int64
	queuedAt, lastSeq                           []int64
	priority                                    []int32
}

func (r *conversationRows) add(c chat.Conversation) {
	var offerAgent *string // NULL when no offer is open
	var offeredAt, expiresAt *int64
	if c.Offer != nil {
		a := string(c.Offer.AgentID)
		offerAgent, offeredAt, expiresAt = &a, timeValue(c.Offer.OfferedAt), timeValue(c.Offer.ExpiresAt)
	}
	var invitation, invitee *string // NULL when no invitation is pending
	if c.Invitation != nil {
		b, _ := json.Marshal(c.Invitation) // plain fields: cannot fail
		s := string(b)
		invitation = &s
		if c.Invitation.AgentID != "" {
			a := string(c.Invitation.AgentID)
			invitee = &a
		}
	}
	r.id = append(r.id, string(c.ID))
	r.status = append(r.status, string(c.Status))
	r.agents = append(r.agents, jsonList(c.Agents))
	r.declined = append(r.declined, jsonList(c.Declined))
	r.offerAgentID = append(r.offerAgentID, offerAgent)
	r.offerOfferedAt = append(r.offerOfferedAt, offeredAt)
	r.offerExpiresAt = append(r.offerExpiresAt, expiresAt)
	r.priority = append(r.priority, int32(c.Priority))
	r.queuedAt = append(r.queuedAt, c.QueuedAt.UnixNano())
	r.endedAt = append(r.endedAt, timeValue(c.EndedAt))
	r.lastSeq = append(r.lastSeq, int64(c.LastSeq))
	r.invitation = append(r.invitation, invitation)
	r.invitationAgentID = append(r.invitationAgentID, invitee)
	record, _ := json.Marshal(c.Record) // plain fields: cannot fail
	r.record = append(r.record, string(record))
	var menus *string // NULL for a chat without menus
	if len(c.Menus) > 0 {
		b, _ := json.Marshal(c.Menus) // plain fields: cannot fail
		s := string(b)
		menus = &s
	}
	r.menus = append(r.menus, menus)
	r.customerConnectedAt = append(r.customerConnectedAt, timeValue(c.CustomerConnectedAt))
	r.customerLeftAt = append(r.customerLeftAt, timeValue(c.CustomerLeftAt))
	r.queueID = append(r.queueID, string(c.QueueID))
}

func (r *conversationRows) args() []any {
	return []any{r.id, r.status, r.agents, r.declined, r.offerAgentID, r.offerOfferedAt, r.offerExpiresAt,
		r.priority, r.queuedAt, r.endedAt, r.lastSeq, r.invitation, r.invitationAgentID,
		r.customerConnectedAt, r.customerLeftAt, r.record, r.queueID, r.menus}
}

// jsonList encodes user ids as a JSON array, [] for none.
func jsonList(ids []chat.UserID) string {
	if len(ids) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(ids) // cannot fail for a slice of strings
	return string(b)
}

// idList converts user ids to a text[] argument, {} for none.
func idList(ids []chat.UserID) []string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = string(id)
	}
	return s
}

// userIDs converts a text[] back; {} is nil, as Apply leaves it.
func userIDs(s []string) []chat.UserID {
	if len(s) == 0 {
		return nil
	}
	ids := make([]chat.UserID, len(s))
	for i, id := range s {
		ids[i] = chat.UserID(id)
	}
	return ids
}

// Participation returns agent's record in conversation id, not_found if
// the agent never had a part in it.
func (db *DB) Participation(ctx context.Context, id chat.ConversationID, agent chat.UserID) (chat.Participation, error) {
	p, err := scanParticipation(db.pool.QueryRow(ctx, `SELECT `+participantColumns+`
		FROM participants WHERE conversation_id = $1 AND agent_id = $2`, id, agent))
	if errors.Is(err, pgx.ErrNoRows) {
		return chat.Participation{}, chat.E(chat.ENotFound, "participant_not_found", "No such participant.")
	}
	if err != nil {
		return chat.Participation{}, fmt.Errorf("participation: %w", classify(err))
	}
	return p, nil
}

// Participations lists every agent's record in conversation id, by the time
// each first had a part in it.
func (db *DB) Participations(ctx context.Context, id chat.ConversationID) ([]chat.Participation, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+participantColumns+`
		FROM participants WHERE conversation_id = $1 ORDER BY first_at, agent_id`, id)
	if err != nil {
		return nil, fmt.Errorf("participations: %w", classify(err))
	}
	ps, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (chat.Participation, error) { return scanParticipation(row) })
	if err != nil {
		return nil, fmt.Errorf("participations: %w", classify(err))
	}
	return ps, nil
}

const participantColumns = `conversation_id, agent_id, state, first_at, joined_at, left_at, updated_at, until_seq`

func scanParticipation(s pgx.Row) (chat.Participation, error) {
	var p chat.Participation
	var first, updated int64
	var joined, left, until *int64
	err := s.Scan(&p.ConversationID, &p.AgentID, &p.State, &first, &joined, &left, &updated, &until)
	p.FirstAt, p.JoinedAt, p.LeftAt, p.UpdatedAt = unixTime(first), nullTime(joined), nullTime(left), unixTime(updated)
	if until != nil {
		p.UntilSeq = chat.Seq(*until)
	}
	return p, err
}

// upsertParticipantsSQL merges chat.ParticipationChanges into the
// participants record, a column at a time; its arguments are
// participantRows.args'. The first time and the first join are kept; the
// last leaving wins. A batch may change one agent's record several times:
// the changes are applied in order (ord), the last state winning.
const upsertParticipantsSQL = `INSERT INTO participants AS p (` + participantColumns + `)
	SELECT u.conversation_id, u.agent_id, (array_agg(u.state ORDER BY u.ord DESC))[1], min(u.at),
		min(u.joined_at), max(u.left_at), max(u.at), (array_agg(u.until_seq ORDER BY u.ord DESC))[1]
	FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[])
		WITH ORDINALITY AS u (conversation_id, agent_id, state, at, joined_at, left_at, until_seq, ord)
	GROUP BY u.conversation_id, u.agent_id
	ON CONFLICT (conversation_id, agent_id) DO UPDATE SET
		state = excluded.state,
		joined_at = COALESCE(p.joined_at, excluded.joined_at),
		left_at = COALESCE(excluded.left_at, p.left_at),
		updated_at = excluded.updated_at,
		until_seq = excluded.until_seq`

// participantRows holds participation changes as columns, the arguments
// of upsertParticipantsSQL.
type participantRows struct {
	conversationID, agentID, state []string
	at                             []int64
	joinedAt, leftAt, untilSeq     []*int64
}

func (r *participantRows) add(p chat.ParticipationChange) {
	at := p.At.UnixNano()
	var joined, left *int64 // NULL unless it happened now
	if p.Joined {
		joined = &at
	}
	if p.Left {
		left = &at
	}
	r.conversationID = append(r.conversationID, string(p.ConversationID))
	r.agentID = append(r.agentID, string(p.AgentID))
	r.state = append(r.state, string(p.State))
	r.at = append(r.at, at)
	r.joinedAt = append(r.joinedAt, joined)
	r.leftAt = append(r.leftAt, left)
	var until *int64 // NULL while the agent has a part
	if p.State == chat.ParticipationGone {
		n := int64(p.Seq)
		until = &n
	}
	r.untilSeq = append(r.untilSeq, until)
}

func (r *participantRows) args() []any {
	return []any{r.conversationID, r.agentID, r.state, r.at, r.joinedAt, r.leftAt, r.untilSeq}
}
