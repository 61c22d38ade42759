package apptest_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"skranke/chat"
	"skranke/internal/apptest"
	"skranke/internal/oidctest"
	"skranke/internal/server"
	"skranke/ratelimit"
)

// ssoSetup is an app whose agents sign in through a real OpenID provider
// (oidctest), started by the test, whose users are in groups that map to
// roles: skranke-supervisors to supervisor in profile sales, skranke-agents
// to agent. now is the app's clock, moved by adding to the offset.
type ssoSetup struct {
	app    *apptest.App
	idp    *oidctest.Provider
	admin  *apptest.Client
	offset *atomic.Int64
	sso    chat.AgentSSO
}

func startSSO(t *testing.T, createUsers bool) *ssoSetup {
	t.Helper()
	return startSSOWith(t, createUsers, apptest.Options{})
}

// startSSOWith is startSSO with the app's options (its clock is set here).
func startSSOWith(t *testing.T, createUsers bool, opts apptest.Options) *ssoSetup {
	t.Helper()
	offset := new(atomic.Int64)
	opts.Now = func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	app := apptest.Start(t, opts)
	idp := oidctest.Start(t, oidctest.Options{
		RedirectURIs: []string{app.URL + "/sso/callback"},
		Users: []oidctest.User{
			{ID: "u-kari", Username: "kari", Password: "kari-password", GivenName: "Kari", FamilyName: "Nordmann", Email: "kari@example.no",
				Claims: map[string]any{"groups": []any{"everyone", "skranke-supervisors"}}},
			{ID: "u-per", Username: "per", Password: "per-password", GivenName: "Per", FamilyName: "Hansen", Email: "per@example.no",
				Claims: map[string]any{"groups": []any{"everyone"}}},
			{ID: "u-anna", Username: "anna", Password: "anna-password", GivenName: "Anna", FamilyName: "Berg", Email: "anna@example.no",
				Claims: map[string]any{"groups": "skranke-agents"}},
		},
	})
	admin := app.Login(t, "admin")
	s := &ssoSetup{app: app, idp: idp, admin: admin, offset: offset}
	s.update(t, map[string]any{"name": "Example ID", "issuer": idp.Issuer + "/.well-known/openid-configuration",
		"clientId": idp.ClientID, "clientSecret": idp.ClientSecret, "createUsers": createUsers,
		"roles": []map[string]any{
			{"group": "skranke-supervisors", "role": "supervisor", "profiles": []string{"sales"}},
			{"group": "skranke-agents", "role": "agent", "profiles": []string{"all"}},
		}}, http.StatusOK)
	if s.sso.ClientSecret != "" || s.sso.Issuer != idp.Issuer || s.sso.Name != "Example ID" {
		t.Fatalf("sso settings = %+v, want the provider (issuer without the discovery path) and no secret", s.sso)
	}
	return s
}

// update patches the settings at their current version and returns the
// answer's error reason, if any.
func (s *ssoSetup) update(t *testing.T, body map[string]any, want int) string {
	t.Helper()
	var cur struct{ SSO chat.AgentSSO }
	s.admin.Do(t, "GET", "/api/v1/admin/sso", nil, &cur)
	body["version"] = cur.SSO.Version
	var res struct {
		SSO   chat.AgentSSO
		Error struct{ Reason string }
	}
	if code := s.admin.Do(t, "PATCH", "/api/v1/admin/sso", body, &res); code != want {
		t.Fatalf("PATCH sso %v = %d (%s), want %d", body, code, res.Error.Reason, want)
	}
	if want == http.StatusOK {
		s.sso = res.SSO
	}
	return res.Error.Reason
}

// user is the Skranke user of username, as the administration lists it.
func (s *ssoSetup) user(t *testing.T, username string) chat.User {
	t.Helper()
	var users struct{ Users []chat.User }
	s.admin.Do(t, "GET", "/api/v1/admin/users", nil, &users)
	for _, u := range users.Users {
		if u.Username == username {
			return u
		}
	}
	t.Fatalf("no user %s", username)
	return chat.User{}
}

// browser is an agent's browser: it follows redirects, except the
// provider's back to Skranke's callback and Skranke's on to a page, so
// that the test sees them.
func (s *ssoSetup) browser(t *testing.T) *apptest.Client {
	c := s.app.NewClient()
	jar, _ := cookiejar.New(nil)
	c.Client.Jar = jar
	c.Client.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), s.app.URL+"/sso/callback") || via[len(via)-1].URL.Path == "/sso/callback" {
			return http.ErrUseLastResponse
		}
		return nil
	}
	return c
}

// authorize signs username in at the provider from Skranke's start and
// returns the callback URL the provider sends the browser back to.
func (s *ssoSetup) authorize(t *testing.T, b *apptest.Client, username, password string) string {
	t.Helper()
	resp := s.idp.Login(t, b.Client, s.app.URL+"/sso/start", username, password)
	resp.Body.Close()
	cb := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(cb, s.app.URL+"/sso/callback?") {
		t.Fatalf("after the provider's login: %d to %q, want a redirect to the callback", resp.StatusCode, cb)
	}
	return cb
}

// callback opens the callback URL in b and returns the status, where it
// redirects to, and the refusal's reason.
func callback(t *testing.T, b *apptest.Client, cb string) (int, string, string) {
	t.Helper()
	resp, err := b.Client.Get(cb)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location"), resp.Header.Get("X-Skranke-Reason")
}

// me returns the role of b's session, or "" without one.
func me(t *testing.T, b *apptest.Client) (chat.Role, []chat.ProfileID) {
	t.Helper()
	var res struct{ User chat.User }
	if code := b.Do(t, "GET", "/api/v1/me", nil, &res); code != http.StatusOK {
		return "", nil
	}
	return res.User.Role, res.User.Profiles
}

func TestSSO_SignIn(t *testing.T) {
	s := startSSO(t, true)
	b := s.browser(t)
	var opts struct {
		SSO           struct{ Name, URL string }
		PasswordLogin bool
	}
	b.Do(t, "GET", "/api/v1/login/options", nil, &opts)
	if opts.SSO.Name != "Example ID" || opts.SSO.URL != "/sso/start" || !opts.PasswordLogin {
		t.Fatalf("login options = %+v", opts)
	}
	if role, _ := me(t, b); role != "" {
		t.Fatalf("a session before signing in: %s", role)
	}
	code, to, reason := callback(t, b, s.authorize(t, b, "kari", "kari-password"))
	if code != http.StatusFound || to != "/agent" {
		t.Fatalf("callback = %d to %q (%s), want 302 to /agent", code, to, reason)
	}
	role, profiles := me(t, b)
	if role != chat.RoleSupervisor || len(profiles) != 1 || profiles[0] != "sales" {
		t.Fatalf("signed in as %s in %v, want a supervisor in sales (her group's)", role, profiles)
	}
	if u := s.user(t, "kari"); u.DisplayName != "Kari Nordmann" || u.Role != chat.RoleSupervisor {
		t.Errorf("created user = %+v, want Kari Nordmann, a supervisor", u)
	}
	// The created user has no password that works.
	if code := s.app.NewClient().Do(t, "POST", "/api/v1/login", map[string]string{"username": "kari", "password": "!sso"}, nil); code == http.StatusOK {
		t.Fatal("a user created through the provider logs in with a password")
	}
	// Signing out ends the session and its sockets.
	ws := b.DialAgent(t, nil)
	ws.WaitFor("welcome", func(f apptest.Frame) bool { return f.Type == "welcome" })
	if code := b.Do(t, "POST", "/api/v1/logout", nil, nil); code != http.StatusNoContent {
		t.Fatalf("logout = %d", code)
	}
	if got := ws.WaitClosed(5 * time.Second); got != 4001 {
		t.Errorf("the signed-out session's socket closed with %d, want 4001", got)
	}
	if role, _ := me(t, b); role != "" {
		t.Fatalf("still signed in as %s after signing out", role)
	}
	// The settings change was audited, without the secret.
	var audit struct{ Entries []chat.AuditEntry }
	s.admin.Do(t, "GET", "/api/v1/admin/audit", nil, &audit)
	found := false
	for _, e := range audit.Entries {
		if e.Action == chat.AuditSSOUpdate {
			found = true
		}
	}
	if !found {
		t.Error("no sso.update audit entry")
	}
	_, raw := s.admin.Raw(t, "GET", "/api/v1/admin/audit", nil)
	if strings.Contains(string(raw), s.idp.ClientSecret) {
		t.Error("the audit log holds the client secret")
	}
}

// TestSSO_Postgres: on PostgreSQL too, a sign-in creates its user and
// session, and its answer is taken once.
func TestSSO_Postgres(t *testing.T) {
	s := startSSOWith(t, true, apptest.Options{Postgres: true})
	b := s.browser(t)
	cb := s.authorize(t, b, "kari", "kari-password")
	if code, to, reason := callback(t, b, cb); code != http.StatusFound || to != "/agent" {
		t.Fatalf("callback = %d to %q (%s)", code, to, reason)
	}
	if role, _ := me(t, b); role != chat.RoleSupervisor {
		t.Fatalf("signed in as %q, want a supervisor", role)
	}
	b2 := s.browser(t)
	u, _ := url.Parse(cb)
	b2.Client.Jar.SetCookies(u, []*http.Cookie{{Name: "skranke_sso", Value: u.Query().Get("state"), Path: "/sso/callback"}})
	if code, _, reason := callback(t, b2, cb); code != http.StatusNotFound || reason != "sso_login_unknown" {
		t.Fatalf("replayed callback = %d %s", code, reason)
	}
}

func TestSSO_Refused(t *testing.T) {
	s := startSSO(t, true)
	t.Run("wrong_state", func(t *testing.T) {
		b := s.browser(t)
		cb := s.authorize(t, b, "anna", "anna-password")
		u, _ := url.Parse(cb)
		q := u.Query()
		q.Set("state", q.Get("state")+"x")
		u.RawQuery = q.Encode()
		if code, _, reason := callback(t, b, u.String()); code != http.StatusBadRequest || reason != "sso_state_mismatch" {
			t.Fatalf("callback with a wrong state = %d %s", code, reason)
		}
		// Nor may another browser complete it (the state is bound to the one that started).
		if code, _, reason := callback(t, s.browser(t), cb); code != http.StatusBadRequest || reason != "sso_state_mismatch" {
			t.Fatalf("callback in another browser = %d %s", code, reason)
		}
		if role, _ := me(t, b); role != "" {
			t.Fatal("signed in with a wrong state")
		}
	})
	t.Run("replayed_code", func(t *testing.T) {
		b := s.browser(t)
		cb := s.authorize(t, b, "anna", "anna-password")
		if code, _, reason := callback(t, b, cb); code != http.StatusFound {
			t.Fatalf("first callback = %d %s", code, reason)
		}
		// The same answer again: its sign-in was used.
		b2 := s.browser(t)
		u, _ := url.Parse(cb)
		b2.Client.Jar.SetCookies(u, []*http.Cookie{{Name: "skranke_sso", Value: u.Query().Get("state"), Path: "/sso/callback"}})
		if code, _, reason := callback(t, b2, cb); code != http.StatusNotFound || reason != "sso_login_unknown" {
			t.Fatalf("replayed callback = %d %s", code, reason)
		}
		// The used code with a new sign-in's state: the provider refuses it.
		cb2 := s.authorize(t, b2, "anna", "anna-password")
		u2, _ := url.Parse(cb2)
		q := u2.Query()
		q.Set("code", u.Query().Get("code"))
		u2.RawQuery = q.Encode()
		if code, _, reason := callback(t, b2, u2.String()); code != http.StatusBadRequest || reason != "sso_refused" {
			t.Fatalf("replayed code = %d %s", code, reason)
		}
		if role, _ := me(t, b2); role != "" {
			t.Fatal("signed in with a replayed code")
		}
	})
	t.Run("unknown_group", func(t *testing.T) {
		b := s.browser(t)
		if code, _, reason := callback(t, b, s.authorize(t, b, "per", "per-password")); code != http.StatusForbidden || reason != "sso_no_role" {
			t.Fatalf("callback for a user in no mapped group = %d %s", code, reason)
		}
		// With a default role, the administrator's choice, Per is an agent.
		s.update(t, map[string]any{"defaultRole": "agent", "defaultProfiles": []string{"support"}}, http.StatusOK)
		defer s.update(t, map[string]any{"defaultRole": "", "defaultProfiles": []string{}}, http.StatusOK)
		b = s.browser(t)
		if code, _, reason := callback(t, b, s.authorize(t, b, "per", "per-password")); code != http.StatusFound {
			t.Fatalf("callback with a default role = %d %s", code, reason)
		}
		if role, profiles := me(t, b); role != chat.RoleAgent || len(profiles) != 1 || profiles[0] != "support" {
			t.Fatalf("signed in as %s in %v, want the default: an agent in support", role, profiles)
		}
	})
	t.Run("expired_id_token", func(t *testing.T) {
		b := s.browser(t)
		cb := s.authorize(t, b, "anna", "anna-password")
		s.offset.Store(int64(2 * time.Hour)) // the provider's ID tokens live an hour
		defer s.offset.Store(0)
		if code, _, reason := callback(t, b, cb); code != http.StatusBadRequest || reason != "sso_refused" {
			t.Fatalf("callback with an expired ID token = %d %s", code, reason)
		}
		if role, _ := me(t, b); role != "" {
			t.Fatal("signed in with an expired ID token")
		}
	})
	t.Run("deactivated_user", func(t *testing.T) {
		// anna is also a demo agent of Skranke; the administrator deactivates her.
		u := s.user(t, "anna")
		if code := s.admin.Do(t, "PATCH", "/api/v1/admin/users/"+string(u.ID), map[string]any{"version": u.Version, "active": false}, nil); code != http.StatusOK {
			t.Fatalf("deactivate anna = %d", code)
		}
		b := s.browser(t)
		if code, _, reason := callback(t, b, s.authorize(t, b, "anna", "anna-password")); code != http.StatusForbidden || reason != "account_deactivated" {
			t.Fatalf("callback for a deactivated user = %d %s", code, reason)
		}
		if role, _ := me(t, b); role != "" {
			t.Fatal("a deactivated user signed in")
		}
	})
}

func TestSSO_NoUsersCreated(t *testing.T) {
	s := startSSO(t, false)
	b := s.browser(t)
	if code, _, reason := callback(t, b, s.authorize(t, b, "kari", "kari-password")); code != http.StatusForbidden || reason != "sso_unknown_user" {
		t.Fatalf("callback for a user unknown to Skranke = %d %s", code, reason)
	}
}

func TestSSO_PasswordLoginOff(t *testing.T) {
	s := startSSO(t, true)
	if reason := s.update(t, map[string]any{"passwordLoginOff": true}, http.StatusBadRequest); reason != "sso_break_glass_required" {
		t.Fatalf("password off without a break-glass admin: %s", reason)
	}
	if reason := s.update(t, map[string]any{"passwordLoginOff": true, "breakGlass": "bjorn"}, http.StatusBadRequest); reason != "sso_break_glass_not_admin" {
		t.Fatalf("password off with an agent as break-glass: %s", reason)
	}
	s.update(t, map[string]any{"passwordLoginOff": true, "breakGlass": "admin"}, http.StatusOK)
	var res struct{ Error struct{ Reason string } }
	if code := s.app.NewClient().Do(t, "POST", "/api/v1/login", map[string]string{"username": "bjorn", "password": apptest.Password("bjorn")}, &res); code != http.StatusForbidden || res.Error.Reason != "password_login_off" {
		t.Fatalf("password login of an agent = %d %s, want 403 password_login_off", code, res.Error.Reason)
	}
	s.app.Login(t, "admin") // the break-glass administrator still may
	var opts struct{ PasswordLogin bool }
	s.app.NewClient().Do(t, "GET", "/api/v1/login/options", nil, &opts)
	if opts.PasswordLogin {
		t.Error("login options say passwords work")
	}
	// The agents sign in through the provider.
	b := s.browser(t)
	if code, _, reason := callback(t, b, s.authorize(t, b, "kari", "kari-password")); code != http.StatusFound {
		t.Fatalf("sign-in through the provider = %d %s", code, reason)
	}
}

// TestLimits_SSOStarts: each sign-in started at the identity provider is a
// row in the database, so one address may start only so many: past the
// limit, 429 before any row is written.
func TestLimits_SSOStarts(t *testing.T) {
	limits := server.DefaultLimits()
	limits.SSOStarts = ratelimit.Rate{Events: 2, Per: time.Minute}
	app := apptest.Start(t, apptest.Options{Limits: &limits})
	idp := oidctest.Start(t, oidctest.Options{RedirectURIs: []string{app.URL + "/sso/callback"}})
	admin := app.Login(t, "admin")
	var cur struct{ SSO chat.AgentSSO }
	admin.Do(t, "GET", "/api/v1/admin/sso", nil, &cur)
	if code := admin.Do(t, "PATCH", "/api/v1/admin/sso", map[string]any{"version": cur.SSO.Version, "issuer": idp.Issuer, "clientId": idp.ClientID,
		"clientSecret": idp.ClientSecret}, nil); code != http.StatusOK {
		t.Fatalf("PATCH sso = %d", code)
	}
	c := app.NewClient()
	c.Client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	for i := range 2 {
		if code, _ := c.Raw(t, "GET", "/sso/start", nil); code != http.StatusFound {
			t.Fatalf("sign-in start #%d = %d, want 302 to the provider", i+1, code)
		}
	}
	code, data := c.Raw(t, "GET", "/sso/start", nil)
	if code != http.StatusTooManyRequests || !strings.Contains(string(data), "too_many_sso_starts") {
		t.Fatalf("a third sign-in start in a minute = %d %s, want 429 too_many_sso_starts", code, data)
	}
}
