package storetest

import (
	"testing"
	"time"

	"skranke/chat"
)

// customerPresenceTests check that a conversation keeps its customer's
// presence (chat/presence.go) as its log says.
var customerPresenceTests = map[string]func(t *testing.T, f *fixture){
	"connected, left, returned": func(t *testing.T, f *fixture) {
		c := f.conversation(t, "c1")
		presence := func(k chat.Kind) chat.Event {
			return chat.Event{ConversationID: c.ID, Kind: k, Author: chat.System}
		}
		connected := f.clock.Add(time.Second)
		a := f.append(t, presence(chat.KindCustomerConnected))
		if !a.Conversation.CustomerConnectedAt.Equal(connected) || !a.Conversation.CustomerConnected() {
			t.Errorf("after customer_connected: %+v, want connected at %s", a.Conversation, connected)
		}
		f.checkStored(t, a.Conversation)
		left := f.clock.Add(time.Minute)
		a = f.append(t, presence(chat.KindCustomerLeft))
		if !a.Conversation.CustomerLeftAt.Equal(left) || a.Conversation.CustomerConnected() {
			t.Errorf("after customer_left: %+v, want left at %s", a.Conversation, left)
		}
		f.checkStored(t, a.Conversation)
		f.clock.Add(time.Minute)
		a = f.append(t, presence(chat.KindCustomerReturned))
		if !a.Conversation.CustomerLeftAt.IsZero() || !a.Conversation.CustomerConnected() {
			t.Errorf("after customer_returned: %+v, want connected", a.Conversation)
		}
		f.checkStored(t, a.Conversation)
		_, err := f.st.AppendEvent(f.ctx, presence(chat.KindCustomerReturned))
		wantCode(t, "AppendEvent(customer_returned again)", err, chat.EConflict)
	},
}
