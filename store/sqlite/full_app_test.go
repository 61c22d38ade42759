package sqlite_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"skranke/internal/apptest"
	"skranke/store/sqlite"
)

// TestStorageFull_app runs the whole product on SQLite (it lives here
// because only this package's tests can fill the database, LimitPages)
// and fills its database while a customer writes: the customer's send gets
// an error frame with code unavailable that says retry, /healthz answers
// 503 and the metrics count the failure; once there is room, the same
// message (same client message id) is acknowledged and /healthz is 200.
func TestStorageFull_app(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	db := app.Server.Store.(*sqlite.DB)
	kari := app.NewCustomer(t, "sales", "Kari")
	cust := kari.DialCustomer(t, 0)
	cust.WaitFor("welcome", func(f apptest.Frame) bool { return f.Type == "welcome" })
	send := func(id string) apptest.Frame {
		return cust.Request(map[string]any{"type": "send", "conversationId": kari.ConversationID, "clientMsgId": id, "text": strings.Repeat("x", 3000)})
	}
	if f := send("m0"); f.Type != "ack" {
		t.Fatalf("send before the disk fills = %s %s %s", f.Type, f.Code, f.Message)
	}
	if got := health(t, app); got != http.StatusOK {
		t.Fatalf("GET /healthz before = %d", got)
	}

	if err := db.LimitPages(t.Context(), 2); err != nil {
		t.Fatal(err)
	}
	var failed apptest.Frame
	var id string
	for i := 1; i < 100 && failed.Type == ""; i++ {
		id = fmt.Sprintf("m%d", i)
		if f := send(id); f.Type != "ack" {
			failed = f
		}
	}
	if failed.Type != "error" || failed.Code != "unavailable" || !strings.Contains(string(failed.Raw), `"retryable":true`) {
		t.Fatalf("send on a full disk = %s, want an error with code unavailable, retryable", failed.Raw)
	}
	if got := health(t, app); got != http.StatusServiceUnavailable {
		t.Errorf("GET /healthz with the disk full = %d, want 503", got)
	}
	mfs, err := app.Server.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var counted float64
	for _, mf := range mfs {
		if mf.GetName() == "skranke_store_storage_errors_total" {
			counted = mf.GetMetric()[0].GetCounter().GetValue()
		}
	}
	if counted < 1 {
		t.Errorf("skranke_store_storage_errors_total = %v, want at least 1", counted)
	}

	if err := db.LimitPages(t.Context(), -1); err != nil {
		t.Fatal(err)
	}
	if f := send(id); f.Type != "ack" {
		t.Fatalf("the retry of %s with room again = %s", id, f.Raw)
	}
	if got := health(t, app); got != http.StatusOK {
		t.Errorf("GET /healthz after a successful write = %d, want 200", got)
	}
}

func health(t *testing.T, app *apptest.App) int {
	t.Helper()
	resp, err := http.Get(app.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}
