package apptest_test

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"skranke/backup"
	"skranke/chat"
	"skranke/internal/apptest"
	"skranke/store/sqlite"
)

// TestBackup_UnderWriteLoadRestoresEveryLog backs a running node up while
// customers keep sending messages, restores the backup into a new data
// folder, and compares every conversation's log with the running node's:
// each restored log is the start of the live one (a consistent snapshot,
// nothing half), the files the database names are there, and a node
// started on the restored folder serves them.
func TestBackup_UnderWriteLoadRestoresEveryLog(t *testing.T) {
	data := t.TempDir()
	app := apptest.Start(t, apptest.Options{DataDir: data})
	const customers = 6
	var sent atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var ids []chat.ConversationID
	var photo apptest.Attachment
	for i := range customers {
		c := app.NewCustomer(t, "sales", fmt.Sprintf("Load %d", i))
		ids = append(ids, c.ConversationID)
		if i == 0 {
			photo = mustUpload(t, c.Client, c.ConversationID, "photo.png", pngFile(t, 64, 48))
		}
		conn := c.DialCustomer(t, 0)
		conn.WaitFor("welcome", func(f apptest.Frame) bool { return f.Type == "welcome" })
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				if f := send(t, conn, c.ConversationID, fmt.Sprintf("m%d", n), fmt.Sprintf("message %d", n), false); f.Type == "ack" {
					sent.Add(1)
				}
			}
		}()
	}
	for sent.Load() < 60 { // the load is on
		runtimeYield()
	}
	file := filepath.Join(t.TempDir(), "skranke-backup.tar.gz")
	m, err := backup.Create(t.Context(), data, file)
	if err != nil {
		t.Fatalf("backup.Create under load: %v", err)
	}
	atBackup := sent.Load()
	for sent.Load() < atBackup+30 { // and goes on after it
		runtimeYield()
	}
	close(stop)
	wg.Wait()
	if m.Files < 2 { // the photo and its thumbnail
		t.Errorf("backup manifest %+v, want the photo and its thumbnail", m)
	}

	// Not into the running node's folder; not over a database without --force.
	if _, err := backup.Restore(t.Context(), file, data, true); !errors.Is(err, backup.ErrRunning) {
		t.Errorf("restore into the running node's folder = %v, want ErrRunning", err)
	}
	restored := t.TempDir()
	rep, err := backup.Restore(t.Context(), file, restored, false)
	if err != nil {
		t.Fatalf("backup.Restore: %v", err)
	}
	if rep.Conversations != customers || rep.Attachments != 1 || rep.Events < 60 {
		t.Errorf("restore report %+v, want %d conversations, 1 file, 60 events or more", rep, customers)
	}
	if _, err := backup.Restore(t.Context(), file, restored, false); err == nil {
		t.Errorf("restore over a database without force: no error")
	}

	db, err := sqlite.Open(t.Context(), filepath.Join(restored, backup.DatabaseFile), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	behind := 0
	for _, id := range ids {
		got, err := db.Events(t.Context(), id, 0, 0)
		if err != nil {
			t.Fatalf("restored Events(%s): %v", id, err)
		}
		live, err := app.Server.Store.Events(t.Context(), id, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 || len(got) > len(live) {
			t.Fatalf("%s: restored %d events, live %d", id, len(got), len(live))
		}
		if diff := cmp.Diff(live[:len(got)], got); diff != "" {
			t.Errorf("%s: the restored log is not the start of the live one (-live +restored):\n%s", id, diff)
		}
		c, err := db.Conversation(t.Context(), id)
		if err != nil || c.LastSeq != got[len(got)-1].Seq {
			t.Errorf("%s: restored conversation %+v, %v; want LastSeq %d", id, c, err, got[len(got)-1].Seq)
		}
		if len(got) < len(live) {
			behind++
		}
	}
	if behind == 0 {
		t.Errorf("no conversation went on after the backup: the test did not back up under load")
	}
	db.Close()

	// A node on the restored folder serves the chats and the file.
	again := apptest.Start(t, apptest.Options{DataDir: restored})
	var rec struct {
		Events []apptest.Event `json:"events"`
	}
	if code := again.Login(t, "admin").Do(t, "GET", "/api/v1/chatlog/"+string(ids[0]), nil, &rec); code != http.StatusOK || len(rec.Events) == 0 {
		t.Errorf("the restored node's chat log of %s = %d, %d events", ids[0], code, len(rec.Events))
	}
	if _, err := os.Stat(filepath.Join(restored, backup.BlobsDir, string(photo.ID)[:2], string(photo.ID))); err != nil {
		t.Errorf("the photo's file in the restored folder: %v", err)
	}
}

// TestBackup_RestoreRefusesADamagedBackup: a backup cut short, or with a
// file changed, is refused before anything is replaced.
func TestBackup_RestoreRefusesADamagedBackup(t *testing.T) {
	data := t.TempDir()
	app := apptest.Start(t, apptest.Options{DataDir: data})
	c := app.NewCustomer(t, "sales", "Kari")
	mustUpload(t, c.Client, c.ConversationID, "photo.png", pngFile(t, 32, 32))
	file := filepath.Join(t.TempDir(), "b.tar.gz")
	if _, err := backup.Create(t.Context(), data, file); err != nil {
		t.Fatal(err)
	}
	whole, _ := os.ReadFile(file)
	cut := filepath.Join(t.TempDir(), "cut.tar.gz")
	os.WriteFile(cut, whole[:len(whole)/2], 0o600)
	target := t.TempDir()
	if _, err := backup.Restore(t.Context(), cut, target, false); err == nil {
		t.Errorf("restore of a backup cut in half: no error")
	}
	if _, err := os.Stat(filepath.Join(target, backup.DatabaseFile)); err == nil {
		t.Errorf("a refused restore left a database in the folder")
	}
}

// TestBackup_RestoreRefusesALogThatDoesNotEnd: a backup whose chat says it
// has more events than its log holds is refused, from one pass over the log.
func TestBackup_RestoreRefusesALogThatDoesNotEnd(t *testing.T) {
	data := t.TempDir()
	app := apptest.Start(t, apptest.Options{DataDir: data})
	c := app.NewCustomer(t, "sales", "Kari")
	other := app.NewCustomer(t, "sales", "Ola")
	app.NewCustomer(t, "sales", "Per")
	file := filepath.Join(t.TempDir(), "b.tar.gz")
	if _, err := backup.Create(t.Context(), data, file); err != nil {
		t.Fatal(err)
	}
	if rep, err := backup.Restore(t.Context(), file, t.TempDir(), false); err != nil || rep.Conversations != 3 {
		t.Fatalf("restore of a whole backup = %+v, %v; want 3 conversations", rep, err)
	}
	raw, err := sql.Open("sqlite", "file:"+filepath.Join(data, backup.DatabaseFile)+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE conversations SET last_seq = last_seq + 1 WHERE id = ?`, c.ConversationID); err != nil {
		t.Fatal(err)
	}
	if _, err := backup.Create(t.Context(), data, file+"2"); err != nil {
		t.Fatal(err)
	}
	_, err = backup.Restore(t.Context(), file+"2", t.TempDir(), false)
	if err == nil || !strings.Contains(err.Error(), "1 conversations' logs do not end") {
		t.Errorf("restore of a backup with %s's log short of its last_seq (and %s's and another's whole) = %v; want 1 conversation refused", c.ConversationID, other.ConversationID, err)
	}
}

// runtimeYield lets the load run a moment while the test waits for it.
func runtimeYield() { time.Sleep(10 * time.Millisecond) }
