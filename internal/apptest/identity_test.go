package apptest_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"skranke/auth"
	"skranke/chat"
	"skranke/internal/apptest"
)

// identityKeys is an app set up to verify customers: its audience is its
// URL, and it has one key of each algorithm.
type identityKeys struct {
	app   *apptest.App
	admin *apptest.Client
	hs    chat.IdentityKey // with its secret
	es    chat.IdentityKey
	esKey crypto.PrivateKey
	esPEM string
	ed    chat.IdentityKey
	edKey crypto.PrivateKey
	rs    chat.IdentityKey
	rsKey crypto.PrivateKey
}

func publicPEM(t *testing.T, pub crypto.PublicKey) string {
	t.Helper()
	b, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: b}))
}

// addKey adds an identity key over REST and returns it (with the secret,
// for HS256).
func addKey(t *testing.T, admin *apptest.Client, kid string, alg chat.IdentityAlg, publicKey string) chat.IdentityKey {
	t.Helper()
	var res struct {
		Key    chat.IdentityKey
		Secret string
	}
	if code := admin.Do(t, "POST", "/api/v1/admin/identity/keys", map[string]any{"kid": kid, "alg": alg, "publicKey": publicKey}, &res); code != http.StatusCreated {
		t.Fatalf("add key %s: status %d", kid, code)
	}
	if res.Key.ID != kid || res.Key.Alg != alg || len(res.Key.Secret) != 0 {
		t.Fatalf("add key %s = %+v", kid, res.Key)
	}
	if (alg == chat.AlgHS256) != (res.Secret != "") {
		t.Fatalf("add key %s: secret %q", kid, res.Secret)
	}
	res.Key.Secret = []byte(res.Secret)
	return res.Key
}

func startIdentity(t *testing.T) *identityKeys {
	t.Helper()
	app := apptest.Start(t, apptest.Options{})
	k := &identityKeys{app: app, admin: app.Login(t, "admin")}
	var cur struct{ Identity chat.Identity }
	if code := k.admin.Do(t, "GET", "/api/v1/admin/identity", nil, &cur); code != http.StatusOK {
		t.Fatalf("GET identity: %d", code)
	}
	var upd struct{ Identity chat.Identity }
	if code := k.admin.Do(t, "PATCH", "/api/v1/admin/identity", map[string]any{"version": cur.Identity.Version, "audience": app.URL,
		"claims": []chat.ClaimMapping{{Claim: "customer_number", Label: "Customer number"}}}, &upd); code != http.StatusOK {
		t.Fatalf("PATCH identity: %d", code)
	}
	if upd.Identity.MaxLifetimeSeconds != 600 || upd.Identity.Audience != app.URL {
		t.Fatalf("identity = %+v, want a 600 s lifetime and audience %s", upd.Identity, app.URL)
	}
	k.hs = addKey(t, k.admin, "hs-1", chat.AlgHS256, "")
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	k.esKey, k.esPEM = ecKey, publicPEM(t, ecKey.Public())
	k.es = addKey(t, k.admin, "es-1", chat.AlgES256, k.esPEM)
	edPub, edPriv, _ := ed25519.GenerateKey(rand.Reader)
	k.edKey = edPriv
	k.ed = addKey(t, k.admin, "ed-1", chat.AlgEdDSA, publicPEM(t, edPub))
	rsKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	k.rsKey = rsKey
	k.rs = addKey(t, k.admin, "rs-1", chat.AlgRS256, publicPEM(t, rsKey.Public()))
	return k
}

// claims are a valid token's claims for subject, issued now.
func (k *identityKeys) claims(subject string, extra map[string]any) map[string]any {
	return auth.IdentityClaims(k.app.URL, subject, time.Now(), 5*time.Minute, extra)
}

func sign(t *testing.T, key chat.IdentityKey, priv crypto.PrivateKey, claims map[string]any) string {
	t.Helper()
	s, err := auth.SignIdentity(key, priv, claims)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// newCustomer makes a customer with a token and no chat.
func newCustomer(t *testing.T, app *apptest.App) *apptest.Customer {
	t.Helper()
	return app.NewVisitor(t)
}

type identifyAnswer struct {
	Customer chat.CustomerDetails
	Error    struct {
		Code, Reason, Message string
		Params                map[string]any
	}
}

func identifyHTTP(t *testing.T, c *apptest.Customer, token string) (int, identifyAnswer) {
	t.Helper()
	var a identifyAnswer
	code := c.Do(t, "POST", "/api/v1/widget/identify", map[string]string{"token": token}, &a)
	return code, a
}

// identifyWS sends an identify frame on the customer's socket and returns
// its answer: identified, or an error.
func identifyWS(t *testing.T, conn *apptest.Conn, id, token string) apptest.Frame {
	t.Helper()
	conn.Send(map[string]any{"type": "identify", "requestId": id, "identity": token})
	return conn.WaitFor("answer to "+id, func(f apptest.Frame) bool {
		return (f.Type == "identified" || f.Type == "error") && f.RequestID == id
	})
}

// TestIdentity_BadTokens refuses each bad identity token of the issue's
// list, over REST and over the customer's WebSocket, with its reason; the
// customer stays unverified, and the server counts the reason.
func TestIdentity_BadTokens(t *testing.T) {
	k := startIdentity(t)
	now := time.Now()
	good := func(extra map[string]any) map[string]any { return k.claims("cust-1", extra) }
	with := func(claim string, v any) map[string]any {
		c := good(nil)
		c[claim] = v
		return c
	}
	other := chat.IdentityKey{ID: "hs-1", Alg: chat.AlgHS256, Secret: []byte("not the secret, but just as long as one")}
	noneToken := func() string {
		tok := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims(good(nil)))
		tok.Header["kid"] = "hs-1"
		s, err := tok.SignedString(jwt.UnsafeAllowNoneSignatureType)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	// An HS256 token "signed" with the ES256 key's public key as its
	// secret, naming that key: the classic confusion of algorithms.
	confused := func() string {
		tok := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims(good(nil)))
		tok.Header["kid"] = "es-1"
		s, err := tok.SignedString([]byte(k.esPEM))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	cases := []struct {
		name, token, reason, code string
	}{
		{"expired", sign(t, k.hs, nil, auth.IdentityClaims(k.app.URL, "cust-1", now.Add(-20*time.Minute), 5*time.Minute, nil)), "identity_expired", chat.EInvalid},
		{"not yet valid", sign(t, k.hs, nil, good(map[string]any{"nbf": now.Add(10 * time.Minute).Unix()})), "identity_not_yet_valid", chat.EInvalid},
		{"issued in the future", sign(t, k.hs, nil, auth.IdentityClaims(k.app.URL, "cust-1", now.Add(10*time.Minute), 5*time.Minute, nil)), "identity_not_yet_valid", chat.EInvalid},
		{"wrong signature", sign(t, other, nil, good(nil)), "identity_bad_signature", chat.EInvalid},
		{"wrong signature ES256", sign(t, k.es, mustECKey(t), good(nil)), "identity_bad_signature", chat.EInvalid},
		{"alg none", noneToken(), "identity_alg_not_allowed", chat.EInvalid},
		{"HS256 signed with a public key", confused(), "identity_alg_mismatch", chat.EInvalid},
		{"unknown kid", sign(t, chat.IdentityKey{ID: "nobody", Alg: chat.AlgHS256, Secret: k.hs.Secret}, nil, good(nil)), "identity_key_unknown", chat.EInvalid},
		{"no kid", func() string {
			tok := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims(good(nil)))
			s, _ := tok.SignedString(k.hs.Secret)
			return s
		}(), "identity_kid_required", chat.EInvalid},
		{"wrong aud", sign(t, k.hs, nil, auth.IdentityClaims("https://other.example", "cust-1", now, 5*time.Minute, nil)), "identity_wrong_audience", chat.EInvalid},
		{"lifetime above the limit", sign(t, k.hs, nil, auth.IdentityClaims(k.app.URL, "cust-1", now, 11*time.Minute, nil)), "identity_lifetime_too_long", chat.EInvalid},
		{"no aud", func() string {
			c := good(nil)
			delete(c, "aud")
			return sign(t, k.hs, nil, c)
		}(), "identity_wrong_audience", chat.EInvalid},
		{"no exp", func() string {
			c := good(nil)
			delete(c, "exp")
			return sign(t, k.hs, nil, c)
		}(), "identity_exp_required", chat.EInvalid},
		{"oversized", sign(t, k.hs, nil, good(map[string]any{"customer_number": strings.Repeat("x", 9000)})), "identity_too_large", chat.ETooLarge},
		{"email of the wrong type", sign(t, k.hs, nil, good(map[string]any{"email": 42})), "identity_claim_type", chat.EInvalid},
		{"exp of the wrong type", sign(t, k.hs, nil, with("exp", "tomorrow")), "identity_claim_type", chat.EInvalid},
		{"aud of the wrong type", sign(t, k.hs, nil, with("aud", 5)), "identity_claim_type", chat.EInvalid},
		{"sub of the wrong type", sign(t, k.hs, nil, with("sub", 7)), "identity_claim_type", chat.EInvalid},
		{"no sub", func() string {
			c := good(nil)
			delete(c, "sub")
			return sign(t, k.hs, nil, c)
		}(), "identity_sub_required", chat.EInvalid},
		{"not a JWT", "hello.there", "identity_malformed", chat.EInvalid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Run("http", func(t *testing.T) {
				c := newCustomer(t, k.app)
				code, a := identifyHTTP(t, c, tc.token)
				if a.Error.Reason != tc.reason || a.Error.Code != tc.code || code < 400 {
					t.Fatalf("identify = %d %+v, want %s %s", code, a.Error, tc.code, tc.reason)
				}
				var d identifyAnswer
				c.Do(t, "GET", "/api/v1/widget/details", nil, &d)
				if d.Customer.Subject != "" || len(d.Customer.Details) != 0 {
					t.Errorf("details after a refused token = %+v, want none", d.Customer)
				}
			})
			t.Run("websocket", func(t *testing.T) {
				c := k.app.NewCustomer(t, "sales", "")
				conn := c.DialCustomer(t, 0)
				conn.WaitFor("welcome", func(f apptest.Frame) bool { return f.Type == "welcome" })
				f := identifyWS(t, conn, "id-1", tc.token)
				if f.Type != "error" || f.Reason != tc.reason || f.Code != tc.code {
					t.Fatalf("identify frame = %s %s %s, want error %s %s", f.Type, f.Code, f.Reason, tc.code, tc.reason)
				}
				// The connection goes on: the chat is there, unverified.
				if f := conn.Request(map[string]any{"type": "send", "conversationId": c.ConversationID, "clientMsgId": "m1", "text": "hi"}); f.Type != "ack" {
					t.Errorf("send after a refused token = %s %s", f.Type, f.Reason)
				}
			})
		})
	}
	// Every reason is counted.
	counts := refusedCounts(t, k.app)
	for _, tc := range cases {
		if counts[tc.reason] < 2 {
			t.Errorf("skranke_identity_tokens_refused_total{reason=%q} = %v, want 2 or more", tc.reason, counts[tc.reason])
		}
	}
}

func mustECKey(t *testing.T) *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func refusedCounts(t *testing.T, app *apptest.App) map[string]float64 {
	t.Helper()
	mfs, err := app.Server.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		if mf.GetName() != "skranke_identity_tokens_refused_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "reason" {
					out[l.GetValue()] += m.GetCounter().GetValue()
				}
			}
		}
	}
	return out
}

func detail(d chat.CustomerDetails, field string) (chat.Detail, bool) {
	for _, x := range d.Details {
		if x.Field == field {
			return x, true
		}
	}
	return chat.Detail{}, false
}

// TestIdentity_VerifiedDetails verifies a token of each algorithm; the
// details it vouches for are verified, with the key and time, a mapped
// claim has its label, and what the customer types afterwards never
// replaces a verified value, while a field the token did not give stays
// unverified. The agent reads them in the chat's customer panel.
func TestIdentity_VerifiedDetails(t *testing.T) {
	k := startIdentity(t)
	for _, tc := range []struct {
		key  chat.IdentityKey
		priv crypto.PrivateKey
	}{{k.hs, nil}, {k.es, k.esKey}, {k.ed, k.edKey}, {k.rs, k.rsKey}} {
		t.Run(string(tc.key.Alg), func(t *testing.T) {
			c := newCustomer(t, k.app)
			tok := sign(t, tc.key, tc.priv, k.claims("kari-"+string(tc.key.Alg), map[string]any{
				"name": "Kari Nordmann", "email": "kari@example.no", "customer_number": 123456}))
			code, a := identifyHTTP(t, c, tok)
			if code != http.StatusOK {
				t.Fatalf("identify = %d %+v", code, a.Error)
			}
			if a.Customer.Subject != "kari-"+string(tc.key.Alg) {
				t.Errorf("subject = %q", a.Customer.Subject)
			}
			for _, f := range []string{"name", "email", "customer_number"} {
				d, ok := detail(a.Customer, f)
				if !ok || !d.Verified || d.Source != chat.SourceSignedToken || d.KeyID != tc.key.ID || d.At.IsZero() {
					t.Errorf("detail %s = %+v, want verified by %s", f, d, tc.key.ID)
				}
			}
			if d, _ := detail(a.Customer, "customer_number"); d.Value != "123456" || d.Label != "Customer number" {
				t.Errorf("mapped claim = %+v", d)
			}
		})
	}

	// Typed details: a phone number is added unverified; a typed name
	// does not replace the verified one.
	kari := newCustomer(t, k.app)
	if code, a := identifyHTTP(t, kari, sign(t, k.hs, nil, k.claims("kari", map[string]any{"name": "Kari Nordmann", "email": "kari@example.no"}))); code != http.StatusOK {
		t.Fatalf("identify = %d %+v", code, a.Error)
	}
	var typed identifyAnswer
	if code := kari.Do(t, "PATCH", "/api/v1/widget/details", map[string]any{"details": map[string]string{"name": "Mallory", "phone": "+47 400 00 000"}}, &typed); code != http.StatusOK {
		t.Fatalf("PATCH details = %d %+v", code, typed.Error)
	}
	if d, _ := detail(typed.Customer, "name"); d.Value != "Kari Nordmann" || !d.Verified {
		t.Errorf("name after typing another = %+v, want the verified one", d)
	}
	if d, _ := detail(typed.Customer, "phone"); d.Value != "+47 400 00 000" || d.Verified || d.Source != chat.SourceCustomer {
		t.Errorf("typed phone = %+v, want unverified", d)
	}
	// A later token vouches for the phone: it becomes verified.
	if code, a := identifyHTTP(t, kari, sign(t, k.hs, nil, k.claims("kari", map[string]any{"phone": "+47 411 11 111"}))); code != http.StatusOK {
		t.Fatalf("identify = %d %+v", code, a.Error)
	} else if d, _ := detail(a.Customer, "phone"); d.Value != "+47 411 11 111" || !d.Verified {
		t.Errorf("phone after a token = %+v, want verified", d)
	}
	if code := kari.Do(t, "PATCH", "/api/v1/widget/details", map[string]any{"details": map[string]string{"colour": "blue"}}, nil); code != http.StatusBadRequest {
		t.Errorf("PATCH an unknown detail = %d, want 400", code)
	}

	// The agent sees them in the chat's customer panel.
	var started struct {
		Conversation struct{ ID chat.ConversationID }
	}
	if code := kari.Do(t, "POST", "/api/v1/widget/conversations", map[string]string{"queueId": "sales"}, &started); code != http.StatusCreated {
		t.Fatalf("start = %d", code)
	}
	var info struct {
		Customer struct {
			Subject string
			Details []chat.Detail
			Earlier []json.RawMessage
		}
	}
	sup := k.app.Login(t, "admin")
	if code := sup.Do(t, "GET", "/api/v1/conversations/"+string(started.Conversation.ID)+"/customer", nil, &info); code != http.StatusOK {
		t.Fatalf("GET customer = %d", code)
	}
	if d, _ := detail(chat.CustomerDetails{Details: info.Customer.Details}, "email"); !d.Verified || d.Value != "kari@example.no" {
		t.Errorf("agent's view of the e-mail = %+v", d)
	}
	// An agent who has no part in the chat may not read its customer.
	if code := k.app.Login(t, "bjorn").Do(t, "GET", "/api/v1/conversations/"+string(started.Conversation.ID)+"/customer", nil, nil); code != http.StatusNotFound {
		t.Errorf("GET customer as a stranger = %d, want 404", code)
	}
}

// TestIdentity_OneCustomerPerToken checks that a verified customer reads
// their own chats, on another device too (the same subject gets the open
// chat back and its earlier chats are listed for the agent), and never
// another customer's: not as an unverified customer, not as another
// subject, and a customer vouched for as one subject is refused as
// another.
func TestIdentity_OneCustomerPerToken(t *testing.T) {
	k := startIdentity(t)
	alice := newCustomer(t, k.app)
	if code, a := identifyHTTP(t, alice, sign(t, k.hs, nil, k.claims("alice", nil))); code != http.StatusOK {
		t.Fatalf("identify alice = %d %+v", code, a.Error)
	}
	start := func(c *apptest.Customer) (int, chat.ConversationID) {
		var res struct {
			Conversation struct{ ID chat.ConversationID }
		}
		code := c.Do(t, "POST", "/api/v1/widget/conversations", map[string]string{"queueId": "sales"}, &res)
		return code, res.Conversation.ID
	}
	code, first := start(alice)
	if code != http.StatusCreated {
		t.Fatalf("alice starts = %d", code)
	}
	// End it, so that it is an earlier chat, and start another.
	aliceConn := (&apptest.Customer{Client: alice.Client, ConversationID: first}).DialCustomer(t, 0)
	aliceConn.WaitFor("welcome", func(f apptest.Frame) bool { return f.Type == "welcome" })
	if f := aliceConn.Request(map[string]any{"type": "end", "conversationId": first}); f.Type != "ack" {
		t.Fatalf("end = %s %s", f.Type, f.Reason)
	}
	code, open := start(alice)
	if code != http.StatusCreated || open == first {
		t.Fatalf("alice starts again = %d %s", code, open)
	}

	// Alice on another device: a new customer token, the same subject.
	phone := newCustomer(t, k.app)
	if code, a := identifyHTTP(t, phone, sign(t, k.es, k.esKey, k.claims("alice", nil))); code != http.StatusOK {
		t.Fatalf("identify alice's phone = %d %+v", code, a.Error)
	}
	if code, got := start(phone); code != http.StatusOK || got != open {
		t.Errorf("alice's phone starts = %d %s, want 200 with her open chat %s", code, got, open)
	}
	if code := phone.Do(t, "GET", "/api/v1/widget/conversations/"+string(first)+"/events", nil, nil); code != http.StatusOK {
		t.Errorf("alice's phone reads her earlier chat = %d, want 200", code)
	}
	conn := (&apptest.Customer{Client: phone.Client, ConversationID: open}).DialCustomer(t, 0)
	if f := conn.WaitFor("welcome", func(f apptest.Frame) bool { return f.Type == "welcome" || f.Type == "error" }); f.Type != "welcome" {
		t.Fatalf("alice's phone opens her chat's socket = %s %s", f.Type, f.Reason)
	}
	// And writes in it, as the chat's customer: her laptop sees it as hers.
	if f := conn.Request(map[string]any{"type": "send", "conversationId": open, "clientMsgId": "from-phone", "text": "hello from my phone"}); f.Type != "ack" {
		t.Fatalf("alice's phone sends = %s %s", f.Type, f.Reason)
	}
	conn.Send(map[string]any{"type": "typing", "conversationId": open})
	laptop := (&apptest.Customer{Client: alice.Client, ConversationID: open}).DialCustomer(t, 0)
	ev := laptop.WaitEvent(chat.KindMessage, open)
	if ev.Text != "hello from my phone" || ev.Author.Role != chat.PartyCustomer || ev.ClientMsgID != "from-phone" {
		t.Errorf("alice's laptop sees %+v", ev)
	}

	// Bob, verified as another subject, and an unverified customer, read
	// none of Alice's chats, over REST or WebSocket.
	bob := newCustomer(t, k.app)
	if code, a := identifyHTTP(t, bob, sign(t, k.hs, nil, k.claims("bob", nil))); code != http.StatusOK {
		t.Fatalf("identify bob = %d %+v", code, a.Error)
	}
	anon := newCustomer(t, k.app)
	for name, c := range map[string]*apptest.Customer{"bob": bob, "unverified": anon} {
		for _, id := range []chat.ConversationID{first, open} {
			if code := c.Do(t, "GET", "/api/v1/widget/conversations/"+string(id)+"/events", nil, nil); code != http.StatusNotFound {
				t.Errorf("%s reads alice's chat %s = %d, want 404", name, id, code)
			}
		}
		conn := (&apptest.Customer{Client: c.Client, ConversationID: open}).DialCustomer(t, 0)
		if f := conn.WaitFor("answer to hello", func(f apptest.Frame) bool { return f.Type == "welcome" || f.Type == "error" }); f.Type != "error" || f.Code != chat.ENotFound {
			t.Errorf("%s opens alice's chat's socket = %s %s, want not_found", name, f.Type, f.Code)
		}
		if code, got := start(c); code != http.StatusCreated || got == open {
			t.Errorf("%s starts = %d %s, want a chat of their own", name, code, got)
		}
	}
	// Bob's customer token cannot become Alice's.
	if code, a := identifyHTTP(t, bob, sign(t, k.hs, nil, k.claims("alice", nil))); code != http.StatusConflict || a.Error.Reason != "identity_other_customer" {
		t.Errorf("identify bob as alice = %d %+v, want 409 identity_other_customer", code, a.Error)
	}
	if code := bob.Do(t, "GET", "/api/v1/widget/conversations/"+string(open)+"/events", nil, nil); code != http.StatusNotFound {
		t.Errorf("bob reads alice's chat after trying = %d, want 404", code)
	}

	// The agent's panel lists Alice's earlier chat.
	var info struct {
		Customer struct {
			Subject string
			Earlier []struct {
				ID       chat.ConversationID
				Readable bool
			}
		}
	}
	k.admin.Do(t, "GET", "/api/v1/conversations/"+string(open)+"/customer", nil, &info)
	if info.Customer.Subject != "alice" || len(info.Customer.Earlier) != 1 || info.Customer.Earlier[0].ID != first || !info.Customer.Earlier[0].Readable {
		t.Errorf("customer panel = %+v, want alice with earlier chat %s", info.Customer, first)
	}
}

// TestIdentity_KeyRotation rotates the HS256 key with an overlap: while
// both keys are active, tokens of either are verified; the revoked one's
// are refused from then on, and the new one's still verified. The
// secret is shown only when a key is made.
func TestIdentity_KeyRotation(t *testing.T) {
	k := startIdentity(t)
	next := addKey(t, k.admin, "hs-2", chat.AlgHS256, "")
	for _, key := range []chat.IdentityKey{k.hs, next} {
		if code, a := identifyHTTP(t, newCustomer(t, k.app), sign(t, key, nil, k.claims("rot", nil))); code != http.StatusOK {
			t.Errorf("identify with %s during the overlap = %d %+v", key.ID, code, a.Error)
		}
	}
	var revoked struct{ Key chat.IdentityKey }
	if code := k.admin.Do(t, "DELETE", "/api/v1/admin/identity/keys/hs-1", nil, &revoked); code != http.StatusOK || revoked.Key.RevokedAt.IsZero() {
		t.Fatalf("revoke hs-1 = %d %+v", code, revoked.Key)
	}
	if code, a := identifyHTTP(t, newCustomer(t, k.app), sign(t, k.hs, nil, k.claims("rot", nil))); code != http.StatusBadRequest || a.Error.Reason != "identity_key_revoked" {
		t.Errorf("identify with the revoked key = %d %+v, want identity_key_revoked", code, a.Error)
	}
	if code, a := identifyHTTP(t, newCustomer(t, k.app), sign(t, next, nil, k.claims("rot", nil))); code != http.StatusOK {
		t.Errorf("identify with the new key = %d %+v", code, a.Error)
	}
	// Read back, no key has its secret; the audit log has none either.
	code, raw := k.admin.Raw(t, "GET", "/api/v1/admin/identity", nil)
	if code != http.StatusOK || strings.Contains(string(raw), "secret") || strings.Contains(string(raw), string(next.Secret)) {
		t.Errorf("GET identity = %d %s, want no secrets", code, raw)
	}
	code, raw = k.admin.Raw(t, "GET", "/api/v1/admin/audit?targetKind=identity", nil)
	if code != http.StatusOK || strings.Contains(string(raw), string(next.Secret)) || !strings.Contains(string(raw), "identity.key_revoke") {
		t.Errorf("audit = %d %s, want the revocation and no secret", code, raw)
	}
	// Bad keys are refused.
	for name, body := range map[string]map[string]any{
		"a kid taken":            {"kid": "hs-2", "alg": "HS256"},
		"an RSA key for ES256":   {"kid": "x-1", "alg": "ES256", "publicKey": publicPEM(t, k.rsKey.(*rsa.PrivateKey).Public())},
		"no PEM":                 {"kid": "x-2", "alg": "EdDSA", "publicKey": "hello"},
		"an unknown algorithm":   {"kid": "x-3", "alg": "HS512"},
		"a public key for HS256": {"kid": "x-4", "alg": "HS256", "publicKey": k.esPEM},
		"a bad kid":              {"kid": "a b", "alg": "HS256"},
	} {
		if code := k.admin.Do(t, "POST", "/api/v1/admin/identity/keys", body, nil); code < 400 || code >= 500 {
			t.Errorf("add %s = %d, want refused", name, code)
		}
	}
	// Customers may not touch the keys.
	if code := newCustomer(t, k.app).Do(t, "GET", "/api/v1/admin/identity", nil, nil); code != http.StatusUnauthorized && code != http.StatusForbidden {
		t.Errorf("a customer reads the identity settings = %d", code)
	}
}

// TestIdentity_AgentHearsOfNewDetails: a customer vouched for during the
// chat (the page's fresh token) or typing a detail makes the agent's
// desktop hear customer_details, to read the details again; the customer
// never gets that notice.
func TestIdentity_AgentHearsOfNewDetails(t *testing.T) {
	k := startIdentity(t)
	anna := readyAgent(t, k.app, "anna", "sales")
	kari := k.app.NewCustomer(t, "sales", "Kari")
	cust := kari.DialCustomer(t, 0)
	cust.WaitFor("welcome", func(f apptest.Frame) bool { return f.Type == "welcome" })
	accept(t, anna, kari.ConversationID)

	if f := identifyWS(t, cust, "id-1", sign(t, k.hs, nil, k.claims("kari", map[string]any{"email": "kari@example.no"}))); f.Type != "identified" {
		t.Fatalf("identify = %s %s", f.Type, f.Reason)
	}
	anna.WaitEvent(chat.KindCustomerDetails, kari.ConversationID)
	if code := kari.Do(t, "PATCH", "/api/v1/widget/details", map[string]any{"details": map[string]string{"phone": "+47 400 00 000"}}, nil); code != http.StatusOK {
		t.Fatalf("PATCH details = %d", code)
	}
	anna.WaitEvent(chat.KindCustomerDetails, kari.ConversationID)
	// The customer's socket goes on with its own events only.
	if f := cust.Request(map[string]any{"type": "send", "conversationId": kari.ConversationID, "clientMsgId": "m-after", "text": "hi"}); f.Type != "ack" {
		t.Fatalf("send = %s", f.Type)
	}
	cust.WaitEvent(chat.KindMessage, kari.ConversationID)
	for _, f := range cust.All {
		if f.Event != nil && f.Event.Kind == chat.KindCustomerDetails {
			t.Errorf("the customer got %s", f.Raw)
		}
	}
}
