// Package server assembles Skranke from its parts — store, bus, router,
// realtime hub and HTTP API — for `skranke serve` and for the tests that run
// the whole product (internal/apptest), so both run exactly the same wiring.
package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/sync/errgroup"

	"skranke/admin"
	"skranke/auth"
	"skranke/backup"
	"skranke/blob"
	"skranke/blob/diskblob"
	"skranke/blob/pgblob"
	"skranke/bus"
	"skranke/bus/natsbus"
	"skranke/chat"
	"skranke/conversation"
	"skranke/demo"
	"skranke/httpapi"
	"skranke/mail"
	"skranke/outbox"
	"skranke/realtime"
	"skranke/routing"
	"skranke/store"
	"skranke/store/postgres"
	"skranke/store/sqlite"
	"skranke/web"
	"skranke/webhook"
)

// Config is what a node needs. Zero values are the documented defaults.
type Config struct {
	DataDir string // where the SQLite file lives; "./data"
	// Postgres, when set, is the DSN of the PostgreSQL database that
	// several nodes share instead of SQLite; PostgresSchema names the
	// schema (default "public"; tests use one each).
	Postgres       string
	PostgresSchema string
	// NATS, when set, is the URL of the NATS server that carries events
	// between nodes instead of the in-process bus; NATSSubject prefixes its
	// subjects (default "skranke"; tests use one each).
	NATS        string
	NATSSubject string
	// NATSCredsFile, NATSNKeyFile and NATSCAFile authenticate and encrypt
	// the NATS connection (natsbus.Options); a user and password or a
	// token go in the NATS URL. NATSInsecure allows a server off this
	// machine without authentication and TLS, which is refused otherwise
	// (CheckNATS).
	NATSCredsFile string
	NATSNKeyFile  string
	NATSCAFile    string
	NATSInsecure  bool
	NodeID        string // names this node in logs and presence; random when empty
	// Heartbeat is how often the node repeats its agents' presence; the
	// router forgets presence not repeated for three heartbeats. 5s.
	Heartbeat    time.Duration
	Demo         bool          // seed the demo organisation
	Secure       bool          // HTTPS only cookies (the base URL is https)
	OfferTimeout time.Duration // 30s
	Grace        time.Duration // 60s
	// CustomerGrace is how long a customer may be without a socket before
	// the chat records that the customer left (10s); AbandonAfter how long
	// a waiting chat whose customer left waits before it ends (5m).
	CustomerGrace time.Duration
	AbandonAfter  time.Duration
	BcryptCost    int           // auth.DefaultBcryptCost
	SessionTTL    time.Duration // how long a login lasts; auth.DefaultSessionTTL
	CustomerIdle  time.Duration // how long an unused customer token lasts; auth.DefaultCustomerIdle
	Logger        *slog.Logger  // slog.Default()
	// Limits limit what callers may do (limits.go); its zero value limits
	// nothing, so callers set DefaultLimits() or their own.
	Limits Limits
	// TrustedProxies are the load balancers whose X-Forwarded-For names
	// the client (httpapi.Options.TrustedProxies); none by default.
	TrustedProxies []netip.Prefix
	// BodyTimeout bounds how long a request body may take to arrive; 30s.
	// An upload may take longer, but not stall for longer.
	BodyTimeout time.Duration
	// Mail is the SMTP server that e-mails go out by; without a Host,
	// nothing is e-mailed.
	Mail mail.Config
	// Outbox tunes the outbox worker (retries); zero values are its
	// defaults. Tests shorten them.
	Outbox OutboxConfig
	// Webhooks tunes webhook deliveries; zero values are their defaults
	// (webhook.Options).
	Webhooks WebhookConfig
	// RetentionInterval is how often the retention job deletes chats whose
	// time has come or whose customer asked for it. 1m.
	RetentionInterval time.Duration
	// Now is the clock of opening hours and of the application layers
	// (tests move it); time.Now when nil. The stores keep their own.
	Now func() time.Time
	// UnsentFiles is how long an uploaded file may wait to be sent before
	// it is removed; 24h.
	UnsentFiles time.Duration
	// BaseURL is the node's public URL: what customers' identity tokens
	// name in aud, unless the administrator sets another audience.
	BaseURL string
}

// OutboxConfig tunes the outbox worker; see outbox.Options.
type OutboxConfig struct {
	Poll, FirstRetry, MaxRetry, GiveUpAfter time.Duration
}

// WebhookConfig tunes webhook deliveries; see webhook.Options.
type WebhookConfig struct {
	Timeout, PauseAfter time.Duration
	PauseFailures       int
}

// Server is one assembled Skranke node.
type Server struct {
	Store    store.Store
	Bus      bus.Bus
	Router   *routing.Router
	Hub      *realtime.Hub
	Auth     *auth.Service
	Service  *conversation.Service
	Admin    *admin.Service
	API      *httpapi.Server
	Registry *prometheus.Registry
	Blobs    blob.Store
	handler  http.Handler
	metrics  http.Handler

	dataLock          *os.File // the data folder's lock, held while a single node runs (backup.LockData)
	outbox            *outbox.Worker
	outboxElector     *postgres.Elector // nil on a single node
	retentionInterval time.Duration
}

// Open opens the store (running its migrations), seeds the demo
// organisation if asked, and assembles the node. Run it, then serve
// Handler.
func Open(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.DataDir == "" {
		cfg.DataDir = "data"
	}
	if cfg.NodeID == "" {
		cfg.NodeID = chat.NewID()[:8]
	}
	if cfg.Heartbeat == 0 {
		cfg.Heartbeat = 5 * time.Second
	}
	log := cfg.Logger.With("node", cfg.NodeID)
	// A single node holds its data folder's lock while it runs, so that
	// `skranke restore` cannot pull the database from under it.
	var lock *os.File
	if cfg.Postgres == "" {
		l, err := backup.LockData(cfg.DataDir)
		if err != nil {
			return nil, err
		}
		lock = l
	}
	storeMet := newStoreMetrics()
	st, elector, err := openStore(ctx, cfg, storeMet.timings())
	if err != nil {
		closeLock(lock)
		return nil, err
	}
	blobs, spool, err := openBlobs(ctx, cfg)
	if err != nil {
		st.Close()
		closeLock(lock)
		return nil, err
	}
	b, err := openBus(ctx, cfg, log)
	if err != nil {
		blobs.Close()
		st.Close()
		closeLock(lock)
		return nil, err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	lim := cfg.Limits.build(reg)
	storeMet.register(reg, cfg.Postgres == "")

	reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "skranke_store_storage_errors_total",
		Help: "Store operations that failed because the storage did (a full disk, an I/O error); /healthz answers 503 meanwhile.",
	}, func() float64 { return float64(st.StorageErrors()) }))

	au := auth.NewService(st, auth.Options{BcryptCost: cfg.BcryptCost, SessionTTL: cfg.SessionTTL, CustomerIdle: cfg.CustomerIdle, LoginBackoff: lim.loginUser, BaseURL: cfg.BaseURL, TokenNow: cfg.Now})
	router := routing.New(st, b, log.With("component", "router"), routing.Options{
		Elector:         elector,
		OfferTimeout:    cfg.OfferTimeout,
		Grace:           cfg.Grace,
		PresenceTimeout: 3 * cfg.Heartbeat,
		CustomerGrace:   cfg.CustomerGrace,
		AbandonAfter:    cfg.AbandonAfter,
	})
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "skranke_router_invariant_violations",
		Help: "Chats that break the router's invariants for longer than a repair takes (held by a gone agent, active without an agent); 0 when routing works.",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		v, err := router.Violations(ctx)
		if err != nil {
			return 0
		}
		return float64(len(v))
	}))
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "skranke_router_leader",
		Help: "1 while this node routes chats (holds the router lease), else 0.",
	}, func() float64 {
		if router.Leading() {
			return 1
		}
		return 0
	}))
	if err := cfg.Mail.Validate(); err != nil {
		st.Close()
		closeLock(lock)
		blobs.Close()
		b.Close()
		return nil, err
	}
	sender := mail.New(cfg.Mail)
	var worker *outbox.Worker
	svc := conversation.New(conversation.Options{
		Store: st, Bus: b, Invitations: router, Supervision: router, InviteTimeout: cfg.OfferTimeout,
		Blobs: blobs, SpoolDir: spool, Uploads: lim.uploads, UnsentFor: cfg.UnsentFiles,
		Logger: log.With("component", "conversation"), Now: cfg.Now,
		Mail:     sender != nil,
		Kick:     func() { worker.Kick() },
		Privacy:  func(ctx context.Context) (chat.Privacy, error) { return store.PrivacySettings(ctx, st) },
		Audience: cfg.BaseURL, BaseURL: cfg.BaseURL, Registry: reg,
	})
	hooks := webhook.New(webhook.Options{Store: st, Logger: log.With("component", "webhook"), Now: cfg.Now, Registry: reg,
		Timeout: cfg.Webhooks.Timeout, PauseAfter: cfg.Webhooks.PauseAfter, PauseFailures: cfg.Webhooks.PauseFailures})
	worker = outbox.New(outbox.Options{
		Store: st, Logger: log.With("component", "outbox"), Registry: reg,
		Permanent: func(err error) bool { return mail.IsPermanent(err) || webhook.IsPermanent(err) },
		Poll:      cfg.Outbox.Poll, FirstRetry: cfg.Outbox.FirstRetry, MaxRetry: cfg.Outbox.MaxRetry, GiveUpAfter: cfg.Outbox.GiveUpAfter,
		Handlers: map[string]outbox.Handler{
			conversation.JobTranscriptMail: func(ctx context.Context, j store.Job) error {
				if sender == nil {
					return mail.Permanent(errors.New("e-mail is not set up (--smtp-host)"))
				}
				m, err := svc.TranscriptMail(ctx, j)
				if err != nil {
					return err
				}
				if err := sender.Send(ctx, mail.Message{To: m.To, Subject: m.Subject, HTML: m.HTML, Text: m.Text, ID: j.ID}); err != nil {
					return err
				}
				// Sent: the endpoints that want it hear of it. A failure here
				// loses that message only, never sends the e-mail twice.
				if err := webhook.TranscriptSent(ctx, st, j.ConversationID, j.ID, m.Lang); err != nil {
					log.Warn("webhook: transcript sent", "conversation", j.ConversationID, "err", err)
				}
				return nil
			},
			store.JobWebhook: hooks.Handle,
		},
	})
	hub := realtime.NewHub(realtime.Options{
		Service: svc, Bus: b, Auth: au, NodeID: cfg.NodeID,
		HeartbeatInterval: cfg.Heartbeat,
		Logger:            log.With("component", "realtime"), Registry: reg,
		CustomerSockets: lim.customerSockets,
	})
	adm := admin.New(admin.Options{Store: st, Bus: b, Sessions: hub, BcryptCost: cfg.BcryptCost, Audience: cfg.BaseURL,
		Logger: log.With("component", "admin"), Now: cfg.Now})
	if cfg.Demo {
		if err := demo.Seed(ctx, adm, st); err != nil {
			b.Close()
			blobs.Close()
			st.Close()
			closeLock(lock)
			return nil, err
		}
	}
	var demoIdentity func(context.Context) (string, error)
	if cfg.Demo {
		demoIdentity = func(ctx context.Context) (string, error) {
			id, err := adm.Identity(ctx, auth.Actor{System: "demo"})
			if err != nil {
				return "", err
			}
			return demo.IdentityToken(id.Audience, time.Now())
		}
	}
	api := httpapi.New(httpapi.Options{
		DemoIdentity: demoIdentity,
		Service:      svc, Admin: adm, Auth: au, Hub: hub, Routing: router,
		Web: web.Dist(), Logger: log.With("component", "http"), Secure: cfg.Secure,
		Limits: lim.http, TrustedProxies: cfg.TrustedProxies, BodyTimeout: cfg.BodyTimeout,
	})
	return &Server{
		Store: st, Bus: b, Router: router, Hub: hub, Auth: au, Service: svc, Admin: adm, API: api, Registry: reg, Blobs: blobs,
		dataLock: lock, outbox: worker, outboxElector: outboxElector(st), retentionInterval: cmp.Or(cfg.RetentionInterval, time.Minute),
		handler: api.Handler(),
		metrics: promhttp.HandlerFor(reg, promhttp.HandlerOpts{}),
	}, nil
}

// OpenAdmin opens the store (and the bus, when cfg has NATS, so that
// other nodes hear of the changes) for administration from the command
// line, without serving anything. Close it with the returned function.
func OpenAdmin(ctx context.Context, cfg Config) (*admin.Service, func() error, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.DataDir == "" {
		cfg.DataDir = "data"
	}
	st, _, err := openStore(ctx, cfg, store.Timings{})
	if err != nil {
		return nil, nil, err
	}
	b, err := openBus(ctx, cfg, cfg.Logger)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	adm := admin.New(admin.Options{Store: st, Bus: b, BcryptCost: cfg.BcryptCost, Logger: cfg.Logger})
	return adm, func() error { return errors.Join(b.Close(), st.Close()) }, nil
}

// Advisory-lock keys of the roles one node at a time has.
const (
	routerLock = 1 // the router
	outboxLock = 2 // the outbox worker and the retention job
)

// outboxElector returns the elector of the outbox worker for a store
// several nodes share, nil for one of a single node.
func outboxElector(st store.Store) *postgres.Elector {
	if db, ok := st.(*postgres.DB); ok {
		return db.Elector(outboxLock)
	}
	return nil
}

// openStore opens SQLite in the data folder, or PostgreSQL with an
// elector for the router when several nodes share it.
func openStore(ctx context.Context, cfg Config, timings store.Timings) (store.Store, routing.Elector, error) {
	if cfg.Postgres != "" {
		db, err := postgres.Open(ctx, cfg.Postgres, postgres.Options{Schema: cfg.PostgresSchema, Timings: timings})
		if err != nil {
			return nil, nil, err
		}
		return db, pgElector{db.Elector(routerLock)}, nil
	}
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, nil, fmt.Errorf("data folder: %w", err)
	}
	db, err := sqlite.Open(ctx, filepath.Join(cfg.DataDir, "skranke.db"), sqlite.Options{Timings: timings})
	if err != nil {
		return nil, nil, err
	}
	return db, nil, nil
}

// openBlobs opens where attachments' bytes live: PostgreSQL when several
// nodes share it, else the folder "blobs" of the data folder. It also
// makes the folder "uploads" of the data folder, where uploads are spooled
// while they arrive, and empties it of what a crash left.
func openBlobs(ctx context.Context, cfg Config) (blob.Store, string, error) {
	spool := filepath.Join(cfg.DataDir, "uploads")
	if err := os.MkdirAll(spool, 0o750); err != nil {
		return nil, "", fmt.Errorf("upload folder: %w", err)
	}
	if left, err := filepath.Glob(filepath.Join(spool, "upload-*")); err == nil {
		for _, f := range left {
			os.Remove(f)
		}
	}
	if cfg.Postgres != "" {
		s, err := pgblob.Open(ctx, cfg.Postgres, pgblob.Options{Schema: cfg.PostgresSchema})
		return s, spool, err
	}
	s, err := diskblob.Open(filepath.Join(cfg.DataDir, "blobs"))
	return s, spool, err
}

// openBus connects to NATS, or returns the in-process bus of a single node.
func openBus(ctx context.Context, cfg Config, log *slog.Logger) (bus.Bus, error) {
	if cfg.NATS == "" {
		return bus.NewLocal(), nil
	}
	return natsbus.Open(ctx, cfg.NATS, natsOptions(cfg, log))
}

// natsOptions are the bus options of cfg.
func natsOptions(cfg Config, log *slog.Logger) natsbus.Options {
	return natsbus.Options{
		Subject: cfg.NATSSubject, Name: "skranke-" + cfg.NodeID, Logger: log.With("component", "bus"),
		CredsFile: cfg.NATSCredsFile, NKeyFile: cfg.NATSNKeyFile, CAFile: cfg.NATSCAFile,
		AllowInsecure: cfg.NATSInsecure,
	}
}

// CheckNATS returns an error saying what is missing when cfg would connect
// to a NATS server off this machine without authentication or TLS and
// NATSInsecure is not set; Open refuses the same. For checking a
// configuration before opening anything.
func CheckNATS(cfg Config) error {
	if cfg.NATS == "" || cfg.NATSInsecure {
		return nil
	}
	return natsbus.Insecure(cfg.NATS, natsOptions(cfg, slog.Default()))
}

// pgElector adapts the PostgreSQL elector to the router's interface.
type pgElector struct{ e *postgres.Elector }

func (p pgElector) Campaign(ctx context.Context) (routing.Lease, error) {
	l, err := p.e.Campaign(ctx)
	if err != nil {
		return nil, err
	}
	return l, nil
}

// Handler serves the node's HTTP.
func (s *Server) Handler() http.Handler { return s.handler }

// MetricsHandler serves the node's Prometheus metrics. It is not part of
// Handler: metrics tell about the organisation's traffic, so `serve` puts
// them on an address of their own (--metrics-addr), off the public port.
func (s *Server) MetricsHandler() http.Handler { return s.metrics }

// Run runs the router and the hub until ctx is done.
func (s *Server) Run(ctx context.Context) error {
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return s.Router.Run(gctx) })
	g.Go(func() error { return s.Hub.Run(gctx) })
	g.Go(func() error { return s.runSingletons(gctx) })
	err := g.Wait()
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// Close closes the store, the blob store and the bus, and lets go of the
// data folder.
func (s *Server) Close() error {
	err := errors.Join(s.Bus.Close(), s.Blobs.Close(), s.Store.Close())
	closeLock(s.dataLock)
	return err
}

func closeLock(f *os.File) {
	if f != nil {
		f.Close()
	}
}

// runSingletons runs the work one node at a time does, the outbox worker,
// the retention job and the sweeper of unsent files, until ctx is done: at once on a single node; with
// several, on the node that holds the outbox's lease, campaigning again
// whenever it is lost.
func (s *Server) runSingletons(ctx context.Context) error {
	run := func(ctx context.Context) {
		var g errgroup.Group
		g.Go(func() error { return s.outbox.Run(ctx) })
		g.Go(func() error { return s.Service.RunRetention(ctx, s.retentionInterval) })
		g.Go(func() error { return s.Service.RunSweeper(ctx) })
		g.Wait()
	}
	if s.outboxElector == nil {
		run(ctx)
		return nil
	}
	for ctx.Err() == nil {
		lease, err := s.outboxElector.Campaign(ctx)
		if err != nil {
			if ctx.Err() == nil {
				select {
				case <-ctx.Done():
				case <-time.After(time.Second):
				}
			}
			continue
		}
		tctx, cancel := context.WithCancel(ctx)
		go func() {
			select {
			case <-lease.Done():
				cancel()
			case <-tctx.Done():
			}
		}()
		run(tctx)
		cancel()
		lease.Release()
	}
	return nil
}
