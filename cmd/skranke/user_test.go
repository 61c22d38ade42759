package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"skranke/admin"
	"skranke/chat"
	"skranke/internal/server"
)

// syncBuffer is a bytes.Buffer that the server's logger and the test may
// use at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestUser_AddAndPasswd creates the first administrator from the command
// line, with the password on standard input, then sets a new password:
// the user can log in with it, and not with the old one.
func TestUser_AddAndPasswd(t *testing.T) {
	ctx := t.Context()
	data := t.TempDir()
	var out, errs bytes.Buffer
	err := run(ctx, []string{"user", "add", "--role", "admin", "--display-name", "Root Admin", "--data", data, "Root"},
		strings.NewReader("first password\n"), &out, &errs)
	if err != nil {
		t.Fatalf("user add = %v (stderr %q)", err, errs.String())
	}
	if !strings.Contains(out.String(), "Created admin Root Admin (root") {
		t.Errorf("user add printed %q", out.String())
	}
	err = run(ctx, []string{"user", "add", "--data", data, "root"}, strings.NewReader("another one\n"), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "taken") {
		t.Errorf("user add of a taken username = %v, want it refused as taken", err)
	}
	err = run(ctx, []string{"user", "add", "--data", data, "kim"}, strings.NewReader("short\n"), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "at least 8") {
		t.Errorf("user add with a short password = %v, want it refused", err)
	}
	err = run(ctx, []string{"user", "add", "--data", data, "kim"}, strings.NewReader(""), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "no password") {
		t.Errorf("user add without a password = %v, want it refused", err)
	}
	if err := run(ctx, []string{"user", "passwd", "--data", data, "root"}, strings.NewReader("second password\r\n"), io.Discard, io.Discard); err != nil {
		t.Fatalf("user passwd = %v", err)
	}
	err = run(ctx, []string{"user", "passwd", "--data", data, "nobody"}, strings.NewReader("second password\n"), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "No such user") {
		t.Errorf("user passwd of an unknown user = %v", err)
	}

	srv, err := server.Open(ctx, server.Config{DataDir: data, BcryptCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if _, u, err := srv.Auth.Login(ctx, "root", "second password"); err != nil || u.Role != chat.RoleAdmin || u.DisplayName != "Root Admin" {
		t.Errorf("Login(root, new password) = %+v, %v; want the administrator", u, err)
	}
	if _, _, err := srv.Auth.Login(ctx, "root", "first password"); chat.ErrorCode(err) != chat.EUnauthenticated {
		t.Errorf("Login(root, old password) = %v, want unauthenticated", err)
	}
	es, err := srv.Admin.Audit(ctx, console, admin.AuditFilter{})
	if err != nil || len(es) != 2 || es[0].Action != chat.AuditUserPassword || es[1].Actor.Name != "command line" {
		t.Errorf("audit log = %+v, %v; want the creation and the password change by the command line", es, err)
	}
	if secret, err := srv.Admin.EnsureSetup(ctx); err != nil || secret != "" {
		t.Errorf("EnsureSetup with an administrator = %q, %v; want no set-up link", secret, err)
	}
}

// TestServe_firstRun starts the real command on an empty data folder
// without --demo: it prints a set-up link (and logs it), whose secret
// creates the first administrator once, and logs them in.
func TestServe_firstRun(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pr, pw := io.Pipe()
	var logs syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir()}, strings.NewReader(""), pw, &logs)
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	var base, link string
	for sc.Scan() {
		line := sc.Text()
		if after, ok := strings.CutPrefix(line, "Skranke is running at "); ok {
			base = after
		}
		if after, ok := strings.CutPrefix(strings.TrimSpace(line), "Set-up link:"); ok {
			link = strings.TrimSpace(after)
			break
		}
	}
	go io.Copy(io.Discard, pr)
	if base == "" || !strings.HasPrefix(link, base+"/admin/setup#") {
		t.Fatalf("serve printed base %q and set-up link %q", base, link)
	}
	secret := link[strings.Index(link, "#")+1:]
	if len(secret) < 40 || !strings.Contains(logs.String(), link) {
		t.Errorf("secret %q; the log (%q) should name the link too", secret, logs.String())
	}

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 60 * time.Second} // bcrypt at the product's cost, under -race
	call := func(method, path, body string) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequestWithContext(ctx, method, base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var v map[string]any
		json.NewDecoder(resp.Body).Decode(&v)
		return resp.StatusCode, v
	}
	if code, v := call("GET", "/api/v1/setup", ""); code != 200 || v["pending"] != true {
		t.Errorf("GET /api/v1/setup = %d %v, want pending", code, v)
	}
	if code, _ := call("GET", "/admin/setup", ""); code != http.StatusOK && code != http.StatusServiceUnavailable {
		t.Errorf("GET /admin/setup = %d, want the admin page (or the not-built page)", code)
	}
	body := `{"secret": "wrong", "username": "root", "displayName": "Root", "password": "correct horse"}`
	if code, v := call("POST", "/api/v1/setup", body); code != http.StatusBadRequest {
		t.Errorf("POST /api/v1/setup with a wrong secret = %d %v, want 400", code, v)
	}
	body = `{"secret": "` + secret + `", "username": "root", "displayName": "Root", "password": "correct horse"}`
	if code, v := call("POST", "/api/v1/setup", body); code != http.StatusCreated {
		t.Fatalf("POST /api/v1/setup = %d %v", code, v)
	}
	if code, v := call("GET", "/api/v1/admin/users", ""); code != 200 {
		t.Errorf("GET /api/v1/admin/users after the set-up = %d %v, want the new administrator logged in", code, v)
	}
	body = `{"secret": "` + secret + `", "username": "again", "displayName": "Again", "password": "correct horse"}`
	if code, _ := call("POST", "/api/v1/setup", body); code != http.StatusBadRequest {
		t.Errorf("the set-up link a second time = %d, want 400", code)
	}
	if code, v := call("GET", "/api/v1/setup", ""); code != 200 || v["pending"] != false {
		t.Errorf("GET /api/v1/setup after the set-up = %d %v", code, v)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve after cancel = %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
}
