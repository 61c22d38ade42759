package chat

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits on what a client may send.
const (
	MaxTextLen        = 5000 // characters in one message
	MaxClientMsgIDLen = 64   // bytes in a client message id
	MaxNameLen        = 100  // characters in a customer's name
)

// ConversationStatus is where a chat is in its life.
type ConversationStatus string

// Conversation statuses.
const (
	StatusWaiting ConversationStatus = "waiting" // in its queue, perhaps with an open offer
	StatusActive  ConversationStatus = "active"  // an agent accepted it
	StatusEnded   ConversationStatus = "ended"   // closed for good
)

// Offer is an open offer of a waiting chat to one agent.
type Offer struct {
	AgentID   UserID    `json:"agentId"`
	OfferedAt time.Time `json:"offeredAt"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// Invitation is a chat's pending invitation of another agent (R10). There
// is at most one per chat.
type Invitation struct {
	AgentID   UserID    `json:"agentId,omitempty"` // offered to now; empty while a queue invitation looks for the next agent
	InvitedBy UserID    `json:"invitedBy"`
	QueueID   QueueID   `json:"queueId,omitempty"` // for an invitation of any available agent of the queue
	Note      string    `json:"note,omitempty"`
	OfferedAt time.Time `json:"offeredAt,omitzero"`
	ExpiresAt time.Time `json:"expiresAt,omitzero"`
	Declined  []UserID  `json:"declined"` // agents of the queue who declined it
	// Transfer marks a transfer (R18): the inviter leaves when the
	// invitee accepts. Until is when a transfer gives up if nobody has
	// accepted it (for a named agent, its ExpiresAt).
	Transfer bool      `json:"transfer,omitempty"`
	Until    time.Time `json:"until,omitzero"`
}

// Conversation is the current state of one chat: the fold of its log by
// Apply. The store keeps it beside the log and updates both in one
// transaction, so it can always be rebuilt and never disagrees with the log.
type Conversation struct {
	ID           ConversationID     `json:"id"`
	QueueID      QueueID            `json:"queueId"`
	CustomerID   CustomerID         `json:"-"`
	CustomerName string             `json:"customerName,omitempty"`
	Status       ConversationStatus `json:"status"`
	Agents       []UserID           `json:"agents"`               // agents in the chat now
	Offer        *Offer             `json:"offer,omitempty"`      // the open offer, if any
	Invitation   *Invitation        `json:"invitation,omitempty"` // the pending invitation, if any
	Declined     []UserID           `json:"declined"`             // agents who declined it since it was last queued
	Priority     int                `json:"priority"`             // routed before lower priorities; 1 after losing its agent
	QueuedAt     time.Time          `json:"queuedAt"`             // its place in the queue, kept across rejections
	CreatedAt    time.Time          `json:"createdAt"`
	EndedAt      time.Time          `json:"endedAt,omitzero"`
	LastSeq      Seq                `json:"lastSeq"`
	// CustomerConnectedAt is when the customer first connected (zero:
	// never), CustomerLeftAt when the customer last left, zero while
	// connected (presence.go).
	CustomerConnectedAt time.Time `json:"customerConnectedAt,omitzero"`
	CustomerLeftAt      time.Time `json:"customerLeftAt,omitzero"`
	// Menus are the chat's choice menus, in the order they were offered,
	// each open, answered or withdrawn (menu.go).
	Menus []MenuState `json:"menus,omitempty"`
	// Record is what the log says of the chat as a whole, for the
	// organisation's chat log. Stores keep it as one value, so a field
	// added to it needs no change to any SQL.
	Record Record `json:"record"`
}

// Record sums up a conversation's log: the fold of it that the
// organisation's chat log lists and filters by.
type Record struct {
	AnsweredAt time.Time       `json:"answeredAt,omitzero"` // when the first agent joined
	EndedBy    ParticipantRole `json:"endedBy,omitempty"`   // who ended it
	EndReason  string          `json:"endReason,omitempty"` // why the server ended it
	Messages   int             `json:"messages"`            // messages visible to all
	Private    int             `json:"private"`             // private messages (internal notes)
	Transfers  int             `json:"transfers,omitempty"` // transfers accepted
	// ErasureRequested: the customer asked that the chat be deleted once
	// it has ended.
	ErasureRequested bool `json:"erasureRequested,omitempty"`
}

// HasAgent reports whether agent a is in the chat now.
func (c Conversation) HasAgent(a UserID) bool { return slices.Contains(c.Agents, a) }

// NewConversation returns a new waiting conversation and its first event.
func NewConversation(id ConversationID, customer CustomerID, queue QueueID, customerName string, now time.Time) (Conversation, Event, error) {
	customerName = strings.TrimSpace(customerName)
	if utf8.RuneCountInString(customerName) > MaxNameLen {
		return Conversation{}, Event{}, E(EInvalid, "name_too_long", "The name is longer than {max} characters.", "max", MaxNameLen)
	}
	if err := CheckText(customerName, TextName); err != nil {
		return Conversation{}, Event{}, err
	}
	if strings.ContainsAny(customerName, "\t\n\r") {
		return Conversation{}, Event{}, E(EInvalid, "name_not_one_line", "The name must be on one line.")
	}
	if queue == "" {
		return Conversation{}, Event{}, E(EInvalid, "queue_required", "Choose a queue.")
	}
	c := Conversation{
		ID:           id,
		QueueID:      queue,
		CustomerID:   customer,
		CustomerName: customerName,
		Status:       StatusWaiting,
		QueuedAt:     now,
		CreatedAt:    now,
		LastSeq:      1,
	}
	e := Event{
		ConversationID: id,
		Seq:            1,
		Time:           now,
		Kind:           KindStarted,
		Visibility:     VisibleAll,
		Author:         Participant{Role: PartyCustomer, ID: string(customer), Name: customerName},
		Data:           Started{QueueID: queue},
	}
	return c, e, nil
}

// Clone returns a copy of c that shares no slice or pointer with it, so
// that changing one leaves the other as it was. Apply changes only a clone;
// a store that keeps conversations in memory hands out clones.
func (c Conversation) Clone() Conversation {
	n := c
	n.Agents = slices.Clone(c.Agents)
	n.Declined = slices.Clone(c.Declined)
	n.Menus = slices.Clone(c.Menus)
	for i := range n.Menus {
		n.Menus[i].Options = slices.Clone(n.Menus[i].Options)
	}
	if c.Offer != nil {
		o := *c.Offer
		n.Offer = &o
	}
	if c.Invitation != nil {
		inv := *c.Invitation
		inv.Declined = slices.Clone(inv.Declined)
		n.Invitation = &inv
	}
	return n
}

// Apply checks that event e may follow the conversation's log now and
// returns the conversation after it and e as it is to be stored: with the
// conversation's id, the next Seq and the visibility its kind requires.
// e.Time must be set (it is the commit time). On error the conversation is
// unchanged and the error is an *Error for the client.
//
// Apply is the single authority on the rules of a chat: who may write, which
// offer may be accepted, what an ended chat refuses. Stores run it inside the
// transaction that appends e, so concurrent writers on several nodes are
// serialised by the conversation row and the rules hold for all of them.
func (c Conversation) Apply(e Event) (Conversation, Event, error) {
	n := c.Clone()
	e.ConversationID = c.ID
	e.Seq = c.LastSeq + 1
	if e.Author.Role == PartyCustomer && e.Author.ID == string(c.CustomerID) {
		// A customer signs with the name given at the start, whatever the
		// writer knew of it.
		e.Author.Name = c.CustomerName
	}
	if e.Kind.Ephemeral() {
		return c, Event{}, E(EInvalid, "kind_not_stored", "Event kind \"{kind}\" is not stored.", "kind", e.Kind)
	}
	if c.Status == StatusEnded {
		return c, Event{}, E(EConflict, "chat_ended", "This chat has ended.")
	}
	if err := checkData(e); err != nil {
		return c, Event{}, err
	}
	if v := kinds[e.Kind].visibility; v != "" {
		e.Visibility = v
	}
	if err := CheckClientMsgID(e.ClientMsgID); err != nil {
		return c, Event{}, err
	}
	agent := e.Agent().AgentID
	if e.Author.Role == PartySupervisor && (e.Author.ID == "" || UserID(e.Author.ID) != agent && e.Kind != KindMessage) {
		return c, Event{}, E(EForbidden, "supervisors_only", "Only supervisors and administrators can do this.")
	}
	switch {
	case e.Author.Role != PartySupervisor, e.Kind == KindMessage, e.Kind == KindMonitored, e.Kind == KindRerouted:
	case e.Kind == KindAgentJoined:
		// Taking over: a supervisor joins a chat in progress.
		if c.Status != StatusActive {
			return c, Event{}, E(EConflict, "take_over_not_active", "Only a chat in progress can be taken over.")
		}
	default:
		// A supervisor who is not in the chat watches, whispers and
		// reroutes; to do more, they join it as an agent (take over).
		return c, Event{}, E(EForbidden, "not_in_chat", "You are not in this chat.")
	}

	switch e.Kind {
	case KindMessage:
		if err := checkMessage(c, e); err != nil {
			return c, Event{}, err
		}
		if e.Visibility == VisibleAgents {
			n.Record.Private++
		} else {
			n.Record.Messages++
		}

	case KindOffered:
		d := e.Data.(Offered)
		if c.Status != StatusWaiting {
			return c, Event{}, E(EConflict, "chat_not_waiting", "This chat is not waiting.")
		}
		if c.Offer != nil {
			return c, Event{}, E(EConflict, "offer_already_open", "This chat already has an open offer.")
		}
		if agent == "" || !d.ExpiresAt.After(e.Time) {
			return c, Event{}, E(EInvalid, "offer_incomplete", "An offer needs an agent and a future expiry.")
		}
		n.Offer = &Offer{AgentID: agent, OfferedAt: e.Time, ExpiresAt: d.ExpiresAt}

	case KindOfferDeclined:
		if c.Offer == nil || c.Offer.AgentID != agent {
			return c, Event{}, E(EConflict, "offer_not_open", "This offer is no longer open.")
		}
		switch r := e.Reason(); r {
		case ReasonRejected, ReasonExpired, ReasonDisconnected:
		default:
			return c, Event{}, E(EInvalid, "reason_unknown", "Unknown reason \"{reason}\".", "reason", r)
		}
		n.Offer = nil
		if !slices.Contains(n.Declined, agent) {
			n.Declined = append(n.Declined, agent)
		}

	case KindAgentJoined:
		if agent == "" {
			return c, Event{}, E(EInvalid, "join_needs_agent", "Joining needs an agent.")
		}
		if c.HasAgent(agent) {
			return c, Event{}, E(EConflict, "already_accepted", "You have already accepted this chat.")
		}
		if e.Author.Role == PartySupervisor {
			n.Agents = append(n.Agents, agent) // taking over (checked above)
			break
		}
		if inv := c.Invitation; inv != nil && inv.AgentID == agent {
			if !e.Time.Before(inv.ExpiresAt) {
				return c, Event{}, E(EConflict, "invitation_expired", "This invitation has expired.")
			}
			n.Invitation = nil
			n.Agents = append(n.Agents, agent)
			if inv.Transfer {
				n.Record.Transfers++
				if inv.QueueID != "" {
					n.QueueID = inv.QueueID // the chat now belongs to the queue it was transferred to
				}
			}
			break
		}
		if c.Offer == nil || c.Offer.AgentID != agent {
			return c, Event{}, E(EConflict, "offer_not_open", "This offer is no longer open.")
		}
		if !e.Time.Before(c.Offer.ExpiresAt) {
			return c, Event{}, E(EConflict, "offer_expired", "This offer has expired.")
		}
		n.Offer = nil
		n.Agents = append(n.Agents, agent)
		n.Status = StatusActive
		n.Declined = nil
		if n.Record.AnsweredAt.IsZero() {
			n.Record.AnsweredAt = e.Time
		}

	case KindAgentLeft:
		if !c.HasAgent(agent) {
			return c, Event{}, E(EConflict, "agent_not_in_chat", "That agent is not in this chat.")
		}
		n.Agents = slices.DeleteFunc(n.Agents, func(a UserID) bool { return a == agent })

	case KindInvited:
		if err := applyInvited(c, &n, e); err != nil {
			return c, Event{}, err
		}

	case KindInvitationDeclined:
		if err := applyInvitationDeclined(c, &n, e); err != nil {
			return c, Event{}, err
		}

	case KindTransferred:
		if err := applyTransferred(c, &n, e); err != nil {
			return c, Event{}, err
		}

	case KindMonitored:
		if e.Author.Role != PartySupervisor {
			return c, Event{}, E(EForbidden, "supervisors_only", "Only supervisors and administrators can do this.")
		}

	case KindRerouted:
		if err := applyRerouted(c, &n, e); err != nil {
			return c, Event{}, err
		}

	case KindRequeued:
		if c.Status != StatusActive || len(c.Agents) > 0 || c.Invitation != nil {
			return c, Event{}, E(EConflict, "requeue_has_agents", "Only a chat without agents can go back to its queue.")
		}
		n.Status = StatusWaiting
		n.Priority = 1
		n.Declined = nil

	case KindEnded:
		if err := checkAuthor(c, e.Author); err != nil {
			return c, Event{}, err
		}
		if e.Reason() != "" && e.Author.Role != PartySystem {
			return c, Event{}, E(EInvalid, "end_reason_server_only", "Only the server gives a reason for ending a chat.")
		}
		n.Status = StatusEnded
		n.EndedAt = e.Time
		n.Offer = nil
		n.Invitation = nil
		n.Record.EndedBy, n.Record.EndReason = e.Author.Role, e.Reason()

	case KindMenu:
		if err := applyMenu(c, &n, &e); err != nil {
			return c, Event{}, err
		}

	case KindChoice:
		if err := applyChoice(c, &n, &e); err != nil {
			return c, Event{}, err
		}

	case KindMenuWithdrawn:
		if err := applyMenuWithdrawn(c, &n, e); err != nil {
			return c, Event{}, err
		}

	case KindErasureRequested:
		if e.Author.Role != PartyCustomer || e.Author.ID != string(c.CustomerID) {
			return c, Event{}, E(EForbidden, "erasure_customer_only", "Only the customer asks for the chat to be deleted.")
		}
		if c.Record.ErasureRequested {
			return c, Event{}, E(EConflict, "erasure_already_requested", "You have already asked for this chat to be deleted.")
		}
		n.Record.ErasureRequested = true

	case KindCustomerConnected, KindCustomerLeft, KindCustomerReturned:
		if err := applyCustomerPresence(c, &n, e); err != nil {
			return c, Event{}, err
		}

	case KindStarted:
		return c, Event{}, E(EInvalid, "chat_already_started", "A chat is started only once.")

	default:
		return c, Event{}, E(EInvalid, "kind_unknown", "Unknown event kind \"{kind}\".", "kind", e.Kind)
	}
	n.LastSeq = e.Seq
	return n, e, nil
}

// applyInvited checks an invitation (or the router's next offer of a queue
// invitation) and records it in n.
func applyInvited(c Conversation, n *Conversation, e Event) error {
	d := e.Data.(Invited)
	if c.Status != StatusActive {
		return E(EConflict, "invitation_chat_not_active", "Only a chat in progress can have invitations.")
	}
	if d.AgentID == "" || !d.ExpiresAt.After(e.Time) {
		return E(EInvalid, "invitation_incomplete", "An invitation needs an agent and a future expiry.")
	}
	if err := checkInvitee(c, d.AgentRef, e.Text); err != nil {
		return err
	}
	inv := c.Invitation
	switch {
	case inv == nil:
		if e.Author.Role != PartyAgent {
			return E(EInvalid, "invite_agents_only", "Only an agent invites.")
		}
		if err := checkAuthor(c, e.Author); err != nil {
			return err
		}
		n.Invitation = &Invitation{
			AgentID: d.AgentID, InvitedBy: UserID(e.Author.ID), QueueID: d.QueueID,
			Note: e.Text, OfferedAt: e.Time, ExpiresAt: d.ExpiresAt, Declined: []UserID{},
		}
	case inv.AgentID == "" && e.Author.Role == PartySystem:
		if slices.Contains(inv.Declined, d.AgentID) {
			return E(EConflict, "invitation_declined_by_agent", "That agent declined this invitation.")
		}
		n.Invitation.AgentID = d.AgentID
		n.Invitation.OfferedAt = e.Time
		n.Invitation.ExpiresAt = d.ExpiresAt
	default:
		return E(EConflict, "invitation_pending", "An invitation is already pending; withdraw it or wait for the answer.")
	}
	return nil
}

// checkInvitee checks that the agent an invitation or a transfer goes to
// is not in the chat already, and the note that goes with it.
func checkInvitee(c Conversation, to AgentRef, note string) error {
	if c.HasAgent(to.AgentID) {
		if to.AgentName == "" {
			return E(EConflict, "invitee_in_chat_unnamed", "That agent is already in this chat.")
		}
		return E(EConflict, "invitee_in_chat", "{name} is already in this chat.", "name", to.AgentName)
	}
	if utf8.RuneCountInString(note) > MaxTextLen {
		return E(ETooLarge, "note_too_long", "The note is longer than {max} characters.", "max", MaxTextLen)
	}
	return CheckText(note, TextNote)
}

// applyTransferred checks a transfer and opens it as the chat's
// invitation in n: offered to the named agent at once, or waiting for the
// router to find an agent of the queue.
func applyTransferred(c Conversation, n *Conversation, e Event) error {
	d := e.Data.(Transferred)
	if c.Status != StatusActive {
		return E(EConflict, "transfer_chat_not_active", "Only a chat in progress can be transferred.")
	}
	if e.Author.Role != PartyAgent {
		return E(EInvalid, "transfer_agents_only", "Only an agent transfers a chat.")
	}
	if err := checkAuthor(c, e.Author); err != nil {
		return err
	}
	if c.Invitation != nil {
		return E(EConflict, "invitation_pending", "An invitation is already pending; withdraw it or wait for the answer.")
	}
	switch {
	case d.AgentID != "" && d.QueueID != "":
		return E(EInvalid, "transfer_both_targets", "Transfer to either an agent or a queue, not both.")
	case d.AgentID == "" && d.QueueID == "":
		return E(EInvalid, "transfer_target_required", "Choose an agent or a queue to transfer to.")
	case !d.ExpiresAt.After(e.Time):
		return E(EInvalid, "transfer_incomplete", "A transfer needs a future expiry.")
	}
	if err := checkInvitee(c, d.AgentRef, d.Note); err != nil {
		return err
	}
	inv := &Invitation{AgentID: d.AgentID, InvitedBy: UserID(e.Author.ID), QueueID: d.QueueID,
		Note: d.Note, Declined: []UserID{}, Transfer: true, Until: d.ExpiresAt}
	if d.AgentID != "" {
		inv.OfferedAt, inv.ExpiresAt = e.Time, d.ExpiresAt
	}
	n.Invitation = inv
	return nil
}

// MaxChatPriority is the highest priority a supervisor gives a waiting
// chat; the router gives a requeued chat 1.
const MaxChatPriority = 9

// applyRerouted checks a supervisor's change of a waiting chat's place and
// makes it in n.
func applyRerouted(c Conversation, n *Conversation, e Event) error {
	d := e.Data.(Rerouted)
	if e.Author.Role != PartySupervisor {
		return E(EForbidden, "supervisors_only", "Only supervisors and administrators can do this.")
	}
	if c.Status != StatusWaiting {
		return E(EConflict, "chat_not_waiting", "This chat is not waiting.")
	}
	if d.Priority == nil && (d.QueueID == "" || d.QueueID == c.QueueID) {
		return E(EInvalid, "reroute_nothing", "Give a new priority or another queue.")
	}
	if d.Priority != nil {
		if *d.Priority < 0 || *d.Priority > MaxChatPriority {
			return E(EInvalid, "chat_priority_out_of_range", "The priority must be from 0 to {max}.", "max", MaxChatPriority)
		}
		n.Priority = *d.Priority
	}
	if d.QueueID != "" && d.QueueID != c.QueueID {
		n.QueueID = d.QueueID
		n.Offer = nil // the agent offered it may not serve the new queue
		n.Declined = nil
	}
	return nil
}

// applyInvitationDeclined ends the pending invitation's offer, or the
// whole invitation, in n.
func applyInvitationDeclined(c Conversation, n *Conversation, e Event) error {
	inv := c.Invitation
	if inv == nil {
		return E(EConflict, "no_invitation_pending", "No invitation is pending.")
	}
	agent := e.Agent().AgentID
	switch e.Reason() {
	case ReasonWithdrawn:
		if e.Author.Role != PartyAgent {
			return E(EInvalid, "withdraw_agents_only", "Only an agent withdraws an invitation.")
		}
		if err := checkAuthor(c, e.Author); err != nil {
			return err
		}
		n.Invitation = nil
	case ReasonUnavailable:
		if agent != inv.AgentID {
			return E(EConflict, "invitation_not_open", "This invitation is no longer open.")
		}
		n.Invitation = nil
	case ReasonRejected, ReasonExpired, ReasonDisconnected:
		if agent == "" || agent != inv.AgentID {
			return E(EConflict, "invitation_not_open", "This invitation is no longer open.")
		}
		if inv.QueueID == "" {
			n.Invitation = nil
			break
		}
		n.Invitation.Declined = append(n.Invitation.Declined, agent)
		n.Invitation.AgentID = ""
		n.Invitation.OfferedAt, n.Invitation.ExpiresAt = time.Time{}, time.Time{}
	default:
		return E(EInvalid, "reason_unknown", "Unknown reason \"{reason}\".", "reason", e.Reason())
	}
	return nil
}

// checkAuthor checks that p is a party of the chat: its customer, one of its
// agents, or the system.
func checkAuthor(c Conversation, p Participant) error {
	switch p.Role {
	case PartyCustomer:
		if p.ID != string(c.CustomerID) {
			return E(ENotFound, "chat_not_found", "No such chat.")
		}
	case PartyAgent:
		if !c.HasAgent(UserID(p.ID)) {
			return E(EForbidden, "not_in_chat", "You are not in this chat.")
		}
	case PartySystem:
	case PartySupervisor:
		// Whispers only (checkMessage); the application layer gives the
		// role to supervisors and administrators alone.
	default:
		return E(EInvalid, "author_unknown", "Unknown author.")
	}
	return nil
}

func checkMessage(c Conversation, e Event) error {
	if err := checkAuthor(c, e.Author); err != nil {
		return err
	}
	if e.Author.Role == PartySystem {
		return E(EInvalid, "system_no_messages", "The system does not write messages.")
	}
	switch e.Visibility {
	case VisibleAll:
		if e.Author.Role == PartySupervisor {
			return E(EForbidden, "whisper_private_only", "A supervisor's message to a chat they are not in is for its agents only.")
		}
	case VisibleAgents:
		if e.Author.Role != PartyAgent && e.Author.Role != PartySupervisor {
			return E(EForbidden, "private_agents_only", "Only agents can send private messages.")
		}
	default:
		return E(EInvalid, "visibility_unknown", "Unknown visibility \"{visibility}\".", "visibility", e.Visibility)
	}
	if err := checkAttachmentRefs(e); err != nil {
		return err
	}
	if strings.TrimSpace(e.Text) == "" && len(e.AttachmentIDs()) == 0 {
		return E(EInvalid, "message_empty", "The message is empty.")
	}
	if utf8.RuneCountInString(e.Text) > MaxTextLen {
		return E(ETooLarge, "message_too_long", "The message is longer than {max} characters.", "max", MaxTextLen)
	}
	return CheckText(e.Text, TextMessage)
}

// CheckClientMsgID checks a client's id for a request: at most
// MaxClientMsgIDLen bytes of printable text. Stores check it before they
// look the id up.
func CheckClientMsgID(id string) error {
	if len(id) > MaxClientMsgIDLen {
		return E(EInvalid, "client_msg_id_too_long", "The client message id is longer than {max} bytes.", "max", MaxClientMsgIDLen)
	}
	return CheckText(id, TextClientMsgID)
}

// A TextField is a text that CheckText checks; each has reasons of its own
// ("message_not_utf8"), so that no English word travels as a parameter.
type TextField int

// The texts CheckText checks.
const (
	TextName        TextField = iota // a customer's name
	TextMessage                      // a message's text
	TextNote                         // an invitation's note
	TextClientMsgID                  // a client's id for a request
	TextQuestion                     // a menu's question
	TextOption                       // a menu option's label
)

// CheckText refuses text that is not valid UTF-8 or holds control
// characters other than tab and line breaks: a NUL or an escape in a name,
// a message or an id is never what a person typed, and some stores refuse
// it. f says which text s is, for the error.
func CheckText(s string, f TextField) error {
	if !utf8.ValidString(s) {
		switch f {
		case TextName:
			return E(EInvalid, "name_not_utf8", "The name is not valid UTF-8 text.")
		case TextMessage:
			return E(EInvalid, "message_not_utf8", "The message is not valid UTF-8 text.")
		case TextNote:
			return E(EInvalid, "note_not_utf8", "The note is not valid UTF-8 text.")
		case TextQuestion:
			return E(EInvalid, "menu_question_not_utf8", "The question is not valid UTF-8 text.")
		case TextOption:
			return E(EInvalid, "menu_option_not_utf8", "An option is not valid UTF-8 text.")
		default:
			return E(EInvalid, "client_msg_id_not_utf8", "The client message id is not valid UTF-8 text.")
		}
	}
	for _, r := range s {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			switch f {
			case TextName:
				return E(EInvalid, "name_control_character", "The name contains a control character.")
			case TextMessage:
				return E(EInvalid, "message_control_character", "The message contains a control character.")
			case TextNote:
				return E(EInvalid, "note_control_character", "The note contains a control character.")
			case TextQuestion:
				return E(EInvalid, "menu_question_control_character", "The question contains a control character.")
			case TextOption:
				return E(EInvalid, "menu_option_control_character", "An option contains a control character.")
			default:
				return E(EInvalid, "client_msg_id_control_character", "The client message id contains a control character.")
			}
		}
	}
	return nil
}

// MaxIDLen is the most bytes an identifier a client gives may have.
const MaxIDLen = 128

// CheckID checks an identifier a client gives (of a conversation, a user,
// a queue, a profile): at most MaxIDLen bytes of printable text. field is
// the protocol's name of it ("conversationId"), for the error. Ids are
// checked before they are looked up: some stores refuse such text.
func CheckID(id, field string) error {
	if len(id) > MaxIDLen {
		return E(EInvalid, "id_too_long", "{field} is longer than {max} bytes.", "field", field, "max", MaxIDLen)
	}
	for _, r := range id {
		if r < 0x21 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0xfffd {
			return E(EInvalid, "id_bad_character", "{field} contains a character an id cannot have.", "field", field)
		}
	}
	return nil
}
