package main

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"skranke/auth"
	"skranke/chat"
)

// TestToken mints identity tokens with `skranke token` for each kind of
// key and checks that Skranke's own verification accepts them, with their
// claims; a wrong key is refused.
func TestToken(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pemOf := func(typ string, der []byte) []byte { return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}) }
	pubPEM := func(pub crypto.PublicKey) string {
		der, _ := x509.MarshalPKIXPublicKey(pub)
		return string(pemOf("PUBLIC KEY", der))
	}
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalECPrivateKey(ec)
	edPub, ed, _ := ed25519.GenerateKey(rand.Reader)
	edDER, _ := x509.MarshalPKCS8PrivateKey(ed)
	rs, _ := rsa.GenerateKey(rand.Reader, 2048)

	aud := "https://chat.example.com"
	for _, tc := range []struct {
		name string
		key  chat.IdentityKey
		flag []string
	}{
		{"HS256", chat.IdentityKey{ID: "hs", Alg: chat.AlgHS256, Secret: []byte("a shared secret of some length")},
			[]string{"--secret-file", write("secret", []byte("a shared secret of some length\n"))}},
		{"ES256", chat.IdentityKey{ID: "es", Alg: chat.AlgES256, PublicKey: pubPEM(ec.Public())},
			[]string{"--key-file", write("ec.pem", pemOf("EC PRIVATE KEY", ecDER))}},
		{"EdDSA", chat.IdentityKey{ID: "ed", Alg: chat.AlgEdDSA, PublicKey: pubPEM(edPub)},
			[]string{"--key-file", write("ed.pem", pemOf("PRIVATE KEY", edDER))}},
		{"RS256", chat.IdentityKey{ID: "rs", Alg: chat.AlgRS256, PublicKey: pubPEM(rs.Public())},
			[]string{"--key-file", write("rs.pem", pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rs)))}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			args := append([]string{"token", "--kid", tc.key.ID, "--aud", aud, "--name", "Kari Nordmann", "--email", "kari@example.no",
				"--claim", "customer_number=10042"}, tc.flag...)
			args = append(args, "kari-1")
			if err := run(t.Context(), args, strings.NewReader(""), &out, &errOut); err != nil {
				t.Fatalf("skranke token: %v (%s)", err, errOut.String())
			}
			id := chat.DefaultIdentity()
			id.Audience = aud
			id.Keys = []chat.IdentityKey{tc.key}
			id.Claims = []chat.ClaimMapping{{Claim: "customer_number", Label: "Customer number"}}
			v, err := auth.VerifyIdentity(id, strings.TrimSpace(out.String()), time.Now())
			if err != nil {
				t.Fatalf("VerifyIdentity(the minted token) = %v", err)
			}
			got := map[string]string{}
			for _, d := range v.Details {
				got[d.Field] = d.Value
			}
			if v.Subject != "kari-1" || got["name"] != "Kari Nordmann" || got["email"] != "kari@example.no" || got["customer_number"] != "10042" {
				t.Errorf("verified = %+v", v)
			}
			// Verified against another key of the same id, it is refused.
			other := id
			other.Keys = []chat.IdentityKey{{ID: tc.key.ID, Alg: chat.AlgHS256, Secret: []byte("another secret")}}
			if _, err := auth.VerifyIdentity(other, strings.TrimSpace(out.String()), time.Now()); err == nil {
				t.Errorf("VerifyIdentity with another key = nil, want a refusal")
			}
		})
	}
	if err := run(t.Context(), []string{"token", "--kid", "k", "sub"}, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
		t.Errorf("skranke token without --aud = nil, want an error")
	}
}
