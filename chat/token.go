package chat

import (
	"net/http"
	"time"
)

// APITokenPrefix starts every API token, so that a server (and a person
// reading a configuration file) tells it from a customer's token, which
// travels in the same Authorization: Bearer header.
const APITokenPrefix = "skr_"

// TokenScope is what an API token may do.
type TokenScope string

// Token scopes, each including the one before.
const (
	// ScopeRead reads: GET requests.
	ScopeRead TokenScope = "read"
	// ScopeWrite also acts: every request an agent or a supervisor may
	// make (operations on conversations), but no administrative change.
	ScopeWrite TokenScope = "write"
	// ScopeAdmin may do everything its owner may.
	ScopeAdmin TokenScope = "admin"
)

// Scopes lists the scopes, least first.
var Scopes = []TokenScope{ScopeRead, ScopeWrite, ScopeAdmin}

// Covers reports whether the scope allows a request with method to a route
// that needs admin rights (admin) or less.
func (s TokenScope) Covers(method string, admin bool) bool {
	switch s {
	case ScopeAdmin:
		return true
	case ScopeWrite:
		return !admin || method == http.MethodGet || method == http.MethodHead
	case ScopeRead:
		return method == http.MethodGet || method == http.MethodHead
	}
	return false
}

// APIToken is an integration's credential. It acts with its owner's rights
// (UserID, an administrator who created it), narrowed to its Scope; it stops
// working when revoked or when its owner is deactivated. Only the SHA-256
// of the token is stored; the token itself is shown once, when created.
type APIToken struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Scope      TokenScope `json:"scope"`
	Prefix     string     `json:"prefix"` // the token's first characters, to recognise it by
	Hash       string     `json:"-"`
	UserID     UserID     `json:"userId"`
	CreatedAt  time.Time  `json:"createdAt"`
	LastUsedAt time.Time  `json:"lastUsedAt,omitzero"`
	RevokedAt  time.Time  `json:"revokedAt,omitzero"`
}

// Validate checks a new token's name and scope.
func (t APIToken) Validate() error {
	if err := checkName("name", t.Name); err != nil {
		return err
	}
	switch t.Scope {
	case ScopeRead, ScopeWrite, ScopeAdmin:
		return nil
	}
	return E(EInvalid, "scope_unknown", "Choose a scope: read, write or admin.", "field", "scope")
}
