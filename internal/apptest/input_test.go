package apptest_test

import (
	"net/http"
	"net/url"
	"testing"

	"skranke/chat"
	"skranke/internal/apptest"
)

// TestBadInput_ControlCharacters sends a NUL (and other control characters)
// in every kind of text a client gives — names, messages, notes, ids,
// usernames — on SQLite and on PostgreSQL, which refuses NUL in text: each
// is refused as invalid, the same on both, and never reaches a store as an
// internal error.
func TestBadInput_ControlCharacters(t *testing.T) {
	for _, store := range []struct {
		name string
		opts apptest.Options
	}{{"sqlite", apptest.Options{}}, {"postgres", apptest.Options{Postgres: true}}} {
		t.Run(store.name, func(t *testing.T) {
			app := apptest.Start(t, store.opts)
			kari, cust, anna := startChat(t, app)
			id := kari.ConversationID
			nul := "a\x00b"

			frames := []map[string]any{
				{"type": "send", "conversationId": id, "clientMsgId": "m1", "text": nul},
				{"type": "send", "conversationId": id, "clientMsgId": nul, "text": "hello"},
				{"type": "send", "conversationId": id, "clientMsgId": "m2", "text": "escape \x1b[2J"},
				{"type": "send", "conversationId": chat.ConversationID(nul), "clientMsgId": "m3", "text": "hello"},
			}
			for _, f := range frames {
				for who, c := range map[string]*apptest.Conn{"customer": cust, "agent": anna} {
					if got := c.Request(f); got.Type != "error" || got.Code != chat.EInvalid {
						t.Errorf("%s %v = %+v, want invalid", who, f, got)
					}
				}
			}
			for _, f := range []map[string]any{
				{"type": "invite", "conversationId": id, "agentId": "u-bjorn", "note": nul},
				{"type": "invite", "conversationId": id, "agentId": nul},
				{"type": "invite", "conversationId": id, "queueId": nul},
				{"type": "status", "status": "ready", "profileId": nul},
				{"type": "accept", "conversationId": chat.ConversationID(nul)},
			} {
				if f["note"] != nil {
					readyAgent(t, app, "bjorn", "sales")
				}
				if got := anna.Request(f); got.Type != "error" || got.Code != chat.EInvalid {
					t.Errorf("agent %v = %+v, want invalid", f, got)
				}
			}

			// REST.
			c := app.NewClient()
			var tok struct{ Token string }
			c.Do(t, "POST", "/api/v1/widget/customers", nil, &tok)
			c.Token = tok.Token
			for _, body := range []map[string]string{{"queueId": "sales", "name": nul}, {"queueId": nul}} {
				if code, data := c.Raw(t, "POST", "/api/v1/widget/conversations", body); code != http.StatusBadRequest {
					t.Errorf("start %v = %d %s, want 400", body, code, data)
				}
			}
			if code, data := c.Raw(t, "GET", "/api/v1/widget/conversations/"+url.PathEscape(nul)+"/events", nil); code != http.StatusBadRequest {
				t.Errorf("customer history of a NUL id = %d %s, want 400", code, data)
			}
			if code, data := app.Login(t, "anna").Raw(t, "GET", "/api/v1/conversations/"+url.PathEscape(nul), nil); code != http.StatusBadRequest {
				t.Errorf("agent read of a NUL id = %d %s, want 400", code, data)
			}
			if code, data := app.NewClient().Raw(t, "POST", "/api/v1/login", map[string]string{"username": nul, "password": "x"}); code != http.StatusUnauthorized {
				t.Errorf("login as %q = %d %s, want 401", nul, code, data)
			}
			// And what is fine stays fine: lines and tabs in a message.
			if got := send(t, cust, id, "ok", "line one\n\tline two", false); got.Type != "ack" {
				t.Errorf("a message with a newline and a tab = %+v, want ack", got)
			}
		})
	}
}
