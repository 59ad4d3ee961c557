package sqs

import "time"

// Queue attribute names.
const (
	AttrDelaySeconds                          = "DelaySeconds"
	AttrMaximumMessageSize                    = "MaximumMessageSize"
	AttrMessageRetentionPeriod                = "MessageRetentionPeriod"
	AttrReceiveMessageWaitTimeSeconds         = "ReceiveMessageWaitTimeSeconds"
	AttrVisibilityTimeout                     = "VisibilityTimeout"
	AttrRedrivePolicy                         = "RedrivePolicy"
	AttrRedriveAllowPolicy                    = "RedriveAllowPolicy"
	AttrFifoQueue                             = "FifoQueue"
	AttrContentBasedDeduplication             = "ContentBasedDeduplication"
	AttrDeduplicationScope                    = "DeduplicationScope"
	AttrFifoThroughputLimit                   = "FifoThroughputLimit"
	AttrPolicy                                = "Policy"
	AttrKmsMasterKeyID                        = "KmsMasterKeyId"
	AttrKmsDataKeyReusePeriodSeconds          = "KmsDataKeyReusePeriodSeconds"
	AttrSqsManagedSseEnabled                  = "SqsManagedSseEnabled"
	AttrQueueArn                              = "QueueArn"
	AttrCreatedTimestamp                      = "CreatedTimestamp"
	AttrLastModifiedTimestamp                 = "LastModifiedTimestamp"
	AttrApproximateNumberOfMessages           = "ApproximateNumberOfMessages"
	AttrApproximateNumberOfMessagesNotVisible = "ApproximateNumberOfMessagesNotVisible"
	AttrApproximateNumberOfMessagesDelayed    = "ApproximateNumberOfMessagesDelayed"
)

// Message system attribute names.
const (
	SysSenderID                         = "SenderId"
	SysSentTimestamp                    = "SentTimestamp"
	SysApproximateReceiveCount          = "ApproximateReceiveCount"
	SysApproximateFirstReceiveTimestamp = "ApproximateFirstReceiveTimestamp"
	SysMessageGroupID                   = "MessageGroupId"
	SysMessageDeduplicationID           = "MessageDeduplicationId"
	SysSequenceNumber                   = "SequenceNumber"
	SysAWSTraceHeader                   = "AWSTraceHeader"
	SysDeadLetterQueueSourceArn         = "DeadLetterQueueSourceArn"
)

// Limits, as AWS documents them.
const (
	MaxBatch           = 10
	MaxMessageSize     = 262144
	MaxAttributes      = 10
	MaxDelay           = 900
	MaxVisibility      = 43200
	MaxWait            = 20
	MinRetention       = 60
	MaxRetention       = 1209600
	MinMessageSize     = 1024
	MaxQueueNameLen    = 80
	MaxBatchIDLen      = 80
	MaxDedupIDLen      = 128
	MaxGroupIDLen      = 128
	MaxMaxReceiveCount = 1000
	MaxRedriveSources  = 10
	MaxTags            = 50
	// maxInflight is SQS's quota of in-flight messages per queue
	// (standard and, since 2024, FIFO).
	maxInflight         = 120000
	FifoSuffix          = ".fifo"
	dedupWindow         = 5 * time.Minute
	deletedRecently     = 60 * time.Second
	purgeInterval       = 60 * time.Second
	attemptWindow       = 5 * time.Minute
	totalVisibilityCap  = 12 * time.Hour
	defaultVisibility   = 30
	defaultRetention    = 345600
	defaultMemoryBudget = 64 << 20

	// Account is the one account's id as SenderId shows it.
	senderID = "AIDAVERGEVERGEVERGE00"
)

// JetStream names: a stream per queue, three KV buckets.
const (
	streamPrefix = "SQS_"
	subjectFmt   = "sqs.%s.m"
	bucketState  = "SQS_STATE"
	bucketDedup  = "SQS_DEDUP"
	bucketMeta   = "SQS_QUEUES"
	keyNodeKey   = "node-key"
	metaQueue    = "q."
	metaTask     = "t."
	// headerKVOperation marks a KV delete published directly.
	headerKVOperation = "KV-Operation"
)
