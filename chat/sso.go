package chat

import (
	"slices"
	"strings"
	"time"
)

// AgentSSO is how agents, supervisors and administrators sign in through
// the organisation's OpenID provider (Entra ID, Google Workspace,
// Keycloak…): the provider, how its claims map to roles and profiles,
// whether unknown users are created, and whether password sign-in is
// switched off for all but a break-glass administrator. Issuer empty: not
// set up.
type AgentSSO struct {
	// Name is the provider's name on the login page ("Sign in with
	// {name}").
	Name     string `json:"name"`
	Issuer   string `json:"issuer"` // the discovery URL less /.well-known/openid-configuration
	ClientID string `json:"clientId"`
	// ClientSecret is never shown; an update without one keeps it.
	ClientSecret string `json:"clientSecret,omitempty"`
	// Scopes are asked for besides openid; profile and email when empty.
	Scopes []string `json:"scopes"`
	// UsernameClaim names the claim that is the Skranke username
	// (preferred_username when empty); it is compared in lower case.
	UsernameClaim string `json:"usernameClaim"`
	// GroupsClaim names the claim, a string or a list of strings, that
	// Roles match (groups when empty).
	GroupsClaim string `json:"groupsClaim"`
	// Roles map groups to a role and profiles; the first that matches
	// wins, and when none does, DefaultRole (none: the sign-in is refused).
	Roles           []SSORole   `json:"roles"`
	DefaultRole     Role        `json:"defaultRole,omitempty"`
	DefaultProfiles []ProfileID `json:"defaultProfiles"`
	// CreateUsers creates a user unknown to Skranke at its first sign-in.
	CreateUsers bool `json:"createUsers"`
	// PasswordLoginOff refuses password sign-in to everyone but the
	// BreakGlass user (an administrator's username).
	PasswordLoginOff bool      `json:"passwordLoginOff"`
	BreakGlass       string    `json:"breakGlass,omitempty"`
	Version          int64     `json:"version"`
	UpdatedAt        time.Time `json:"updatedAt,omitzero"`
}

// SSORole gives a role and profiles to the members of a group.
type SSORole struct {
	Group    string      `json:"group"`
	Role     Role        `json:"role"`
	Profiles []ProfileID `json:"profiles"`
}

// AgentSSOUpdate changes the settings; nil fields are kept.
type AgentSSOUpdate struct {
	Version          int64        `json:"version"`
	Name             *string      `json:"name,omitempty"`
	Issuer           *string      `json:"issuer,omitempty"`
	ClientID         *string      `json:"clientId,omitempty"`
	ClientSecret     *string      `json:"clientSecret,omitempty"`
	Scopes           *[]string    `json:"scopes,omitempty"`
	UsernameClaim    *string      `json:"usernameClaim,omitempty"`
	GroupsClaim      *string      `json:"groupsClaim,omitempty"`
	Roles            *[]SSORole   `json:"roles,omitempty"`
	DefaultRole      *Role        `json:"defaultRole,omitempty"`
	DefaultProfiles  *[]ProfileID `json:"defaultProfiles,omitempty"`
	CreateUsers      *bool        `json:"createUsers,omitempty"`
	PasswordLoginOff *bool        `json:"passwordLoginOff,omitempty"`
	BreakGlass       *string      `json:"breakGlass,omitempty"`
}

// Apply returns s with u applied; it neither checks nor counts the version.
func (s AgentSSO) Apply(u AgentSSOUpdate) AgentSSO {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = strings.TrimSpace(*v)
		}
	}
	set(&s.Name, u.Name)
	set(&s.Issuer, u.Issuer)
	set(&s.ClientID, u.ClientID)
	if u.ClientSecret != nil && *u.ClientSecret != "" {
		s.ClientSecret = *u.ClientSecret
	}
	set(&s.UsernameClaim, u.UsernameClaim)
	set(&s.GroupsClaim, u.GroupsClaim)
	set(&s.BreakGlass, u.BreakGlass)
	s.BreakGlass = strings.ToLower(s.BreakGlass)
	s.Issuer = strings.TrimSuffix(strings.TrimSuffix(s.Issuer, "/.well-known/openid-configuration"), "/")
	if u.Scopes != nil {
		s.Scopes = slices.Clone(*u.Scopes)
	}
	if u.Roles != nil {
		s.Roles = slices.Clone(*u.Roles)
	}
	if u.DefaultRole != nil {
		s.DefaultRole = *u.DefaultRole
	}
	if u.DefaultProfiles != nil {
		s.DefaultProfiles = slices.Clone(*u.DefaultProfiles)
	}
	if u.CreateUsers != nil {
		s.CreateUsers = *u.CreateUsers
	}
	if u.PasswordLoginOff != nil {
		s.PasswordLoginOff = *u.PasswordLoginOff
	}
	return s
}

// Public is s without its client secret.
func (s AgentSSO) Public() AgentSSO {
	s.ClientSecret = ""
	if s.Scopes == nil {
		s.Scopes = []string{}
	}
	if s.Roles == nil {
		s.Roles = []SSORole{}
	}
	if s.DefaultProfiles == nil {
		s.DefaultProfiles = []ProfileID{}
	}
	return s
}

// Configured reports whether a provider is set up.
func (s AgentSSO) Configured() bool { return s.Issuer != "" && s.ClientID != "" }

// Check reports what is wrong with the settings.
func (s AgentSSO) Check() error {
	if s.Issuer != "" {
		if err := checkIssuer(s.Issuer, "issuer"); err != nil {
			return err
		}
		if s.ClientID == "" {
			return E(EInvalid, "sso_client_required", "Give the client id the provider issued.", "field", "clientId")
		}
	}
	if len(s.Name) > 100 || CheckText(s.Name, TextName) != nil {
		return E(EInvalid, "sso_name_invalid", "The provider's name is at most 100 characters of text.", "field", "name")
	}
	for _, r := range append([]SSORole{{Group: "-", Role: s.DefaultRole}}, s.Roles...) {
		if r.Group == "" {
			return E(EInvalid, "sso_group_required", "Each mapping names a group.", "field", "roles")
		}
		switch r.Role {
		case RoleAdmin, RoleSupervisor, RoleAgent:
		case "":
			if r.Group != "-" {
				return E(EInvalid, "sso_role_invalid", "A role is agent, supervisor or admin.", "field", "roles")
			}
		default:
			return E(EInvalid, "sso_role_invalid", "A role is agent, supervisor or admin.", "field", "roles")
		}
	}
	if s.PasswordLoginOff {
		if !s.Configured() {
			return E(EInvalid, "sso_needed_for_password_off", "Set up the identity provider before switching password sign-in off.", "field", "passwordLoginOff")
		}
		if s.BreakGlass == "" {
			return E(EInvalid, "sso_break_glass_required", "Name the break-glass administrator who may still sign in with a password.", "field", "breakGlass")
		}
	}
	return nil
}

// Map returns the role and profiles of a user in groups, and false when
// no mapping and no default applies.
func (s AgentSSO) Map(groups []string) (Role, []ProfileID, bool) {
	for _, r := range s.Roles {
		if slices.Contains(groups, r.Group) {
			return r.Role, r.Profiles, true
		}
	}
	if s.DefaultRole != "" {
		return s.DefaultRole, s.DefaultProfiles, true
	}
	return "", nil, false
}

// Audit action and target of the agents' sign-in settings.
const (
	AuditSSOUpdate = "sso.update"
	TargetSSO      = "sso"
)
