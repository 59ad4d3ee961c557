package runtimeapi

// Paths of the Runtime API, under APIVersion.
const (
	APIVersion   = "/2018-06-01"
	pathNext     = APIVersion + "/runtime/invocation/next"
	pathInvoke   = APIVersion + "/runtime/invocation/" // + {AwsRequestId}/response|error
	pathInitErr  = APIVersion + "/runtime/init/error"
	suffixResult = "/response"
	suffixError  = "/error"
)

// Headers the Runtime API sends with an event and reads with results.
const (
	HeaderRequestID       = "Lambda-Runtime-Aws-Request-Id"
	HeaderDeadlineMs      = "Lambda-Runtime-Deadline-Ms"
	HeaderFunctionARN     = "Lambda-Runtime-Invoked-Function-Arn"
	HeaderTraceID         = "Lambda-Runtime-Trace-Id"
	HeaderClientContext   = "Lambda-Runtime-Client-Context"
	HeaderCognitoIdentity = "Lambda-Runtime-Cognito-Identity"
	HeaderErrorType       = "Lambda-Runtime-Function-Error-Type"
	HeaderErrorBody       = "Lambda-Runtime-Function-Error-Body" // streaming trailer, base64 JSON
	HeaderResponseMode    = "Lambda-Runtime-Function-Response-Mode"
	HeaderXRayErrorCause  = "Lambda-Runtime-Function-XRay-Error-Cause"
	headerContentType     = "Content-Type"
)

// ResponseModeStreaming is the only accepted Lambda-Runtime-Function-Response-Mode.
const ResponseModeStreaming = "streaming"

// Content types.
const (
	contentTypeJSON  = "application/json"
	contentTypeBytes = "application/octet-stream"
)

// Size limits, as AWS enforces them.
const (
	// MaxRequestSize is the largest event a synchronous invoke accepts (6 MiB).
	MaxRequestSize = 6 * 1024 * 1024
	// MaxResponseSize is the largest buffered response (RIE: 6 MiB + 100 bytes;
	// AWS's error message names the same 6291556).
	MaxResponseSize = 6*1024*1024 + 100
	// MaxStreamedResponseSize caps a streamed response (AWS: 200 MiB).
	MaxStreamedResponseSize = 200 * 1024 * 1024
	// maxErrorSize caps an error body kept from /error or /init/error.
	maxErrorSize = MaxResponseSize
)

// Error types of the Runtime API's own answers (RIE rendering).
const (
	ErrTypeInvalidStateTransition = "InvalidStateTransition"
	ErrTypeInvalidRequestID       = "InvalidRequestID"
	ErrTypeRequestEntityTooLarge  = "RequestEntityTooLarge"
	ErrTypeInvalidResponseMode    = "InvalidFunctionResponseMode"
	ErrTypeInternalServerError    = "InternalServerError"
	ErrTypeNotFound               = "NotFound"
	ErrTypeAccessDenied           = "AccessDenied"
)

// Function error types reported in an Outcome (RIE fatalerror).
const (
	ErrTypeResponseSizeTooLarge      = "Function.ResponseSizeTooLarge"
	ErrTypeInvalidResponseModeHeader = "Runtime.InvalidResponseModeHeader"
	ErrTypeRuntimeUnknown            = "Runtime.Unknown"
	ErrTypeTruncatedResponse         = "Runtime.TruncatedResponse"
)

// Messages of the Runtime API's answers, verbatim from RIE.
const (
	msgStateTransition = "State transition from %s to %s failed for runtime. Error: State transition is not allowed"
	msgInvalidID       = "Invalid request ID"
	msgTooLarge        = "Exceeded maximum allowed payload size (%d bytes)."
	msgInvalidMode     = "Invalid function response mode"
	msgResponseTooBig  = "Response payload size (%d bytes) exceeded maximum allowed payload size (%d bytes)."
	msgTruncated       = "HTTP request detected as truncated"
	msgAccessDenied    = "This is not your sandbox's Runtime API"
)

// tokenBytes is the size of a server's secret path prefix: 96 random bits,
// 24 hex digits (a 25-byte prefix compares without allocating).
const tokenBytes = 12

// Runtime state names, as RIE's core names them in its messages.
const (
	stateStarted    = "Started"
	stateReady      = "Ready"
	stateRunning    = "Running"
	stateInitError  = "InitError"
	stateResponse   = "InvocationResponse"
	stateErrorResp  = "InvocationErrorResponse"
	stateResultSent = "RuntimeResponseSentState"
)
