package store

import (
	"time"

	"skranke/chat"
)

// StartTx is what Start needs of the transaction it runs in.
type StartTx interface {
	// OpenConversation returns the customer's conversation that has not
	// ended, if there is one.
	OpenConversation(customer chat.CustomerID) (chat.Conversation, bool, error)
	QueueExists(id chat.QueueID) (bool, error)
	CustomerExists(id chat.CustomerID) (bool, error)
	// InsertConversation inserts c with its first event e. It reports false,
	// having inserted nothing, when another transaction has meanwhile
	// committed an open conversation for the same customer.
	InsertConversation(c chat.Conversation, e chat.Event) (bool, error)
}

// Start is StartConversation's logic, for every store: it returns the
// customer's open conversation if there is one, and otherwise checks the
// request and creates a waiting conversation with its "started" event at
// time now. An unknown queue is invalid, an unknown customer not_found.
func Start(tx StartTx, s StartConversation, now time.Time) (StartResult, error) {
	if s.ID == "" {
		s.ID = chat.ConversationID(chat.NewID())
	}
	if open, ok, err := tx.OpenConversation(s.CustomerID); err != nil || ok {
		return StartResult{Conversation: open}, err
	}
	c, e, err := chat.NewConversation(s.ID, s.CustomerID, s.QueueID, s.CustomerName, now)
	if err != nil {
		return StartResult{}, err
	}
	if ok, err := tx.QueueExists(s.QueueID); err != nil {
		return StartResult{}, err
	} else if !ok {
		return StartResult{}, chat.E(chat.EInvalid, "queue_id_unknown", "There is no queue \"{queue}\".", "queue", s.QueueID)
	}
	if ok, err := tx.CustomerExists(s.CustomerID); err != nil {
		return StartResult{}, err
	} else if !ok {
		return StartResult{}, chat.E(chat.ENotFound, "customer_not_found", "No such customer.")
	}
	inserted, err := tx.InsertConversation(c, e)
	if err != nil {
		return StartResult{}, err
	}
	if !inserted {
		// Another transaction started one meanwhile and has committed.
		open, ok, err := tx.OpenConversation(s.CustomerID)
		if err == nil && !ok {
			err = chat.E(chat.EUnavailable, "chat_start_retry", "The chat could not be started; try again.")
		}
		return StartResult{Conversation: open}, err
	}
	return StartResult{Conversation: c, Event: e, Created: true}, nil
}
