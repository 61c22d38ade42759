// Package smtpsink is a real SMTP server (github.com/emersion/go-smtp) that
// keeps every message it receives, for tests of the e-mail Skranke sends:
// the integration tests run it in-process (internal/apptest), the browser
// tests as a program (internal/cmd/smtp-sink). It accepts any sender and
// recipient, without authentication, on 127.0.0.1 only. It can be stopped
// and started again on the same port, to play an outage.
package smtpsink

import (
	"bytes"
	"errors"
	"io"
	"net"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// Mail is a message the server took.
type Mail struct {
	From string
	To   []string
	Data []byte // the whole message, headers and body (RFC 5322)
}

// Server is a running sink.
type Server struct {
	Addr string // host:port
	// OnMail, if set, is called with each message as it is taken.
	OnMail func(Mail)

	mu       sync.Mutex
	srv      *smtp.Server
	received []Mail
}

// Start starts a sink on addr ("127.0.0.1:0" for a free port).
func Start(addr string, onMail func(Mail)) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{Addr: ln.Addr().String(), OnMail: onMail}
	s.serve(ln)
	return s, nil
}

func (s *Server) serve(ln net.Listener) {
	srv := smtp.NewServer(backend{s})
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	s.mu.Lock()
	s.srv = srv
	s.mu.Unlock()
	go srv.Serve(ln)
}

// Stop stops the server; nothing listens on its port until Restart.
func (s *Server) Stop() {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	if srv != nil {
		srv.Close()
	}
}

// Restart starts the server again on its port.
func (s *Server) Restart() error {
	var ln net.Listener
	var err error
	for range 50 { // the port may take a moment to be free again
		if ln, err = net.Listen("tcp", s.Addr); err == nil {
			s.serve(ln)
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return err
}

// Received returns the messages taken so far.
func (s *Server) Received() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.received...)
}

type backend struct{ s *Server }

func (b backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	if host, _, _ := net.SplitHostPort(c.Conn().RemoteAddr().String()); !net.ParseIP(host).IsLoopback() {
		return nil, errors.New("this test server takes mail from this machine only")
	}
	return &session{s: b.s}, nil
}

type session struct {
	s    *Server
	from string
	to   []string
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }
func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}
func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}
func (x *session) Data(r io.Reader) error {
	var b bytes.Buffer
	if _, err := io.Copy(&b, r); err != nil {
		return err
	}
	m := Mail{From: x.from, To: x.to, Data: b.Bytes()}
	x.s.mu.Lock()
	x.s.received = append(x.s.received, m)
	on := x.s.OnMail
	x.s.mu.Unlock()
	if on != nil {
		on(m)
	}
	return nil
}
