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
	"os"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"golang.org/x/sync/errgroup"

	"skranke/admin"
	"skranke/auth"
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
	NodeID      string // names this node in logs and presence; random when empty
	// Heartbeat is how often the node repeats its agents' presence; the
	// router forgets presence not repeated for three heartbeats. 5s.
	Heartbeat    time.Duration
	Demo         bool          // seed the demo organisation
	Secure       bool          // HTTPS only cookies (the base URL is https)
	OfferTimeout time.Duration // 30s
	Grace        time.Duration // 60s
	BcryptCost   int           // auth.DefaultBcryptCost
	SessionTTL   time.Duration // how long a login lasts; auth.DefaultSessionTTL
	Logger       *slog.Logger  // slog.Default()
	// Now is the clock of opening hours and of the application layers
	// (tests move it); time.Now when nil. The stores keep their own.
	Now func() time.Time
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
	handler  http.Handler
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
	b, err := openBus(ctx, cfg, log)
	if err != nil {
		st.Close()
		return nil, err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	au := auth.NewService(st, auth.Options{BcryptCost: cfg.BcryptCost, SessionTTL: cfg.SessionTTL})
	router := routing.New(st, b, log.With("component", "router"), routing.Options{
		Elector:         elector,
		OfferTimeout:    cfg.OfferTimeout,
		Grace:           cfg.Grace,
		PresenceTimeout: 3 * cfg.Heartbeat,
	})
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
		Logger: log.With("component", "conversation"), Now: cfg.Now,
	})
	hub := realtime.NewHub(realtime.Options{
		Service: svc, Bus: b, Auth: au, NodeID: cfg.NodeID,
		HeartbeatInterval: cfg.Heartbeat,
		Logger:            log.With("component", "realtime"), Registry: reg,
	})
	adm := admin.New(admin.Options{Store: st, Bus: b, Sessions: hub, BcryptCost: cfg.BcryptCost,
		Logger: log.With("component", "admin"), Now: cfg.Now})
	if cfg.Demo {
		if err := demo.Seed(ctx, adm, st); err != nil {
			b.Close()
			st.Close()
			return nil, err
		}
	}
	api := httpapi.New(httpapi.Options{
		Service: svc, Admin: adm, Auth: au, Hub: hub, Routing: router,
		Web: web.Dist(), Gatherer: reg, Logger: log.With("component", "http"), Secure: cfg.Secure,
	})
	return &Server{Store: st, Bus: b, Router: router, Hub: hub, Auth: au, Service: svc, Admin: adm, API: api,
		Registry: reg, handler: api.Handler()}, nil
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
	st, _, err := openStore(ctx, cfg)
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

// openBus connects to NATS, or returns the in-process bus of a single node.
func openBus(ctx context.Context, cfg Config, log *slog.Logger) (bus.Bus, error) {
	if cfg.NATS == "" {
		return bus.NewLocal(), nil
	}
	return natsbus.Open(ctx, cfg.NATS, natsbus.Options{Subject: cfg.NATSSubject, Name: "skranke-" + cfg.NodeID, Logger: log.With("component", "bus")})
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

// Run runs the router and the hub until ctx is done.
func (s *Server) Run(ctx context.Context) error {
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return s.Router.Run(gctx) })
	g.Go(func() error { return s.Hub.Run(gctx) })
	err := g.Wait()
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// Close closes the store and the bus.
func (s *Server) Close() error {
	return errors.Join(s.Bus.Close(), s.Store.Close())
}
