package httpapi

import (
	_ "embed"
	"net/http"

	"skranke/chat"
)

//go:embed openapi.yaml
var openAPI []byte

// routes lists every route of Skranke, one per line, with who may call it.
// The access column is enforced by Handler (requireAccess), tested for
// every route and every role (internal/apptest), and printed into
// docs/protocol.md by the same test: it is the documentation of who may
// call what.
func (s *Server) routes() []route {
	lim, perAddr := s.opts.Limits, s.limitByAddress // ratelimit.go
	return []route{
		// Operations.
		{"GET /healthz", Anyone, s.handle(s.healthz)},
		{"GET /api/openapi.yaml", Anyone, http.HandlerFunc(serveOpenAPI)},

		// Agents, supervisors and administrators: session cookie.
		{"POST /api/v1/login", Anyone, s.handle(s.limitLogins(s.login))}, // failures limited per address and per user name
		{"POST /api/v1/logout", Anyone, s.handle(s.logout)},              // ends the cookie's session, if any
		{"GET /api/v1/me", Agent, s.handle(s.me)},
		{"GET /api/v1/agents", Agent, s.handle(s.agents)},
		{"GET /api/v1/conversations/{id}", Agent, s.handle(s.conversation)},                                // agent view, if the caller may read it
		{"GET /api/v1/conversations/{id}/events", Agent, s.handle(s.conversationEvents)},                   // agent view, if the caller may read it
		{"POST /api/v1/conversations/{id}/messages", Agent, s.handle(s.postMessage)},                       // an agent in the chat
		{"POST /api/v1/conversations/{id}/accept", Agent, s.handle(s.postAccept)},                          // the agent offered or invited
		{"POST /api/v1/conversations/{id}/reject", Agent, s.handle(s.postReject)},                          // the agent offered or invited
		{"POST /api/v1/conversations/{id}/end", Agent, s.handle(s.postEnd)},                                // an agent in the chat
		{"POST /api/v1/conversations/{id}/invite", Agent, s.handle(s.postInvite)},                          // an agent in the chat
		{"POST /api/v1/conversations/{id}/withdraw", Agent, s.handle(s.postWithdraw)},                      // an agent in the chat
		{"POST /api/v1/conversations/{id}/leave", Agent, s.handle(s.postLeave)},                            // an agent in the chat
		{"POST /api/v1/conversations/{id}/attachments", Agent, s.handle(s.upload)},                         // an agent in the chat; the body is the file
		{"GET /api/v1/conversations/{id}/attachments/{file}", Agent, s.handle(s.agentFile)},                // agent view, as far as the caller may read
		{"GET /api/v1/conversations/{id}/attachments/{file}/thumbnail", Agent, s.handle(s.agentThumbnail)}, // agent view
		{"GET /ws/agent", Agent, s.limitAgentSockets(http.HandlerFunc(s.opts.Hub.ServeAgent))},             // sockets limited per session

		// Customers: bearer token, bound to their own conversations.
		{"GET /api/v1/widget/queues", Anyone, s.handle(s.widgetQueues)},
		{"POST /api/v1/widget/customers", Anyone, s.handle(perAddr(lim.Customers, "new chats", s.widgetNewCustomer))},                   // limited per address
		{"POST /api/v1/widget/conversations", Customer, s.handle(perAddr(lim.Conversations, "chat starts", s.widgetStartConversation))}, // limited per address
		{"GET /api/v1/widget/conversations/{id}/events", Customer, s.handle(s.widgetEvents)},                                            // the customer's own
		{"POST /api/v1/widget/conversations/{id}/attachments", Customer, s.handle(s.upload)},                                            // the customer's own chat; limited per customer
		{"GET /api/v1/widget/conversations/{id}/attachments/{file}", Customer, s.handle(s.customerFile)},                                // if its message passes chat.ForCustomer
		{"GET /api/v1/widget/conversations/{id}/attachments/{file}/thumbnail", Customer, s.handle(s.customerThumbnail)},                 // likewise
		{"GET /ws/customer", Anyone, http.HandlerFunc(s.opts.Hub.ServeCustomer)},                                                        // the customer authenticates in its hello frame
	}
}

// Handler returns every route of Skranke: the API routes (routes) and the
// front end (metrics are on an address of their own). State-changing requests are refused when they come
// from another origin (http.CrossOriginProtection); the agent WebSocket
// upgrade checks Origin.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		mux.Handle(rt.pattern, s.requireAccess(rt.access, rt.handler))
	}
	s.routeWeb(mux) // the pages, for anyone

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
