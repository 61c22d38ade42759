package apptest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/legacy"

	"skranke/internal/apptest"
)

// loadOpenAPI fetches the API description the server serves and checks it
// with kin-openapi's validator.
func loadOpenAPI(t *testing.T, app *apptest.App) *openapi3.T {
	t.Helper()
	code, data := app.NewClient().Raw(t, "GET", "/api/openapi.yaml", nil)
	if code != http.StatusOK {
		t.Fatalf("GET /api/openapi.yaml = %d", code)
	}
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		t.Fatalf("load /api/openapi.yaml: %v", err)
	}
	if err := doc.Validate(t.Context()); err != nil {
		t.Fatalf("/api/openapi.yaml is not valid OpenAPI: %v", err)
	}
	return doc
}

// TestOpenAPI_DescribesEveryRoute: the served description is valid
// OpenAPI 3, documents every REST route of the route table (the WebSocket
// endpoints are in docs/protocol.md), and nothing that is not one.
func TestOpenAPI_DescribesEveryRoute(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	doc := loadOpenAPI(t, app)
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+path] = true
		}
	}
	for _, rt := range app.Server.API.Routes() {
		if strings.HasPrefix(rt.Pattern, "GET /ws/") {
			continue
		}
		if !documented[rt.Pattern] {
			t.Errorf("route %s (%s) is not in /api/openapi.yaml", rt.Pattern, rt.Access)
		}
		delete(documented, rt.Pattern)
	}
	delete(documented, "GET /metrics") // served beside the route table
	for p := range documented {
		t.Errorf("/api/openapi.yaml documents %s, which the server does not serve", p)
	}
}

// TestOpenAPI_MatchesTheServer sends real requests (as an administrator,
// an agent and a customer would) and checks each request and its answer
// against the description: the shapes, the required fields and the
// statuses it documents, successes and errors alike.
func TestOpenAPI_MatchesTheServer(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	doc := loadOpenAPI(t, app)
	doc.Servers = openapi3.Servers{{URL: app.URL}} // "/" is this server
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	adm := app.Login(t, "admin")
	anna := app.Login(t, "anna")
	kari := app.NewCustomer(t, "sales", "Kari")
	var tok struct{ Token string }
	adm.Do(t, "POST", "/api/v1/admin/tokens", map[string]any{"name": "openapi", "scope": "read"}, &tok)
	reader := app.NewClient()
	reader.Token = tok.Token

	check := func(c *apptest.Client, method, path string, body any) []byte {
		t.Helper()
		var raw []byte
		if body != nil {
			raw, _ = json.Marshal(body)
		}
		req, _ := http.NewRequestWithContext(t.Context(), method, app.URL+path, bytes.NewReader(raw))
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if c.Token != "" {
			req.Header.Set("Authorization", "Bearer "+c.Token)
		}
		resp, err := c.Client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Errorf("%s %s: no documented route: %v", method, path, err)
			return data
		}
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
		req.Body = io.NopCloser(bytes.NewReader(raw))
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil && resp.StatusCode < 400 {
			t.Errorf("%s %s %s: the request is not as documented: %v", method, path, raw, err)
		}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
			Body: io.NopCloser(bytes.NewReader(data)), Options: &openapi3filter.Options{IncludeResponseStatus: true}}
		if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
			t.Errorf("%s %s = %d %s: the answer is not as documented: %v", method, path, resp.StatusCode, data, err)
		}
		return data
	}
	version := func(data []byte, key string) int64 {
		var v map[string]struct{ Version int64 }
		json.Unmarshal(data, &v)
		return v[key].Version
	}

	check(app.NewClient(), "GET", "/api/v1/setup", nil)
	check(app.NewClient(), "GET", "/api/v1/widget/settings", nil)
	check(app.NewClient(), "GET", "/api/v1/widget/queues", nil)
	check(kari.Client, "POST", "/api/v1/widget/conversations", map[string]string{"queueId": "sales"})
	check(kari.Client, "GET", "/api/v1/widget/conversations/"+string(kari.ConversationID)+"/events", nil)
	check(anna, "GET", "/api/v1/me", nil)
	check(anna, "GET", "/api/v1/agents", nil)
	check(anna, "GET", "/api/v1/admin/users", nil) // 403
	check(adm, "GET", "/api/v1/conversations/"+string(kari.ConversationID), nil)

	check(adm, "GET", "/api/v1/admin/users", nil)
	u := check(adm, "POST", "/api/v1/admin/users", map[string]any{"username": "nils", "displayName": "Nils", "role": "agent",
		"capacity": 2, "profiles": []string{"sales"}, "password": "nils's password"})
	var created struct{ User struct{ ID string } }
	json.Unmarshal(u, &created)
	check(adm, "POST", "/api/v1/admin/users", map[string]any{"username": "nils", "displayName": "Nils", "role": "agent",
		"capacity": 2, "password": "nils's password"}) // 409
	check(adm, "GET", "/api/v1/admin/users/"+created.User.ID, nil)
	check(adm, "PATCH", "/api/v1/admin/users/"+created.User.ID, map[string]any{"version": version(u, "user"), "capacity": 4, "active": false})
	check(adm, "PATCH", "/api/v1/admin/users/"+created.User.ID, map[string]any{"version": 1, "capacity": 5}) // 409 stale
	check(adm, "POST", "/api/v1/admin/users/"+created.User.ID+"/password", map[string]string{"password": "a new password"})
	check(adm, "DELETE", "/api/v1/admin/users/"+created.User.ID, nil)

	check(adm, "GET", "/api/v1/admin/queues", nil)
	q := check(adm, "POST", "/api/v1/admin/queues", map[string]any{"id": "billing", "name": "Billing", "offerTimeoutSeconds": 20})
	check(adm, "POST", "/api/v1/admin/queues", map[string]any{"id": "Bad Id", "name": "x"}) // 400
	q = check(adm, "PATCH", "/api/v1/admin/queues/billing", map[string]any{"version": version(q, "queue"), "priority": 2, "closedText": "Closed"})
	check(adm, "PUT", "/api/v1/admin/queues/billing/hours", map[string]any{"version": version(q, "queue"), "hours": map[string]any{
		"timeZone": "Europe/Oslo", "weekly": []map[string]string{{"day": "mon", "open": "08:00", "close": "16:00"}},
		"exceptions": []map[string]string{{"date": "2026-12-24", "note": "Christmas Eve"}}}})
	check(adm, "GET", "/api/v1/admin/queues/billing", nil)
	check(reader, "GET", "/api/v1/admin/queues", nil)
	check(adm, "DELETE", "/api/v1/admin/queues/sales", nil) // 409: Kari waits
	check(adm, "DELETE", "/api/v1/admin/queues/billing", nil)

	check(adm, "GET", "/api/v1/admin/profiles", nil)
	p := check(adm, "POST", "/api/v1/admin/profiles", map[string]any{"id": "evening", "name": "Evening", "queues": []string{"support"}})
	check(adm, "GET", "/api/v1/admin/profiles/evening", nil)
	check(adm, "PATCH", "/api/v1/admin/profiles/evening", map[string]any{"version": version(p, "profile"), "queues": []string{"sales", "support"}})
	check(adm, "DELETE", "/api/v1/admin/profiles/evening", nil)

	w := check(adm, "GET", "/api/v1/admin/widget", nil)
	check(adm, "PATCH", "/api/v1/admin/widget", map[string]any{"version": version(w, "widget"), "title": "Nordlys", "queues": []string{"sales"}})
	check(adm, "PATCH", "/api/v1/admin/widget", map[string]any{"version": version(w, "widget") + 1, "color": "#ffffff"}) // 400

	check(adm, "GET", "/api/v1/admin/tokens", nil)
	tk := check(adm, "POST", "/api/v1/admin/tokens", map[string]any{"name": "CRM", "scope": "write"})
	var newTok struct{ APIToken struct{ ID string } }
	json.Unmarshal(tk, &newTok)
	check(adm, "DELETE", "/api/v1/admin/tokens/"+newTok.APIToken.ID, nil)
	check(reader, "POST", "/api/v1/admin/tokens", map[string]any{"name": "more", "scope": "admin"}) // 403

	check(adm, "GET", "/api/v1/admin/audit?limit=5", nil)
	check(adm, "GET", "/api/v1/admin/audit?targetKind=queue&action=queue.update", nil)
}
