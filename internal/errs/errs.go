// Package errs is Verge's one error type for the control plane: every error
// carries the operation that failed and a Kind. A Kind is itself an error,
// so callers test with errors.Is(err, errs.NotFound) (or errs.Is), and the
// CLI maps kinds to exit codes and the admin API to HTTP statuses without
// parsing messages; errors.As(err, &e) with e an *errs.Error reaches the
// rest.
package errs

import (
	"errors"
	"fmt"
	"strings"
)

// Op names the operation that failed, as "package.Function".
type Op string

// Kind classifies an error. New kinds are appended; values never change,
// and a deleted kind leaves its value unused.
//
// A Kind is an error that an *Error of that kind matches, so that
// errors.Is(err, errs.NotFound) reports whether err or an error it wraps
// is of kind NotFound.
type Kind uint8

// The kinds of error.
const (
	Other       Kind = iota // unclassified
	Invalid                 // bad input: a stack file, a flag, a request
	NotFound                // a named thing does not exist
	Permission              // not allowed
	IO                      // a file or network operation failed
	Exist                   // already exists or is taken: a data folder another process runs on
	Unavailable             // a dependency is down or overloaded
	Timeout                 // a deadline passed
	Internal                // a bug in Verge
	TooLarge                // a payload or file over a limit
	Throttled               // refused for now: a concurrency or rate limit is reached
)

var kindNames = [...]string{"other", "invalid", "not found", "permission denied", "I/O error", "already exists", "unavailable", "timeout", "internal error", "too large", "throttled"}

func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// Error makes a Kind the target of errors.Is; it is the kind's name.
func (k Kind) Error() string { return k.String() }

// Error is an operation that failed, of a Kind, about an optional Path (a
// file, a URL path, a resource name), caused by Err.
type Error struct {
	Op   Op
	Kind Kind
	Path string
	Err  error
}

// E builds an *Error from its arguments in any order: an Op, a Kind, a
// string (the Path), an error (the cause). A cause that is itself an
// *Error lends its Kind when none is given.
func E(args ...any) error {
	e := &Error{}
	for _, a := range args {
		switch a := a.(type) { // Kind before error: a Kind is one
		case Op:
			e.Op = a
		case Kind:
			e.Kind = a
		case string:
			e.Path = a
		case error:
			e.Err = a
		default:
			panic(fmt.Sprintf("errs.E: bad argument %T", a))
		}
	}
	if e.Kind == Other {
		var inner *Error
		if errors.As(e.Err, &inner) {
			e.Kind = inner.Kind
		}
	}
	return e
}

// Errorf is fmt.Errorf, so callers need not import fmt just for causes.
func Errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

// Error is "op: path: cause", each part present only when set; without a
// cause it ends in the kind instead. A cause that is an *Error prints its
// own op and path: "stack.Load: stack.parse: verge.yaml: …".
func (e *Error) Error() string {
	var b strings.Builder
	for _, part := range [...]string{string(e.Op), e.Path} {
		if part != "" {
			b.WriteString(part)
			b.WriteString(": ")
		}
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	} else {
		b.WriteString(e.Kind.String())
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is e's Kind, for errors.Is(err, errs.Invalid).
func (e *Error) Is(target error) bool {
	k, ok := target.(Kind)
	return ok && e.Kind == k
}

// Is reports whether err is an *Error of kind k anywhere in its chain: it
// is errors.Is(err, k).
func Is(k Kind, err error) bool { return errors.Is(err, k) }

// List is several errors reported together, such as every problem in a
// stack file. It is an error only when it holds at least one.
type List []error

func (l List) Error() string {
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Unwrap returns the errors, for errors.Is and errors.As.
func (l List) Unwrap() []error { return l }

// Err returns l as an error, or nil when it is empty.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}
