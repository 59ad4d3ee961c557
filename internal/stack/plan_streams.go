package stack

// A Stream is a Kinesis data stream the stack declares: a kinesis-stream
// resource or a cloudformationResources AWS::Kinesis::Stream.
type Stream struct {
	// Resource is the resource's name, or the logical id.
	Resource string `json:"resource"`
	// Name is the Kinesis stream name: the resource name, or a
	// CloudFormation Name.
	Name string `json:"name"`
	// Mode is PROVISIONED or ON_DEMAND (Stacktape's capacityMode,
	// CloudFormation's StreamModeDetails.StreamMode).
	Mode string `json:"mode"`
	// ShardCount is a provisioned stream's shard count (1 to 500); 0 for
	// an on-demand stream.
	ShardCount int `json:"shardCount,omitempty"`
	// RetentionHours is how long records are kept, 24 to 8760.
	RetentionHours int `json:"retentionHours"`
	// Tags are the stream's tags.
	Tags map[string]string `json:"tags,omitempty"`
}

// A StreamTrigger invokes a function with batches of a stream's records: a
// function's kinesis-stream event (and, later, dynamo-db-stream), as
// Lambda's event source mapping.
type StreamTrigger struct {
	// Function is the function resource's name.
	Function string `json:"function"`
	// Index is the event's index in the function's events.
	Index int `json:"index"`
	// Kind is "kinesis" (or "dynamodb").
	Kind string `json:"kind"`
	// Stream is the Kinesis stream's name.
	Stream string `json:"stream"`
	// Consumer is the enhanced fan-out consumer the mapping reads through
	// (autoCreateConsumer names one after the function; consumerArn names
	// its own), "" to read the shards directly.
	Consumer string `json:"consumer,omitempty"`
	// BatchSize is the most records per invocation, 1 to 10000.
	BatchSize int `json:"batchSize"`
	// MaxBatchWindowSeconds is how long records are gathered, 0 to 300.
	MaxBatchWindowSeconds int `json:"maxBatchWindowSeconds,omitempty"`
	// StartingPosition is TRIM_HORIZON, LATEST or AT_TIMESTAMP.
	StartingPosition string `json:"startingPosition"`
	// StartingPositionTimestamp is AT_TIMESTAMP's time, Unix seconds.
	StartingPositionTimestamp float64 `json:"startingPositionTimestamp,omitempty"`
	// MaximumRetryAttempts is -1 (until the records expire) or 0 to 10000.
	MaximumRetryAttempts int `json:"maximumRetryAttempts"`
	// MaximumRecordAgeSeconds is -1 (no limit) or 60 to 604800.
	MaximumRecordAgeSeconds int `json:"maximumRecordAgeSeconds"`
	// BisectBatchOnFunctionError splits a failed batch before retrying.
	BisectBatchOnFunctionError bool `json:"bisectBatchOnFunctionError,omitempty"`
	// ParallelizationFactor is 1 to 10.
	ParallelizationFactor int `json:"parallelizationFactor"`
	// ReportBatchItemFailures reads the function's batchItemFailures.
	ReportBatchItemFailures bool `json:"reportBatchItemFailures,omitempty"`
	// TumblingWindowSeconds is 0 (none) to 900.
	TumblingWindowSeconds int `json:"tumblingWindowSeconds,omitempty"`
	// OnFailureKind is "sqs" or "sns" and OnFailure the queue's or topic's
	// name: where failure records of batches given up on go; "" for none.
	OnFailureKind string `json:"onFailureKind,omitempty"`
	OnFailure     string `json:"onFailure,omitempty"`
	// Enabled says the stream is read.
	Enabled bool `json:"enabled"`
}
