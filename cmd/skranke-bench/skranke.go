package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"skranke/auth"
	"skranke/chat"
	"skranke/store"
	"skranke/store/postgres"
	"skranke/store/sqlite"
)

// The organisation the tool seeds: three queues, one profile serving them
// all, and agents bench00000… with one password.
const (
	benchProfile  = "bench"
	benchPassword = "bench-password"
)

var benchQueues = []chat.QueueID{"bench-1", "bench-2", "bench-3"}

func agentID(i int) chat.UserID { return chat.UserID(fmt.Sprintf("u-bench%05d", i)) }
func agentName(i int) string    { return fmt.Sprintf("bench%05d", i) }

// seed creates, in the Skranke database under dir, the queues, the profile
// and agents agents with the given capacity (bcrypt cost 4: logins are
// cheap). What exists already is kept, so a data folder can be reused.
func seed(ctx context.Context, dir string, agents, capacity int) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	st, err := sqlite.Open(ctx, filepath.Join(dir, "skranke.db"), sqlite.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	return seedStore(ctx, st, agents, capacity)
}

// seedPostgres is seed for the PostgreSQL database at dsn, through
// Skranke's own PostgreSQL store (which also creates the schema).
func seedPostgres(ctx context.Context, dsn string, agents, capacity int) error {
	st, err := postgres.Open(ctx, dsn, postgres.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	return seedStore(ctx, st, agents, capacity)
}

// seedStore creates the bench organisation in st (see seed).
func seedStore(ctx context.Context, st store.DirectoryEditor, agents, capacity int) error {
	for _, q := range benchQueues {
		if _, err := store.CreateQueue(ctx, st, chat.Queue{ID: q, Name: "Bench " + string(q)}, benchActor); err != nil && chat.ErrorCode(err) != chat.EConflict {
			return fmt.Errorf("seed queue: %w", err)
		}
	}
	if _, err := store.CreateProfile(ctx, st, chat.Profile{ID: benchProfile, Name: "Bench", Queues: benchQueues}, benchActor); err != nil && chat.ErrorCode(err) != chat.EConflict {
		return fmt.Errorf("seed profile: %w", err)
	}
	hash, err := auth.HashPassword(benchPassword, 4)
	if err != nil {
		return err
	}
	for i := range agents {
		_, err := store.CreateUser(ctx, st, chat.User{ID: agentID(i), Username: agentName(i), DisplayName: fmt.Sprintf("Bench %d", i),
			Role: chat.RoleAgent, Capacity: capacity, Profiles: []chat.ProfileID{benchProfile}, PasswordHash: hash}, benchActor)
		if err != nil && chat.ErrorCode(err) != chat.EConflict {
			return fmt.Errorf("seed agent %d: %w", i, err)
		}
	}
	return nil
}

// benchActor makes the load tool's directory changes.
var benchActor = chat.AuditActor{Name: "skranke-bench"}

// freeAddr returns a free 127.0.0.1 port.
func freeAddr() (string, error) {
	addrs, err := freeAddrs(1)
	if err != nil {
		return "", err
	}
	return addrs[0], nil
}

// freeAddrs returns n different free 127.0.0.1 ports: all are held open
// until all are chosen, so the kernel cannot hand out one twice (as two
// calls of freeAddr can, which once gave a server the same --addr and
// --metrics-addr).
func freeAddrs(n int) ([]string, error) {
	var out []string
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer ln.Close()
		out = append(out, ln.Addr().String())
	}
	return out, nil
}

// child is a server process the tool started.
type child struct {
	cmd        *exec.Cmd
	done       chan error
	url        string
	metricsURL string // where its /metrics is, if not at url
}

// startChild starts args (pinned to cpu with taskset when cpu is not
// empty) and waits until url/healthz answers.
func startChild(ctx context.Context, cpu string, url string, logw io.Writer, args ...string) (*child, error) {
	if cpu != "" {
		if _, err := exec.LookPath("taskset"); err == nil {
			args = append([]string{"taskset", "-c", cpu}, args...)
		}
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdout, cmd.Stderr = logw, logw
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", args[0], err)
	}
	c := &child{cmd: cmd, done: make(chan error, 1), url: url}
	go func() { c.done <- cmd.Wait() }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(url + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return c, nil
			}
		}
		select {
		case err := <-c.done:
			return nil, fmt.Errorf("%s exited at start: %v", strings.Join(args, " "), err)
		case <-ctx.Done():
			c.stop()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			c.stop()
			return nil, errors.New("server did not become healthy in 30 s")
		}
	}
}

// pid returns the process id of the server (taskset execs it in place).
func (c *child) pid() int { return c.cmd.Process.Pid }

// stop asks the server to shut down and waits for it (killing it after 15 s).
func (c *child) stop() {
	c.cmd.Process.Signal(os.Interrupt)
	select {
	case <-c.done:
	case <-time.After(15 * time.Second):
		c.cmd.Process.Kill()
		<-c.done
	}
}

// startSkranke starts the Skranke target name and returns its nodes and
// what to do once they have stopped:
//
//   - skranke: one node on SQLite, in a fresh seeded data folder (or -data);
//   - skranke-pg: one node on PostgreSQL and NATS;
//   - skranke-pg2: two nodes sharing the database and NATS, both pinned to
//     -server-cpu (agents use the first, customers the second, so every
//     message crosses NATS).
//
// A PostgreSQL target gets a fresh database bench_<random> on the server of
// -pg (created through its own database, seeded through Skranke's
// PostgreSQL store), which cleanup drops.
//
// db is the database's name (empty for SQLite), to tell its PostgreSQL
// backends from others on the same server.
func startSkranke(ctx context.Context, cfg *config, name string, agents int) (nodes []*child, db string, cleanup func(), err error) {
	cleanup = func() {}
	if name == "skranke" {
		dir := cfg.data
		if dir == "" {
			if dir, err = os.MkdirTemp("", "skranke-bench-"); err != nil {
				return nil, "", cleanup, err
			}
		}
		if err := seed(ctx, dir, agents, cfg.capacity); err != nil {
			return nil, "", cleanup, err
		}
		c, err := startNode(ctx, cfg, dir)
		if err != nil {
			return nil, "", cleanup, err
		}
		return []*child{c}, "", cleanup, nil
	}
	dsn, db, drop, err := createDatabase(ctx, cfg.pgAdmin)
	if err != nil {
		return nil, "", cleanup, err
	}
	cleanup = drop
	if err := seedPostgres(ctx, dsn, agents, cfg.capacity); err != nil {
		return nil, db, cleanup, fmt.Errorf("seed %s: %w", redactDSN(dsn), err)
	}
	n := 1
	if name == "skranke-pg2" {
		n = 2
	}
	for i := range n {
		dir, err := os.MkdirTemp("", "skranke-bench-")
		if err != nil {
			return nodes, db, cleanup, err
		}
		c, err := startNode(ctx, cfg, dir, "--db", dsn, "--nats", cfg.natsURL, "--node-id", fmt.Sprintf("bench-%d", i+1))
		if err != nil {
			return nodes, db, cleanup, err
		}
		nodes = append(nodes, c)
	}
	return nodes, db, cleanup, nil
}

// startNode starts `skranke serve` on data folder dir, with extra flags.
func startNode(ctx context.Context, cfg *config, dir string, extra ...string) (*child, error) {
	addrs, err := freeAddrs(2)
	if err != nil {
		return nil, err
	}
	addr, metricsAddr := addrs[0], addrs[1]
	logf, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		return nil, err
	}
	// The tool is one client address making thousands of customers and
	// sockets: the limits for anonymous callers are off.
	args := append([]string{cfg.serverBin, "serve", "--data", dir, "--addr", addr,
		"--metrics-addr", metricsAddr, "--offer-timeout", cfg.offerTimeout.String(), "--log-level", "warn",
		"--limit-customers", "off", "--limit-conversations", "off", "--limit-login-address", "off",
		"--limit-customer-sockets", "0", "--limit-agent-sockets", "0"}, extra...)
	c, err := startChild(ctx, cfg.serverCPU, "http://"+addr, logf, args...)
	if err != nil {
		return nil, fmt.Errorf("%w (log: %s)", err, logf.Name())
	}
	c.metricsURL = "http://" + metricsAddr
	return c, nil
}

// createDatabase creates a fresh database bench_<random> on the PostgreSQL
// server of admin (a URL of an existing database, such as postgres) and
// returns its URL, its name and a function that drops it, with any
// connection left.
func createDatabase(ctx context.Context, admin string) (dsn, name string, drop func(), err error) {
	u, err := url.Parse(admin)
	if err != nil {
		return "", "", nil, fmt.Errorf("-pg: %w", err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name = "bench_" + hex.EncodeToString(b)
	exec := func(ctx context.Context, sql string) error {
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, sql)
		return err
	}
	if err := exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", "", nil, fmt.Errorf("create database %s on %s: %w", name, u.Host, err)
	}
	u.Path = "/" + name
	drop = func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			fmt.Fprintf(os.Stderr, "skranke-bench: drop database %s: %v\n", name, err)
		}
	}
	return u.String(), name, drop, nil
}

// redactDSN hides the password of a database URL, for messages.
func redactDSN(dsn string) string {
	if u, err := url.Parse(dsn); err == nil {
		return u.Redacted()
	}
	return "the database"
}

// postJSON posts body to path on the server at base and decodes the
// answer into out.
func (r *run) postJSON(ctx context.Context, base, path string, header http.Header, body, out any) (*http.Response, error) {
	b, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, "POST", base+path, bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := r.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("POST %s: %w", path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		return resp, fmt.Errorf("POST %s: %s: %.300s", path, resp.Status, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return resp, fmt.Errorf("POST %s: %w", path, err)
		}
	}
	return resp, nil
}

// connectAgent logs agent i in, opens its socket and makes it ready.
func (r *run) connectAgent(ctx context.Context, i int) (*party, error) {
	p := newParty(r, sideAgent)
	p.userID, p.capacity = string(agentID(i)), r.cfg.capacity
	p.slowDial = i < r.cfg.slowAgents
	resp, err := r.postJSON(ctx, r.baseURL, "/api/v1/login", nil, map[string]string{"username": agentName(i), "password": benchPassword}, nil)
	if err != nil {
		return nil, err
	}
	for _, c := range resp.Cookies() {
		if c.Name == "skranke_session" {
			p.cookie = c.Value
		}
	}
	if p.cookie == "" {
		return nil, errors.New("login: no session cookie")
	}
	if err := p.connect(ctx); err != nil {
		return nil, err
	}
	p.enqueue(outItem{kind: itemStatus})
	return p, nil
}

// startCustomer creates a customer, starts a chat in a queue and opens the
// customer's socket.
func (r *run) startCustomer(ctx context.Context, i int) (*party, *conv, error) {
	p := newParty(r, sideCustomer)
	var tok struct {
		Token string `json:"token"`
	}
	if _, err := r.postJSON(ctx, r.custURL, "/api/v1/widget/customers", nil, struct{}{}, &tok); err != nil {
		return nil, nil, err
	}
	p.token = tok.Token
	var cv struct {
		Conversation struct {
			ID string `json:"id"`
		} `json:"conversation"`
	}
	start := r.now()
	q := benchQueues[i%len(benchQueues)]
	if _, err := r.postJSON(ctx, r.custURL, "/api/v1/widget/conversations", http.Header{"Authorization": {"Bearer " + p.token}},
		map[string]string{"queueId": string(q), "name": fmt.Sprintf("Customer %d", i)}, &cv); err != nil {
		return nil, nil, err
	}
	p.convs[cv.Conversation.ID] = true
	c := r.addConv(cv.Conversation.ID, p)
	r.mu.Lock()
	c.startAt = start
	r.mu.Unlock()
	if err := p.connect(ctx); err != nil {
		return nil, nil, err
	}
	return p, c, nil
}

// populateSkranke connects agents, then customers, and waits until every
// chat is routed and joined. It returns the connect rate (sockets per
// second, dial to welcome, with the HTTP calls before them).
func (r *run) populateSkranke(ctx context.Context, customers, agents int) (agentRate, customerRate float64, err error) {
	t := time.Now()
	if err := runParallel(ctx, agents, 32, func(ctx context.Context, i int) error {
		_, err := r.connectAgent(ctx, i)
		return err
	}); err != nil {
		return 0, 0, fmt.Errorf("agents: %w", err)
	}
	agentRate = float64(agents) / time.Since(t).Seconds()
	// Let the status requests land, so chats are offered as they arrive.
	r.drain(10 * time.Second)
	t = time.Now()
	if err := runParallel(ctx, customers, 32, func(ctx context.Context, i int) error {
		_, _, err := r.startCustomer(ctx, i)
		return err
	}); err != nil {
		return 0, 0, fmt.Errorf("customers: %w", err)
	}
	customerRate = float64(customers) / time.Since(t).Seconds()
	if customers > 0 {
		err = r.waitActive(ctx, customers, 60*time.Second+time.Duration(customers)*10*time.Millisecond)
	}
	return agentRate, customerRate, err
}
