package logsub

import (
	"errors"
	"fmt"
)

// errClosed is Drain's answer once the service is closed.
var errClosed = errors.New("subscription filters are closed")

// Error is a refusal as CloudWatch Logs words it: Code is AWS's exception
// name (CodeNotFound, CodeInvalid, CodeLimit), Message its text.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Is matches an *Error of the same code, so errors.Is(err,
// &Error{Code: CodeLimit}) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

func errorf(code, format string, args ...any) *Error {
	if len(args) == 0 {
		return &Error{Code: code, Message: format}
	}
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}
