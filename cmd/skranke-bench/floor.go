package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"skranke/chat"
)

// The floor is the least a chat relay on this machine can do: the same
// WebSocket library, frame shapes and sizes, per-connection send queue of
// 256 and slow-consumer close as Skranke, but no store, routing, auth or
// hub. A conversation is a set of sessions and a counter. With -durable each
// message is also one row in SQLite before it is acknowledged: the plainest
// durable log there is, one narrow append-only insert per message into
// log(id INTEGER PRIMARY KEY, conv, seq, author, body), no index beside the
// rowid, retries recognised in memory as in the bare relay; WAL,
// synchronous=FULL, committed by one writer goroutine in batches of up to
// 256 (group commit) or one transaction per message (-commit each), and
// fanned out after the commit. As in store/sqlite, the writer never
// checkpoints (wal_autocheckpoint(0)); a checkpointer goroutine on its own
// connection does, PASSIVE once a second, and resets the WAL on the
// writer's connection between two batches when it grows over
// floorWALLimit, so no commit pays for a checkpoint.
//
// Its protocol is Skranke's send/ack/event, with its own hello:
//
//	{"type":"hello","role":"agent","id":"u-1","name":"Bench 1","conversations":["f-1",…]}
//
// answered by {"type":"welcome"}.
type relay struct {
	db      *sql.DB // the writer's one connection; nil: no persistence
	ckpt    *sql.DB // the checkpointer's connection
	each    bool    // one transaction per message instead of group commit
	appends chan *relayAppend
	insert  *sql.Stmt
	// stopped is closed when the writer and the checkpointer have returned
	// (after ctx is done); close waits for it before closing the databases.
	stopped chan struct{}

	mu    sync.Mutex
	convs map[string]*relayConv

	slow  prometheus.Counter
	conns prometheus.Gauge
}

type relayConv struct {
	mu      sync.Mutex // guards members; in the bare relay also seq, held from assignment to hand-off so events go out in order
	seq     int64      // the last seq; owned by the writer goroutine in the durable relay
	members map[*relaySession]bool
	// ids maps each client message id to its seq, so that a message sent
	// again after a reconnect is acknowledged with its seq and not relayed
	// twice (Skranke's idempotency, kept in memory). Guarded like seq.
	ids map[string]int64
}

type relaySession struct {
	rl        *relay
	conn      *websocket.Conn
	send      chan []byte
	cancel    context.CancelFunc
	closeOnce sync.Once
	author    chat.Participant
	convs     map[string]*relayConv
}

// relayAppend is one message waiting for the floor's writer.
type relayAppend struct {
	e     chat.Event
	dup   bool // sent before: acknowledged with its seq, not stored again
	conv  *relayConv
	from  *relaySession
	reqID string
	done  chan error
}

func (s *relaySession) trySend(b []byte) {
	select {
	case s.send <- b:
	default:
		s.closeOnce.Do(func() {
			s.rl.slow.Inc()
			go func() {
				s.conn.Close(4008, "slow consumer")
				s.cancel()
			}()
		})
	}
}

// relayInFrame mirrors what Skranke decodes (unknown fields refused).
type relayInFrame struct {
	Type           string   `json:"type"`
	RequestID      string   `json:"requestId,omitempty"`
	ConversationID string   `json:"conversationId,omitempty"`
	ClientMsgID    string   `json:"clientMsgId,omitempty"`
	Text           string   `json:"text,omitempty"`
	Role           string   `json:"role,omitempty"`
	ID             string   `json:"id,omitempty"`
	Name           string   `json:"name,omitempty"`
	Conversations  []string `json:"conversations,omitempty"`
}

type relayAck struct {
	Type           string `json:"type"`
	RequestID      string `json:"requestId"`
	ConversationID string `json:"conversationId,omitempty"`
	Seq            int64  `json:"seq,omitempty"`
	ClientMsgID    string `json:"clientMsgId,omitempty"`
}

type relayEventFrame struct {
	Type  string     `json:"type"`
	Event chat.Event `json:"event"`
}

func (rl *relay) conv(id string) *relayConv {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	c := rl.convs[id]
	if c == nil {
		c = &relayConv{members: make(map[*relaySession]bool), ids: make(map[string]int64)}
		rl.convs[id] = c
	}
	return c
}

func (rl *relay) serveWS(w http.ResponseWriter, r *http.Request) {
	conn, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	conn.SetReadLimit(64 << 10)
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	s := &relaySession{rl: rl, conn: conn, send: make(chan []byte, 256), cancel: cancel, convs: make(map[string]*relayConv)}
	rl.conns.Inc()
	defer rl.conns.Dec()
	f, err := s.read(ctx)
	if err != nil || f.Type != "hello" {
		conn.Close(websocket.StatusPolicyViolation, "hello first")
		return
	}
	s.author = chat.Participant{Role: chat.ParticipantRole(f.Role), ID: f.ID, Name: f.Name}
	for _, id := range f.Conversations {
		c := rl.conv(id)
		c.mu.Lock()
		c.members[s] = true
		c.mu.Unlock()
		s.convs[id] = c
	}
	defer func() {
		for _, c := range s.convs {
			c.mu.Lock()
			delete(c.members, s)
			c.mu.Unlock()
		}
	}()
	s.trySend([]byte(`{"type":"welcome"}`))
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-ctx.Done():
				return
			case b := <-s.send:
				wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
				err := conn.Write(wctx, websocket.MessageText, b)
				wcancel()
				if err != nil {
					cancel()
					return
				}
			}
		}
	}()
	for {
		f, err := s.read(ctx)
		if err != nil {
			break
		}
		if f.Type != "send" {
			continue
		}
		if err := s.handleSend(ctx, f); err != nil {
			break
		}
	}
	cancel()
	<-done
	conn.CloseNow()
}

func (s *relaySession) read(ctx context.Context) (relayInFrame, error) {
	var f relayInFrame
	_, data, err := s.conn.Read(ctx)
	if err != nil {
		return f, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return f, dec.Decode(&f)
}

// handleSend relays one message: assign the next seq, store it (durable
// floor), acknowledge, and hand the event to every member's queue, encoded
// once for agents and once for customers.
func (s *relaySession) handleSend(ctx context.Context, f relayInFrame) error {
	c := s.convs[f.ConversationID]
	if c == nil {
		s.trySend([]byte(`{"type":"error","requestId":"` + f.RequestID + `","code":"not_found","message":"No such chat.","retryable":false}`))
		return nil
	}
	e := chat.Event{ConversationID: chat.ConversationID(f.ConversationID), Time: time.Now().UTC(), Kind: chat.KindMessage,
		Visibility: chat.VisibleAll, Author: s.author, ClientMsgID: f.ClientMsgID, Text: f.Text}
	if s.rl.db == nil {
		c.mu.Lock()
		if seq, ok := c.ids[f.ClientMsgID]; ok {
			s.ackDup(f.RequestID, f.ConversationID, seq, f.ClientMsgID)
		} else {
			c.seq++
			c.ids[f.ClientMsgID] = c.seq
			e.Seq = chat.Seq(c.seq)
			s.rl.deliver(c, s, f.RequestID, e)
		}
		c.mu.Unlock()
		return nil
	}
	// The writer assigns the seq: it alone commits, in the order it takes
	// requests, and hands events out after each commit in that order.
	a := &relayAppend{e: e, conv: c, from: s, reqID: f.RequestID, done: make(chan error, 1)}
	select {
	case s.rl.appends <- a:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-a.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ackDup acknowledges a message sent again with the seq it was given.
func (s *relaySession) ackDup(reqID, conv string, seq int64, clientMsgID string) {
	ack, _ := json.Marshal(relayAck{Type: "ack", RequestID: reqID, ConversationID: conv, Seq: seq, ClientMsgID: clientMsgID})
	s.trySend(ack)
}

// deliver acknowledges e to its sender and queues it for every member.
func (rl *relay) deliver(c *relayConv, from *relaySession, reqID string, e chat.Event) {
	ack, _ := json.Marshal(relayAck{Type: "ack", RequestID: reqID, ConversationID: string(e.ConversationID), Seq: int64(e.Seq), ClientMsgID: e.ClientMsgID})
	from.trySend(ack)
	var agentFrame, customerFrame []byte
	if len(c.members) > 0 {
		agentFrame, _ = json.Marshal(relayEventFrame{Type: "event", Event: e})
		ce, _ := chat.ForCustomer(e)
		customerFrame, _ = json.Marshal(relayEventFrame{Type: "event", Event: ce.Event()})
	}
	for m := range c.members {
		if m.author.Role == chat.PartyCustomer {
			m.trySend(customerFrame)
		} else {
			m.trySend(agentFrame)
		}
	}
}

// writeLoop is the durable floor's single writer.
func (rl *relay) writeLoop(ctx context.Context) {
	batch := make([]*relayAppend, 0, 256)
	for {
		select {
		case a := <-rl.appends:
			batch = append(batch[:0], a)
		case <-ctx.Done():
			return
		}
	fill:
		for !rl.each && len(batch) < 256 {
			select {
			case a := <-rl.appends:
				batch = append(batch, a)
			default:
				break fill
			}
		}
		for _, a := range batch {
			if seq, ok := a.conv.ids[a.e.ClientMsgID]; ok {
				a.dup, a.e.Seq = true, chat.Seq(seq)
				continue
			}
			a.conv.seq++
			a.e.Seq = chat.Seq(a.conv.seq)
			a.conv.ids[a.e.ClientMsgID] = a.conv.seq
		}
		err := rl.commit(ctx, batch)
		for _, a := range batch {
			if a.dup {
				a.from.ackDup(a.reqID, string(a.e.ConversationID), int64(a.e.Seq), a.e.ClientMsgID)
			} else if err == nil {
				a.conv.mu.Lock()
				rl.deliver(a.conv, a.from, a.reqID, a.e)
				a.conv.mu.Unlock()
			}
			a.done <- err
		}
		clear(batch)
	}
}

func (rl *relay) commit(ctx context.Context, batch []*relayAppend) error {
	tx, err := rl.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	st := tx.StmtContext(ctx, rl.insert)
	for _, a := range batch {
		if a.dup {
			continue
		}
		e := a.e
		if _, err := st.ExecContext(ctx, string(e.ConversationID), int64(e.Seq), e.Author.ID, e.Text); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// floorSchema is the durable floor's log: one narrow row per message,
// appended at the end of the rowid B-tree, with no other index to keep.
const floorSchema = `CREATE TABLE IF NOT EXISTS log (id INTEGER PRIMARY KEY, conv TEXT, seq INTEGER, author TEXT, body TEXT)`

// floorWALLimit is the WAL size above which the floor's checkpointer
// resets the WAL, as store/sqlite.DefaultWALLimit is Skranke's.
const floorWALLimit = 64 << 20

// checkpointLoop is the floor's checkpointer, store/sqlite's in small: a
// PASSIVE checkpoint once a second on its own connection (it waits for
// nobody), and, when the WAL has grown over floorWALLimit (under steady
// writes a PASSIVE checkpoint never lets the WAL restart from its
// beginning), a RESTART (as store/sqlite's resetWAL) on the writer's
// connection, which it gets only between two of the writer's
// transactions. It returns when ctx is done.
func (rl *relay) checkpointLoop(ctx context.Context, done func()) {
	defer done()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	page := int64(4096)
	rl.ckpt.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&page)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		var busy, frames, copied int64
		if err := rl.ckpt.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &copied); err != nil || frames*page <= floorWALLimit {
			continue
		}
		conn, err := rl.db.Conn(ctx)
		if err != nil {
			continue
		}
		conn.ExecContext(ctx, `PRAGMA busy_timeout = 200`)
		conn.ExecContext(ctx, `PRAGMA wal_checkpoint(RESTART)`)
		conn.ExecContext(ctx, `PRAGMA busy_timeout = 5000`)
		conn.Close()
	}
}

// openRelay returns a floor relay; with a dbPath it persists every message
// there (one transaction per message when each, else group commit) until
// ctx is done.
func openRelay(ctx context.Context, dbPath string, each bool, pragmas string) (*relay, error) {
	rl := &relay{convs: make(map[string]*relayConv), each: each,
		slow:  prometheus.NewCounter(prometheus.CounterOpts{Name: "floor_slow_consumers_total", Help: "Sessions closed as slow consumers."}),
		conns: prometheus.NewGauge(prometheus.GaugeOpts{Name: "floor_connections", Help: "Open sessions."}),
	}
	if dbPath == "" {
		return rl, nil
	}
	dsn := "file:" + dbPath + "?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(5000)"
	for _, p := range strings.Split(pragmas, ",") {
		if p = strings.TrimSpace(p); p != "" {
			dsn += "&_pragma=" + p
		}
	}
	db, err := sql.Open("sqlite", dsn+"&_txlock=immediate&_pragma=wal_autocheckpoint(0)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	if _, err := db.ExecContext(ctx, floorSchema); err != nil {
		db.Close()
		return nil, fmt.Errorf("floor schema: %w", err)
	}
	if rl.insert, err = db.PrepareContext(ctx, `INSERT INTO log (conv, seq, author, body) VALUES (?,?,?,?)`); err != nil {
		db.Close()
		return nil, err
	}
	ckpt, err := sql.Open("sqlite", dsn)
	if err != nil {
		db.Close()
		return nil, err
	}
	ckpt.SetMaxOpenConns(1)
	rl.db, rl.ckpt = db, ckpt
	rl.appends = make(chan *relayAppend)
	rl.stopped = make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); rl.writeLoop(ctx) }()
	go rl.checkpointLoop(ctx, wg.Done)
	go func() { wg.Wait(); close(rl.stopped) }()
	return rl, nil
}

// close closes the relay's databases, if any, once the writer and the
// checkpointer have stopped: ctx given to openRelay must be done.
func (rl *relay) close() {
	if rl.db != nil {
		<-rl.stopped
		rl.ckpt.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
		rl.ckpt.Close()
		rl.db.Close()
	}
}

// handler serves the floor's WebSocket and health check.
func (rl *relay) handler() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ws", rl.serveWS)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	return mux
}

// floorServe is the `skranke-bench floor-serve` subcommand: the floor server,
// run as a child process so that it can be pinned to the server's core.
func floorServe(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("floor-serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	dbPath := fs.String("db", "", "SQLite file: persist every message before its ack (empty: no persistence)")
	commit := fs.String("commit", "group", "group: one writer batches waiting messages into one transaction; each: one transaction per message")
	pragmas := fs.String("pragmas", "", "extra SQLite pragmas for the DSN, comma-separated, e.g. wal_autocheckpoint(10000)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rl, err := openRelay(ctx, *dbPath, *commit == "each", *pragmas)
	if err != nil {
		return err
	}
	defer func() { stop(); rl.close() }()
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), rl.slow, rl.conns)
	mux := rl.handler()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		hs.Shutdown(sctx)
	}()
	log.SetOutput(stderr)
	if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// startFloor starts the floor server as a child process of this binary.
func startFloor(ctx context.Context, cfg *config, durable bool) (*child, string, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, "", err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, "", err
	}
	args := []string{self, "floor-serve", "-addr", addr}
	dir, err := os.MkdirTemp("", "skranke-floor-")
	if err != nil {
		return nil, "", err
	}
	if durable {
		args = append(args, "-db", dir+"/floor.db", "-commit", cfg.floorCommit, "-pragmas", cfg.floorPragmas)
	}
	logf, err := os.Create(dir + "/floor.log")
	if err != nil {
		return nil, "", err
	}
	c, err := startChild(ctx, cfg.serverCPU, "http://"+addr, logf, args...)
	return c, dir, err
}

// populateFloor creates the same population as on Skranke — customers in
// one chat each, agents holding capacity chats — directly, since the floor
// does no routing.
func (r *run) populateFloor(ctx context.Context, customers, agents int) (float64, error) {
	capacity := max(r.cfg.capacity, 1)
	agentsP := make([]*party, agents)
	for i := range agents {
		p := newParty(r, sideAgent)
		p.userID, p.capacity = string(agentID(i)), capacity
		p.slowDial = i < r.cfg.slowAgents
		agentsP[i] = p
	}
	for i := range customers {
		p := newParty(r, sideCustomer)
		p.userID = fmt.Sprintf("cust%05d", i)
		c := r.addConv(fmt.Sprintf("f-%06d", i), p)
		a := agentsP[(i/capacity)%agents]
		c.agent = a
		p.floorCvs = []string{c.id}
		p.convs[c.id] = true
		a.floorCvs = append(a.floorCvs, c.id)
		a.convs[c.id] = true
		r.mu.Lock()
		r.activate(c)
		r.mu.Unlock()
	}
	r.mu.RLock()
	ps := r.parties
	r.mu.RUnlock()
	t := time.Now()
	err := runParallel(ctx, len(ps), 32, func(ctx context.Context, i int) error { return ps[i].connect(ctx) })
	return float64(len(ps)) / time.Since(t).Seconds(), err
}

// floorHelloFields adds the floor's hello fields for p.
func floorHelloFields(p *party, hello map[string]any) {
	hello["role"] = p.side.String()
	hello["id"] = p.userID
	hello["name"] = strings.ToUpper(p.userID[:1]) + p.userID[1:]
}
