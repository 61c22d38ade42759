package demo

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"time"

	"skranke/admin"
	"skranke/auth"
	"skranke/chat"
)

// The demo website's signed-in customer (R6): the made-up company's website
// has a backend that vouches for its signed-in customer with an identity
// token, signed with the website's EdDSA key. The demo registers the
// key's public half, as an administrator would; its private half is made
// from a published seed, so it is a demo key and nothing else: anybody
// can sign with it. `skranke serve` without --demo has no such key.

// IdentityKeyID is the demo website's key id.
const IdentityKeyID = "nordlys-website"

// SignedIn is the demo website's signed-in customer.
var SignedIn = struct {
	Subject, Name, Email, CustomerNumber string
}{Subject: "nordlys-10042", Name: "Kari Nordmann", Email: "kari.nordmann@example.no", CustomerNumber: "10042"}

// identityKey is the demo website's private key.
func identityKey() ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("skranke demo website: not a secret"))
	return ed25519.NewKeyFromSeed(seed[:])
}

// seedIdentity registers the demo website's key and maps its customer
// number claim, unless they are there.
func seedIdentity(ctx context.Context, svc *admin.Service) error {
	id, err := svc.Identity(ctx, actor)
	if err != nil {
		return fmt.Errorf("seed identity: %w", err)
	}
	if _, ok := id.Key(IdentityKeyID); !ok {
		der, err := x509.MarshalPKIXPublicKey(identityKey().Public())
		if err != nil {
			return fmt.Errorf("seed identity: %w", err)
		}
		pub := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
		if _, _, err := svc.AddIdentityKey(ctx, actor, admin.NewIdentityKey{ID: IdentityKeyID, Alg: chat.AlgEdDSA, PublicKey: pub}); err != nil {
			return fmt.Errorf("seed identity key: %w", err)
		}
		if id, err = svc.Identity(ctx, actor); err != nil {
			return fmt.Errorf("seed identity: %w", err)
		}
	}
	if len(id.Claims) == 0 && id.Version <= 2 {
		claims := []chat.ClaimMapping{{Claim: "customer_number", Label: "Customer number"}}
		if _, err := svc.UpdateIdentity(ctx, actor, chat.IdentityUpdate{Version: id.Version, Claims: &claims}); err != nil {
			return fmt.Errorf("seed identity claims: %w", err)
		}
	}
	return nil
}

// IdentityToken is what the demo website's backend gives its page for the
// signed-in customer: an identity token for audience, valid 5 minutes.
func IdentityToken(audience string, now time.Time) (string, error) {
	claims := auth.IdentityClaims(audience, SignedIn.Subject, now, 5*time.Minute, map[string]any{
		"name": SignedIn.Name, "email": SignedIn.Email, "customer_number": SignedIn.CustomerNumber,
	})
	return auth.SignIdentity(chat.IdentityKey{ID: IdentityKeyID, Alg: chat.AlgEdDSA}, identityKey(), claims)
}
