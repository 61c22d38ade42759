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
}

// callers are every kind of caller: nobody, a customer, and a user of each
// role.
func callers(t *testing.T, app *apptest.App) []caller {
	t.Helper()
	app.AddUser(t, "sofie", chat.RoleSupervisor, 3, "all")
	cust := app.NewCustomer(t, "sales", "Kari")
	return []caller{
		{"anonymous", app.NewClient(), httpapi.Anyone},
		{"customer", cust.Client, httpapi.Customer},
		{"agent", app.Login(t, "anna"), httpapi.Agent},
		{"supervisor", app.LoginWith(t, "sofie", "pw-sofie"), httpapi.Supervisor},
		{"admin", app.Login(t, "admin"), httpapi.Admin},
	}
}

// allowed reports whether a caller of level c may call a route of access a:
// the rule the route table's access column stands for.
func allowed(a, c httpapi.Access) bool {
	switch a {
	case httpapi.Anyone:
		return true
	case httpapi.Customer:
		return c == httpapi.Customer
	}
	return c >= httpapi.Agent && c >= a
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
			switch ok := allowed(rt.Access, c.level); {
			case ok && denied:
				t.Errorf("%s as %s = %d %s; the table allows %s", rt.Pattern, c.name, code, data, rt.Access)
			case !ok && !denied:
				t.Errorf("%s as %s = %d %s; the table allows only %s", rt.Pattern, c.name, code, data, rt.Access)
			case !ok && c.level >= httpapi.Agent && rt.Access >= httpapi.Agent && code != http.StatusForbidden:
				t.Errorf("%s as %s = %d; want 403 for a role too low", rt.Pattern, c.name, code)
			case !ok && (c.level < httpapi.Agent || rt.Access < httpapi.Agent) && code != http.StatusUnauthorized:
				t.Errorf("%s as %s = %d; want 401 without fitting credentials", rt.Pattern, c.name, code)
			}
		}
	}
	for _, c := range cs {
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
