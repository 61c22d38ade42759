package apptest_test

import (
	"net/http"
	"testing"
	"time"

	"skranke/internal/apptest"
)

// TestSession_LogoutClosesItsSockets: after a logout the session's agent
// socket is closed at once (4001), while the same agent's other session
// goes on; nothing more can be sent on the old one.
func TestSession_LogoutClosesItsSockets(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	desk := app.Login(t, "anna")
	old := desk.DialAgent(t, nil)
	old.WaitFor("welcome", func(f apptest.Frame) bool { return f.Type == "welcome" })
	other := app.Login(t, "anna").DialAgent(t, nil)
	other.WaitFor("welcome", func(f apptest.Frame) bool { return f.Type == "welcome" })

	if code, _ := desk.Raw(t, "POST", "/api/v1/logout", nil); code != http.StatusNoContent {
		t.Fatalf("logout = %d", code)
	}
	if got := old.WaitClosed(5 * time.Second); got != 4001 {
		t.Errorf("the logged-out session's socket closed with %d, want 4001", got)
	}
	if f := other.Request(map[string]any{"type": "status", "status": "paused", "profileId": "all"}); f.Type != "ack" {
		t.Errorf("the other session after the logout: %+v, want it working", f)
	}
	if code, _ := desk.Raw(t, "GET", "/api/v1/me", nil); code != http.StatusUnauthorized {
		t.Errorf("GET /me after logout = %d, want 401", code)
	}
}

// TestSession_ExpiryClosesItsSockets: a socket lives no longer than its
// login session.
func TestSession_ExpiryClosesItsSockets(t *testing.T) {
	app := apptest.Start(t, apptest.Options{SessionTTL: 1500 * time.Millisecond})
	c := app.Login(t, "anna").DialAgent(t, nil)
	c.WaitFor("welcome", func(f apptest.Frame) bool { return f.Type == "welcome" })
	if got := c.WaitClosed(10 * time.Second); got != 4001 {
		t.Errorf("socket of an expired session closed with %d, want 4001", got)
	}
}

// TestCluster_LogoutClosesSocketsOnOtherNodes: the logout reaches the
// node the socket is on.
func TestCluster_LogoutClosesSocketsOnOtherNodes(t *testing.T) {
	nodes := cluster(t, 2)
	desk := nodes[0].Login(t, "anna")
	ws := desk.DialAgentOn(t, nodes[1], nil) // the same browser, through the other node
	ws.WaitFor("welcome", func(f apptest.Frame) bool { return f.Type == "welcome" })
	if code, _ := desk.Raw(t, "POST", "/api/v1/logout", nil); code != http.StatusNoContent {
		t.Fatalf("logout on node A = %d", code)
	}
	if got := ws.WaitClosed(5 * time.Second); got != 4001 {
		t.Errorf("socket on node B closed with %d after a logout on node A, want 4001", got)
	}
}

// TestSession_WelcomeComesFirst: an agent's desktop that reconnects while
// things happen to the agent (here its other desktop changes status all
// the time) receives welcome before any event, every time.
func TestSession_WelcomeComesFirst(t *testing.T) {
	app := apptest.Start(t, apptest.Options{})
	busy := readyAgent(t, app, "anna", "sales")
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			status := "ready"
			if i%2 == 0 {
				status = "paused"
			}
			busy.Send(map[string]any{"type": "status", "requestId": "s", "status": status, "profileId": "sales"})
			time.Sleep(200 * time.Microsecond)
		}
	}()
	desk := app.Login(t, "anna")
	for i := range 20 {
		c := desk.DialAgent(t, nil)
		f, err := c.Read(10 * time.Second)
		if err != nil {
			t.Fatalf("reconnect %d: %v", i, err)
		}
		if f.Type != "welcome" {
			t.Errorf("reconnect %d: first frame %s, want welcome", i, f.Raw)
		}
		c.Close()
	}
	close(stop)
	<-done
}

// TestSession_CustomerTokenExpiresWhenIdle: a customer token unused for
// longer than the idle time no longer opens anything; one in use lasts.
func TestSession_CustomerTokenExpiresWhenIdle(t *testing.T) {
	app := apptest.Start(t, apptest.Options{CustomerIdle: 1500 * time.Millisecond})
	idle := app.NewCustomer(t, "sales", "Kari")
	busy := app.NewCustomer(t, "sales", "Ola")
	for range 4 {
		time.Sleep(500 * time.Millisecond)
		if code, _ := busy.Raw(t, "GET", "/api/v1/widget/conversations/"+string(busy.ConversationID)+"/events", nil); code != http.StatusOK {
			t.Fatalf("a token in use = %d, want 200", code)
		}
	}
	if code, _ := idle.Raw(t, "GET", "/api/v1/widget/conversations/"+string(idle.ConversationID)+"/events", nil); code != http.StatusUnauthorized {
		t.Errorf("a token idle for 2 s (idle time 1.5 s) = %d, want 401", code)
	}
	c := idle.DialCustomer(t, 0)
	if got := c.WaitClosed(5 * time.Second); got != 4001 {
		t.Errorf("hello with an expired token closed with %d, want 4001", got)
	}
}
