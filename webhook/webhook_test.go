package webhook

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"testing"
	"time"

	"skranke/chat"
)

// TestSign_StandardWebhooksVector signs the test vector the Standard
// Webhooks specification publishes.
func TestSign_StandardWebhooksVector(t *testing.T) {
	got, err := Sign("msg_p5jXN8AQM9LWM0D4loKWxJek", time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; err != nil || got != want {
		t.Errorf("Sign(vector) = %q, %v; want %q", got, err, want)
	}
}

// TestClient_RefusesInternalAddressesAtDial dials a real server on
// loopback by a name (localhost), which passes no check of the URL's text:
// the guarded client refuses the address it resolved to, the permissive one
// reaches it.
func TestClient_RefusesInternalAddressesAtDial(t *testing.T) {
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	byName := "http://localhost:" + u.Port() + "/hook"

	_, err := newClient(2*time.Second, true).Post(byName, "application/json", nil)
	if !errors.Is(err, ErrInternalAddress) {
		t.Errorf("guarded POST %s = %v, want ErrInternalAddress", byName, err)
	}
	if hits != 0 {
		t.Fatalf("the guarded client reached the server")
	}
	resp, err := newClient(2*time.Second, false).Post(byName, "application/json", nil)
	if err != nil {
		t.Fatalf("permissive POST %s = %v", byName, err)
	}
	resp.Body.Close()
	if hits != 1 {
		t.Errorf("the permissive client did not reach the server")
	}
}

func TestInternalAddr(t *testing.T) {
	for _, c := range []struct {
		ip   string
		want bool
	}{
		{"127.0.0.1", true}, {"10.0.0.1", true}, {"172.16.5.4", true}, {"192.168.1.1", true},
		{"169.254.169.254", true}, {"100.64.0.1", true}, {"0.0.0.0", true}, {"::1", true}, {"fd12::1", true},
		{"fe80::1", true}, {"::ffff:10.0.0.1", true}, {"224.0.0.1", true},
		{"93.184.216.34", false}, {"2606:2800:220:1::1", false}, {"8.8.8.8", false},
	} {
		if got := chat.InternalAddr(netip.MustParseAddr(c.ip)); got != c.want {
			t.Errorf("InternalAddr(%s) = %v, want %v", c.ip, got, c.want)
		}
	}
}
