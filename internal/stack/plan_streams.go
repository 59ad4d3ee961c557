package stack

// A Stream is a Kinesis data stream the stack declares: a kinesis-stream
// resource or a cloudformationResources AWS::Kinesis::Stream.
type Stream struct {
	// Resource is the resource's name, or the logical id.
	Resource string `json:"resource"`
	// Name is the Kinesis stream name: the resource name, or a
	// CloudFormation Name.
	Name string `json:"name"`
	// Mode is StreamProvisioned or StreamOnDemand (Stacktape's
	// capacityMode, default ON_DEMAND; CloudFormation's
	// StreamModeDetails.StreamMode, default PROVISIONED).
	Mode string `json:"mode"`
	// ShardCount is a provisioned stream's shard count (1 to 500); 0 for
	// an on-demand stream, which the service starts with 4 shards.
	ShardCount int `json:"shardCount,omitempty"`
	// RetentionHours is how long records are kept, 24 to 8760.
	RetentionHours int `json:"retentionHours"`
	// Tags are the stream's tags.
	Tags map[string]string `json:"tags,omitempty"`
}

// A StreamTrigger invokes a function with batches of a stream's records: a
// function's kinesis-stream or dynamo-db-stream event, as Lambda's event
// source mapping.
type StreamTrigger struct {
	// Function is the function resource's name.
	Function string `json:"function"`
	// Index is the event's index in the function's events.
	Index int `json:"index"`
	// Kind is TriggerKinesis or TriggerDynamoDB.
	Kind string `json:"kind"`
	// Stream is the Kinesis stream's name, or the DynamoDB table's whose
	// stream is read (its ARN is arn.TableStream(Stream)).
	Stream string `json:"stream"`
	// Consumer is the name of the enhanced fan-out consumer the mapping
	// reads through, "" to read the shards directly: autoCreateConsumer's
	// "FUNCTION-INDEX", which the engine registers when it is missing, or
	// the consumer a consumerArn names.
	Consumer string `json:"consumer,omitempty"`
	// BatchSize is the most records per invocation, 1 to 10000.
	BatchSize int `json:"batchSize"`
	// MaxBatchWindowSeconds is how long records are gathered, 0 to 300.
	MaxBatchWindowSeconds int `json:"maxBatchWindowSeconds,omitempty"`
	// StartingPosition is StartTrimHorizon, StartLatest or
	// StartAtTimestamp.
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
	// OnFailure receives the failure record of a batch given up on: a
	// standard queue (DestinationQueue) or topic (DestinationTopic) of
	// the stack, by its AWS name; nil for none.
	OnFailure *Destination `json:"onFailure,omitempty"`
	// Enabled says the stream is read.
	Enabled bool `json:"enabled"`
}
