// Command skranke is the whole Skranke product in one binary.
//
//	skranke serve [flags]            run a node (HTTP, WebSocket, router, front end)
//	skranke user add [flags] NAME    create a user, such as the first administrator
//	skranke user passwd [flags] NAME set a user's password
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
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"skranke/demo"
	"skranke/httpapi"
	"skranke/internal/server"
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
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

// Config is everything `serve` is told, from flags and environment.
type Config struct {
	Addr         string
	Data         string
	DB           string
	NATS         string
	BaseURL      string
	Demo         bool
	OfferTimeout time.Duration
	Grace        time.Duration
	LogLevel     string
	NodeID       string
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
		if !strings.HasPrefix(nats, "nats://") && !strings.HasPrefix(nats, "tls://") {
			return fmt.Errorf("--nats %q: want a nats:// URL", redact(nats))
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
	fs.StringVar(&c.Data, "data", "data", "data folder (SQLite database)")
	fs.StringVar(&c.DB, "db", "", "database: empty for embedded SQLite in the data folder, or postgres://… shared by several nodes")
	fs.StringVar(&c.NATS, "nats", "", "NATS URL (nats://…) that carries events between nodes; needs --db postgres://…")
	fs.StringVar(&c.NodeID, "node-id", "", "this node's name in logs and presence (default: random)")
	fs.StringVar(&c.BaseURL, "base-url", "", "public URL of this server, e.g. https://chat.example.com (default http://ADDR)")
	fs.BoolVar(&c.Demo, "demo", false, "seed the demo organisation and print its logins")
	fs.DurationVar(&c.OfferTimeout, "offer-timeout", 30*time.Second, "how long an agent has to answer an offer")
	fs.DurationVar(&c.Grace, "grace", 60*time.Second, "how long a disconnected agent keeps its chats")
	fs.StringVar(&c.LogLevel, "log-level", "info", "debug, info, warn or error")
	if err := parseWithEnv(fs, args); err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return err
	}
	var level slog.Level
	level.UnmarshalText([]byte(c.LogLevel))
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	srv, err := server.Open(ctx, server.Config{
		DataDir:      c.Data,
		Postgres:     c.DB,
		NATS:         c.NATS,
		NodeID:       c.NodeID,
		Demo:         c.Demo,
		Secure:       strings.HasPrefix(c.BaseURL, "https:"),
		OfferTimeout: c.OfferTimeout,
		Grace:        c.Grace,
		Logger:       log,
	})
	if err != nil {
		return err
	}
	defer srv.Close()

	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
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
	log.Info("skranke serving", "addr", ln.Addr().String(), "store", storeDesc, "nats", redact(c.NATS), "node", c.NodeID, "demo", c.Demo, "offerTimeout", c.OfferTimeout, "grace", c.Grace)
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
	printWelcome(stdout, base, c.Demo, setupLink)

	runCtx, cancelRun := context.WithCancel(ctx)
	defer cancelRun()
	runDone := make(chan error, 1)
	go func() { runDone <- srv.Run(runCtx) }()

	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ConnContext:       httpapi.ConnContext, // slow WebSocket clients are found in seconds
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	serveDone := make(chan error, 1)
	go func() { serveDone <- hs.Serve(ln) }()

	select {
	case err = <-serveDone:
	case err = <-runDone:
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	hs.Shutdown(sctx)
	cancelRun()
	<-runDone
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
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

func printWelcome(w io.Writer, base string, withDemo bool, setupLink string) {
	fmt.Fprintf(w, "\nSkranke is running at %s\n\n", base)
	if setupLink != "" {
		fmt.Fprintln(w, "This installation has no administrator yet. Open this link to create the first one;")
		fmt.Fprintln(w, "it works once (or run 'skranke user add --role admin NAME'):")
		fmt.Fprintf(w, "\n  Set-up link:    %s\n\n", setupLink)
	}
	fmt.Fprintf(w, "  Agent desktop:  %s/agent\n", base)
	fmt.Fprintf(w, "  Administration: %s/admin\n", base)
	fmt.Fprintf(w, "  Demo website:   %s/demo/  (a customer's view, with the chat widget)\n", base)
	fmt.Fprintf(w, "  Health:         %s/healthz   Metrics: %s/metrics   API: %s/api/openapi.yaml\n\n", base, base, base)
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
