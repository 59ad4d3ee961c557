package cloudwatchlogs

// The subscription message's values, as CloudWatch Logs sends them.
const (
	// MessageData is a message of log events.
	MessageData = "DATA_MESSAGE"
	// MessageControl is the message checking a destination is reachable.
	MessageControl = "CONTROL_MESSAGE"
	// controlOwner is a control message's owner.
	controlOwner = "CloudwatchLogs"
	// controlText is a control message's one event (AWS names the
	// destination's kind: "Firehose.", "Kinesis stream."; Lambda's follows
	// the same form).
	controlText = "CWL CONTROL MESSAGE: Checking health of destination "
)

// Destination kinds, as a control message names them.
const (
	DestinationLambda  = "Lambda function."
	DestinationKinesis = "Kinesis stream."
)

// idDigits is the length of an event id: 20 digits of timestamp and 36 of
// sequence.
const (
	idDigits     = 56
	idTimeDigits = 20
)

// Envelope sizes: `{"awslogs":{"data":"` and `"}}`.
const (
	envelopeHead = `{"awslogs":{"data":"`
	envelopeTail = `"}}`
)
