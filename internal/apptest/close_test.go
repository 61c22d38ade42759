package apptest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"runtime/pprof"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"skranke/internal/apptest"
)

// TestClose_ShutdownSaysGoingAway: a node that shuts down closes its
// sockets with 1001, so clients know to reconnect and resume.
func TestClose_ShutdownSaysGoingAway(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	_, cust, anna := startChat(t, app)
	app.Shutdown()
	for name, c := range map[string]*apptest.Conn{"agent": anna, "customer": cust} {
		if got := c.WaitClosed(10 * time.Second); got != websocket.StatusGoingAway {
			t.Errorf("%s socket at shutdown closed with %d, want 1001", name, got)
		}
	}
}

// TestClose_SlowConsumerGets4008: an agent whose client stops reading
// while its chat is busy is closed as a slow consumer, and a client that
// reads again, even many seconds later, receives status 4008 after what the
// server had written, not a cut connection.
func TestClose_SlowConsumerGets4008(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	kari, cust, anna := startChat(t, app)
	id := kari.ConversationID

	// The agent's second desktop, which will not read.
	h := http.Header{}
	base, _ := url.Parse(app.URL)
	for _, ck := range app.Login(t, "anna").Jar.Cookies(base) {
		h.Add("Cookie", ck.Name+"="+ck.Value)
	}
	ctx := t.Context()
	// A small receive buffer, as a phone's would be: the kernel holds a
	// few frames for it, not megabytes.
	// (Set before the connection is made, so the window is small from the
	// start.)
	dialer := &net.Dialer{Control: func(network, address string, c syscall.RawConn) error {
		var serr error
		err := c.Control(func(fd uintptr) {
			serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 16<<10)
		})
		if err != nil {
			return err
		}
		return serr
	}}
	small := &http.Client{Transport: &http.Transport{DialContext: dialer.DialContext}}
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(app.URL, "http")+"/ws/agent", &websocket.DialOptions{HTTPHeader: h, HTTPClient: small})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	ws.SetReadLimit(1 << 20)
	hello, _ := json.Marshal(map[string]any{"type": "hello", "resume": map[string]int{}})
	if err := ws.Write(ctx, websocket.MessageText, hello); err != nil {
		t.Fatal(err)
	}

	// The customer writes fast: far more than the kernel's buffers and the
	// session's queue of 256 frames hold.
	text := strings.Repeat("x", 4000)
	for i := range 700 {
		cust.Send(map[string]any{"type": "send", "requestId": fmt.Sprint("r", i), "conversationId": id, "clientMsgId": fmt.Sprint("m", i), "text": text})
	}
	anna.WaitFor("the last message", func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.ClientMsgID == "m699"
	})

	// Longer than a close frame waits for room to be written (5 s), as a
	// phone on a bad line stalls.
	time.Sleep(6 * time.Second)

	// Now it reads: everything the server wrote, then the close.
	rctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	frames := 0
	for {
		_, _, err := ws.Read(rctx)
		if err != nil {
			if got := websocket.CloseStatus(err); got != 4008 {
				t.Errorf("the slow client's socket ended with %v (status %d) after %d frames, want 4008", err, got, frames)
			}
			break
		}
		frames++
	}
	if frames >= 700 {
		t.Errorf("the slow client read %d frames: it was never closed as slow", frames)
	}
	// The fast desktop was not affected.
	if f := send(t, anna, id, "after", "still here", false); f.Type != "ack" {
		t.Errorf("the agent's other desktop after the slow one closed: %+v", f)
	}
}

// TestClose_SessionsLeaveTheHandler: once a socket is upgraded, net/http's
// handler goroutine has returned, so an idle socket keeps no deep stack nor
// request of net/http's (realtime.Hub serveAs); the session runs on a
// goroutine of the hub's, and the chat goes on over it.
func TestClose_SessionsLeaveTheHandler(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	kari, cust, anna := startChat(t, app)
	inHandler := func() string {
		var b strings.Builder
		pprof.Lookup("goroutine").WriteTo(&b, 2)
		for _, g := range strings.Split(b.String(), "\n\n") {
			if strings.Contains(g, "net/http.(*conn).serve") && strings.Contains(g, "skranke/realtime.") {
				return g
			}
		}
		return ""
	}
	// Other tests of the package may be upgrading sockets right now: only
	// a session that stays in a handler fails.
	deadline := time.Now().Add(5 * time.Second)
	for g := inHandler(); g != ""; g = inHandler() {
		if time.Now().After(deadline) {
			t.Fatalf("a WebSocket session still runs in net/http's handler goroutine:\n%s", g)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if f := send(t, anna, kari.ConversationID, "still-1", "Still here?", false); f.Type != "ack" {
		t.Fatalf("send after the handler returned = %s %s", f.Type, f.Code)
	}
	cust.WaitFor("the agent's message", func(f apptest.Frame) bool { return f.Type == "event" && f.Event.Text == "Still here?" })
}
