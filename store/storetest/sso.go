package storetest

import (
	"strings"
	"testing"
	"time"

	"skranke/chat"
	"skranke/store"
)

// ssoTests check the agents' sign-in through the identity provider: its
// settings and its pending sign-ins.
var ssoTests = map[string]func(t *testing.T, f *fixture){
	"SSO logins are taken once, and not late": func(t *testing.T, f *fixture) {
		l := store.SSOLogin{State: "st-1", Verifier: "v-1", Nonce: "n-1"}
		if err := f.st.CreateSSOLogin(f.ctx, l); err != nil {
			t.Fatalf("CreateSSOLogin = %v", err)
		}
		got, err := f.st.TakeSSOLogin(f.ctx, "st-1")
		l.CreatedAt = start
		if err != nil || diff(got, l) != "" {
			t.Errorf("TakeSSOLogin = %v; diff (-want +got):\n%s", err, diff(got, l))
		}
		_, err = f.st.TakeSSOLogin(f.ctx, "st-1")
		wantCode(t, "TakeSSOLogin(again)", err, chat.ENotFound)
		// A sign-in older than SSOLoginTTL is refused, and used up.
		if err := f.st.CreateSSOLogin(f.ctx, store.SSOLogin{State: "st-2", Verifier: "v", Nonce: "n"}); err != nil {
			t.Fatal(err)
		}
		f.clock.Add(store.SSOLoginTTL + time.Second)
		_, err = f.st.TakeSSOLogin(f.ctx, "st-2")
		wantCode(t, "TakeSSOLogin(late)", err, chat.EInvalid)
		_, err = f.st.TakeSSOLogin(f.ctx, "st-2")
		wantCode(t, "TakeSSOLogin(late, again)", err, chat.ENotFound)
		// Sign-ins left an hour are deleted by the next one.
		if err := f.st.CreateSSOLogin(f.ctx, store.SSOLogin{State: "st-3", Verifier: "v", Nonce: "n"}); err != nil {
			t.Fatal(err)
		}
		f.clock.Add(2 * time.Hour)
		if err := f.st.CreateSSOLogin(f.ctx, store.SSOLogin{State: "st-4", Verifier: "v", Nonce: "n"}); err != nil {
			t.Fatal(err)
		}
		_, err = f.st.TakeSSOLogin(f.ctx, "st-3")
		wantCode(t, "TakeSSOLogin(old)", err, chat.ENotFound)
	},
	"SSO settings keep their secret out of the audit": func(t *testing.T, f *fixture) {
		c, err := store.SSOSettings(f.ctx, f.st)
		if err != nil || c.Version != 1 || c.Configured() {
			t.Fatalf("SSOSettings = %+v, %v; want none set up", c, err)
		}
		issuer, client, secret := "https://login.example.com/tenant/v2.0", "skranke", "very-s3cret"
		_, err = store.UpdateSSO(f.ctx, f.st, chat.AgentSSOUpdate{Version: 1, Issuer: &issuer, ClientID: &client, ClientSecret: &secret,
			Roles: &[]chat.SSORole{{Group: "g", Role: chat.RoleAgent, Profiles: []chat.ProfileID{"nope"}}}}, tester)
		wantCode(t, "UpdateSSO(unknown profile)", err, chat.EInvalid)
		got, err := store.UpdateSSO(f.ctx, f.st, chat.AgentSSOUpdate{Version: 1, Issuer: &issuer, ClientID: &client, ClientSecret: &secret}, tester)
		if err != nil || got.Version != 2 || got.ClientSecret != secret {
			t.Fatalf("UpdateSSO = %+v, %v", got, err)
		}
		if a := f.lastAudit(t); strings.Contains(string(a.After), secret) || a.Action != chat.AuditSSOUpdate {
			t.Errorf("audit = %s %s, want no secret", a.Action, a.After)
		}
		_, err = store.UpdateSSO(f.ctx, f.st, chat.AgentSSOUpdate{Version: 1, ClientID: &client}, tester)
		wantCode(t, "UpdateSSO(stale)", err, chat.EConflict)
		empty := ""
		got, err = store.UpdateSSO(f.ctx, f.st, chat.AgentSSOUpdate{Version: 2, ClientSecret: &empty}, tester)
		if err != nil || got.ClientSecret != secret {
			t.Errorf("UpdateSSO(no secret) = %+v, %v; want the secret kept", got, err)
		}
	},
}
