package httpapi

import (
	_ "embed"
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"skranke/chat"
)

//go:embed openapi.yaml
var openAPI []byte

// Handler returns every route of Skranke, one per line with who may call it.
// State-changing requests are refused when they come from another origin
// (http.CrossOriginProtection); the agent WebSocket upgrade checks Origin.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	user, customer := s.requireUser, s.requireCustomer

	// Operations: anyone.
	mux.Handle("GET /healthz", s.handle(s.healthz))
	if s.opts.Gatherer != nil {
		mux.Handle("GET /metrics", promhttp.HandlerFor(s.opts.Gatherer, promhttp.HandlerOpts{}))
	}
	mux.Handle("GET /api/openapi.yaml", http.HandlerFunc(serveOpenAPI))

	// Agents and administrators: session cookie.
	mux.Handle("POST /api/v1/login", s.handle(s.login))   // anyone
	mux.Handle("POST /api/v1/logout", s.handle(s.logout)) // anyone; ends the cookie's session
	mux.Handle("GET /api/v1/me", user(s.handle(s.me)))
	mux.Handle("GET /api/v1/agents", user(s.handle(s.agents)))                                // user
	mux.Handle("GET /api/v1/conversations/{id}", user(s.handle(s.conversation)))              // user who may read it
	mux.Handle("GET /api/v1/conversations/{id}/events", user(s.handle(s.conversationEvents))) // user who may read it
	mux.Handle("GET /ws/agent", user(http.HandlerFunc(s.opts.Hub.ServeAgent)))                // user

	// Customers: bearer token, bound to their own conversations.
	mux.Handle("GET /api/v1/widget/queues", s.handle(s.widgetQueues))                              // anyone
	mux.Handle("POST /api/v1/widget/customers", s.handle(s.widgetNewCustomer))                     // anyone
	mux.Handle("POST /api/v1/widget/conversations", customer(s.handle(s.widgetStartConversation))) // customer
	mux.Handle("GET /api/v1/widget/conversations/{id}/events", customer(s.handle(s.widgetEvents))) // customer of that conversation
	mux.Handle("GET /ws/customer", http.HandlerFunc(s.opts.Hub.ServeCustomer))                     // customer, by its hello frame

	// Front end.
	s.routeWeb(mux)

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return chat.Errorf(chat.EForbidden, "Cross-origin requests are not allowed.")
	}))
	return securityHeaders(cop.Handler(mux))
}

func serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	w.Write(openAPI)
}
