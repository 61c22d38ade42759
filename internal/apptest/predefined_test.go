package apptest_test

import (
	"net/http"
	"strings"
	"testing"

	"skranke/chat"
	"skranke/internal/apptest"
)

type predefinedBody struct {
	Message chat.PredefinedMessage
}

type predefinedList struct {
	Messages []struct {
		ID       chat.PredefinedID
		Title    string
		Category string
		Text     string
		Missing  []string
		Personal bool
	}
}

// TestPredefined_AdminScopesAndPlaceholders: an administrator creates,
// edits, scopes and deletes predefined messages over REST, every change
// audited; an unknown placeholder is refused on save; an agent in a chat
// gets those for the chat's queue and the agent's profile, and their own,
// with the placeholders filled in and a missing value left empty.
func TestPredefined_AdminScopesAndPlaceholders(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	adm := app.Login(t, "admin")
	const base = "/api/v1/admin/predefined-messages"
	// Start without the demo's.
	var demo struct{ Messages []chat.PredefinedMessage }
	adm.Do(t, "GET", base, nil, &demo)
	for _, m := range demo.Messages {
		if code := adm.Do(t, "DELETE", base+"/"+string(m.ID), nil, nil); code != http.StatusNoContent {
			t.Fatalf("DELETE the demo's %s = %d", m.Title, code)
		}
	}
	var before struct{ Entries []chat.AuditEntry }
	adm.Do(t, "GET", "/api/v1/admin/audit?targetKind=predefined_message", nil, &before)

	create := func(body map[string]any) chat.PredefinedMessage {
		t.Helper()
		var res predefinedBody
		if code := adm.Do(t, "POST", base, body, &res); code != http.StatusCreated {
			t.Fatalf("POST %s %v = %d", base, body, code)
		}
		return res.Message
	}
	hours := create(map[string]any{"title": "Opening hours", "category": "General",
		"text": "Hi {customer.name}, we are open 8–16. Regards, {agent.name} in {queue.name}"})
	if hours.ID == "" || hours.Version != 1 || hours.Scope != chat.ScopeEveryone {
		t.Fatalf("created %+v, want an id, version 1, for everyone", hours)
	}
	sales := create(map[string]any{"title": "Prices", "text": "See our prices at example.com/prices", "scope": "queues", "queues": []string{"sales"}})
	support := create(map[string]any{"title": "Restart", "text": "Try restarting the router", "scope": "queues", "queues": []string{"support"}})
	profile := create(map[string]any{"title": "Support profile only", "text": "x", "scope": "profiles", "profiles": []string{"support"}})

	// Refused on save: an unknown placeholder, a scope without its list, an unknown queue.
	for _, tt := range []struct {
		body   map[string]any
		reason string
	}{
		{map[string]any{"title": "Bad", "text": "Hi {customer.email}"}, "placeholder_unknown"},
		{map[string]any{"title": "Bad", "text": "Hi {name}"}, "placeholder_unknown"},
		{map[string]any{"title": "Bad", "text": "x", "scope": "queues"}, "predefined_queues_required"},
		{map[string]any{"title": "Bad", "text": "x", "scope": "queues", "queues": []string{"nope"}}, "queue_unknown"},
		{map[string]any{"title": " ", "text": "x"}, "predefined_title_required"},
	} {
		status, raw := adm.Raw(t, "POST", base, tt.body)
		if status != http.StatusBadRequest || !strings.Contains(string(raw), `"reason":"`+tt.reason+`"`) {
			t.Errorf("POST %v = %d %s, want 400 %s", tt.body, status, raw, tt.reason)
		}
	}
	// Literal braces that are not placeholders are text.
	create(map[string]any{"title": "Braces", "text": "Use the code {1234} or { this }"})

	// Edit: the version is checked; the scope can change.
	var upd predefinedBody
	if code := adm.Do(t, "PATCH", base+"/"+string(support.ID), map[string]any{"version": 1, "scope": "everyone", "title": "Restart the router"}, &upd); code != http.StatusOK {
		t.Fatalf("PATCH = %d", code)
	}
	if upd.Message.Version != 2 || upd.Message.Scope != chat.ScopeEveryone || upd.Message.Queues != nil || upd.Message.Title != "Restart the router" {
		t.Errorf("updated %+v", upd.Message)
	}
	if code := adm.Do(t, "PATCH", base+"/"+string(support.ID), map[string]any{"version": 1, "title": "stale"}, nil); code != http.StatusConflict {
		t.Errorf("stale PATCH = %d, want 409", code)
	}
	if code := adm.Do(t, "PATCH", base+"/"+string(sales.ID), map[string]any{"version": 1, "text": "{queue.nam}"}, nil); code != http.StatusBadRequest {
		t.Errorf("PATCH to an unknown placeholder = %d, want 400", code)
	}
	if code := adm.Do(t, "DELETE", base+"/"+string(profile.ID)+"?version=1", nil, nil); code != http.StatusNoContent {
		t.Errorf("DELETE = %d", code)
	}
	var all struct{ Messages []chat.PredefinedMessage }
	adm.Do(t, "GET", base, nil, &all)
	if len(all.Messages) != 4 {
		t.Errorf("GET %s lists %d, want 4: %+v", base, len(all.Messages), all.Messages)
	}
	var audit struct{ Entries []chat.AuditEntry }
	adm.Do(t, "GET", "/api/v1/admin/audit?targetKind=predefined_message", nil, &audit)
	if n := len(audit.Entries) - len(before.Entries); n != 7 || audit.Entries[0].Action != chat.AuditPredefinedDelete {
		t.Errorf("audit has %d new entries for predefined messages, the last %+v; want 7 (5 created, 1 updated, 1 deleted)", n, audit.Entries[0])
	}

	// An agent's own, and the list for a chat. Agents may not change the
	// organisation's.
	agent := app.Login(t, "anna")
	if code := agent.Do(t, "POST", base, map[string]any{"title": "x", "text": "y"}, nil); code != http.StatusForbidden {
		t.Errorf("agent POST %s = %d, want 403", base, code)
	}
	var own predefinedBody
	if code := agent.Do(t, "POST", "/api/v1/me/predefined-messages", map[string]any{"title": "My sign-off", "text": "Have a nice day! /{agent.name}"}, &own); code != http.StatusCreated {
		t.Fatalf("POST own = %d", code)
	}
	conn := readyAgent(t, app, "anna", "sales")
	kari := app.NewCustomer(t, "sales", "")
	accept(t, conn, kari.ConversationID)
	var list predefinedList
	path := "/api/v1/conversations/" + string(kari.ConversationID) + "/predefined-messages"
	if code := agent.Do(t, "GET", path, nil, &list); code != http.StatusOK {
		t.Fatalf("GET %s = %d", path, code)
	}
	titles := map[string]int{}
	for i, m := range list.Messages {
		titles[m.Title] = i
	}
	for _, want := range []string{"Opening hours", "Prices", "Restart the router", "Braces", "My sign-off"} {
		if _, ok := titles[want]; !ok {
			t.Errorf("the chat's list lacks %q: %+v", want, list.Messages)
		}
	}
	h := list.Messages[titles["Opening hours"]]
	if h.Text != "Hi , we are open 8–16. Regards, Anna in Sales" || len(h.Missing) != 1 || h.Missing[0] != "customer.name" {
		t.Errorf("filled %+v, want the customer's name left empty and named missing", h)
	}
	if b := list.Messages[titles["Braces"]]; b.Text != "Use the code {1234} or { this }" {
		t.Errorf("braces = %q", b.Text)
	}
	if m := list.Messages[titles["My sign-off"]]; !m.Personal || m.Text != "Have a nice day! /Anna" {
		t.Errorf("own = %+v", m)
	}
	// Someone else's chat is not_found; Bjørn does not see Anna's own.
	bjorn := app.Login(t, "bjorn")
	if code := bjorn.Do(t, "GET", path, nil, nil); code != http.StatusNotFound {
		t.Errorf("a stranger's GET %s = %d, want 404", path, code)
	}
	var bjornOwn struct{ Messages []chat.PredefinedMessage }
	bjorn.Do(t, "GET", "/api/v1/me/predefined-messages", nil, &bjornOwn)
	if len(bjornOwn.Messages) != 0 {
		t.Errorf("bjorn's own = %+v, want none", bjornOwn.Messages)
	}
	if code := bjorn.Do(t, "DELETE", "/api/v1/me/predefined-messages/"+string(own.Message.ID), nil, nil); code != http.StatusNotFound {
		t.Errorf("bjorn deletes anna's own = %d, want 404", code)
	}
	if code := agent.Do(t, "DELETE", "/api/v1/me/predefined-messages/"+string(own.Message.ID), nil, nil); code != http.StatusNoContent {
		t.Errorf("anna deletes her own = %d", code)
	}
}
