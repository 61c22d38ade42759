package storetest

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"skranke/chat"
	"skranke/store"
)

// mustWebhook adds an endpoint for events.
func (f *fixture) webhook(t *testing.T, id string, private bool, events ...chat.WebhookType) chat.Webhook {
	t.Helper()
	w, err := store.CreateWebhook(f.ctx, f.st, chat.Webhook{ID: id, URL: "https://example.com/" + id, Events: events,
		IncludePrivate: private, Secret: chat.NewWebhookSecret()}, tester)
	if err != nil {
		t.Fatalf("CreateWebhook(%s) = %v", id, err)
	}
	return w
}

// webhookJobs lists the webhook jobs of conversation id as
// "endpoint:type:seq", in the order DueJobs hands them out when each is
// done as soon as it is handed out.
func (f *fixture) webhookJobs(t *testing.T) []string {
	t.Helper()
	var out []string
	for range 100 {
		due, err := f.st.DueJobs(f.ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(due) == 0 {
			return out
		}
		for _, j := range due {
			var p store.WebhookJob
			if err := json.Unmarshal(j.Payload, &p); err != nil {
				t.Fatalf("payload %s: %v", j.Payload, err)
			}
			out = append(out, fmt.Sprintf("%s:%s:%d", p.Endpoint, p.Type, p.Seq))
			if err := f.st.JobDone(f.ctx, j.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Fatal("DueJobs never ran dry")
	return nil
}

var webhookTests = map[string]func(t *testing.T, f *fixture){
	"events enqueue deliveries for the endpoints that want them": func(t *testing.T, f *fixture) {
		f.webhook(t, "all", false, chat.WebhookChatStarted, chat.WebhookMessageSent)
		f.webhook(t, "priv", true, chat.WebhookMessageSent)
		c := f.conversation(t, "k1")  // started: seq 1
		offerAndJoin(t, f, c, "anna") // 2, 3
		f.append(t, Message(c, "m1"))
		note := message(c, agent("anna"), "m2", "a note")
		note.Visibility = chat.VisibleAgents
		f.append(t, note)
		got := f.webhookJobs(t)
		slices.Sort(got)
		want := []string{"all:chat.started:1", "all:message.sent:4", "priv:message.sent:4", "priv:message.sent:5"}
		if !slices.Equal(got, want) {
			t.Errorf("webhook jobs = %v, want %v", got, want)
		}
		js, _ := f.st.Jobs(f.ctx, store.JobFilter{Kind: store.JobWebhook})
		for _, j := range js {
			if j.ConversationID != c.ID || j.Key == "" {
				t.Errorf("job %+v, want one of %s with an ordering key", j, c.ID)
			}
		}
	},
	"a key's jobs wait for the one before": func(t *testing.T, f *fixture) {
		a, _ := f.st.EnqueueJob(f.ctx, store.Job{Kind: "k", ConversationID: "c1", Key: "x", Ordinal: 1})
		b, _ := f.st.EnqueueJob(f.ctx, store.Job{Kind: "k", ConversationID: "c1", Key: "x", Ordinal: 2})
		other, _ := f.st.EnqueueJob(f.ctx, store.Job{Kind: "k", ConversationID: "c2", Key: "y", Ordinal: 5})
		free, _ := f.st.EnqueueJob(f.ctx, store.Job{Kind: "k", ConversationID: "c3"})
		ids := func() []string {
			due, err := f.st.DueJobs(f.ctx, 10)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, j := range due {
				out = append(out, j.ID)
			}
			slices.Sort(out)
			return out
		}
		want := []string{a.ID, other.ID, free.ID}
		slices.Sort(want)
		if got := ids(); !slices.Equal(got, want) {
			t.Errorf("DueJobs = %v, want %v (not the second of key x)", got, want)
		}
		// The first waits for a retry: the second still waits for it.
		f.st.JobRetry(f.ctx, a.ID, f.clock.Now().Add(time.Hour), "down")
		f.st.JobDone(f.ctx, other.ID)
		f.st.JobDone(f.ctx, free.ID)
		if got := ids(); len(got) != 0 {
			t.Errorf("DueJobs while the first of x waits = %v, want none", got)
		}
		f.st.JobFailed(f.ctx, a.ID, "given up")
		if got := ids(); !slices.Equal(got, []string{b.ID}) {
			t.Errorf("DueJobs after the first of x was given up = %v, want the second", got)
		}
	},
	"deliveries count failures; deleting takes the waiting jobs": func(t *testing.T, f *fixture) {
		w := f.webhook(t, "w1", false, chat.WebhookMessageSent)
		c := f.conversation(t, "k1")
		f.append(t, Message(c, "m1"))
		for i, ok := range []bool{false, false, true, false} {
			got, err := f.st.RecordWebhookDelivery(f.ctx, chat.WebhookDelivery{WebhookID: w.ID, JobID: "j", MessageID: "evt", Type: chat.WebhookMessageSent,
				ConversationID: c.ID, Seq: 2, Status: map[bool]int{true: 200, false: 500}[ok], DurationMS: 3, Response: "r", OK: ok})
			if err != nil {
				t.Fatal(err)
			}
			wantFailures := map[int]int{0: 1, 1: 2, 2: 0, 3: 1}[i]
			if got.Failures != wantFailures || (wantFailures == 0) != got.FailingSince.IsZero() {
				t.Errorf("after delivery %d: failures %d since %v, want %d", i, got.Failures, got.FailingSince, wantFailures)
			}
			f.clock.Add(time.Second)
		}
		ds, err := f.st.WebhookDeliveries(f.ctx, w.ID, 0)
		if err != nil || len(ds) != 4 || ds[0].OK || !ds[1].OK || ds[0].Status != 500 || ds[0].Response != "r" {
			t.Errorf("WebhookDeliveries = %+v, %v; want 4, newest first", ds, err)
		}
		if d, err := f.st.WebhookDelivery(f.ctx, ds[1].ID); err != nil || d != ds[1] {
			t.Errorf("WebhookDelivery(%d) = %+v, %v; want %+v", ds[1].ID, d, err, ds[1])
		}
		// Pruning takes the entries made before its time.
		if _, err := f.st.PruneJobs(f.ctx, ds[1].Time.Add(time.Nanosecond)); err != nil {
			t.Fatal(err)
		}
		if left, _ := f.st.WebhookDeliveries(f.ctx, w.ID, 0); len(left) != 1 || left[0].ID != ds[0].ID {
			t.Errorf("deliveries after PruneJobs = %+v, want the newest only", left)
		}
		paused, err := store.ChangeWebhook(f.ctx, f.st, w.ID, 0, chat.AuditWebhookPause, tester, func(w *chat.Webhook, now time.Time) error {
			w.PausedAt, w.PausedReason = now, "failing"
			return nil
		})
		if err != nil || paused.PausedAt.IsZero() || paused.Version != 2 {
			t.Errorf("pause = %+v, %v", paused, err)
		}
		if err := store.DeleteWebhook(f.ctx, f.st, w.ID, tester); err != nil {
			t.Fatal(err)
		}
		if due, _ := f.st.DueJobs(f.ctx, 10); len(due) != 0 {
			t.Errorf("jobs of a deleted webhook = %+v, want none", due)
		}
		if _, err := f.st.Webhook(f.ctx, w.ID); chat.ErrorCode(err) != chat.ENotFound {
			t.Errorf("Webhook(deleted) = %v, want not_found", err)
		}
	},
	"an erased chat takes its deliveries and waiting jobs": func(t *testing.T, f *fixture) {
		w := f.webhook(t, "w1", false, chat.WebhookMessageSent, chat.WebhookChatEnded)
		c := f.conversation(t, "k1")
		f.append(t, Message(c, "m1"))
		f.append(t, chat.Event{ConversationID: c.ID, Kind: chat.KindEnded, Author: chat.Participant{Role: chat.PartyCustomer, ID: "k1"}, Data: chat.Ended{}})
		if _, err := f.st.RecordWebhookDelivery(f.ctx, chat.WebhookDelivery{WebhookID: w.ID, JobID: "j", MessageID: "evt", Type: chat.WebhookMessageSent,
			ConversationID: c.ID, Seq: 2, Status: 500}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.st.DeleteConversations(f.ctx, store.Deletion{IDs: []chat.ConversationID{c.ID}, Reason: store.ErasedRequest, By: tester, Criterion: "conversation"}); err != nil {
			t.Fatal(err)
		}
		if ds, _ := f.st.WebhookDeliveries(f.ctx, w.ID, 0); len(ds) != 0 {
			t.Errorf("deliveries of an erased chat = %+v, want none", ds)
		}
		if due, _ := f.st.DueJobs(f.ctx, 10); len(due) != 0 {
			t.Errorf("webhook jobs of an erased chat = %+v, want none", due)
		}
	},
	"a message about the whole chat": func(t *testing.T, f *fixture) {
		f.webhook(t, "w1", false, chat.WebhookTranscriptSent)
		c := f.conversation(t, "k1")
		if err := f.st.EnqueueWebhookMessage(f.ctx, store.WebhookMessage{Type: chat.WebhookTranscriptSent, MessageID: "evt_t",
			ConversationID: c.ID, Ordinal: 1, Data: json.RawMessage(`{"lang":"nb"}`)}); err != nil {
			t.Fatal(err)
		}
		due, _ := f.st.DueJobs(f.ctx, 10)
		var p store.WebhookJob
		if len(due) != 1 || json.Unmarshal(due[0].Payload, &p) != nil || p.MessageID != "evt_t" || string(p.Data) != `{"lang":"nb"}` && string(p.Data) != `{"lang": "nb"}` {
			t.Errorf("jobs = %+v (payload %+v), want the transcript's", due, p)
		}
	},
}
