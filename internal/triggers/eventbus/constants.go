package eventbus

// EventBridge's PutEvents wire protocol (AWS JSON 1.1).
const (
	// HeaderTarget names the operation: "AWSEvents.PutEvents".
	HeaderTarget    = "X-Amz-Target"
	TargetPutEvents = targetPrefix + "PutEvents"
	targetPrefix    = "AWSEvents."

	// ContentType is AWS JSON 1.1's media type, for requests and responses.
	ContentType = "application/x-amz-json-1.1"

	HeaderErrorType = "X-Amzn-ErrorType"
	HeaderRequestID = "X-Amzn-RequestId"
)

// PutEvents limits, from the EventBridge API reference and quotas.
const (
	// MaxEntries is the number of entries one PutEvents call may carry.
	MaxEntries = 10
	// MaxEntrySize is an entry's size limit as AWS computes it (entrySize).
	MaxEntrySize = 256 * 1024
	// MaxRequestSize is the limit on the sum of a call's entry sizes.
	MaxRequestSize = 1024 * 1024
	// maxBody caps the request body read: entries escaped inside JSON take
	// up to twice their size, plus field names.
	maxBody = 4*MaxRequestSize + 64*1024
	// timeSize is what an entry's Time counts for in its size, per AWS's
	// "Calculating PutEvents event entry size".
	timeSize = 14
	// maxBusNameLen is EventBusName's length limit (name or ARN).
	maxBusNameLen = 1600
)

// Whole-request error types (the "__type" of an AWS JSON error body).
const (
	errValidation       = "ValidationException"
	errSerialization    = "SerializationException"
	errUnknownOperation = "UnknownOperationException"
)

// Per-entry error codes (PutEventsResultEntry.ErrorCode).
const (
	CodeInvalidArgument = "InvalidArgument"
	CodeMalformedDetail = "MalformedDetail"
	CodeNotFound        = "ResourceNotFoundException"
	CodeInternalFailure = "InternalFailure"
)

// Bus names and ARNs.
const (
	// DefaultBus is the bus every account has.
	DefaultBus = "default"
	// busARNPrefix precedes a bus name in an ARN, after the account.
	busARNMarker = ":event-bus/"
	arnPrefix    = "arn:aws:events:"
)

// Input and input transformer limits, from the API reference
// (Target.Input, InputPath, InputTransformer).
const (
	maxInputLen    = 8192
	maxPathLen     = 256
	maxTemplateLen = 8192
	maxPaths       = 100
	maxVarNameLen  = 256
)

// Predefined input transformer variables.
const (
	varRuleName      = "aws.events.rule-name"
	varRuleARN       = "aws.events.rule-arn"
	varEvent         = "aws.events.event"
	varEventJSON     = "aws.events.event.json"
	varIngestionTime = "aws.events.event.ingestion-time"
	reservedPrefix   = "aws."
)

// Event envelope.
const (
	envelopeVersion = "0"
	timeLayout      = "2006-01-02T15:04:05Z"
)
