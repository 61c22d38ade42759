package chat

import (
	"encoding/json"
	"regexp"
	"testing"
	"time"
)

func TestVisitorNumber(t *testing.T) {
	seen := map[string]bool{}
	for range 50 {
		id := ConversationID(NewID())
		n := VisitorNumber(id)
		if !regexp.MustCompile(`^[1-9]\d{3}$`).MatchString(n) {
			t.Errorf("VisitorNumber(%s) = %q, want four digits", id, n)
		}
		if VisitorNumber(id) != n {
			t.Errorf("VisitorNumber(%s) changes", id)
		}
		seen[n] = true
	}
	if len(seen) < 45 {
		t.Errorf("50 ids gave only %d visitor numbers", len(seen))
	}
	b, err := json.Marshal(Conversation{ID: "q3k", QueueID: "sales", Status: StatusWaiting})
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	json.Unmarshal(b, &got)
	if got["visitor"] != VisitorNumber("q3k") || got["id"] != "q3k" || got["queueId"] != "sales" {
		t.Errorf("Conversation JSON = %s, want its fields and visitor %s", b, VisitorNumber("q3k"))
	}
}

func TestConversation_ApplyCustomerPresence(t *testing.T) {
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	c, _, _ := NewConversation("c1", "cu1", "sales", "", now)
	at := func(k Kind, author Participant, d time.Duration) (Conversation, error) {
		n, _, err := c.Apply(Event{Kind: k, Author: author, Time: now.Add(d)})
		if err == nil {
			c = n
		}
		return n, err
	}
	customer := Participant{Role: PartyCustomer, ID: "cu1"}
	for _, tt := range []struct {
		name     string
		kind     Kind
		author   Participant
		wantCode string
	}{
		{"left before connecting", KindCustomerLeft, System, EConflict},
		{"back before leaving", KindCustomerReturned, System, EConflict},
		{"by the customer", KindCustomerConnected, customer, EInvalid},
		{"connected", KindCustomerConnected, System, ""},
		{"connected again", KindCustomerConnected, System, EConflict},
		{"left", KindCustomerLeft, System, ""},
		{"left again", KindCustomerLeft, System, EConflict},
		{"back", KindCustomerReturned, System, ""},
	} {
		_, err := at(tt.kind, tt.author, time.Minute)
		if ErrorCode(err) != tt.wantCode && !(tt.wantCode == "" && err == nil) {
			t.Errorf("%s: Apply(%s) = %v, want code %q", tt.name, tt.kind, err, tt.wantCode)
		}
	}
	if !c.CustomerConnected() || !c.CustomerLeftAt.IsZero() || !c.CustomerConnectedAt.Equal(now.Add(time.Minute)) {
		t.Errorf("after connected, left, back: %+v", c)
	}
	_, e, _ := c.Apply(Event{Kind: KindCustomerLeft, Author: System, Time: now, Visibility: VisibleAll})
	if e.Visibility != VisibleAgents {
		t.Errorf("customer_left visibility = %s, want agents", e.Visibility)
	}
}
