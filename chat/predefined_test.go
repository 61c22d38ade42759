package chat

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPredefinedMessage_Validate(t *testing.T) {
	ok := PredefinedMessage{Title: "Hours", Text: "Hi {customer.name}, {agent.name} of {queue.name}; code {1234}, { x }", Scope: ScopeEveryone}
	if err := ok.Validate(); err != nil {
		t.Errorf("Validate(%+v) = %v", ok, err)
	}
	tests := []struct {
		name   string
		m      PredefinedMessage
		reason string
	}{
		{"unknown placeholder", PredefinedMessage{Title: "T", Text: "Hi {customer.email}", Scope: ScopeEveryone}, "placeholder_unknown"},
		{"bare word", PredefinedMessage{Title: "T", Text: "Hi {name}", Scope: ScopeEveryone}, "placeholder_unknown"},
		{"case matters", PredefinedMessage{Title: "T", Text: "Hi {Customer.Name}", Scope: ScopeEveryone}, "placeholder_unknown"},
		{"no title", PredefinedMessage{Text: "x", Scope: ScopeEveryone}, "predefined_title_required"},
		{"no text", PredefinedMessage{Title: "T", Text: " ", Scope: ScopeEveryone}, "predefined_text_required"},
		{"queues without any", PredefinedMessage{Title: "T", Text: "x", Scope: ScopeQueues}, "predefined_queues_required"},
		{"profiles without any", PredefinedMessage{Title: "T", Text: "x", Scope: ScopeProfiles}, "predefined_profiles_required"},
		{"unknown scope", PredefinedMessage{Title: "T", Text: "x", Scope: "team"}, "predefined_scope_unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.m.Validate()
			if e := ErrorOf(err); e.Reason != tt.reason {
				t.Errorf("Validate(%+v) = %v, want reason %s", tt.m, err, tt.reason)
			}
		})
	}
}

func TestFillPlaceholders(t *testing.T) {
	got, missing := FillPlaceholders("Hi {customer.name}! {agent.name} here, {queue.name}. Again {customer.name}. {1234}",
		map[string]string{PlaceholderAgentName: "Anna", PlaceholderQueueName: "Sales", PlaceholderCustomerName: " "})
	if want := "Hi ! Anna here, Sales. Again . {1234}"; got != want {
		t.Errorf("FillPlaceholders = %q, want %q", got, want)
	}
	if !cmp.Equal(missing, []string{PlaceholderCustomerName}) {
		t.Errorf("missing = %v, want the customer's name once", missing)
	}
}

func TestPredefinedMessage_For(t *testing.T) {
	for _, tt := range []struct {
		m    PredefinedMessage
		want bool
	}{
		{PredefinedMessage{Scope: ScopeEveryone}, true},
		{PredefinedMessage{Scope: ScopeQueues, Queues: []QueueID{"sales"}}, true},
		{PredefinedMessage{Scope: ScopeQueues, Queues: []QueueID{"support"}}, false},
		{PredefinedMessage{Scope: ScopeProfiles, Profiles: []ProfileID{"all"}}, true},
		{PredefinedMessage{Scope: ScopeProfiles, Profiles: []ProfileID{"support"}}, false},
		{PredefinedMessage{OwnerID: "anna", Scope: ScopeEveryone}, true},
		{PredefinedMessage{OwnerID: "bjorn", Scope: ScopeEveryone}, false},
	} {
		if got := tt.m.For("anna", "sales", "all"); got != tt.want {
			t.Errorf("%+v.For(anna, sales, all) = %v, want %v", tt.m, got, tt.want)
		}
	}
	// A personal message keeps no scope of its own.
	m := PredefinedMessage{OwnerID: "anna", Scope: ScopeQueues, Queues: []QueueID{"sales"}}.Tidy()
	if m.Scope != ScopeEveryone || m.Queues != nil {
		t.Errorf("Tidy of a personal message = %+v", m)
	}
}
