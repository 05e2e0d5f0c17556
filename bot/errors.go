package bot

import (
	"errors"
	"fmt"
)

// Code classifies an error so the engine can tell the user what to do,
// without ever showing internal detail.
type Code string

// Error codes. Storage returns ENOTFOUND and ECONFLICT; the engine raises the rest.
const (
	EINVALID   Code = "invalid"   // bad input: the user can fix it
	ENOTFOUND  Code = "not_found" // no such plan (or not in this tenant)
	EFORBIDDEN Code = "forbidden" // the actor's role does not allow it
	ESTATE     Code = "state"     // not allowed in the plan's current state
	ECONFLICT  Code = "conflict"  // somebody changed the record meanwhile
	EINTERNAL  Code = "internal"  // anything else; logged, never shown
)

// Error is an error with a code and a localisable message key.
type Error struct {
	Code Code
	Key  string // i18n key of the user-facing message
	Args []any  // arguments for the message
	Err  error  // optional cause, never shown to users
	// Fields names the form inputs that are wrong, so adapters can show each
	// problem next to its input (Slack's response_action: errors).
	Fields []FieldError
}

// FieldError is a problem with one form input.
type FieldError struct {
	Name string
	Key  string
	Args []any
}

// fieldErrors localises the per-input problems, or nil.
func (e *Error) fieldErrors(l Locale) map[string]string {
	if len(e.Fields) == 0 {
		return nil
	}
	out := make(map[string]string, len(e.Fields))
	for _, f := range e.Fields {
		out[f.Name] = T(l, f.Key, f.Args...)
	}
	return out
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("%s: %s", e.Code, e.Key)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds a user-facing error with a code and a message key.
func Errorf(code Code, key string, args ...any) *Error {
	return &Error{Code: code, Key: key, Args: args}
}

// ErrNotFound is returned by stores when a record does not exist in the tenant.
var ErrNotFound = &Error{Code: ENOTFOUND, Key: "err.not_found"}

// ErrConflict is returned by stores when an optimistic version check fails.
var ErrConflict = &Error{Code: ECONFLICT, Key: "err.conflict"}

// ErrorCode reports the code of err, EINTERNAL for untyped errors.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}
