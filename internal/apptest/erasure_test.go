package apptest_test

import (
	"database/sql"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"skranke/chat"
	"skranke/internal/apptest"
)

// liveRowsWith returns the tables of the SQLite database in dir whose live
// rows hold marker anywhere, in any column, the full-text index's own
// tables included.
func liveRowsWith(t *testing.T, dir, marker string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "skranke.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	var found []string
	for _, table := range tables {
		rs, err := db.Query(`SELECT * FROM "` + table + `"`)
		if err != nil {
			continue // a virtual table that cannot be read whole (the contentless index itself)
		}
		cols, _ := rs.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rs.Next() {
			rs.Scan(ptrs...)
			for _, v := range vals {
				var s string
				switch v := v.(type) {
				case string:
					s = v
				case []byte:
					s = string(v)
				}
				if strings.Contains(strings.ToLower(s), strings.ToLower(marker)) {
					found = append(found, table)
				}
			}
		}
		rs.Close()
	}
	return found
}

// filesWith returns the files under dir that hold marker.
func filesWith(t *testing.T, dir, marker string) []string {
	t.Helper()
	var found []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if b, err := os.ReadFile(path); err == nil && strings.Contains(string(b), marker) {
			found = append(found, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// TestErasure_RetentionAndRequests: chats older than their queue's
// retention are deleted by the retention job, the others kept; a customer's
// request deletes the chat once it has ended; an administrator erases a
// customer's chats by the e-mail address a transcript went to. Deleted
// chats are gone from the chat log, its search, the customer's downloads
// and the database's live rows, and counted without a name.
func TestErasure_RetentionAndRequests(t *testing.T) {
	dir := t.TempDir()
	app := apptest.Start(t, apptest.Options{DataDir: dir, SMTP: apptest.StartSMTP(t), Privacy: &chat.Privacy{
		RetentionDays: 30, QueueRetentionDays: map[chat.QueueID]int{"support": 0}, CustomerErasure: true,
	}})
	admin := app.Login(t, "admin")
	anna := readyAgent(t, app, "anna", "all")

	// Three chats: Kari's in sales (30 days), Ola's in support (kept),
	// Per's, who asks for erasure.
	chatWith := func(queue chat.QueueID, name, private string) (*apptest.Customer, *apptest.Conn) {
		c := app.NewCustomer(t, queue, name)
		accept(t, anna, c.ConversationID)
		conn := c.DialCustomer(t, 0)
		conn.WaitEvent(chat.KindAgentJoined, c.ConversationID)
		send(t, conn, c.ConversationID, "c1", "Hei, jeg heter "+name, false)
		send(t, anna, c.ConversationID, "p1", private, true)
		return c, conn
	}
	end := func(c *apptest.Customer, conn *apptest.Conn) {
		if f := conn.Request(map[string]any{"type": "end", "conversationId": c.ConversationID}); f.Type != "ack" {
			t.Fatalf("end: %+v", f)
		}
	}
	kari, kariConn := chatWith("sales", "Kari", "KARIMARKER kredittsjekk")
	end(kari, kariConn)
	ola, olaConn := chatWith("support", "Ola", "OLAMARKER notat")
	file := mustUpload(t, ola.Client, ola.ConversationID, "kvittering.txt", []byte("OLAFILE kvittering for mars"))
	if f := sendFiles(t, olaConn, ola.ConversationID, "c2", "Her er kvitteringen", false, chat.AttachmentID(file.ID)); f.Type != "ack" {
		t.Fatalf("send a file: %+v", f)
	}
	end(ola, olaConn)
	per, perConn := chatWith("sales", "Per", "PERMARKER notat")

	var q struct{ CustomerErasure bool }
	per.Do(t, "GET", "/api/v1/widget/queues", nil, &q)
	if !q.CustomerErasure {
		t.Error("the widget is not told that customers may ask for erasure")
	}
	if code, data := per.Raw(t, "POST", "/api/v1/widget/conversations/"+string(per.ConversationID)+"/erasure", nil); code != http.StatusAccepted {
		t.Fatalf("erasure request = %d %s", code, data)
	}
	anna.WaitEvent(chat.KindErasureRequested, per.ConversationID) // the agent is told
	if code, _ := per.Raw(t, "POST", "/api/v1/widget/conversations/"+string(per.ConversationID)+"/erasure", nil); code != http.StatusConflict {
		t.Errorf("a second erasure request = %d, want 409", code)
	}
	if code, _ := kari.Raw(t, "POST", "/api/v1/widget/conversations/"+string(per.ConversationID)+"/erasure", nil); code != http.StatusNotFound {
		t.Errorf("Kari asking to erase Per's chat = %d, want 404", code)
	}
	svc := app.Server.Service
	now := time.Now()
	if res, err := svc.Sweep(t.Context(), now); err != nil || res.Expired+res.Requested != 0 {
		t.Errorf("a sweep before anything is due = %+v, %v", res, err)
	}
	end(per, perConn)
	if res, err := svc.Sweep(t.Context(), time.Now()); err != nil || res.Requested != 1 || res.Expired != 0 {
		t.Errorf("the sweep after Per's chat ended = %+v, %v; want Per's chat only", res, err)
	}
	if code, _ := per.Raw(t, "GET", "/api/v1/widget/conversations/"+string(per.ConversationID)+"/transcript", nil); code != http.StatusNotFound {
		t.Errorf("Per's transcript after erasure = %d, want 404", code)
	}

	// Thirty days on, Kari's chat goes; Ola's queue keeps its chats.
	if res, err := svc.Sweep(t.Context(), now.Add(29*24*time.Hour)); err != nil || res.Expired != 0 {
		t.Errorf("the sweep after 29 days = %+v, %v", res, err)
	}
	if res, err := svc.Sweep(t.Context(), now.Add(31*24*time.Hour)); err != nil || res.Expired != 1 {
		t.Errorf("the sweep after 31 days = %+v, %v; want Kari's chat", res, err)
	}
	for _, c := range []*apptest.Customer{kari, per} {
		if code, _ := admin.Raw(t, "GET", "/api/v1/chatlog/"+string(c.ConversationID), nil); code != http.StatusNotFound {
			t.Errorf("the chat log's page of a deleted chat = %d, want 404", code)
		}
		if code, _ := c.Raw(t, "GET", "/api/v1/widget/conversations/"+string(c.ConversationID)+"/events", nil); code != http.StatusNotFound {
			t.Errorf("the customer's history of a deleted chat = %d, want 404", code)
		}
	}
	// Search forgets them at once; the index's pages at its compaction.
	for _, m := range []string{"KARIMARKER", "PERMARKER"} {
		if p := searchLog(t, admin, "q="+m); len(p.Items) != 0 {
			t.Errorf("search for %s of a deleted chat finds %v", m, ids(p))
		}
	}
	if err := svc.CompactSearchIndex(t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"KARIMARKER", "PERMARKER"} {
		if tables := liveRowsWith(t, dir, m); len(tables) != 0 {
			t.Errorf("%s of a deleted chat is still in the live rows of %v", m, tables)
		}
	}
	if p := searchLog(t, admin, "q=OLAMARKER"); len(p.Items) != 1 {
		t.Errorf("search for the kept chat's note = %v", ids(p))
	}
	if tables := liveRowsWith(t, dir, "OLAMARKER"); len(tables) == 0 {
		t.Error("the kept chat's note is found in no table: liveRowsWith reads nothing")
	}
	if files := filesWith(t, filepath.Join(dir, "blobs"), "OLAFILE"); len(files) != 1 {
		t.Errorf("the kept chat's file is in %d blob files, want 1: filesWith reads nothing", len(files))
	}

	// Erasure by e-mail: Ola had the transcript mailed; the administrator
	// erases by that address, written differently.
	if code, data := ola.Raw(t, "POST", "/api/v1/widget/conversations/"+string(ola.ConversationID)+"/transcript/email", map[string]string{"address": "ola@example.no"}); code != http.StatusAccepted {
		t.Fatalf("e-mail = %d %s", code, data)
	}
	if code, _ := app.Login(t, "anna").Raw(t, "POST", "/api/v1/erasures", map[string]string{"email": "ola@example.no"}); code != http.StatusForbidden {
		t.Errorf("an agent erasing = %d, want 403", code)
	}
	var res struct{ Deleted, Open []chat.ConversationID }
	if code := admin.Do(t, "POST", "/api/v1/erasures", map[string]string{"email": " Ola@Example.NO"}, &res); code != http.StatusOK ||
		fmt.Sprint(res.Deleted) != fmt.Sprint([]chat.ConversationID{ola.ConversationID}) {
		t.Errorf("erasure by e-mail = %d %+v", code, res)
	}
	if err := svc.CompactSearchIndex(t.Context()); err != nil {
		t.Fatal(err)
	}
	if tables := liveRowsWith(t, dir, "OLAMARKER"); len(tables) != 0 {
		t.Errorf("the erased chat's note is in %v", tables)
	}
	if tables := liveRowsWith(t, dir, "ola@example.no"); len(tables) != 0 {
		t.Errorf("the erased customer's address is in %v", tables)
	}
	if files := filesWith(t, filepath.Join(dir, "blobs"), "OLAFILE"); len(files) != 0 {
		t.Errorf("the erased chat's file is still in %v", files)
	}
	if tables := liveRowsWith(t, dir, "kvittering.txt"); len(tables) != 0 {
		t.Errorf("the erased chat's file name is still in %v", tables)
	}
	if code, _ := admin.Raw(t, "POST", "/api/v1/erasures", map[string]string{"email": "x@example.no", "customerId": "c"}); code != http.StatusBadRequest {
		t.Errorf("erasure with two criteria = %d, want 400", code)
	}

	// What remains: counts.
	var counts struct {
		Counts []struct {
			QueueID       chat.QueueID
			Reason        string
			Conversations int
		}
	}
	admin.Do(t, "GET", "/api/v1/erasures", nil, &counts)
	total := map[string]int{}
	for _, c := range counts.Counts {
		total[c.Reason] += c.Conversations
	}
	if total["retention"] != 1 || total["request"] != 2 {
		t.Errorf("erased counts = %+v", counts.Counts)
	}
}

// TestErasures_NoneYet: before any chat is deleted, the counts are an
// empty list, not null, as the API describes them.
func TestErasures_NoneYet(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	code, data := app.Login(t, "admin").Raw(t, "GET", "/api/v1/erasures", nil)
	if code != http.StatusOK || strings.TrimSpace(string(data)) != `{"counts":[]}` {
		t.Errorf("GET /api/v1/erasures on a new server = %d %s, want 200 {\"counts\":[]}", code, data)
	}
}

// TestPrivacy_Settings: an administrator sets the retention, globally and
// per queue, and whether customers may ask for erasure; the widget says so
// at once; bad values, unknown queues and stale versions are refused with
// the field named; every change and every deletion is in the audit log.
func TestPrivacy_Settings(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	admin := app.Login(t, "admin")
	var got struct{ Privacy chat.Privacy }
	call(t, admin, "GET", "/api/v1/admin/privacy", nil, http.StatusOK, &got)
	if got.Privacy.RetentionDays != 365 || !got.Privacy.CustomerErasure {
		t.Errorf("the demo's privacy settings = %+v, want a year and erasure on request", got.Privacy)
	}
	v := got.Privacy.Version
	e := refused(t, admin, "PATCH", "/api/v1/admin/privacy", map[string]any{"version": v, "retentionDays": 4000}, http.StatusBadRequest, "retention_out_of_range")
	if e.Error.Params["field"] != "retentionDays" {
		t.Errorf("the refusal names %v, want retentionDays", e.Error.Params["field"])
	}
	refused(t, admin, "PATCH", "/api/v1/admin/privacy", map[string]any{"version": v, "queueRetentionDays": map[string]int{"nope": 30}}, http.StatusBadRequest, "")
	call(t, admin, "PATCH", "/api/v1/admin/privacy", map[string]any{"version": v, "retentionDays": 90,
		"queueRetentionDays": map[string]int{"support": 30}, "customerErasure": false}, http.StatusOK, &got)
	if got.Privacy.RetentionDays != 90 || got.Privacy.QueueRetentionDays["support"] != 30 || got.Privacy.CustomerErasure || got.Privacy.Version != v+1 {
		t.Errorf("after the change = %+v", got.Privacy)
	}
	refused(t, admin, "PATCH", "/api/v1/admin/privacy", map[string]any{"version": v, "retentionDays": 10}, http.StatusConflict, "stale_version")
	if code, _ := app.Login(t, "anna").Raw(t, "GET", "/api/v1/admin/privacy", nil); code != http.StatusForbidden {
		t.Errorf("an agent reading the privacy settings = %d, want 403", code)
	}

	kari := app.NewCustomer(t, "sales", "Kari")
	var q struct{ CustomerErasure bool }
	kari.Do(t, "GET", "/api/v1/widget/queues", nil, &q)
	if q.CustomerErasure {
		t.Error("the widget still offers erasure after it was turned off")
	}
	refused(t, kari.Client, "POST", "/api/v1/widget/conversations/"+string(kari.ConversationID)+"/erasure", map[string]any{}, http.StatusForbidden, "erasure_not_offered")

	// The audit log: the change, and a deletion by the administrator.
	var audit struct{ Entries []chat.AuditEntry }
	call(t, admin, "GET", "/api/v1/admin/audit?action=privacy.update", nil, http.StatusOK, &audit)
	if len(audit.Entries) == 0 || audit.Entries[0].Actor.UserID != "u-admin" {
		t.Errorf("audit of the privacy change = %+v", audit.Entries)
	}
	cust := kari.DialCustomer(t, 0)
	if f := cust.Request(map[string]any{"type": "end", "conversationId": kari.ConversationID}); f.Type != "ack" {
		t.Fatalf("end: %+v", f)
	}
	call(t, admin, "POST", "/api/v1/erasures", map[string]string{"conversationId": string(kari.ConversationID)}, http.StatusOK, nil)
	call(t, admin, "GET", "/api/v1/admin/audit?action=chats.delete", nil, http.StatusOK, &audit)
	if len(audit.Entries) != 1 || audit.Entries[0].Actor.UserID != "u-admin" || !strings.Contains(string(audit.Entries[0].After), string(kari.ConversationID)) ||
		strings.Contains(string(audit.Entries[0].After), "Kari") {
		t.Errorf("audit of the erasure = %+v", audit.Entries)
	}
}
