package chat

import "encoding/json"

// kindInfo is everything the rest of Skranke needs to know about a kind.
// Adding a kind is adding a row to kinds (and its rule to Apply); no store,
// bus or transport has a list of its own.
type kindInfo struct {
	// stored kinds are entries of the log with a Seq; the others are
	// ephemeral notices, never stored.
	stored bool
	// visibility is the kind's fixed visibility; "" lets the author choose
	// (messages, typing).
	visibility Visibility
	// customer returns what a customer may see of the payload, and false
	// if the customer may not see it at all. nil: the kind never reaches a
	// customer, whatever its visibility.
	customer func(Data) (Data, bool)
	// routing kinds are what the router acts on.
	routing bool
	// joins: the event brings its agent (Event.Agent) into the
	// conversation's live delivery, before the event itself; parts: the
	// event takes the agent out of it, after the event.
	joins, parts bool
	// decode reads the kind's payload from JSON; nil for kinds without one.
	decode func([]byte) (Data, error)
	// optional: an event without a payload has none (Data nil), rather
	// than its kind's zero payload.
	optional bool
}

var kinds = map[Kind]kindInfo{
	KindStarted: {stored: true, visibility: VisibleAll, routing: true,
		customer: func(d Data) (Data, bool) { return d, true },
		decode:   decodeAs[Started]},
	KindOffered: {stored: true, visibility: VisibleAgents, routing: true, joins: true,
		decode: decodeAs[Offered]},
	KindOfferDeclined: {stored: true, visibility: VisibleAgents, routing: true, parts: true,
		decode: decodeAs[OfferDeclined]},
	KindAgentJoined: {stored: true, visibility: VisibleAll, routing: true, joins: true,
		customer: func(d Data) (Data, bool) {
			j, _ := d.(AgentJoined)
			return AgentJoined{AgentRef{AgentName: j.AgentName}}, true
		},
		decode: decodeAs[AgentJoined]},
	KindAgentLeft: {stored: true, visibility: VisibleAll, routing: true, parts: true,
		customer: func(d Data) (Data, bool) {
			l, _ := d.(AgentLeft)
			return AgentLeft{AgentRef{AgentName: l.AgentName}, l.Reason}, true
		},
		decode: decodeAs[AgentLeft]},
	// A message's files are as visible as the message: a customer who may
	// see it sees their names, types and sizes (and may fetch them).
	KindMessage: {stored: true,
		customer: func(d Data) (Data, bool) { return d, true },
		decode:   decodeAs[Message], optional: true},
	KindRequeued: {stored: true, visibility: VisibleAll, routing: true,
		customer: func(d Data) (Data, bool) { return d, true },
		decode:   decodeAs[Requeued]},
	KindEnded: {stored: true, visibility: VisibleAll, routing: true,
		customer: func(d Data) (Data, bool) { return d, true },
		decode:   decodeAs[Ended]},
	KindInvited: {stored: true, visibility: VisibleAgents, routing: true, joins: true,
		decode: decodeAs[Invited]},
	KindInvitationDeclined: {stored: true, visibility: VisibleAgents, routing: true, parts: true,
		decode: decodeAs[InvitationDeclined]},
	// The customer learns that the chat is being transferred, not to whom
	// nor the note.
	KindTransferred: {stored: true, visibility: VisibleAll, routing: true, joins: true,
		customer: func(d Data) (Data, bool) { return Transferred{}, true },
		decode:   decodeAs[Transferred]},
	KindMonitored: {stored: true, visibility: VisibleAgents,
		decode: decodeAs[Monitored]},
	KindRerouted: {stored: true, visibility: VisibleAgents, routing: true,
		decode: decodeAs[Rerouted]},
	// Menus and choices are for the customer; which saved menu a menu
	// came from is the organisation's business.
	KindMenu: {stored: true, visibility: VisibleAll,
		customer: func(d Data) (Data, bool) {
			m, _ := d.(Menu)
			return Menu{MenuID: m.MenuID, Options: m.Options}, true
		},
		decode: decodeAs[Menu]},
	KindChoice: {stored: true, visibility: VisibleAll,
		customer: func(d Data) (Data, bool) { return d, true },
		decode:   decodeAs[Choice]},
	KindMenuWithdrawn: {stored: true, visibility: VisibleAll,
		customer: func(d Data) (Data, bool) { return d, true },
		decode:   decodeAs[MenuWithdrawn]},
	KindErasureRequested: {stored: true, visibility: VisibleAll,
		customer: func(d Data) (Data, bool) { return nil, true }},
	KindCustomerConnected: {stored: true, visibility: VisibleAgents, routing: true},
	KindCustomerLeft:      {stored: true, visibility: VisibleAgents, routing: true},
	KindCustomerReturned:  {stored: true, visibility: VisibleAgents, routing: true},

	KindTyping: {
		customer: func(d Data) (Data, bool) { return nil, true }},
	KindCustomerDetails: {visibility: VisibleAgents},
	KindQueueStatus: {visibility: VisibleAll,
		customer: func(d Data) (Data, bool) { return d, true },
		decode:   decodeAs[QueueStatus]},
	KindAgentStatus: {visibility: VisibleAgents, routing: true,
		decode: decodeAs[AgentStatusChange]},
	KindPresence: {visibility: VisibleAgents, routing: true,
		decode: decodeAs[Presence]},
	KindResync:        {visibility: VisibleAgents, routing: true},
	KindStatusRequest: {visibility: VisibleAgents, routing: true},
	KindSessionRevoked: {visibility: VisibleAgents,
		decode: decodeAs[SessionRevoked]},
	KindCustomerPresence: {visibility: VisibleAgents, routing: true,
		decode: decodeAs[CustomerPresence]},
	KindNodeHeartbeat: {visibility: VisibleAgents, routing: true,
		decode: decodeAs[NodeHeartbeat]},
	KindPresenceRequest: {visibility: VisibleAgents,
		decode: decodeAs[PresenceRequest]},
	KindDirectoryChanged: {visibility: VisibleAgents, routing: true,
		decode: decodeAs[DirectoryChanged]},
}

func decodeAs[T Data](b []byte) (Data, error) {
	var d T
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, err
	}
	return d, nil
}

// Known reports whether k is a kind of this version of Skranke.
func (k Kind) Known() bool { _, ok := kinds[k]; return ok }

// Ephemeral reports whether events of kind k are never stored.
func (k Kind) Ephemeral() bool { return !kinds[k].stored }

// Routing reports whether the router acts on events of kind k.
func (k Kind) Routing() bool { return kinds[k].routing }

// Joins reports whether an event of kind k brings its agent into the
// conversation's live delivery (an offer, an invitation, a join): the
// agent's sessions receive it and what follows.
func (k Kind) Joins() bool { return kinds[k].joins }

// Parts reports whether an event of kind k ends its agent's part in the
// conversation's live delivery (a declined offer or invitation, leaving).
func (k Kind) Parts() bool { return kinds[k].parts }

// Kinds lists every kind, stored ones first, in the order of the table's
// documentation (docs/protocol.md).
func Kinds() []Kind {
	return []Kind{KindStarted, KindOffered, KindOfferDeclined, KindAgentJoined, KindAgentLeft,
		KindMessage, KindRequeued, KindEnded, KindInvited, KindInvitationDeclined, KindTransferred, KindMonitored, KindRerouted, KindErasureRequested,
		KindCustomerConnected, KindCustomerLeft, KindCustomerReturned, KindMenu, KindChoice, KindMenuWithdrawn,
		KindTyping, KindCustomerDetails, KindQueueStatus, KindAgentStatus, KindPresence, KindResync, KindStatusRequest, KindSessionRevoked,
		KindCustomerPresence, KindNodeHeartbeat, KindPresenceRequest, KindDirectoryChanged}
}

// checkData reports whether e's payload is of its kind's type (or absent,
// for a kind without one).
func checkData(e Event) error {
	info := kinds[e.Kind]
	if e.Data == nil {
		if info.decode != nil && e.Kind.requiresData() {
			return E(EInvalid, "event_details_missing", "A {kind} event needs its details.", "kind", e.Kind)
		}
		return nil
	}
	if info.decode == nil || e.Data.Kind() != e.Kind {
		return E(EInvalid, "event_details_mismatch", "A {kind} event cannot carry {details} details.", "kind", e.Kind, "details", e.Data.Kind())
	}
	return nil
}

// requiresData reports whether an event of kind k is meaningless without
// its payload (it names an agent or a queue).
func (k Kind) requiresData() bool {
	switch k {
	case KindOffered, KindOfferDeclined, KindAgentJoined, KindAgentLeft, KindInvited, KindInvitationDeclined, KindTransferred, KindMonitored, KindRerouted,
		KindMenu, KindChoice, KindMenuWithdrawn:
		return true
	}
	return false
}
