package apptest_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"skranke/chat"
	"skranke/internal/apptest"
)

// customerPath is one way bytes reach a customer. Every path a customer can
// receive anything by is listed here, so the leak test covers it: add new
// ones (transcript, e-mail, attachment download, search) as they are built.
type customerPath struct {
	name string
	// read returns everything the customer receives on this path for the
	// conversation, after the live session has seen live.
	read func(t *testing.T, app *apptest.App, c *apptest.Customer, live *apptest.Conn) string
}

var customerPaths = []customerPath{
	{"websocket live", func(t *testing.T, app *apptest.App, c *apptest.Customer, live *apptest.Conn) string {
		var b strings.Builder
		for _, f := range live.All {
			b.Write(f.Raw)
		}
		return b.String()
	}},
	{"websocket resume from 0", func(t *testing.T, app *apptest.App, c *apptest.Customer, live *apptest.Conn) string {
		return resumeAll(t, c, 0)
	}},
	{"websocket resume from the middle", func(t *testing.T, app *apptest.App, c *apptest.Customer, live *apptest.Conn) string {
		return resumeAll(t, c, 3)
	}},
	{"history REST", func(t *testing.T, app *apptest.App, c *apptest.Customer, live *apptest.Conn) string {
		var raw map[string]any
		c.Do(t, "GET", "/api/v1/widget/conversations/"+string(c.ConversationID)+"/events", nil, &raw)
		return fmt.Sprint(raw)
	}},
	{"history REST paged", func(t *testing.T, app *apptest.App, c *apptest.Customer, live *apptest.Conn) string {
		var b strings.Builder
		for after := 0; after < 60; after += 5 {
			var raw map[string]any
			c.Do(t, "GET", fmt.Sprintf("/api/v1/widget/conversations/%s/events?after=%d&limit=5", c.ConversationID, after), nil, &raw)
			b.WriteString(fmt.Sprint(raw))
		}
		return b.String()
	}},
	{"start again (the open conversation)", func(t *testing.T, app *apptest.App, c *apptest.Customer, live *apptest.Conn) string {
		var raw map[string]any
		c.Do(t, "POST", "/api/v1/widget/conversations", map[string]string{"queueId": "sales"}, &raw)
		return fmt.Sprint(raw)
	}},
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
	app := apptest.Start(t, apptest.Options{})
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
	for _, p := range customerPaths {
		t.Run(p.name, func(t *testing.T) {
			got := p.read(t, app, kari, cust)
			if got == "" {
				t.Fatalf("path %s returned nothing; the test reads the wrong thing", p.name)
			}
			for _, m := range forbidden {
				if strings.Contains(got, m) {
					t.Errorf("customer path %q carries %q", p.name, m)
				}
			}
		})
	}
	// A customer cannot send a private message.
	if f := send(t, cust, id, "c-priv", "sneaky", true); f.Type != "error" || f.Code != chat.EForbidden {
		t.Errorf("customer private send = %+v, want forbidden", f)
	}
	// The organisation's log keeps them all.
	var conv struct{ Events []chat.Event }
	app.Login(t, "anna").Do(t, "GET", "/api/v1/conversations/"+string(id), nil, &conv)
	all := fmt.Sprint(conv.Events)
	for _, m := range markers {
		if !strings.Contains(all, m) {
			t.Errorf("the agents' log lacks %s", m)
		}
	}
}
