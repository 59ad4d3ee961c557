package awsapi

import (
	"fmt"
	"net/http"
)

// An Error is a wire error: an entry of the catalog below with this
// occurrence's message. Handlers return one; the Router writes it in the
// service's protocol.
type Error struct {
	// Code is the exception name the SDKs match on (ErrorCode()).
	Code   string
	Status int
	// Fault is faultSender or faultReceiver.
	Fault   string
	Message string
	// Reason is Lambda's TooManyRequestsException reason, "" for none.
	Reason string
	// QueryCode is the code in the query protocol when it differs (SQS:
	// AWS.SimpleQueueService.NonExistentQueue); the JSON protocol sends it
	// in X-Amzn-Query-Error for query-compatible SDKs.
	QueryCode string
	// Namespace prefixes the JSON protocol's __type ("com.amazonaws.sqs#").
	Namespace string
	// Resource is S3's Resource element: the key or bucket named.
	Resource string
	// Fields are further members of a JSON error document: DynamoDB's
	// CancellationReasons, a failed condition's Item.
	Fields map[string]any
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// With returns e with msg as its message.
func (e Error) With(msg string) *Error {
	e.Message = msg
	return &e
}

// Withf returns e with a formatted message.
func (e Error) Withf(format string, args ...any) *Error {
	return e.With(fmt.Sprintf(format, args...))
}

// The catalog. Codes are AWS's; protocol.go renames the few whose name
// differs by protocol (AccessDeniedException is AccessDenied in XML).
var (
	// Every service.
	ErrUnknownOperation   = Error{Code: "UnknownOperationException", Status: http.StatusBadRequest, Fault: faultSender}
	ErrUnrecognizedClient = Error{Code: "UnrecognizedClientException", Status: http.StatusForbidden, Fault: faultSender}
	ErrInvalidSignature   = Error{Code: "InvalidSignatureException", Status: http.StatusForbidden, Fault: faultSender}
	ErrAccessDenied       = Error{Code: "AccessDeniedException", Status: http.StatusForbidden, Fault: faultSender}
	ErrValidation         = Error{Code: "ValidationException", Status: http.StatusBadRequest, Fault: faultSender}
	ErrSerialization      = Error{Code: "SerializationException", Status: http.StatusBadRequest, Fault: faultSender}
	ErrInternal           = Error{Code: "InternalFailure", Status: http.StatusInternalServerError, Fault: faultReceiver}
	// ErrServiceUnavailable is a backend that could not start (the broker).
	ErrServiceUnavailable = Error{Code: "ServiceUnavailable", Status: http.StatusServiceUnavailable, Fault: faultReceiver}

	// Lambda (errNotFound: CloudWatch Logs too).
	errNotFound       = Error{Code: "ResourceNotFoundException", Status: http.StatusNotFound, Fault: faultSender}
	errTooLarge       = Error{Code: "RequestTooLargeException", Status: http.StatusRequestEntityTooLarge, Fault: faultSender}
	errInvalidContent = Error{Code: "InvalidRequestContentException", Status: http.StatusBadRequest, Fault: faultSender}
	errInvalidParam   = Error{Code: "InvalidParameterValueException", Status: http.StatusBadRequest, Fault: faultSender}
	errThrottled      = Error{Code: "TooManyRequestsException", Status: http.StatusTooManyRequests, Fault: faultSender}
	errRuntime        = Error{Code: "InvalidRuntimeException", Status: http.StatusBadGateway, Fault: faultSender}
	errService        = Error{Code: "ServiceException", Status: http.StatusInternalServerError, Fault: faultReceiver}

	// EventBridge (and errNotFound).
	errInvalidPattern = Error{Code: "InvalidEventPatternException", Status: http.StatusBadRequest, Fault: faultSender}

	// CloudFront.
	errNoSuchDistribution     = Error{Code: "NoSuchDistribution", Status: http.StatusNotFound, Fault: faultSender}
	errNoSuchInvalidation     = Error{Code: "NoSuchInvalidation", Status: http.StatusNotFound, Fault: faultSender}
	errNoSuchFunction         = Error{Code: "NoSuchFunctionExists", Status: http.StatusNotFound, Fault: faultSender}
	errInvalidArgument        = Error{Code: "InvalidArgument", Status: http.StatusBadRequest, Fault: faultSender}
	errMalformedInput         = Error{Code: "MalformedInput", Status: http.StatusBadRequest, Fault: faultSender}
	errInconsistentQuantities = Error{Code: "InconsistentQuantities", Status: http.StatusBadRequest, Fault: faultSender}
	errBatchExists            = Error{Code: "InvalidationBatchAlreadyExists", Status: http.StatusBadRequest, Fault: faultSender}
	errPreconditionFailed     = Error{Code: "PreconditionFailed", Status: http.StatusPreconditionFailed, Fault: faultSender}
	errTestFunctionFailed     = Error{Code: "TestFunctionFailed", Status: http.StatusInternalServerError, Fault: faultReceiver}

	// CloudWatch Logs (and errNotFound). The session errors end a
	// StartLiveTail stream, as exception messages.
	errInvalidParameter = Error{Code: "InvalidParameterException", Status: http.StatusBadRequest, Fault: faultSender}
	errAlreadyExists    = Error{Code: "ResourceAlreadyExistsException", Status: http.StatusBadRequest, Fault: faultSender}
	errSessionTimeout   = Error{Code: "SessionTimeoutException", Status: http.StatusBadRequest, Fault: faultSender}
	errSessionStreaming = Error{Code: "SessionStreamingException", Status: http.StatusBadRequest, Fault: faultSender}
	errLimitExceeded    = Error{Code: "LimitExceededException", Status: http.StatusBadRequest, Fault: faultSender}
	errLogsUnavailable  = Error{Code: "ServiceUnavailableException", Status: http.StatusServiceUnavailable, Fault: faultReceiver}
	errTooManyTags      = Error{Code: "TooManyTagsException", Status: http.StatusBadRequest, Fault: faultSender}
)

// SNS (query protocol); snsErrors finds them by code (sns.Error's are
// the wire's).
var (
	errSNSInvalidParameter      = Error{Code: "InvalidParameter", Status: http.StatusBadRequest, Fault: faultSender}
	errSNSInvalidParameterValue = Error{Code: "ParameterValueInvalid", Status: http.StatusBadRequest, Fault: faultSender}
	errSNSNotFound              = Error{Code: "NotFound", Status: http.StatusNotFound, Fault: faultSender}
	errSNSResourceNotFound      = Error{Code: "ResourceNotFound", Status: http.StatusNotFound, Fault: faultSender}
	errSNSAuthorization         = Error{Code: "AuthorizationError", Status: http.StatusForbidden, Fault: faultSender}
	errSNSInternal              = Error{Code: "InternalError", Status: http.StatusInternalServerError, Fault: faultReceiver}
	errSNSBatchEmpty            = Error{Code: "EmptyBatchRequest", Status: http.StatusBadRequest, Fault: faultSender}
	errSNSBatchTooMany          = Error{Code: "TooManyEntriesInBatchRequest", Status: http.StatusBadRequest, Fault: faultSender}
	errSNSBatchDistinct         = Error{Code: "BatchEntryIdsNotDistinct", Status: http.StatusBadRequest, Fault: faultSender}
	errSNSBatchInvalidID        = Error{Code: "InvalidBatchEntryId", Status: http.StatusBadRequest, Fault: faultSender}
	errSNSBatchTooLong          = Error{Code: "BatchRequestTooLong", Status: http.StatusBadRequest, Fault: faultSender}
	errSNSTagPolicy             = Error{Code: "TagPolicy", Status: http.StatusBadRequest, Fault: faultSender}
	errSNSTagLimit              = Error{Code: "TagLimitExceeded", Status: http.StatusBadRequest, Fault: faultSender}

	snsErrors = map[string]Error{}
)

func init() {
	for _, e := range []Error{errSNSInvalidParameter, errSNSInvalidParameterValue, errSNSNotFound, errSNSResourceNotFound,
		errSNSAuthorization, errSNSInternal, errSNSBatchEmpty, errSNSBatchTooMany, errSNSBatchDistinct, errSNSBatchInvalidID,
		errSNSBatchTooLong, errSNSTagPolicy, errSNSTagLimit} {
		snsErrors[e.Code] = e
	}
}

// asError is err as a wire error: an *Error as it is, a streamed body's
// refusal as S3 words it (bodyError), anything else an internal failure
// carrying its text.
func asError(err error) *Error {
	if e, ok := err.(*Error); ok {
		return e
	}
	if e := bodyError(err); e != nil {
		return e
	}
	return ErrInternal.With(err.Error())
}
