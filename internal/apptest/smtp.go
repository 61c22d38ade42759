package apptest

import (
	"fmt"
	"net"
	"testing"
	"time"

	"skranke/internal/smtpsink"
)

// SMTPServer is a real SMTP server (package smtpsink) on a free port of
// 127.0.0.1 for the test, that keeps every message it receives.
type SMTPServer struct {
	t    *testing.T
	Addr string // host:port
	srv  *smtpsink.Server
}

// ReceivedMail is a message the SMTP server took.
type ReceivedMail = smtpsink.Mail

// StartSMTP starts an SMTP server until the test ends.
func StartSMTP(t *testing.T) *SMTPServer {
	t.Helper()
	srv, err := smtpsink.Start("127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	return &SMTPServer{t: t, Addr: srv.Addr, srv: srv}
}

// Stop stops the server; nothing listens on its port until Start.
func (s *SMTPServer) Stop() { s.srv.Stop() }

// Start starts the server again on its port.
func (s *SMTPServer) Start() {
	s.t.Helper()
	if err := s.srv.Restart(); err != nil {
		s.t.Fatalf("restart SMTP on %s: %v", s.Addr, err)
	}
}

// Received returns the messages received so far.
func (s *SMTPServer) Received() []ReceivedMail { return s.srv.Received() }

// WaitFor waits until n messages have been received and returns them.
func (s *SMTPServer) WaitFor(n int, timeout time.Duration) []ReceivedMail {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		got := s.Received()
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("SMTP server received %d messages within %s, want %d", len(got), timeout, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Port is the server's port.
func (s *SMTPServer) Port() int {
	_, p, _ := net.SplitHostPort(s.Addr)
	var n int
	fmt.Sscan(p, &n)
	return n
}
