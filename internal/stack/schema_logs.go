package stack

// The schema of log subscriptions (issue #18): the cloudwatch-log function
// event. Same rules as schema.go: every field documented, keys are the
// yaml tags.

// CloudwatchLogEventProps invoke the function with a log group's events
// that match a filter pattern, as a CloudWatch Logs subscription filter
// whose destination is the function: asynchronously, batched, as
// {"awslogs":{"data":…}} (base64 of gzipped JSON). A log group takes at
// most 2 subscription filters, and filters may not form a loop (a
// function subscribed to its own log group, or to that of a function
// subscribed to its own).
type CloudwatchLogEventProps struct {
	// LogGroupArn is the ARN of the log group to watch
	// (arn:aws:logs:us-east-1:000000000000:log-group:NAME, a trailing ":*"
	// allowed): a function's ($ResourceParam('fn', 'logGroupArn')) or any
	// other group's, made through the Logs API (it need not exist yet).
	LogGroupArn Template `yaml:"logGroupArn" verge:"required"`
	// Filter is the filter pattern events must match (CloudWatch Logs'
	// syntax). Default "": every event.
	Filter *string `yaml:"filter"`
}
