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
