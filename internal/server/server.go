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

	"skranke/auth"
	"skranke/bus"
	"skranke/demo"
	"skranke/httpapi"
	"skranke/realtime"
	"skranke/routing"
	"skranke/store"
	"skranke/store/sqlite"
	"skranke/web"
)

// Config is what a node needs. Zero values are the documented defaults.
type Config struct {
	DataDir      string        // where the SQLite file lives; "./data"
	Demo         bool          // seed the demo organisation
	Secure       bool          // HTTPS only cookies (the base URL is https)
	OfferTimeout time.Duration // 30s
	Grace        time.Duration // 60s
	BcryptCost   int           // auth.DefaultBcryptCost
	Logger       *slog.Logger  // slog.Default()
}

// Server is one assembled Skranke node.
type Server struct {
	Store    store.Store
	Bus      bus.Bus
	Router   *routing.Router
	Hub      *realtime.Hub
	Auth     *auth.Service
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
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	st, err := sqlite.Open(ctx, filepath.Join(cfg.DataDir, "skranke.db"), sqlite.Options{})
	if err != nil {
		return nil, err
	}
	if cfg.Demo {
		if err := demo.Seed(ctx, st, cfg.BcryptCost); err != nil {
			st.Close()
			return nil, err
		}
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	b := bus.NewLocal()
	au := auth.NewService(st, auth.Options{BcryptCost: cfg.BcryptCost})
	router := routing.New(st, b, cfg.Logger.With("component", "router"), routing.Options{
		OfferTimeout: cfg.OfferTimeout,
		Grace:        cfg.Grace,
		// Nodes repeat presence every 5 s (realtime's default heartbeat).
		PresenceTimeout: 15 * time.Second,
	})
	hub := realtime.NewHub(realtime.Options{
		Store: st, Bus: b, Auth: au, Invitations: router, InviteTimeout: cfg.OfferTimeout,
		Logger: cfg.Logger.With("component", "realtime"), Registry: reg,
	})
	api := httpapi.New(httpapi.Options{
		Store: st, Bus: b, Auth: au, Hub: hub, Routing: router,
		Web: web.Dist(), Gatherer: reg, Logger: cfg.Logger.With("component", "http"), Secure: cfg.Secure,
	})
	return &Server{Store: st, Bus: b, Router: router, Hub: hub, Auth: au, Registry: reg, handler: api.Handler()}, nil
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
