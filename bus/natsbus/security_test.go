package natsbus_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"

	"skranke/bus/natsbus"
)

// authServer is an embedded NATS server that requires authentication: the
// user skranke with a password, and an nkey user.
type authServer struct {
	*server.Server
	host    string // 127.0.0.1:port
	seed    string // the nkey user's seed file
	badSeed string // the seed file of an nkey the server does not know
}

func startAuthServer(t *testing.T, tlsConfig *tls.Config) *authServer {
	t.Helper()
	dir := t.TempDir()
	user := mustNkey(t, nkeys.CreateUser)
	pub, _ := user.PublicKey()
	opts := &server.Options{
		Host: "127.0.0.1", Port: -1, NoLog: true, NoSigs: true,
		Users: []*server.User{{Username: "skranke", Password: "s3cret"}},
		Nkeys: []*server.NkeyUser{{Nkey: pub}},
	}
	if tlsConfig != nil {
		opts.TLS, opts.TLSConfig, opts.TLSTimeout = true, tlsConfig, 5
	}
	s, err := server.NewServer(opts)
	if err != nil {
		t.Fatalf("new nats server: %v", err)
	}
	s.Start()
	if !s.ReadyForConnections(waitTimeout) {
		t.Fatal("nats server not ready")
	}
	t.Cleanup(func() { stopServer(s) })
	return &authServer{
		Server:  s,
		host:    fmt.Sprintf("127.0.0.1:%d", serverPort(s)),
		seed:    writeSeed(t, dir, "user.nk", user),
		badSeed: writeSeed(t, dir, "other.nk", mustNkey(t, nkeys.CreateUser)),
	}
}

func mustNkey(t *testing.T, create func() (nkeys.KeyPair, error)) nkeys.KeyPair {
	t.Helper()
	kp, err := create()
	if err != nil {
		t.Fatal(err)
	}
	return kp
}

func writeSeed(t *testing.T, dir, name string, kp nkeys.KeyPair) string {
	t.Helper()
	seed, err := kp.Seed()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, seed, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// openBus opens a bus on url with opts, quietly, closed when t ends.
func openBus(t *testing.T, url string, opts natsbus.Options) (*natsbus.Bus, error) {
	t.Helper()
	opts.Logger, opts.ReconnectWait = quiet, 20*time.Millisecond
	b, err := natsbus.Open(t.Context(), url, opts)
	if err == nil {
		t.Cleanup(func() { b.Close() })
	}
	return b, err
}

// wantWorks checks that two buses opened with url and opts carry an event.
func wantWorks(t *testing.T, url string, opts natsbus.Options) {
	t.Helper()
	opts.Subject = natsbus.TestSubject(t)
	a, err := openBus(t, url, opts)
	if err != nil {
		t.Fatalf("Open(%s, %+v) = %v, want a connection", url, opts, err)
	}
	b, err := openBus(t, url, opts)
	if err != nil {
		t.Fatalf("Open(%s) again = %v", url, err)
	}
	rb := subscribe(t, b)
	mustPublish(t, a, message("authenticated"))
	rb.waitFor(t, "the event over the authenticated connection", isText("authenticated"))
}

// wantRefused checks that Open fails, and with the error nats.go gives for
// the cause (want), not after retrying in the background as for an outage.
func wantRefused(t *testing.T, url string, opts natsbus.Options, want error) {
	t.Helper()
	start := time.Now()
	_, err := openBus(t, url, opts)
	if err == nil {
		t.Fatalf("Open(%s, %+v) = a bus, want it refused", url, opts)
	}
	if want != nil && !errors.Is(err, want) {
		t.Errorf("Open(%s, %+v) = %v, want %v in its chain", url, opts, err, want)
	}
	if strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "wrong") {
		t.Errorf("Open's error %q shows the password", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Open took %s to refuse", d)
	}
}

func TestOpen_authentication(t *testing.T) {
	s := startAuthServer(t, nil)
	t.Run("no credentials", func(t *testing.T) {
		wantRefused(t, "nats://"+s.host, natsbus.Options{}, nats.ErrAuthorization)
	})
	t.Run("wrong password", func(t *testing.T) {
		wantRefused(t, "nats://skranke:wrong@"+s.host, natsbus.Options{}, nats.ErrAuthorization)
	})
	t.Run("unknown nkey", func(t *testing.T) {
		wantRefused(t, "nats://"+s.host, natsbus.Options{NKeyFile: s.badSeed}, nats.ErrAuthorization)
	})
	t.Run("missing nkey file", func(t *testing.T) {
		wantRefused(t, "nats://"+s.host, natsbus.Options{NKeyFile: filepath.Join(t.TempDir(), "none.nk")}, os.ErrNotExist)
	})
	t.Run("password", func(t *testing.T) {
		wantWorks(t, "nats://skranke:s3cret@"+s.host, natsbus.Options{})
	})
	t.Run("nkey", func(t *testing.T) {
		wantWorks(t, "nats://"+s.host, natsbus.Options{NKeyFile: s.seed})
	})
}

func TestOpen_credentialsFile(t *testing.T) {
	// A decentralised set-up as nsc makes it: an operator, an account
	// signed by it, a user signed by the account, in a .creds file.
	operator := mustNkey(t, nkeys.CreateOperator)
	opPub, _ := operator.PublicKey()
	opClaims := jwt.NewOperatorClaims(opPub)
	opJWT, err := opClaims.Encode(operator)
	if err != nil {
		t.Fatal(err)
	}
	opClaims, err = jwt.DecodeOperatorClaims(opJWT)
	if err != nil {
		t.Fatal(err)
	}
	account := mustNkey(t, nkeys.CreateAccount)
	accPub, _ := account.PublicKey()
	accJWT, err := jwt.NewAccountClaims(accPub).Encode(operator)
	if err != nil {
		t.Fatal(err)
	}
	resolver := &server.MemAccResolver{}
	if err := resolver.Store(accPub, accJWT); err != nil {
		t.Fatal(err)
	}
	s, err := server.NewServer(&server.Options{
		Host: "127.0.0.1", Port: -1, NoLog: true, NoSigs: true,
		TrustedOperators: []*jwt.OperatorClaims{opClaims}, AccountResolver: resolver,
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Start()
	if !s.ReadyForConnections(waitTimeout) {
		t.Fatal("nats server not ready")
	}
	t.Cleanup(func() { stopServer(s) })
	url := fmt.Sprintf("nats://127.0.0.1:%d", serverPort(s))

	creds := func(signer nkeys.KeyPair) string {
		user := mustNkey(t, nkeys.CreateUser)
		userPub, _ := user.PublicKey()
		claims := jwt.NewUserClaims(userPub)
		claims.IssuerAccount = accPub
		userJWT, err := claims.Encode(signer)
		if err != nil {
			t.Fatal(err)
		}
		seed, _ := user.Seed()
		file, err := jwt.FormatUserConfig(userJWT, seed)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "skranke.creds")
		if err := os.WriteFile(path, file, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	wantWorks(t, url, natsbus.Options{CredsFile: creds(account)})
	// A user signed by an account the server does not know.
	wantRefused(t, url, natsbus.Options{CredsFile: creds(mustNkey(t, nkeys.CreateAccount))}, nats.ErrAuthorization)
	wantRefused(t, url, natsbus.Options{}, nil)
}

func TestOpen_TLS(t *testing.T) {
	cert, caFile := selfSigned(t)
	s := startAuthServer(t, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	t.Run("verified with the CA file", func(t *testing.T) {
		wantWorks(t, "tls://skranke:s3cret@"+s.host, natsbus.Options{CAFile: caFile})
	})
	t.Run("nkey over TLS", func(t *testing.T) {
		wantWorks(t, "tls://"+s.host, natsbus.Options{NKeyFile: s.seed, CAFile: caFile})
	})
	t.Run("unknown authority", func(t *testing.T) {
		wantRefused(t, "tls://skranke:s3cret@"+s.host, natsbus.Options{}, nil)
	})
	t.Run("wrong password over TLS", func(t *testing.T) {
		wantRefused(t, "tls://skranke:wrong@"+s.host, natsbus.Options{CAFile: caFile}, nats.ErrAuthorization)
	})
}

// selfSigned returns a certificate for 127.0.0.1 and the file of the CA
// that signed it (itself).
func selfSigned(t *testing.T) (tls.Certificate, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "skranke test nats"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, caFile
}

func TestInsecure(t *testing.T) {
	for _, tc := range []struct {
		name string
		url  string
		opts natsbus.Options
		ok   bool
	}{
		{"loopback", "nats://127.0.0.1:4222", natsbus.Options{}, true},
		{"localhost", "nats://localhost:4222", natsbus.Options{}, true},
		{"ipv6 loopback", "nats://[::1]:4222", natsbus.Options{}, true},
		{"remote, nothing", "nats://nats.internal:4222", natsbus.Options{}, false},
		{"remote, password, no TLS", "nats://u:p@10.0.0.5:4222", natsbus.Options{}, false},
		{"remote, TLS, no authentication", "tls://10.0.0.5:4222", natsbus.Options{}, false},
		{"remote, TLS and password", "tls://u:p@10.0.0.5:4222", natsbus.Options{}, true},
		{"remote, CA file and nkey", "nats://10.0.0.5:4222", natsbus.Options{CAFile: "ca.pem", NKeyFile: "u.nk"}, true},
		{"remote, TLS and creds", "tls://nats.internal:4222", natsbus.Options{CredsFile: "u.creds"}, true},
		{"one of two remote and bare", "nats://127.0.0.1:4222,nats://10.0.0.6:4222", natsbus.Options{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := natsbus.Insecure(tc.url, tc.opts)
			if (err == nil) != tc.ok {
				t.Errorf("Insecure(%s, %+v) = %v, want ok %v", tc.url, tc.opts, err, tc.ok)
			}
			if err != nil && strings.Contains(err.Error(), ":p@") {
				t.Errorf("Insecure's error %q shows the password", err)
			}
		})
	}
}

// TestOpen_refusesInsecure checks that Open refuses an unauthenticated,
// unencrypted server off this machine before dialling it, unless told.
func TestOpen_refusesInsecure(t *testing.T) {
	url := "nats://192.0.2.1:4222" // TEST-NET-1: never answers
	if _, err := openBus(t, url, natsbus.Options{}); err == nil || !strings.Contains(err.Error(), "authentication") {
		t.Errorf("Open(%s) = %v, want a refusal naming authentication", url, err)
	}
	// Told so explicitly, it starts and keeps trying in the background.
	b, err := openBus(t, url, natsbus.Options{AllowInsecure: true})
	if err != nil {
		t.Fatalf("Open(%s, AllowInsecure) = %v", url, err)
	}
	_ = b
}
