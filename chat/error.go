package chat

import (
	"errors"
	"fmt"
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

// Error is an error meant for the user: Message is shown as it is, Code is
// one of the E* constants.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("skranke error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code string, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
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

// ErrorMessage returns the user-facing message of the first *Error in err's
// chain, or a generic message for any other error: internal details never
// reach a client.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}
