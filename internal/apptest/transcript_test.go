package apptest_test

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/http"
	"net/mail"
	"strings"
	"testing"
	"time"

	"skranke/internal/apptest"
)

// mailParts decodes every part of a received message: its subject, and
// the text of each part by content type.
func mailParts(t *testing.T, data []byte) (subject string, parts map[string]string) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("read message: %v\n%s", err, data)
	}
	dec := new(mime.WordDecoder)
	subject, _ = dec.DecodeHeader(msg.Header.Get("Subject"))
	parts = map[string]string{}
	var walk func(h map[string][]string, body io.Reader)
	walk = func(h map[string][]string, body io.Reader) {
		get := func(k string) string {
			if v := h[k]; len(v) > 0 {
				return v[0]
			}
			return ""
		}
		mt, params, err := mime.ParseMediaType(get("Content-Type"))
		if err != nil {
			t.Fatalf("content type %q: %v", get("Content-Type"), err)
		}
		if strings.HasPrefix(mt, "multipart/") {
			r := multipart.NewReader(body, params["boundary"])
			for {
				p, err := r.NextRawPart()
				if err == io.EOF {
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				walk(p.Header, p)
			}
		}
		var r io.Reader = body
		switch strings.ToLower(get("Content-Transfer-Encoding")) {
		case "quoted-printable":
			r = quotedprintable.NewReader(body)
		case "base64":
			r = base64.NewDecoder(base64.StdEncoding, body)
		}
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		parts[mt] = string(b)
	}
	walk(msg.Header, msg.Body)
	return subject, parts
}

// TestTranscript_DownloadAndEmail: the customer downloads the transcript
// and has it e-mailed, in Norwegian: both hold the chat as the customer saw
// it, without the private note, and the e-mail has an HTML and a text part.
func TestTranscript_DownloadAndEmail(t *testing.T) {
	smtp := apptest.StartSMTP(t)
	app := apptest.Start(t, apptest.Options{SMTP: smtp})
	kari, cust, anna := startChat(t, app)
	id := kari.ConversationID
	send(t, cust, id, "k1", "Hei, jeg lurer på fakturaen min", false)
	send(t, anna, id, "p1", "PRIVATE-NOTE sjekk kredittscore", true)
	send(t, anna, id, "a1", "Den er betalt <b>i dag</b>.", false)

	code, data := kari.Raw(t, "GET", "/api/v1/widget/conversations/"+string(id)+"/transcript?lang=nb&zone=Europe/Oslo", nil)
	if code != http.StatusOK {
		t.Fatalf("download = %d %s", code, data)
	}
	page := string(data)
	for _, want := range []string{"Samtalen din med Sales", "Kari:", "lurer på fakturaen", "Anna ble med i samtalen.", "Den er betalt &lt;b&gt;i dag&lt;/b&gt;."} {
		if !strings.Contains(page, want) {
			t.Errorf("the downloaded transcript lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "PRIVATE-NOTE") || strings.Contains(page, "u-anna") {
		t.Errorf("the downloaded transcript holds what the customer never saw:\n%s", page)
	}

	var q struct{ TranscriptByEmail bool }
	kari.Do(t, "GET", "/api/v1/widget/queues", nil, &q)
	if !q.TranscriptByEmail {
		t.Error("the widget is not told that transcripts can be e-mailed")
	}
	if code, data := kari.Raw(t, "POST", "/api/v1/widget/conversations/"+string(id)+"/transcript/email",
		map[string]string{"address": "kari@example.no", "lang": "nb", "zone": "Europe/Oslo"}); code != http.StatusAccepted {
		t.Fatalf("e-mail = %d %s", code, data)
	}
	got := smtp.WaitFor(1, 10*time.Second)
	if got[0].To[0] != "kari@example.no" {
		t.Errorf("sent to %v", got[0].To)
	}
	subject, parts := mailParts(t, got[0].Data)
	if !strings.HasPrefix(subject, "Samtalen din med Sales") {
		t.Errorf("subject %q", subject)
	}
	if !strings.Contains(parts["text/plain"], "Den er betalt <b>i dag</b>.") || !strings.Contains(parts["text/html"], "Den er betalt &lt;b&gt;i dag&lt;/b&gt;.") {
		t.Errorf("the e-mail's parts lack the agent's message: %q", parts)
	}
	for mt, p := range parts {
		if strings.Contains(p, "PRIVATE-NOTE") {
			t.Errorf("the e-mail's %s part holds the private note", mt)
		}
	}
	if strings.Contains(string(got[0].Data), "PRIVATE-NOTE") {
		t.Error("the raw e-mail holds the private note")
	}

	// Bad addresses, and the limits.
	for _, bad := range []string{"not an address", "Kari <kari@example.no>", "kari@localhost"} {
		if code, _ := kari.Raw(t, "POST", "/api/v1/widget/conversations/"+string(id)+"/transcript/email", map[string]string{"address": bad}); code != http.StatusBadRequest {
			t.Errorf("e-mail to %q = %d, want 400", bad, code)
		}
	}
	post := func(addr string) int {
		code, _ := kari.Raw(t, "POST", "/api/v1/widget/conversations/"+string(id)+"/transcript/email", map[string]string{"address": addr})
		return code
	}
	if c := post("kari@work.example"); c != http.StatusAccepted {
		t.Errorf("a second address = %d", c)
	}
	if c := post("someone@else.example"); c != http.StatusTooManyRequests {
		t.Errorf("a third address = %d, want 429", c)
	}
	if c := post("kari@example.no"); c != http.StatusAccepted {
		t.Errorf("a third e-mail to a known address = %d", c)
	}
	if c := post("kari@example.no"); c != http.StatusTooManyRequests {
		t.Errorf("a fourth e-mail = %d, want 429", c)
	}
	other := app.NewCustomer(t, "sales", "Ola")
	if code, _ := other.Raw(t, "GET", "/api/v1/widget/conversations/"+string(id)+"/transcript", nil); code != http.StatusNotFound {
		t.Errorf("another customer's download of Kari's transcript = %d, want 404", code)
	}
}

// TestTranscript_SMTPDownThenBack: while the mail server is down the
// e-mail waits in the outbox; when it is back it arrives, once.
func TestTranscript_SMTPDownThenBack(t *testing.T) {
	smtp := apptest.StartSMTP(t)
	app := apptest.Start(t, apptest.Options{SMTP: smtp})
	kari, cust, _ := startChat(t, app)
	send(t, cust, kari.ConversationID, "k1", "Hello", false)
	smtp.Stop()
	if code, data := kari.Raw(t, "POST", "/api/v1/widget/conversations/"+string(kari.ConversationID)+"/transcript/email",
		map[string]string{"address": "kari@example.no", "lang": "en"}); code != http.StatusAccepted {
		t.Fatalf("e-mail = %d %s", code, data)
	}
	time.Sleep(1 * time.Second) // several tries fail meanwhile
	var box struct {
		Jobs []struct {
			Attempts  int
			LastError string
			DoneAt    time.Time
		}
	}
	app.Login(t, "admin").Do(t, "GET", "/api/v1/outbox", nil, &box)
	if len(box.Jobs) != 1 || box.Jobs[0].Attempts < 2 || box.Jobs[0].LastError == "" || !box.Jobs[0].DoneAt.IsZero() {
		t.Fatalf("the outbox while the mail server is down = %+v, want one job tried several times", box.Jobs)
	}
	smtp.Start()
	smtp.WaitFor(1, 10*time.Second)
	time.Sleep(500 * time.Millisecond)
	if got := smtp.Received(); len(got) != 1 {
		t.Errorf("the mail server received %d messages, want 1", len(got))
	}
	if code, _ := app.Login(t, "anna").Raw(t, "GET", "/api/v1/outbox", nil); code != http.StatusForbidden {
		t.Errorf("an agent reading the outbox = %d, want 403", code)
	}
}
