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
	"strconv"
	"strings"
	"time"

	"skranke/admin"
	"skranke/auth"
	"skranke/chat"
	"skranke/conversation"
	"skranke/ratelimit"
	"skranke/realtime"
	"skranke/routing"
)

// Routing answers questions about queues and agents; the router does, on
// every node.
type Routing interface {
	Queues(ctx context.Context) ([]routing.QueueStat, error)
	Agents(ctx context.Context) ([]routing.AgentStat, error)
}

// Options configure a Server. Service, Admin, Auth, Hub and Routing are
// required; zero values of the others are the documented defaults.
type Options struct {
	// Service carries out every operation on conversations, and Admin
	// every administrative one; handlers only decode, call them and encode.
	Service *conversation.Service
	Admin   *admin.Service
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
	// DemoIdentity, set with --demo only, makes the demo website's identity
	// token for its signed-in customer (the demo website's backend, served
	// at GET /demo/identity-token); nil: no such page.
	DemoIdentity func(ctx context.Context) (string, error)
}

// Server serves HTTP.
type Server struct {
	opts Options // immutable after New
	log  *slog.Logger
	web  *webFiles // opts.Web's files, listed once; immutable after New
}

// New returns a Server.
func New(opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.BodyTimeout == 0 {
		opts.BodyTimeout = 30 * time.Second
	}
	return &Server{opts: opts, log: opts.Logger, web: newWebFiles(opts.Web)}
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
		code, err = chat.EUnavailable, chat.E(chat.EUnavailable, "server_busy", "The server is busy; try again.")
	}
	switch code {
	case chat.EInternal:
		s.log.Error("http request", "method", r.Method, "path", r.URL.Path, "err", err)
	case chat.ETooManyRequests:
		s.log.Warn("rate limited", "method", r.Method, "path", r.URL.Path, "client", s.clientAddr(r), "retryAfter", ratelimit.RetryAfter(err))
		setRetryAfter(w, err)
	}
	e := chat.ErrorOf(err)
	writeJSON(w, statusOf[code], map[string]any{"error": errorBody{Code: e.Code, Reason: e.Reason, Params: e.Params, Message: e.Message}})
}

// errorBody is the "error" of a REST error response (docs/protocol.md).
type errorBody struct {
	Code    string         `json:"code"`
	Reason  string         `json:"reason,omitempty"`
	Params  map[string]any `json:"params,omitempty"`
	Message string         `json:"message"`
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
	return decodeBody(w, r, v, false)
}

// decodeOptional is decode for a body that may be left out: an empty body
// leaves v as it is.
func decodeOptional(w http.ResponseWriter, r *http.Request, v any) error {
	return decodeBody(w, r, v, true)
}

func decodeBody(w http.ResponseWriter, r *http.Request, v any, optional bool) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &mbe):
			return chat.E(chat.ETooLarge, "body_too_large", "The request body is larger than {max} bytes.", "max", maxBody)
		case errors.Is(err, os.ErrDeadlineExceeded):
			return chat.E(chat.EInvalid, "body_too_slow", "The request body did not arrive in time.")
		case errors.Is(err, io.EOF):
			if optional {
				return nil
			}
			return chat.E(chat.EInvalid, "body_empty", "The request body is empty; send JSON.")
		case errors.As(err, &se):
			return chat.E(chat.EInvalid, "body_syntax_error", "The request body is not valid JSON (syntax error at byte {offset}).", "offset", se.Offset)
		case errors.As(err, &te):
			return chat.E(chat.EInvalid, "body_field_type", "Field \"{field}\" has the wrong type.", "field", te.Field)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			return chat.E(chat.EInvalid, "body_unknown_field", "Unknown field \"{field}\".", "field", unknownField(err))
		}
		return chat.E(chat.EInvalid, "body_unreadable", "The request body could not be read.")
	}
	if dec.More() {
		return chat.E(chat.EInvalid, "body_trailing_data", "The request body has data after the JSON value.")
	}
	return nil
}

const sessionCookie = "skranke_session"

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

// ConnContext is for http.Server.ConnContext: realtime.ConnContext, which
// gives each connection a small kernel send buffer (realtime.SendBuffer),
// so slow WebSocket clients are found in seconds.
func ConnContext(ctx context.Context, c net.Conn) context.Context {
	return realtime.ConnContext(ctx, c)
}

// unknownField returns the field a decoder with DisallowUnknownFields
// refused, from its error (`json: unknown field "colour"`), unquoted.
func unknownField(err error) string {
	f := strings.TrimPrefix(err.Error(), "json: unknown field ")
	if u, err := strconv.Unquote(f); err == nil {
		return u
	}
	return f
}
