package attr

import "fmt"

// An Error is a DynamoDB error: AWS's code (ValidationException,
// SerializationException) and this occurrence's message, word for word.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Is makes errors.Is match an *Error by code, and by message when the
// target has one.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && (t.Message == "" || t.Message == e.Message)
}

func invalid(format string, args ...any) *Error {
	return &Error{Code: CodeValidation, Message: fmt.Sprintf(format, args...)}
}

func invalidMsg(msg string) *Error { return &Error{Code: CodeValidation, Message: msg} }
