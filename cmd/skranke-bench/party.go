package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/coder/websocket"
)

// itemKind is what an outgoing request does.
type itemKind int8

const (
	itemSend itemKind = iota
	itemAccept
	itemReject
	itemStatus
	itemEnd
)

// outItem is one request waiting to be written or answered.
type outItem struct {
	kind itemKind
	msg  int // message id (sends)
	size int // text length in bytes (sends)
	conv string
	req  int64 // request number, set when written
	at   int64 // when the request was first written (run clock)
	ord  int64 // sends: the party's write ordinal (msgRec.ord); 0 until first written
}

// inFrame is every server frame the tool reads; fields it does not need are
// skipped by the decoder.
type inFrame struct {
	Type      string   `json:"type"`
	RequestID string   `json:"requestId"`
	Seq       int64    `json:"seq"`
	Code      string   `json:"code"`
	Message   string   `json:"message"`
	Event     *inEvent `json:"event"`
}

type inEvent struct {
	ConversationID string `json:"conversationId"`
	Seq            int64  `json:"seq"`
	Kind           string `json:"kind"`
	Text           string `json:"text"`
	AgentID        string `json:"agentId"`
	Reason         string `json:"reason"`
}

// party is one simulated user — an agent's desktop or a customer's widget —
// with one WebSocket at a time. It reconnects and resumes on its own when
// the connection drops, resending what was not acknowledged, as
// docs/protocol.md asks of a client.
type party struct {
	r    *run
	id   int // index in run.parties; the checker's observer
	side side

	// Immutable after setup.
	userID   string   // agent: user id
	cookie   string   // agent: session cookie value
	capacity int      // agent: chats at once
	token    string   // customer: bearer token
	floorCvs []string // floor: the conversations to join in hello
	slowDial bool     // dial with a tiny receive buffer (slow-consumer scenario)

	mu      sync.Mutex
	ws      *websocket.Conn
	queue   []outItem         // not yet written
	pending map[int64]outItem // written, waiting for ack or error
	nextReq int64
	nextOrd int64         // the last write ordinal given to a send
	wake    chan struct{} // capacity 1: the queue is not empty
	cancel  context.CancelFunc
	wg      sync.WaitGroup  // the connection's writer
	closing bool            // the run is over; do not reconnect
	convs   map[string]bool // conversations this party knows (resume map); reader only

	// Agent capacity bookkeeping, from the events it receives; reader only.
	offers, chats map[string]bool

	stallUntil atomic.Int64  // run clock: do not read before then (slow consumer)
	done       chan struct{} // closed when the reader goroutine has returned
}

func newParty(r *run, s side) *party {
	p := &party{r: r, side: s, pending: make(map[int64]outItem), wake: make(chan struct{}, 1),
		convs: make(map[string]bool), offers: make(map[string]bool), chats: make(map[string]bool), done: make(chan struct{})}
	r.mu.Lock()
	p.id = len(r.parties)
	r.parties = append(r.parties, p)
	r.mu.Unlock()
	return p
}

// enqueue queues a request for the writer.
func (p *party) enqueue(it outItem) {
	p.mu.Lock()
	p.queue = append(p.queue, it)
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// connect dials, says hello and waits for welcome, then starts the reader
// and writer. It is used for the first connection only; the reader
// reconnects by itself.
func (p *party) connect(ctx context.Context) error {
	ws, err := p.dialHello(ctx)
	if err != nil {
		return err
	}
	p.startWriter(ws)
	go p.readLoop(ws)
	return nil
}

// dialHello opens a connection and completes the hello/welcome exchange.
func (p *party) dialHello(ctx context.Context) (*websocket.Conn, error) {
	r := p.r
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	opts := &websocket.DialOptions{HTTPClient: r.wsClient}
	if p.slowDial {
		opts.HTTPClient = r.slowWSClient
	}
	var path string
	hello := map[string]any{"type": "hello"}
	switch {
	case r.floor:
		path = "/ws"
		hello["conversations"] = p.floorCvs
		floorHelloFields(p, hello)
	case p.side == sideAgent:
		path = "/ws/agent"
		opts.HTTPHeader = http.Header{"Cookie": {"skranke_session=" + p.cookie}}
		resume := map[string]int64{}
		for c := range p.convs {
			resume[c] = r.chk.Last(p.id, c)
		}
		hello["resume"] = resume
	default:
		path = "/ws/customer"
		hello["token"] = p.token
		var conv string
		for c := range p.convs {
			conv = c
		}
		hello["conversationId"] = conv
		hello["afterSeq"] = r.chk.Last(p.id, conv)
	}
	base := r.wsURL
	if p.side == sideCustomer {
		base = r.custWSURL
	}
	ws, _, err := websocket.Dial(ctx, base+path, opts)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", path, err)
	}
	ws.SetReadLimit(4 << 20)
	b, _ := json.Marshal(hello)
	if err := ws.Write(ctx, websocket.MessageText, b); err != nil {
		ws.CloseNow()
		return nil, fmt.Errorf("hello: %w", err)
	}
	_, data, err := ws.Read(ctx)
	if err != nil {
		ws.CloseNow()
		return nil, fmt.Errorf("welcome: %w", err)
	}
	var f inFrame
	if err := json.Unmarshal(data, &f); err != nil || f.Type != "welcome" {
		ws.CloseNow()
		return nil, fmt.Errorf("welcome: got %.200s", data)
	}
	return ws, nil
}

// startWriter starts the writer of connection ws, first putting every
// request still unanswered back at the front of the queue: after a
// reconnect they are sent again with the same client message ids.
func (p *party) startWriter(ws *websocket.Conn) {
	ctx, cancel := context.WithCancel(context.Background())
	p.mu.Lock()
	if len(p.pending) > 0 {
		again := make([]outItem, 0, len(p.pending))
		for _, it := range p.pending {
			again = append(again, it)
		}
		slices.SortFunc(again, func(a, b outItem) int { return int(a.req - b.req) })
		p.queue = append(again, p.queue...)
		clear(p.pending)
	}
	p.ws, p.cancel = ws, cancel
	p.mu.Unlock()
	p.wg.Add(1)
	go p.writeLoop(ctx, ws)
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// writeLoop writes queued requests to ws until ctx is done or a write fails.
func (p *party) writeLoop(ctx context.Context, ws *websocket.Conn) {
	defer p.wg.Done()
	buf := make([]byte, 0, 1024)
	for {
		select {
		case <-ctx.Done():
			return
		case <-p.wake:
		}
		for {
			p.mu.Lock()
			if len(p.queue) == 0 {
				p.mu.Unlock()
				break
			}
			it := p.queue[0]
			p.queue[0] = outItem{}
			p.queue = p.queue[1:]
			p.nextReq++
			it.req = p.nextReq
			if it.at == 0 {
				it.at = p.r.now()
			}
			if it.kind == itemSend && it.ord == 0 {
				p.nextOrd++
				it.ord = p.nextOrd
				p.r.chk.Sending(it.msg, it.ord)
			}
			p.pending[it.req] = it
			p.mu.Unlock()
			buf = p.encode(buf[:0], it)
			if err := ws.Write(ctx, websocket.MessageText, buf); err != nil {
				return // the reader sees the connection end and reconnects
			}
			if it.kind == itemSend {
				p.r.chk.Written(it.msg, p.r.now())
			}
		}
	}
}

// filler is the body of generated messages.
var filler = func() string {
	b := make([]byte, 1024)
	for i := range b {
		b[i] = "abcdefghijklmnopqrstuvwxyz       "[i*7%33]
	}
	return string(b)
}()

// encode appends the frame of it to buf. Every value is plain ASCII
// without quotes or backslashes (ids, tokens, generated text), so no JSON
// escaping is needed.
func (p *party) encode(buf []byte, it outItem) []byte {
	buf = append(buf, `{"type":"`...)
	switch it.kind {
	case itemSend:
		buf = append(buf, `send`...)
	case itemAccept:
		buf = append(buf, `accept`...)
	case itemReject:
		buf = append(buf, `reject`...)
	case itemStatus:
		buf = append(buf, `status","status":"ready","profileId":"`...)
		buf = append(buf, benchProfile...)
	case itemEnd:
		buf = append(buf, `end`...)
	}
	buf = append(buf, `","requestId":"r`...)
	buf = strconv.AppendInt(buf, it.req, 10)
	if it.conv != "" {
		buf = append(buf, `","conversationId":"`...)
		buf = append(buf, it.conv...)
	}
	if it.kind == itemSend {
		buf = append(buf, `","clientMsgId":"b`...)
		buf = strconv.AppendInt(buf, int64(it.msg), 10)
		buf = append(buf, `","text":"`...)
		buf = msgText(buf, it.msg, it.size)
	}
	buf = append(buf, `"}`...)
	return buf
}

// msgIDOf returns the message id a generated text starts with ("m123 …").
func msgIDOf(text string) (int, bool) {
	if len(text) < 2 || text[0] != 'm' {
		return 0, false
	}
	end := 1
	for end < len(text) && text[end] >= '0' && text[end] <= '9' {
		end++
	}
	id, err := strconv.Atoi(text[1:end])
	return id, err == nil
}

// readLoop reads frames until the run ends, reconnecting whenever the
// connection drops.
func (p *party) readLoop(ws *websocket.Conn) {
	defer close(p.done)
	ctx := context.Background()
	for {
		if until := p.stallUntil.Load(); until > 0 {
			if d := time.Duration(until - p.r.now()); d > 0 {
				time.Sleep(d)
			}
		}
		_, data, err := ws.Read(ctx)
		if err != nil {
			ws = p.reconnect(ws, err)
			if ws == nil {
				return
			}
			continue
		}
		p.handle(data)
	}
}

// reconnect ends connection ws after err and opens a new one, with the
// protocol's backoff (0.5 s doubling to 10 s, with jitter); the first
// attempt waits a random part of run.jitter. It returns nil when the run is
// over.
func (p *party) reconnect(ws *websocket.Conn, err error) *websocket.Conn {
	r := p.r
	p.mu.Lock()
	closing := p.closing
	cancel := p.cancel
	p.mu.Unlock()
	cancel()
	p.wg.Wait()
	ws.CloseNow()
	if closing {
		return nil
	}
	r.disconnected(int(websocket.CloseStatus(err)))
	wait := time.Duration(rand.Int64N(int64(r.jitter) + 1))
	backoff := 500 * time.Millisecond
	for {
		time.Sleep(wait)
		p.mu.Lock()
		closing := p.closing
		p.mu.Unlock()
		if closing {
			return nil
		}
		nws, err := p.dialHello(context.Background())
		if err == nil {
			r.reconnects.Add(1)
			r.resumed(p)
			p.startWriter(nws)
			return nws
		}
		r.dialErrors.Add(1)
		r.logf("party %d: reconnect: %v", p.id, err)
		wait = backoff/2 + time.Duration(rand.Int64N(int64(backoff)))
		backoff = min(backoff*2, 10*time.Second)
	}
}

// close ends the party's connection for good.
func (p *party) close() {
	p.mu.Lock()
	p.closing = true
	ws := p.ws
	p.mu.Unlock()
	if ws != nil {
		ws.CloseNow()
	}
}

// drop closes the connection abruptly; the reader reconnects and resumes.
func (p *party) drop() {
	p.mu.Lock()
	ws := p.ws
	p.mu.Unlock()
	if ws != nil {
		ws.CloseNow()
	}
}

// outstanding returns the requests not yet answered (queued or written).
func (p *party) outstanding() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.queue) + len(p.pending)
}

// handle processes one server frame.
func (p *party) handle(data []byte) {
	r := p.r
	now := r.now()
	var f inFrame
	if err := json.Unmarshal(data, &f); err != nil {
		r.protoErrors.Add(1)
		r.logf("party %d: unreadable frame: %.200s", p.id, data)
		return
	}
	switch f.Type {
	case "ack", "error":
		req, err := strconv.ParseInt(trimR(f.RequestID), 10, 64)
		if err != nil {
			r.protoErrors.Add(1)
			r.logf("party %d: %s without our request id: %.200s", p.id, f.Type, data)
			return
		}
		p.mu.Lock()
		it, ok := p.pending[req]
		delete(p.pending, req)
		p.mu.Unlock()
		if !ok {
			return // answered on a connection that has since been replaced
		}
		if f.Type == "error" {
			r.requestError(p, it, f.Code, f.Message)
			return
		}
		r.acked(p, it, f.Seq, now)
	case "event":
		if f.Event != nil {
			p.event(f.Event, now)
		}
	}
}

func trimR(s string) string {
	if len(s) > 0 && s[0] == 'r' {
		return s[1:]
	}
	return s
}

// event processes one event frame.
func (p *party) event(e *inEvent, now int64) {
	r := p.r
	if e.Seq > 0 {
		p.convs[e.ConversationID] = true
		r.chk.Observe(p.id, p.side == sideAgent, e.ConversationID, e.Seq)
	}
	mine := p.side == sideAgent && e.AgentID == p.userID
	switch e.Kind {
	case "message":
		if id, ok := msgIDOf(e.Text); ok {
			r.received(p, id, e.Seq, bodyHash(e.Text), now)
		}
	case "offered":
		if mine && e.Seq > 0 {
			p.offers[e.ConversationID] = true
			p.checkCapacity("offered " + e.ConversationID)
			r.offered(p, e.ConversationID, now)
		}
	case "invited": // an invitation holds capacity like an offer
		if mine && e.Seq > 0 {
			p.offers[e.ConversationID] = true
			p.checkCapacity("invited " + e.ConversationID)
		}
	case "invitation_declined":
		if mine {
			delete(p.offers, e.ConversationID)
		}
	case "offer_declined":
		if mine {
			delete(p.offers, e.ConversationID)
			if e.Reason == "expired" && e.Seq > 0 {
				r.expired.Add(1)
			}
		}
	case "agent_joined":
		if mine {
			delete(p.offers, e.ConversationID)
			p.chats[e.ConversationID] = true
			p.checkCapacity("joined " + e.ConversationID)
		}
		if mine || p.side == sideCustomer {
			r.joined(p, e.ConversationID, now)
		}
	case "agent_left":
		if mine {
			delete(p.chats, e.ConversationID)
		}
	case "ended":
		delete(p.offers, e.ConversationID)
		delete(p.chats, e.ConversationID)
		r.ended(p, e.ConversationID)
	}
}

// checkCapacity counts a violation when the agent holds more offers and
// chats than its capacity, as seen from its own events.
func (p *party) checkCapacity(what string) {
	held := len(p.offers) + len(p.chats)
	for c := range p.offers {
		if p.chats[c] {
			held--
		}
	}
	if held > p.capacity {
		p.r.chk.OverCapacity(p.userID, held, p.capacity, what)
	}
}

// newWSClient returns the HTTP client for WebSocket handshakes; with
// rcvbuf > 0 its sockets get that small a receive buffer, so a client that
// stops reading fills the server's queue quickly.
func newWSClient(rcvbuf int) *http.Client {
	d := &net.Dialer{Timeout: 10 * time.Second}
	if rcvbuf > 0 {
		d.Control = func(network, address string, c syscall.RawConn) error {
			var serr error
			err := c.Control(func(fd uintptr) {
				serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, rcvbuf)
			})
			return errors.Join(err, serr)
		}
	}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: -1, DisableKeepAlives: true}}
}
