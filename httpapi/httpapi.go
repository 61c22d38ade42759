// Package httpapi is Skranke's HTTP surface: the REST API (documented in
// openapi.yaml and docs/protocol.md), the WebSocket endpoints of package
// realtime, health, and the embedded front end. Metrics are not served
// here, on the public port, but by internal/server on an address of their
// own.
package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"time"

	"skranke/auth"
	"skranke/bus"
	"skranke/chat"
	"skranke/ratelimit"
	"skranke/realtime"
	"skranke/routing"
	"skranke/store"
)

// Routing answers questions about queues and agents; the router does, on
// every node.
type Routing interface {
	Queues(ctx context.Context) ([]routing.QueueStat, error)
	Agents(ctx context.Context) ([]routing.AgentStat, error)
}

// Options configure a Server. Store, Bus, Auth, Hub and Routing are
// required; zero values of the others are the documented defaults.
type Options struct {
	Store   store.Store
	Bus     bus.Bus
	Auth    *auth.Service
	Hub     *realtime.Hub
	Routing Routing
	Web     fs.FS        // the built front end (web.Dist())
	Logger  *slog.Logger // slog.Default()
	// Secure is set when the base URL is https: cookies go only over HTTPS
	// and responses carry Strict-Transport-Security.
	Secure bool
	// Limits limit anonymous and unauthenticated callers (ratelimit.go);
	// the zero value limits nothing.
	Limits Limits
	// TrustedProxies are the proxies (a load balancer in front) whose
	// X-Forwarded-For names the client (clientaddr.go); none by default, so
	// the client is the connection's peer.
	TrustedProxies []netip.Prefix
	// BodyTimeout is how long a request body may take to arrive once its
	// headers have; a body that is slower is cut off (bodyDeadline). 30s.
	BodyTimeout time.Duration
}

// Server serves HTTP.
type Server struct {
	opts Options // immutable after New
	log  *slog.Logger
}

// New returns a Server.
func New(opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.BodyTimeout == 0 {
		opts.BodyTimeout = 30 * time.Second
	}
	return &Server{opts: opts, log: opts.Logger}
}

// statusOf maps error codes to HTTP statuses: the one table.
var statusOf = map[string]int{
	chat.EInvalid:         http.StatusBadRequest,
	chat.EUnauthenticated: http.StatusUnauthorized,
	chat.EForbidden:       http.StatusForbidden,
	chat.ENotFound:        http.StatusNotFound,
	chat.EConflict:        http.StatusConflict,
	chat.ETooLarge:        http.StatusRequestEntityTooLarge,
	chat.EUnavailable:     http.StatusServiceUnavailable,
	chat.ETooManyRequests: http.StatusTooManyRequests,
	chat.EInternal:        http.StatusInternalServerError,
}

// handle adapts a handler that returns an error: the error is written as
// JSON with its code's status, and internal errors are logged once, here.
func (s *Server) handle(fn func(w http.ResponseWriter, r *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := chat.ErrorCode(err)
	if errors.Is(err, context.DeadlineExceeded) {
		code, err = chat.EUnavailable, chat.Errorf(chat.EUnavailable, "The server is busy; try again.")
	}
	switch code {
	case chat.EInternal:
		s.log.Error("http request", "method", r.Method, "path", r.URL.Path, "err", err)
	case chat.ETooManyRequests:
		s.log.Warn("rate limited", "method", r.Method, "path", r.URL.Path, "client", s.clientAddr(r), "retryAfter", ratelimit.RetryAfter(err))
		setRetryAfter(w, err)
	}
	writeJSON(w, statusOf[code], map[string]any{"error": map[string]string{"code": code, "message": chat.ErrorMessage(err)}})
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

// maxBody caps every request body; nothing Skranke's REST API takes now is
// larger.
const maxBody = 64 << 10

// decode reads a JSON body into v, refusing unknown fields, trailing data
// and bodies over maxBody, with a message a client developer can act on.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &mbe):
			return chat.Errorf(chat.ETooLarge, "The request body is larger than %d bytes.", maxBody)
		case errors.Is(err, os.ErrDeadlineExceeded):
			return chat.Errorf(chat.EInvalid, "The request body did not arrive in time.")
		case errors.Is(err, io.EOF):
			return chat.Errorf(chat.EInvalid, "The request body is empty; send JSON.")
		case errors.As(err, &se):
			return chat.Errorf(chat.EInvalid, "The request body is not valid JSON (syntax error at byte %d).", se.Offset)
		case errors.As(err, &te):
			return chat.Errorf(chat.EInvalid, "Field %q has the wrong type.", te.Field)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			return chat.Errorf(chat.EInvalid, "Unknown field %s.", strings.TrimPrefix(err.Error(), "json: unknown field "))
		}
		return chat.Errorf(chat.EInvalid, "The request body could not be read.")
	}
	if dec.More() {
		return chat.Errorf(chat.EInvalid, "The request body has data after the JSON value.")
	}
	return nil
}

const sessionCookie = "skranke_session"

// requireUser authenticates the session cookie and puts the user in the
// request's context.
func (s *Server) requireUser(next http.Handler) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		var token string
		if c, err := r.Cookie(sessionCookie); err == nil {
			token = c.Value
		}
		u, err := s.opts.Auth.User(r.Context(), token)
		if err != nil {
			return err
		}
		next.ServeHTTP(w, r.WithContext(auth.NewContext(r.Context(), auth.Actor{User: &u})))
		return nil
	})
}

// requireCustomer authenticates the customer's bearer token.
func (s *Server) requireCustomer(next http.Handler) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			return chat.Errorf(chat.EUnauthenticated, "A customer token is required (Authorization: Bearer).")
		}
		c, err := s.opts.Auth.Customer(r.Context(), strings.TrimSpace(token))
		if err != nil {
			return err
		}
		next.ServeHTTP(w, r.WithContext(auth.NewContext(r.Context(), auth.Actor{Customer: &c})))
		return nil
	})
}

// actor returns the authenticated actor; the middleware guarantees one.
func actor(r *http.Request) auth.Actor {
	a, _ := auth.FromContext(r.Context())
	return a
}

// securityHeaders sets headers every response carries; with an https base
// URL (Options.Secure) also Strict-Transport-Security, so that browsers
// never talk to this server over plain HTTP again (for a year; not for
// other names under the domain, which may not have HTTPS).
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		if s.opts.Secure {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// bodyDeadline gives a request with a body Options.BodyTimeout to send it,
// from when its headers have arrived; a body that is slower fails to read
// (a 400) and the connection closes. It stands in for
// http.Server.ReadTimeout, which would also cut off every WebSocket: an
// upgrade is a GET without a body, and gets no deadline here.
func (s *Server) bodyDeadline(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody {
			// An error means the connection cannot take deadlines (HTTP/2
			// streams, tests' recorders); the server's limits still hold.
			http.NewResponseController(w).SetReadDeadline(time.Now().Add(s.opts.BodyTimeout))
		}
		next.ServeHTTP(w, r)
	})
}

// SendBuffer is the kernel send buffer ConnContext gives each connection.
// WebSockets are long-lived: with the kernel's default (autotuned up to
// megabytes) a client that stops reading would absorb tens of seconds of
// frames before the session's own bounded queue noticed it; with this, a
// slow consumer is found and closed within seconds. Ordinary responses are
// not slowed: the buffer is refilled as the client reads.
const SendBuffer = 64 << 10

// ConnContext is for http.Server.ConnContext: it sets SendBuffer on each
// TCP connection.
func ConnContext(ctx context.Context, c net.Conn) context.Context {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetWriteBuffer(SendBuffer)
	}
	return ctx
}
