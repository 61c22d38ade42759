package apptest_test

import (
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"skranke/chat"
	"skranke/httpapi"
	"skranke/internal/apptest"
)

// caller is one kind of caller of the REST API, with its credentials.
type caller struct {
	name   string
	client *apptest.Client
	// user is the access level of a logged-in user's role; Anyone for the
	// anonymous caller and Customer for a customer.
	level httpapi.Access
	// scope is set for a caller with an API token (of an administrator).
	scope chat.TokenScope
}

// callers are every kind of caller: nobody, a customer, a user of each
// role, and an administrator's API token of each scope.
func callers(t *testing.T, app *apptest.App) []caller {
	t.Helper()
	app.AddUser(t, "sofie", chat.RoleSupervisor, 3, "all")
	cust := app.NewCustomer(t, "sales", "Kari")
	adm := app.Login(t, "admin")
	cs := []caller{
		{"anonymous", app.NewClient(), httpapi.Anyone, ""},
		{"customer", cust.Client, httpapi.Customer, ""},
		{"agent", app.Login(t, "anna"), httpapi.Agent, ""},
		{"supervisor", app.LoginWith(t, "sofie", "pw-sofie"), httpapi.Supervisor, ""},
		{"admin", adm, httpapi.Admin, ""},
	}
	for _, scope := range chat.Scopes {
		var created struct{ Token string }
		if code := adm.Do(t, "POST", "/api/v1/admin/tokens", map[string]any{"name": "access " + string(scope), "scope": scope}, &created); code != http.StatusCreated {
			t.Fatalf("create a %s token: %d", scope, code)
		}
		c := app.NewClient()
		c.Token = created.Token
		cs = append(cs, caller{string(scope) + " token", c, httpapi.Admin, scope})
	}
	return cs
}

// allowed reports whether caller c may call a route of access a with
// method at path: the rule the route table's access column stands for.
// API tokens are accepted on /api/… only, never as customers, and each
// scope covers only some requests (chat.TokenScope.Covers).
func allowed(a httpapi.Access, c caller, method, path string) bool {
	switch a {
	case httpapi.Anyone:
		return true
	case httpapi.Customer:
		return c.level == httpapi.Customer
	}
	if c.scope != "" && (!strings.HasPrefix(path, "/api/") || !c.scope.Covers(method, a == httpapi.Admin)) {
		return false
	}
	return c.level >= httpapi.Agent && c.level >= a
}

// refusal is the status a caller that may not call a route gets: 401
// without fitting credentials (a customer token on a user's route, an API
// token off the REST API or on a customer's route), 403 for a role too low
// or a token's scope too narrow.
func refusal(a httpapi.Access, c caller, path string) int {
	switch {
	case a < httpapi.Agent, c.level < httpapi.Agent:
		return http.StatusUnauthorized
	case c.scope != "" && !strings.HasPrefix(path, "/api/"):
		return http.StatusUnauthorized
	}
	return http.StatusForbidden
}

// TestAccess_EveryRouteEveryRole calls every route of the route table as
// every kind of caller and checks that the server lets exactly the callers
// through that the table's access column says, refusing the others with
// 401 (no fitting credentials) or 403 (a role too low). What an allowed
// call then answers (400 for an empty body, 404 for an unknown id) is the
// handler's business; it is never 401 or 403.
func TestAccess_EveryRouteEveryRole(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	routes := app.Server.API.Routes()
	if len(routes) < 15 {
		t.Fatalf("the route table has %d routes; is it read right?", len(routes))
	}
	cs := callers(t, app)
	for _, rt := range routes {
		method, path, _ := strings.Cut(rt.Pattern, " ")
		path = strings.ReplaceAll(path, "{id}", "no-such-conversation")
		if path == "/api/v1/logout" {
			continue // ends the caller's session; checked on its own below
		}
		for _, c := range cs {
			var body any
			if method == http.MethodPost {
				body = map[string]any{}
			}
			code, data := c.client.Raw(t, method, path, body)
			denied := code == http.StatusUnauthorized || code == http.StatusForbidden
			switch ok := allowed(rt.Access, c, method, path); {
			case ok && denied:
				t.Errorf("%s as %s = %d %s; the table allows %s", rt.Pattern, c.name, code, data, rt.Access)
			case !ok && !denied:
				t.Errorf("%s as %s = %d %s; the table allows only %s", rt.Pattern, c.name, code, data, rt.Access)
			case !ok && code != refusal(rt.Access, c, path):
				t.Errorf("%s as %s = %d %s; want %d", rt.Pattern, c.name, code, data, refusal(rt.Access, c, path))
			}
		}
	}
	for _, c := range cs {
		if c.scope != "" {
			continue
		}
		if code, _ := c.client.Raw(t, "POST", "/api/v1/logout", nil); code != http.StatusNoContent {
			t.Errorf("logout as %s = %d, want 204", c.name, code)
		}
	}
}

// TestAccess_TableIsDocumented checks that docs/protocol.md lists every
// route with its access exactly as the route table has it. With
// SKRANKE_UPDATE_DOCS=1 it writes the list into the document instead.
func TestAccess_TableIsDocumented(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	var b strings.Builder
	b.WriteString("| route | who may call it |\n|---|---|\n")
	for _, rt := range app.Server.API.Routes() {
		fmt.Fprintf(&b, "| `%s` | %s |\n", rt.Pattern, rt.Access)
	}
	const path = "../../docs/protocol.md"
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	section := regexp.MustCompile(`(?s)(<!-- routes:begin -->\n).*?(<!-- routes:end -->)`)
	if !section.Match(doc) {
		t.Fatalf("%s has no <!-- routes:begin --> … <!-- routes:end --> section", path)
	}
	want := section.ReplaceAllLiteral(doc, []byte("<!-- routes:begin -->\n"+b.String()+"<!-- routes:end -->"))
	if os.Getenv("SKRANKE_UPDATE_DOCS") == "1" {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if string(want) != string(doc) {
		t.Errorf("%s's route table is not the server's; run SKRANKE_UPDATE_DOCS=1 go test -run TableIsDocumented ./internal/apptest, then review. The server's:\n%s", path, b.String())
	}
}
