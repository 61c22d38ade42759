package apptest_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"path"
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
	// Files: private ones by their URL (as if an agent had pasted it), by
	// guessed ids, by their thumbnails; an upload that reuses an agent's
	// upload id. Public ones are read too, so the routes are known to work.
	"GET /api/v1/widget/conversations/{id}/attachments/{file}": {
		{name: "download private files by their URL", read: func(t *testing.T, app *apptest.App, c *apptest.Customer, live *apptest.Conn) string {
			return downloads(t, c, leakFiles.private, false, true)
		}},
		{name: "download guessed files", read: func(t *testing.T, app *apptest.App, c *apptest.Customer, live *apptest.Conn) string {
			var guesses []apptest.Attachment
			for _, f := range leakFiles.private {
				// The thumbnail's blob key, the id in capitals, a path.
				for _, g := range []string{string(f.ID) + ".thumb", strings.ToUpper(string(f.ID)), "../" + string(f.ID)} {
					guesses = append(guesses, apptest.Attachment{ID: chat.AttachmentID(g)})
				}
			}
			guesses = append(guesses, apptest.Attachment{ID: chat.AttachmentID(chat.NewID())})
			return downloads(t, c, guesses, false, true)
		}},
		{name: "download public files", read: func(t *testing.T, app *apptest.App, c *apptest.Customer, live *apptest.Conn) string {
			return downloads(t, c, leakFiles.public, false, false)
		}},
	},
	"GET /api/v1/widget/conversations/{id}/attachments/{file}/thumbnail": {
		{name: "thumbnails of private images", read: func(t *testing.T, app *apptest.App, c *apptest.Customer, live *apptest.Conn) string {
			return downloads(t, c, leakFiles.private, true, true)
		}},
		{name: "thumbnails of public images", read: func(t *testing.T, app *apptest.App, c *apptest.Customer, live *apptest.Conn) string {
			var images []apptest.Attachment
			for _, f := range leakFiles.public {
				if f.Thumbnail {
					images = append(images, f)
				}
			}
			return downloads(t, c, images, true, false)
		}},
	},
	"POST /api/v1/widget/conversations/{id}/attachments": {
		{name: "upload with an agent's upload ids", read: func(t *testing.T, app *apptest.App, c *apptest.Customer, live *apptest.Conn) string {
			var b strings.Builder
			for _, up := range leakFiles.uploadIDs {
				code, body := c.Upload(t, c.ConversationID, up, "mine.txt", []byte("the customer's own\n"))
				if code != http.StatusCreated {
					t.Errorf("customer upload with upload id %s = %d %s, want a new file (201)", up, code, body)
				}
				fmt.Fprintf(&b, "%d %s", code, body)
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
	// The customer's own details carry nothing of the chat's log.
	"POST /api/v1/widget/identify": {plainRead("POST", "/api/v1/widget/identify")},
	"GET /api/v1/widget/details":   {plainRead("GET", "/api/v1/widget/details")},
	// Secure chat: without a provider set up, refused; the callback with
	// no sign-in of the customer's, refused.
	"POST /api/v1/widget/secure-chat": {plainRead("POST", "/api/v1/widget/secure-chat")},
	"GET /oidc/callback":              {plainRead("GET", "/oidc/callback?state=leak&code=leak")},
	"GET /api/v1/login/options":       {plainRead("GET", "/api/v1/login/options")},
	"GET /sso/start":                  {plainRead("GET", "/sso/start")},
	"GET /sso/callback":               {plainRead("GET", "/sso/callback?state=leak&code=leak")},
	"PATCH /api/v1/widget/details": {{name: "PATCH details", read: func(t *testing.T, app *apptest.App, c *apptest.Customer, live *apptest.Conn) string {
		code, data := c.Raw(t, "PATCH", "/api/v1/widget/details", map[string]any{"details": map[string]string{"phone": "+47 400 00 000"}})
		return fmt.Sprintf("%d %s", code, data)
	}}},
}

// leakFiles are the files of the leak test's conversation, for the
// readers of the file routes: the private ones (sent in private messages,
// whose ids, names and bytes are markers), the public ones, and the
// agents' upload ids.
var leakFiles struct {
	private, public []apptest.Attachment
	uploadIDs       []string
}

// downloads reads files (or their thumbnails) as the customer and returns
// every answer, status and body. With refused, each must be a 404.
func downloads(t *testing.T, c *apptest.Customer, files []apptest.Attachment, thumbnail, refused bool) string {
	t.Helper()
	if len(files) == 0 {
		t.Fatalf("no files to read; the test reads nothing")
	}
	var b strings.Builder
	for _, f := range files {
		resp, body := c.Download(t, c.ConversationID, f.ID, thumbnail)
		if refused && resp.StatusCode != http.StatusNotFound {
			t.Errorf("customer download of %s (thumbnail %v) = %d, want 404", f.ID, thumbnail, resp.StatusCode)
		}
		if !refused && resp.StatusCode != http.StatusOK {
			t.Errorf("customer download of public %s (thumbnail %v) = %d, want 200", f.ID, thumbnail, resp.StatusCode)
		}
		fmt.Fprintf(&b, "%d %s %s\n", resp.StatusCode, resp.Header, body)
	}
	return b.String()
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
		// Sending an agent's private file as one's own is refused, and
		// the refusal names nothing of it.
		for i, f := range leakFiles.private {
			ans := conn.Request(map[string]any{"type": "send", "conversationId": c.ConversationID,
				"clientMsgId": fmt.Sprintf("leak-file-%d", i), "text": "mine", "attachmentIds": []chat.AttachmentID{f.ID}})
			if ans.Type != "error" {
				t.Errorf("customer send of a private file %s = %s, want an error", f.ID, ans.Raw)
			}
		}
		return allFrames(conn)
	}},
	{"choose", func(t *testing.T, c *apptest.Customer) string {
		conn := c.DialCustomer(t, 0)
		defer conn.Close()
		// A choice for a menu the chat does not have is refused and names
		// nothing of the chat.
		ans := conn.Request(map[string]any{"type": "choose", "conversationId": c.ConversationID, "menuId": "leak-menu", "optionId": "1", "clientMsgId": "leak-choose"})
		if ans.Type != "error" {
			t.Errorf("choice of an unknown menu = %s, want an error", ans.Raw)
		}
		return allFrames(conn)
	}},
	{"identify", func(t *testing.T, c *apptest.Customer) string {
		conn := c.DialCustomer(t, 0)
		defer conn.Close()
		conn.Send(map[string]any{"type": "identify", "requestId": "leak-identify", "identity": "not.a.token"})
		conn.Request(map[string]any{"type": "send", "conversationId": c.ConversationID, "clientMsgId": "after-identify", "text": "hello"})
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

// leakAttachments has Anna send private files (a text and an image, each
// in a private message) and public ones (likewise, and one the customer
// sends), and returns the private files' markers: ids, names and the
// text's bytes.
func leakAttachments(t *testing.T, app *apptest.App, id chat.ConversationID, anna, cust *apptest.Conn) []string {
	t.Helper()
	annaHTTP := app.Login(t, "anna")
	leakFiles.private, leakFiles.public, leakFiles.uploadIDs = nil, nil, nil
	var markers []string
	upload := func(c *apptest.Client, upID, name string, data []byte) apptest.Attachment {
		code, body := c.Upload(t, id, upID, name, data)
		if code != http.StatusCreated {
			t.Fatalf("upload %s = %d %s", name, code, body)
		}
		var u struct{ Attachment apptest.Attachment }
		if err := json.Unmarshal(body, &u); err != nil {
			t.Fatal(err)
		}
		return u.Attachment
	}
	for i, f := range []struct {
		name string
		data []byte
	}{
		{"PRIVFILE-NAME-0.txt", []byte("PRIVBYTES-0 the customer's file number, for agents only\n")},
		{"PRIVFILE-NAME-1.png", pngFile(t, 64, 48)},
	} {
		up := fmt.Sprintf("priv-upload-%d", i)
		a := upload(annaHTTP, up, f.name, f.data)
		if ans := sendFiles(t, anna, id, fmt.Sprintf("pf%d", i), fmt.Sprintf("private file PRIVMARK-F%d", i), true, a.ID); ans.Type != "ack" {
			t.Fatalf("private send with a file: %s", ans.Raw)
		}
		leakFiles.private = append(leakFiles.private, a)
		leakFiles.uploadIDs = append(leakFiles.uploadIDs, up)
		markers = append(markers, string(a.ID), strings.TrimSuffix(f.name, path.Ext(f.name)), fmt.Sprintf("PRIVMARK-F%d", i))
	}
	markers = append(markers, "PRIVBYTES-0")
	pub := upload(annaHTTP, "pub-upload-0", "public.png", pngFile(t, 30, 20))
	if ans := sendFiles(t, anna, id, "pubf", "a public file", false, pub.ID); ans.Type != "ack" {
		t.Fatalf("public send with a file: %s", ans.Raw)
	}
	leakFiles.public = append(leakFiles.public, pub)
	return markers
}

// TestLeak_PrivateNeverReachesTheCustomer plays conversations that mix
// public and private messages, private typing, an invitation with a
// note, and private files, each private item carrying a unique marker (a
// file's id, name and bytes), and reads every customer path: no marker, no
// agents-only event and no agent id may appear.
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
	markers = append(markers, leakAttachments(t, app, id, anna, cust)...)
	// A menu from a saved one: which saved menu is the organisation's business.
	var saved struct{ Menu chat.SavedMenu }
	if code := app.Login(t, "admin").Do(t, "POST", "/api/v1/admin/menus", map[string]any{"name": "SAVEDMENUNAME", "question": "A public question",
		"options": []map[string]any{{"label": "Yes"}, {"label": "No"}}}, &saved); code != http.StatusCreated {
		t.Fatalf("create a saved menu: %d", code)
	}
	if f := anna.Request(map[string]any{"type": "menu", "conversationId": id, "savedMenuId": saved.Menu.ID}); f.Type != "ack" {
		t.Fatalf("menu from a saved one: %+v", f)
	}
	markers = append(markers, string(saved.Menu.ID))
	// A transfer's note is for the receiver: Anna hands the chat to the
	// support queue, Carla accepts, Anna leaves; the customer learns only
	// that the chat is being transferred and who joined and left.
	carla := readyAgent(t, app, "carla", "support")
	markers = append(markers, "TRANSFERMARK")
	if f := transferOK(t, anna, map[string]any{"conversationId": id, "queueId": "support", "note": "TRANSFERMARK"}); f.Type != "ack" {
		t.Fatalf("transfer: %+v", f)
	}
	invited(carla, id, "u-carla")
	if f := carla.Request(map[string]any{"type": "accept", "conversationId": id}); f.Type != "ack" {
		t.Fatalf("accept the transfer: %+v", f)
	}
	cust.WaitFor("Anna's leaving", func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.Kind == chat.KindAgentLeft && f.Event.AgentName == "Anna"
	})
	// A supervisor watches and whispers (R19): neither reaches the customer.
	app.AddUser(t, "sofie", chat.RoleSupervisor, 1, "all")
	sup := app.LoginWith(t, "sofie", "pw-sofie").DialSupervisor(t)
	sup.WaitFor("the supervisor's welcome", func(f apptest.Frame) bool { return f.Type == "welcome" })
	if f := sup.Request(map[string]any{"type": "monitor", "conversationId": id}); f.Type != "ack" {
		t.Fatalf("monitor: %+v", f)
	}
	markers = append(markers, "WHISPERMARK")
	if f := sup.Request(map[string]any{"type": "whisper", "conversationId": id, "clientMsgId": "w1", "text": "WHISPERMARK"}); f.Type != "ack" {
		t.Fatalf("whisper: %+v", f)
	}
	carla.WaitFor("the whisper", func(f apptest.Frame) bool { return f.Type == "event" && f.Event.Text == "WHISPERMARK" })
	send(t, carla, id, "last", "LAST PUBLIC", false)
	cust.WaitFor("the last public message", func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.Text == "LAST PUBLIC"
	})
	if len(markers) < 5 {
		t.Fatalf("only %d private markers were generated; the test proves little", len(markers))
	}
	forbidden := append(markers, `"visibility":"agents"`, "u-anna", "u-bjorn", "u-carla", "u-sofie", "offered", "invited", "invitation", "monitored")
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
	// The organisation's log keeps them all, and its files.
	annaHTTP := app.Login(t, "anna")
	var conv struct{ Events []apptest.Event }
	annaHTTP.Do(t, "GET", "/api/v1/conversations/"+string(id), nil, &conv)
	all := fmt.Sprint(conv.Events)
	for _, f := range leakFiles.private {
		resp, body := annaHTTP.Download(t, id, f.ID, false)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("agent's download of private %s = %d", f.Name, resp.StatusCode)
		}
		all += string(body)
	}
	for _, m := range markers {
		if !strings.Contains(all, m) {
			t.Errorf("the agents' log and files lack %s", m)
		}
	}
}
