package apptest_test

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"skranke/chat"
	"skranke/internal/apptest"
)

// chatLogPage is GET /api/v1/chatlog's answer.
type chatLogPage struct {
	Items []struct {
		ID              chat.ConversationID
		CustomerName    string
		Visitor         string
		Status          chat.ConversationStatus
		WaitSeconds     *int64
		HandlingSeconds *int64
		Record          struct {
			EndedBy  chat.ParticipantRole
			Messages int
			Private  int
		}
		Evaluation *struct {
			Score   int
			Version int
		}
		Hits []struct {
			Visibility chat.Visibility
			Parts      []struct {
				Text string
				Hit  bool
			}
		}
	}
	Next string
}

func searchLog(t *testing.T, c *apptest.Client, query string) chatLogPage {
	t.Helper()
	var p chatLogPage
	if code := c.Do(t, "GET", "/api/v1/chatlog?"+query, nil, &p); code != http.StatusOK {
		t.Fatalf("GET /api/v1/chatlog?%s = %d", query, code)
	}
	return p
}

func ids(p chatLogPage) []chat.ConversationID {
	var out []chat.ConversationID
	for _, it := range p.Items {
		out = append(out, it.ID)
	}
	return out
}

// TestChatLog_SearchAndAccess: the organisation's chat log finds chats by
// words in Norwegian and English, private notes included, for supervisors
// and administrators; an agent finds only the chats it took part in; an
// evaluation is kept with the chat; the list and one chat export.
func TestChatLog_SearchAndAccess(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	kari, cust, anna := startChat(t, app)
	send(t, cust, kari.ConversationID, "k1", "Jeg har spørsmål om kontrakten min", false)
	send(t, anna, kari.ConversationID, "p1", "Kunden er SINT, sjekk økonomi", true)
	if f := cust.Request(map[string]any{"type": "end", "conversationId": kari.ConversationID}); f.Type != "ack" {
		t.Fatalf("end: %+v", f)
	}
	bjorn := readyAgent(t, app, "bjorn", "support")
	ola := app.NewCustomer(t, "support", "Ola")
	accept(t, bjorn, ola.ConversationID)
	send(t, bjorn, ola.ConversationID, "b1", "Your invoice is overdue", false)

	app.AddUser(t, "sofie", chat.RoleSupervisor, 3, "all")
	sofie := app.LoginWith(t, "sofie", "pw-sofie")
	admin := app.Login(t, "admin")
	annaREST := app.Login(t, "anna")

	// A supervisor finds the private note, the words marked.
	p := searchLog(t, sofie, "q="+url.QueryEscape("sint"))
	if got := ids(p); len(got) != 1 || got[0] != kari.ConversationID {
		t.Fatalf("sofie's search for a word of a private note = %v, want Kari's chat", got)
	}
	hit := p.Items[0].Hits[0]
	if hit.Visibility != chat.VisibleAgents || len(hit.Parts) < 2 || !hit.Parts[1].Hit || hit.Parts[1].Text != "SINT" {
		t.Errorf("the hit = %+v, want the private note with SINT marked", hit)
	}
	it := p.Items[0]
	if it.Record.EndedBy != chat.PartyCustomer || it.Record.Messages != 1 || it.Record.Private != 1 || it.WaitSeconds == nil || it.HandlingSeconds == nil {
		t.Errorf("Kari's chat in the log = %+v, want ended by the customer, 1 message, 1 note, wait and handling times", it)
	}
	if want := chat.VisitorNumber(kari.ConversationID); it.Visitor != want {
		t.Errorf("Kari's chat in the log: visitor = %q, want %q, the number the conversation goes by", it.Visitor, want)
	}
	if got := ids(searchLog(t, admin, "q=invoice")); len(got) != 1 || got[0] != ola.ConversationID {
		t.Errorf("admin's search for invoice = %v, want Ola's chat", got)
	}
	if got := ids(searchLog(t, admin, "q=kontrakt+sp%C3%B8rsm%C3%A5l")); len(got) != 1 {
		t.Errorf("admin's search for two Norwegian words = %v, want Kari's chat", got)
	}
	// An agent: only its own chats.
	if got := ids(searchLog(t, annaREST, "q=invoice")); len(got) != 0 {
		t.Errorf("anna's search for a word of Bjørn's chat = %v, want nothing", got)
	}
	if got := ids(searchLog(t, annaREST, "")); len(got) != 1 || got[0] != kari.ConversationID {
		t.Errorf("anna's chat log = %v, want her one chat", got)
	}
	if got := ids(searchLog(t, annaREST, "agent=u-bjorn")); len(got) != 0 {
		t.Errorf("anna asking for Bjørn's chats = %v, want nothing", got)
	}
	if code, _ := annaREST.Raw(t, "GET", "/api/v1/chatlog/"+string(ola.ConversationID), nil); code != http.StatusNotFound {
		t.Errorf("anna reading Bjørn's chat = %d, want 404", code)
	}
	if code, _ := kari.Raw(t, "GET", "/api/v1/chatlog?q=sint", nil); code != http.StatusUnauthorized {
		t.Errorf("a customer reading the chat log = %d, want 401", code)
	}

	// Evaluation: supervisors only, ended chats only, no lost updates.
	put := func(c *apptest.Client, id chat.ConversationID, body map[string]any) (int, string) {
		code, data := c.Raw(t, "PUT", "/api/v1/chatlog/"+string(id)+"/evaluation", body)
		return code, string(data)
	}
	if code, _ := put(annaREST, kari.ConversationID, map[string]any{"score": 5}); code != http.StatusForbidden {
		t.Errorf("an agent evaluating = %d, want 403", code)
	}
	if code, data := put(sofie, ola.ConversationID, map[string]any{"score": 4}); code != http.StatusConflict {
		t.Errorf("evaluating an open chat = %d %s, want 409", code, data)
	}
	if code, data := put(sofie, kari.ConversationID, map[string]any{"score": 4, "note": "Calm and clear"}); code != http.StatusOK {
		t.Fatalf("evaluate = %d %s", code, data)
	}
	if code, _ := put(admin, kari.ConversationID, map[string]any{"score": 2, "version": 0}); code != http.StatusConflict {
		t.Errorf("a second evaluator over an unseen save = %d, want 409", code)
	}
	if p := searchLog(t, admin, "status=ended"); len(p.Items) != 1 || p.Items[0].Evaluation == nil || p.Items[0].Evaluation.Score != 4 {
		t.Errorf("the ended chats with their evaluations = %+v", p.Items)
	}

	// Exports.
	code, data := admin.Raw(t, "GET", "/api/v1/chatlog.csv", nil)
	rows, err := csv.NewReader(strings.NewReader(string(data))).ReadAll()
	if code != http.StatusOK || err != nil || len(rows) != 3 || rows[0][0] != "id" {
		t.Errorf("CSV export = %d, %v, %d rows %q", code, err, len(rows), rows)
	}
	code, data = admin.Raw(t, "GET", "/api/v1/chatlog/"+string(kari.ConversationID)+"/export", nil)
	if code != http.StatusOK || !strings.Contains(string(data), "Kunden er SINT") || !strings.Contains(string(data), `"participations"`) {
		t.Errorf("JSON export = %d %s, want the whole log with the private note", code, data)
	}
}
