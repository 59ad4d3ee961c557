package stack

import (
	"github.com/verge-edge/verge/internal/arn"
	s3event "github.com/verge-edge/verge/internal/triggers/s3"
)

// A Bucket is a bucket resource: the S3 bucket of that name.
type Bucket struct {
	// Name is the resource's name, the bucket's S3 name.
	Name string `json:"name"`
	// Dir is the bucket's folder, absolute; "" for a bucket without a
	// directory, whose folder the engine makes under the data folder. In
	// golden files it is written relative to the stack folder.
	Dir string `json:"dir,omitempty"`
	// EventBridge sends the bucket's events to the default event bus
	// (enableEventBusNotifications).
	EventBridge bool `json:"eventBridge,omitempty"`
	// Source is "" for a bucket resource, else the logical id of the
	// cloudformationResources AWS::S3::Bucket.
	Source string `json:"source,omitempty"`
}

// A BucketNotification sends S3's Records[] event for the changes to a
// bucket's objects to a function (invoked asynchronously), a queue or a
// topic: a function's s3 event, or a configuration of a
// cloudformationResources bucket. The notifications of one bucket do not
// overlap (s3event.Validate holds).
type BucketNotification struct {
	// Bucket is the bucket's name.
	Bucket string `json:"bucket"`
	// Function is the function resource's name; "" for a queue or topic.
	Function string `json:"function,omitempty"`
	// Queue and Topic are the SQS queue or SNS topic name of a
	// notification to a queue or a topic (standard ones), else "".
	Queue string `json:"queue,omitempty"`
	Topic string `json:"topic,omitempty"`
	// Source is "" for a function's s3 event, else the logical id of the
	// cloudformationResources bucket that declares the notification.
	Source string `json:"source,omitempty"`
	// Index is the event's index in the function's events, or the
	// configuration's in its bucket's LambdaConfigurations,
	// QueueConfigurations and TopicConfigurations taken in that order.
	Index int `json:"index"`
	// Events are the S3 event types, "s3:ObjectCreated:*" style.
	Events []string `json:"events"`
	// Prefix and Suffix filter keys, "" for none.
	Prefix string `json:"prefix,omitempty"`
	Suffix string `json:"suffix,omitempty"`
	// ID is the configuration's id, the event's configurationId:
	// "FUNCTION-s3-INDEX" for a function's s3 event, "LOGICALID-INDEX"
	// for a cloudformationResources configuration.
	ID string `json:"id"`
}

// Configuration is n as the notification configuration the bucket store
// matches events against: the target's kind and ARN.
func (n BucketNotification) Configuration() s3event.Configuration {
	c := s3event.Configuration{ID: n.ID, Events: n.Events, Prefix: n.Prefix, Suffix: n.Suffix}
	switch {
	case n.Queue != "":
		c.Kind, c.ARN = s3event.TargetQueue, arn.Queue(n.Queue)
	case n.Topic != "":
		c.Kind, c.ARN = s3event.TargetTopic, arn.Topic(n.Topic)
	default:
		c.Kind, c.ARN = s3event.TargetFunction, arn.Function(n.Function, "")
	}
	return c
}
