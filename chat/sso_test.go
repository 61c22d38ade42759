package chat_test

import (
	"testing"

	"skranke/chat"
)

func ptr[T any](v T) *T { return &v }

func TestAgentSSO_Apply(t *testing.T) {
	s := chat.AgentSSO{ClientSecret: "kept"}.Apply(chat.AgentSSOUpdate{
		Issuer: ptr(" https://login.example.com/t/v2.0/.well-known/openid-configuration "), ClientID: ptr("c"), ClientSecret: ptr(""), BreakGlass: ptr("Admin")})
	if s.Issuer != "https://login.example.com/t/v2.0" || s.ClientSecret != "kept" || s.BreakGlass != "admin" {
		t.Errorf("Apply = %+v, want the issuer without the discovery path, the secret kept, the break-glass name in lower case", s)
	}
	if s.Public().ClientSecret != "" {
		t.Error("Public shows the client secret")
	}
}

func TestAgentSSO_Check(t *testing.T) {
	ok := chat.AgentSSO{Issuer: "https://idp.example.com", ClientID: "c"}
	for name, tc := range map[string]struct {
		s      chat.AgentSSO
		reason string
	}{
		"not set up":                    {chat.AgentSSO{}, ""},
		"set up":                        {ok, ""},
		"http elsewhere":                {chat.AgentSSO{Issuer: "http://idp.example.com", ClientID: "c"}, "issuer_invalid"},
		"http on this machine":          {chat.AgentSSO{Issuer: "http://127.0.0.1:9000", ClientID: "c"}, ""},
		"no client":                     {chat.AgentSSO{Issuer: "https://idp.example.com"}, "sso_client_required"},
		"bad role":                      {chat.AgentSSO{Roles: []chat.SSORole{{Group: "g", Role: "boss"}}}, "sso_role_invalid"},
		"no group":                      {chat.AgentSSO{Roles: []chat.SSORole{{Role: chat.RoleAgent}}}, "sso_group_required"},
		"bad default role":              {chat.AgentSSO{DefaultRole: "boss"}, "sso_role_invalid"},
		"passwords off, no idp":         {chat.AgentSSO{PasswordLoginOff: true, BreakGlass: "admin"}, "sso_needed_for_password_off"},
		"passwords off, no break-glass": {func() chat.AgentSSO { s := ok; s.PasswordLoginOff = true; return s }(), "sso_break_glass_required"},
	} {
		err := tc.s.Check()
		got := ""
		if err != nil {
			got = chat.ErrorOf(err).Reason
		}
		if got != tc.reason {
			t.Errorf("%s: Check = %v, want reason %q", name, err, tc.reason)
		}
	}
}

func TestAgentSSO_Map(t *testing.T) {
	s := chat.AgentSSO{Roles: []chat.SSORole{
		{Group: "sup", Role: chat.RoleSupervisor, Profiles: []chat.ProfileID{"sales"}},
		{Group: "agents", Role: chat.RoleAgent},
	}}
	if r, p, ok := s.Map([]string{"agents", "sup"}); !ok || r != chat.RoleSupervisor || len(p) != 1 {
		t.Errorf("Map = %s %v %v, want the first mapping that matches", r, p, ok)
	}
	if _, _, ok := s.Map([]string{"other"}); ok {
		t.Error("Map of an unknown group without a default let them in")
	}
	s.DefaultRole, s.DefaultProfiles = chat.RoleAgent, []chat.ProfileID{"all"}
	if r, p, ok := s.Map(nil); !ok || r != chat.RoleAgent || p[0] != "all" {
		t.Errorf("Map with a default = %s %v %v", r, p, ok)
	}
}
