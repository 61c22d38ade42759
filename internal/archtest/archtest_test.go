// Package archtest checks the import rules of STYLE.md: the domain imports
// nothing of ours, siblings do not import each other, and only the wiring
// packages pick the concrete store and bus. It also holds every
// user-facing error to the rules of chat.E and keeps the catalogue of
// reasons (reasons_test.go).
package archtest

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// allowed lists, for each package, the Skranke packages it may import
// directly (tests aside). A package not listed may import none.
var allowed = map[string][]string{
	"skranke/chat":            {},
	"skranke/ratelimit":       {"chat"},
	"skranke/store":           {"chat"},
	"skranke/store/sqlite":    {"chat", "store"},
	"skranke/store/storetest": {"chat", "store"},
	"skranke/bus":             {"chat"},
	"skranke/blob":            {"chat"},
	"skranke/blob/diskblob":   {"blob"},
	"skranke/blob/pgblob":     {"blob", "chat"},
	"skranke/blob/blobtest":   {"blob", "chat"},
	"skranke/media":           {},
	"skranke/auth":            {"chat", "store", "ratelimit"},
	"skranke/routing":         {"chat", "store", "bus"},
	"skranke/conversation":    {"chat", "store", "bus", "auth", "ratelimit", "transcript", "blob", "media"},
	"skranke/transcript":      {"chat"},
	"skranke/mail":            {},
	"skranke/outbox":          {"store"},
	"skranke/webhook":         {"chat", "store"},
	"skranke/backup":          {},
	// Administration is an application layer beside conversation.
	"skranke/admin": {"chat", "store", "bus", "auth"},
	// The transports reach the store only through the application layer:
	// they may not import store at all, so no handler can read a raw log
	// or append an event by itself.
	"skranke/realtime":         {"chat", "bus", "auth", "conversation", "ratelimit"},
	"skranke/httpapi":          {"chat", "auth", "conversation", "admin", "realtime", "routing", "ratelimit"},
	"skranke/demo":             {"chat", "store", "auth", "admin"},
	"skranke/web":              {},
	"skranke/store/postgres":   {"chat", "store"},
	"skranke/bus/natsbus":      {"chat", "bus"},
	"skranke/bus/bustest":      {"chat", "bus"},
	"skranke/internal/server":  {"chat", "store", "store/sqlite", "store/postgres", "bus", "bus/natsbus", "blob", "blob/diskblob", "blob/pgblob", "auth", "routing", "conversation", "admin", "realtime", "httpapi", "demo", "web", "ratelimit", "mail", "outbox", "webhook", "backup"},
	"skranke/internal/apptest": {"admin", "auth", "chat", "demo", "internal/server", "store/postgres", "bus/natsbus", "httpapi", "realtime", "mail", "internal/smtpsink"},
	// Test tooling: a real SMTP server for the tests, and its command.
	"skranke/internal/smtpsink":          {},
	"skranke/internal/oidctest":          {}, // a real OpenID provider for tests (zitadel/oidc), of no Skranke package
	"skranke/internal/cmd/smtp-sink":     {"internal/smtpsink"},
	"skranke/internal/cmd/oidc-provider": {"internal/oidctest"},
	"skranke/cmd/skranke-bench":          {"chat", "auth", "store", "store/sqlite", "store/postgres"}, // seeds its servers through the stores
	"skranke/cmd/skranke":                {"admin", "auth", "chat", "demo", "httpapi", "internal/server", "ratelimit", "mail", "backup"},
}

func TestImports(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "skranke/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg, imports := fields[0], fields[1:]
		may, known := allowed[pkg]
		if !known {
			if pkg != "skranke/internal/archtest" {
				t.Errorf("package %s has no import rule here; add one", pkg)
			}
			continue
		}
		seen++
		for _, imp := range imports {
			short, ours := strings.CutPrefix(imp, "skranke/")
			if !ours {
				continue
			}
			if !slices.Contains(may, short) {
				t.Errorf("%s imports %s, which the layering forbids", pkg, imp)
			}
		}
		if pkg == "skranke/chat" {
			for _, imp := range imports {
				if strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") {
					t.Errorf("chat imports %s; the domain uses the standard library only", imp)
				}
			}
		}
	}
	if seen < 10 {
		t.Fatalf("checked only %d packages; is go list working?", seen)
	}
}
