package store

import (
	"errors"
	"fmt"
)

// An Error is a DynamoDB error: AWS's code and this occurrence's message.
// A cancelled transaction carries a reason per operation.
type Error struct {
	Code    string
	Message string
	// Reasons are a TransactionCanceledException's CancellationReasons,
	// one per operation in order.
	Reasons []Reason
}

// A Reason is one operation's CancellationReason: Code "None" when it
// would have succeeded, "ConditionalCheckFailed" when its condition
// failed (Item is then the item it was evaluated against, nil if none),
// "ItemCollectionSizeLimitExceeded" when it would grow an item collection
// past the limit, "ValidationError" otherwise.
type Reason struct {
	Code    string
	Message string
	Item    []byte
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

// ErrConditionFailed is what a Cond returns (or wraps) when the condition
// does not hold; a transaction reports it as ConditionalCheckFailed.
var ErrConditionFailed = &Error{Code: CodeConditionalCheckFailed, Message: "The conditional request failed"}

// conditionFailed reports whether err is a failed condition.
func conditionFailed(err error) bool {
	return errors.Is(err, &Error{Code: CodeConditionalCheckFailed})
}

// DynamoDB's error codes.
const (
	CodeResourceNotFound       = "ResourceNotFoundException"
	CodeResourceInUse          = "ResourceInUseException"
	CodeValidation             = "ValidationException"
	CodeConditionalCheckFailed = "ConditionalCheckFailedException"
	CodeTransactionCanceled    = "TransactionCanceledException"
	CodeTransactionConflict    = "TransactionConflictException"
	// CodeItemCollectionSizeLimitExceeded refuses a write that would grow
	// an item collection past Options.CollectionLimit.
	CodeItemCollectionSizeLimitExceeded = "ItemCollectionSizeLimitExceededException"
	CodeInternalServerError             = "InternalServerError"
)
