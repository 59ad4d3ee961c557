package stack

// The schema of queues and topics (issue #14): the sqs-queue and
// sns-topic resources, the sqs and sns function events, and the
// cloudformationResources entries of type AWS::SQS::Queue,
// AWS::SNS::Topic and AWS::SNS::Subscription. Same rules as schema.go:
// every field documented, keys are the yaml tags.

// SQSQueueProps are the properties of an sqs-queue (an SQS queue). The
// queue's SQS name is the resource name, with ".fifo" appended for a
// FIFO queue, as SQS requires.
type SQSQueueProps struct {
	// DelayMessagesSecond delays the delivery of every message by this
	// many seconds, 0 to 900. Default 0. (Stacktape's name;
	// delayMessagesSeconds is accepted too.)
	DelayMessagesSecond *int `yaml:"delayMessagesSecond"`
	// DelayMessagesSeconds is delayMessagesSecond; give one of them.
	DelayMessagesSeconds *int `yaml:"delayMessagesSeconds"`
	// MaxMessageSizeBytes is the largest message, 1024 to 262144 bytes.
	// Default 262144.
	MaxMessageSizeBytes *int `yaml:"maxMessageSizeBytes"`
	// MessageRetentionPeriodSeconds is how long a message is kept, 60 to
	// 1209600 seconds (14 days). Default 345600 (4 days).
	MessageRetentionPeriodSeconds *int `yaml:"messageRetentionPeriodSeconds"`
	// LongPollingSeconds is how long a ReceiveMessage without its own
	// WaitTimeSeconds waits for a message, 0 to 20. Default 0.
	LongPollingSeconds *int `yaml:"longPollingSeconds"`
	// VisibilityTimeoutSeconds is how long a received message stays
	// hidden from other consumers, 0 to 43200. Default 30. A function's
	// sqs event needs it to be at least the function's timeout.
	VisibilityTimeoutSeconds *int `yaml:"visibilityTimeoutSeconds"`
	// FifoEnabled makes a FIFO queue: ordered per message group, each
	// message delivered once. Default false.
	FifoEnabled bool `yaml:"fifoEnabled"`
	// FifoHighThroughput deduplicates and limits throughput per message
	// group rather than per queue (FIFO only). Default false.
	FifoHighThroughput bool `yaml:"fifoHighThroughput"`
	// ContentBasedDeduplication uses the SHA-256 of the body when a
	// message has no deduplication id (FIFO only). Default false.
	ContentBasedDeduplication bool `yaml:"contentBasedDeduplication"`
	// RedrivePolicy moves a message received maxReceiveCount times to a
	// dead-letter queue.
	RedrivePolicy *RedrivePolicy `yaml:"redrivePolicy"`

	// Events would deliver event-bus events to the queue; not supported
	// yet.
	Events Planned `yaml:"events"`

	// Stacktape properties that mean nothing on one machine: accepted with
	// a warning that says why (ignoredProperties).

	// PolicyStatements add statements to the queue's resource policy.
	PolicyStatements Ignored `yaml:"policyStatements"`
	// Alarms are CloudWatch alarms on the queue's metrics.
	Alarms Ignored `yaml:"alarms"`
	// DisabledGlobalAlarms turns off alarms set for the whole stack.
	DisabledGlobalAlarms Ignored `yaml:"disabledGlobalAlarms"`
}

// A RedrivePolicy names an sqs-queue's dead-letter queue: exactly one of
// targetSqsQueueName and targetSqsQueueArn. It must be a queue of the same
// kind (FIFO for a FIFO queue, standard for a standard one).
type RedrivePolicy struct {
	// TargetSqsQueueName is the name of an sqs-queue resource.
	TargetSqsQueueName string `yaml:"targetSqsQueueName"`
	// TargetSqsQueueArn is the ARN of a queue of the stack
	// (arn:aws:sqs:us-east-1:000000000000:NAME); it may hold directives
	// ($ResourceParam('dlq', 'arn'), $CfResourceParam('dlq', 'Arn')).
	TargetSqsQueueArn Template `yaml:"targetSqsQueueArn"`
	// MaxReceiveCount is how many times a message is received before it
	// moves, 1 to 1000.
	MaxReceiveCount int `yaml:"maxReceiveCount" verge:"required"`
}

// SNSTopicProps are the properties of an sns-topic (an SNS topic). The
// topic's SNS name is the resource name, with ".fifo" appended for a FIFO
// topic, as SNS requires. A topic needs no properties.
type SNSTopicProps struct {
	// SmsDisplayName is the topic's DisplayName (the sender of SMS
	// messages on AWS), at most 100 characters.
	SmsDisplayName string `yaml:"smsDisplayName"`
	// FifoEnabled makes a FIFO topic, which delivers to FIFO queues in
	// order. Default false.
	FifoEnabled bool `yaml:"fifoEnabled"`
	// ContentBasedDeduplication uses the SHA-256 of the message when it
	// has no deduplication id (FIFO only). Default false.
	ContentBasedDeduplication bool `yaml:"contentBasedDeduplication"`
}

// SQSEventProps invoke the function with batches of the messages of a
// queue, as a Lambda event source mapping. The queue is exactly one of
// sqsQueueName, sqsQueueArn and queueArn.
type SQSEventProps struct {
	// SqsQueueName is the name of an sqs-queue resource.
	SqsQueueName string `yaml:"sqsQueueName"`
	// SqsQueueArn is the ARN of a queue of the stack (an sqs-queue or a
	// cloudformationResources queue); it may hold directives
	// ($CfResourceParam('myQueue', 'Arn')).
	SqsQueueArn Template `yaml:"sqsQueueArn"`
	// QueueArn is sqsQueueArn (older Stacktape).
	QueueArn Template `yaml:"queueArn"`
	// BatchSize is the most messages in one invocation, 1 to 10000 (at
	// most 10 for a FIFO queue). Default 10.
	BatchSize *int `yaml:"batchSize"`
	// MaxBatchWindowSeconds is how long messages are gathered before the
	// function is invoked, 0 to 300; needed (at least 1) for a batchSize
	// above 10; not allowed for a FIFO queue. Default 0.
	MaxBatchWindowSeconds *int `yaml:"maxBatchWindowSeconds"`
	// ReportBatchItemFailures lets the function return
	// {batchItemFailures: [{itemIdentifier: MESSAGE_ID}]} so that only the
	// failed messages return to the queue (a Verge property: Lambda's
	// FunctionResponseTypes). Default false, as on AWS.
	ReportBatchItemFailures bool `yaml:"reportBatchItemFailures"`
	// FunctionResponseTypes is Lambda's spelling of
	// reportBatchItemFailures: [ReportBatchItemFailures] or [].
	FunctionResponseTypes []string `yaml:"functionResponseTypes"`
	// MaximumConcurrency caps the concurrent invocations of this event,
	// 2 to 1000. Default: only the function's concurrency limits apply.
	MaximumConcurrency *int `yaml:"maximumConcurrency"`
	// Enabled polls the queue; false keeps the mapping without polling.
	// Default true.
	Enabled *bool `yaml:"enabled"`
}

// SNSEventProps subscribe the function to a topic; SNS invokes it
// asynchronously with each message. The topic is exactly one of
// snsTopicName, snsTopicArn and topicArn.
type SNSEventProps struct {
	// SnsTopicName is the name of an sns-topic resource.
	SnsTopicName string `yaml:"snsTopicName"`
	// SnsTopicArn is the ARN of a topic of the stack (an sns-topic or a
	// cloudformationResources topic); it may hold directives.
	SnsTopicArn Template `yaml:"snsTopicArn"`
	// TopicArn is snsTopicArn (older Stacktape).
	TopicArn Template `yaml:"topicArn"`
	// FilterPolicy selects the messages the function receives: an SNS
	// filter policy written in YAML, or as a JSON string.
	FilterPolicy JSON `yaml:"filterPolicy"`
	// FilterPolicyScope is MessageAttributes (the policy matches message
	// attributes) or MessageBody (it matches the JSON body). Default
	// MessageAttributes.
	FilterPolicyScope *string `yaml:"filterPolicyScope"`
	// OnDeliveryFailure is the queue that receives the messages SNS could
	// not deliver to the function.
	OnDeliveryFailure *DeliveryFailure `yaml:"onDeliveryFailure"`
}

// DeliveryFailure names an SNS subscription's dead-letter queue: exactly
// one of sqsQueueName, sqsQueueArn and sqsQueueUrl.
type DeliveryFailure struct {
	// SqsQueueName is the name of an sqs-queue resource.
	SqsQueueName string `yaml:"sqsQueueName"`
	// SqsQueueArn is the ARN of a queue of the stack; it may hold
	// directives.
	SqsQueueArn Template `yaml:"sqsQueueArn"`
	// SqsQueueUrl is the queue's URL (older Stacktape, with sqsQueueArn):
	// accepted when it names the same queue.
	SqsQueueUrl Template `yaml:"sqsQueueUrl"`
}

// CfResources are the cloudformationResources entries in the order
// written; decoded from a mapping of logical ids to CfResource.
type CfResources []*CfResource

// A CfResource is one entry of cloudformationResources: a CloudFormation
// resource of a type Verge runs (AWS::SQS::Queue, AWS::SNS::Topic,
// AWS::SNS::Subscription, AWS::S3::Bucket, AWS::Kinesis::Stream,
// AWS::DynamoDB::Table), referenced with $CfResourceParam.
type CfResource struct {
	// Name is the logical id the resource was written under.
	Name string `yaml:"-"`
	// Type is AWS::SQS::Queue, AWS::SNS::Topic, AWS::SNS::Subscription,
	// AWS::S3::Bucket, AWS::Kinesis::Stream or AWS::DynamoDB::Table.
	Type string `yaml:"Type" verge:"required"`
	// Properties depend on Type (*CfQueueProps, *CfTopicProps,
	// *CfSubscriptionProps, *CfBucketProps, *CfStreamProps,
	// *CfTableProps). Nil when Type is not supported.
	Properties any `yaml:"Properties"`

	// CloudFormation's resource attributes that mean nothing locally:
	// accepted with a warning.

	// DependsOn orders creation on AWS.
	DependsOn Ignored `yaml:"DependsOn"`
	// DeletionPolicy keeps or snapshots the resource when it is removed.
	DeletionPolicy Ignored `yaml:"DeletionPolicy"`
	// UpdateReplacePolicy keeps the old resource when it is replaced.
	UpdateReplacePolicy Ignored `yaml:"UpdateReplacePolicy"`
}

// The CloudFormation types.
const (
	CfQueue        = "AWS::SQS::Queue"
	CfTopic        = "AWS::SNS::Topic"
	CfSubscription = "AWS::SNS::Subscription"
)

var cfTypes = typeSet{
	what: "CloudFormation type",
	supported: map[string]func() any{
		CfQueue:        func() any { return new(CfQueueProps) },
		CfTopic:        func() any { return new(CfTopicProps) },
		CfSubscription: func() any { return new(CfSubscriptionProps) },
		CfBucket:       func() any { return new(CfBucketProps) },
		CfStream:       func() any { return new(CfStreamProps) },
		CfTable:        func() any { return new(CfTableProps) },
	},
	planned: []string{"AWS::Events::EventBus"},
}

// CfQueueProps are AWS::SQS::Queue's properties that apply locally, by
// CloudFormation's names and ranges. Without QueueName the queue is named
// by its logical id (".fifo" appended for a FIFO queue).
type CfQueueProps struct {
	// QueueName is the queue's SQS name: letters, digits, '-' and '_', at
	// most 80 characters, ending ".fifo" for a FIFO queue.
	QueueName string `yaml:"QueueName"`
	// DelaySeconds, 0 to 900. Default 0.
	DelaySeconds *int `yaml:"DelaySeconds"`
	// MaximumMessageSize in bytes, 1024 to 262144. Default 262144.
	MaximumMessageSize *int `yaml:"MaximumMessageSize"`
	// MessageRetentionPeriod in seconds, 60 to 1209600. Default 345600.
	MessageRetentionPeriod *int `yaml:"MessageRetentionPeriod"`
	// ReceiveMessageWaitTimeSeconds is the long-polling default, 0 to 20.
	// Default 0.
	ReceiveMessageWaitTimeSeconds *int `yaml:"ReceiveMessageWaitTimeSeconds"`
	// VisibilityTimeout in seconds, 0 to 43200. Default 30.
	VisibilityTimeout *int `yaml:"VisibilityTimeout"`
	// RedrivePolicy names the dead-letter queue.
	RedrivePolicy *CfRedrivePolicy `yaml:"RedrivePolicy"`
	// RedriveAllowPolicy says which queues may use this one as their
	// dead-letter queue, as SQS's JSON (a mapping or a JSON string).
	RedriveAllowPolicy JSON `yaml:"RedriveAllowPolicy"`
	// FifoQueue makes a FIFO queue. Default false.
	FifoQueue bool `yaml:"FifoQueue"`
	// ContentBasedDeduplication (FIFO only). Default false.
	ContentBasedDeduplication bool `yaml:"ContentBasedDeduplication"`
	// DeduplicationScope is messageGroup or queue (FIFO only).
	DeduplicationScope string `yaml:"DeduplicationScope"`
	// FifoThroughputLimit is perQueue or perMessageGroupId (FIFO only).
	FifoThroughputLimit string `yaml:"FifoThroughputLimit"`
	// Tags are the queue's tags.
	Tags []CfTag `yaml:"Tags"`

	// Encryption settings: accepted with a warning (ignoredProperties).

	// KmsMasterKeyId encrypts messages with a KMS key.
	KmsMasterKeyId Ignored `yaml:"KmsMasterKeyId"`
	// KmsDataKeyReusePeriodSeconds caches KMS data keys.
	KmsDataKeyReusePeriodSeconds Ignored `yaml:"KmsDataKeyReusePeriodSeconds"`
	// SqsManagedSseEnabled encrypts messages with SQS's own keys.
	SqsManagedSseEnabled Ignored `yaml:"SqsManagedSseEnabled"`
}

// CfRedrivePolicy is AWS::SQS::Queue's RedrivePolicy.
type CfRedrivePolicy struct {
	// DeadLetterTargetArn is the dead-letter queue's ARN; it may hold
	// directives ($CfResourceParam('dlq', 'Arn')) or be written
	// {Fn::GetAtt: [dlq, Arn]}.
	DeadLetterTargetArn CfString `yaml:"deadLetterTargetArn" verge:"required"`
	// MaxReceiveCount is how many receives move a message, 1 to 1000.
	MaxReceiveCount int `yaml:"maxReceiveCount" verge:"required"`
}

// A CfTag is a CloudFormation tag.
type CfTag struct {
	// Key is the tag's name, 1 to 128 characters.
	Key string `yaml:"Key" verge:"required"`
	// Value is the tag's value, at most 256 characters.
	Value string `yaml:"Value" verge:"required"`
}

// CfTopicProps are AWS::SNS::Topic's properties that apply locally.
// Without TopicName the topic is named by its logical id (".fifo"
// appended for a FIFO topic).
type CfTopicProps struct {
	// TopicName is the topic's SNS name: letters, digits, '-' and '_', at
	// most 256 characters, ending ".fifo" for a FIFO topic.
	TopicName string `yaml:"TopicName"`
	// DisplayName is the topic's display name, at most 100 characters.
	DisplayName string `yaml:"DisplayName"`
	// FifoTopic makes a FIFO topic. Default false.
	FifoTopic bool `yaml:"FifoTopic"`
	// ContentBasedDeduplication (FIFO only). Default false.
	ContentBasedDeduplication bool `yaml:"ContentBasedDeduplication"`
	// Subscription subscribes functions (Protocol lambda) and queues
	// (Protocol sqs) of the stack, by ARN.
	Subscription []CfTopicSubscription `yaml:"Subscription"`
	// Tags are the topic's tags.
	Tags []CfTag `yaml:"Tags"`

	// Accepted with a warning (ignoredProperties).

	// KmsMasterKeyId encrypts messages with a KMS key.
	KmsMasterKeyId Ignored `yaml:"KmsMasterKeyId"`
	// DataProtectionPolicy audits or masks sensitive data.
	DataProtectionPolicy Ignored `yaml:"DataProtectionPolicy"`
	// DeliveryStatusLogging logs deliveries to CloudWatch.
	DeliveryStatusLogging Ignored `yaml:"DeliveryStatusLogging"`
	// TracingConfig turns on X-Ray tracing.
	TracingConfig Ignored `yaml:"TracingConfig"`
	// ArchivePolicy keeps a FIFO topic's messages to replay.
	ArchivePolicy Ignored `yaml:"ArchivePolicy"`
}

// A CfTopicSubscription is one entry of AWS::SNS::Topic's Subscription.
type CfTopicSubscription struct {
	// Endpoint is a function's or a queue's ARN; it may hold directives or
	// be written {Fn::GetAtt: [name, Arn]}.
	Endpoint CfString `yaml:"Endpoint" verge:"required"`
	// Protocol is lambda or sqs.
	Protocol string `yaml:"Protocol" verge:"required"`
}

// CfSubscriptionProps are AWS::SNS::Subscription's properties that apply
// locally: a function or a queue of the stack subscribed to a topic.
type CfSubscriptionProps struct {
	// TopicArn is the topic's ARN; it may hold directives or be written
	// {Ref: topic}.
	TopicArn CfString `yaml:"TopicArn" verge:"required"`
	// Protocol is lambda or sqs.
	Protocol string `yaml:"Protocol" verge:"required"`
	// Endpoint is the function's or queue's ARN.
	Endpoint CfString `yaml:"Endpoint" verge:"required"`
	// RawMessageDelivery sends the message alone, not in SNS's JSON
	// envelope (sqs only). Default false.
	RawMessageDelivery bool `yaml:"RawMessageDelivery"`
	// FilterPolicy selects the messages delivered: a mapping or a JSON
	// string.
	FilterPolicy JSON `yaml:"FilterPolicy"`
	// FilterPolicyScope is MessageAttributes or MessageBody. Default
	// MessageAttributes.
	FilterPolicyScope *string `yaml:"FilterPolicyScope"`
	// RedrivePolicy names the queue for messages that cannot be
	// delivered.
	RedrivePolicy *CfSubscriptionRedrive `yaml:"RedrivePolicy"`
	// Region is the topic's region; it must be Verge's (us-east-1).
	Region string `yaml:"Region"`
}

// CfSubscriptionRedrive is AWS::SNS::Subscription's RedrivePolicy.
type CfSubscriptionRedrive struct {
	// DeadLetterTargetArn is the queue's ARN.
	DeadLetterTargetArn CfString `yaml:"deadLetterTargetArn" verge:"required"`
}

// A CfString is a Template that may also be written as CloudFormation's
// {Fn::GetAtt: [name, attribute]} (or "name.attribute") or {Ref: name},
// which stand for $CfResourceParam('name', 'attribute') and
// $CfResourceParam('name', 'Ref').
type CfString struct {
	// Template is the value, a reference written as its directive.
	Template `yaml:"-"`
}
