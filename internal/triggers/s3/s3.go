// Package s3 turns bucket changes into S3's event notifications: the
// configurations that say which changes go where (event types, prefix and
// suffix filters, AWS's overlap rule), the Records[] event Lambda, SQS and
// SNS receive, the test event, and the EventBridge event ("Object Created",
// "Object Deleted"). It is pure: the bucket store produces Events, the
// engine delivers what this package builds.
package s3

import "time"

// An Event is one change to one object: what happened, to what, and who
// caused it.
type Event struct {
	// Name is the event name without the "s3:" prefix:
	// "ObjectCreated:Put", "ObjectRemoved:Delete", "ObjectTagging:Put".
	Name   string
	Bucket string
	// Key is the object's key, not encoded (Record encodes it as S3 does).
	Key  string
	Size int64
	// ETag is the object's ETag without quotes ("" for a removal).
	ETag string
	// VersionID is the object version's id, "" when the bucket does not
	// keep versions (Verge's never do).
	VersionID string
	// Sequencer orders the events of one key: a later change has a
	// greater one (compared as S3 says: pad the shorter with zeros on
	// the left, then compare as strings). Upper-case hex.
	Sequencer string
	Time      time.Time
	Caller    Caller
}

// A Caller is who caused an event.
type Caller struct {
	// Principal is the requester's principal id ("AWS:AIDA…" style, or
	// the identity's name); "" for a file written on disk.
	Principal string
	// SourceIP is the requester's address ("127.0.0.1").
	SourceIP string
	// RequestID is the request's x-amz-request-id; HostID its x-amz-id-2.
	RequestID, HostID string
}

// Target kinds.
const (
	TargetFunction = "function"
	TargetQueue    = "queue"
	TargetTopic    = "topic"
)

// A Configuration is one notification configuration: events of the
// listed types whose key passes the filter go to the target.
type Configuration struct {
	// ID is the configuration's id (S3's Id, or a generated one).
	ID string
	// Events are event types as configured: "s3:ObjectCreated:*".
	Events []string
	// Prefix and Suffix filter keys ("" for none).
	Prefix, Suffix string
	// Kind is TargetFunction, TargetQueue or TargetTopic; ARN the target.
	Kind, ARN string
}

// Config is a bucket's notification configuration.
type Config struct {
	Configurations []Configuration
	// EventBridge sends every event to the default event bus.
	EventBridge bool
}
