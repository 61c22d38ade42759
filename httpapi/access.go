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
// a user whose role is below the level.
func (s *Server) requireAccess(a Access, next http.Handler) http.Handler {
	switch a {
	case Anyone:
		return next
	case Customer:
		return s.requireCustomer(next)
	}
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		var token string
		if c, err := r.Cookie(sessionCookie); err == nil {
			token = c.Value
		}
		actor, err := s.opts.Auth.Session(r.Context(), token)
		if err != nil {
			return err
		}
		if rank[actor.User.Role] < a {
			return chat.E(chat.EForbidden, "role_required", "This needs the {role} role.", "role", a.String())
		}
		next.ServeHTTP(w, r.WithContext(auth.NewContext(r.Context(), actor)))
		return nil
	})
}

// requireCustomer authenticates the customer's bearer token.
func (s *Server) requireCustomer(next http.Handler) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			return chat.E(chat.EUnauthenticated, "customer_bearer_required", "A customer token is required (Authorization: Bearer).")
		}
		c, err := s.opts.Auth.Customer(r.Context(), strings.TrimSpace(token))
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
