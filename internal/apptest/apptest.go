// Package apptest runs the whole of Skranke on 127.0.0.1 for integration
// tests, with real HTTP and WebSocket clients: the same wiring as `skranke
// serve` (internal/server), a SQLite file in a temporary folder, the demo
// organisation, and cheap password hashing.
package apptest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	neturl "net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/crypto/bcrypt"

	"skranke/admin"
	"skranke/auth"
	"skranke/bus/natsbus"
	"skranke/chat"
	"skranke/demo"
	"skranke/httpapi"
	"skranke/internal/server"
	"skranke/mail"
	"skranke/store/postgres"
)

// Options configure a test app. Zero values are the product's defaults,
// except where noted.
type Options struct {
	OfferTimeout time.Duration // 30s
	Grace        time.Duration // 60s
	// CustomerGrace and AbandonAfter are the router's (10s, 5m).
	CustomerGrace time.Duration
	AbandonAfter  time.Duration
	DataDir       string // a new temporary folder
	// Postgres runs on the test PostgreSQL (SKRANKE_TEST_POSTGRES) in a
	// schema of the test's own instead of SQLite; NATS on the test NATS
	// (SKRANKE_TEST_NATS) with subjects of the test's own. Without the
	// variables the test is skipped, or fails under CI=true.
	Postgres bool
	NATS     bool
	// NATSURL overrides the test NATS (for a server the test controls);
	// PostgresDSN the test PostgreSQL (for a proxy the test controls).
	NATSURL     string
	PostgresDSN string
	// NATSNKeyFile is the nkey seed file for a NATS server that requires one.
	NATSNKeyFile string
	// Heartbeat is the nodes' presence heartbeat (default 5s).
	Heartbeat time.Duration
	// SessionTTL is how long a login lasts (default 12h).
	SessionTTL time.Duration
	// CustomerIdle is how long a customer token may go unused (default 30 days).
	CustomerIdle time.Duration
	// SMTP, when set, is the mail server e-mails go to (StartSMTP), with
	// the outbox retrying every 100 ms.
	SMTP *SMTPServer
	// Limits are the nodes' limits; nil means serve's, server.DefaultLimits().
	Limits *server.Limits
	// TrustedProxies, Secure, BodyTimeout and UnsentFiles are server.Config's.
	TrustedProxies []netip.Prefix
	Secure         bool
	BodyTimeout    time.Duration
	// Privacy, when set, is the privacy policy the app starts with (set as
	// an administrator would, through the administration).
	Privacy *chat.Privacy
	// Now is the clock of opening hours (time.Now when nil): a test moves
	// it to the edges of a queue's hours.
	Now         func() time.Time
	UnsentFiles time.Duration
	// Webhooks tunes webhook deliveries (server.Config's).
	Webhooks server.WebhookConfig

	schema, subject, dsn, natsURL, nodeID string
}

// App is a running Skranke.
type App struct {
	URL    string
	Server *server.Server
	opts   Options
	t      *testing.T
	http   *httptest.Server
	cancel context.CancelFunc
	done   chan error
	once   sync.Once
	// handler is the current node's handler; Restart swaps it under the
	// same URL.
	handler atomic.Pointer[http.Handler]
}

// Start runs Skranke with the demo organisation until the test ends.
func Start(t *testing.T, opts Options) *App {
	t.Helper()
	return StartCluster(t, 1, opts)[0]
}

// StartCluster runs n nodes of Skranke that share one PostgreSQL schema and
// one NATS subject space (n > 1 needs Postgres and NATS), one after the
// other so that only the first seeds the demo organisation.
func StartCluster(t *testing.T, n int, opts Options) []*App {
	t.Helper()
	if n > 1 && (!opts.Postgres || !opts.NATS) {
		t.Fatal("apptest: several nodes need Postgres and NATS")
	}
	if opts.Postgres {
		opts.dsn = postgres.TestDSN(t)
		opts.schema = postgres.TestSchema(t, opts.dsn)
		if opts.PostgresDSN != "" {
			opts.dsn = opts.PostgresDSN
		}
	}
	if opts.NATS {
		opts.natsURL = opts.NATSURL
		if opts.natsURL == "" {
			opts.natsURL = natsbus.TestURL(t)
		}
		opts.subject = natsbus.TestSubject(t)
	}
	apps := make([]*App, n)
	for i := range apps {
		o := opts
		o.nodeID = fmt.Sprintf("node%d", i+1)
		apps[i] = start(t, o)
	}
	return apps
}

func start(t *testing.T, opts Options) *App {
	t.Helper()
	if opts.DataDir == "" {
		opts.DataDir = t.TempDir()
	}
	a := &App{opts: opts, t: t}
	a.start()
	t.Cleanup(func() {
		a.Stop()
		a.http.Close()
	})
	return a
}

func (a *App) start() {
	a.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	limits := server.DefaultLimits()
	if a.opts.Limits != nil {
		limits = *a.opts.Limits
	}
	// The listener comes first, so that the node knows its public URL
	// (the audience of identity tokens, the OpenID callback); until the
	// node is assembled it answers 503.
	if a.http == nil {
		a.http = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := a.handler.Load()
			if h == nil {
				http.Error(w, "starting", http.StatusServiceUnavailable)
				return
			}
			(*h).ServeHTTP(w, r)
		}))
		a.http.Config.ConnContext = httpapi.ConnContext // as `skranke serve` has it
		a.http.Start()
		a.URL = a.http.URL
	}
	srv, err := server.Open(ctx, server.Config{
		BaseURL:        a.http.URL,
		DataDir:        a.opts.DataDir,
		Postgres:       a.opts.dsn,
		PostgresSchema: a.opts.schema,
		NATS:           a.opts.natsURL,
		NATSSubject:    a.opts.subject,
		NATSNKeyFile:   a.opts.NATSNKeyFile,
		NodeID:         a.opts.nodeID,
		Heartbeat:      a.opts.Heartbeat,
		Demo:           true,
		OfferTimeout:   a.opts.OfferTimeout,
		Grace:          a.opts.Grace,
		CustomerGrace:  a.opts.CustomerGrace,
		AbandonAfter:   a.opts.AbandonAfter,
		BcryptCost:     bcrypt.MinCost,
		SessionTTL:     a.opts.SessionTTL,
		CustomerIdle:   a.opts.CustomerIdle,
		Mail:           a.mailConfig(),
		Outbox:         server.OutboxConfig{Poll: 50 * time.Millisecond, FirstRetry: 100 * time.Millisecond, MaxRetry: 200 * time.Millisecond},
		Limits:         limits,
		TrustedProxies: a.opts.TrustedProxies,
		Secure:         a.opts.Secure,
		BodyTimeout:    a.opts.BodyTimeout,
		Now:            a.opts.Now,
		UnsentFiles:    a.opts.UnsentFiles,
		Webhooks:       a.opts.Webhooks,
	})
	if err != nil {
		cancel()
		a.t.Fatalf("server.Open: %v", err)
	}
	if p := a.opts.Privacy; p != nil {
		cur, err := srv.Admin.Privacy(ctx, auth.Actor{System: "apptest"})
		if err == nil {
			_, err = srv.Admin.UpdatePrivacy(ctx, auth.Actor{System: "apptest"}, chat.PrivacyUpdate{Version: cur.Version,
				RetentionDays: &p.RetentionDays, QueueRetentionDays: &p.QueueRetentionDays, CustomerErasure: &p.CustomerErasure})
		}
		if err != nil {
			cancel()
			a.t.Fatalf("set the privacy policy: %v", err)
		}
	}
	a.Server = srv
	a.cancel = cancel
	a.done = make(chan error, 1)
	go func() { a.done <- srv.Run(ctx) }()
	h := srv.Handler()
	a.handler.Store(&h)
	a.once = sync.Once{}
}

// Via returns a view of the app whose clients connect through url (a load
// balancer in front of it) instead of to the node itself.
func (a *App) Via(url string) *App {
	return &App{URL: url, t: a.t, opts: a.opts, Server: a.Server}
}

// Stop stops the app: its HTTP server, router, hub and store.
func (a *App) Stop() {
	a.once.Do(func() {
		a.http.CloseClientConnections()
		a.cancel()
		if err := <-a.done; err != nil {
			a.t.Errorf("server.Run: %v", err)
		}
		a.Server.Close()
	})
}

// mailConfig is the mail server of the options, if any.
func (a *App) mailConfig() mail.Config {
	if a.opts.SMTP == nil {
		return mail.Config{}
	}
	return mail.Config{Host: "127.0.0.1", Port: a.opts.SMTP.Port(), Security: mail.None, From: "Skranke Demo <chat@skranke.test>", Timeout: 2 * time.Second}
}

// Shutdown stops the node as `skranke serve` does on SIGTERM: the node
// closes its sessions itself (with status 1001) before its connections go.
func (a *App) Shutdown() {
	a.once.Do(func() {
		a.cancel()
		if err := <-a.done; err != nil {
			a.t.Errorf("server.Run: %v", err)
		}
		a.http.CloseClientConnections()
		a.Server.Close()
	})
}

// Kill makes the node vanish as a crashed process would: its port stops
// accepting connections at once (new ones are refused), then it stops like
// Stop. The URL is not served again.
func (a *App) Kill() {
	a.http.Close()
	a.Stop()
}

// Restart stops the node and starts a new one on the same data folder and
// URL, as a restart of the process would; connected clients are cut off.
func (a *App) Restart() {
	a.t.Helper()
	a.Stop()
	a.start()
}

// CheckInvariants fails the test if the node's router reports chats that
// break its invariants (held by a gone agent, active without an agent),
// once routing runs (it may be winning its lease back after a fault).
func (a *App) CheckInvariants(t *testing.T) {
	t.Helper()
	// After a fault the router may be campaigning for its lease again:
	// routing must be back within 15 s, and then hold its invariants.
	deadline := time.Now().Add(15 * time.Second)
	var v []string
	var err error
	for {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		v, err = a.Server.Router.Violations(ctx)
		cancel()
		if err == nil || chat.ErrorCode(err) != chat.EUnavailable || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Errorf("router invariants: %v", err)
	}
	for _, s := range v {
		t.Errorf("router invariant broken: %s", s)
	}
}

// Password returns the demo password of a username.
func Password(username string) string {
	for _, l := range demo.Logins {
		if l.Username == username {
			return l.Password
		}
	}
	panic("apptest: no demo user " + username)
}

// Client is an HTTP client with a cookie jar, as a browser would have.
type Client struct {
	*http.Client
	app   *App
	Token string // a customer's bearer token
}

// NewClient returns a client without a session.
func (a *App) NewClient() *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{Client: &http.Client{Jar: jar, Timeout: 10 * time.Second}, app: a}
}

// Do sends a JSON request and decodes a JSON answer into out (if not nil).
// It returns the status code.
func (c *Client) Do(t *testing.T, method, path string, body, out any) int {
	t.Helper()
	code, data := c.Raw(t, method, path, body)
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: decode %q: %v", method, path, data, err)
		}
	}
	return code
}

// Raw sends a JSON request (no body when body is nil) and returns the
// status code and the answer's bytes.
func (c *Client) Raw(t *testing.T, method, path string, body any) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = strings.NewReader(string(b))
	}
	req, err := http.NewRequestWithContext(t.Context(), method, c.app.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := c.Client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

// Login returns a client logged in as a demo user.
func (a *App) Login(t *testing.T, username string) *Client {
	t.Helper()
	return a.LoginWith(t, username, Password(username))
}

// LoginWith returns a client logged in with a username and password.
func (a *App) LoginWith(t *testing.T, username, password string) *Client {
	t.Helper()
	c := a.NewClient()
	if code := c.Do(t, "POST", "/api/v1/login", map[string]string{"username": username, "password": password}, nil); code != http.StatusOK {
		t.Fatalf("login %s: status %d", username, code)
	}
	return c
}

// AddAgent creates an agent beyond the demo ones, with password
// "pw-"+username, paused in profile.
func (a *App) AddAgent(t *testing.T, username string, capacity int, profile chat.ProfileID) {
	t.Helper()
	a.AddUser(t, username, chat.RoleAgent, capacity, profile)
}

// AddUser creates a user of any role beyond the demo ones, who may use
// every demo profile, with password "pw-"+username (at least 8
// characters), paused in profile.
func (a *App) AddUser(t *testing.T, username string, role chat.Role, capacity int, profile chat.ProfileID) {
	t.Helper()
	var profiles []chat.ProfileID
	for _, p := range demo.Profiles {
		profiles = append(profiles, p.ID)
	}
	u, err := a.Server.Admin.CreateUser(t.Context(), System, admin.NewUser{ID: chat.UserID("u-" + username), Username: username,
		DisplayName: username, Role: role, Capacity: capacity, Profiles: profiles, Password: "pw-" + username})
	if err != nil {
		t.Fatalf("add agent %s: %v", username, err)
	}
	if _, err := a.Server.Store.SetAgentState(t.Context(), chat.AgentState{UserID: u.ID, Status: chat.StatusPaused, ProfileID: profile}); err != nil {
		t.Fatalf("add agent %s: %v", username, err)
	}
}

// System is the actor of tests' administrative changes.
var System = auth.Actor{System: "test"}

// Customer is a customer with a token and, once started, a conversation.
type Customer struct {
	*Client
	ConversationID chat.ConversationID
}

// NewVisitor creates a customer, with a token and no chat yet.
func (a *App) NewVisitor(t *testing.T) *Customer {
	t.Helper()
	c := a.NewClient()
	var tok struct{ Token string }
	if code := c.Do(t, "POST", "/api/v1/widget/customers", nil, &tok); code != http.StatusCreated {
		t.Fatalf("new customer: status %d", code)
	}
	c.Token = tok.Token
	return &Customer{Client: c}
}

// NewCustomer creates a customer and starts a chat in queue.
func (a *App) NewCustomer(t *testing.T, queue chat.QueueID, name string) *Customer {
	t.Helper()
	c := a.NewVisitor(t).Client
	var res struct {
		Conversation struct {
			ID chat.ConversationID
		}
	}
	if code := c.Do(t, "POST", "/api/v1/widget/conversations", map[string]string{"queueId": string(queue), "name": name}, &res); code != http.StatusCreated {
		t.Fatalf("start conversation: status %d", code)
	}
	return &Customer{Client: c, ConversationID: res.Conversation.ID}
}

// Event is an event as a client reads it from the wire: one flat object,
// as docs/protocol.md describes it, with every field any kind uses. Tests
// read what the server sends with it, as a client written from the
// protocol alone would, not with the server's own types.
type Event struct {
	ConversationID chat.ConversationID `json:"conversationId"`
	Seq            chat.Seq            `json:"seq"`
	Time           time.Time           `json:"time"`
	Kind           chat.Kind           `json:"kind"`
	Visibility     chat.Visibility     `json:"visibility"`
	Author         chat.Participant    `json:"author"`
	ClientMsgID    string              `json:"clientMsgId"`
	Text           string              `json:"text"`
	Note           string              `json:"note"` // a transfer's
	QueueID        chat.QueueID        `json:"queueId"`
	AgentID        chat.UserID         `json:"agentId"`
	AgentName      string              `json:"agentName"`
	Reason         string              `json:"reason"`
	ExpiresAt      time.Time           `json:"expiresAt"`
	Position       int                 `json:"position"`
	AgentsOnline   *int                `json:"agentsOnline"`
	Status         chat.AgentStatus    `json:"status"`
	ProfileID      chat.ProfileID      `json:"profileId"`
	ExpectedWait   *int                `json:"expectedWait"`
	Attachments    []Attachment        `json:"attachments"`
	MenuID         chat.MenuID         `json:"menuId"`
	Options        []chat.MenuOption   `json:"options"`
	SavedMenuID    string              `json:"savedMenuId"`
	OptionID       string              `json:"optionId"`
}

// Frame is any server frame, decoded loosely.
type Frame struct {
	Type           string              `json:"type"`
	RequestID      string              `json:"requestId"`
	ConversationID chat.ConversationID `json:"conversationId"`
	Seq            chat.Seq            `json:"seq"`
	ClientMsgID    string              `json:"clientMsgId"`
	Code           string              `json:"code"`
	Reason         string              `json:"reason"`
	Params         map[string]any      `json:"params"`
	Message        string              `json:"message"`
	Event          *Event              `json:"event"`
	Conversations  []chat.Conversation `json:"conversations"`
	State          *chat.AgentState    `json:"state"`
	Board          *chat.Board         `json:"board"` // the supervisor's socket
	Raw            []byte              `json:"-"`
}

// Conn is a WebSocket client speaking the protocol. A goroutine reads the
// connection into a queue, so a Read that times out leaves it open.
type Conn struct {
	t      *testing.T
	ws     *websocket.Conn
	next   int
	frames chan []byte
	err    error // set before frames is closed
	// All holds every frame read so far, in order.
	All []Frame
}

func (a *App) dial(t *testing.T, path string, h http.Header) (*Conn, *http.Response, error) {
	t.Helper()
	url := "ws" + strings.TrimPrefix(a.URL, "http") + path
	ws, resp, err := websocket.Dial(t.Context(), url, &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		return nil, resp, err
	}
	ws.SetReadLimit(1 << 20)
	c := &Conn{t: t, ws: ws, frames: make(chan []byte, 4096)}
	go func() {
		defer close(c.frames)
		for {
			_, data, err := ws.Read(context.Background())
			if err != nil {
				c.err = err
				return
			}
			c.frames <- data
		}
	}()
	t.Cleanup(func() { ws.CloseNow() })
	return c, resp, nil
}

// DialAgent opens /ws/agent with the client's session and sends hello.
func (c *Client) DialAgent(t *testing.T, resume map[chat.ConversationID]chat.Seq) *Conn {
	t.Helper()
	return c.DialAgentOn(t, c.app, resume)
}

// DialAgentOn is DialAgent through another node, with the session the
// client logged in with.
func (c *Client) DialAgentOn(t *testing.T, node *App, resume map[chat.ConversationID]chat.Seq) *Conn {
	t.Helper()
	h := http.Header{}
	for _, ck := range c.Jar.Cookies(mustURL(c.app.URL)) {
		h.Add("Cookie", ck.Name+"="+ck.Value)
	}
	conn, _, err := node.dial(t, "/ws/agent", h)
	if err != nil {
		t.Fatalf("dial agent: %v", err)
	}
	if resume == nil {
		resume = map[chat.ConversationID]chat.Seq{}
	}
	conn.Send(map[string]any{"type": "hello", "resume": resume})
	return conn
}

// DialSupervisor opens /ws/supervisor with the client's session and sends
// hello.
func (c *Client) DialSupervisor(t *testing.T) *Conn {
	t.Helper()
	return c.DialSupervisorOn(t, c.app)
}

// DialSupervisorOn is DialSupervisor through another node.
func (c *Client) DialSupervisorOn(t *testing.T, node *App) *Conn {
	t.Helper()
	h := http.Header{}
	for _, ck := range c.Jar.Cookies(mustURL(c.app.URL)) {
		h.Add("Cookie", ck.Name+"="+ck.Value)
	}
	conn, _, err := node.dial(t, "/ws/supervisor", h)
	if err != nil {
		t.Fatalf("dial supervisor: %v", err)
	}
	conn.Send(map[string]any{"type": "hello"})
	return conn
}

// TryDialSupervisor opens /ws/supervisor with the client's session,
// without hello, and returns the upgrade's response and error.
func (c *Client) TryDialSupervisor(t *testing.T) (*Conn, *http.Response, error) {
	t.Helper()
	h := http.Header{}
	for _, ck := range c.Jar.Cookies(mustURL(c.app.URL)) {
		h.Add("Cookie", ck.Name+"="+ck.Value)
	}
	return c.app.dial(t, "/ws/supervisor", h)
}

// TryDialAgent opens /ws/agent with the client's session, without hello,
// and returns the upgrade's response and error instead of failing t.
func (c *Client) TryDialAgent(t *testing.T) (*Conn, *http.Response, error) {
	t.Helper()
	h := http.Header{}
	for _, ck := range c.Jar.Cookies(mustURL(c.app.URL)) {
		h.Add("Cookie", ck.Name+"="+ck.Value)
	}
	return c.app.dial(t, "/ws/agent", h)
}

// DialCustomer opens /ws/customer and sends hello for the customer's chat.
func (c *Customer) DialCustomer(t *testing.T, after chat.Seq) *Conn {
	t.Helper()
	conn, _, err := c.app.dial(t, "/ws/customer", nil)
	if err != nil {
		t.Fatalf("dial customer: %v", err)
	}
	conn.Send(map[string]any{"type": "hello", "token": c.Token, "conversationId": c.ConversationID, "afterSeq": after})
	return conn
}

// DialCustomerOn is DialCustomer through another node.
func (c *Customer) DialCustomerOn(t *testing.T, node *App, after chat.Seq) *Conn {
	t.Helper()
	conn, _, err := node.dial(t, "/ws/customer", nil)
	if err != nil {
		t.Fatalf("dial customer: %v", err)
	}
	conn.Send(map[string]any{"type": "hello", "token": c.Token, "conversationId": c.ConversationID, "afterSeq": after})
	return conn
}

// Send writes a frame.
func (c *Conn) Send(v any) {
	c.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		c.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.ws.Write(ctx, websocket.MessageText, b); err != nil {
		c.t.Fatalf("write frame: %v", err)
	}
}

// SendRaw writes bytes as a text frame.
func (c *Conn) SendRaw(b []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return c.ws.Write(ctx, websocket.MessageText, b)
}

// Read reads the next frame, failing the test after timeout.
func (c *Conn) Read(timeout time.Duration) (Frame, error) {
	var data []byte
	select {
	case d, ok := <-c.frames:
		if !ok {
			return Frame{}, c.err
		}
		data = d
	case <-time.After(timeout):
		return Frame{}, fmt.Errorf("no frame within %s", timeout)
	}
	var f Frame
	if err := json.Unmarshal(data, &f); err != nil {
		return Frame{}, fmt.Errorf("decode frame %q: %w", data, err)
	}
	f.Raw = data
	c.All = append(c.All, f)
	return f, nil
}

// WaitFor reads frames until match returns true, and returns that frame.
func (c *Conn) WaitFor(what string, match func(Frame) bool) Frame {
	c.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		f, err := c.Read(time.Until(deadline))
		if err != nil {
			c.t.Fatalf("waiting for %s: %v (frames so far: %s)", what, err, c.describe())
		}
		if match(f) {
			return f
		}
	}
}

// WaitForAny is WaitFor, but it also finds a matching frame already read.
func (c *Conn) WaitForAny(what string, match func(Frame) bool) Frame {
	c.t.Helper()
	for _, f := range c.All {
		if match(f) {
			return f
		}
	}
	return c.WaitFor(what, match)
}

// WaitEvent waits for an event of a kind (in conversation id, if not empty).
func (c *Conn) WaitEvent(kind chat.Kind, id chat.ConversationID) Event {
	c.t.Helper()
	f := c.WaitFor(string(kind), func(f Frame) bool {
		return f.Type == "event" && f.Event.Kind == kind && (id == "" || f.Event.ConversationID == id)
	})
	return *f.Event
}

// Request sends a frame with a new requestId and waits for its answer.
func (c *Conn) Request(v map[string]any) Frame {
	c.t.Helper()
	c.next++
	id := fmt.Sprintf("r%d", c.next)
	v["requestId"] = id
	c.Send(v)
	return c.WaitFor("answer to "+id, func(f Frame) bool {
		return (f.Type == "ack" || f.Type == "error") && f.RequestID == id
	})
}

// Events returns the stored events read so far of conversation id, in the
// order read.
func (c *Conn) Events(id chat.ConversationID) []Event {
	var out []Event
	for _, f := range c.All {
		if f.Type == "event" && f.Event.Seq > 0 && f.Event.ConversationID == id {
			out = append(out, *f.Event)
		}
	}
	return out
}

// Close closes the connection normally.
// WaitClosed reads frames until the server closes the connection and
// returns the close status (-1 if it ended without one), failing the test
// if that takes longer than timeout.
func (c *Conn) WaitClosed(timeout time.Duration) websocket.StatusCode {
	c.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		_, err := c.Read(time.Until(deadline))
		if err == nil {
			continue
		}
		if strings.HasPrefix(err.Error(), "no frame within") {
			c.t.Fatalf("the connection is still open after %s (frames: %s)", timeout, c.describe())
		}
		return websocket.CloseStatus(err)
	}
}

func (c *Conn) Close() { c.ws.Close(websocket.StatusNormalClosure, "") }

// CloseNow drops the connection without a close handshake, as a network
// failure would.
func (c *Conn) CloseNow() { c.ws.CloseNow() }

func (c *Conn) describe() string {
	var b strings.Builder
	for _, f := range c.All {
		b.Write(f.Raw)
		b.WriteByte('\n')
	}
	return b.String()
}

func mustURL(s string) *neturl.URL {
	u, err := neturl.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// SMTP is the app's mail server, nil when it has none.
func (a *App) SMTP() *SMTPServer { return a.opts.SMTP }
