package async

import "time"

// Stream is the JetStream stream that holds every queued event.
const Stream = "ASYNC"

// Subjects and consumer names.
const (
	subjectPrefix  = "async."
	consumerPrefix = "async-"
)

// Message headers.
const (
	hdrRequestID = "Verge-Request-Id"
	hdrEnqueued  = "Verge-Enqueued"   // Unix nanoseconds, when first accepted
	hdrAttempts  = "Verge-Attempts"   // attempts already made
	hdrNotBefore = "Verge-Not-Before" // Unix nanoseconds; held back until then
)

// Lambda's limits and defaults for asynchronous invocation.
const (
	// MaxPayload is the largest asynchronous event Lambda accepts.
	MaxPayload = 1 << 20
	// DefaultMaxRetryAttempts is how often a failed event is retried.
	DefaultMaxRetryAttempts = 2
	// MaxRetryAttempts is the most retries Lambda allows.
	MaxRetryAttempts = 2
	// DefaultMaxEventAge is also the largest allowed.
	DefaultMaxEventAge = 6 * time.Hour
	// MinEventAge is the smallest maximum event age Lambda allows.
	MinEventAge = time.Minute
	// DefaultTimeout is Lambda's default function timeout.
	DefaultTimeout = 3 * time.Second
	// DefaultThrottleDelay is the first delay after a throttled invocation;
	// later ones double up to MaxThrottleDelay.
	DefaultThrottleDelay = time.Second
	// MaxThrottleDelay is Lambda's largest delay between throttled tries.
	MaxThrottleDelay = 5 * time.Minute
	// DefaultConcurrency is how many events of one function run at once.
	DefaultConcurrency = 32
)

// DefaultRetry is Lambda's delays before the first and second retry.
var DefaultRetry = []time.Duration{time.Minute, 2 * time.Minute}

// Destination kinds.
const (
	KindFunction = "function"
	KindEventBus = "event-bus"
	KindQueue    = "sqs-queue" // the record is the message body
	KindTopic    = "sns-topic" // the record is the message
)

// Conditions of an invocation record.
const (
	ConditionSuccess          = "Success"
	ConditionRetriesExhausted = "RetriesExhausted"
	ConditionEventAgeExceeded = "EventAgeExceeded"
)

// The EventBridge event an event-bus destination receives.
const (
	eventSource       = "lambda"
	detailTypeSuccess = "Lambda Function Invocation Result - Success"
	detailTypeFailure = "Lambda Function Invocation Result - Failure"
	recordVersion     = "1.0"
	recordTimeLayout  = "2006-01-02T15:04:05.000Z"
)

// Tuning.
const (
	// ackMargin is added to the function's timeout for AckWait.
	ackMargin = 30 * time.Second
	// apiTimeout bounds a JetStream API call made without a caller's context.
	apiTimeout = 10 * time.Second
	// errorPause is the pause after a failed pull, before the next.
	errorPause = 200 * time.Millisecond
)
