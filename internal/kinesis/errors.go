package kinesis

import "fmt"

// An Error is a Kinesis error: AWS's code (ResourceNotFoundException,
// InvalidArgumentException, …) and this occurrence's message. The AWS
// endpoint maps codes to HTTP statuses.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Is makes errors.Is match an *Error by code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && (t.Message == "" || t.Message == e.Message)
}

// fail returns an error of code with a formatted message.
func fail(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Kinesis's error codes.
const (
	CodeResourceNotFound   = "ResourceNotFoundException"
	CodeResourceInUse      = "ResourceInUseException"
	CodeInvalidArgument    = "InvalidArgumentException"
	CodeLimitExceeded      = "LimitExceededException"
	CodeExpiredIterator    = "ExpiredIteratorException"
	CodeExpiredNextToken   = "ExpiredNextTokenException"
	CodeThroughputExceeded = "ProvisionedThroughputExceededException"
	CodeValidation         = "ValidationException"
	CodeAccessDenied       = "AccessDeniedException"
	CodeInternalFailure    = "InternalFailure"
)
