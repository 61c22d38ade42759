package apptest_test

import (
	"net/http"
	"strings"
	"testing"

	"skranke/chat"
	"skranke/internal/apptest"
)

var menuOptions = []map[string]any{{"label": "Upgrade my plan"}, {"label": "Cancel my plan"}, {"id": "other", "label": "Something else"}}

// offerMenu sends a menu frame as c and returns the menu event c then sees.
func offerMenu(t *testing.T, c *apptest.Conn, id chat.ConversationID, question string) apptest.Event {
	t.Helper()
	f := c.Request(map[string]any{"type": "menu", "conversationId": id, "text": question, "options": menuOptions})
	if f.Type != "ack" || f.Seq == 0 {
		t.Fatalf("menu: %+v", f)
	}
	return *c.WaitFor("the menu", func(f2 apptest.Frame) bool {
		return f2.Type == "event" && f2.Event.Kind == chat.KindMenu && f2.Event.Seq == f.Seq
	}).Event
}

func choose(c *apptest.Conn, id chat.ConversationID, menu chat.MenuID, option, clientID string) apptest.Frame {
	return c.Request(map[string]any{"type": "choose", "conversationId": id, "menuId": menu, "optionId": option, "clientMsgId": clientID})
}

// lastSeq reads the conversation's last seq as an agent sees it.
func lastSeq(t *testing.T, agent *apptest.Client, id chat.ConversationID) (chat.Seq, []chat.MenuState) {
	t.Helper()
	var res struct{ Conversation chat.Conversation }
	if code := agent.Do(t, "GET", "/api/v1/conversations/"+string(id), nil, &res); code != http.StatusOK {
		t.Fatalf("read %s: %d", id, code)
	}
	return res.Conversation.LastSeq, res.Conversation.Menus
}

// TestMenu_AnsweredOnceOnEveryCopy: the agent offers a menu; the customer,
// in one of two windows, picks an option; the agent sees the structured
// choice and both windows see it too; a second answer from the other window
// is refused with conflict and stores nothing, and a retry of the first
// answer is answered with the choice it stored.
func TestMenu_AnsweredOnceOnEveryCopy(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	kari, cust, anna := startChat(t, app)
	id := kari.ConversationID
	tab2 := kari.DialCustomer(t, 0)
	tab2.WaitFor("welcome", func(f apptest.Frame) bool { return f.Type == "welcome" })

	m := offerMenu(t, anna, id, "What can we help you with?")
	if m.MenuID == "" || m.Visibility != chat.VisibleAll || len(m.Options) != 3 || m.Options[0].ID != "1" || m.Options[2].ID != "other" {
		t.Fatalf("menu event = %+v, want a menu id and options 1, 2, other", m)
	}
	seen := cust.WaitEvent(chat.KindMenu, id)
	if seen.MenuID != m.MenuID || seen.Text != "What can we help you with?" || len(seen.Options) != 3 || seen.Author.ID != "" || seen.Author.Name != "Anna" {
		t.Errorf("customer's menu = %+v, want the question and options by Anna, without ids", seen)
	}

	f := choose(cust, id, m.MenuID, "1", "choice-1")
	if f.Type != "ack" {
		t.Fatalf("choose: %+v", f)
	}
	got := anna.WaitEvent(chat.KindChoice, id)
	if got.MenuID != m.MenuID || got.OptionID != "1" || got.Text != "Upgrade my plan" || got.Author.Role != chat.PartyCustomer || got.Author.Name != "Kari" {
		t.Errorf("agent's choice = %+v, want Kari chose 1, Upgrade my plan", got)
	}
	for name, c := range map[string]*apptest.Conn{"the window that chose": cust, "the other window": tab2} {
		if e := c.WaitEvent(chat.KindChoice, id); e.OptionID != "1" || e.Seq != f.Seq {
			t.Errorf("%s sees the choice as %+v", name, e)
		}
	}

	agent := app.Login(t, "anna")
	before, menus := lastSeq(t, agent, id)
	if len(menus) != 1 || menus[0].Status != chat.MenuStatusAnswered || menus[0].Chosen != "1" {
		t.Errorf("conversation's menus = %+v, want one answered with 1", menus)
	}
	// A second answer, from the other window or by a crafted frame.
	for _, option := range []string{"2", "1"} {
		if f := choose(tab2, id, m.MenuID, option, "choice-2-"+option); f.Type != "error" || f.Code != chat.EConflict || f.Reason != "menu_answered" {
			t.Errorf("second answer %s: %+v, want conflict menu_answered", option, f)
		}
	}
	// A retry of the first (the same client message id) is its answer.
	if f2 := choose(tab2, id, m.MenuID, "2", "choice-1"); f2.Type != "ack" || f2.Seq != f.Seq {
		t.Errorf("retried answer: %+v, want the ack of seq %d", f2, f.Seq)
	}
	if after, _ := lastSeq(t, agent, id); after != before {
		t.Errorf("refused answers stored events: last seq %d, was %d", after, before)
	}
	// Withdrawing an answered menu is a conflict too.
	if f := anna.Request(map[string]any{"type": "withdraw_menu", "conversationId": id, "menuId": m.MenuID}); f.Code != chat.EConflict {
		t.Errorf("withdraw an answered menu: %+v, want conflict", f)
	}
}

// TestMenu_RefusedChoicesStoreNothing: a choice for another conversation's
// menu, for an option the menu lacks, for a withdrawn menu, after the chat
// ended, or by an agent is refused with a clear error, and the log does
// not grow.
func TestMenu_RefusedChoicesStoreNothing(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	kari, cust, anna := startChat(t, app)
	id := kari.ConversationID
	ola := app.NewCustomer(t, "sales", "Ola")
	accept(t, anna, ola.ConversationID)
	olaConn := ola.DialCustomer(t, 0)
	olaConn.WaitEvent(chat.KindAgentJoined, ola.ConversationID)
	agent := app.Login(t, "anna")

	mine := offerMenu(t, anna, id, "Kari's question")
	theirs := offerMenu(t, anna, ola.ConversationID, "Ola's question")
	withdrawn := offerMenu(t, anna, id, "Never mind")
	if f := anna.Request(map[string]any{"type": "withdraw_menu", "conversationId": id, "menuId": withdrawn.MenuID}); f.Type != "ack" {
		t.Fatalf("withdraw menu: %+v", f)
	}
	if e := cust.WaitEvent(chat.KindMenuWithdrawn, id); e.MenuID != withdrawn.MenuID {
		t.Errorf("customer's menu_withdrawn = %+v", e)
	}
	before, _ := lastSeq(t, agent, id)
	olaBefore, _ := lastSeq(t, agent, ola.ConversationID)

	tests := []struct {
		name, conv, menu, option, code, reason string
	}{
		{"another conversation's menu", string(id), string(theirs.MenuID), "1", chat.ENotFound, "menu_not_found"},
		{"a menu in another customer's conversation", string(ola.ConversationID), string(theirs.MenuID), "1", chat.ENotFound, "chat_not_found"},
		{"an unknown option", string(id), string(mine.MenuID), "4", chat.EInvalid, "option_unknown"},
		{"no option", string(id), string(mine.MenuID), "", chat.EInvalid, "option_id_required"},
		{"a withdrawn menu", string(id), string(withdrawn.MenuID), "1", chat.EConflict, "menu_withdrawn"},
		{"an unknown menu", string(id), "no-such-menu", "1", chat.ENotFound, "menu_not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := cust.Request(map[string]any{"type": "choose", "conversationId": tt.conv, "menuId": tt.menu, "optionId": tt.option, "clientMsgId": "c-" + tt.name})
			if f.Type != "error" || f.Code != tt.code || f.Reason != tt.reason || f.Message == "" {
				t.Errorf("choose: %+v, want %s %s with a message", f, tt.code, tt.reason)
			}
		})
	}
	// An agent cannot answer for the customer.
	if f := anna.Request(map[string]any{"type": "choose", "conversationId": id, "menuId": mine.MenuID, "optionId": "1"}); f.Code != chat.EForbidden || f.Reason != "customers_only" {
		t.Errorf("agent chooses: %+v, want forbidden customers_only", f)
	}
	// Nor the customer offer a menu.
	if f := cust.Request(map[string]any{"type": "menu", "conversationId": id, "text": "q", "options": menuOptions}); f.Code != chat.EForbidden {
		t.Errorf("customer offers a menu: %+v, want forbidden", f)
	}
	if after, _ := lastSeq(t, agent, id); after != before {
		t.Errorf("refused choices stored events in Kari's chat: last seq %d, was %d", after, before)
	}
	if after, _ := lastSeq(t, agent, ola.ConversationID); after != olaBefore {
		t.Errorf("refused choices stored events in Ola's chat: last seq %d, was %d", after, olaBefore)
	}

	// After the end, nothing is answered.
	if f := anna.Request(map[string]any{"type": "end", "conversationId": id}); f.Type != "ack" {
		t.Fatalf("end: %+v", f)
	}
	ended, _ := lastSeq(t, agent, id)
	if f := choose(cust, id, mine.MenuID, "1", "late"); f.Code != chat.EConflict || f.Reason != "chat_ended" {
		t.Errorf("choose after the end: %+v, want conflict chat_ended", f)
	}
	if after, _ := lastSeq(t, agent, id); after != ended {
		t.Errorf("a choice after the end was stored: last seq %d, was %d", after, ended)
	}
}

// TestMenu_REST: a bot offers a menu over REST, with options of its own
// ids, and withdraws it; bad menus are refused with the field at fault.
func TestMenu_REST(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	kari, cust, _ := startChat(t, app)
	id := kari.ConversationID
	agent := app.Login(t, "anna")
	path := "/api/v1/conversations/" + string(id) + "/menus"

	var res struct{ Event apptest.Event }
	body := map[string]any{"clientMsgId": "bot-1", "text": "Which plan?", "options": []map[string]any{{"id": "basic", "label": "Basic"}, {"id": "pro", "label": "Pro"}}}
	if code := agent.Do(t, "POST", path, body, &res); code != http.StatusOK {
		t.Fatalf("POST %s: %d", path, code)
	}
	m := res.Event
	if m.Kind != chat.KindMenu || m.MenuID == "" || m.Options[1].ID != "pro" {
		t.Fatalf("menu over REST = %+v", m)
	}
	// The same request again is the same menu.
	var again struct{ Event apptest.Event }
	if code := agent.Do(t, "POST", path, body, &again); code != http.StatusOK || again.Event.Seq != m.Seq || again.Event.MenuID != m.MenuID {
		t.Errorf("retried menu: %d %+v, want the first", code, again.Event)
	}
	if f := choose(cust, id, m.MenuID, "pro", "c1"); f.Type != "ack" {
		t.Errorf("choose pro: %+v", f)
	}

	for _, tt := range []struct {
		name   string
		body   map[string]any
		status int
		reason string
	}{
		{"one option", map[string]any{"text": "q", "options": []map[string]any{{"label": "a"}}}, http.StatusBadRequest, "menu_options_count"},
		{"no question", map[string]any{"text": " ", "options": []map[string]any{{"label": "a"}, {"label": "b"}}}, http.StatusBadRequest, "menu_question_required"},
		{"empty option", map[string]any{"text": "q", "options": []map[string]any{{"label": "a"}, {"label": ""}}}, http.StatusBadRequest, "menu_option_required"},
		{"long question", map[string]any{"text": strings.Repeat("x", 501), "options": []map[string]any{{"label": "a"}, {"label": "b"}}}, http.StatusRequestEntityTooLarge, "menu_question_too_long"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, raw := agent.Raw(t, "POST", path, tt.body)
			if status != tt.status || !strings.Contains(string(raw), `"reason":"`+tt.reason+`"`) {
				t.Errorf("POST %v = %d %s, want %d %s", tt.body, status, raw, tt.status, tt.reason)
			}
		})
	}

	var second struct{ Event apptest.Event }
	agent.Do(t, "POST", path, map[string]any{"text": "Anything else?", "options": []map[string]any{{"label": "Yes"}, {"label": "No"}}}, &second)
	wpath := path + "/" + string(second.Event.MenuID) + "/withdraw"
	if code := agent.Do(t, "POST", wpath, nil, &res); code != http.StatusOK || res.Event.Kind != chat.KindMenuWithdrawn {
		t.Errorf("POST %s = %d %+v", wpath, code, res.Event)
	}
	if code := agent.Do(t, "POST", wpath, nil, nil); code != http.StatusConflict {
		t.Errorf("withdraw again = %d, want 409", code)
	}
	// Someone not in the chat may not.
	bjorn := app.Login(t, "bjorn")
	if code := bjorn.Do(t, "POST", path, body, nil); code != http.StatusNotFound {
		t.Errorf("a stranger's menu = %d, want 404", code)
	}
	// The history, resumed from the start, holds all of it in order.
	resumed := kari.DialCustomer(t, 0)
	var kinds []chat.Kind
	for len(kinds) < 4 {
		f := resumed.WaitFor("menu events", func(f apptest.Frame) bool {
			return f.Type == "event" && (f.Event.Kind == chat.KindMenu || f.Event.Kind == chat.KindChoice || f.Event.Kind == chat.KindMenuWithdrawn)
		})
		kinds = append(kinds, f.Event.Kind)
	}
	if want := []chat.Kind{chat.KindMenu, chat.KindChoice, chat.KindMenu, chat.KindMenuWithdrawn}; strings.Join(kindStrings(kinds), ",") != strings.Join(kindStrings(want), ",") {
		t.Errorf("resumed menu events %v, want %v", kinds, want)
	}
}

func kindStrings(ks []chat.Kind) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}

// TestMenu_SavedMenus: an administrator keeps menus (created, edited,
// deleted, audited, checked like any menu); an agent lists them and offers
// one by its id, as it is or changed; the menu records where it came from,
// which the customer does not see.
func TestMenu_SavedMenus(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	adm := app.Login(t, "admin")
	const base = "/api/v1/admin/menus"
	var created struct{ Menu chat.SavedMenu }
	body := map[string]any{"name": "Plans", "question": "Which plan?", "options": []map[string]any{{"id": "basic", "label": "Basic"}, {"label": "Pro"}}}
	if code := adm.Do(t, "POST", base, body, &created); code != http.StatusCreated {
		t.Fatalf("POST %s = %d", base, code)
	}
	m := created.Menu
	if m.ID == "" || m.Version != 1 || m.Options[1].ID != "2" {
		t.Fatalf("created %+v", m)
	}
	for _, bad := range []map[string]any{
		{"name": "", "question": "q", "options": []map[string]any{{"label": "a"}, {"label": "b"}}},
		{"name": "One", "question": "q", "options": []map[string]any{{"label": "a"}}},
		{"name": "Dup", "question": "q", "options": []map[string]any{{"label": "a"}, {"label": "A"}}},
	} {
		if code := adm.Do(t, "POST", base, bad, nil); code != http.StatusBadRequest {
			t.Errorf("POST %v = %d, want 400", bad, code)
		}
	}
	var upd struct{ Menu chat.SavedMenu }
	if code := adm.Do(t, "PATCH", base+"/"+string(m.ID), map[string]any{"version": 1, "question": "Which plan suits you?"}, &upd); code != http.StatusOK || upd.Menu.Version != 2 {
		t.Fatalf("PATCH = %d %+v", code, upd.Menu)
	}
	if code := adm.Do(t, "PATCH", base+"/"+string(m.ID), map[string]any{"version": 1, "name": "stale"}, nil); code != http.StatusConflict {
		t.Errorf("stale PATCH = %d, want 409", code)
	}
	var other struct{ Menu chat.SavedMenu }
	adm.Do(t, "POST", base, map[string]any{"name": "Yes or no", "question": "OK?", "options": []map[string]any{{"label": "Yes"}, {"label": "No"}}}, &other)
	if code := adm.Do(t, "DELETE", base+"/"+string(other.Menu.ID)+"?version=1", nil, nil); code != http.StatusNoContent {
		t.Errorf("DELETE = %d", code)
	}
	var audit struct{ Entries []chat.AuditEntry }
	adm.Do(t, "GET", "/api/v1/admin/audit?targetKind=saved_menu", nil, &audit)
	if len(audit.Entries) != 5 { // the demo's, and 2 created, 1 updated, 1 deleted here
		t.Errorf("audit has %d saved menu entries, want 5", len(audit.Entries))
	}

	kari, cust, anna := startChat(t, app)
	agent := app.Login(t, "anna")
	var list struct{ Menus []chat.SavedMenu }
	if code := agent.Do(t, "GET", "/api/v1/menus", nil, &list); code != http.StatusOK || len(list.Menus) != 2 || list.Menus[0].Question != "Which plan suits you?" {
		t.Fatalf("GET /api/v1/menus = %d %+v", code, list.Menus)
	}
	f := anna.Request(map[string]any{"type": "menu", "conversationId": kari.ConversationID, "savedMenuId": m.ID})
	if f.Type != "ack" {
		t.Fatalf("menu from a saved one: %+v", f)
	}
	got := anna.WaitEvent(chat.KindMenu, kari.ConversationID)
	if got.Text != "Which plan suits you?" || got.SavedMenuID != string(m.ID) || got.Options[0].ID != "basic" {
		t.Errorf("agent's menu = %+v, want the saved one, marked", got)
	}
	seen := cust.WaitEvent(chat.KindMenu, kari.ConversationID)
	if seen.SavedMenuID != "" || seen.Text != "Which plan suits you?" {
		t.Errorf("customer's menu = %+v, want it without the saved menu's id", seen)
	}
	// Changed before sending: the agent's question, the saved options.
	if f := anna.Request(map[string]any{"type": "menu", "conversationId": kari.ConversationID, "savedMenuId": m.ID, "text": "Kari, which plan?"}); f.Type != "ack" {
		t.Errorf("changed saved menu: %+v", f)
	}
	if f := anna.Request(map[string]any{"type": "menu", "conversationId": kari.ConversationID, "savedMenuId": "nope"}); f.Code != chat.EInvalid || f.Reason != "saved_menu_not_found" {
		t.Errorf("unknown saved menu: %+v, want invalid saved_menu_not_found", f)
	}
	if code := agent.Do(t, "POST", base, body, nil); code != http.StatusForbidden {
		t.Errorf("agent POST %s = %d, want 403", base, code)
	}
}
