// Package mail sends e-mail over SMTP (github.com/wneessen/go-mail): the
// customers' transcripts, in HTML with a plain-text part. It sends one
// message at a time and keeps no connection open; the outbox (package
// outbox) decides what to send and retries what fails.
package mail

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Security is how a connection to the SMTP server is protected.
type Security string

// Securities.
const (
	StartTLS Security = "starttls" // plain connection upgraded with STARTTLS, which must succeed (port 587)
	TLS      Security = "tls"      // TLS from the start (port 465)
	None     Security = "none"     // no encryption: only for a server on this machine or in tests
)

// Config is how to reach the SMTP server. The zero Host means e-mail is
// not set up.
type Config struct {
	Host     string
	Port     int      // 587 for StartTLS, 465 for TLS, 25 for None, if 0
	Security Security // StartTLS if empty
	Username string   // SMTP authentication (PLAIN) if set
	Password string
	From     string        // the sender, e.g. "Skranke <chat@example.com>"; required
	Timeout  time.Duration // 30s
}

// Validate checks the configuration.
func (c Config) Validate() error {
	if c.Host == "" {
		return nil
	}
	switch c.Security {
	case "", StartTLS, TLS, None:
	default:
		return fmt.Errorf("SMTP security %q: want starttls, tls or none", c.Security)
	}
	if _, err := mail.ParseAddress(c.From); err != nil {
		return fmt.Errorf("SMTP sender %q: %w", c.From, err)
	}
	if c.Port < 0 || c.Port > 65535 {
		return fmt.Errorf("SMTP port %d", c.Port)
	}
	if c.Security == None && !loopback(c.Host) {
		return fmt.Errorf("SMTP security none sends e-mail and passwords in the clear: only for a mail server on this machine, not %s", c.Host)
	}
	return nil
}

// loopback reports whether host is this machine.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Message is one e-mail: an HTML body with its plain-text alternative.
type Message struct {
	To      string
	Subject string
	HTML    []byte
	Text    []byte
	// ID is the message's own id (a Message-ID's local part), kept across
	// retries, so that a receiver can tell a message sent twice.
	ID string
}

// Sender sends messages to the configured SMTP server.
type Sender struct {
	cfg Config // immutable after New
}

// New returns a sender, or nil when cfg has no Host (e-mail is not set up).
func New(cfg Config) *Sender {
	if cfg.Host == "" {
		return nil
	}
	if cfg.Security == "" {
		cfg.Security = StartTLS
	}
	if cfg.Port == 0 {
		cfg.Port = map[Security]int{StartTLS: 587, TLS: 465, None: 25}[cfg.Security]
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &Sender{cfg: cfg}
}

// Send sends m, or says why it could not.
func (s *Sender) Send(ctx context.Context, m Message) error {
	msg := gomail.NewMsg()
	if err := msg.From(s.cfg.From); err != nil {
		return fmt.Errorf("send mail: sender: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return Permanent(fmt.Errorf("send mail: recipient: %w", err))
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	if m.ID != "" {
		domain := s.cfg.Host
		if a, err := mail.ParseAddress(s.cfg.From); err == nil {
			if _, d, ok := strings.Cut(a.Address, "@"); ok {
				domain = d
			}
		}
		msg.SetMessageIDWithValue(m.ID + "@" + domain)
	}
	msg.SetBodyString(gomail.TypeTextPlain, string(m.Text))
	msg.AddAlternativeString(gomail.TypeTextHTML, string(m.HTML))

	opts := []gomail.Option{gomail.WithPort(s.cfg.Port), gomail.WithTimeout(s.cfg.Timeout)}
	switch s.cfg.Security {
	case TLS:
		opts = append(opts, gomail.WithSSL())
	case None:
		opts = append(opts, gomail.WithTLSPortPolicy(gomail.NoTLS), gomail.WithPort(s.cfg.Port))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain),
			gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	c, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return fmt.Errorf("send mail: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("send mail to %s: %w", s.cfg.Host, err)
	}
	return nil
}

// permanent marks an error that a retry cannot mend.
type permanent struct{ error }

func (p permanent) Unwrap() error { return p.error }

// Permanent marks err as one a retry cannot mend.
func Permanent(err error) error { return permanent{err} }

// IsPermanent reports whether err was marked Permanent.
func IsPermanent(err error) bool {
	var p permanent
	return errors.As(err, &p)
}
