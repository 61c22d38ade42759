package httpapi

import (
	_ "embed"
	"net/http"

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

	lim, perAddr := s.opts.Limits, s.limitByAddress // ratelimit.go

	// Operations: anyone. (Metrics are on an address of their own.)
	mux.Handle("GET /healthz", s.handle(s.healthz))
	mux.Handle("GET /api/openapi.yaml", http.HandlerFunc(serveOpenAPI))

	// Agents and administrators: session cookie.
	mux.Handle("POST /api/v1/login", s.handle(s.limitLogins(s.login))) // anyone; failures limited per address and per user name
	mux.Handle("POST /api/v1/logout", s.handle(s.logout))              // anyone; ends the cookie's session
	mux.Handle("GET /api/v1/me", user(s.handle(s.me)))
	mux.Handle("GET /api/v1/agents", user(s.handle(s.agents)))                                      // user
	mux.Handle("GET /api/v1/conversations/{id}", user(s.handle(s.conversation)))                    // user who may read it
	mux.Handle("GET /api/v1/conversations/{id}/events", user(s.handle(s.conversationEvents)))       // user who may read it
	mux.Handle("GET /ws/agent", user(s.limitAgentSockets(http.HandlerFunc(s.opts.Hub.ServeAgent)))) // user; sockets limited per session

	// Customers: bearer token, bound to their own conversations.
	mux.Handle("GET /api/v1/widget/queues", s.handle(s.widgetQueues))                                                                         // anyone
	mux.Handle("POST /api/v1/widget/customers", s.handle(perAddr(lim.Customers, "new chats", s.widgetNewCustomer)))                           // anyone; limited per address
	mux.Handle("POST /api/v1/widget/conversations", customer(s.handle(perAddr(lim.Conversations, "chat starts", s.widgetStartConversation)))) // customer; limited per address
	mux.Handle("GET /api/v1/widget/conversations/{id}/events", customer(s.handle(s.widgetEvents)))                                            // customer of that conversation
	mux.Handle("GET /ws/customer", http.HandlerFunc(s.opts.Hub.ServeCustomer))                                                                // customer, by its hello frame

	// Front end.
	s.routeWeb(mux)

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return chat.Errorf(chat.EForbidden, "Cross-origin requests are not allowed.")
	}))
	return s.securityHeaders(s.bodyDeadline(cop.Handler(mux)))
}

func serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	w.Write(openAPI)
}
