package httpapi

import (
	"net/http"
	"strings"

	"skranke/auth"
	"skranke/chat"
)

// Access is who may call a route.
type Access int

// Access levels. Agent, Supervisor and Admin are ranks of a logged-in user:
// an administrator may do what a supervisor may, a supervisor what an agent
// may. Customer is the holder of a customer token, a separate kind.
const (
	Anyone     Access = iota // no credentials needed
	Customer                 // a customer token (Authorization: Bearer)
	Agent                    // a logged-in user of any role (session cookie)
	Supervisor               // a supervisor or an administrator
	Admin                    // an administrator
)

func (a Access) String() string {
	switch a {
	case Anyone:
		return "anyone"
	case Customer:
		return "customer"
	case Agent:
		return "agent"
	case Supervisor:
		return "supervisor"
	case Admin:
		return "admin"
	}
	return "unknown"
}

// rank orders the roles of users for the user access levels.
var rank = map[chat.Role]Access{chat.RoleAgent: Agent, chat.RoleSupervisor: Supervisor, chat.RoleAdmin: Admin}

// route is one line of the route table.
type route struct {
	pattern string // a ServeMux pattern: "METHOD /path"
	access  Access
	handler http.Handler
}

// RouteInfo is a route as the route table lists it, for tests and docs.
type RouteInfo struct {
	Pattern string
	Access  Access
}

// Routes lists the route table: every API route and who may call it.
func (s *Server) Routes() []RouteInfo {
	var out []RouteInfo
	for _, rt := range s.routes() {
		out = append(out, RouteInfo{rt.pattern, rt.access})
	}
	return out
}

// requireAccess authenticates the caller as the access level needs and
// puts the actor in the request's context, or refuses the request:
// unauthenticated (401) without the right credentials, forbidden (403) for
// a user whose role is below the level, or whose API token's scope does
// not cover the request (chat.TokenScope.Covers: read is GET only, write
// anything below admin routes, admin everything).
func (s *Server) requireAccess(a Access, next http.Handler) http.Handler {
	switch a {
	case Anyone:
		return next
	case Customer:
		return s.requireCustomer(next)
	}
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		actor, err := s.user(r)
		if err != nil {
			return err
		}
		if rank[actor.User.Role] < a {
			return chat.E(chat.EForbidden, "role_required", "This needs the {role} role.", "role", a.String())
		}
		if t := actor.Token; t != nil && !t.Scope.Covers(r.Method, a == Admin) {
			return chat.E(chat.EForbidden, "token_scope", "This API token's scope, {scope}, does not allow this request.", "scope", string(t.Scope))
		}
		next.ServeHTTP(w, r.WithContext(auth.NewContext(r.Context(), actor)))
		return nil
	})
}

// bearer returns the request's Authorization: Bearer token, if any.
func bearer(r *http.Request) (string, bool) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return strings.TrimSpace(token), ok
}

// user authenticates a logged-in user: by an API token (Authorization:
// Bearer skr_…) on the REST API, /api/…; otherwise by the session cookie.
// A customer's bearer token is no user's.
func (s *Server) user(r *http.Request) (auth.Actor, error) {
	if token, ok := bearer(r); ok && auth.IsAPIToken(token) {
		if !strings.HasPrefix(r.URL.Path, "/api/") {
			return auth.Actor{}, chat.E(chat.EUnauthenticated, "api_token_not_here", "API tokens are accepted on the REST API (/api/…) only.")
		}
		return s.opts.Auth.APIToken(r.Context(), token)
	}
	var token string
	if c, err := r.Cookie(sessionCookie); err == nil {
		token = c.Value
	}
	return s.opts.Auth.Session(r.Context(), token)
}

// requireCustomer authenticates the customer's bearer token.
func (s *Server) requireCustomer(next http.Handler) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		token, ok := bearer(r)
		if !ok {
			return chat.E(chat.EUnauthenticated, "customer_bearer_required", "A customer token is required (Authorization: Bearer).")
		}
		if auth.IsAPIToken(token) {
			return chat.E(chat.EUnauthenticated, "api_token_not_customer", "An API token cannot act as a customer; use a customer token.")
		}
		c, err := s.opts.Auth.Customer(r.Context(), token)
		if err != nil {
			return err
		}
		next.ServeHTTP(w, r.WithContext(auth.NewContext(r.Context(), auth.Actor{Customer: &c})))
		return nil
	})
}

// actor returns the authenticated actor; requireAccess guarantees one for
// every route above Anyone.
func actor(r *http.Request) auth.Actor {
	a, _ := auth.FromContext(r.Context())
	return a
}
