package storetest

import (
	"encoding/json"
	"testing"
	"time"

	"skranke/chat"
	"skranke/store"
)

var outboxTests = map[string]func(t *testing.T, f *fixture){
	"prune": func(t *testing.T, f *fixture) {
		done, _ := f.st.EnqueueJob(f.ctx, store.Job{Kind: "mail", ConversationID: "c1"})
		failed, _ := f.st.EnqueueJob(f.ctx, store.Job{Kind: "mail", ConversationID: "c2"})
		waiting, _ := f.st.EnqueueJob(f.ctx, store.Job{Kind: "mail", ConversationID: "c3"})
		if err := f.st.JobDone(f.ctx, done.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.st.JobFailed(f.ctx, failed.ID, "no"); err != nil {
			t.Fatal(err)
		}
		finished := f.clock.Now()
		if n, err := f.st.PruneJobs(f.ctx, finished); err != nil || n != 0 {
			t.Errorf("PruneJobs(the time they finished) = %d, %v; want 0", n, err)
		}
		f.clock.Add(time.Hour)
		f.st.JobRetry(f.ctx, waiting.ID, f.clock.Now(), "later")
		if n, err := f.st.PruneJobs(f.ctx, finished.Add(time.Second)); err != nil || n != 2 {
			t.Errorf("PruneJobs after they finished = %d, %v; want 2", n, err)
		}
		if js, _ := f.st.Jobs(f.ctx, store.JobFilter{}); len(js) != 1 || js[0].ID != waiting.ID {
			t.Errorf("jobs left = %+v, want the waiting one", js)
		}
	},
	"life of a job": func(t *testing.T, f *fixture) {
		now := f.clock.Now()
		j, err := f.st.EnqueueJob(f.ctx, store.Job{Kind: "mail", ConversationID: "c1", Payload: []byte(`{"to":"kari@example.no"}`)})
		if err != nil || j.ID == "" || !j.NextAt.Equal(now) || !j.CreatedAt.Equal(now) {
			t.Fatalf("EnqueueJob = %+v, %v", j, err)
		}
		later, err := f.st.EnqueueJob(f.ctx, store.Job{Kind: "mail", ConversationID: "c2", NextAt: now.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		due, err := f.st.DueJobs(f.ctx, 10)
		if err != nil || len(due) != 1 || due[0].ID != j.ID {
			t.Fatalf("DueJobs = %+v, %v; want the first only", due, err)
		}
		var p map[string]string
		if err := json.Unmarshal(due[0].Payload, &p); err != nil || p["to"] != "kari@example.no" {
			t.Errorf("payload = %s, %v", due[0].Payload, err)
		}
		if err := f.st.JobRetry(f.ctx, j.ID, now.Add(time.Minute), "SMTP down"); err != nil {
			t.Fatal(err)
		}
		if due, _ := f.st.DueJobs(f.ctx, 10); len(due) != 0 {
			t.Errorf("DueJobs after a retry set for later = %+v, want none", due)
		}
		f.clock.Add(2 * time.Minute)
		due, _ = f.st.DueJobs(f.ctx, 10)
		if len(due) != 1 || due[0].Attempts != 1 || due[0].LastError != "SMTP down" {
			t.Fatalf("DueJobs after the retry time = %+v", due)
		}
		if err := f.st.JobDone(f.ctx, j.ID); err != nil {
			t.Fatal(err)
		}
		f.clock.Add(2 * time.Hour)
		if due, _ := f.st.DueJobs(f.ctx, 10); len(due) != 1 || due[0].ID != later.ID {
			t.Errorf("DueJobs once the later one is due = %+v", due)
		}
		if err := f.st.JobFailed(f.ctx, later.ID, "gave up"); err != nil {
			t.Fatal(err)
		}
		if due, _ := f.st.DueJobs(f.ctx, 10); len(due) != 0 {
			t.Errorf("DueJobs after done and failed = %+v", due)
		}
		failed, err := f.st.Jobs(f.ctx, store.JobFilter{Failed: true})
		if err != nil || len(failed) != 1 || failed[0].ID != later.ID || failed[0].FailedAt.IsZero() {
			t.Errorf("Jobs(failed) = %+v, %v", failed, err)
		}
		all, err := f.st.Jobs(f.ctx, store.JobFilter{Kind: "mail", ConversationID: "c1"})
		if err != nil || len(all) != 1 || all[0].DoneAt.IsZero() {
			t.Errorf("Jobs(c1) = %+v, %v", all, err)
		}
		wantCode(t, "JobDone(nope)", f.st.JobDone(f.ctx, "nope"), chat.ENotFound)
	},
}
