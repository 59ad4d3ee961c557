package kinesis

import "time"

// Iterator types (ShardIteratorType and StartingPosition.Type).
const (
	TrimHorizon         = "TRIM_HORIZON"
	Latest              = "LATEST"
	AtSequenceNumber    = "AT_SEQUENCE_NUMBER"
	AfterSequenceNumber = "AFTER_SEQUENCE_NUMBER"
	AtTimestamp         = "AT_TIMESTAMP"
)

// ListShards filter types (ShardFilter.Type).
const (
	FilterAfterShardID    = "AFTER_SHARD_ID"
	FilterAtTrimHorizon   = "AT_TRIM_HORIZON"
	FilterFromTrimHorizon = "FROM_TRIM_HORIZON"
	FilterAtLatest        = "AT_LATEST"
	FilterAtTimestamp     = "AT_TIMESTAMP"
	FilterFromTimestamp   = "FROM_TIMESTAMP"
)

// Stream and consumer statuses.
const (
	StatusActive   = "ACTIVE"
	StatusCreating = "CREATING"
	StatusDeleting = "DELETING"
	StatusUpdating = "UPDATING"
)

// UniformScaling is UpdateShardCount's only ScalingType.
const UniformScaling = "UNIFORM_SCALING"

// AWS's limits.
const (
	MaxPutRecords      = 500
	MaxRecordSize      = 1 << 20 // partition key + data
	MaxPutRequestSize  = 5 << 20
	MaxPartitionKey    = 256 // Unicode characters
	MaxGetRecords      = 10000
	MaxGetRecordsBytes = 10 << 20
	MinRetentionHours  = 24
	MaxRetentionHours  = 8760
	MaxConsumers       = 20
	MaxTags            = 50
	MaxTagKey          = 128
	MaxTagValue        = 256
	MaxStreamName      = 128
	AccountShardLimit  = 500 // us-east-1's default shard quota
	OnDemandShards     = 4
	MaxDescribeShards  = 100
	DefaultListShards  = 1000
	MaxListShards      = 10000
	DefaultListStreams = 100
	MaxListStreams     = 10000
	IteratorLifetime   = 5 * time.Minute
	NextTokenLifetime  = 5 * time.Minute
	SubscriptionLife   = 5 * time.Minute
	SubscribeHeartbeat = 5 * time.Second
	shardWriteBytes    = 1 << 20 // per second
	shardWriteRecords  = 1000    // per second
	shardReadCalls     = 5       // GetRecords per second
	shardReadBytes     = 2 << 20 // per second
	maxShardIndex      = 99999999
	ackTimeout         = 30 * time.Second // for JetStream to acknowledge a put
)

// Storage names (see doc.go).
const (
	bucketMeta    = "KINESIS"
	keyNodeKey    = "node-key"
	keyStream     = "stream."
	streamPrefix  = "KINESIS_"
	subjectPrefix = "kinesis."
	directGetAPI  = "$JS.API.DIRECT.GET."
)

// The fixed layout of a sequence number: 56 decimal digits, as AWS's.
const (
	seqWidth     = 56
	seqLead      = "49"
	seqTagDigits = 10
	seqShardDigs = 8
	seqJSDigits  = 20
	seqMsDigits  = 16
)

// The record header in a stored message: arrival (ms, 8 bytes) and the
// partition key's length (2 bytes), both big-endian.
const recordHeader = 10

// The role an event names when Source is not told the function's.
const defaultRole = "arn:aws:iam::000000000000:role/verge-lambda-role"
