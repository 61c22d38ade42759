// Command skranke is the whole Skranke product in one binary.
//
//	skranke serve [flags]            run a node (HTTP, WebSocket, router, front end)
//	skranke user add [flags] NAME    create a user, such as the first administrator
//	skranke user passwd [flags] NAME set a user's password
//	skranke token [flags] SUBJECT    mint a customer's identity token, to try one
//	skranke backup [flags] FILE      back up a single node (database and files), while it runs
//	skranke restore [flags] FILE     put a backup back, with the server stopped
//
// Every flag falls back to the environment variable SKRANKE_<FLAG> (upper
// case, dashes as underscores); a flag on the command line wins.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/netip"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"skranke/demo"
	"skranke/httpapi"
	"skranke/internal/server"
	"skranke/mail"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "skranke:", err)
		os.Exit(1)
	}
}

const usage = `Skranke — contact-centre web chat.

Usage:
  skranke serve [flags]          run a node; 'skranke serve -h' lists the flags
  skranke user add [flags] NAME  create a user ('--role admin' for an administrator)
  skranke user passwd NAME       set a user's password
  skranke token [flags] SUBJECT  mint a customer's identity token with a key, to try one
  skranke backup FILE            back up a single node's database and files while it runs
  skranke restore FILE           put a backup back (server stopped); checks it first
`

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command")
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stdout, stderr)
	case "user":
		return user(ctx, args[1:], stdin, stdout, stderr)
	case "token":
		return token(args[1:], stdout, stderr)
	case "backup":
		return backupCmd(ctx, args[1:], stdout, stderr)
	case "restore":
		return restoreCmd(ctx, args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

// Config is everything `serve` is told, from flags and environment.
type Config struct {
	Addr        string
	MetricsAddr string
	// PprofAddr serves net/http/pprof on a listener of its own; empty: not
	// at all. For profiling only: profiles show what the process holds.
	PprofAddr string
	Data      string
	DB        string
	NATS      string
	NATSCreds string
	// SMTP is how e-mail (transcripts) goes out; SMTPPassword comes from
	// SKRANKE_SMTP_PASSWORD or --smtp-password-file, never a flag.
	SMTP             mail.Config
	SMTPPasswordFile string
	NATSNKey         string
	NATSCA           string
	NATSInsecure     bool
	BaseURL          string
	Demo             bool
	OfferTimeout     time.Duration
	Grace            time.Duration
	// CustomerGrace and CustomerAbandon: when a customer without a socket
	// counts as gone, and when a waiting chat whose customer is gone ends.
	CustomerGrace   time.Duration
	CustomerAbandon time.Duration
	CustomerIdle    time.Duration
	KeepUnsent      time.Duration
	LogLevel        string
	NodeID          string
	// TrustedProxies are the load balancers whose X-Forwarded-For is
	// believed.
	TrustedProxies prefixList
	Limits         server.Limits
}

// redact hides a URL's password, for messages and logs.
func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	return u.Redacted()
}

// Validate checks the configuration and says what is wrong in terms of the
// flags.
func (c Config) Validate() error {
	if err := checkStore(c.DB, c.NATS); err != nil {
		return err
	}
	if c.NATS != "" {
		if err := server.CheckNATS(c.serverConfig()); err != nil {
			return fmt.Errorf("--nats: %w; add --nats-creds, --nats-nkey or a user in the URL, and tls:// or --nats-ca (see docs/operations.md), or --nats-insecure if the network is private by other means", err)
		}
	} else if c.NATSCreds != "" || c.NATSNKey != "" || c.NATSCA != "" {
		return errors.New("--nats-creds, --nats-nkey and --nats-ca need --nats")
	}
	if c.NATSCreds != "" && c.NATSNKey != "" {
		return errors.New("--nats-creds and --nats-nkey: give one of them")
	}
	if c.SMTP.Host != "" {
		if c.SMTP.From == "" {
			return errors.New("--smtp-host needs --smtp-from, the address e-mails come from")
		}
		if err := c.SMTP.Validate(); err != nil {
			return fmt.Errorf("--smtp-*: %w", err)
		}
	}
	if c.MetricsAddr != "" && c.MetricsAddr == c.Addr && !strings.HasSuffix(c.Addr, ":0") {
		return fmt.Errorf("--metrics-addr %s: want an address other than --addr, which is public", c.MetricsAddr)
	}
	if c.PprofAddr != "" && (c.PprofAddr == c.Addr || c.PprofAddr == c.MetricsAddr) && !strings.HasSuffix(c.PprofAddr, ":0") {
		return fmt.Errorf("--pprof-addr %s: want an address of its own, not --addr or --metrics-addr", c.PprofAddr)
	}
	if c.Limits.LoginUser < 0 || c.Limits.AgentSockets < 0 || c.Limits.CustomerSockets < 0 {
		return errors.New("--limit-login-user, --limit-agent-sockets and --limit-customer-sockets: want 0 (no limit) or more")
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("--base-url %q: want an http or https URL", c.BaseURL)
		}
	}
	if c.OfferTimeout < time.Second {
		return fmt.Errorf("--offer-timeout %s: want at least 1s", c.OfferTimeout)
	}
	if c.Grace < time.Second {
		return fmt.Errorf("--grace %s: want at least 1s", c.Grace)
	}
	if c.CustomerGrace < time.Second {
		return fmt.Errorf("--customer-grace %s: want at least 1s", c.CustomerGrace)
	}
	if c.CustomerAbandon < time.Second {
		return fmt.Errorf("--customer-abandon %s: want at least 1s", c.CustomerAbandon)
	}
	if c.Limits.UploadChatBytes < 0 {
		return errors.New("--limit-upload-mb: want 0 (no limit) or more")
	}
	if c.KeepUnsent != 0 && c.KeepUnsent < time.Minute {
		return fmt.Errorf("--keep-unsent %s: want at least 1m", c.KeepUnsent)
	}
	if c.CustomerIdle != 0 && c.CustomerIdle < time.Hour {
		return fmt.Errorf("--customer-idle %s: want at least 1h", c.CustomerIdle)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("--log-level %q: want debug, info, warn or error", c.LogLevel)
	}
	return nil
}

// checkStore checks the flags that name the installation's store and bus,
// which serve and user share.
func checkStore(db, nats string) error {
	if db != "" && !strings.HasPrefix(db, "postgres://") && !strings.HasPrefix(db, "postgresql://") {
		return fmt.Errorf("--db %q: want empty (embedded SQLite in --data) or a postgres:// URL", redact(db))
	}
	if nats != "" {
		for u := range strings.SplitSeq(nats, ",") {
			if !strings.HasPrefix(u, "nats://") && !strings.HasPrefix(u, "tls://") {
				return fmt.Errorf("--nats %q: want a nats:// or tls:// URL", redact(nats))
			}
		}
		if db == "" {
			return errors.New("--nats needs --db postgres://…: several nodes share their state in PostgreSQL")
		}
	}
	return nil
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c Config
	fs.StringVar(&c.Addr, "addr", "127.0.0.1:8080", "listen address")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", "", "listen address of /metrics (Prometheus), e.g. 127.0.0.1:9090; empty: no metrics (they are never on --addr)")
	fs.StringVar(&c.PprofAddr, "pprof-addr", "", "listen address of /debug/pprof/ (Go's profiler), e.g. 127.0.0.1:6060; empty: none. For profiling only, never on a public address")
	fs.Var(&c.TrustedProxies, "trusted-proxies", "comma-separated addresses or CIDRs of load balancers whose X-Forwarded-For names the client (default none)")
	fs.StringVar(&c.Data, "data", "data", "data folder (SQLite database)")
	fs.StringVar(&c.DB, "db", "", "database: empty for embedded SQLite in the data folder, or postgres://… shared by several nodes")
	fs.StringVar(&c.NATS, "nats", "", "NATS URL (nats://… or tls://…, with user:password@ or token@ if the server wants them) that carries events between nodes; needs --db postgres://…")
	fs.StringVar(&c.NATSCreds, "nats-creds", "", "NATS credentials file (.creds) of a JWT user")
	fs.StringVar(&c.SMTP.Host, "smtp-host", "", "SMTP server that e-mails (customers' transcripts) go out by; empty: no e-mail")
	fs.IntVar(&c.SMTP.Port, "smtp-port", 0, "SMTP port (default 587 for starttls, 465 for tls, 25 for none)")
	fs.StringVar((*string)(&c.SMTP.Security), "smtp-security", "starttls", "starttls, tls or none (none only for a server on this machine)")
	fs.StringVar(&c.SMTP.Username, "smtp-user", "", "SMTP user name, if the server wants one; the password from SKRANKE_SMTP_PASSWORD or --smtp-password-file")
	fs.StringVar(&c.SMTPPasswordFile, "smtp-password-file", "", "file holding the SMTP password")
	fs.StringVar(&c.SMTP.From, "smtp-from", "", "the sender of e-mails, e.g. 'Example Support <chat@example.com>'")
	fs.StringVar(&c.NATSNKey, "nats-nkey", "", "NATS nkey seed file of an nkey user")
	fs.StringVar(&c.NATSCA, "nats-ca", "", "PEM CA file to verify the NATS server's certificate (turns TLS on)")
	fs.BoolVar(&c.NATSInsecure, "nats-insecure", false, "allow a NATS server off this machine without authentication or TLS")
	fs.StringVar(&c.NodeID, "node-id", "", "this node's name in logs and presence (default: random)")
	fs.StringVar(&c.BaseURL, "base-url", "", "public URL of this server, e.g. https://chat.example.com (default http://ADDR)")
	fs.BoolVar(&c.Demo, "demo", false, "seed the demo organisation and print its logins")
	fs.DurationVar(&c.OfferTimeout, "offer-timeout", 30*time.Second, "how long an agent has to answer an offer")
	fs.DurationVar(&c.Grace, "grace", 60*time.Second, "how long a disconnected agent keeps its chats")
	fs.DurationVar(&c.CustomerGrace, "customer-grace", 10*time.Second, "how long a customer may be without a connection (a reload, a network blip) before the chat records that the customer left")
	fs.DurationVar(&c.CustomerAbandon, "customer-abandon", 5*time.Minute, "how long a waiting chat whose customer left waits for the customer to come back before it ends")
	fs.DurationVar(&c.CustomerIdle, "customer-idle", 30*24*time.Hour, "how long a customer's token may go unused before it expires")
	fs.StringVar(&c.LogLevel, "log-level", "info", "debug, info, warn or error")
	c.Limits = server.DefaultLimits()
	fs.Var(&c.Limits.LoginAddress, "limit-login-address", "failed logins per client address, as N/DURATION, or off")
	fs.IntVar(&c.Limits.LoginUser, "limit-login-user", c.Limits.LoginUser, "failed logins in a row per user name before each further try waits (1s, doubling to 5m); 0: off")
	fs.Var(&c.Limits.Customers, "limit-customers", "new customers (widget starts) per client address, as N/DURATION, or off")
	fs.Var(&c.Limits.Conversations, "limit-conversations", "chat starts per client address, as N/DURATION, or off")
	fs.Var(&c.Limits.SSOStarts, "limit-sso-starts", "sign-ins started at the identity provider per client address, as N/DURATION, or off")
	fs.IntVar(&c.Limits.AgentSockets, "limit-agent-sockets", c.Limits.AgentSockets, "agent WebSockets open at once per login session; 0: off")
	fs.IntVar(&c.Limits.CustomerSockets, "limit-customer-sockets", c.Limits.CustomerSockets, "customer WebSockets open at once per customer token; 0: off")
	fs.Var(&c.Limits.UploadFiles, "limit-uploads", "files a customer may upload, as N/DURATION (N at once, then N per DURATION), or off")
	uploadMB := fs.Int64("limit-upload-mb", c.Limits.UploadChatBytes>>20, "MB a customer may upload to one chat in all; 0: off")
	fs.DurationVar(&c.KeepUnsent, "keep-unsent", 24*time.Hour, "how long an uploaded file may wait to be sent before it is removed")
	if err := parseWithEnv(fs, args); err != nil {
		return err
	}
	c.SMTP.Password = os.Getenv("SKRANKE_SMTP_PASSWORD")
	if c.SMTPPasswordFile != "" {
		b, err := os.ReadFile(c.SMTPPasswordFile)
		if err != nil {
			return fmt.Errorf("--smtp-password-file: %w", err)
		}
		c.SMTP.Password = strings.TrimRight(string(b), "\r\n")
	}
	c.Limits.UploadChatBytes = *uploadMB << 20
	if err := c.Validate(); err != nil {
		return err
	}
	var level slog.Level
	level.UnmarshalText([]byte(c.LogLevel))
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	cfg := c.serverConfig()
	cfg.Logger = log
	srv, err := server.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer srv.Close()

	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	var metricsURL string
	var mln net.Listener
	if c.MetricsAddr != "" {
		if mln, err = net.Listen("tcp", c.MetricsAddr); err != nil {
			ln.Close()
			return fmt.Errorf("listen for metrics: %w", err)
		}
		metricsURL = "http://" + mln.Addr().String() + "/metrics"
	}
	var pln net.Listener
	if c.PprofAddr != "" {
		if pln, err = net.Listen("tcp", c.PprofAddr); err != nil {
			ln.Close()
			if mln != nil {
				mln.Close()
			}
			return fmt.Errorf("listen for pprof: %w", err)
		}
		log.Info("profiler serving", "addr", pln.Addr().String())
	}
	base := c.BaseURL
	if base == "" {
		base = "http://" + ln.Addr().String()
	}
	base = strings.TrimSuffix(base, "/")
	storeDesc := "sqlite:" + c.Data
	if c.DB != "" {
		storeDesc = redact(c.DB)
	}
	log.Info("skranke serving", "addr", ln.Addr().String(), "metrics", metricsURL, "store", storeDesc, "nats", redact(c.NATS),
		"node", c.NodeID, "demo", c.Demo, "offerTimeout", c.OfferTimeout, "grace", c.Grace,
		"customerGrace", c.CustomerGrace, "customerAbandon", c.CustomerAbandon,
		"trustedProxies", c.TrustedProxies.String(), "limits", fmt.Sprintf("%+v", c.Limits))
	// An installation without users (never with --demo, which made them)
	// gets a set-up link; one with users forgets any it had.
	var setupLink string
	secret, err := srv.Admin.EnsureSetup(ctx)
	if err != nil {
		return fmt.Errorf("first-run set-up: %w", err)
	}
	if secret != "" {
		setupLink = base + "/admin/setup#" + secret
		log.Warn("no administrator yet: open the set-up link to create the first one (it works once)", "link", setupLink)
	}
	printWelcome(stdout, base, metricsURL, c.Demo, setupLink)

	runCtx, cancelRun := context.WithCancel(ctx)
	defer cancelRun()
	runDone := make(chan error, 1)
	go func() { runDone <- srv.Run(runCtx) }()

	hs := newHTTPServer(srv.Handler(), log)
	serveDone := make(chan error, 1)
	go func() { serveDone <- hs.Serve(ln) }()
	var ms *http.Server
	if mln != nil {
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", srv.MetricsHandler())
		ms = newHTTPServer(mux, log)
		go func() {
			if err := ms.Serve(mln); !errors.Is(err, http.ErrServerClosed) {
				log.Error("metrics server", "err", err)
			}
		}()
	}

	var ps *http.Server
	if pln != nil {
		ps = newHTTPServer(pprofMux(), log)
		go func() {
			if err := ps.Serve(pln); !errors.Is(err, http.ErrServerClosed) {
				log.Error("pprof server", "err", err)
			}
		}()
	}

	select {
	case err = <-serveDone:
	case err = <-runDone:
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	hs.Shutdown(sctx)
	if ms != nil {
		ms.Shutdown(sctx)
	}
	if ps != nil {
		ps.Close() // a profile being taken is cut off
	}
	cancelRun()
	<-runDone
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// publicURL is the server's public URL: --base-url, or http://ADDR.
func (c Config) publicURL() string {
	if c.BaseURL != "" {
		return strings.TrimSuffix(c.BaseURL, "/")
	}
	return "http://" + c.Addr
}

// serverConfig is the node configuration c asks for.
func (c Config) serverConfig() server.Config {
	return server.Config{
		DataDir:        c.Data,
		Postgres:       c.DB,
		NATS:           c.NATS,
		NATSCredsFile:  c.NATSCreds,
		NATSNKeyFile:   c.NATSNKey,
		NATSCAFile:     c.NATSCA,
		NATSInsecure:   c.NATSInsecure,
		NodeID:         c.NodeID,
		Demo:           c.Demo,
		Secure:         strings.HasPrefix(c.BaseURL, "https:"),
		BaseURL:        c.publicURL(),
		OfferTimeout:   c.OfferTimeout,
		Grace:          c.Grace,
		CustomerGrace:  c.CustomerGrace,
		AbandonAfter:   c.CustomerAbandon,
		CustomerIdle:   c.CustomerIdle,
		UnsentFiles:    c.KeepUnsent,
		Limits:         c.Limits,
		Mail:           c.SMTP,
		TrustedProxies: c.TrustedProxies,
	}
}

// Timeouts of the HTTP server. There is no ReadTimeout: it would also end
// every WebSocket, which lives for hours; request bodies get a deadline of
// their own (httpapi.Options.BodyTimeout) instead.
const (
	readHeaderTimeout = 10 * time.Second  // a client has this long to send a request's headers
	idleTimeout       = 120 * time.Second // a kept-alive connection without a request is closed after this
)

// newHTTPServer returns the HTTP server for h, with serve's timeouts.
func newHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		IdleTimeout:       idleTimeout,
		ConnContext:       httpapi.ConnContext, // slow WebSocket clients are found in seconds
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// prefixList is a flag of comma-separated addresses or CIDR prefixes; an
// address alone is a prefix of its full length.
type prefixList []netip.Prefix

func (l *prefixList) String() string {
	var s []string
	for _, p := range *l {
		s = append(s, p.String())
	}
	return strings.Join(s, ",")
}

func (l *prefixList) Set(v string) error {
	*l = nil
	for f := range strings.SplitSeq(v, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			*l = append(*l, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return fmt.Errorf("%q is not an address or CIDR prefix (e.g. 10.0.0.0/24)", f)
		}
		*l = append(*l, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return nil
}

// parseWithEnv parses args, then sets every flag not given on the command
// line from SKRANKE_<FLAG>.
func parseWithEnv(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] || err != nil {
			return
		}
		name := "SKRANKE_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(name); ok {
			if e := f.Value.Set(v); e != nil {
				err = fmt.Errorf("%s=%q: %w", name, v, e)
			}
		}
	})
	return err
}

func printWelcome(w io.Writer, base, metricsURL string, withDemo bool, setupLink string) {
	fmt.Fprintf(w, "\nSkranke is running at %s\n\n", base)
	if setupLink != "" {
		fmt.Fprintln(w, "This installation has no administrator yet. Open this link to create the first one;")
		fmt.Fprintln(w, "it works once (or run 'skranke user add --role admin NAME'):")
		fmt.Fprintf(w, "\n  Set-up link:    %s\n\n", setupLink)
	}
	fmt.Fprintf(w, "  Agent desktop:  %s/agent\n", base)
	fmt.Fprintf(w, "  Administration: %s/admin\n", base)
	fmt.Fprintf(w, "  Demo website:   %s/demo/  (a customer's view, with the chat widget)\n", base)
	fmt.Fprintf(w, "  Health:         %s/healthz   API: %s/api/openapi.yaml\n", base, base)
	if metricsURL != "" {
		fmt.Fprintf(w, "  Metrics:        %s\n", metricsURL)
	}
	fmt.Fprintln(w)
	if !withDemo {
		return
	}
	fmt.Fprintln(w, "Demo logins (username / password):")
	for _, l := range demo.Logins {
		fmt.Fprintf(w, "  %-6s / %-11s %s, %s, profile %q\n", l.Username, l.Password, l.DisplayName, l.Role, l.Profile)
	}
	fmt.Fprintln(w, "\nTry it: open the demo website in one browser window and the agent desktop in another;")
	fmt.Fprintln(w, "log in as anna, choose Ready, then start a chat from the website.")
	fmt.Fprintln(w)
}

// pprofMux serves net/http/pprof's handlers on a mux of their own, so they
// exist only on --pprof-addr: the package's init also registers them on
// http.DefaultServeMux, which Skranke never serves.
func pprofMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}
