// Package httpapi is Skranke's HTTP surface: the REST API (documented in
// openapi.yaml and docs/protocol.md), the WebSocket endpoints of package
// realtime, health and metrics, and the embedded front end.
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
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"skranke/admin"
	"skranke/auth"
	"skranke/chat"
	"skranke/conversation"
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
// required.
type Options struct {
	// Service carries out every operation on conversations, and Admin
	// every administrative one; handlers only decode, call them and encode.
	Service  *conversation.Service
	Admin    *admin.Service
	Auth     *auth.Service
	Hub      *realtime.Hub
	Routing  Routing
	Web      fs.FS               // the built front end (web.Dist())
	Gatherer prometheus.Gatherer // served at /metrics; nothing when nil
	Logger   *slog.Logger        // slog.Default()
	Secure   bool                // cookies only over HTTPS (set when the base URL is https)
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
	if code == chat.EInternal {
		s.log.Error("http request", "method", r.Method, "path", r.URL.Path, "err", err)
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
			return chat.Errorf(chat.ETooLarge, "The request body is larger than %d bytes.", maxBody)
		case errors.Is(err, io.EOF):
			if optional {
				return nil
			}
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

// securityHeaders sets headers every response carries.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
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
