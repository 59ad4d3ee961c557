package kafka

import "time"

// Mapping limits (Lambda's CreateEventSourceMapping for Kafka).
const (
	defaultBatchSize = 100
	maxBatchSize     = 10_000
	maxBatchWindow   = 300 * time.Second
	maxRetryAttempts = 10_000
	forever          = -1 // MaximumRetryAttempts: until the batch succeeds
	// retriesWithDestination replaces forever when OnFailure is set.
	retriesWithDestination = 10
	maxPayload             = 6 * 1024 * 1024
	executedVersion        = "$LATEST"
)

// Failure record fields (AWS's Kafka on-failure invocation record).
const (
	failureVersion    = "1.0"
	conditionRetries  = "RetryAttemptsExhausted"
	functionUnhandled = "Unhandled"
	batchInfoKey      = "KafkaBatchInfo"
	layoutMillis      = "2006-01-02T15:04:05.000Z"
)

// Polling and retrying, as internal/esm paces them.
const (
	// pollWait is the longest one poll waits for records; Close and
	// removal cut it short.
	pollWait = time.Second
	// Function and invoke errors are retried after retryFirst, doubling
	// to retryMax; throttling likewise, uncounted.
	retryFirst = 100 * time.Millisecond
	retryMax   = 3 * time.Second
	// problemFirst and problemMax pace brokers that cannot be reached or
	// refuse the credentials, and commits that fail.
	problemFirst = 200 * time.Millisecond
	problemMax   = 10 * time.Second
	// sessionTimeout is how long the group waits for a consumer that
	// stopped heartbeating (a killed Verge) before giving its partitions
	// to another: shorter than Kafka's 45 s default, for a local tool.
	sessionTimeout = 10 * time.Second
	// gatherBatches is how many batches' worth of records a mapping
	// holds at most, over its partitions, beyond what franz-go buffers.
	gatherBatches = 4
	// commitWait bounds one commit of offsets to the group.
	commitWait = 10 * time.Second
)

// Mapping states and processing results, as ListEventSourceMappings shows
// them; the problems are the texts of Lambda's Kafka troubleshooting
// guide.
const (
	StateCreating = "Creating"
	StateEnabled  = "Enabled"
	StateDisabled = "Disabled"

	reasonUser = "USER_INITIATED"

	ResultNone      = "No records processed"
	ResultOK        = "OK"
	ResultFailed    = "PROBLEM: Function call failed"
	ResultThrottled = "PROBLEM: Function call throttled"
	ResultNotFound  = "PROBLEM: Function not found"

	ProblemConnection  = "PROBLEM: Connection error. Please check your event source connection configuration."
	ProblemSASL        = "PROBLEM: SASL authentication failed"
	ProblemServerAuth  = "PROBLEM: Server failed to authenticate Lambda"
	ProblemLambdaAuth  = "PROBLEM: Lambda failed to authenticate server"
	ProblemCertificate = "PROBLEM: Provided certificate or private key is invalid"
	ProblemAuthorize   = "PROBLEM: Cluster failed to authorize Lambda"
	ProblemTopic       = "PROBLEM: Topic not found"
)

// maxGathered is how many records a mapping with batchSize holds at most.
func maxGathered(batchSize int) int { return max(gatherBatches*batchSize, 10_000) }
