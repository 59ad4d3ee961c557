package stack

// The schema of bucket notifications (issue #15): a function's s3 event.
// Same rules as schema.go: every field documented, keys are the yaml tags.

// S3EventProps invoke the function asynchronously for changes to a
// bucket's objects, as an S3 event notification: the function receives
// S3's {"Records": [...]} event. The bucket is exactly one of bucketArn
// and bucketName. Two s3 events of one bucket must not overlap (an event
// type, and keys, in common), as S3 refuses.
type S3EventProps struct {
	// BucketArn is the ARN of a bucket resource (arn:aws:s3:::NAME); it
	// may hold directives ($ResourceParam('uploads', 'arn')).
	BucketArn Template `yaml:"bucketArn"`
	// BucketName is the name of a bucket resource (a Verge property).
	BucketName string `yaml:"bucketName"`
	// S3EventType is the changes that invoke the function, as S3 names
	// them: s3:ObjectCreated:* (or :Put, :Post, :Copy,
	// :CompleteMultipartUpload), s3:ObjectRemoved:* (or :Delete,
	// :DeleteMarkerCreated), s3:ObjectTagging:* (or :Put, :Delete), and
	// S3's other types, which never happen locally.
	S3EventType string `yaml:"s3EventType" verge:"required"`
	// FilterRule narrows the objects by key.
	FilterRule *S3FilterRule `yaml:"filterRule"`
}

// An S3FilterRule selects objects by key, compared as written
// (case-sensitive, not URL-encoded).
type S3FilterRule struct {
	// Prefix is what the key must start with ("images/").
	Prefix string `yaml:"prefix"`
	// Suffix is what the key must end with (".jpg").
	Suffix string `yaml:"suffix"`
}

// CfBucket is the CloudFormation type of a bucket.
const CfBucket = "AWS::S3::Bucket"

// CfBucketProps are AWS::S3::Bucket's properties that apply locally. The
// bucket lives in Verge's data folder. Without BucketName it is named by
// its logical id in lower case.
type CfBucketProps struct {
	// BucketName is the bucket's S3 name: 3 to 63 lower-case letters,
	// digits, '.' and '-', starting and ending with a letter or digit.
	BucketName string `yaml:"BucketName"`
	// NotificationConfiguration sends the bucket's events to functions,
	// queues, topics and the default event bus.
	NotificationConfiguration *CfNotificationConfiguration `yaml:"NotificationConfiguration"`
}

// CfNotificationConfiguration is AWS::S3::Bucket's
// NotificationConfiguration. Its configurations, and the s3 events of
// functions on the same bucket, must not overlap.
type CfNotificationConfiguration struct {
	// EventBridgeConfiguration sends every event to the default event bus.
	EventBridgeConfiguration *CfEventBridgeConfiguration `yaml:"EventBridgeConfiguration"`
	// LambdaConfigurations invoke functions asynchronously.
	LambdaConfigurations []CfLambdaConfiguration `yaml:"LambdaConfigurations"`
	// QueueConfigurations send messages to standard queues.
	QueueConfigurations []CfQueueConfiguration `yaml:"QueueConfigurations"`
	// TopicConfigurations publish to standard topics.
	TopicConfigurations []CfTopicConfiguration `yaml:"TopicConfigurations"`
}

// CfEventBridgeConfiguration turns on S3's EventBridge notifications.
type CfEventBridgeConfiguration struct {
	// EventBridgeEnabled sends the events to the default bus. Default
	// true.
	EventBridgeEnabled *bool `yaml:"EventBridgeEnabled"`
}

// CfLambdaConfiguration invokes a function for a bucket's events.
type CfLambdaConfiguration struct {
	// Event is an S3 event type ("s3:ObjectCreated:*").
	Event string `yaml:"Event" verge:"required"`
	// Function is the ARN of a function resource: $ResourceParam('fn',
	// 'arn').
	Function CfString `yaml:"Function" verge:"required"`
	// Filter selects objects by key.
	Filter *CfNotificationFilter `yaml:"Filter"`
}

// CfQueueConfiguration sends a bucket's events to a standard queue.
type CfQueueConfiguration struct {
	// Event is an S3 event type.
	Event string `yaml:"Event" verge:"required"`
	// Queue is the queue's ARN ({Fn::GetAtt: [q, Arn]}).
	Queue CfString `yaml:"Queue" verge:"required"`
	// Filter selects objects by key.
	Filter *CfNotificationFilter `yaml:"Filter"`
}

// CfTopicConfiguration publishes a bucket's events to a standard topic.
type CfTopicConfiguration struct {
	// Event is an S3 event type.
	Event string `yaml:"Event" verge:"required"`
	// Topic is the topic's ARN ({Ref: t}).
	Topic CfString `yaml:"Topic" verge:"required"`
	// Filter selects objects by key.
	Filter *CfNotificationFilter `yaml:"Filter"`
}

// CfNotificationFilter is a notification's Filter.
type CfNotificationFilter struct {
	// S3Key filters by key.
	S3Key CfS3KeyFilter `yaml:"S3Key" verge:"required"`
}

// CfS3KeyFilter is a Filter's S3Key: at most one prefix rule and one
// suffix rule.
type CfS3KeyFilter struct {
	// Rules are the filter rules.
	Rules []CfFilterRule `yaml:"Rules" verge:"required"`
}

// A CfFilterRule is one key filter rule.
type CfFilterRule struct {
	// Name is prefix or suffix (any case, as S3 takes it).
	Name string `yaml:"Name" verge:"required"`
	// Value is what the key must start or end with.
	Value string `yaml:"Value" verge:"required"`
}
