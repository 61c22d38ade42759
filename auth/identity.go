package auth

import (
	"cmp"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"

	"skranke/chat"
)

// Identity tokens (R6): the organisation's backend signs a JWT saying who
// the customer is, with a key configured in Skranke (chat.IdentityKey),
// and the page hands it to the widget. VerifyIdentity checks it with
// golang-jwt, never by hand: the algorithm must be the key's own (so an
// HS256 token "signed" with a public key is refused), exp and iat are
// required, exp at most the configured lifetime after iat, aud must name
// this Skranke. Every refusal has a reason of its own (identity_*), which
// the widget shows its developer and the server counts.

// MaxIdentityToken is the longest identity token accepted, in bytes.
const MaxIdentityToken = 8 << 10

// identityLeeway forgives clocks that differ by this much.
const identityLeeway = 30 * time.Second

// VerifiedIdentity is what a verified identity token says of a customer.
type VerifiedIdentity struct {
	Subject string
	KeyID   string
	// Details are the token's name, email and phone and its mapped claims,
	// verified, at the time of verification.
	Details []chat.Detail
}

// The reasons an identity token is refused.
var (
	errIdentityTooLarge   = chat.E(chat.ETooLarge, "identity_too_large", "The identity token is longer than {max} bytes.", "max", MaxIdentityToken)
	errIdentityMalformed  = chat.E(chat.EInvalid, "identity_malformed", "The identity token is not a JWT.")
	errIdentityAlg        = chat.E(chat.EInvalid, "identity_alg_not_allowed", "The identity token's algorithm is not allowed; use HS256, ES256, EdDSA or RS256.")
	errIdentityNoKid      = chat.E(chat.EInvalid, "identity_kid_required", "The identity token has no kid naming its key.")
	errIdentityKeyUnknown = chat.E(chat.EInvalid, "identity_key_unknown", "The identity token's key (kid) is not one of this Skranke's keys.")
	errIdentityKeyRevoked = chat.E(chat.EInvalid, "identity_key_revoked", "The identity token's key (kid) has been revoked.")
	errIdentityAlgKey     = chat.E(chat.EInvalid, "identity_alg_mismatch", "The identity token's algorithm is not its key's.")
	errIdentitySignature  = chat.E(chat.EInvalid, "identity_bad_signature", "The identity token's signature is wrong.")
	errIdentityExpired    = chat.E(chat.EInvalid, "identity_expired", "The identity token has expired; get a fresh one.")
	errIdentityNotYet     = chat.E(chat.EInvalid, "identity_not_yet_valid", "The identity token is not valid yet (nbf or iat in the future).")
	errIdentityAudience   = chat.E(chat.EInvalid, "identity_wrong_audience", "The identity token's aud does not name this Skranke.")
	errIdentityExpMissing = chat.E(chat.EInvalid, "identity_exp_required", "The identity token needs exp and iat.")
	errIdentitySubject    = chat.E(chat.EInvalid, "identity_sub_required", "The identity token needs sub, the customer's id, as a string.")
	errIdentityNoKeys     = chat.E(chat.EConflict, "identity_not_set_up", "This Skranke has no identity keys, or no audience; set them up in the administration.")
)

func claimType(claim string) error {
	return chat.E(chat.EInvalid, "identity_claim_type", "The identity token's claim {claim} has the wrong type.", "claim", claim)
}

func lifetimeTooLong(max time.Duration) error {
	return chat.E(chat.EInvalid, "identity_lifetime_too_long", "The identity token lives longer than {max} seconds (exp after iat).", "max", int(max/time.Second))
}

// VerifyIdentity verifies an identity token against the organisation's
// identity settings at time now, and returns what it vouches for. A token
// refused is an error with its reason (identity_*).
func VerifyIdentity(id chat.Identity, raw string, now time.Time) (VerifiedIdentity, error) {
	if len(raw) > MaxIdentityToken {
		return VerifiedIdentity{}, errIdentityTooLarge
	}
	if len(id.Keys) == 0 || id.Audience == "" {
		return VerifiedIdentity{}, errIdentityNoKeys
	}
	algs := make([]string, len(chat.IdentityAlgs))
	for i, a := range chat.IdentityAlgs {
		algs[i] = string(a)
	}
	p := jwt.NewParser(
		jwt.WithValidMethods(algs),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithAudience(id.Audience),
		jwt.WithLeeway(identityLeeway),
		jwt.WithTimeFunc(func() time.Time { return now }),
		jwt.WithJSONNumber(),
	)
	// The header first, for a refusal that says which algorithm is not
	// allowed ("none" among them); the verification below decides.
	head, _, err := jwt.NewParser().ParseUnverified(raw, jwt.MapClaims{})
	if err != nil {
		return VerifiedIdentity{}, errIdentityMalformed
	}
	if alg, _ := head.Header["alg"].(string); !slices.Contains(algs, alg) {
		return VerifiedIdentity{}, errIdentityAlg
	}
	var used chat.IdentityKey
	claims := jwt.MapClaims{}
	_, err = p.ParseWithClaims(raw, claims, func(t *jwt.Token) (any, error) {
		kid, ok := t.Header["kid"].(string)
		if !ok || kid == "" {
			return nil, errIdentityNoKid
		}
		k, ok := id.Key(kid)
		switch {
		case !ok:
			return nil, errIdentityKeyUnknown
		case !k.RevokedAt.IsZero():
			return nil, errIdentityKeyRevoked
		case t.Method.Alg() != string(k.Alg):
			return nil, errIdentityAlgKey
		}
		used = k
		return verificationKey(k)
	})
	if err != nil {
		return VerifiedIdentity{}, identityError(err, claims)
	}
	return identityClaims(id, used, claims, now)
}

// identityError is the reason of a parse error; claims are the token's,
// as far as they were read.
func identityError(err error, claims jwt.MapClaims) error {
	var ce *chat.Error
	switch {
	case errors.As(err, &ce):
		return ce // the key function's own
	case errors.Is(err, jwt.ErrTokenMalformed):
		return errIdentityMalformed
	case errors.Is(err, jwt.ErrTokenInvalidClaims) && errors.Is(err, jwt.ErrInvalidType):
		return claimType(cmp.Or(mistypedClaim(claims), "exp"))
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		// The library takes an audience of the wrong type for none.
		if m := mistypedClaim(claims); m != "" {
			return claimType(m)
		}
		if _, ok := claims["aud"]; !ok {
			return errIdentityAudience
		}
		return errIdentityExpMissing
	case errors.Is(err, jwt.ErrTokenExpired):
		return errIdentityExpired
	case errors.Is(err, jwt.ErrTokenNotValidYet), errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return errIdentityNotYet
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		return errIdentityAudience
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrSignatureInvalid):
		return errIdentitySignature
	case errors.Is(err, jwt.ErrTokenUnverifiable):
		return errIdentityAlg
	}
	return errIdentityMalformed
}

// mistypedClaim names a registered claim of the wrong type: a time that
// is not a number, an audience that is neither a string nor a list of
// strings, an issuer or subject that is no string; "" when there is none.
func mistypedClaim(c jwt.MapClaims) string {
	for _, name := range []string{"exp", "iat", "nbf"} {
		if v, ok := c[name]; ok {
			if _, num := v.(jsonNumber); !num {
				return name
			}
		}
	}
	if v, ok := c["aud"]; ok {
		switch a := v.(type) {
		case string:
		case []any:
			for _, x := range a {
				if _, ok := x.(string); !ok {
					return "aud"
				}
			}
		default:
			return "aud"
		}
	}
	for _, name := range []string{"iss", "sub"} {
		if v, ok := c[name]; ok {
			if _, str := v.(string); !str {
				return name
			}
		}
	}
	return ""
}

// identityClaims checks the claims the library does not (the lifetime,
// sub and the types of the details) and makes the details.
func identityClaims(id chat.Identity, k chat.IdentityKey, c jwt.MapClaims, now time.Time) (VerifiedIdentity, error) {
	exp, err := c.GetExpirationTime()
	if err != nil || exp == nil {
		return VerifiedIdentity{}, errIdentityExpMissing
	}
	iat, err := c.GetIssuedAt()
	if err != nil || iat == nil {
		return VerifiedIdentity{}, errIdentityExpMissing
	}
	if exp.Sub(iat.Time) > id.MaxLifetime() {
		return VerifiedIdentity{}, lifetimeTooLong(id.MaxLifetime())
	}
	sub, ok := c["sub"].(string)
	if _, present := c["sub"]; present && !ok {
		return VerifiedIdentity{}, claimType("sub")
	}
	if !ok || sub == "" || utf8.RuneCountInString(sub) > chat.MaxDetailLength || chat.CheckText(sub, chat.TextName) != nil {
		return VerifiedIdentity{}, errIdentitySubject
	}
	v := VerifiedIdentity{Subject: sub, KeyID: k.ID}
	detail := func(field, label string, value any, numbers bool) error {
		var s string
		switch x := value.(type) {
		case string:
			s = x
		case jsonNumber:
			if !numbers {
				return claimType(field)
			}
			s = x.String()
		default:
			return claimType(field)
		}
		if s == "" {
			return nil
		}
		if utf8.RuneCountInString(s) > chat.MaxDetailLength || chat.CheckText(s, chat.TextName) != nil || strings.ContainsAny(s, "\r\n") {
			return claimType(field)
		}
		v.Details = append(v.Details, chat.Detail{Field: field, Label: label, Value: s, Verified: true,
			Source: chat.SourceSignedToken, KeyID: k.ID, At: now})
		return nil
	}
	for _, f := range []string{chat.FieldName, chat.FieldEmail, chat.FieldPhone} {
		if value, ok := c[f]; ok {
			if err := detail(f, "", value, false); err != nil {
				return VerifiedIdentity{}, err
			}
		}
	}
	for _, m := range id.Claims {
		if value, ok := c[m.Claim]; ok {
			if err := detail(m.Claim, m.Label, value, true); err != nil {
				return VerifiedIdentity{}, err
			}
		}
	}
	return v, nil
}

// jsonNumber is a number claim (the parser's WithJSONNumber).
type jsonNumber interface{ String() string }

// verificationKey is the key the library verifies k's signatures with.
func verificationKey(k chat.IdentityKey) (any, error) {
	if k.Alg == chat.AlgHS256 {
		return k.Secret, nil
	}
	pub, err := ParsePublicKey(k.Alg, k.PublicKey)
	if err != nil {
		return nil, errIdentityAlgKey
	}
	return pub, nil
}

// ParsePublicKey reads the PEM of a public key (PKIX "PUBLIC KEY", or
// PKCS #1 "RSA PUBLIC KEY") for alg, and checks that it is of alg's kind:
// ES256 a P-256 key, EdDSA an Ed25519 key, RS256 an RSA key of at least
// 2048 bits.
func ParsePublicKey(alg chat.IdentityAlg, s string) (crypto.PublicKey, error) {
	bad := func(why string) error {
		return chat.E(chat.EInvalid, "public_key_invalid", "The public key is not a PEM {want} key.", "want", why, "field", "publicKey")
	}
	want := map[chat.IdentityAlg]string{chat.AlgES256: "P-256", chat.AlgEdDSA: "Ed25519", chat.AlgRS256: "RSA (2048 bits or more)"}[alg]
	if want == "" {
		return nil, chat.E(chat.EInvalid, "alg_unknown", "Choose an algorithm: HS256, ES256, EdDSA or RS256.", "field", "alg")
	}
	b, _ := pem.Decode([]byte(strings.TrimSpace(s)))
	if b == nil {
		return nil, bad(want)
	}
	var pub any
	var err error
	switch b.Type {
	case "PUBLIC KEY":
		pub, err = x509.ParsePKIXPublicKey(b.Bytes)
	case "RSA PUBLIC KEY":
		pub, err = x509.ParsePKCS1PublicKey(b.Bytes)
	default:
		return nil, bad(want)
	}
	if err != nil {
		return nil, bad(want)
	}
	switch key := pub.(type) {
	case *ecdsa.PublicKey:
		if alg == chat.AlgES256 && key.Curve == elliptic.P256() {
			return key, nil
		}
	case ed25519.PublicKey:
		if alg == chat.AlgEdDSA {
			return key, nil
		}
	case *rsa.PublicKey:
		if alg == chat.AlgRS256 && key.N.BitLen() >= 2048 {
			return key, nil
		}
	}
	return nil, bad(want)
}

// NewIdentitySecret returns a new HS256 secret: 256 random bits.
func NewIdentitySecret() []byte {
	tok, _ := NewToken()
	return []byte(tok)
}

// SignIdentity signs claims as an identity token with key k (its Secret
// for HS256, or the private key priv), with k's kid: for `skranke token`,
// the demo site and the tests; the organisation's backend does the same
// with a JWT library of its own.
func SignIdentity(k chat.IdentityKey, priv crypto.PrivateKey, claims map[string]any) (string, error) {
	m, ok := map[chat.IdentityAlg]jwt.SigningMethod{
		chat.AlgHS256: jwt.SigningMethodHS256, chat.AlgES256: jwt.SigningMethodES256,
		chat.AlgEdDSA: jwt.SigningMethodEdDSA, chat.AlgRS256: jwt.SigningMethodRS256,
	}[k.Alg]
	if !ok {
		return "", fmt.Errorf("sign identity: unknown algorithm %q", k.Alg)
	}
	t := jwt.NewWithClaims(m, jwt.MapClaims(claims))
	t.Header["kid"] = k.ID
	key := any(priv)
	if k.Alg == chat.AlgHS256 {
		key = k.Secret
	}
	s, err := t.SignedString(key)
	if err != nil {
		return "", fmt.Errorf("sign identity: %w", err)
	}
	return s, nil
}

// IdentityClaims returns the claims of an identity token for subject, with
// iat now, exp after lifetime and aud audience, and the further claims
// extra; for SignIdentity.
func IdentityClaims(audience, subject string, now time.Time, lifetime time.Duration, extra map[string]any) map[string]any {
	c := map[string]any{"sub": subject, "aud": audience, "iat": now.Unix(), "exp": now.Add(lifetime).Unix()}
	for k, v := range extra {
		if !slices.Contains([]string{"sub", "aud", "iat", "exp"}, k) {
			c[k] = v
		}
	}
	return c
}
