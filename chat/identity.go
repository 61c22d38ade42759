package chat

import (
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Verified customer details (R6). A customer's details are fields (name,
// e-mail, phone, and fields the administrator labels, such as "Customer
// number"), each with where it came from: vouched for by the
// organisation's website (a token its backend signed with a key
// configured here), or not (typed by the customer, or given by the page
// without a signature). Agents see the vouched ones with a lock; a
// vouched value is never replaced by one that is not (MergeDetails).

// DetailSource says who gave a detail.
type DetailSource string

const (
	// SourceSignedToken is a token signed by the organisation's backend
	// with one of the identity keys (IdentityKey): verified.
	SourceSignedToken DetailSource = "signed_token"
	// SourceOIDC is the organisation's OpenID provider, where the
	// customer signed in for a secure chat: verified.
	SourceOIDC DetailSource = "oidc"
	// SourceCustomer is what the customer typed, or the page gave without
	// a signature: not verified.
	SourceCustomer DetailSource = "customer"
)

// Verified reports whether details from s are vouched for.
func (s DetailSource) Verified() bool { return s == SourceSignedToken || s == SourceOIDC }

// The fields every identity token may carry besides its subject.
const (
	FieldName  = "name"
	FieldEmail = "email"
	FieldPhone = "phone"
)

// Detail is one field of what is known of a customer.
type Detail struct {
	Field string `json:"field"` // name, email, phone, or a mapped claim's field
	// Label names a mapped claim's field for people ("Customer number");
	// empty for name, email and phone, which clients name themselves.
	Label    string       `json:"label,omitempty"`
	Value    string       `json:"value"`
	Verified bool         `json:"verified"`
	Source   DetailSource `json:"source"`
	// KeyID is the identity key that signed a verified detail.
	KeyID string    `json:"keyId,omitempty"`
	At    time.Time `json:"at"` // when it was given
}

// MaxDetailLength is the longest a detail's value may be, in characters.
const MaxDetailLength = 200

// MergeDetails returns old with each of upd applied, by field: an
// unverified value never replaces a verified one (it is dropped), and
// anything else replaces what was there. The result is sorted by field.
func MergeDetails(old, upd []Detail) []Detail {
	out := slices.Clone(old)
	for _, d := range upd {
		i := slices.IndexFunc(out, func(o Detail) bool { return o.Field == d.Field })
		switch {
		case i < 0:
			out = append(out, d)
		case out[i].Verified && !d.Verified:
			// kept: the website vouched for it
		default:
			out[i] = d
		}
	}
	slices.SortFunc(out, func(a, b Detail) int {
		switch {
		case a.Field < b.Field:
			return -1
		case a.Field > b.Field:
			return 1
		}
		return 0
	})
	return out
}

// CustomerDetails is what is known of a customer: Subject is their id in
// the organisation's systems (the verified token's sub), empty until one
// vouched for them.
type CustomerDetails struct {
	Subject string   `json:"subject,omitempty"`
	Details []Detail `json:"details"`
}

// IdentityAlg is a signature algorithm an identity key verifies.
type IdentityAlg string

// The identity keys' algorithms: a shared secret (HS256) or a public key.
const (
	AlgHS256 IdentityAlg = "HS256"
	AlgES256 IdentityAlg = "ES256"
	AlgEdDSA IdentityAlg = "EdDSA"
	AlgRS256 IdentityAlg = "RS256"
)

// IdentityAlgs lists the algorithms, for the JWT parser's allow list.
var IdentityAlgs = []IdentityAlg{AlgHS256, AlgES256, AlgEdDSA, AlgRS256}

// IdentityKey is a key that the organisation's backend signs identity
// tokens with, found by its id (the token's kid). Several may be active,
// so that a new key can take over from an old one with an overlap; a
// revoked key verifies nothing from then on.
type IdentityKey struct {
	ID  string      `json:"kid"`
	Alg IdentityAlg `json:"alg"`
	// Secret is an HS256 key's shared secret, shown once, when made; never
	// shown again, nor written in the audit log.
	Secret []byte `json:"secret,omitempty"`
	// PublicKey is the PEM of an ES256, EdDSA or RS256 key's public key.
	PublicKey string    `json:"publicKey,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	RevokedAt time.Time `json:"revokedAt,omitzero"`
}

// Public returns the key without its secret, as it is shown.
func (k IdentityKey) Public() IdentityKey {
	k.Secret = nil
	return k
}

var keyIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// CheckKeyID checks a key id.
func CheckKeyID(id string) error {
	if !keyIDPattern.MatchString(id) {
		return E(EInvalid, "key_id_invalid", "A key id is 1 to 64 letters, digits, dots, dashes or underscores.", "field", "kid")
	}
	return nil
}

// ClaimMapping makes a claim of identity tokens a labelled detail.
type ClaimMapping struct {
	Claim string `json:"claim"` // the claim's name in the token
	Label string `json:"label"` // the detail's name for people
}

// DefaultTokenLifetime is the longest an identity token may live (exp
// after iat) unless the administrator sets otherwise.
const DefaultTokenLifetime = 10 * time.Minute

// MaxTokenLifetime is the longest lifetime an administrator may allow.
const MaxTokenLifetime = 24 * time.Hour

// Identity is how the organisation vouches for its customers: its keys,
// the claims it maps, and the rules tokens must keep.
type Identity struct {
	// Audience is what an identity token's aud must name: this Skranke,
	// by its public URL unless the administrator sets another.
	Audience string `json:"audience"`
	// MaxLifetimeSeconds is the longest exp may be after iat.
	MaxLifetimeSeconds int            `json:"maxLifetimeSeconds"`
	Claims             []ClaimMapping `json:"claims"`
	Keys               []IdentityKey  `json:"keys"`
	// OIDC is the organisation's OpenID provider for secure chat; nil
	// when it has none.
	OIDC *OIDCProvider `json:"oidc,omitempty"`
	// RequireVerification lists the queues whose chats need a verified
	// customer: one whom a signed token or the OpenID provider vouched for.
	RequireVerification []QueueID `json:"requireVerification"`
	Version             int64     `json:"version"`
	UpdatedAt           time.Time `json:"updatedAt,omitzero"`
}

// OIDCProvider is the organisation's OpenID provider (the Puzzel way, as
// with national electronic IDs): for a secure chat, the customer signs in
// there (the authorization code flow with PKCE, run by the server), and
// the claims it returns become verified details by Claims.
type OIDCProvider struct {
	Issuer   string `json:"issuer"`
	ClientID string `json:"clientId"`
	// ClientSecret is never shown; an update without one keeps it.
	ClientSecret string `json:"clientSecret,omitempty"`
	// Scopes are asked for besides openid; profile, email and phone when
	// empty.
	Scopes []string    `json:"scopes"`
	Claims []OIDCClaim `json:"claims"`
}

// OIDCClaim makes a claim of the OpenID provider a verified detail.
// Masked, it is kept and shown (to agent and customer alike) with all but
// its last four characters starred: ******1234; the whole value is never
// kept.
type OIDCClaim struct {
	Claim string `json:"claim"`
	Field string `json:"field"` // name, email, phone or a field of its own
	Label string `json:"label,omitempty"`
	Mask  bool   `json:"mask,omitempty"`
}

// DefaultOIDCClaims map the standard claims when an administrator maps
// none.
var DefaultOIDCClaims = []OIDCClaim{{Claim: "name", Field: FieldName}, {Claim: "email", Field: FieldEmail}, {Claim: "phone_number", Field: FieldPhone}}

// Mask returns v with all but its last four characters starred.
func Mask(v string) string {
	r := []rune(v)
	if len(r) <= 4 {
		return strings.Repeat("*", len(r))
	}
	return strings.Repeat("*", len(r)-4) + string(r[len(r)-4:])
}

// RequiresVerification reports whether chats of queue q need a verified
// customer.
func (id Identity) RequiresVerification(q QueueID) bool {
	return slices.Contains(id.RequireVerification, q)
}

// DefaultIdentity is the identity settings of an organisation that has
// set none: no keys, so nobody is verified.
func DefaultIdentity() Identity {
	return Identity{MaxLifetimeSeconds: int(DefaultTokenLifetime / time.Second), Claims: []ClaimMapping{}, Keys: []IdentityKey{},
		RequireVerification: []QueueID{}}
}

// MaxLifetime is the longest an identity token may live.
func (id Identity) MaxLifetime() time.Duration {
	return time.Duration(id.MaxLifetimeSeconds) * time.Second
}

// Key returns the key of kid, revoked or not.
func (id Identity) Key(kid string) (IdentityKey, bool) {
	i := slices.IndexFunc(id.Keys, func(k IdentityKey) bool { return k.ID == kid })
	if i < 0 {
		return IdentityKey{}, false
	}
	return id.Keys[i], true
}

// Public returns the settings without the keys' secrets and the OpenID
// client's secret.
func (id Identity) Public() Identity {
	id.Keys = slices.Clone(id.Keys)
	for i := range id.Keys {
		id.Keys[i] = id.Keys[i].Public()
	}
	if id.OIDC != nil {
		o := *id.OIDC
		o.ClientSecret = ""
		id.OIDC = &o
	}
	return id
}

var claimPattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$`)

// reservedClaims are the registered claims and the ones Skranke reads
// itself; they cannot be mapped.
var reservedClaims = []string{"iss", "sub", "aud", "exp", "nbf", "iat", "jti", FieldName, FieldEmail, FieldPhone}

// Check checks the settings' values.
func (id Identity) Check() error {
	if id.MaxLifetimeSeconds < 1 || id.MaxLifetimeSeconds > int(MaxTokenLifetime/time.Second) {
		return E(EInvalid, "lifetime_out_of_range", "A token's lifetime is between 1 and {max} seconds.", "field", "maxLifetimeSeconds", "max", int(MaxTokenLifetime/time.Second))
	}
	if len(id.Audience) > 200 {
		return E(EInvalid, "audience_too_long", "The audience is at most {max} characters.", "field", "audience", "max", 200)
	}
	if len(id.Claims) > 20 {
		return E(EInvalid, "too_many_claims", "Map at most {max} claims.", "field", "claims", "max", 20)
	}
	for i, c := range id.Claims {
		if !claimPattern.MatchString(c.Claim) || slices.Contains(reservedClaims, c.Claim) {
			return E(EInvalid, "claim_invalid", "Name a claim of your own (not sub, name, email, phone or a registered claim).", "field", "claims["+strconv.Itoa(i)+"].claim")
		}
		if err := checkName("claims["+strconv.Itoa(i)+"].label", c.Label); err != nil {
			return err
		}
		for _, o := range id.Claims[:i] {
			if o.Claim == c.Claim {
				return E(EInvalid, "claim_twice", "Map each claim once.", "field", "claims["+strconv.Itoa(i)+"].claim")
			}
		}
	}
	if o := id.OIDC; o != nil {
		if err := checkIssuer(o.Issuer, "oidc.issuer"); err != nil {
			return err
		}
		if strings.TrimSpace(o.ClientID) == "" || len(o.ClientID) > 200 {
			return E(EInvalid, "required", "{field} is required.", "field", "oidc.clientId")
		}
		if len(o.Claims) > 20 {
			return E(EInvalid, "too_many_claims", "Map at most {max} claims.", "field", "oidc.claims", "max", 20)
		}
		for i, c := range o.Claims {
			f := "oidc.claims[" + strconv.Itoa(i) + "]"
			if !claimPattern.MatchString(c.Claim) || !claimPattern.MatchString(c.Field) {
				return E(EInvalid, "oidc_claim_invalid", "Name the claim and the field it becomes.", "field", f)
			}
		}
	}
	for i, q := range id.RequireVerification {
		if err := CheckID(string(q), "requireVerification["+strconv.Itoa(i)+"]"); err != nil {
			return err
		}
	}
	return nil
}

// checkIssuer checks an OpenID provider's issuer: an https URL, or http on
// this machine (a provider for tests and trials).
func checkIssuer(s, field string) error {
	u, err := url.Parse(s)
	bad := E(EInvalid, "issuer_invalid", "The issuer is the provider's https URL.", "field", field)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return bad
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if h := u.Hostname(); h == "localhost" || h == "127.0.0.1" || h == "::1" {
			return nil
		}
	}
	return bad
}

// IdentityUpdate changes some of the identity settings (not the keys,
// which are added and revoked one at a time), made from Version.
type IdentityUpdate struct {
	Version            int64           `json:"version"`
	Audience           *string         `json:"audience,omitempty"`
	MaxLifetimeSeconds *int            `json:"maxLifetimeSeconds,omitempty"`
	Claims             *[]ClaimMapping `json:"claims,omitempty"`
	// OIDC replaces the OpenID provider (its client secret kept when the
	// update has none); RemoveOIDC removes it.
	OIDC                *OIDCProvider `json:"oidc,omitempty"`
	RemoveOIDC          bool          `json:"removeOidc,omitempty"`
	RequireVerification *[]QueueID    `json:"requireVerification,omitempty"`
}

// Apply returns id with the update applied. It neither checks nor counts
// the version.
func (id Identity) Apply(u IdentityUpdate) Identity {
	if u.Audience != nil {
		id.Audience = *u.Audience
	}
	if u.MaxLifetimeSeconds != nil {
		id.MaxLifetimeSeconds = *u.MaxLifetimeSeconds
	}
	if u.Claims != nil {
		id.Claims = slices.Clone(*u.Claims)
	}
	if id.Claims == nil {
		id.Claims = []ClaimMapping{}
	}
	if u.OIDC != nil {
		o := *u.OIDC
		o.Scopes, o.Claims = slices.Clone(o.Scopes), slices.Clone(o.Claims)
		if o.ClientSecret == "" && id.OIDC != nil {
			o.ClientSecret = id.OIDC.ClientSecret
		}
		id.OIDC = &o
	}
	if u.RemoveOIDC {
		id.OIDC = nil
	}
	if u.RequireVerification != nil {
		id.RequireVerification = slices.Clone(*u.RequireVerification)
	}
	if id.RequireVerification == nil {
		id.RequireVerification = []QueueID{}
	}
	return id
}
