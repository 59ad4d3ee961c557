package sqs

import "time"

// Event constants (Lambda's SQS event).
const (
	eventSource = "aws:sqs"
	fifoSuffix  = ".fifo"
)

// The system attributes Lambda puts in a record, in its order.
var recordAttributes = [...]string{
	"ApproximateReceiveCount",
	"SentTimestamp",
	"SequenceNumber",
	"MessageGroupId",
	"SenderId",
	"MessageDeduplicationId",
	"ApproximateFirstReceiveTimestamp",
	"AWSTraceHeader",
	"DeadLetterQueueSourceArn",
}

// Mapping limits (Lambda's CreateEventSourceMapping for SQS).
const (
	defaultBatchSize  = 10
	maxBatchSize      = 10_000
	maxFIFOBatchSize  = 10
	maxReceive        = 10 // messages per ReceiveMessage
	maxBatchWindow    = 300 * time.Second
	minMaxConcurrency = 2
	maxMaxConcurrency = 1000
	// maxPayload is the synchronous invocation payload limit.
	maxPayload = 6 * 1024 * 1024
)

// Polling and scaling.
const (
	longPoll   = 20 * time.Second
	minPollers = 2
	// maxPollers bounds pollers when the function's concurrency is not
	// known (Lambda's 1,000 batches per mapping).
	maxPollers = 1000
	// growEvery is how often a mapping may add a poller while receives
	// come back full: 300 a minute, Lambda's scale-up rate for SQS.
	growEvery = 200 * time.Millisecond
	// defaultVisibility is SQS's default, used when the queue's
	// attributes cannot be read.
	defaultVisibility = 30 * time.Second
)

// Backoff after throttling, and after errors that would make polling spin
// (a missing queue or function).
const (
	throttleFirst = 100 * time.Millisecond
	throttleMax   = 5 * time.Second
	problemFirst  = 500 * time.Millisecond
	problemMax    = 30 * time.Second
	// parkedCheck is how often a mapping whose function may not run
	// (concurrency 0) looks again.
	parkedCheck = time.Second
)

// Mapping states and processing results, as ListEventSourceMappings shows
// them.
const (
	StateEnabled  = "Enabled"
	StateDisabled = "Disabled"

	ResultNone        = "No records processed"
	ResultOK          = "OK"
	ResultFailed      = "PROBLEM: Function call failed"
	ResultNotFound    = "PROBLEM: Function not found"
	ResultThrottled   = "PROBLEM: Function call throttled"
	ResultQueueFailed = "PROBLEM: Queue not readable"
)
