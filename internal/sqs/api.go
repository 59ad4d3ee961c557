package sqs

// This file is the package's contract with its users (the AWS endpoint's
// SQS service, the sqs event source mapping, SNS delivery, destinations and
// the engine). Keep these names and shapes; add to them freely.

import (
	"context"
	"time"
)

// A QueueConfig is a queue the stack declares: its name and its attributes
// by SQS's attribute names (DelaySeconds, MessageRetentionPeriod,
// MaximumMessageSize, VisibilityTimeout, ReceiveMessageWaitTimeSeconds,
// RedrivePolicy as JSON, RedriveAllowPolicy, FifoQueue,
// ContentBasedDeduplication, DeduplicationScope, FifoThroughputLimit, …),
// validated exactly as CreateQueue validates them.
type QueueConfig struct {
	Name       string
	Attributes map[string]string
	Tags       map[string]string
}

// A MessageAttribute is a message attribute as SQS types it: DataType is
// "String", "Number" or "Binary", optionally with a ".custom" suffix.
type MessageAttribute struct {
	DataType    string
	StringValue string
	BinaryValue []byte
}

// SendInput is one message to send (SendMessage, or an entry of
// SendMessageBatch).
type SendInput struct {
	// ID is the batch entry's id ("" for SendMessage).
	ID   string
	Body string
	// DelaySeconds overrides the queue's delay when not nil (standard
	// queues only).
	DelaySeconds *int
	Attributes   map[string]MessageAttribute
	// SystemAttributes holds AWSTraceHeader, the one system attribute a
	// sender may set.
	SystemAttributes map[string]MessageAttribute
	GroupID          string // FIFO: required
	DeduplicationID  string // FIFO: required unless content-based
}

// SendResult is a sent message.
type SendResult struct {
	ID                     string // the batch entry's id
	MessageID              string
	MD5OfMessageBody       string
	MD5OfMessageAttributes string // "" when there were none
	MD5OfSystemAttributes  string // "" when there were none
	SequenceNumber         string // FIFO only
}

// ReceiveInput is a ReceiveMessage request.
type ReceiveInput struct {
	MaxMessages int // 1-10; 0 means 1
	// WaitTime is the long-polling wait; nil means the queue's
	// ReceiveMessageWaitTimeSeconds.
	WaitTime *time.Duration
	// VisibilityTimeout overrides the queue's when not nil (seconds).
	VisibilityTimeout *int
	// AttemptID is a FIFO receive request attempt id.
	AttemptID string
}

// A Message is a received message, with every system attribute and every
// message attribute; callers filter what was asked for.
type Message struct {
	MessageID              string
	ReceiptHandle          string
	Body                   string
	MD5OfBody              string
	MD5OfMessageAttributes string
	// Attributes are the system attributes by name: SenderId,
	// SentTimestamp, ApproximateReceiveCount,
	// ApproximateFirstReceiveTimestamp, and for FIFO MessageGroupId,
	// MessageDeduplicationId, SequenceNumber; AWSTraceHeader,
	// DeadLetterQueueSourceArn when set.
	Attributes        map[string]string
	MessageAttributes map[string]MessageAttribute
}

// Backend is what the package's Service offers its users. Queue names are
// names ("jobs", "jobs.fifo"), never URLs or ARNs. Errors are *Error values
// carrying SQS's error code (QueueDoesNotExist, InvalidParameterValue,
// ReceiptHandleIsInvalid, …) so the AWS endpoint can write them as they
// are.
type Backend interface {
	// Apply makes the stack's queues exist with these attributes (queues
	// created through the API are kept; a stack queue the new list drops is
	// deleted with its messages).
	Apply(ctx context.Context, queues []QueueConfig) error
	// Attributes returns a queue's attributes, Approximate* counts
	// included, as GetQueueAttributes(All) does.
	Attributes(ctx context.Context, queue string) (map[string]string, error)
	Send(ctx context.Context, queue string, in []SendInput) ([]SendResult, []error, error)
	Receive(ctx context.Context, queue string, in ReceiveInput) ([]Message, error)
	Delete(ctx context.Context, queue, receiptHandle string) error
	ChangeVisibility(ctx context.Context, queue, receiptHandle string, seconds int) error
}
