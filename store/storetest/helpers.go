package storetest

import (
	"testing"

	"skranke/chat"
	"skranke/store"
)

// Start creates queue "sales" (if need be), a customer cust and a
// conversation of theirs in st, for a backend's own tests and benchmarks.
func Start(tb testing.TB, st store.Store, cust chat.CustomerID) chat.Conversation {
	tb.Helper()
	ctx := tb.Context()
	if _, err := st.Queue(ctx, "sales"); err != nil {
		if _, err := store.CreateQueue(ctx, st, chat.Queue{ID: "sales", Name: "Sales"}, chat.AuditActor{Name: "test"}); err != nil {
			tb.Fatalf("CreateQueue(sales) = %v", err)
		}
	}
	if _, err := st.CreateCustomer(ctx, chat.Customer{ID: cust, TokenHash: "hash-" + string(cust)}); err != nil {
		tb.Fatalf("CreateCustomer(%s) = %v", cust, err)
	}
	res, err := st.StartConversation(ctx, store.StartConversation{CustomerID: cust, QueueID: "sales"})
	c := res.Conversation
	if err != nil {
		tb.Fatalf("StartConversation(%s) = %v", cust, err)
	}
	return c
}

// Message is a public message by c's customer with the given client
// message id.
func Message(c chat.Conversation, clientMsgID string) chat.Event {
	return chat.Event{ConversationID: c.ID, Kind: chat.KindMessage, Visibility: chat.VisibleAll,
		Author:      chat.Participant{Role: chat.PartyCustomer, ID: string(c.CustomerID)},
		ClientMsgID: clientMsgID, Text: "Hello, is anybody there?"}
}
