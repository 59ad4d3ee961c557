package esm

import "time"

// Mapping limits (Lambda's CreateEventSourceMapping for streams).
const (
	defaultBatchSize   = 100
	maxBatchSize       = 10_000
	maxBatchWindow     = 300 * time.Second
	minRecordAge       = 60 * time.Second
	maxRecordAge       = 7 * 24 * time.Hour
	maxRetryAttempts   = 10_000
	maxParallelization = 10
	maxTumblingWindow  = 900 * time.Second
	forever            = -1 // MaximumRetryAttempts: until the records expire
	maxPayload         = 6 * 1024 * 1024
	maxWindowState     = 1024 * 1024 // a tumbling window's state, per shard
	executedVersion    = "$LATEST"
)

// Event and failure record fields.
const (
	eventStart = `{"Records":[`
	eventEnd   = `]}`

	failureVersion = "1.0"
	// Conditions of a failure record (requestContext.condition).
	conditionRetries = "RetryAttemptsExhausted"
	conditionAge     = "RecordAgeExceeded"
	// functionUnhandled is the functionError of an attempt that failed
	// without the function reporting an error type (a timeout, a crash).
	functionUnhandled = "Unhandled"
	// DDBStreamBatchInfo carries DynamoDB's second-precision arrival
	// times; every other source's carry milliseconds.
	batchInfoDynamoDB = "DDBStreamBatchInfo"
	layoutMillis      = "2006-01-02T15:04:05.000Z"
	layoutSeconds     = "2006-01-02T15:04:05Z"
)

// DefaultPositionWait bounds Apply's wait for new mappings to be
// positioned: a source that cannot be read then does not hold up a
// deploy; the mapping keeps trying and says so in its state.
const DefaultPositionWait = 5 * time.Second

// Reading, retrying and resharding.
const (
	// readWait is how long one Read waits for a record; Close and removal
	// cut it short.
	readWait = time.Second
	// reshardEvery is how often a mapping lists its source's shards.
	reshardEvery = 3 * time.Second
	// Function errors and invoke errors are retried after retryFirst,
	// doubling to retryMax; throttling likewise, uncounted.
	retryFirst = 100 * time.Millisecond
	retryMax   = 3 * time.Second
	// problemFirst and problemMax pace a source that cannot be read or a
	// checkpoint that cannot be written.
	problemFirst = 200 * time.Millisecond
	problemMax   = 10 * time.Second
)

// Checkpoint storage.
const (
	bucket      = "ESM_CHECKPOINTS"
	keyShard    = "s" // <mapping>.s.<shard>: a shard's checkpoint
	keyStarted  = "started"
	bucketNotes = "Verge stream event source mapping checkpoints"
)

// Mapping states and processing results, as ListEventSourceMappings shows
// them.
const (
	StateEnabled  = "Enabled"
	StateDisabled = "Disabled"

	ResultNone        = "No records processed"
	ResultOK          = "OK"
	ResultFailed      = "PROBLEM: Function call failed"
	ResultThrottled   = "PROBLEM: Function call throttled"
	ResultNotFound    = "PROBLEM: Function not found"
	ResultSourceError = "PROBLEM: Stream not readable"
)
