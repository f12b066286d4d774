// Package fielderr is the error type every config section's Validate
// returns: the dotted key the problem concerns, kept apart from the text.
// The config loader finds the key with errors.As to say where the value
// was set (file and line, environment variable, flag) and to skip keys it
// already reported; it never parses messages. The package has no
// dependencies so that every package owning a config section can import it.
package fielderr

import (
	"errors"
	"fmt"
)

// Error is one problem with one key. Key is the full dotted key as users
// write it ("http.pool.num_workers"), optionally followed by a list index
// ("http.middleware[2]"). Error() prints "key: text", the form users see.
type Error struct {
	Key string
	Err error
}

func (e *Error) Error() string { return e.Key + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// New returns an *Error for key with a formatted text.
func New(key, format string, args ...any) error {
	return &Error{Key: key, Err: fmt.Errorf(format, args...)}
}

// Wrap returns an *Error for key around err, or nil when err is nil.
func Wrap(key string, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Key: key, Err: err}
}

// Leaves unpacks nested errors.Join values into single problems, in order.
// An *Error is a leaf even if what it wraps is itself a join.
func Leaves(err error) []error {
	if err == nil {
		return nil
	}
	if _, ok := err.(*Error); ok {
		return []error{err}
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, Leaves(e)...)
		}
		return out
	}
	return []error{err}
}

// Rekey returns err with the key of every *Error among its leaves replaced
// by rename(key); a section validated on its own (the engine's pool) is
// moved under the key it has in the file (http.pool) this way.
func Rekey(err error, rename func(key string) string) error {
	var out []error
	for _, e := range Leaves(err) {
		if fe, ok := e.(*Error); ok {
			e = &Error{Key: rename(fe.Key), Err: fe.Err}
		}
		out = append(out, e)
	}
	return errors.Join(out...)
}
