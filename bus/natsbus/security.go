package natsbus

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"

	"github.com/nats-io/nats.go"
)

// NATS carries every event, private messages included, and a forged event
// can make a node act; so off this machine the connection must be
// authenticated and encrypted. Open supports what nats-server offers:
//
//   - a user and password, or a token, in the URL: nats://user:pass@host,
//     nats://token@host;
//   - an nkey user: Options.NKeyFile, the seed file (SU…), answering the
//     server's challenge without sending a secret;
//   - a decentralised (JWT) user: Options.CredsFile, a .creds file as nsc
//     writes it;
//   - TLS: a tls:// URL, verified with the system's roots, or with
//     Options.CAFile (which also turns TLS on for a nats:// URL).
//
// Insecure says whether a configuration lacks them where they matter.

// Insecure returns an error saying what is missing when url names a NATS
// server that is not on a loopback address (127.0.0.0/8, ::1, localhost)
// and the connection would lack authentication (a user, token, nkey or
// credentials file) or TLS; nil otherwise. Open refuses such a
// configuration unless opts.AllowInsecure is set.
func Insecure(rawURL string, opts Options) error {
	for s := range strings.SplitSeq(rawURL, ",") {
		u, err := url.Parse(strings.TrimSpace(s))
		if err != nil || u.Host == "" {
			return fmt.Errorf("nats url %q: want nats://host:port or tls://host:port", redactURL(s))
		}
		if loopback(u.Hostname()) {
			continue
		}
		auth := u.User != nil || opts.CredsFile != "" || opts.NKeyFile != ""
		secure := u.Scheme == "tls" || opts.CAFile != ""
		var missing []string
		if !auth {
			missing = append(missing, "authentication (a user and password or token in the URL, an nkey seed file or a credentials file)")
		}
		if !secure {
			missing = append(missing, "TLS (a tls:// URL or a CA file)")
		}
		if len(missing) > 0 {
			return fmt.Errorf("nats server %s is not on this machine and the connection has no %s: anyone on the network could read private messages or forge events",
				u.Host, strings.Join(missing, " and no "))
		}
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

// redactURL hides the passwords or tokens of a list of URLs, for messages
// and logs.
func redactURL(s string) string {
	parts := strings.Split(s, ",")
	for i, p := range parts {
		u, err := url.Parse(strings.TrimSpace(p))
		if err != nil {
			parts[i] = "(unreadable url)"
			continue
		}
		if u.User != nil {
			u.User = url.User("xxxxx")
		}
		parts[i] = u.String()
	}
	return strings.Join(parts, ",")
}

// securityOptions returns the nats.go options for opts' authentication and
// TLS, checking that the files exist, so that a typo fails Open at once.
func securityOptions(opts Options) ([]nats.Option, error) {
	var o []nats.Option
	for _, f := range []struct{ name, path string }{{"credentials file", opts.CredsFile}, {"nkey seed file", opts.NKeyFile}, {"CA file", opts.CAFile}} {
		if f.path == "" {
			continue
		}
		if _, err := os.Stat(f.path); err != nil {
			return nil, fmt.Errorf("nats %s: %w", f.name, err)
		}
	}
	if opts.CredsFile != "" && opts.NKeyFile != "" {
		return nil, errors.New("nats: give a credentials file or an nkey seed file, not both")
	}
	if opts.CredsFile != "" {
		o = append(o, nats.UserCredentials(opts.CredsFile))
	}
	if opts.NKeyFile != "" {
		nk, err := nats.NkeyOptionFromSeed(opts.NKeyFile)
		if err != nil {
			return nil, fmt.Errorf("nats nkey seed file: %w", err)
		}
		o = append(o, nk)
	}
	if opts.CAFile != "" {
		o = append(o, nats.RootCAs(opts.CAFile))
	}
	return o, nil
}

// refused reports whether a failed first connection was refused for its
// configuration (wrong credentials, TLS that does not verify or is not
// offered), rather than for a server that cannot be reached now: the first
// is an error for Open to return, the second is tried again in the
// background.
func refused(err error) bool {
	var certErr *tls.CertificateVerificationError
	var authorityErr x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var recordErr tls.RecordHeaderError
	return errors.Is(err, nats.ErrAuthorization) || errors.Is(err, nats.ErrAuthExpired) ||
		errors.Is(err, nats.ErrAuthRevoked) || errors.Is(err, nats.ErrAccountAuthExpired) ||
		errors.Is(err, nats.ErrSecureConnRequired) || errors.Is(err, nats.ErrSecureConnWanted) ||
		errors.Is(err, nats.ErrNkeysNotSupported) ||
		errors.As(err, &certErr) || errors.As(err, &authorityErr) || errors.As(err, &hostErr) || errors.As(err, &recordErr)
}
