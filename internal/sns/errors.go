package sns

import "fmt"

// SNS's error codes, as its API answers them.
const (
	CodeInvalidParameter = "InvalidParameter"
	// CodeInvalidParameterValue is InvalidParameterValueException on the
	// wire: SNS names it ParameterValueInvalid.
	CodeInvalidParameterValue = "ParameterValueInvalid"
	CodeNotFound              = "NotFound"
	CodeAuthorizationError    = "AuthorizationError"
	CodeInternal              = "InternalError"
	CodeBatchTooMany          = "TooManyEntriesInBatchRequest"
	CodeBatchEmpty            = "EmptyBatchRequest"
	CodeBatchDistinctIDs      = "BatchEntryIdsNotDistinct"
	CodeBatchInvalidID        = "InvalidBatchEntryId"
	CodeBatchTooLong          = "BatchRequestTooLong"
	CodeTagPolicy             = "TagPolicy"
	CodeTagLimit              = "TagLimitExceeded"
	CodeKMSDisabled           = "KMSDisabled"
	CodeResourceNotFound      = "ResourceNotFound"
)

// An Error is an SNS API error: its code and message.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// invalid is InvalidParameter with SNS's "Invalid parameter: " prefix.
func invalid(format string, args ...any) *Error {
	return &Error{Code: CodeInvalidParameter, Message: "Invalid parameter: " + fmt.Sprintf(format, args...)}
}

func notFound(what string) *Error {
	return &Error{Code: CodeNotFound, Message: what + " does not exist"}
}
