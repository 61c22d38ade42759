package main

import (
	"bytes"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// TestBackup_commands backs up a data folder made by `user add` and
// restores it into another from the command line; the restored one has the
// user (its password works with `user passwd`, which finds the user).
func TestBackup_commands(t *testing.T) {
	ctx := t.Context()
	data := t.TempDir()
	if err := run(ctx, []string{"user", "add", "--role", "admin", "--data", data, "root"}, strings.NewReader("first password\n"), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "b.tar.gz")
	var out bytes.Buffer
	if err := run(ctx, []string{"backup", "--data", data, file}, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "Backed up") {
		t.Fatalf("backup = %v, printed %q", err, out.String())
	}
	if err := run(ctx, []string{"backup", "--db", "postgres://x/y", file}, nil, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Errorf("backup of PostgreSQL = %v, want a pointer to pg_dump", err)
	}
	if err := run(ctx, []string{"restore", "--data", data, file}, nil, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Errorf("restore over a database without --force = %v, want refused", err)
	}
	restored := t.TempDir()
	out.Reset()
	if err := run(ctx, []string{"restore", "--data", restored, file}, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "Restored") {
		t.Fatalf("restore = %v, printed %q", err, out.String())
	}
	if err := run(ctx, []string{"user", "passwd", "--data", restored, "root"}, strings.NewReader("second password\n"), io.Discard, io.Discard); err != nil {
		t.Errorf("user passwd on the restored folder = %v", err)
	}
	out.Reset()
	if err := run(ctx, []string{"restore", "--data", data, "--force", file}, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "before-restore-") {
		t.Errorf("restore --force = %v, printed %q, want where the former data went", err, out.String())
	}
}
