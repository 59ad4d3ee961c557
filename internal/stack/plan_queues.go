package stack

// A Queue is an SQS queue the stack declares: an sqs-queue resource or a
// cloudformationResources AWS::SQS::Queue.
type Queue struct {
	// Resource is the resource's name, or the cloudformationResources
	// logical id.
	Resource string `json:"resource"`
	// Name is the SQS queue name: the resource name, with ".fifo" for a
	// FIFO queue (SQS requires it), or a CloudFormation QueueName.
	Name string `json:"name"`
	// Attributes are the attributes the stack sets, by SQS's names and in
	// the form CreateQueue takes them: DelaySeconds,
	// MessageRetentionPeriod, MaximumMessageSize, VisibilityTimeout,
	// ReceiveMessageWaitTimeSeconds, RedrivePolicy (JSON
	// {"deadLetterTargetArn":ARN,"maxReceiveCount":N}), RedriveAllowPolicy,
	// FifoQueue, ContentBasedDeduplication, DeduplicationScope,
	// FifoThroughputLimit. Those absent keep SQS's defaults.
	Attributes map[string]string `json:"attributes,omitempty"`
	// Tags are the queue's tags.
	Tags map[string]string `json:"tags,omitempty"`
}

// A Topic is an SNS topic the stack declares: an sns-topic resource or a
// cloudformationResources AWS::SNS::Topic.
type Topic struct {
	// Resource is the resource's name, or the logical id.
	Resource string `json:"resource"`
	// Name is the SNS topic name: the resource name, with ".fifo" for a
	// FIFO topic, or a CloudFormation TopicName.
	Name string `json:"name"`
	// Attributes are the attributes the stack sets, by SNS's names:
	// FifoTopic, ContentBasedDeduplication, DisplayName.
	Attributes map[string]string `json:"attributes,omitempty"`
	// Tags are the topic's tags.
	Tags map[string]string `json:"tags,omitempty"`
}

// A QueueTrigger invokes a function with batches of a queue's messages:
// a function's sqs event, as Lambda's event source mapping.
type QueueTrigger struct {
	// Function is the function resource's name.
	Function string `json:"function"`
	// Index is the event's index in the function's events.
	Index int `json:"index"`
	// Queue is the SQS queue name.
	Queue string `json:"queue"`
	// BatchSize is the most messages per invocation (1 to 10000; at most
	// 10 for a FIFO queue).
	BatchSize int `json:"batchSize"`
	// MaxBatchWindowSeconds is how long messages are gathered (0 to 300;
	// 0 for a FIFO queue).
	MaxBatchWindowSeconds int `json:"maxBatchWindowSeconds,omitempty"`
	// ReportBatchItemFailures says the function may answer with
	// batchItemFailures (Lambda's FunctionResponseTypes:
	// ["ReportBatchItemFailures"]).
	ReportBatchItemFailures bool `json:"reportBatchItemFailures,omitempty"`
	// MaximumConcurrency caps the trigger's concurrent invocations, 2 to
	// 1000; 0 for no cap of its own.
	MaximumConcurrency int `json:"maximumConcurrency,omitempty"`
	// Enabled says the queue is polled.
	Enabled bool `json:"enabled"`
}

// A TopicSubscription delivers a topic's messages to a function (invoked
// asynchronously) or to a queue. (Function, Index) is unique.
type TopicSubscription struct {
	// Function is the function resource's name, or "" for a queue
	// subscription.
	Function string `json:"function,omitempty"`
	// Index is the event's index in the function's events; for a
	// subscription of cloudformationResources it continues after them
	// (or, for a queue, counts the stack's queue subscriptions).
	Index int `json:"index"`
	// Source is "" for a function's sns event, else the logical id of the
	// cloudformationResources entry that declares the subscription.
	Source string `json:"source,omitempty"`
	// Topic is the SNS topic name.
	Topic string `json:"topic"`
	// Queue is the SQS queue name of a queue subscription, else "".
	Queue string `json:"queue,omitempty"`
	// RawMessageDelivery sends a queue the message alone, without SNS's
	// JSON envelope.
	RawMessageDelivery bool `json:"rawMessageDelivery,omitempty"`
	// FilterPolicy is the subscription's filter policy as compact JSON,
	// "" for none.
	FilterPolicy string `json:"filterPolicy,omitempty"`
	// FilterPolicyScope is ScopeAttributes or ScopeBody.
	FilterPolicyScope string `json:"filterPolicyScope"`
	// OnDeliveryFailureQueue is the SQS queue name that receives the
	// messages that could not be delivered, "" for none.
	OnDeliveryFailureQueue string `json:"onDeliveryFailureQueue,omitempty"`
}
