package apptest_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"skranke/chat"
	"skranke/internal/apptest"
)

// fakeClock is the clock of opening hours, which a test moves.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// newCustomerClient returns a customer with a token and no chat yet.
func newCustomerClient(t *testing.T, app *apptest.App) *apptest.Client {
	t.Helper()
	c := app.NewClient()
	var tok struct{ Token string }
	call(t, c, "POST", "/api/v1/widget/customers", nil, http.StatusCreated, &tok)
	c.Token = tok.Token
	return c
}

type widgetQueue struct {
	ID         chat.QueueID `json:"id"`
	Open       bool         `json:"open"`
	Until      time.Time    `json:"until"`
	ClosedText string       `json:"closedText"`
}

func widgetQueueOf(t *testing.T, app *apptest.App, id chat.QueueID) widgetQueue {
	t.Helper()
	var qs struct{ Queues []widgetQueue }
	call(t, app.NewClient(), "GET", "/api/v1/widget/queues", nil, 200, &qs)
	for _, q := range qs.Queues {
		if q.ID == id {
			return q
		}
	}
	t.Fatalf("widget queues %+v lack %s", qs.Queues, id)
	return widgetQueue{}
}

// TestHours_ClosedQueueRefusesChat moves a fake clock over the edges of a
// queue's opening hours in Europe/Oslo: outside them a new chat is refused
// with the queue's closed text, the widget and the agents see the queue
// closed and when it opens; a holiday closes a weekday; a chat that was
// going on when the queue closed stays the customer's.
func TestHours_ClosedQueueRefusesChat(t *testing.T) {
	oslo, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		t.Fatal(err)
	}
	clock := &fakeClock{t: time.Date(2026, 11, 23, 7, 59, 59, 0, oslo)} // a Monday, a second before opening
	app := apptest.Start(t, apptest.Options{Now: clock.Now})
	adm := app.Login(t, "admin")
	var q queueBody
	call(t, adm, "GET", "/api/v1/admin/queues/sales", nil, 200, &q)
	call(t, adm, "PATCH", "/api/v1/admin/queues/sales", map[string]any{"version": q.Queue.Version, "closedText": "Sales opens at 08:00 on weekdays."}, 200, &q)
	var weekly []map[string]string
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri"} {
		weekly = append(weekly, map[string]string{"day": d, "open": "08:00", "close": "16:00"})
	}
	hours := map[string]any{"timeZone": "Europe/Oslo", "weekly": weekly,
		"exceptions": []map[string]string{{"date": "2026-12-24", "note": "Christmas Eve"}}}
	call(t, adm, "PUT", "/api/v1/admin/queues/sales/hours", map[string]any{"version": q.Queue.Version, "hours": hours}, 200, &q)
	refused(t, adm, "PUT", "/api/v1/admin/queues/sales/hours", map[string]any{"version": q.Queue.Version,
		"hours": map[string]any{"timeZone": "Mars/Olympus"}}, http.StatusBadRequest, "time_zone_unknown")

	opening := time.Date(2026, 11, 23, 8, 0, 0, 0, oslo)
	kari := newCustomerClient(t, app)
	e := refused(t, kari, "POST", "/api/v1/widget/conversations", map[string]string{"queueId": "sales"}, http.StatusConflict, "queue_closed")
	if e.Error.Message != "Sales opens at 08:00 on weekdays." || e.Error.Params["opensAt"] != opening.UTC().Format(time.RFC3339) {
		t.Errorf("refusal before opening = %+v, want the closed text and the opening", e.Error)
	}
	if wq := widgetQueueOf(t, app, "sales"); wq.Open || !wq.Until.Equal(opening) || wq.ClosedText != "Sales opens at 08:00 on weekdays." {
		t.Errorf("widget's sales before opening = %+v", wq)
	}
	if wq := widgetQueueOf(t, app, "support"); !wq.Open || !wq.Until.IsZero() {
		t.Errorf("support (no hours) = %+v, want always open", wq)
	}
	var me struct {
		Queues []widgetQueue `json:"queues"`
	}
	call(t, app.Login(t, "anna"), "GET", "/api/v1/me", nil, 200, &me)
	if len(me.Queues) != 2 || me.Queues[0].ID != "sales" || me.Queues[0].Open {
		t.Errorf("the agent's queues before opening = %+v, want sales closed", me.Queues)
	}

	clock.Set(opening)
	if wq := widgetQueueOf(t, app, "sales"); !wq.Open || !wq.Until.Equal(time.Date(2026, 11, 23, 16, 0, 0, 0, oslo)) {
		t.Errorf("widget's sales at opening = %+v, want open until 16:00", wq)
	}
	call(t, kari, "POST", "/api/v1/widget/conversations", map[string]string{"queueId": "sales"}, http.StatusCreated, nil)

	// At closing time a new chat is refused; Kari's, waiting, is hers still.
	clock.Set(time.Date(2026, 11, 23, 16, 0, 0, 0, oslo))
	refused(t, newCustomerClient(t, app), "POST", "/api/v1/widget/conversations", map[string]string{"queueId": "sales"}, http.StatusConflict, "queue_closed")
	call(t, kari, "POST", "/api/v1/widget/conversations", map[string]string{"queueId": "sales"}, http.StatusOK, nil)

	// Christmas Eve is a Thursday, but closed; it begins in Oslo an hour
	// before it begins in UTC.
	clock.Set(time.Date(2026, 12, 23, 15, 59, 0, 0, oslo))
	call(t, newCustomerClient(t, app), "POST", "/api/v1/widget/conversations", map[string]string{"queueId": "sales"}, http.StatusCreated, nil)
	clock.Set(time.Date(2026, 12, 24, 10, 0, 0, 0, oslo))
	e = refused(t, newCustomerClient(t, app), "POST", "/api/v1/widget/conversations", map[string]string{"queueId": "sales"}, http.StatusConflict, "queue_closed")
	if e.Error.Params["opensAt"] != time.Date(2026, 12, 25, 8, 0, 0, 0, oslo).UTC().Format(time.RFC3339) {
		t.Errorf("on Christmas Eve the queue opens at %v, want Christmas Day 08:00", e.Error.Params["opensAt"])
	}
	// Always open again.
	call(t, adm, "PUT", "/api/v1/admin/queues/sales/hours", map[string]any{"version": q.Queue.Version, "hours": nil}, 200, &q)
	call(t, newCustomerClient(t, app), "POST", "/api/v1/widget/conversations", map[string]string{"queueId": "sales"}, http.StatusCreated, nil)
}
