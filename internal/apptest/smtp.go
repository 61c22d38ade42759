package apptest

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// SMTPServer is a real SMTP server (github.com/emersion/go-smtp) on a free
// port of 127.0.0.1 that keeps every message it receives, for tests of the
// e-mail Skranke sends. It can be stopped and started again on the same
// port, to play an outage.
type SMTPServer struct {
	t    *testing.T
	Addr string // host:port

	mu       sync.Mutex
	srv      *smtp.Server
	received []ReceivedMail
}

// ReceivedMail is a message the SMTP server took.
type ReceivedMail struct {
	From string
	To   []string
	Data []byte // the whole message, headers and body (RFC 5322)
}

// StartSMTP starts an SMTP server until the test ends.
func StartSMTP(t *testing.T) *SMTPServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &SMTPServer{t: t, Addr: ln.Addr().String()}
	s.serve(ln)
	t.Cleanup(s.Stop)
	return s
}

func (s *SMTPServer) serve(ln net.Listener) {
	srv := smtp.NewServer(smtpBackend{s})
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	s.mu.Lock()
	s.srv = srv
	s.mu.Unlock()
	go srv.Serve(ln)
}

// Stop stops the server; nothing listens on its port until Start.
func (s *SMTPServer) Stop() {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	if srv != nil {
		srv.Close()
	}
}

// Start starts the server again on its port.
func (s *SMTPServer) Start() {
	s.t.Helper()
	var ln net.Listener
	var err error
	for range 50 { // the port may take a moment to be free again
		if ln, err = net.Listen("tcp", s.Addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		s.t.Fatalf("restart SMTP on %s: %v", s.Addr, err)
	}
	s.serve(ln)
}

// Received returns the messages received so far.
func (s *SMTPServer) Received() []ReceivedMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ReceivedMail(nil), s.received...)
}

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

type smtpBackend struct{ s *SMTPServer }

func (b smtpBackend) NewSession(*smtp.Conn) (smtp.Session, error) { return &smtpSession{s: b.s}, nil }

type smtpSession struct {
	s    *SMTPServer
	from string
	to   []string
}

func (x *smtpSession) Reset()        { x.from, x.to = "", nil }
func (x *smtpSession) Logout() error { return nil }
func (x *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}
func (x *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}
func (x *smtpSession) Data(r io.Reader) error {
	var b bytes.Buffer
	if _, err := io.Copy(&b, r); err != nil {
		return err
	}
	x.s.mu.Lock()
	x.s.received = append(x.s.received, ReceivedMail{From: x.from, To: x.to, Data: b.Bytes()})
	x.s.mu.Unlock()
	return nil
}
