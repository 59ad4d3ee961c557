package esm

import (
	"context"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// A Record is one record of a shard.
type Record struct {
	// Seq is the record's sequence number in the source's own form; a
	// shard's records come in increasing order. Checkpoints store it and
	// batchItemFailures' itemIdentifier names it.
	Seq string
	// Key is the partition key: with a ParallelizationFactor above 1 the
	// records of one key are processed in order, one batch at a time.
	Key string
	// Arrival is when the source stored the record.
	Arrival time.Time
	// Event is the record as the function sees it in the event's Records
	// array: one JSON object, complete (eventSourceARN included).
	Event []byte
}

// A Shard is one shard of a source.
type Shard struct {
	ID string
	// Parents are the shards it was split or merged from: it is read only
	// once they are processed to their end, as Lambda does.
	Parents []string
}

// Starting positions (Lambda's StartingPosition).
const (
	TrimHorizon = "TRIM_HORIZON"
	Latest      = "LATEST"
	AtTimestamp = "AT_TIMESTAMP"
)

// A Position is where reading a shard resumes.
type Position struct {
	// After reads the records after this sequence number; "" reads from
	// Start.
	After string
	// Start is TrimHorizon, Latest or AtTimestamp (with Timestamp), used
	// when After is "".
	Start     string
	Timestamp time.Time
}

// A Read is what one Read call returns.
type Read struct {
	Records []Record
	// End reports the shard is closed (split or merged) and every record
	// of it has been returned.
	End bool
	// Behind is how far the last record returned is behind the shard's
	// newest (MillisBehindLatest), for the mapping's state.
	Behind time.Duration
}

// A Source is a sharded, ordered log.
type Source interface {
	// ARN is the records' eventSourceARN.
	ARN() string
	// BatchInfo is the failure record's key for a batch's details:
	// "KinesisBatchInfo" or "DDBStreamBatchInfo"; its ARN field is
	// "streamArn" in both.
	BatchInfo() string
	// Shards lists the shards now, closed ones whose records are still
	// retained included.
	Shards(ctx context.Context) ([]Shard, error)
	// Tip is the position that reads only the records added to shard
	// after now (what LATEST resolves to, checkpointed at once so that a
	// restart does not move it).
	Tip(ctx context.Context, shard string) (Position, error)
	// Read returns up to max records of shard from pos, totalling at most
	// maxBytes of Event (at least one record whatever its size). When
	// there are none it waits up to wait for one to arrive before
	// returning an empty Read. A position older than the shard's
	// retention reads from its oldest record.
	Read(ctx context.Context, shard string, pos Position, max, maxBytes int, wait time.Duration) (Read, error)
}

// A Destination is where a batch's failure record goes: an SQS queue or an
// SNS topic, by name.
type Destination struct {
	Kind string // "sqs" or "sns"
	Name string
}

// A Result is a function's answer to a batch.
type Result struct {
	Payload       []byte
	FunctionError string // "" when the function returned normally
}

// A Mapping is one function's event source mapping of a Source.
type Mapping struct {
	// UUID identifies the mapping across restarts: its checkpoints are
	// kept under it.
	UUID        string
	Function    string
	FunctionARN string
	Source      Source
	// BatchSize is the most records per invocation: 1 to 10,000 (100 when
	// 0).
	BatchSize int
	// MaxBatchWindow is how long records are gathered, up to 300 s.
	MaxBatchWindow time.Duration
	// StartingPosition is TrimHorizon, Latest or AtTimestamp (with
	// StartingTimestamp): where a shard with no checkpoint starts.
	StartingPosition  string
	StartingTimestamp time.Time
	// MaximumRetryAttempts is how often a failed batch is retried: -1
	// until its records expire, 0 to 10,000.
	MaximumRetryAttempts int
	// MaximumRecordAge discards records older than this: 0 for no limit
	// (-1 on AWS), else 60 s to 7 days.
	MaximumRecordAge time.Duration
	// BisectBatchOnFunctionError splits a failed batch in two before
	// retrying it.
	BisectBatchOnFunctionError bool
	// ParallelizationFactor is how many batches of one shard may run at
	// once, 1 to 10 (1 when 0).
	ParallelizationFactor int
	// ReportBatchItemFailures reads the function's batchItemFailures.
	ReportBatchItemFailures bool
	// TumblingWindow, when positive (up to 900 s), invokes the function
	// with window state as AWS's tumbling windows do.
	TumblingWindow time.Duration
	// OnFailure receives the failure record of a batch given up on; nil
	// drops it (logged).
	OnFailure *Destination
	Enabled   bool
}

// Options configure a Manager.
type Options struct {
	// JetStream keeps the checkpoints (key-value bucket ESM_CHECKPOINTS).
	JetStream jetstream.JetStream
	// Invoke invokes a function synchronously. An error of kind
	// errs.Throttled is retried with backoff, not counted as an attempt;
	// other errors count as a failed attempt, as a function error does.
	Invoke func(ctx context.Context, function string, payload []byte) (Result, error)
	// Send delivers a failure record to a destination.
	Send   func(ctx context.Context, d Destination, record []byte) error
	Logger *slog.Logger     // slog.Default() when nil
	Now    func() time.Time // time.Now when nil
	// PositionWait bounds how long Apply waits for a new mapping to
	// resolve its StartingPosition (DefaultPositionWait when zero).
	PositionWait time.Duration
}

// A State is a mapping's state, for ListEventSourceMappings and the
// terminal.
type State struct {
	UUID string
	// State is "Enabled", "Disabled" or "Creating".
	State string
	// LastProcessingResult is Lambda's: "No records processed", "OK",
	// "PROBLEM: Function call failed", …
	LastProcessingResult string
	LastModified         time.Time
	// Behind is the largest MillisBehindLatest over its shards.
	Behind time.Duration
}
