package chat

// CustomerEvent is an event as its customer may see it. Only ForCustomer
// makes one (its field is unexported, so no other package can fill it), and
// everything that sends to a customer takes a CustomerEvent, never an
// Event: a path to a customer that skipped the filter does not compile.
// The zero value is an empty event.
type CustomerEvent struct {
	e Event
}

// Event returns a copy of the filtered event, for reading its fields.
func (c CustomerEvent) Event() Event { return c.e }

// Seq is the filtered event's Seq (0 for an ephemeral one).
func (c CustomerEvent) Seq() Seq { return c.e.Seq }

// MarshalJSON writes the filtered event as an Event (its MarshalJSON
// directly: json.Marshal would scan the result once more).
func (c CustomerEvent) MarshalJSON() ([]byte, error) { return c.e.MarshalJSON() }

// ForCustomer is the one filter between a conversation and its customer:
// every path that reaches a customer (live delivery, resume, history,
// transcript, e-mail, download, search) passes each event through it. It
// reports false for an event the customer must not see (anything not visible
// to all, and any kind the kinds table keeps from customers) and otherwise
// returns a copy with every internal detail removed: agents are named by
// display name only, and offer and status details are dropped.
func ForCustomer(e Event) (CustomerEvent, bool) {
	info := kinds[e.Kind]
	if e.Visibility != VisibleAll || info.customer == nil {
		return CustomerEvent{}, false
	}
	var data Data
	if e.Data != nil {
		if e.Data.Kind() != e.Kind {
			return CustomerEvent{}, false // a malformed event shows nothing
		}
		var ok bool
		if data, ok = info.customer(e.Data); !ok {
			return CustomerEvent{}, false
		}
	}
	out := Event{
		ConversationID: e.ConversationID,
		Seq:            e.Seq,
		Time:           e.Time,
		Kind:           e.Kind,
		Visibility:     VisibleAll,
		Author:         Participant{Role: e.Author.Role, Name: e.Author.Name},
		Text:           e.Text,
		Data:           data,
	}
	if e.Author.Role == PartyCustomer {
		// The customer's own id lets the widget recognise its retries.
		out.ClientMsgID = e.ClientMsgID
	}
	return CustomerEvent{out}, true
}
