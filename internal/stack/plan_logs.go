package stack

// A LogSubscription delivers a log group's matching events to a function:
// a function's cloudwatch-log event, as a CloudWatch Logs subscription
// filter.
type LogSubscription struct {
	// Function is the function resource's name: the destination.
	Function string `json:"function"`
	// Index is the event's index in the function's events.
	Index int `json:"index"`
	// Group is the log group's name.
	Group string `json:"group"`
	// Name is the subscription filter's name, FUNCTION-cloudwatch-log-INDEX
	// (the stack's triggers are named so: stable across restarts).
	Name string `json:"name"`
	// Filter is the filter pattern; "" matches every event.
	Filter string `json:"filter"`
}
