package apptest_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"skranke/chat"
	"skranke/httpapi"
	"skranke/internal/apptest"
	"skranke/realtime"
)

// customerPath is one way bytes reach a customer.
type customerPath struct {
	name string
	// static is set for a path that serves the same bytes to everybody
	// (the API description): only the private markers are looked for,
	// since it names the kinds and fields agents see.
	static bool
	// read returns everything the customer receives on this path for the
	// conversation, after the live session has seen live.
	read func(t *testing.T, app *apptest.App, c *apptest.Customer, live *apptest.Conn) string
}

// customerRoutes are, for every route of the route table that a customer
// can call (access anyone or customer), the ways of reading it. The test
// takes the routes from the table itself: a route a customer can reach
// that is not listed here fails it until it is classified, so a new
// customer path cannot be forgotten. A route that carries nothing of a
// conversation is still read, and checked like the others.
var customerRoutes = map[string][]customerPath{
	"GET /ws/customer": {
		{name: "websocket live", read: func(t *testing.T, app *apptest.App, c *apptest.Customer, live *apptest.Conn) string {
			var b strings.Builder
			for _, f := range live.All {
				b.Write(f.Raw)
			}
			return b.String()
		}},
		{name: "websocket resume from 0", read: func(t *testing.T, app *apptest.App, c *apptest.Customer, live *apptest.Conn) string {
			return resumeAll(t, c, 0)
		}},
		{name: "websocket resume from the middle", read: func(t *testing.T, app *apptest.App, c *apptest.Customer, live *apptest.Conn) string {
			return resumeAll(t, c, 3)
		}},
	},
	"GET /api/v1/widget/conversations/{id}/events": {
		{name: "history REST", read: func(t *testing.T, app *apptest.App, c *apptest.Customer, live *apptest.Conn) string {
			_, data := c.Raw(t, "GET", "/api/v1/widget/conversations/"+string(c.ConversationID)+"/events", nil)
			return string(data)
		}},
		{name: "history REST paged", read: func(t *testing.T, app *apptest.App, c *apptest.Customer, live *apptest.Conn) string {
			var b strings.Builder
			for after := 0; after < 60; after += 5 {
				_, data := c.Raw(t, "GET", fmt.Sprintf("/api/v1/widget/conversations/%s/events?after=%d&limit=5", c.ConversationID, after), nil)
				b.Write(data)
			}
			return b.String()
		}},
	},
	"POST /api/v1/widget/conversations": {
		{name: "start again (the open conversation)", read: func(t *testing.T, app *apptest.App, c *apptest.Customer, live *apptest.Conn) string {
			_, data := c.Raw(t, "POST", "/api/v1/widget/conversations", map[string]string{"queueId": "sales"})
			return string(data)
		}},
	},
	"GET /api/v1/widget/conversations/{id}/transcript": {
		{name: "transcript download", read: func(t *testing.T, app *apptest.App, c *apptest.Customer, live *apptest.Conn) string {
			var b strings.Builder
			for _, lang := range []string{"en", "nb"} {
				code, data := c.Raw(t, "GET", "/api/v1/widget/conversations/"+string(c.ConversationID)+"/transcript?lang="+lang, nil)
				if code != 200 {
					t.Errorf("transcript download = %d %s", code, data)
				}
				b.Write(data)
			}
			return b.String()
		}},
	},
	"POST /api/v1/widget/conversations/{id}/transcript/email": {
		{name: "transcript e-mail", read: func(t *testing.T, app *apptest.App, c *apptest.Customer, live *apptest.Conn) string {
			before := len(app.SMTP().Received())
			code, data := c.Raw(t, "POST", "/api/v1/widget/conversations/"+string(c.ConversationID)+"/transcript/email", map[string]string{"address": "kari@example.no"})
			if code != 202 {
				t.Fatalf("transcript e-mail = %d %s", code, data)
			}
			got := app.SMTP().WaitFor(before+1, 10*time.Second)[before]
			// The raw message and each decoded part: a marker in a
			// base64 or quoted-printable part is found too.
			_, parts := mailParts(t, got.Data)
			var b strings.Builder
			b.Write(data)
			b.Write(got.Data)
			for _, p := range parts {
				b.WriteString(p)
			}
			return b.String()
		}},
	},
	"POST /api/v1/widget/conversations/{id}/erasure": {
		{name: "erasure request", read: func(t *testing.T, app *apptest.App, c *apptest.Customer, live *apptest.Conn) string {
			var b strings.Builder
			for range 2 { // asked, then already asked
				code, data := c.Raw(t, "POST", "/api/v1/widget/conversations/"+string(c.ConversationID)+"/erasure", nil)
				fmt.Fprintf(&b, "%d %s", code, data)
			}
			return b.String()
		}},
	},
	// Routes without conversation data, read as the customer all the same.
	"GET /healthz":                  {plainRead("GET", "/healthz")},
	"GET /api/openapi.yaml":         {staticRead("/api/openapi.yaml")},
	"GET /api/v1/widget/queues":     {plainRead("GET", "/api/v1/widget/queues")},
	"GET /api/v1/widget/settings":   {plainRead("GET", "/api/v1/widget/settings")},
	"GET /api/v1/setup":             {plainRead("GET", "/api/v1/setup")},
	"POST /api/v1/setup":            {plainRead("POST", "/api/v1/setup")},
	"POST /api/v1/widget/customers": {plainRead("POST", "/api/v1/widget/customers")},
	"POST /api/v1/login":            {plainRead("POST", "/api/v1/login")},
	"POST /api/v1/logout":           {plainRead("POST", "/api/v1/logout")},
}

// plainRead reads a route as the customer, with an empty JSON body for a POST.
func plainRead(method, path string) customerPath {
	return customerPath{name: method + " " + path, read: func(t *testing.T, app *apptest.App, c *apptest.Customer, live *apptest.Conn) string {
		var body any
		if method == "POST" {
			body = map[string]any{}
		}
		code, data := c.Raw(t, method, path, body)
		return fmt.Sprintf("%d %s", code, data)
	}}
}

// staticRead reads a route that serves the same document to everybody.
func staticRead(path string) customerPath {
	p := plainRead("GET", path)
	p.static = true
	return p
}

// customerFrames are, for every frame type a customer may send after hello
// (the frame table itself), how to send it and read what comes back. A
// frame type not listed here fails the test until it is classified. They
// run after the routes, in this order ("end" last: it ends the chat).
var customerFrames = []struct {
	typ  string
	send func(t *testing.T, c *apptest.Customer) string
}{
	{"typing", func(t *testing.T, c *apptest.Customer) string {
		conn := c.DialCustomer(t, 0)
		defer conn.Close()
		conn.Send(map[string]any{"type": "typing", "conversationId": c.ConversationID})
		// A request after it: its answer comes after anything typing caused.
		conn.Request(map[string]any{"type": "send", "conversationId": c.ConversationID, "clientMsgId": "after-typing", "text": "hello"})
		return allFrames(conn)
	}},
	{"send", func(t *testing.T, c *apptest.Customer) string {
		conn := c.DialCustomer(t, 0)
		defer conn.Close()
		conn.Request(map[string]any{"type": "send", "conversationId": c.ConversationID, "clientMsgId": "leak-send", "text": "one more"})
		conn.Request(map[string]any{"type": "send", "conversationId": c.ConversationID, "clientMsgId": "leak-send", "text": "one more"})
		return allFrames(conn)
	}},
	{"end", func(t *testing.T, c *apptest.Customer) string {
		conn := c.DialCustomer(t, 0)
		defer conn.Close()
		conn.Request(map[string]any{"type": "end", "conversationId": c.ConversationID})
		conn.Request(map[string]any{"type": "end", "conversationId": c.ConversationID})
		return allFrames(conn)
	}},
}

func allFrames(c *apptest.Conn) string {
	var b strings.Builder
	for _, f := range c.All {
		b.Write(f.Raw)
	}
	return b.String()
}

// resumeAll connects anew after seq and returns every frame until the last
// public message has arrived.
func resumeAll(t *testing.T, c *apptest.Customer, after chat.Seq) string {
	conn := c.DialCustomer(t, after)
	conn.WaitFor("the last public message", func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.Text == "LAST PUBLIC"
	})
	var b strings.Builder
	for _, f := range conn.All {
		b.Write(f.Raw)
	}
	conn.Close()
	return b.String()
}

// TestLeak_PrivateNeverReachesTheCustomer plays conversations that mix
// public and private messages, private typing, and an invitation with a
// note, each private item carrying a unique marker, and reads every
// customer path: no marker, no agents-only event and no agent id may appear.
func TestLeak_PrivateNeverReachesTheCustomer(t *testing.T) {
	app := apptest.Start(t, apptest.Options{SMTP: apptest.StartSMTP(t), Privacy: &chat.Privacy{RetentionDays: 30, CustomerErasure: true}})
	kari, cust, anna := startChat(t, app)
	id := kari.ConversationID
	bjorn := readyAgent(t, app, "bjorn", "sales")
	r := rand.New(rand.NewPCG(1, 2))
	var markers []string
	invitedBjorn := false
	for i := range 30 {
		switch r.IntN(5) {
		case 0, 1:
			m := fmt.Sprintf("PRIVMARK-%03d", i)
			markers = append(markers, m)
			send(t, anna, id, fmt.Sprintf("p%d", i), "internal "+m, true)
		case 2:
			send(t, anna, id, fmt.Sprintf("a%d", i), fmt.Sprintf("public from anna %d", i), false)
		case 3:
			send(t, cust, id, fmt.Sprintf("c%d", i), fmt.Sprintf("public from kari %d", i), false)
		case 4:
			anna.Send(map[string]any{"type": "typing", "conversationId": id, "private": true})
			if !invitedBjorn {
				invitedBjorn = true
				m := fmt.Sprintf("NOTEMARK-%03d", i)
				markers = append(markers, m)
				if f := inviteOK(t, anna, map[string]any{"conversationId": id, "agentId": "u-bjorn", "note": m}); f.Type != "ack" {
					t.Fatalf("invite: %+v", f)
				}
				invited(bjorn, id, "u-bjorn")
				bjorn.Request(map[string]any{"type": "accept", "conversationId": id})
			}
		}
	}
	if invitedBjorn {
		send(t, bjorn, id, "bp", "PRIVMARK-BJORN", true)
		markers = append(markers, "PRIVMARK-BJORN")
	}
	send(t, anna, id, "last", "LAST PUBLIC", false)
	cust.WaitFor("the last public message", func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.Text == "LAST PUBLIC"
	})
	if len(markers) < 5 {
		t.Fatalf("only %d private markers were generated; the test proves little", len(markers))
	}
	forbidden := append(markers, `"visibility":"agents"`, "u-anna", "u-bjorn", "offered", "invited", "invitation")
	check := func(t *testing.T, name, got string, static bool) {
		t.Helper()
		if got == "" {
			t.Errorf("path %s returned nothing; the test reads the wrong thing", name)
		}
		look := forbidden
		if static {
			look = markers
		}
		for _, m := range look {
			if strings.Contains(got, m) {
				t.Errorf("customer path %q carries %q", name, m)
			}
		}
	}

	// Every route a customer can reach, from the route table.
	reachable := map[string]bool{}
	for _, rt := range app.Server.API.Routes() {
		if rt.Access != httpapi.Anyone && rt.Access != httpapi.Customer {
			continue
		}
		reachable[rt.Pattern] = true
		paths, ok := customerRoutes[rt.Pattern]
		if !ok {
			t.Errorf("route %s reaches customers (access %s) but the leak test does not read it: add it to customerRoutes", rt.Pattern, rt.Access)
		}
		for _, p := range paths {
			t.Run(p.name, func(t *testing.T) { check(t, p.name, p.read(t, app, kari, cust), p.static) })
		}
	}
	for pattern := range customerRoutes {
		if !reachable[pattern] {
			t.Errorf("customerRoutes lists %s, which is not a customer route of the route table", pattern)
		}
	}
	// Every frame a customer may send, from the frame table.
	var sent []string
	for _, f := range customerFrames {
		sent = append(sent, f.typ)
		t.Run("frame "+f.typ, func(t *testing.T) { check(t, "frame "+f.typ, f.send(t, kari), false) })
	}
	slices.Sort(sent)
	if want := realtime.FrameTypes(true); !slices.Equal(sent, want) {
		t.Errorf("the leak test sends the frames %v; a customer may send %v: classify each in customerFrames", sent, want)
	}
	// A customer cannot send a private message.
	if f := send(t, cust, id, "c-priv", "sneaky", true); f.Type != "error" || f.Code != chat.EForbidden {
		t.Errorf("customer private send = %+v, want forbidden", f)
	}
	// The organisation's log keeps them all.
	var conv struct{ Events []apptest.Event }
	app.Login(t, "anna").Do(t, "GET", "/api/v1/conversations/"+string(id), nil, &conv)
	all := fmt.Sprint(conv.Events)
	for _, m := range markers {
		if !strings.Contains(all, m) {
			t.Errorf("the agents' log lacks %s", m)
		}
	}
}
