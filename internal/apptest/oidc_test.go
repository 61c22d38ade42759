package apptest_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"skranke/chat"
	"skranke/internal/apptest"
	"skranke/internal/oidctest"
)

// secureChat is an app whose organisation has an OpenID provider (a real
// one, started by the test) for secure chat, mapping a national identity
// number masked, and whose support queue requires verified customers.
func secureChat(t *testing.T) (*apptest.App, *oidctest.Provider, *apptest.Client) {
	t.Helper()
	app := apptest.Start(t, apptest.Options{})
	idp := oidctest.Start(t, oidctest.Options{
		RedirectURIs: []string{app.URL + "/oidc/callback"},
		Users: []oidctest.User{{ID: "u-ola", Username: "ola", Password: "ola-password", GivenName: "Ola", FamilyName: "Nordmann",
			Email: "ola@example.no", Claims: map[string]any{"nin": "01017012345"}}},
	})
	admin := app.Login(t, "admin")
	var cur struct{ Identity chat.Identity }
	admin.Do(t, "GET", "/api/v1/admin/identity", nil, &cur)
	body := map[string]any{"version": cur.Identity.Version, "requireVerification": []string{"support"},
		"oidc": map[string]any{"issuer": idp.Issuer, "clientId": idp.ClientID, "clientSecret": idp.ClientSecret,
			"claims": []map[string]any{
				{"claim": "name", "field": "name"},
				{"claim": "email", "field": "email"},
				{"claim": "nin", "field": "nin", "label": "National identity number", "mask": true},
			}}}
	var upd struct{ Identity chat.Identity }
	if code := admin.Do(t, "PATCH", "/api/v1/admin/identity", body, &upd); code != http.StatusOK {
		t.Fatalf("PATCH identity = %d", code)
	}
	if upd.Identity.OIDC == nil || upd.Identity.OIDC.ClientSecret != "" || upd.Identity.OIDC.Issuer != idp.Issuer {
		t.Fatalf("identity = %+v, want the provider without its secret", upd.Identity.OIDC)
	}
	return app, idp, admin
}

// browser is an HTTP client with cookies, as the customer's browser.
func browser(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 10 * time.Second}
}

func startIn(t *testing.T, c *apptest.Customer, queue string) (int, identifyAnswer, chat.ConversationID) {
	t.Helper()
	var res struct {
		Conversation struct{ ID chat.ConversationID }
		Error        struct {
			Code, Reason, Message string
			Params                map[string]any
		}
	}
	code := c.Do(t, "POST", "/api/v1/widget/conversations", map[string]string{"queueId": queue}, &res)
	var a identifyAnswer
	a.Error = res.Error
	return code, a, res.Conversation.ID
}

// TestOIDC_SecureChat runs the secure chat against a real OpenID provider:
// a queue that requires verification refuses an unverified customer; the
// customer signs in at the provider (authorization code flow with PKCE,
// run by the server); the claims become verified details, the national
// identity number masked to agent and customer alike and never kept
// whole; the chat then starts. A callback replayed, or with a made-up
// state, verifies nothing.
func TestOIDC_SecureChat(t *testing.T) {
	app, idp, admin := secureChat(t)
	ola := newCustomer(t, app)

	var queues struct {
		Queues []struct {
			ID                   string
			RequiresVerification bool
		}
		SecureChat bool
	}
	ola.Do(t, "GET", "/api/v1/widget/queues", nil, &queues)
	if !queues.SecureChat {
		t.Errorf("widget queues: secureChat = false")
	}
	for _, q := range queues.Queues {
		if q.RequiresVerification != (q.ID == "support") {
			t.Errorf("queue %s requiresVerification = %v", q.ID, q.RequiresVerification)
		}
	}
	if code, a, _ := startIn(t, ola, "support"); code != http.StatusForbidden || a.Error.Reason != "verification_required" {
		t.Fatalf("start in support unverified = %d %+v, want 403 verification_required", code, a.Error)
	}

	var start struct{ URL string }
	if code := ola.Do(t, "POST", "/api/v1/widget/secure-chat", nil, &start); code != http.StatusOK {
		t.Fatalf("secure-chat = %d", code)
	}
	u, err := url.Parse(start.URL)
	if err != nil || !strings.HasPrefix(start.URL, idp.Issuer) || u.Query().Get("code_challenge_method") != "S256" ||
		u.Query().Get("code_challenge") == "" || u.Query().Get("nonce") == "" || u.Query().Get("state") == "" {
		t.Fatalf("authorization URL %s: want the provider's, with PKCE (S256), a nonce and a state", start.URL)
	}
	// A wrong password at the provider verifies nothing.
	b := browser(t)
	resp := idp.Login(t, b, start.URL, "ola", "wrong")
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("login with a wrong password = %d", resp.StatusCode)
	}
	// The right one comes back to Skranke's callback, which verifies.
	resp = idp.Login(t, b, start.URL, "ola", "ola-password")
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Request.URL.String(), app.URL+"/oidc/callback") || !strings.Contains(string(page), "You are signed in") {
		t.Fatalf("callback %s = %d %s", resp.Request.URL, resp.StatusCode, page)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'nonce-") {
		t.Errorf("callback CSP = %q", csp)
	}

	var d identifyAnswer
	ola.Do(t, "GET", "/api/v1/widget/details", nil, &d)
	if !strings.HasPrefix(d.Customer.Subject, "oidc:") {
		t.Errorf("subject = %q, want the provider's", d.Customer.Subject)
	}
	for field, want := range map[string]string{"name": "Ola Nordmann", "email": "ola@example.no", "nin": "*******2345"} {
		x, ok := detail(d.Customer, field)
		if !ok || x.Value != want || !x.Verified || x.Source != chat.SourceOIDC {
			t.Errorf("detail %s = %+v, want %q verified by the provider", field, x, want)
		}
	}
	if x, _ := detail(d.Customer, "nin"); x.Label != "National identity number" {
		t.Errorf("nin label = %q", x.Label)
	}
	// Typed details never replace them.
	ola.Do(t, "PATCH", "/api/v1/widget/details", map[string]any{"details": map[string]string{"name": "Someone Else"}}, &d)
	if x, _ := detail(d.Customer, "name"); x.Value != "Ola Nordmann" {
		t.Errorf("name after typing = %q", x.Value)
	}

	// Now the queue takes the chat; the agent sees the masked number.
	code, _, id := startIn(t, ola, "support")
	if code != http.StatusCreated {
		t.Fatalf("start in support verified = %d", code)
	}
	_, raw := admin.Raw(t, "GET", "/api/v1/conversations/"+string(id)+"/customer", nil)
	if !strings.Contains(string(raw), "*******2345") || strings.Contains(string(raw), "01017012345") {
		t.Errorf("agent's customer panel = %s, want the number masked", raw)
	}

	// The callback again (replayed), or with a state nobody made: refused.
	for name, q := range map[string]string{
		"replayed":     resp.Request.URL.RawQuery,
		"made-up":      "state=made-up&code=whatever",
		"no state":     "code=whatever",
		"provider err": "state=x&error=access_denied",
	} {
		r, err := b.Get(app.URL + "/oidc/callback?" + q)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if r.StatusCode < 400 || !strings.Contains(string(body), "did not succeed") {
			t.Errorf("callback %s = %d %s, want refused", name, r.StatusCode, body)
		}
	}
	if counts := refusedCounts(t, app); counts["oidc_login_unknown"] < 3 {
		t.Errorf("refused OpenID sign-ins counted = %v", counts)
	}

	// Another customer who signs in as nobody can read Ola's chat.
	kari := newCustomer(t, app)
	if code := kari.Do(t, "GET", "/api/v1/widget/conversations/"+string(id)+"/events", nil, nil); code != http.StatusNotFound {
		t.Errorf("another customer reads Ola's secure chat = %d, want 404", code)
	}
}
