package apptest_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"skranke/chat"
	"skranke/internal/apptest"
	"skranke/internal/server"
)

// hookRequest is what a receiver got: the Standard Webhooks headers and
// the body, read as a receiver written from docs/webhooks.md would.
type hookRequest struct {
	ID, Timestamp, Signature string
	Body                     []byte
	Msg                      struct {
		Type      string    `json:"type"`
		Timestamp time.Time `json:"timestamp"`
		Data      struct {
			ConversationID chat.ConversationID `json:"conversationId"`
			QueueID        string              `json:"queueId"`
			Event          apptest.Event       `json:"event"`
		} `json:"data"`
	}
}

// receiver is a real HTTP server that records webhook requests; answer
// says what to answer the n-th request (0-based): a status, or 0 to hang
// until the sender gives up.
type receiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	got    []hookRequest // every request, answered well or not
	ok     []hookRequest // the requests answered 2xx
	answer func(n int, r hookRequest) int
}

func startReceiver(t *testing.T, answer func(n int, r hookRequest) int) *receiver {
	rc := &receiver{answer: answer}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h := hookRequest{ID: r.Header.Get("webhook-id"), Timestamp: r.Header.Get("webhook-timestamp"), Signature: r.Header.Get("webhook-signature"), Body: b}
		if err := json.Unmarshal(b, &h.Msg); err != nil {
			t.Errorf("webhook body %q: %v", b, err)
		}
		rc.mu.Lock()
		n := len(rc.got)
		rc.got = append(rc.got, h)
		status := http.StatusOK
		if rc.answer != nil {
			status = rc.answer(n, h)
		}
		if status >= 200 && status < 300 {
			rc.ok = append(rc.ok, h)
		}
		rc.mu.Unlock()
		if status == 0 {
			<-r.Context().Done() // the sender's timeout
			return
		}
		w.WriteHeader(status)
		fmt.Fprintf(w, "answer %d", status)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

// waitOK waits until the receiver has answered n requests 2xx and returns them.
func (rc *receiver) waitOK(t *testing.T, n int) []hookRequest {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		rc.mu.Lock()
		got := slices.Clone(rc.ok)
		rc.mu.Unlock()
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("the receiver got %d good deliveries, want %d: %s", len(got), n, types(got))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitAll waits until the receiver has had n requests.
func (rc *receiver) waitAll(t *testing.T, n int) []hookRequest {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		rc.mu.Lock()
		got := slices.Clone(rc.got)
		rc.mu.Unlock()
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("the receiver got %d requests, want %d", len(got), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func types(rs []hookRequest) string {
	var s []string
	for _, r := range rs {
		s = append(s, fmt.Sprintf("%s#%d", r.Msg.Type, r.Msg.Data.Event.Seq))
	}
	return strings.Join(s, " ")
}

// verify checks a request's signature as a receiver does, without
// Skranke's code: HMAC-SHA256 keyed by the secret's base64-decoded bytes
// over "id.timestamp.body", in base64, one of the "v1,…" entries.
func verify(t *testing.T, secret string, r hookRequest) {
	t.Helper()
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil || !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("secret %q is not whsec_ and base64", secret)
	}
	ts, err := strconv.ParseInt(r.Timestamp, 10, 64)
	if err != nil || time.Since(time.Unix(ts, 0)).Abs() > 5*time.Minute {
		t.Errorf("webhook-timestamp %q is not now in Unix seconds", r.Timestamp)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(r.ID + "." + r.Timestamp + "." + string(r.Body)))
	want := mac.Sum(nil)
	for _, sig := range strings.Fields(r.Signature) {
		v, b64, _ := strings.Cut(sig, ",")
		got, err := base64.StdEncoding.DecodeString(b64)
		if v == "v1" && err == nil && hmac.Equal(got, want) {
			return
		}
	}
	t.Errorf("webhook-signature %q of %s does not verify with the secret", r.Signature, r.ID)
}

type webhookAnswer struct {
	Webhook struct {
		ID       string    `json:"id"`
		Version  int64     `json:"version"`
		PausedAt time.Time `json:"pausedAt"`
		Failures int       `json:"failures"`
	} `json:"webhook"`
	Secret string `json:"secret"`
}

// addWebhook adds an endpoint for url as the administrator.
func addWebhook(t *testing.T, admin *apptest.Client, body map[string]any) webhookAnswer {
	t.Helper()
	var w webhookAnswer
	if code, data := admin.Raw(t, "POST", "/api/v1/admin/webhooks", body); code != http.StatusCreated {
		t.Fatalf("add webhook %v = %d %s", body, code, data)
	} else if err := json.Unmarshal(data, &w); err != nil {
		t.Fatal(err)
	}
	return w
}

// deliveries waits until the endpoint's delivery log has n entries (the
// receiver answers before Skranke records the answer) and returns them.
func deliveries(t *testing.T, admin *apptest.Client, id string, n int) []chat.WebhookDelivery {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var log struct {
			Deliveries []chat.WebhookDelivery `json:"deliveries"`
		}
		admin.Do(t, "GET", "/api/v1/admin/webhooks/"+id+"/deliveries", nil, &log)
		if len(log.Deliveries) >= n {
			return log.Deliveries
		}
		if time.Now().After(deadline) {
			t.Fatalf("the delivery log has %d entries, want %d: %+v", len(log.Deliveries), n, log.Deliveries)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var allEvents = []string{"chat.started", "chat.offered", "chat.accepted", "chat.ended", "message.sent", "chat.transferred", "transcript.sent"}

// inOrder checks that the requests of each conversation come in Seq order,
// each once.
func inOrder(t *testing.T, rs []hookRequest) {
	t.Helper()
	last := map[chat.ConversationID]chat.Seq{}
	for _, r := range rs {
		c, seq := r.Msg.Data.ConversationID, r.Msg.Data.Event.Seq
		if seq <= last[c] {
			t.Errorf("%s: event %d came after %d: %s", c, seq, last[c], types(rs))
		}
		last[c] = seq
	}
}

func TestWebhooks_SignedInOrderWithoutPrivate(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	admin := app.Login(t, "admin")
	plain := startReceiver(t, nil)
	private := startReceiver(t, nil)
	wPlain := addWebhook(t, admin, map[string]any{"url": plain.srv.URL + "/hook", "description": "CRM", "events": allEvents, "allowInsecure": true})
	wPrivate := addWebhook(t, admin, map[string]any{"url": private.srv.URL, "events": []string{"message.sent"}, "includePrivate": true, "allowInsecure": true})
	if wPlain.Secret == wPrivate.Secret || !strings.HasPrefix(wPlain.Secret, "whsec_") {
		t.Fatalf("secrets %q and %q, want two whsec_ secrets", wPlain.Secret, wPrivate.Secret)
	}
	// The secret is shown once: never in a read.
	if _, data := admin.Raw(t, "GET", "/api/v1/admin/webhooks", nil); strings.Contains(string(data), wPlain.Secret) || strings.Contains(string(data), "whsec_") {
		t.Errorf("the list of webhooks shows a secret: %s", data)
	}

	kari, cust, anna := startChat(t, app)
	id := kari.ConversationID
	for i := range 5 {
		send(t, cust, id, fmt.Sprintf("c%d", i), fmt.Sprintf("customer %d", i), false)
		send(t, anna, id, fmt.Sprintf("a%d", i), fmt.Sprintf("agent %d", i), false)
	}
	send(t, anna, id, "p1", "SECRET-NOTE", true)
	if f := anna.Request(map[string]any{"type": "end", "conversationId": id}); f.Type != "ack" {
		t.Fatalf("end: %+v", f)
	}

	// started, offered, accepted, 10 messages, ended.
	got := plain.waitOK(t, 14)
	inOrder(t, got)
	var kinds []string
	for _, r := range got {
		verify(t, wPlain.Secret, r)
		if want := fmt.Sprintf("evt_%s_%d", id, r.Msg.Data.Event.Seq); r.ID != want {
			t.Errorf("webhook-id %q, want %q", r.ID, want)
		}
		if r.Msg.Data.ConversationID != id || r.Msg.Data.QueueID != "sales" {
			t.Errorf("data of %s = %+v, want conversation %s in sales", r.ID, r.Msg.Data, id)
		}
		if strings.Contains(string(r.Body), "SECRET-NOTE") {
			t.Errorf("the endpoint without private messages got one: %s", r.Body)
		}
		kinds = append(kinds, r.Msg.Type)
	}
	want := []string{"chat.started", "chat.offered", "chat.accepted"}
	for range 10 {
		want = append(want, "message.sent")
	}
	want = append(want, "chat.ended")
	if !slices.Equal(kinds, want) {
		t.Errorf("types = %v, want %v", kinds, want)
	}
	if got[3].Msg.Data.Event.Text != "customer 0" || got[3].Msg.Data.Event.Author.Role != chat.PartyCustomer {
		t.Errorf("first message = %+v, want the customer's", got[3].Msg.Data.Event)
	}

	priv := private.waitOK(t, 11)
	verify(t, wPrivate.Secret, priv[10])
	if e := priv[10].Msg.Data.Event; e.Text != "SECRET-NOTE" || e.Visibility != chat.VisibleAgents {
		t.Errorf("the endpoint with private messages got %+v last, want the private note", e)
	}

	// The delivery log.
	log := deliveries(t, admin, wPlain.Webhook.ID, 14)
	if len(log) != 14 || log[0].Type != "chat.ended" || log[0].Status != 200 || !log[0].OK || log[0].Response != "answer 200" {
		t.Errorf("delivery log = %+v, want 14 with chat.ended first, 200", log)
	}
	// Send again: the same message, the same id.
	if code, data := admin.Raw(t, "POST", fmt.Sprintf("/api/v1/admin/webhooks/%s/deliveries/%d/resend", wPlain.Webhook.ID, log[0].ID), nil); code != http.StatusAccepted {
		t.Fatalf("resend = %d %s", code, data)
	}
	again := plain.waitOK(t, 15)[14]
	if again.ID != got[13].ID || string(again.Body) != string(got[13].Body) {
		t.Errorf("sent again: %s %s, want %s %s", again.ID, again.Body, got[13].ID, got[13].Body)
	}
	verify(t, wPlain.Secret, again)

	// Agents may not see or change webhooks.
	if code, _ := app.Login(t, "anna").Raw(t, "GET", "/api/v1/admin/webhooks", nil); code != http.StatusForbidden {
		t.Errorf("an agent listing webhooks = %d, want 403", code)
	}
}

func TestWebhooks_RetriesAfter500AndTimeoutInOrder(t *testing.T) {
	app := apptest.Start(t, apptest.Options{Webhooks: server.WebhookConfig{Timeout: 300 * time.Millisecond}})
	admin := app.Login(t, "admin")
	// The first message fails twice with 500, then hangs once; the
	// receiver's lock guards tries.
	tries := map[string]int{}
	rc := startReceiver(t, func(n int, r hookRequest) int {
		if r.Msg.Type != "message.sent" {
			return 200
		}
		tries[r.ID]++
		if r.Msg.Data.Event.Text == "one" {
			switch tries[r.ID] {
			case 1, 2:
				return 500
			case 3:
				return 0 // no answer in time
			}
		}
		return 200
	})
	w := addWebhook(t, admin, map[string]any{"url": rc.srv.URL, "events": []string{"message.sent"}, "allowInsecure": true})
	kari, cust, _ := startChat(t, app)
	send(t, cust, kari.ConversationID, "c1", "one", false)
	send(t, cust, kari.ConversationID, "c2", "two", false)
	send(t, cust, kari.ConversationID, "c3", "three", false)

	ok := rc.waitOK(t, 3)
	inOrder(t, ok)
	if ok[0].Msg.Data.Event.Text != "one" || ok[2].Msg.Data.Event.Text != "three" {
		t.Errorf("delivered %s, want one, two, three", types(ok))
	}
	all := rc.waitAll(t, 6)
	for _, r := range all[:4] {
		if r.ID != all[0].ID {
			t.Errorf("tries of the first message: %s, want its id %s on each", types(all[:4]), all[0].ID)
		}
		verify(t, w.Secret, r)
	}
	var statuses []int
	for _, d := range slices.Backward(deliveries(t, admin, w.Webhook.ID, 6)) {
		statuses = append(statuses, d.Status)
	}
	if !slices.Equal(statuses, []int{500, 500, 0, 200, 200, 200}) {
		t.Errorf("delivery statuses = %v, want 500, 500, 0 (timed out), then 200 ×3", statuses)
	}
}

func TestWebhooks_RestartMidRetryLosesNothing(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testRestartMidRetry(t, apptest.Options{}) })
	t.Run("postgres", func(t *testing.T) { testRestartMidRetry(t, apptest.Options{Postgres: true}) })
}

func testRestartMidRetry(t *testing.T, opts apptest.Options) {
	app := apptest.Start(t, opts)
	admin := app.Login(t, "admin")
	var mu sync.Mutex
	down := true
	rc := startReceiver(t, func(n int, r hookRequest) int {
		mu.Lock()
		defer mu.Unlock()
		if down {
			return http.StatusServiceUnavailable
		}
		return 200
	})
	w := addWebhook(t, admin, map[string]any{"url": rc.srv.URL, "events": []string{"message.sent", "chat.ended"}, "allowInsecure": true})
	kari, cust, anna := startChat(t, app)
	for i := range 4 {
		send(t, cust, kari.ConversationID, fmt.Sprintf("c%d", i), fmt.Sprintf("message %d", i), false)
	}
	anna.Request(map[string]any{"type": "end", "conversationId": kari.ConversationID})
	rc.waitAll(t, 3) // the first message is being retried
	app.Restart()
	mu.Lock()
	down = false
	mu.Unlock()

	got := rc.waitOK(t, 5)
	inOrder(t, got)
	var texts []string
	for _, r := range got {
		verify(t, w.Secret, r)
		texts = append(texts, r.Msg.Type+":"+r.Msg.Data.Event.Text)
	}
	want := []string{"message.sent:message 0", "message.sent:message 1", "message.sent:message 2", "message.sent:message 3", "chat.ended:"}
	if !slices.Equal(texts, want) {
		t.Errorf("after the restart the receiver got %v, want %v", texts, want)
	}
}

func TestWebhooks_FailingEndpointIsPausedAndResumed(t *testing.T) {
	app := apptest.Start(t, apptest.Options{Webhooks: server.WebhookConfig{PauseFailures: 3, PauseAfter: time.Nanosecond}})
	admin := app.Login(t, "admin")
	var mu sync.Mutex
	failing := true
	rc := startReceiver(t, func(n int, r hookRequest) int {
		mu.Lock()
		defer mu.Unlock()
		if failing {
			return 500
		}
		return 200
	})
	w := addWebhook(t, admin, map[string]any{"url": rc.srv.URL, "events": []string{"message.sent"}, "allowInsecure": true})
	kari, cust, _ := startChat(t, app)
	send(t, cust, kari.ConversationID, "c1", "one", false)
	rc.waitAll(t, 3)
	var cur webhookAnswer
	deadline := time.Now().Add(10 * time.Second)
	for cur.Webhook.PausedAt.IsZero() && time.Now().Before(deadline) {
		admin.Do(t, "GET", "/api/v1/admin/webhooks/"+w.Webhook.ID, nil, &cur)
		time.Sleep(20 * time.Millisecond)
	}
	if cur.Webhook.PausedAt.IsZero() {
		t.Fatalf("the endpoint failing 3 times is not paused: %+v", cur.Webhook)
	}
	if n := counter(t, app, "skranke_webhook_endpoints_paused_total"); n != 1 {
		t.Errorf("skranke_webhook_endpoints_paused_total = %v, want 1", n)
	}
	var audit struct{ Entries []chat.AuditEntry }
	admin.Do(t, "GET", "/api/v1/admin/audit?action=webhook.pause", nil, &audit)
	if len(audit.Entries) != 1 || audit.Entries[0].Target.ID != w.Webhook.ID || audit.Entries[0].Actor.Name != "webhooks" {
		t.Errorf("audit of the pause = %+v, want one entry by webhooks", audit.Entries)
	}
	mu.Lock()
	failing = false
	mu.Unlock()
	send(t, cust, kari.ConversationID, "c2", "two", false)
	if code, data := admin.Raw(t, "PATCH", "/api/v1/admin/webhooks/"+w.Webhook.ID, map[string]any{"paused": false, "version": cur.Webhook.Version}); code != http.StatusOK {
		t.Fatalf("resume = %d %s", code, data)
	}
	got := rc.waitOK(t, 2)
	if got[0].Msg.Data.Event.Text != "one" || got[1].Msg.Data.Event.Text != "two" {
		t.Errorf("after the resume: %s, want one, two", types(got))
	}
}

func TestWebhooks_RotatedSecretSignsBesideTheOld(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	admin := app.Login(t, "admin")
	rc := startReceiver(t, nil)
	w := addWebhook(t, admin, map[string]any{"url": rc.srv.URL, "events": []string{"message.sent"}, "allowInsecure": true})
	var rot webhookAnswer
	if code := admin.Do(t, "POST", "/api/v1/admin/webhooks/"+w.Webhook.ID+"/secret", nil, &rot); code != http.StatusOK || rot.Secret == w.Secret || rot.Secret == "" {
		t.Fatalf("rotate = %d, secret %q (old %q)", code, rot.Secret, w.Secret)
	}
	kari, cust, _ := startChat(t, app)
	send(t, cust, kari.ConversationID, "c1", "one", false)
	r := rc.waitOK(t, 1)[0]
	verify(t, rot.Secret, r)
	verify(t, w.Secret, r)
	if n := len(strings.Fields(r.Signature)); n != 2 {
		t.Errorf("webhook-signature %q has %d signatures, want 2 while the old secret is honoured", r.Signature, n)
	}
}

func TestWebhooks_RedirectNotFollowed(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	admin := app.Login(t, "admin")
	target := startReceiver(t, nil)
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.srv.URL, http.StatusTemporaryRedirect)
	}))
	defer redirect.Close()
	w := addWebhook(t, admin, map[string]any{"url": redirect.URL, "events": []string{"message.sent"}, "allowInsecure": true})
	kari, cust, _ := startChat(t, app)
	send(t, cust, kari.ConversationID, "c1", "one", false)
	if log := deliveries(t, admin, w.Webhook.ID, 1); log[0].Status != http.StatusTemporaryRedirect || log[0].OK {
		t.Fatalf("deliveries = %+v, want a failed one with 307", log)
	}
	target.mu.Lock()
	defer target.mu.Unlock()
	if len(target.got) != 0 {
		t.Errorf("the redirect was followed: the target got %d requests", len(target.got))
	}
}

func TestWebhooks_OnlyPublicHTTPSUnlessAllowed(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	admin := app.Login(t, "admin")
	for _, c := range []struct{ url, reason string }{
		{"http://example.com/hook", "webhook_url_https"},
		{"https://127.0.0.1/hook", "webhook_url_internal"},
		{"https://localhost:8443/hook", "webhook_url_internal"},
		{"https://10.1.2.3/hook", "webhook_url_internal"},
		{"https://192.168.0.10/hook", "webhook_url_internal"},
		{"https://169.254.169.254/latest/meta-data", "webhook_url_internal"},
		{"https://[::1]/hook", "webhook_url_internal"},
		{"https://[fd00::1]/hook", "webhook_url_internal"},
		{"https://[::ffff:127.0.0.1]/hook", "webhook_url_internal"},
		{"https://user:pw@example.com/hook", "webhook_url_credentials"},
		{"ftp://example.com/", "webhook_url_https"},
	} {
		refused(t, admin, "POST", "/api/v1/admin/webhooks", map[string]any{"url": c.url, "events": []string{"chat.ended"}}, http.StatusBadRequest, c.reason)
	}
	refused(t, admin, "POST", "/api/v1/admin/webhooks", map[string]any{"url": "https://example.com/", "events": []string{"chat.nothing"}}, http.StatusBadRequest, "webhook_event_unknown")
	refused(t, app.Login(t, "anna"), "POST", "/api/v1/admin/webhooks", map[string]any{"url": "https://example.com/", "events": []string{"chat.ended"}}, http.StatusForbidden, "role_required")
	addWebhook(t, admin, map[string]any{"url": "https://example.com/hook", "events": []string{"chat.ended"}})
	addWebhook(t, admin, map[string]any{"url": "http://127.0.0.1:9/hook", "events": []string{"chat.ended"}, "allowInsecure": true})
}

// counter returns the value of app's counter name (without labels).
func counter(t *testing.T, app *apptest.App, name string) float64 {
	t.Helper()
	mfs, err := app.Server.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name && len(mf.GetMetric()) == 1 {
			return mf.GetMetric()[0].GetCounter().GetValue()
		}
	}
	return 0
}

// TestWebhooks_Cluster: an endpoint added through one node gets the
// events of a chat whose customer and agent are on the two nodes, each
// once and in order, whichever node runs the outbox.
func TestWebhooks_Cluster(t *testing.T) {
	nodes := cluster(t, 2)
	a, b := nodes[0], nodes[1]
	rc := startReceiver(t, nil)
	w := addWebhook(t, b.Login(t, "admin"), map[string]any{"url": rc.srv.URL, "events": []string{"chat.started", "chat.accepted", "message.sent"}, "allowInsecure": true})
	anna := readyAgent(t, b, "anna", "sales")
	kari := a.NewCustomer(t, "sales", "Kari")
	cust := kari.DialCustomer(t, 0)
	accept(t, anna, kari.ConversationID)
	cust.WaitEvent(chat.KindAgentJoined, kari.ConversationID)
	for i := range 3 {
		send(t, cust, kari.ConversationID, fmt.Sprintf("c%d", i), fmt.Sprintf("from A %d", i), false)
		send(t, anna, kari.ConversationID, fmt.Sprintf("a%d", i), fmt.Sprintf("from B %d", i), false)
	}
	got := rc.waitOK(t, 8)
	inOrder(t, got)
	for _, r := range got {
		verify(t, w.Secret, r)
	}
	if got[0].Msg.Type != "chat.started" || got[1].Msg.Type != "chat.accepted" || got[7].Msg.Data.Event.Text != "from B 2" {
		t.Errorf("the receiver got %s, want started, accepted and six messages", types(got))
	}
}

// TestWebhooks_NeverInAChatsWay: while the receiver holds Skranke's first
// request unanswered, the chat goes on — every message is acknowledged —
// and the messages reach the receiver in order once it answers.
func TestWebhooks_NeverInAChatsWay(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	admin := app.Login(t, "admin")
	holding := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	rc := startReceiver(t, nil)
	rc.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		first := false
		once.Do(func() { first = true })
		if first {
			close(holding)
			<-release
		}
		rc.mu.Lock()
		b, _ := io.ReadAll(r.Body)
		h := hookRequest{ID: r.Header.Get("webhook-id"), Body: b}
		json.Unmarshal(b, &h.Msg)
		rc.got, rc.ok = append(rc.got, h), append(rc.ok, h)
		rc.mu.Unlock()
	})
	addWebhook(t, admin, map[string]any{"url": rc.srv.URL, "events": []string{"message.sent"}, "allowInsecure": true})
	kari, cust, anna := startChat(t, app)
	send(t, cust, kari.ConversationID, "c0", "message 0", false)
	<-holding // Skranke's delivery of message 0 waits for the receiver
	for i := 1; i <= 5; i++ {
		if f := send(t, cust, kari.ConversationID, fmt.Sprintf("c%d", i), fmt.Sprintf("message %d", i), false); f.Type != "ack" {
			t.Fatalf("send %d while the receiver holds a request: %+v", i, f)
		}
		anna.WaitEvent(chat.KindMessage, kari.ConversationID)
	}
	close(release)
	got := rc.waitOK(t, 6)
	inOrder(t, got)
	if got[0].Msg.Data.Event.Text != "message 0" || got[5].Msg.Data.Event.Text != "message 5" {
		t.Errorf("the receiver got %s, want messages 0 to 5", types(got))
	}
}
