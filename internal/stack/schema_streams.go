package stack

// The schema of Kinesis data streams (issue #16): the kinesis-stream
// resource, the kinesis-stream function event and the
// cloudformationResources entries of type AWS::Kinesis::Stream. Same rules
// as schema.go: every field documented, keys are the yaml tags.

// KinesisStreamProps are the properties of a kinesis-stream (a Kinesis
// data stream). The stream's Kinesis name is the resource name. A stream
// needs no properties.
type KinesisStreamProps struct {
	// CapacityMode is ON_DEMAND (the stream has 4 shards locally, as a new
	// on-demand stream has on AWS) or PROVISIONED (shardCount shards).
	// Default ON_DEMAND.
	CapacityMode *string `yaml:"capacityMode"`
	// ShardCount is a provisioned stream's number of shards, 1 to 500.
	// Default 1. Ignored, with a warning, for an on-demand stream.
	ShardCount *int `yaml:"shardCount"`
	// RetentionPeriodHours is how long records are kept, 24 to 8760 hours
	// (365 days). Default 24.
	RetentionPeriodHours *int `yaml:"retentionPeriodHours"`
	// Encryption would encrypt records at rest with a KMS key: accepted
	// with a warning, as there is no KMS locally.
	Encryption *StreamEncryption `yaml:"encryption"`
	// EnableEnhancedFanOut says consumers read with enhanced fan-out. It
	// changes nothing locally, where any registered consumer (see the
	// event's autoCreateConsumer) reads that way: true is accepted with a
	// warning. Default false.
	EnableEnhancedFanOut bool `yaml:"enableEnhancedFanOut"`
}

// StreamEncryption is a kinesis-stream's server-side encryption.
type StreamEncryption struct {
	// Enabled encrypts records at rest.
	Enabled bool `yaml:"enabled" verge:"required"`
	// KmsKeyArn is the KMS key; default alias/aws/kinesis.
	KmsKeyArn string `yaml:"kmsKeyArn"`
}

// KinesisEventProps invoke the function with batches of a stream's
// records, as a Lambda event source mapping of the stream. The stream is
// exactly one of kinesisStreamName and streamArn; it must be one of the
// stack's. Records of a shard are processed in order: a failed batch is
// retried until it succeeds, its records expire, or the retry and age
// limits give up on it.
type KinesisEventProps struct {
	// KinesisStreamName is the name of a kinesis-stream resource.
	KinesisStreamName string `yaml:"kinesisStreamName"`
	// StreamArn is the ARN of a stream of the stack
	// (arn:aws:kinesis:us-east-1:000000000000:stream/NAME); it may hold
	// directives ($ResourceParam('clicks', 'arn'),
	// $CfResourceParam('myStream', 'Arn')).
	StreamArn Template `yaml:"streamArn"`
	// ConsumerArn reads the stream through this enhanced fan-out consumer
	// of it (…:stream/NAME/consumer/CONSUMER:EPOCH), named by CONSUMER
	// and registered when the stack starts if it is missing; it may hold
	// directives. Not with autoCreateConsumer.
	ConsumerArn Template `yaml:"consumerArn"`
	// AutoCreateConsumer reads the stream through an enhanced fan-out
	// consumer of its own, named FUNCTION-INDEX (the function's name and
	// the event's index in its events), registered when the stack starts.
	// Not with consumerArn. Default false: the shards are read directly.
	AutoCreateConsumer bool `yaml:"autoCreateConsumer"`
	// BatchSize is the most records in one invocation, 1 to 10000.
	// Default 100 (Lambda's for streams; Stacktape documents 10).
	BatchSize *int `yaml:"batchSize"`
	// MaxBatchWindowSeconds is how long records are gathered before the
	// function is invoked, 0 to 300. Default 0.
	MaxBatchWindowSeconds *int `yaml:"maxBatchWindowSeconds"`
	// StartingPosition is where a shard is first read: TRIM_HORIZON (its
	// oldest record), LATEST (records added after the mapping starts) or
	// AT_TIMESTAMP (records added from startingPositionTimestamp). Default
	// TRIM_HORIZON.
	StartingPosition *string `yaml:"startingPosition"`
	// StartingPositionTimestamp is AT_TIMESTAMP's time: Unix seconds (a
	// number) or an RFC 3339 time ("2024-05-01T12:00:00Z"). Only with
	// startingPosition AT_TIMESTAMP, which needs it.
	StartingPositionTimestamp *Timestamp `yaml:"startingPositionTimestamp"`
	// MaximumRetryAttempts is how many times a failed batch is retried,
	// 0 to 10000, or -1 to retry until its records expire. Default -1.
	MaximumRetryAttempts *int `yaml:"maximumRetryAttempts"`
	// MaximumRecordAgeInSeconds gives up on a batch holding a record older
	// than this, 60 to 604800 (7 days), or -1 for no limit. Default -1.
	MaximumRecordAgeInSeconds *int `yaml:"maximumRecordAgeInSeconds"`
	// OnFailure receives a failure record (the batch's shard and sequence
	// numbers, not its records) for each batch given up on.
	OnFailure *StreamOnFailure `yaml:"onFailure"`
	// ParallelizationFactor is how many batches of one shard are processed
	// at once, 1 to 10; the records of one partition key stay in order.
	// Default 1.
	ParallelizationFactor *int `yaml:"parallelizationFactor"`
	// BisectBatchOnFunctionError splits a failed batch in two and retries
	// the halves separately. Default false.
	BisectBatchOnFunctionError bool `yaml:"bisectBatchOnFunctionError"`
	// TumblingWindowInSeconds groups records in windows of this many
	// seconds, 0 (none) to 900, passing state from one invocation of a
	// window to the next. Default 0.
	TumblingWindowInSeconds *int `yaml:"tumblingWindowInSeconds"`
	// ReportBatchItemFailures lets the function return
	// {batchItemFailures: [{itemIdentifier: SEQUENCE_NUMBER}]}, so that a
	// retry starts at the first failed record (a Verge property: Lambda's
	// FunctionResponseTypes). Default false.
	ReportBatchItemFailures bool `yaml:"reportBatchItemFailures"`
	// FunctionResponseTypes is Lambda's spelling of
	// reportBatchItemFailures: [ReportBatchItemFailures] or [].
	FunctionResponseTypes []string `yaml:"functionResponseTypes"`
	// Enabled reads the stream; false keeps the mapping without reading.
	// Default true.
	Enabled *bool `yaml:"enabled"`
}

// StreamOnFailure is where a stream event's failure records go: a
// standard SQS queue or SNS topic of the stack.
type StreamOnFailure struct {
	// Arn is the queue's or topic's ARN; it may hold directives
	// ($CfResourceParam('myQueue', 'Arn')).
	Arn Template `yaml:"arn" verge:"required"`
	// Type is sqs or sns, as the ARN is a queue's or a topic's.
	Type string `yaml:"type" verge:"required"`
}

// A Timestamp is a time written as Unix seconds (a number, fractions
// allowed) or as an RFC 3339 string; Unix is the seconds.
type Timestamp struct {
	// Unix is the time in seconds since 1970-01-01T00:00:00Z.
	Unix float64 `yaml:"-"`
}

// CfStream is the CloudFormation type of a Kinesis data stream.
const CfStream = "AWS::Kinesis::Stream"

// CfStreamProps are AWS::Kinesis::Stream's properties that apply locally.
// Without Name the stream is named by its logical id.
type CfStreamProps struct {
	// Name is the stream's Kinesis name: letters, digits, '_', '.' and
	// '-', at most 128 characters.
	Name string `yaml:"Name"`
	// ShardCount is a provisioned stream's number of shards, 1 to 500.
	// Default 1. Not allowed for an ON_DEMAND stream (CloudFormation:
	// "ShardCount is not expected when StreamMode=ON_DEMAND").
	ShardCount *int `yaml:"ShardCount"`
	// RetentionPeriodHours is how long records are kept, 24 to 8760.
	// Default 24.
	RetentionPeriodHours *int `yaml:"RetentionPeriodHours"`
	// StreamModeDetails sets the capacity mode. Default PROVISIONED, as in
	// CloudFormation.
	StreamModeDetails *CfStreamModeDetails `yaml:"StreamModeDetails"`
	// StreamEncryption would encrypt records with a KMS key: accepted
	// with a warning.
	StreamEncryption *CfStreamEncryption `yaml:"StreamEncryption"`
	// Tags are the stream's tags, at most 50.
	Tags []CfTag `yaml:"Tags"`

	// DesiredShardLevelMetrics turns on CloudWatch's shard metrics:
	// accepted with a warning (ignoredProperties).
	DesiredShardLevelMetrics Ignored `yaml:"DesiredShardLevelMetrics"`
}

// CfStreamModeDetails is AWS::Kinesis::Stream's StreamModeDetails.
type CfStreamModeDetails struct {
	// StreamMode is ON_DEMAND or PROVISIONED.
	StreamMode string `yaml:"StreamMode" verge:"required"`
}

// CfStreamEncryption is AWS::Kinesis::Stream's StreamEncryption.
type CfStreamEncryption struct {
	// EncryptionType is KMS.
	EncryptionType string `yaml:"EncryptionType" verge:"required"`
	// KeyId is the KMS key's ARN or alias.
	KeyId string `yaml:"KeyId" verge:"required"`
}
