package expr

import "fmt"

// An Error is a DynamoDB error from an expression: AWS's code (always
// ValidationException here) and its message, word for word.
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

// invalid is a ValidationException with a formatted message.
func invalid(format string, args ...any) *Error {
	return &Error{Code: CodeValidation, Message: fmt.Sprintf(format, args...)}
}

// invalidIn is a ValidationException about the expression in field:
// "Invalid <field>: <message>".
func invalidIn(field, format string, args ...any) *Error {
	return &Error{Code: CodeValidation, Message: "Invalid " + field + ": " + fmt.Sprintf(format, args...)}
}
