package storetest

import (
	"strings"
	"testing"
	"time"

	"skranke/chat"
	"skranke/store"
)

// identityTests check customers' details (R6) and the identity settings.
var identityTests = map[string]func(t *testing.T, f *fixture){
	"details merge, a verified value stays": func(t *testing.T, f *fixture) {
		f.customer(t, "c1")
		at := start.UTC()
		v := func(field, value string) chat.Detail {
			return chat.Detail{Field: field, Value: value, Verified: true, Source: chat.SourceSignedToken, KeyID: "k1", At: at}
		}
		u := func(field, value string) chat.Detail {
			return chat.Detail{Field: field, Value: value, Source: chat.SourceCustomer, At: at}
		}
		got, err := f.st.SetCustomerDetails(f.ctx, "c1", "", []chat.Detail{u("name", "Kari"), u("phone", "+47 1")})
		if err != nil || got.Subject != "" {
			t.Fatalf("SetCustomerDetails(typed) = %+v, %v", got, err)
		}
		got, err = f.st.SetCustomerDetails(f.ctx, "c1", "kari-1", []chat.Detail{v("name", "Kari Nordmann"), v("email", "kari@example.no")})
		if err != nil {
			t.Fatalf("SetCustomerDetails(verified) = %v", err)
		}
		if _, err := f.st.SetCustomerDetails(f.ctx, "c1", "", []chat.Detail{u("name", "Mallory"), u("email", "m@example.com"), u("phone", "+47 2")}); err != nil {
			t.Fatalf("SetCustomerDetails(typed again) = %v", err)
		}
		got, err = f.st.CustomerDetails(f.ctx, "c1")
		want := chat.CustomerDetails{Subject: "kari-1", Details: []chat.Detail{v("email", "kari@example.no"), v("name", "Kari Nordmann"), u("phone", "+47 2")}}
		if err != nil || diff(got, want) != "" {
			t.Errorf("CustomerDetails = %v; diff (-want +got):\n%s", err, diff(got, want))
		}
		if c, err := f.st.CustomerByTokenHash(f.ctx, "hash-c1"); err != nil || c.Subject != "kari-1" {
			t.Errorf("CustomerByTokenHash = %+v, %v; want subject kari-1", c, err)
		}
	},
	"another subject is refused": func(t *testing.T, f *fixture) {
		f.customer(t, "c1")
		if _, err := f.st.SetCustomerDetails(f.ctx, "c1", "alice", nil); err != nil {
			t.Fatal(err)
		}
		_, err := f.st.SetCustomerDetails(f.ctx, "c1", "bob", []chat.Detail{{Field: "name", Value: "Bob", Verified: true, Source: chat.SourceSignedToken}})
		wantError(t, "SetCustomerDetails(bob)", err, store.ErrOtherCustomer)
		if d, _ := f.st.CustomerDetails(f.ctx, "c1"); d.Subject != "alice" || len(d.Details) != 0 {
			t.Errorf("CustomerDetails after the refusal = %+v", d)
		}
		_, err = f.st.SetCustomerDetails(f.ctx, "nobody", "", nil)
		wantCode(t, "SetCustomerDetails(unknown)", err, chat.ENotFound)
		_, err = f.st.CustomerDetails(f.ctx, "nobody")
		wantCode(t, "CustomerDetails(unknown)", err, chat.ENotFound)
	},
	"conversations of a subject": func(t *testing.T, f *fixture) {
		a1 := f.conversation(t, "a1")
		a2 := f.conversation(t, "a2")
		f.conversation(t, "b1")
		for _, c := range []chat.CustomerID{"a1", "a2"} {
			if _, err := f.st.SetCustomerDetails(f.ctx, c, "alice", nil); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.st.SetCustomerDetails(f.ctx, "b1", "bob", nil); err != nil {
			t.Fatal(err)
		}
		got, err := f.st.Conversations(f.ctx, store.ConversationFilter{Subject: "alice"})
		if err != nil || len(got) != 2 || got[0].ID != a1.ID || got[1].ID != a2.ID {
			t.Errorf("Conversations(subject alice) = %v, %v; want %s, %s", got, err, a1.ID, a2.ID)
		}
		if got, _ := f.st.Conversations(f.ctx, store.ConversationFilter{Subject: "carol"}); len(got) != 0 {
			t.Errorf("Conversations(subject carol) = %v, want none", got)
		}
	},
	"OIDC logins are taken once": func(t *testing.T, f *fixture) {
		f.customer(t, "c1")
		l := store.OIDCLogin{State: "st-1", CustomerID: "c1", Verifier: "v-1", Nonce: "n-1"}
		if err := f.st.CreateOIDCLogin(f.ctx, l); err != nil {
			t.Fatalf("CreateOIDCLogin = %v", err)
		}
		got, err := f.st.TakeOIDCLogin(f.ctx, "st-1")
		l.CreatedAt = start
		if err != nil || diff(got, l) != "" {
			t.Errorf("TakeOIDCLogin = %v; diff (-want +got):\n%s", err, diff(got, l))
		}
		_, err = f.st.TakeOIDCLogin(f.ctx, "st-1")
		wantCode(t, "TakeOIDCLogin(again)", err, chat.ENotFound)
		// Sign-ins left an hour are deleted by the next one.
		if err := f.st.CreateOIDCLogin(f.ctx, store.OIDCLogin{State: "st-2", CustomerID: "c1", Verifier: "v", Nonce: "n"}); err != nil {
			t.Fatal(err)
		}
		f.clock.Add(2 * time.Hour)
		if err := f.st.CreateOIDCLogin(f.ctx, store.OIDCLogin{State: "st-3", CustomerID: "c1", Verifier: "v", Nonce: "n"}); err != nil {
			t.Fatal(err)
		}
		_, err = f.st.TakeOIDCLogin(f.ctx, "st-2")
		wantCode(t, "TakeOIDCLogin(old)", err, chat.ENotFound)
	},
	"keys are added and revoked, secrets stay out of the audit": func(t *testing.T, f *fixture) {
		id, err := store.IdentitySettings(f.ctx, f.st)
		if err != nil || id.Version != 1 || id.MaxLifetimeSeconds != 600 || len(id.Keys) != 0 {
			t.Fatalf("IdentitySettings = %+v, %v; want the defaults", id, err)
		}
		k, err := store.AddIdentityKey(f.ctx, f.st, chat.IdentityKey{ID: "k1", Alg: chat.AlgHS256, Secret: []byte("s3cret-s3cret")}, tester)
		if err != nil || !k.CreatedAt.Equal(start) {
			t.Fatalf("AddIdentityKey = %+v, %v", k, err)
		}
		if a := f.lastAudit(t); strings.Contains(string(a.After), "s3cret") || a.Action != chat.AuditIdentityKeyAdd {
			t.Errorf("audit of the key = %s %s, want no secret", a.Action, a.After)
		}
		_, err = store.AddIdentityKey(f.ctx, f.st, chat.IdentityKey{ID: "k1", Alg: chat.AlgHS256, Secret: []byte("x")}, tester)
		wantCode(t, "AddIdentityKey(k1 again)", err, chat.EConflict)
		f.clock.Add(time.Minute)
		r, err := store.RevokeIdentityKey(f.ctx, f.st, "k1", tester)
		if err != nil || r.RevokedAt.IsZero() || len(r.Secret) != 0 {
			t.Errorf("RevokeIdentityKey = %+v, %v", r, err)
		}
		_, err = store.RevokeIdentityKey(f.ctx, f.st, "k9", tester)
		wantCode(t, "RevokeIdentityKey(unknown)", err, chat.ENotFound)
		id, _ = store.IdentitySettings(f.ctx, f.st)
		if k, ok := id.Key("k1"); !ok || string(k.Secret) != "s3cret-s3cret" || k.RevokedAt.IsZero() {
			t.Errorf("stored key = %+v, want its secret kept and revoked", k)
		}
		lifetime := 5
		_, err = store.UpdateIdentity(f.ctx, f.st, chat.IdentityUpdate{Version: 1, MaxLifetimeSeconds: &lifetime}, tester)
		wantCode(t, "UpdateIdentity(stale)", err, chat.EConflict)
		got, err := store.UpdateIdentity(f.ctx, f.st, chat.IdentityUpdate{Version: id.Version, MaxLifetimeSeconds: &lifetime}, tester)
		if err != nil || got.MaxLifetimeSeconds != 5 || len(got.Keys) != 1 {
			t.Errorf("UpdateIdentity = %+v, %v", got, err)
		}
		zero := 0
		_, err = store.UpdateIdentity(f.ctx, f.st, chat.IdentityUpdate{Version: got.Version, MaxLifetimeSeconds: &zero}, tester)
		wantCode(t, "UpdateIdentity(lifetime 0)", err, chat.EInvalid)
		// The queues that require verification must exist.
		f.queue(t, "support", "Support")
		nowhere := []chat.QueueID{"nowhere"}
		_, err = store.UpdateIdentity(f.ctx, f.st, chat.IdentityUpdate{Version: got.Version, RequireVerification: &nowhere}, tester)
		wantCode(t, "UpdateIdentity(an unknown queue)", err, chat.EInvalid)
		support := []chat.QueueID{"support"}
		if got, err = store.UpdateIdentity(f.ctx, f.st, chat.IdentityUpdate{Version: got.Version, RequireVerification: &support}, tester); err != nil || !got.RequiresVerification("support") {
			t.Errorf("UpdateIdentity(support) = %+v, %v", got.RequireVerification, err)
		}
	},
}
