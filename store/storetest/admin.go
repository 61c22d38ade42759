package storetest

import (
	"slices"
	"testing"
	"time"

	"skranke/chat"
	"skranke/store"
)

var widgetTests = map[string]func(t *testing.T, f *fixture){
	"defaults until saved": func(t *testing.T, f *fixture) {
		got, err := store.WidgetSettings(f.ctx, f.st)
		want := chat.DefaultWidgetSettings()
		want.Version = 1
		if err != nil || diff(got, want) != "" {
			t.Errorf("WidgetSettings() of a new store = %+v, %v; want the defaults at version 1", got, err)
		}
	},
	"update": func(t *testing.T, f *fixture) {
		f.queue(t, "sales", "Sales")
		f.queue(t, "support", "Support")
		at := f.clock.Add(time.Minute)
		got, err := store.UpdateWidget(f.ctx, f.st, chat.WidgetUpdate{Version: 1, Title: ptr("Talk to Nordlys"), Color: ptr("#0b3d4f"),
			Queues: &[]chat.QueueID{"support", "sales"}, Language: ptr("nb"), ShowPosition: ptr(false)}, tester)
		want := chat.DefaultWidgetSettings()
		want.Title, want.Color, want.Queues, want.Language, want.ShowPosition = "Talk to Nordlys", "#0b3d4f", []chat.QueueID{"support", "sales"}, "nb", false
		want.Version, want.UpdatedAt = 2, at
		if err != nil || diff(got, want) != "" {
			t.Fatalf("UpdateWidget = %+v, %v; want %+v", got, err, want)
		}
		if stored, err := store.WidgetSettings(f.ctx, f.st); err != nil || diff(stored, want) != "" {
			t.Errorf("WidgetSettings() = %+v, %v; want %+v", stored, err, want)
		}
		e := f.lastAudit(t)
		if e.Action != chat.AuditWidgetUpdate || decodeAs[chat.WidgetSettings](t, "before", e.Before).Version != 1 ||
			decodeAs[chat.WidgetSettings](t, "after", e.After).Title != "Talk to Nordlys" {
			t.Errorf("audit entry of the widget update = %+v", e)
		}
		_, err = store.UpdateWidget(f.ctx, f.st, chat.WidgetUpdate{Version: 1, Title: ptr("Late")}, tester)
		wantCode(t, "UpdateWidget from an old version", err, chat.EConflict)
	},
	"refused": func(t *testing.T, f *fixture) {
		for _, u := range []chat.WidgetUpdate{
			{Version: 1, Queues: &[]chat.QueueID{"nope"}},
			{Version: 1, FixedQueue: ptr[chat.QueueID]("nope")},
			{Version: 1, Color: ptr("#ffffff")}, // white text on white
		} {
			_, err := store.UpdateWidget(f.ctx, f.st, u, tester)
			wantCode(t, "UpdateWidget", err, chat.EInvalid)
		}
		if got, _ := store.WidgetSettings(f.ctx, f.st); got.Version != 1 {
			t.Errorf("WidgetSettings() after refused updates = %+v, want the defaults", got)
		}
	},
}

// newToken returns a token of u to create.
func newToken(id string, u chat.UserID, scope chat.TokenScope) chat.APIToken {
	return chat.APIToken{ID: id, Name: "Token " + id, Scope: scope, Prefix: "skr_" + id, Hash: "hash-" + id, UserID: u}
}

var tokenTests = map[string]func(t *testing.T, f *fixture){
	"create, list and find": func(t *testing.T, f *fixture) {
		f.user(t, newUser("u1", "anna", "Anna"))
		t1 := f.clock.Add(time.Minute)
		a, err := store.CreateAPIToken(f.ctx, f.st, newToken("t1", "u1", chat.ScopeRead), tester)
		want := newToken("t1", "u1", chat.ScopeRead)
		want.CreatedAt = t1
		if err != nil || diff(a, want) != "" {
			t.Fatalf("CreateAPIToken = %+v, %v; want %+v", a, err, want)
		}
		f.clock.Add(time.Minute)
		b, err := store.CreateAPIToken(f.ctx, f.st, newToken("t2", "u1", chat.ScopeAdmin), tester)
		if err != nil {
			t.Fatal(err)
		}
		all, err := f.st.APITokens(f.ctx)
		if err != nil || diff(all, []chat.APIToken{b, a}) != "" {
			t.Errorf("APITokens() = %+v, %v; want newest first", all, err)
		}
		got, err := f.st.APITokenByHash(f.ctx, "hash-t1")
		if err != nil || diff(got, want) != "" {
			t.Errorf("APITokenByHash(hash-t1) = %+v, %v; want %+v", got, err, want)
		}
		_, err = f.st.APITokenByHash(f.ctx, "nope")
		wantCode(t, "APITokenByHash(nope)", err, chat.ENotFound)
		if e := f.lastAudit(t); e.Action != chat.AuditTokenCreate || e.Target.ID != "t2" {
			t.Errorf("audit entry = %+v", e)
		} else if m := decodeAs[map[string]any](t, "after", e.After); m["hash"] != nil || m["scope"] != "admin" {
			t.Errorf("audit record of a token = %v, want its scope and no hash", m)
		}
	},
	"refused": func(t *testing.T, f *fixture) {
		_, err := store.CreateAPIToken(f.ctx, f.st, newToken("t1", "nope", chat.ScopeRead), tester)
		wantCode(t, "CreateAPIToken for an unknown user", err, chat.ENotFound)
		u := newUser("u1", "anna", "Anna")
		f.user(t, u)
		_, err = store.CreateAPIToken(f.ctx, f.st, newToken("t1", "u1", "everything"), tester)
		wantCode(t, "CreateAPIToken(scope everything)", err, chat.EInvalid)
		if _, err := store.UpdateUser(f.ctx, f.st, "u1", chat.UserUpdate{Version: 1, Active: ptr(false)}, tester); err != nil {
			t.Fatal(err)
		}
		_, err = store.CreateAPIToken(f.ctx, f.st, newToken("t1", "u1", chat.ScopeRead), tester)
		wantCode(t, "CreateAPIToken for a deactivated user", err, chat.EConflict)
	},
	"touch at most once a minute": func(t *testing.T, f *fixture) {
		f.user(t, newUser("u1", "anna", "Anna"))
		if _, err := store.CreateAPIToken(f.ctx, f.st, newToken("t1", "u1", chat.ScopeRead), tester); err != nil {
			t.Fatal(err)
		}
		used := func() time.Time {
			t.Helper()
			tok, err := f.st.APITokenByHash(f.ctx, "hash-t1")
			if err != nil {
				t.Fatal(err)
			}
			return tok.LastUsedAt
		}
		t1 := f.clock.Add(time.Second)
		if err := f.st.TouchAPIToken(f.ctx, "t1"); err != nil || !used().Equal(t1) {
			t.Fatalf("TouchAPIToken = %v; LastUsedAt %v, want %v", err, used(), t1)
		}
		f.clock.Add(59 * time.Second)
		if err := f.st.TouchAPIToken(f.ctx, "t1"); err != nil || !used().Equal(t1) {
			t.Errorf("TouchAPIToken 59 s later = %v; LastUsedAt %v, want it kept at %v", err, used(), t1)
		}
		t3 := f.clock.Add(time.Second)
		if err := f.st.TouchAPIToken(f.ctx, "t1"); err != nil || !used().Equal(t3) {
			t.Errorf("TouchAPIToken a minute later = %v; LastUsedAt %v, want %v", err, used(), t3)
		}
	},
	"revoke": func(t *testing.T, f *fixture) {
		f.user(t, newUser("u1", "anna", "Anna"))
		if _, err := store.CreateAPIToken(f.ctx, f.st, newToken("t1", "u1", chat.ScopeRead), tester); err != nil {
			t.Fatal(err)
		}
		at := f.clock.Add(time.Minute)
		got, err := store.RevokeAPIToken(f.ctx, f.st, "t1", tester)
		if err != nil || !got.RevokedAt.Equal(at) {
			t.Fatalf("RevokeAPIToken = %+v, %v; want revoked at %v", got, err, at)
		}
		f.clock.Add(time.Minute)
		again, err := store.RevokeAPIToken(f.ctx, f.st, "t1", tester)
		if err != nil || !again.RevokedAt.Equal(at) {
			t.Errorf("RevokeAPIToken again = %+v, %v; want it as it was", again, err)
		}
		if stored, _ := f.st.APITokenByHash(f.ctx, "hash-t1"); !stored.RevokedAt.Equal(at) {
			t.Errorf("stored token = %+v", stored)
		}
		es, _ := f.st.AuditEntries(f.ctx, store.AuditFilter{Action: chat.AuditTokenRevoke})
		if len(es) != 1 {
			t.Errorf("audit entries of revocations = %+v, want one", es)
		}
		_, err = store.RevokeAPIToken(f.ctx, f.st, "nope", tester)
		wantCode(t, "RevokeAPIToken(nope)", err, chat.ENotFound)
	},
	"deleted with its owner": func(t *testing.T, f *fixture) {
		f.user(t, newUser("u1", "anna", "Anna"))
		if _, err := store.CreateAPIToken(f.ctx, f.st, newToken("t1", "u1", chat.ScopeRead), tester); err != nil {
			t.Fatal(err)
		}
		if err := store.DeleteUser(f.ctx, f.st, "u1", 0, tester); err != nil {
			t.Fatal(err)
		}
		_, err := f.st.APITokenByHash(f.ctx, "hash-t1")
		wantCode(t, "APITokenByHash after its owner was deleted", err, chat.ENotFound)
	},
}

var auditTests = map[string]func(t *testing.T, f *fixture){
	"filter and pages": func(t *testing.T, f *fixture) {
		other := chat.AuditActor{UserID: "u-other", Name: "Other", TokenID: "t9"}
		t0 := f.clock.Now()
		f.queue(t, "q1", "Q1") // by tester
		f.clock.Add(time.Hour)
		if _, err := store.CreateQueue(f.ctx, f.st, chat.Queue{ID: "q2", Name: "Q2"}, other); err != nil {
			t.Fatal(err)
		}
		f.clock.Add(time.Hour)
		if _, err := store.UpdateQueue(f.ctx, f.st, "q1", chat.QueueUpdate{Version: 1, Name: ptr("Q one")}, other); err != nil {
			t.Fatal(err)
		}
		f.profile(t, chat.Profile{ID: "p1", Name: "P1", Queues: []chat.QueueID{"q1"}})
		ids := func(f store.AuditFilter, st store.Store) []string {
			t.Helper()
			es, err := st.AuditEntries(t.Context(), f)
			if err != nil {
				t.Fatalf("AuditEntries(%+v) = %v", f, err)
			}
			var out []string
			for _, e := range es {
				out = append(out, e.Action+" "+e.Target.ID)
			}
			return out
		}
		for _, tt := range []struct {
			name   string
			filter store.AuditFilter
			want   []string
		}{
			{"everything, newest first", store.AuditFilter{}, []string{"profile.create p1", "queue.update q1", "queue.create q2", "queue.create q1"}},
			{"by kind", store.AuditFilter{TargetKind: "queue"}, []string{"queue.update q1", "queue.create q2", "queue.create q1"}},
			{"by target", store.AuditFilter{TargetKind: "queue", TargetID: "q1"}, []string{"queue.update q1", "queue.create q1"}},
			{"by actor", store.AuditFilter{ActorID: "u-other"}, []string{"queue.update q1", "queue.create q2"}},
			{"by action", store.AuditFilter{Action: chat.AuditQueueCreate}, []string{"queue.create q2", "queue.create q1"}},
			{"by time", store.AuditFilter{From: t0.Add(time.Hour), To: t0.Add(2 * time.Hour)}, []string{"queue.create q2"}},
			{"a page", store.AuditFilter{Limit: 2}, []string{"profile.create p1", "queue.update q1"}},
		} {
			if got := ids(tt.filter, f.st); !slices.Equal(got, tt.want) {
				t.Errorf("%s: AuditEntries(%+v) = %q, want %q", tt.name, tt.filter, got, tt.want)
			}
		}
		es, _ := f.st.AuditEntries(f.ctx, store.AuditFilter{Limit: 2})
		if got := ids(store.AuditFilter{Before: es[1].ID}, f.st); !slices.Equal(got, []string{"queue.create q2", "queue.create q1"}) {
			t.Errorf("the next page after %d = %q", es[1].ID, got)
		}
		byOther, _ := f.st.AuditEntries(f.ctx, store.AuditFilter{ActorID: "u-other", Limit: 1})
		if len(byOther) != 1 || byOther[0].Actor != other || !byOther[0].Time.Equal(t0.Add(2*time.Hour)) {
			t.Errorf("the entry by the other actor = %+v", byOther)
		}
	},
}

var setupTests = map[string]func(t *testing.T, f *fixture){
	"first administrator": func(t *testing.T, f *fixture) {
		if pending, err := store.SetupPending(f.ctx, f.st); err != nil || pending {
			t.Errorf("SetupPending() before EnsureSetup = %v, %v", pending, err)
		}
		secret, err := store.EnsureSetup(f.ctx, f.st, "s3cret")
		if err != nil || secret != "s3cret" {
			t.Fatalf("EnsureSetup(s3cret) = %q, %v", secret, err)
		}
		if again, err := store.EnsureSetup(f.ctx, f.st, "other"); err != nil || again != "s3cret" {
			t.Errorf("EnsureSetup(other) = %q, %v; want the first secret kept, so every node prints one link", again, err)
		}
		if pending, _ := store.SetupPending(f.ctx, f.st); !pending {
			t.Error("SetupPending() = false with a secret")
		}
		by := chat.AuditActor{Name: "first-run set-up"}
		admin := newUser("u1", "root", "Root")
		admin.Role = chat.RoleAgent // made an administrator whatever it asks
		_, err = store.Setup(f.ctx, f.st, "wrong", admin, by)
		wantCode(t, "Setup(wrong secret)", err, chat.EInvalid)
		got, err := store.Setup(f.ctx, f.st, "s3cret", admin, by)
		if err != nil || got.Role != chat.RoleAdmin || got.Username != "root" {
			t.Fatalf("Setup = %+v, %v", got, err)
		}
		if pending, _ := store.SetupPending(f.ctx, f.st); pending {
			t.Error("SetupPending() after the set-up = true")
		}
		_, err = store.Setup(f.ctx, f.st, "s3cret", newUser("u2", "again", "Again"), by)
		wantCode(t, "Setup a second time", err, chat.EInvalid)
		if secret, err := store.EnsureSetup(f.ctx, f.st, "later"); err != nil || secret != "" {
			t.Errorf("EnsureSetup with users = %q, %v; want none", secret, err)
		}
		if e := f.lastAudit(t); e.Action != chat.AuditUserCreate || e.Actor != by {
			t.Errorf("audit entry of the set-up = %+v", e)
		}
	},
	"no secret once there are users": func(t *testing.T, f *fixture) {
		f.user(t, newUser("u1", "anna", "Anna"))
		if secret, err := store.EnsureSetup(f.ctx, f.st, "s3cret"); err != nil || secret != "" {
			t.Errorf("EnsureSetup with a user = %q, %v; want none", secret, err)
		}
		_, err := store.Setup(f.ctx, f.st, "s3cret", newUser("u2", "root", "Root"), tester)
		wantCode(t, "Setup without a secret", err, chat.EInvalid)
	},
}
