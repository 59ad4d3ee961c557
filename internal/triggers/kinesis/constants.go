package kinesis

// Lambda's Kinesis event record constants.
const (
	schemaVersion = "1.0"
	eventSource   = "aws:kinesis"
	eventVersion  = "1.0"
	eventName     = "aws:kinesis:record"
)
