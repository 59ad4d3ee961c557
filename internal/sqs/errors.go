package sqs

import "fmt"

// An Error is an SQS error: its code as the JSON protocol names it
// (QueueDoesNotExist, InvalidParameterValue, …) and this occurrence's
// message. The AWS endpoint maps the code to the query protocol's name and
// the HTTP status.
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

// SQS's error codes (JSON protocol names).
const (
	CodeQueueDoesNotExist      = "QueueDoesNotExist"
	CodeQueueNameExists        = "QueueNameExists"
	CodeQueueDeletedRecently   = "QueueDeletedRecently"
	CodeInvalidParameterValue  = "InvalidParameterValue"
	CodeMissingParameter       = "MissingParameter"
	CodeInvalidAttributeName   = "InvalidAttributeName"
	CodeInvalidAttributeValue  = "InvalidAttributeValue"
	CodeInvalidMessageContents = "InvalidMessageContents"
	CodeTooManyEntries         = "TooManyEntriesInBatchRequest"
	CodeEmptyBatch             = "EmptyBatchRequest"
	CodeBatchIDsNotDistinct    = "BatchEntryIdsNotDistinct"
	CodeInvalidBatchEntryID    = "InvalidBatchEntryId"
	CodeBatchRequestTooLong    = "BatchRequestTooLong"
	CodeReceiptHandleIsInvalid = "ReceiptHandleIsInvalid"
	CodeMessageNotInflight     = "MessageNotInflight"
	CodePurgeQueueInProgress   = "PurgeQueueInProgress"
	CodeUnsupportedOperation   = "UnsupportedOperation"
	CodeOverLimit              = "OverLimit"
	CodeResourceNotFound       = "ResourceNotFoundException"
	CodeInternal               = "InternalError"
	CodeInvalidIDFormat        = "InvalidIdFormat"
	CodeRequestThrottled       = "RequestThrottled"
	CodeInvalidAddress         = "InvalidAddress"
	CodeInvalidSecurity        = "InvalidSecurity"
	msgNoQueue                 = "The specified queue does not exist."
)

// errNoQueue is QueueDoesNotExist.
func errNoQueue() *Error { return fail(CodeQueueDoesNotExist, msgNoQueue) }

// invalidValue is InvalidParameterValue about a parameter's value.
func invalidValue(param, value, reason string) *Error {
	return fail(CodeInvalidParameterValue, "Value %s for parameter %s is invalid. Reason: %s", value, param, reason)
}
