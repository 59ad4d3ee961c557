package stack

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
}

// A BucketNotification invokes a function asynchronously with S3's
// Records[] event for the changes to a bucket's objects: a function's s3
// event. The notifications of one bucket do not overlap
// (s3event.Validate holds).
type BucketNotification struct {
	// Bucket is the bucket's name.
	Bucket string `json:"bucket"`
	// Function is the function resource's name.
	Function string `json:"function"`
	// Index is the event's index in the function's events.
	Index int `json:"index"`
	// Events are the S3 event types, "s3:ObjectCreated:*" style.
	Events []string `json:"events"`
	// Prefix and Suffix filter keys, "" for none.
	Prefix string `json:"prefix,omitempty"`
	Suffix string `json:"suffix,omitempty"`
	// ID is the configuration's id, the event's configurationId:
	// "FUNCTION-s3-INDEX".
	ID string `json:"id"`
}
