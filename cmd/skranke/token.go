package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"skranke/auth"
	"skranke/chat"
)

const tokenUsage = `Usage: skranke token [flags] SUBJECT

Mints an identity token for the customer SUBJECT (the token's sub), as an
organisation's backend would, to try identifying customers
(docs/identifying-customers.md). Sign with an HS256 secret (--secret-file,
or SKRANKE_TOKEN_SECRET) or a PEM private key (--key-file: EC P-256 for
ES256, Ed25519 for EdDSA, RSA for RS256). The token goes to standard output.

Flags:
`

// claimList is --claim name=value, repeated: further claims (a number stays a number).
type claimList map[string]any

func (c claimList) String() string { return fmt.Sprint(map[string]any(c)) }

func (c claimList) Set(v string) error {
	name, value, ok := strings.Cut(v, "=")
	if !ok || name == "" {
		return errors.New("want name=value")
	}
	if n, err := strconv.ParseInt(value, 10, 64); err == nil {
		c[name] = n
	} else {
		c[name] = value
	}
	return nil
}

// token mints an identity token (R6).
func token(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, tokenUsage)
		fs.PrintDefaults()
	}
	var kid, aud, secretFile, keyFile, name, email, phone string
	var lifetime time.Duration
	extra := claimList{}
	fs.StringVar(&kid, "kid", "", "the key's id in Skranke (required)")
	fs.StringVar(&aud, "aud", "", "the audience: the Skranke server's public URL, as its identity settings say (required)")
	fs.StringVar(&secretFile, "secret-file", "", "file holding the HS256 secret (or SKRANKE_TOKEN_SECRET)")
	fs.StringVar(&keyFile, "key-file", "", "PEM private key for ES256, EdDSA or RS256")
	fs.DurationVar(&lifetime, "lifetime", 5*time.Minute, "how long the token is valid (at most the server's limit, 10m by default)")
	fs.StringVar(&name, "name", "", "the customer's name")
	fs.StringVar(&email, "email", "", "the customer's e-mail address")
	fs.StringVar(&phone, "phone", "", "the customer's phone number")
	fs.Var(extra, "claim", "a further claim, name=value (repeat it); the administrator maps it to a labelled detail")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 || kid == "" || aud == "" {
		fs.Usage()
		return errors.New("token: give --kid, --aud and one SUBJECT")
	}
	key := chat.IdentityKey{ID: kid}
	var priv crypto.PrivateKey
	switch {
	case keyFile != "" && secretFile != "":
		return errors.New("token: give --secret-file or --key-file, not both")
	case keyFile != "":
		b, err := os.ReadFile(keyFile)
		if err != nil {
			return fmt.Errorf("token: %w", err)
		}
		if priv, key.Alg, err = parsePrivateKey(b); err != nil {
			return fmt.Errorf("token: %s: %w", keyFile, err)
		}
	default:
		secret := os.Getenv("SKRANKE_TOKEN_SECRET")
		if secretFile != "" {
			b, err := os.ReadFile(secretFile)
			if err != nil {
				return fmt.Errorf("token: %w", err)
			}
			secret = strings.TrimRight(string(b), "\r\n")
		}
		if secret == "" {
			return errors.New("token: give --secret-file, SKRANKE_TOKEN_SECRET or --key-file")
		}
		key.Alg, key.Secret = chat.AlgHS256, []byte(secret)
	}
	for k, v := range map[string]string{"name": name, "email": email, "phone": phone} {
		if v != "" {
			extra[k] = v
		}
	}
	tok, err := auth.SignIdentity(key, priv, auth.IdentityClaims(aud, fs.Arg(0), time.Now(), lifetime, extra))
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, tok)
	return nil
}

// parsePrivateKey reads a PEM private key and says which algorithm signs with it.
func parsePrivateKey(b []byte) (crypto.PrivateKey, chat.IdentityAlg, error) {
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, "", errors.New("not a PEM file")
	}
	var k any
	var err error
	switch blk.Type {
	case "PRIVATE KEY":
		k, err = x509.ParsePKCS8PrivateKey(blk.Bytes)
	case "EC PRIVATE KEY":
		k, err = x509.ParseECPrivateKey(blk.Bytes)
	case "RSA PRIVATE KEY":
		k, err = x509.ParsePKCS1PrivateKey(blk.Bytes)
	default:
		return nil, "", fmt.Errorf("a PEM %q is not a private key", blk.Type)
	}
	if err != nil {
		return nil, "", err
	}
	switch k := k.(type) {
	case *ecdsa.PrivateKey:
		return k, chat.AlgES256, nil
	case ed25519.PrivateKey:
		return k, chat.AlgEdDSA, nil
	case *rsa.PrivateKey:
		return k, chat.AlgRS256, nil
	}
	return nil, "", errors.New("not an EC, Ed25519 or RSA key")
}
