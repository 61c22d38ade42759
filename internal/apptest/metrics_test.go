package apptest

import (
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
)

// The store's timings reach /metrics: a customer's message is answered by
// a commit that the commit histograms count, and on SQLite the background
// checkpointer's runs are counted too (it runs every second); PostgreSQL,
// which has no such checkpointer, has no checkpoint histogram.
func TestMetrics_storeTimings(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts Options
	}{
		{"sqlite", Options{}},
		{"postgres", Options{Postgres: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			app := Start(t, tc.opts)
			before := histogram(t, app, "skranke_store_commit_seconds")
			kari := app.NewCustomer(t, "sales", "Kari")
			cust := kari.DialCustomer(t, 0)
			cust.WaitFor("welcome", func(f Frame) bool { return f.Type == "welcome" })
			if f := cust.Request(map[string]any{"type": "send", "conversationId": kari.ConversationID, "clientMsgId": "m1", "text": "Hei"}); f.Type != "ack" {
				t.Fatalf("send = %s", f.Raw)
			}
			hs := histograms(t, app)
			after := hs["skranke_store_commit_seconds"]
			if after == nil || after.GetSampleCount() <= before.GetSampleCount() || after.GetSampleSum() <= before.GetSampleSum() {
				t.Fatalf("skranke_store_commit_seconds went from %v to %v over an acknowledged message, want more commits and time", before, after)
			}
			// Other writes (the chat's routing) commit too, and the two
			// are observed one after the other: only that each commit
			// answered at least one request can be checked exactly.
			if req := hs["skranke_store_commit_requests"]; req.GetSampleCount() == 0 || req.GetSampleSum() < float64(req.GetSampleCount()) {
				t.Errorf("skranke_store_commit_requests = %v, want commits of at least one request each", req)
			}
			if tc.opts.Postgres {
				if h := histogram(t, app, "skranke_store_checkpoint_seconds"); h != nil {
					t.Errorf("skranke_store_checkpoint_seconds on PostgreSQL = %v, want none", h)
				}
				return
			}
			deadline := time.Now().Add(10 * time.Second)
			for h := histogram(t, app, "skranke_store_checkpoint_seconds"); h.GetSampleCount() == 0; h = histogram(t, app, "skranke_store_checkpoint_seconds") {
				if time.Now().After(deadline) {
					t.Fatalf("skranke_store_checkpoint_seconds = %v after 10 s, want the checkpointer's runs counted", h)
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
}

// histogram is the histogram name of app's registry, nil if it has none.
func histogram(t *testing.T, app *App, name string) *dto.Histogram {
	t.Helper()
	return histograms(t, app)[name]
}

// histograms are the histograms of app's registry at one moment, by name.
func histograms(t *testing.T, app *App) map[string]*dto.Histogram {
	t.Helper()
	mfs, err := app.Server.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	hs := make(map[string]*dto.Histogram)
	for _, mf := range mfs {
		if mf.GetType() == dto.MetricType_HISTOGRAM && len(mf.GetMetric()) > 0 {
			hs[mf.GetName()] = mf.GetMetric()[0].GetHistogram()
		}
	}
	return hs
}
