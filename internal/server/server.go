// Package server assembles Skranke from its parts — store, bus, router,
// realtime hub and HTTP API — for `skranke serve` and for the tests that run
// the whole product (internal/apptest), so both run exactly the same wiring.
package server

import (
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

	"skranke/auth"
	"skranke/blob"
	"skranke/blob/diskblob"
	"skranke/blob/pgblob"
	"skranke/bus"
	"skranke/bus/natsbus"
	"skranke/chat"
	"skranke/conversation"
	"skranke/demo"
	"skranke/httpapi"
	"skranke/realtime"
	"skranke/routing"
	"skranke/store"
	"skranke/store/postgres"
	"skranke/store/sqlite"
	"skranke/web"
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
	BcryptCost   int           // auth.DefaultBcryptCost
	SessionTTL   time.Duration // how long a login lasts; auth.DefaultSessionTTL
	CustomerIdle time.Duration // how long an unused customer token lasts; auth.DefaultCustomerIdle
	Logger       *slog.Logger  // slog.Default()
	// Limits limit what callers may do (limits.go); its zero value limits
	// nothing, so callers set DefaultLimits() or their own.
	Limits Limits
	// TrustedProxies are the load balancers whose X-Forwarded-For names
	// the client (httpapi.Options.TrustedProxies); none by default.
	TrustedProxies []netip.Prefix
	// BodyTimeout bounds how long a request body may take to arrive; 30s.
	// An upload may take longer, but not stall for longer.
	BodyTimeout time.Duration
	// UnsentFiles is how long an uploaded file may wait to be sent before
	// it is removed; 24h.
	UnsentFiles time.Duration
}

// Server is one assembled Skranke node.
type Server struct {
	Store    store.Store
	Bus      bus.Bus
	Router   *routing.Router
	Hub      *realtime.Hub
	Auth     *auth.Service
	Service  *conversation.Service
	API      *httpapi.Server
	Registry *prometheus.Registry
	Blobs    blob.Store
	handler  http.Handler
	metrics  http.Handler
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
	st, elector, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.Demo {
		if err := demo.Seed(ctx, st, cfg.BcryptCost); err != nil {
			st.Close()
			return nil, err
		}
	}
	blobs, spool, err := openBlobs(ctx, cfg)
	if err != nil {
		st.Close()
		return nil, err
	}
	b, err := openBus(ctx, cfg, log)
	if err != nil {
		blobs.Close()
		st.Close()
		return nil, err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	lim := cfg.Limits.build(reg)

	reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "skranke_store_storage_errors_total",
		Help: "Store operations that failed because the storage did (a full disk, an I/O error); /healthz answers 503 meanwhile.",
	}, func() float64 { return float64(st.StorageErrors()) }))

	au := auth.NewService(st, auth.Options{BcryptCost: cfg.BcryptCost, SessionTTL: cfg.SessionTTL, CustomerIdle: cfg.CustomerIdle, LoginBackoff: lim.loginUser})
	router := routing.New(st, b, log.With("component", "router"), routing.Options{
		Elector:         elector,
		OfferTimeout:    cfg.OfferTimeout,
		Grace:           cfg.Grace,
		PresenceTimeout: 3 * cfg.Heartbeat,
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
	svc := conversation.New(conversation.Options{
		Store: st, Bus: b, Invitations: router, InviteTimeout: cfg.OfferTimeout,
		Blobs: blobs, SpoolDir: spool, Uploads: lim.uploads, UnsentFor: cfg.UnsentFiles,
		Logger: log.With("component", "conversation"),
	})
	hub := realtime.NewHub(realtime.Options{
		Service: svc, Bus: b, Auth: au, NodeID: cfg.NodeID,
		HeartbeatInterval: cfg.Heartbeat,
		Logger:            log.With("component", "realtime"), Registry: reg,
		CustomerSockets: lim.customerSockets,
	})
	api := httpapi.New(httpapi.Options{
		Service: svc, Auth: au, Hub: hub, Routing: router,
		Web: web.Dist(), Logger: log.With("component", "http"), Secure: cfg.Secure,
		Limits: lim.http, TrustedProxies: cfg.TrustedProxies, BodyTimeout: cfg.BodyTimeout,
	})
	return &Server{
		Store: st, Bus: b, Router: router, Hub: hub, Auth: au, Service: svc, API: api, Registry: reg, Blobs: blobs,
		handler: api.Handler(),
		metrics: promhttp.HandlerFor(reg, promhttp.HandlerOpts{}),
	}, nil
}

// routerLock is the advisory-lock key of the router's leadership.
const routerLock = 1

// openStore opens SQLite in the data folder, or PostgreSQL with an
// elector for the router when several nodes share it.
func openStore(ctx context.Context, cfg Config) (store.Store, routing.Elector, error) {
	if cfg.Postgres != "" {
		db, err := postgres.Open(ctx, cfg.Postgres, postgres.Options{Schema: cfg.PostgresSchema})
		if err != nil {
			return nil, nil, err
		}
		return db, pgElector{db.Elector(routerLock)}, nil
	}
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, nil, fmt.Errorf("data folder: %w", err)
	}
	db, err := sqlite.Open(ctx, filepath.Join(cfg.DataDir, "skranke.db"), sqlite.Options{})
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
	g.Go(func() error { return s.Service.RunSweeper(gctx) })
	err := g.Wait()
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// Close closes the store, the blob store and the bus.
func (s *Server) Close() error {
	return errors.Join(s.Bus.Close(), s.Blobs.Close(), s.Store.Close())
}
