package httpapi

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"skranke/ratelimit"
)

// A socket handler that panics before it hands the slot off gives it back:
// the login can open its one socket again.
func TestLimitAgentSockets_panicGivesTheSlotBack(t *testing.T) {
	s := New(Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Limits: Limits{AgentSockets: ratelimit.NewSlots(1, nil)}})
	var kept func()
	panics := true
	h := s.limitAgentSockets(func(w http.ResponseWriter, r *http.Request, release func()) {
		if panics {
			panic("upgrade broke")
		}
		kept = release // the socket holds its slot
		w.WriteHeader(http.StatusSwitchingProtocols)
	})
	get := func() (code int, panicked bool) {
		defer func() { panicked = recover() != nil }()
		r := httptest.NewRequest("GET", "/ws/agent", nil)
		r.AddCookie(&http.Cookie{Name: sessionCookie, Value: "login-1"})
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code, false
	}
	if _, panicked := get(); !panicked {
		t.Fatal("the handler's panic did not reach net/http")
	}
	panics = false
	if code, _ := get(); code != http.StatusSwitchingProtocols {
		t.Fatalf("after a panic the socket got %d, want its slot back (101)", code)
	}
	if code, _ := get(); code != http.StatusTooManyRequests {
		t.Fatalf("a second socket of the login got %d while the first is open, want 429", code)
	}
	kept()
	if code, _ := get(); code != http.StatusSwitchingProtocols {
		t.Fatalf("after the socket closed the login got %d, want 101", code)
	}
}
