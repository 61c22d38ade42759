package apptest_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"skranke/auth"
	"skranke/chat"
	"skranke/internal/apptest"
)

// TestTranscript_AutoToVerifiedEmail: with automatic transcripts on, a
// chat that ends is e-mailed to its customer's verified address, once,
// without the private notes; a customer whose address is only typed, a
// chat that ended before the setting was turned on, and a chat with the
// setting off get nothing.
func TestTranscript_AutoToVerifiedEmail(t *testing.T) {
	smtp := apptest.StartSMTP(t)
	app := apptest.Start(t, apptest.Options{SMTP: smtp})
	admin := app.Login(t, "admin")
	var cur struct{ Identity chat.Identity }
	admin.Do(t, "GET", "/api/v1/admin/identity", nil, &cur)
	if code := admin.Do(t, "PATCH", "/api/v1/admin/identity", map[string]any{"version": cur.Identity.Version, "audience": app.URL}, nil); code != http.StatusOK {
		t.Fatalf("PATCH identity: %d", code)
	}
	key := addKey(t, admin, "hs-auto", chat.AlgHS256, "")
	verified := func(c *apptest.Customer, subject, email string) {
		t.Helper()
		tok := sign(t, key, nil, auth.IdentityClaims(app.URL, subject, time.Now(), 5*time.Minute, map[string]any{"email": email}))
		if code, a := identifyHTTP(t, c, tok); code != http.StatusOK {
			t.Fatalf("identify %s = %d %+v", subject, code, a.Error)
		}
	}
	end := func(c *apptest.Customer) {
		t.Helper()
		if f := c.DialCustomer(t, 0).Request(map[string]any{"type": "end", "conversationId": c.ConversationID}); f.Type != "ack" {
			t.Fatalf("end: %+v", f)
		}
	}
	setAuto := func(on bool) chat.Privacy {
		t.Helper()
		var p struct{ Privacy chat.Privacy }
		admin.Do(t, "GET", "/api/v1/admin/privacy", nil, &p)
		var res struct{ Privacy chat.Privacy }
		if code := admin.Do(t, "PATCH", "/api/v1/admin/privacy", map[string]any{"version": p.Privacy.Version, "autoTranscript": on}, &res); code != http.StatusOK {
			t.Fatalf("PATCH privacy autoTranscript=%v: %d", on, code)
		}
		return res.Privacy
	}
	svc := app.Server.Service

	// Ended while the setting was off: never sent.
	anna := readyAgent(t, app, "anna", "sales")
	before := app.NewCustomer(t, "sales", "Tidlig")
	verified(before, "tidlig-1", "tidlig@example.no")
	accept(t, anna, before.ConversationID)
	end(before)
	if n, err := svc.SendAutoTranscripts(t.Context(), time.Now()); err != nil || n != 0 {
		t.Fatalf("with the setting off: %d queued, %v", n, err)
	}

	p := setAuto(true)
	if !p.AutoTranscript || p.AutoTranscriptSince.IsZero() {
		t.Fatalf("privacy = %+v, want autoTranscript on since now", p)
	}

	kari := app.NewCustomer(t, "sales", "Kari")
	verified(kari, "kari-1", "kari@example.no")
	accept(t, anna, kari.ConversationID)
	cust := kari.DialCustomer(t, 0)
	cust.WaitEvent(chat.KindAgentJoined, kari.ConversationID)
	send(t, cust, kari.ConversationID, "k1", "Hei, når kommer pakken?", false)
	send(t, anna, kari.ConversationID, "p1", "AUTO-PRIVATE sjekk ordren", true)
	send(t, anna, kari.ConversationID, "a1", "Pakken kommer i morgen.", false)
	end(kari)

	// A typed address is not the customer's verified one.
	ola := app.NewCustomer(t, "sales", "Ola")
	if code, data := ola.Raw(t, "PATCH", "/api/v1/widget/details", map[string]any{"details": map[string]string{"email": "ola@example.no"}}); code != http.StatusOK {
		t.Fatalf("typed details: %d %s", code, data)
	}
	accept(t, anna, ola.ConversationID)
	end(ola)

	if n, err := svc.SendAutoTranscripts(t.Context(), time.Now()); err != nil || n != 1 {
		t.Fatalf("queued %d automatic transcripts, %v; want 1 (Kari's)", n, err)
	}
	if n, err := svc.SendAutoTranscripts(t.Context(), time.Now()); err != nil || n != 0 {
		t.Fatalf("again: queued %d, %v; want none (sent once)", n, err)
	}
	got := smtp.WaitFor(1, 10*time.Second)
	if len(got[0].To) != 1 || got[0].To[0] != "kari@example.no" {
		t.Fatalf("sent to %v, want kari@example.no", got[0].To)
	}
	_, parts := mailParts(t, got[0].Data)
	if !strings.Contains(parts["text/plain"], "Pakken kommer i morgen.") {
		t.Errorf("the automatic transcript lacks the agent's message: %q", parts["text/plain"])
	}
	if strings.Contains(string(got[0].Data), "AUTO-PRIVATE") {
		t.Error("the automatic transcript holds the private note")
	}
	time.Sleep(500 * time.Millisecond) // the outbox had time to send anything else queued
	if all := smtp.Received(); len(all) != 1 {
		t.Errorf("%d e-mails sent, want 1 (Kari's); the others: %v", len(all), all[1:])
	}

	// Turned off, a chat that ends gets nothing.
	setAuto(false)
	lise := app.NewCustomer(t, "sales", "Lise")
	verified(lise, "lise-1", "lise@example.no")
	accept(t, anna, lise.ConversationID)
	end(lise)
	if n, err := svc.SendAutoTranscripts(t.Context(), time.Now()); err != nil || n != 0 {
		t.Errorf("with the setting off again: %d queued, %v", n, err)
	}
}
