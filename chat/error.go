package chat

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes. They are part of the protocol (docs/protocol.md): clients
// branch on them, so they never change meaning.
const (
	EInvalid         = "invalid"         // the request is malformed or breaks a rule
	ENotFound        = "not_found"       // no such thing, or the caller may not see it
	EConflict        = "conflict"        // the state has moved on (offer expired, chat ended)
	EUnauthenticated = "unauthenticated" // who is asking is not known
	EForbidden       = "forbidden"       // the caller may not do this
	ETooLarge        = "too_large"       // the request is over a size limit
	EUnavailable     = "unavailable"     // a dependency is down; try again later
	EInternal        = "internal"        // a bug or an unexpected failure

	ETooManyRequests = "too_many_requests" // over a rate limit; wait (Retry-After) and try again
)

// Error is an error meant for the user. Code is one of the E* constants,
// for programs to branch on. Reason is a stable key of what went wrong
// ("message_too_long"), and Params the values its message names, so that
// a client can show the error in its user's language; Message is the
// English text, the fallback shown as it is.
//
// Errors are made only by E, whose reason and template are literals: a
// test (internal/archtest) reads every call, checks that the placeholders
// and parameters agree and that a reason has one template, and keeps the
// catalogue of reasons (web/src/common/reasons.en.json) that clients
// translate from.
type Error struct {
	Code    string
	Reason  string
	Params  map[string]any
	Message string
}

// E returns an *Error with the given code and reason, whose English message
// is template with each {name} replaced by the parameter of that name.
// params are name, value pairs, as in log/slog. A value is kept as it is
// when it is a string or a number, and as its text otherwise, so Params is
// always a map of strings and numbers, as clients expect.
func E(code, reason, template string, params ...any) *Error {
	e := &Error{Code: code, Reason: reason, Message: template}
	if len(params) > 0 {
		e.Params = make(map[string]any, len(params)/2)
		r := make([]string, 0, len(params))
		for i := 0; i+1 < len(params); i += 2 {
			name := fmt.Sprint(params[i])
			v := paramValue(params[i+1])
			e.Params[name] = v
			r = append(r, "{"+name+"}", fmt.Sprint(v))
		}
		e.Message = strings.NewReplacer(r...).Replace(template)
	}
	return e
}

// paramValue returns v if it is a string or a number, and its text
// otherwise (a named string type, a fmt.Stringer).
func paramValue(v any) any {
	switch v.(type) {
	case string, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
		return v
	}
	return fmt.Sprint(v)
}

func (e *Error) Error() string {
	return fmt.Sprintf("skranke error: code=%s message=%s", e.Code, e.Message)
}

// ErrorCode returns the code of the first *Error in err's chain, or EInternal
// for any other non-nil error, or "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorOf returns the first *Error in err's chain, or an internal error
// with a generic message for any other non-nil error, or nil for nil.
func ErrorOf(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return E(EInternal, "internal", "Internal error.")
}

// ErrorMessage returns the user-facing message of the first *Error in err's
// chain, or a generic message for any other error: internal details never
// reach a client.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	return ErrorOf(err).Message
}
