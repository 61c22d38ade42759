package apptest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"skranke/chat"
	"skranke/internal/apptest"
)

// apiError is a REST error body.
type apiError struct {
	Error struct {
		Code    string         `json:"code"`
		Reason  string         `json:"reason"`
		Params  map[string]any `json:"params"`
		Message string         `json:"message"`
	} `json:"error"`
}

// call sends a request and fails the test unless the answer has status
// want; it decodes the answer into out (if not nil) and returns its bytes.
func call(t *testing.T, c *apptest.Client, method, path string, body any, want int, out any) []byte {
	t.Helper()
	code, data := c.Raw(t, method, path, body)
	if code != want {
		t.Fatalf("%s %s = %d %s, want %d", method, path, code, data, want)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, path, data, err)
		}
	}
	return data
}

// refused checks that a request is refused with status, and reason when
// not empty, and returns the error.
func refused(t *testing.T, c *apptest.Client, method, path string, body any, status int, reason string) apiError {
	t.Helper()
	var e apiError
	call(t, c, method, path, body, status, &e)
	if reason != "" && e.Error.Reason != reason {
		t.Errorf("%s %s: reason %q (%s), want %q", method, path, e.Error.Reason, e.Error.Message, reason)
	}
	return e
}

type userBody struct {
	User chat.User `json:"user"`
}
type queueBody struct {
	Queue chat.Queue `json:"queue"`
}
type profileBody struct {
	Profile chat.Profile `json:"profile"`
}

// TestAdmin_NewOrganisation sets an organisation up over the REST API, as
// the admin pages do: a queue, a profile with it, an agent who may use it;
// the agent logs in, goes ready and takes a chat in the new queue.
func TestAdmin_NewOrganisation(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	adm := app.Login(t, "admin")
	var q queueBody
	call(t, adm, "POST", "/api/v1/admin/queues", map[string]any{"id": "billing", "name": "Billing", "waitingText": "An agent is on the way."},
		http.StatusCreated, &q)
	if q.Queue.Version != 1 || q.Queue.Name != "Billing" {
		t.Errorf("created queue = %+v", q.Queue)
	}
	var p profileBody
	call(t, adm, "POST", "/api/v1/admin/profiles", map[string]any{"id": "billing-team", "name": "Billing team", "queues": []string{"billing"}},
		http.StatusCreated, &p)
	var u userBody
	call(t, adm, "POST", "/api/v1/admin/users", map[string]any{"username": "Per", "displayName": "Per", "role": "agent",
		"capacity": 2, "profiles": []string{"billing-team"}, "password": "per's password"}, http.StatusCreated, &u)
	if u.User.Username != "per" || !u.User.Active() || u.User.Version != 1 {
		t.Errorf("created user = %+v, want username per, active, version 1", u.User)
	}
	// Validation names the field.
	e := refused(t, adm, "POST", "/api/v1/admin/users", map[string]any{"username": "kim", "displayName": "Kim", "role": "agent",
		"capacity": 50, "password": "kim's password"}, http.StatusBadRequest, "out_of_range")
	if e.Error.Params["field"] != "capacity" {
		t.Errorf("error of a too large capacity names %v, want capacity", e.Error.Params)
	}
	refused(t, adm, "POST", "/api/v1/admin/users", map[string]any{"username": "per", "displayName": "Per 2", "role": "agent",
		"capacity": 1, "password": "per's password"}, http.StatusConflict, "username_taken")

	per := app.LoginWith(t, "per", "per's password")
	var me struct {
		Profiles []chat.Profile `json:"profiles"`
		Queues   []struct {
			ID          chat.QueueID `json:"id"`
			Open        bool         `json:"open"`
			WaitingText string       `json:"waitingText"`
		} `json:"queues"`
	}
	call(t, per, "GET", "/api/v1/me", nil, 200, &me)
	if len(me.Profiles) != 1 || me.Profiles[0].ID != "billing-team" {
		t.Errorf("Per's profiles = %+v, want only billing-team", me.Profiles)
	}
	ws := per.DialAgent(t, nil)
	ws.WaitFor("welcome", func(f apptest.Frame) bool { return f.Type == "welcome" })
	if f := ws.Request(map[string]any{"type": "status", "status": "ready", "profileId": "sales"}); f.Type != "error" || f.Code != chat.EForbidden {
		t.Errorf("ready in a profile Per may not use = %+v, want forbidden", f)
	}
	if f := ws.Request(map[string]any{"type": "status", "status": "ready", "profileId": "billing-team"}); f.Type != "ack" {
		t.Fatalf("Per ready = %+v", f)
	}
	kari := app.NewCustomer(t, "billing", "Kari")
	var view struct {
		Conversation struct {
			WaitingText string `json:"waitingText"`
		}
	}
	call(t, kari.Client, "POST", "/api/v1/widget/conversations", map[string]string{"queueId": "billing"}, 200, &view)
	if view.Conversation.WaitingText != "An agent is on the way." {
		t.Errorf("the customer's view has waitingText %q", view.Conversation.WaitingText)
	}
	accept(t, ws, kari.ConversationID)
	cust := kari.DialCustomer(t, 0)
	if j := cust.WaitEvent(chat.KindAgentJoined, kari.ConversationID); j.AgentName != "Per" {
		t.Errorf("the customer saw %+v join", j)
	}
}

// TestAdmin_ConcurrentEdits: of two administrators who edit the same queue
// from the same version, the second is told it changed, and nothing of
// theirs is written.
func TestAdmin_ConcurrentEdits(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	app.AddUser(t, "second", chat.RoleAdmin, 1, "all")
	a, b := app.Login(t, "admin"), app.LoginWith(t, "second", "pw-second")
	var q queueBody
	call(t, a, "GET", "/api/v1/admin/queues/sales", nil, 200, &q)
	v := q.Queue.Version
	call(t, a, "PATCH", "/api/v1/admin/queues/sales", map[string]any{"version": v, "closedText": "Closed for lunch"}, 200, &q)
	if q.Queue.Version != v+1 {
		t.Errorf("version after a change = %d, want %d", q.Queue.Version, v+1)
	}
	e := refused(t, b, "PATCH", "/api/v1/admin/queues/sales", map[string]any{"version": v, "name": "Sales & more"}, http.StatusConflict, "stale_version")
	if !strings.Contains(e.Error.Message, "reload") {
		t.Errorf("the conflict says %q, want it to say to reload", e.Error.Message)
	}
	call(t, b, "GET", "/api/v1/admin/queues/sales", nil, 200, &q)
	if q.Queue.Name != "Sales" || q.Queue.ClosedText != "Closed for lunch" {
		t.Errorf("queue after the refused edit = %+v", q.Queue)
	}
	refused(t, b, "PATCH", "/api/v1/admin/queues/sales", map[string]any{"name": "No version"}, http.StatusBadRequest, "version_required")

	// Many at once: exactly one edit per version wins.
	var wg sync.WaitGroup
	codes := make([]int, 8)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := a
			if i%2 == 1 {
				c = b
			}
			codes[i], _ = c.Raw(t, "PATCH", "/api/v1/admin/queues/sales", map[string]any{"version": q.Queue.Version, "priority": i})
		}()
	}
	wg.Wait()
	if n := countOf(codes, 200); n != 1 || countOf(codes, 409) != len(codes)-1 {
		t.Errorf("concurrent edits of one version answered %v, want one 200 and the rest 409", codes)
	}
}

func countOf(xs []int, x int) int {
	n := 0
	for _, v := range xs {
		if v == x {
			n++
		}
	}
	return n
}

// TestAdmin_DeactivateAgentWithChats: an agent deactivated in the middle of
// a chat is logged out on every socket at once; the chat goes back to the
// front of the queue (it does not wait out the grace period, since the
// agent cannot come back) and another agent is offered it. The agent can
// no longer log in, until reactivated.
func TestAdmin_DeactivateAgentWithChats(t *testing.T) {
	app := apptest.Start(t, apptest.Options{Grace: time.Minute})
	anna := readyAgent(t, app, "anna", "sales")
	kari := app.NewCustomer(t, "sales", "Kari")
	accept(t, anna, kari.ConversationID)
	cust := kari.DialCustomer(t, 0)
	cust.WaitEvent(chat.KindAgentJoined, kari.ConversationID)
	second := app.Login(t, "anna").DialAgent(t, nil) // another tab
	second.WaitFor("welcome", func(f apptest.Frame) bool { return f.Type == "welcome" })

	adm := app.Login(t, "admin")
	var u userBody
	call(t, adm, "GET", "/api/v1/admin/users/u-anna", nil, 200, &u)
	start := time.Now()
	call(t, adm, "PATCH", "/api/v1/admin/users/u-anna", map[string]any{"version": u.User.Version, "active": false}, 200, &u)
	if u.User.Active() {
		t.Fatalf("user after deactivation = %+v", u.User)
	}
	for name, ws := range map[string]*apptest.Conn{"first tab": anna, "second tab": second} {
		if got := ws.WaitClosed(5 * time.Second); got != 4001 {
			t.Errorf("anna's %s closed with %d, want 4001", name, got)
		}
	}
	requeued := cust.WaitEvent(chat.KindRequeued, kari.ConversationID)
	if waited := time.Since(start); waited > 10*time.Second {
		t.Errorf("the chat was requeued %s after the deactivation; the grace period is a minute, but it need not wait", waited)
	}
	if requeued.Reason != chat.ReasonDisconnected {
		t.Errorf("requeued = %+v", requeued)
	}
	bjorn := readyAgent(t, app, "bjorn", "sales")
	bjorn.WaitEvent(chat.KindOffered, kari.ConversationID)

	refused(t, app.NewClient(), "POST", "/api/v1/login", map[string]string{"username": "anna", "password": apptest.Password("anna")},
		http.StatusForbidden, "account_deactivated")
	refused(t, adm, "DELETE", "/api/v1/admin/users/u-anna", nil, http.StatusConflict, "user_took_part")

	call(t, adm, "PATCH", "/api/v1/admin/users/u-anna", map[string]any{"version": u.User.Version, "active": true}, 200, &u)
	app.Login(t, "anna")
	// The history keeps anna.
	var conv struct {
		Events []apptest.Event `json:"events"`
	}
	call(t, adm, "GET", "/api/v1/conversations/"+string(kari.ConversationID), nil, 200, &conv)
	if !slices.ContainsFunc(conv.Events, func(e apptest.Event) bool { return e.Kind == chat.KindAgentJoined && e.AgentID == "u-anna" }) {
		t.Errorf("the chat's log lost anna: %+v", conv.Events)
	}
}

// TestAdmin_DirectoryChangeReachesDesktops: an agent's desktop hears of a
// change at once (directory_changed), and /me then shows it; an agent whose
// profile is taken away is paused and told why.
func TestAdmin_DirectoryChangeReachesDesktops(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	carla := readyAgent(t, app, "carla", "support")
	adm := app.Login(t, "admin")
	var p profileBody
	call(t, adm, "GET", "/api/v1/admin/profiles/support", nil, 200, &p)
	call(t, adm, "PATCH", "/api/v1/admin/profiles/support", map[string]any{"version": p.Profile.Version, "name": "Support desk"}, 200, &p)
	carla.WaitEvent(chat.KindDirectoryChanged, "")
	var me struct {
		Profiles []chat.Profile `json:"profiles"`
	}
	call(t, app.Login(t, "carla"), "GET", "/api/v1/me", nil, 200, &me)
	if !slices.ContainsFunc(me.Profiles, func(p chat.Profile) bool { return p.Name == "Support desk" }) {
		t.Errorf("carla's profiles after the rename = %+v", me.Profiles)
	}

	var u userBody
	call(t, adm, "GET", "/api/v1/admin/users/u-carla", nil, 200, &u)
	call(t, adm, "PATCH", "/api/v1/admin/users/u-carla", map[string]any{"version": u.User.Version, "profiles": []string{"sales"}}, 200, &u)
	st := carla.WaitFor("agent_status profile_removed", func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.Kind == chat.KindAgentStatus && f.Event.Reason == chat.ReasonProfileRemoved
	}).Event
	if st.Status != chat.StatusPaused || st.ProfileID != "" {
		t.Errorf("carla's agent_status after losing her profile = %+v, want paused without a profile", st)
	}
	kari := app.NewCustomer(t, "support", "Kari")
	for deadline := time.Now().Add(1500 * time.Millisecond); time.Now().Before(deadline); {
		if f, err := carla.Read(time.Until(deadline)); err == nil && f.Type == "event" && f.Event.Kind == chat.KindOffered {
			t.Errorf("carla was offered %s after her profile was taken away", kari.ConversationID)
		}
	}
}

// TestAdmin_RemoveQueue: a queue with a waiting chat is not removed, and
// the refusal says how many and what to do; once the chat has ended it is,
// and it leaves every list.
func TestAdmin_RemoveQueue(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	adm := app.Login(t, "admin")
	kari := app.NewCustomer(t, "support", "Kari")
	e := refused(t, adm, "DELETE", "/api/v1/admin/queues/support", nil, http.StatusConflict, "queue_in_use")
	if e.Error.Params["waiting"] != float64(1) || !strings.Contains(e.Error.Message, "1 waiting") {
		t.Errorf("refusal = %+v", e.Error)
	}
	kari.DialCustomer(t, 0).Request(map[string]any{"type": "end", "conversationId": kari.ConversationID})
	call(t, adm, "DELETE", "/api/v1/admin/queues/support", nil, http.StatusNoContent, nil)
	var qs struct {
		Queues []struct{ ID chat.QueueID }
	}
	call(t, app.NewClient(), "GET", "/api/v1/widget/queues", nil, 200, &qs)
	if len(qs.Queues) != 1 || qs.Queues[0].ID != "sales" {
		t.Errorf("widget queues after removing support = %+v", qs.Queues)
	}
	var p profileBody
	call(t, adm, "GET", "/api/v1/admin/profiles/all", nil, 200, &p)
	if !slices.Equal(p.Profile.Queues, []chat.QueueID{"sales"}) {
		t.Errorf("profile all after removing support = %+v", p.Profile)
	}
	// The ended chat keeps its history, and its queue takes no new chats.
	call(t, adm, "GET", "/api/v1/conversations/"+string(kari.ConversationID), nil, 200, nil)
	refused(t, kari.Client, "POST", "/api/v1/widget/conversations", map[string]string{"queueId": "support"}, http.StatusBadRequest, "queue_not_found")
}

// TestAdmin_APITokens: a token is shown once and acts for its owner within
// its scope, as Authorization: Bearer on the REST API only; a revoked token
// stops at once; its use is recorded, and so are the changes made with it.
func TestAdmin_APITokens(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	adm := app.Login(t, "admin")
	tokens := map[chat.TokenScope]string{}
	var created struct {
		Token    string        `json:"token"`
		APIToken chat.APIToken `json:"apiToken"`
	}
	for _, scope := range chat.Scopes {
		call(t, adm, "POST", "/api/v1/admin/tokens", map[string]any{"name": "CRM " + string(scope), "scope": scope}, http.StatusCreated, &created)
		if !strings.HasPrefix(created.Token, chat.APITokenPrefix) || !strings.HasPrefix(created.Token, created.APIToken.Prefix) ||
			created.APIToken.UserID != "u-admin" {
			t.Fatalf("created token %q, %+v", created.Token, created.APIToken)
		}
		tokens[scope] = created.Token
	}
	list := call(t, adm, "GET", "/api/v1/admin/tokens", nil, 200, nil)
	for _, tok := range tokens {
		if strings.Contains(string(list), tok) || strings.Contains(string(list), tok[len(tok)-10:]) {
			t.Errorf("the token list shows a token: %s", list)
		}
	}
	with := func(scope chat.TokenScope) *apptest.Client {
		c := app.NewClient()
		c.Token = tokens[scope]
		return c
	}
	var us struct{ Users []chat.User }
	call(t, with(chat.ScopeRead), "GET", "/api/v1/admin/users", nil, 200, &us)
	var q queueBody
	call(t, with(chat.ScopeRead), "GET", "/api/v1/admin/queues/sales", nil, 200, &q)
	patch := map[string]any{"version": q.Queue.Version, "waitingText": "Hello from the CRM"}
	refused(t, with(chat.ScopeRead), "PATCH", "/api/v1/admin/queues/sales", patch, http.StatusForbidden, "token_scope")
	refused(t, with(chat.ScopeWrite), "PATCH", "/api/v1/admin/queues/sales", patch, http.StatusForbidden, "token_scope")
	call(t, with(chat.ScopeAdmin), "PATCH", "/api/v1/admin/queues/sales", patch, 200, &q)
	if e := lastAudit(t, adm); e.Actor.TokenID != created.APIToken.ID || e.Actor.UserID != "u-admin" || e.Action != chat.AuditQueueUpdate {
		t.Errorf("the audit entry of a change with a token = %+v", e)
	}
	// A write token acts in conversations as its owner (an integration).
	kari := app.NewCustomer(t, "sales", "Kari")
	refused(t, with(chat.ScopeRead), "POST", "/api/v1/conversations/"+string(kari.ConversationID)+"/end", nil, http.StatusForbidden, "token_scope")
	call(t, with(chat.ScopeWrite), "GET", "/api/v1/conversations/"+string(kari.ConversationID), nil, 200, nil)
	// Only on the REST API, and never as a customer.
	if code, _ := with(chat.ScopeAdmin).Raw(t, "POST", "/api/v1/widget/conversations", map[string]string{"queueId": "sales"}); code != 401 {
		t.Errorf("an API token on a customer route = %d, want 401", code)
	}
	// Revoked: refused at once.
	var tl struct{ Tokens []chat.APIToken }
	call(t, adm, "GET", "/api/v1/admin/tokens", nil, 200, &tl)
	var read chat.APIToken
	for _, tok := range tl.Tokens {
		if tok.Scope == chat.ScopeRead {
			read = tok
		}
	}
	if read.LastUsedAt.IsZero() {
		t.Errorf("the read token's last use is not recorded: %+v", read)
	}
	call(t, adm, "DELETE", "/api/v1/admin/tokens/"+read.ID, nil, 200, nil)
	refused(t, with(chat.ScopeRead), "GET", "/api/v1/admin/users", nil, http.StatusUnauthorized, "api_token_revoked")
	bad := app.NewClient()
	bad.Token = "skr_not-a-token"
	refused(t, bad, "GET", "/api/v1/admin/users", nil, http.StatusUnauthorized, "api_token_invalid")
}

// TestAdmin_TokenNotOnSockets: an API token never opens the agent socket.
func TestAdmin_TokenNotOnSockets(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	var created struct{ Token string }
	call(t, app.Login(t, "admin"), "POST", "/api/v1/admin/tokens", map[string]any{"name": "bot", "scope": "admin"}, http.StatusCreated, &created)
	req, _ := http.NewRequestWithContext(t.Context(), "GET", app.URL+"/ws/agent", nil)
	req.Header.Set("Authorization", "Bearer "+created.Token)
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", "websocket")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("/ws/agent with an API token = %d, want 401", resp.StatusCode)
	}
}

func lastAudit(t *testing.T, c *apptest.Client) chat.AuditEntry {
	t.Helper()
	var a struct{ Entries []chat.AuditEntry }
	call(t, c, "GET", "/api/v1/admin/audit?limit=1", nil, 200, &a)
	if len(a.Entries) != 1 {
		t.Fatalf("audit log = %+v", a)
	}
	return a.Entries[0]
}

// TestAdmin_Audit: every administrative change is in the audit log, with
// who, what, before and after; the log filters by target and actor and
// pages back.
func TestAdmin_Audit(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	adm := app.Login(t, "admin")
	var q queueBody
	call(t, adm, "GET", "/api/v1/admin/queues/sales", nil, 200, &q)
	call(t, adm, "PATCH", "/api/v1/admin/queues/sales", map[string]any{"version": q.Queue.Version, "name": "Sales & offers"}, 200, &q)
	var w struct{ Widget chat.WidgetSettings }
	call(t, adm, "GET", "/api/v1/admin/widget", nil, 200, &w)
	call(t, adm, "PATCH", "/api/v1/admin/widget", map[string]any{"version": w.Widget.Version, "title": "Nordlys"}, 200, &w)

	var page struct {
		Entries []chat.AuditEntry
		Next    int64
	}
	call(t, adm, "GET", "/api/v1/admin/audit?targetKind=queue&targetId=sales", nil, 200, &page)
	if len(page.Entries) < 2 || page.Entries[0].Action != chat.AuditQueueUpdate || page.Entries[0].Actor.UserID != "u-admin" {
		t.Fatalf("audit of queue sales = %+v", page.Entries)
	}
	var before, after chat.Queue
	json.Unmarshal(page.Entries[0].Before, &before)
	json.Unmarshal(page.Entries[0].After, &after)
	if before.Name != "Sales" || after.Name != "Sales & offers" {
		t.Errorf("before/after = %q/%q", before.Name, after.Name)
	}
	if e := page.Entries[len(page.Entries)-1]; e.Action != chat.AuditQueueCreate || e.Actor.Name != "demo" {
		t.Errorf("the oldest entry of sales = %+v, want its creation by the demo", e)
	}
	call(t, adm, "GET", "/api/v1/admin/audit?actorId=u-admin", nil, 200, &page)
	if len(page.Entries) != 2 {
		t.Errorf("entries by the administrator = %+v, want the two changes", page.Entries)
	}
	call(t, adm, "GET", "/api/v1/admin/audit?limit=3", nil, 200, &page)
	if len(page.Entries) != 3 || page.Next != page.Entries[2].ID {
		t.Fatalf("first page = %d entries, next %d", len(page.Entries), page.Next)
	}
	var rest struct{ Entries []chat.AuditEntry }
	call(t, adm, "GET", fmt.Sprintf("/api/v1/admin/audit?before=%d&limit=500", page.Next), nil, 200, &rest)
	if len(rest.Entries) == 0 || rest.Entries[0].ID >= page.Next {
		t.Errorf("the next page starts at %+v", rest.Entries)
	}
	refused(t, adm, "GET", "/api/v1/admin/audit?from=yesterday", nil, http.StatusBadRequest, "filter_time_invalid")
}

// TestWidget_Settings: the widget reads its settings from a public route
// that other sites' pages may call; an administrator's change shows at once.
func TestWidget_Settings(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	var s struct{ Settings chat.WidgetSettings }
	req, _ := http.NewRequestWithContext(t.Context(), "GET", app.URL+"/api/v1/widget/settings", nil)
	req.Header.Set("Origin", "https://www.example.com")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	json.NewDecoder(resp.Body).Decode(&s)
	resp.Body.Close()
	if resp.Header.Get("Access-Control-Allow-Origin") != "*" || s.Settings.Color == "" || s.Settings.Language != "en" {
		t.Errorf("GET /api/v1/widget/settings = %v %+v", resp.Header, s.Settings)
	}
	adm := app.Login(t, "admin")
	var w struct{ Widget chat.WidgetSettings }
	call(t, adm, "GET", "/api/v1/admin/widget", nil, 200, &w)
	call(t, adm, "PATCH", "/api/v1/admin/widget", map[string]any{"version": w.Widget.Version, "fixedQueue": "support",
		"language": "nb", "greeting": "Hei!"}, 200, &w)
	call(t, app.NewClient(), "GET", "/api/v1/widget/settings", nil, 200, &s)
	if s.Settings.FixedQueue != "support" || s.Settings.Language != "nb" || s.Settings.Greeting != "Hei!" || s.Settings.Version != 0 {
		t.Errorf("public settings after the change = %+v", s.Settings)
	}
	e := refused(t, adm, "PATCH", "/api/v1/admin/widget", map[string]any{"version": w.Widget.Version, "color": "#eeeeee"},
		http.StatusBadRequest, "contrast_too_low")
	if e.Error.Params["field"] != "textColor" {
		t.Errorf("the contrast error is about %v", e.Error.Params)
	}
	refused(t, adm, "DELETE", "/api/v1/admin/queues/support", nil, http.StatusConflict, "queue_in_widget")
}
