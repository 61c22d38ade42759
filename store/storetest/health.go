package storetest

import (
	"testing"

	"skranke/chat"
)

// healthTests check store.Checker. A storage failure itself cannot be made
// the same way for every backend; each backend's own tests make one (SQLite:
// a page limit, PostgreSQL: a trigger raising disk_full).
var healthTests = map[string]func(t *testing.T, f *fixture){
	"healthy": func(t *testing.T, f *fixture) {
		if err := f.st.Health(f.ctx); err != nil {
			t.Errorf("Health() of a new store = %v, want nil", err)
		}
		if n := f.st.StorageErrors(); n != 0 {
			t.Errorf("StorageErrors() of a new store = %d, want 0", n)
		}
	},
	"closed": func(t *testing.T, f *fixture) {
		if err := f.st.Close(); err != nil {
			t.Fatalf("Close() = %v", err)
		}
		wantCode(t, "Health() after Close", f.st.Health(f.ctx), chat.EUnavailable)
	},
}
