package httpapi

import (
	"net/http"
)

// healthz answers a load balancer or a monitor: 200 "ok" while the store
// answers and can write, 503 while it cannot (the database is unreachable,
// or a write failed recently for lack of storage; see store.Checker).
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.opts.Service.Health(r.Context()); err != nil {
		s.log.Error("health check", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("store unavailable\n"))
		return nil
	}
	w.Write([]byte("ok\n"))
	return nil
}
