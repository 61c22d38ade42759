package apptest_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"skranke/internal/apptest"
	"skranke/internal/server"
	"skranke/ratelimit"
)

// limited returns Limits with only what set sets.
func limited(set func(*server.Limits)) *server.Limits {
	var l server.Limits
	set(&l)
	return &l
}

// reply is what post reads of an answer.
type reply struct {
	status     int
	retryAfter string // the Retry-After header
	code       string // the error code, if any
}

// post sends a JSON POST as c, with extra headers.
func post(t *testing.T, c *apptest.Client, app *apptest.App, path string, body any, header http.Header) reply {
	t.Helper()
	var b io.Reader = http.NoBody
	if body != nil {
		b = strings.NewReader(mustJSON(t, body))
	}
	req, err := http.NewRequestWithContext(t.Context(), "POST", app.URL+path, b)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.Client.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var e struct{ Error struct{ Code string } }
	json.Unmarshal(data, &e)
	return reply{resp.StatusCode, resp.Header.Get("Retry-After"), e.Error.Code}
}

func login(t *testing.T, app *apptest.App, username, password string, header http.Header) reply {
	t.Helper()
	return post(t, app.NewClient(), app, "/api/v1/login", map[string]string{"username": username, "password": password}, header)
}

// want429 fails t unless the answer was 429 too_many_requests with a
// Retry-After of at least one second.
func want429(t *testing.T, what string, r reply) time.Duration {
	t.Helper()
	secs, err := strconv.Atoi(r.retryAfter)
	if r.status != http.StatusTooManyRequests || r.code != "too_many_requests" || err != nil || secs < 1 {
		t.Fatalf("%s = %d %q, Retry-After %q; want 429 too_many_requests with Retry-After ≥ 1", what, r.status, r.code, r.retryAfter)
	}
	return time.Duration(secs) * time.Second
}

// rateLimited returns skranke_rate_limited_total{limit} of app.
func rateLimited(t *testing.T, app *apptest.App, limit string) float64 {
	t.Helper()
	mfs, err := app.Server.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "skranke_rate_limited_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "limit" && l.GetValue() == limit {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	t.Fatalf("no skranke_rate_limited_total{limit=%q}", limit)
	return 0
}

// TestLimits_LoginUser guesses anna's password: after the free failures
// each further guess must wait, and a guess that comes too early is refused
// with 429 and Retry-After, even with the right password; once the wait is
// over the right password works.
func TestLimits_LoginUser(t *testing.T) {
	app := apptest.Start(t, apptest.Options{Limits: limited(func(l *server.Limits) { l.LoginUser = 3 })})
	for i := range 4 {
		if r := login(t, app, "anna", fmt.Sprintf("guess%d", i), nil); r.status != http.StatusUnauthorized {
			t.Fatalf("wrong password #%d = %d %s, want 401", i+1, r.status, r.code)
		}
	}
	wait := want429(t, "login after 4 wrong passwords with 3 free", login(t, app, "anna", apptest.Password("anna"), nil))
	if wait > 2*time.Second {
		t.Errorf("Retry-After after the first failure beyond the free ones = %v, want 1s", wait)
	}
	// Case does not make another name to guess under.
	want429(t, "login as ANNA", login(t, app, "ANNA", "guess", nil))
	// Another user is not held up.
	if r := login(t, app, "bjorn", apptest.Password("bjorn"), nil); r.status != http.StatusOK {
		t.Errorf("bjorn's login while anna is throttled = %d, want 200", r.status)
	}
	if n := rateLimited(t, app, "login_user"); n < 2 {
		t.Errorf("skranke_rate_limited_total{limit=login_user} = %v, want 2", n)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := login(t, app, "anna", apptest.Password("anna"), nil)
		if r.status == http.StatusOK {
			break
		}
		if r.status != http.StatusTooManyRequests || time.Now().After(deadline) {
			t.Fatalf("anna's login after the wait = %d, want 200", r.status)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestLimits_LoginAddress makes one client address fail logins under many
// names: past its limit every login from it is refused, the right password
// too; another address (named by a trusted proxy) is not, and a client
// cannot step around the limit with an X-Forwarded-For of its own.
func TestLimits_LoginAddress(t *testing.T) {
	loopback := netip.MustParsePrefix("127.0.0.0/8")
	app := apptest.Start(t, apptest.Options{
		Limits:         limited(func(l *server.Limits) { l.LoginAddress = ratelimit.Rate{Events: 3, Per: time.Minute} }),
		TrustedProxies: []netip.Prefix{loopback},
	})
	from := func(addr string) http.Header { return http.Header{"X-Forwarded-For": {addr}} }
	attacker := from("203.0.113.7")
	for i := range 3 {
		if r := login(t, app, fmt.Sprintf("user%d", i), "guess", attacker); r.status != http.StatusUnauthorized {
			t.Fatalf("failed login #%d = %d, want 401", i+1, r.status)
		}
	}
	wait := want429(t, "a fourth failed login from one address", login(t, app, "user9", "guess", attacker))
	if wait < 15*time.Second || wait > 25*time.Second {
		t.Errorf("Retry-After = %v, want about 20s (3 a minute)", wait)
	}
	want429(t, "the right password from that address", login(t, app, "anna", apptest.Password("anna"), attacker))
	// The attacker's own X-Forwarded-For entries are left of the proxy's.
	want429(t, "a login with a forged hop", login(t, app, "anna", "guess", http.Header{"X-Forwarded-For": {"198.51.100.1, 203.0.113.7"}}))
	if r := login(t, app, "anna", apptest.Password("anna"), from("203.0.113.8")); r.status != http.StatusOK {
		t.Errorf("login from another address = %d, want 200", r.status)
	}
	// Successful logins cost nothing: an office behind one address logs
	// in many agents.
	for i := range 5 {
		if r := login(t, app, "bjorn", apptest.Password("bjorn"), from("203.0.113.9")); r.status != http.StatusOK {
			t.Fatalf("successful login #%d from one address = %d, want 200", i+1, r.status)
		}
	}
	if n := rateLimited(t, app, "login_address"); n < 3 {
		t.Errorf("skranke_rate_limited_total{limit=login_address} = %v, want 3", n)
	}

	// Without trusted proxies, X-Forwarded-For is the client's to write
	// and means nothing.
	direct := apptest.Start(t, apptest.Options{Limits: limited(func(l *server.Limits) { l.LoginAddress = ratelimit.Rate{Events: 1, Per: time.Minute} })})
	login(t, direct, "user1", "guess", from("203.0.113.1"))
	want429(t, "a failed login with another X-Forwarded-For, no proxy trusted", login(t, direct, "user2", "guess", from("203.0.113.2")))
}

// TestLimits_Customers makes customers from one address as fast as it can:
// past the limit it gets 429 with Retry-After.
func TestLimits_Customers(t *testing.T) {
	app := apptest.Start(t, apptest.Options{Limits: limited(func(l *server.Limits) { l.Customers = ratelimit.Rate{Events: 5, Per: time.Minute} })})
	c := app.NewClient()
	for i := range 5 {
		if r := post(t, c, app, "/api/v1/widget/customers", nil, nil); r.status != http.StatusCreated {
			t.Fatalf("new customer #%d = %d %s, want 201", i+1, r.status, r.code)
		}
	}
	want429(t, "a sixth new customer from one address in a minute", post(t, c, app, "/api/v1/widget/customers", nil, nil))
	if n := rateLimited(t, app, "customers"); n != 1 {
		t.Errorf("skranke_rate_limited_total{limit=customers} = %v, want 1", n)
	}
}

// TestLimits_Conversations starts chats from one address with fresh
// customers: past the limit, 429.
func TestLimits_Conversations(t *testing.T) {
	app := apptest.Start(t, apptest.Options{Limits: limited(func(l *server.Limits) { l.Conversations = ratelimit.Rate{Events: 3, Per: time.Minute} })})
	start := func() reply {
		c := app.NewClient()
		var tok struct{ Token string }
		if code := c.Do(t, "POST", "/api/v1/widget/customers", nil, &tok); code != http.StatusCreated {
			t.Fatalf("new customer: %d", code)
		}
		c.Token = tok.Token
		return post(t, c, app, "/api/v1/widget/conversations", map[string]string{"queueId": "sales"}, nil)
	}
	for i := range 3 {
		if r := start(); r.status != http.StatusCreated {
			t.Fatalf("chat start #%d = %d %s, want 201", i+1, r.status, r.code)
		}
	}
	want429(t, "a fourth chat start from one address in a minute", start())
}

// TestLimits_CustomerSockets opens the widget of one customer in more
// windows than allowed: the extra hello is refused with too_many_requests
// and close status 1013; once a window closes, another may open.
func TestLimits_CustomerSockets(t *testing.T) {
	app := apptest.Start(t, apptest.Options{Limits: limited(func(l *server.Limits) { l.CustomerSockets = 2 })})
	kari := app.NewCustomer(t, "sales", "Kari")
	welcome := func(f apptest.Frame) bool { return f.Type == "welcome" }
	first := kari.DialCustomer(t, 0)
	first.WaitFor("welcome", welcome)
	kari.DialCustomer(t, 0).WaitFor("welcome", welcome)

	third := kari.DialCustomer(t, 0)
	f := third.WaitFor("an error", func(f apptest.Frame) bool { return f.Type == "error" || f.Type == "welcome" })
	if f.Type != "error" || f.Code != "too_many_requests" {
		t.Fatalf("hello in a third window = %s %s %q, want error too_many_requests", f.Type, f.Code, f.Message)
	}
	if st := closeStatus(t, third); st != websocket.StatusTryAgainLater {
		t.Errorf("third window closed with %v, want 1013 (try again later)", st)
	}
	// Another customer is not affected.
	app.NewCustomer(t, "sales", "Ola").DialCustomer(t, 0).WaitFor("Ola's welcome", welcome)

	first.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c := kari.DialCustomer(t, 0)
		f := c.WaitFor("an answer", func(f apptest.Frame) bool { return f.Type == "error" || f.Type == "welcome" })
		if f.Type == "welcome" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a window after one closed: %s %s, want welcome", f.Code, f.Message)
		}
		time.Sleep(50 * time.Millisecond) // the server has not seen the close yet
	}
	if n := rateLimited(t, app, "customer_sockets"); n < 1 {
		t.Errorf("skranke_rate_limited_total{limit=customer_sockets} = %v, want ≥ 1", n)
	}
}

// closeStatus reads c until it is closed and returns the close status.
func closeStatus(t *testing.T, c *apptest.Conn) websocket.StatusCode {
	t.Helper()
	for {
		_, err := c.Read(10 * time.Second)
		if err != nil {
			if strings.HasPrefix(err.Error(), "no frame within") {
				t.Fatal("the connection was not closed")
			}
			return websocket.CloseStatus(err)
		}
	}
}

// TestLimits_AgentSockets opens the agent desktop of one login in more tabs
// than allowed: the extra upgrade is refused with 429; another login of the
// same agent has sockets of its own.
func TestLimits_AgentSockets(t *testing.T) {
	app := apptest.Start(t, apptest.Options{Limits: limited(func(l *server.Limits) { l.AgentSockets = 2 })})
	anna := app.Login(t, "anna")
	welcome := func(f apptest.Frame) bool { return f.Type == "welcome" }
	first := anna.DialAgent(t, nil)
	first.WaitFor("welcome", welcome)
	anna.DialAgent(t, nil).WaitFor("welcome", welcome)
	_, resp, err := anna.TryDialAgent(t)
	if err == nil || resp == nil || resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("a third agent socket of one login = %v, %v; want the upgrade refused with 429", resp, err)
	}
	app.Login(t, "anna").DialAgent(t, nil).WaitFor("welcome in another login", welcome)
	first.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, resp, err := anna.TryDialAgent(t)
		if err == nil {
			c.Close()
			break
		}
		if resp == nil || resp.StatusCode != http.StatusTooManyRequests || time.Now().After(deadline) {
			t.Fatalf("an agent socket after one closed = %v, %v", resp, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestHTTP_HSTS checks Strict-Transport-Security with an https base URL,
// and none without.
func TestHTTP_HSTS(t *testing.T) {
	for _, secure := range []bool{true, false} {
		app := apptest.Start(t, apptest.Options{Secure: secure})
		resp, err := http.Get(app.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		got := resp.Header.Get("Strict-Transport-Security")
		if secure && !strings.HasPrefix(got, "max-age=") {
			t.Errorf("with an https base URL, Strict-Transport-Security = %q, want max-age=…", got)
		}
		if !secure && got != "" {
			t.Errorf("with an http base URL, Strict-Transport-Security = %q, want none", got)
		}
	}
}

// TestHTTP_slowBody sends a request's headers and then too little of its
// body: the server gives up after the body timeout and answers 400,
// instead of holding the connection (and a goroutine) for as long as the
// client likes.
func TestHTTP_slowBody(t *testing.T) {
	app := apptest.Start(t, apptest.Options{BodyTimeout: 300 * time.Millisecond})
	conn, err := net.Dial("tcp", strings.TrimPrefix(app.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/login HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"user", strings.TrimPrefix(app.URL, "http://"))
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	start := time.Now()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("no answer 10 s after a stalled body: the server waits for it")
		}
		t.Fatalf("read response: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "in time") {
		t.Errorf("stalled body = %d %s, want 400 saying it did not arrive in time", resp.StatusCode, body)
	}
	t.Logf("answered %s after the headers", time.Since(start).Round(time.Millisecond))
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
