package apptest_test

import (
	"net/http"
	"strings"
	"testing"

	"skranke/internal/apptest"
)

// TestLanguage_KeptWithTheUser: the language an agent chooses in the desk
// is kept with their user (R21), so that a login from another browser, on
// SQLite and on PostgreSQL, after a restart, finds it; an unknown language
// is refused by its reason, and no one sets it without logging in.
func TestLanguage_KeptWithTheUser(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts apptest.Options
	}{{"sqlite", apptest.Options{}}, {"postgres", apptest.Options{Postgres: true}}} {
		t.Run(tc.name, func(t *testing.T) {
			app := apptest.Start(t, tc.opts)
			anna := app.Login(t, "anna")
			var me struct {
				User struct {
					Language string `json:"language"`
					Version  int64  `json:"version"`
				} `json:"user"`
			}
			anna.Do(t, "GET", "/api/v1/me", nil, &me)
			if me.User.Language != "" {
				t.Fatalf("language before a choice = %q, want none", me.User.Language)
			}
			version := me.User.Version

			var out struct{ Language string }
			if code := anna.Do(t, "PUT", "/api/v1/me/language", map[string]any{"language": "nb"}, &out); code != http.StatusOK || out.Language != "nb" {
				t.Fatalf("PUT language nb = %d %+v", code, out)
			}
			code, body := anna.Raw(t, "PUT", "/api/v1/me/language", map[string]any{"language": "de"})
			if code != http.StatusBadRequest || !strings.Contains(string(body), `"reason":"language_unknown"`) {
				t.Errorf("PUT language de = %d %s, want 400 language_unknown", code, body)
			}
			if code, _ := app.NewClient().Raw(t, "PUT", "/api/v1/me/language", map[string]any{"language": "en"}); code != http.StatusUnauthorized {
				t.Errorf("PUT language without a login = %d, want 401", code)
			}

			app.Restart()
			other := app.Login(t, "anna") // another browser
			other.Do(t, "GET", "/api/v1/me", nil, &me)
			if me.User.Language != "nb" {
				t.Errorf("language in another browser after a restart = %q, want nb", me.User.Language)
			}
			if me.User.Version != version {
				t.Errorf("version = %d after choosing a language, want %d unchanged", me.User.Version, version)
			}
			var bo struct {
				User struct{ Language string } `json:"user"`
			}
			app.Login(t, "bjorn").Do(t, "GET", "/api/v1/me", nil, &bo)
			if bo.User.Language != "" {
				t.Errorf("another agent's language = %q, want none", bo.User.Language)
			}
		})
	}
}
