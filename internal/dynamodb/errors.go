package dynamodb

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/verge-edge/verge/internal/dynamodb/attr"
	"github.com/verge-edge/verge/internal/dynamodb/expr"
	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// An Error is a DynamoDB error as the API answers it: the exception's
// name, the message, and the members some exceptions carry.
type Error struct {
	Code    string
	Message string
	// Reasons are a TransactionCanceledException's CancellationReasons.
	Reasons []CancellationReason
	// Item is a ConditionalCheckFailedException's item, with
	// ReturnValuesOnConditionCheckFailure ALL_OLD.
	Item json.RawMessage
}

// A CancellationReason is one item's part in a cancelled transaction.
type CancellationReason struct {
	Code    string          `json:"Code"`
	Message string          `json:"Message,omitempty"`
	Item    json.RawMessage `json:"Item,omitempty"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Is makes errors.Is match an *Error by code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && (t.Message == "" || t.Message == e.Message)
}

// DynamoDB's and DynamoDB Streams' exception names.
const (
	CodeValidation                  = "ValidationException"
	CodeSerialization               = "SerializationException"
	CodeResourceNotFound            = "ResourceNotFoundException"
	CodeResourceInUse               = "ResourceInUseException"
	CodeConditionalCheckFailed      = "ConditionalCheckFailedException"
	CodeTransactionCanceled         = "TransactionCanceledException"
	CodeTransactionConflict         = "TransactionConflictException"
	CodeTransactionInProgress       = "TransactionInProgressException"
	CodeIdempotentParameterMismatch = "IdempotentParameterMismatchException"
	CodeItemCollectionSizeLimit     = "ItemCollectionSizeLimitExceededException"
	CodeLimitExceeded               = "LimitExceededException"
	CodeDuplicateItem               = "DuplicateItemException"
	CodeExpiredIterator             = "ExpiredIteratorException"
	CodeTrimmedDataAccess           = "TrimmedDataAccessException"
	CodeInternalServerError         = "InternalServerError"
	CodeUnknownOperation            = "UnknownOperationException"
)

// AWS's messages, word for word, that more than one operation gives.
const (
	msgNotFound        = "Requested resource not found"
	msgKeySchema       = "The provided key element does not match the schema"
	msgConditionFailed = "The conditional request failed"
)

// invalid is a ValidationException with a formatted message.
func invalid(format string, args ...any) *Error {
	return &Error{Code: CodeValidation, Message: fmt.Sprintf(format, args...)}
}

// wire turns the errors of packages attr, expr and store into *Error;
// anything else is an InternalServerError.
func wire(err error) error {
	var (
		e  *Error
		ae *attr.Error
		ee *expr.Error
		se *store.Error
	)
	switch {
	case errors.As(err, &e):
		return e
	case errors.As(err, &ae):
		return &Error{Code: ae.Code, Message: ae.Message}
	case errors.As(err, &ee):
		return &Error{Code: ee.Code, Message: ee.Message}
	case errors.As(err, &se):
		out := &Error{Code: se.Code, Message: se.Message}
		for _, r := range se.Reasons {
			out.Reasons = append(out.Reasons, CancellationReason{Code: r.Code, Message: r.Message, Item: r.Item})
		}
		return out
	}
	return &Error{Code: CodeInternalServerError, Message: err.Error()}
}
