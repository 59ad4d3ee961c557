package stack

// The schema of the event-driven parts (issue #6): the event-bus
// resource, the schedule and event-bus function events, and a function's
// asynchronous invocation settings and destinations. Same rules as
// schema.go: every field documented, keys are the yaml tags.

// EventBusProps are the properties of an event-bus (an EventBridge event
// bus): functions' event-bus events subscribe to it, PutEvents publishes
// to it. A bus needs no properties.
type EventBusProps struct {
	// Stacktape properties that mean nothing on one machine: accepted with
	// a warning that says why (ignoredProperties).

	// EventSourceName would match the bus with a SaaS partner's event
	// source.
	EventSourceName Ignored `yaml:"eventSourceName"`
	// Archivation would keep the bus's events in an archive to replay.
	Archivation Ignored `yaml:"archivation"`
}

// ScheduleEventProps invoke the function on a schedule, as an
// EventBridge scheduled rule. At most one of input, inputPath and
// inputTransformer; with none, the function receives EventBridge's
// Scheduled Event. (input, inputPath and inputTransformer are
// EventBridge's target Input, InputPath and InputTransformer.)
type ScheduleEventProps struct {
	// ScheduleRate is rate(VALUE UNIT) (rate(1 minute), rate(5 hours):
	// the unit is singular for 1 and plural otherwise) or AWS's six-field
	// cron(MIN HOUR DAY-OF-MONTH MONTH DAY-OF-WEEK YEAR), in UTC.
	ScheduleRate string `yaml:"scheduleRate" verge:"required"`
	// Input is a constant payload: any YAML value, sent as JSON.
	Input JSON `yaml:"input"`
	// InputPath is a JSON path ("$.detail") selecting the part of the
	// event that is sent.
	InputPath string `yaml:"inputPath"`
	// InputTransformer builds the payload from parts of the event.
	InputTransformer *InputTransformer `yaml:"inputTransformer"`
}

// EventBusEventProps invoke the function for the events of a bus that
// match a pattern, as an EventBridge rule. The bus is exactly one of
// eventBusName, eventBusArn and useDefaultBus; at most one of input,
// inputPath and inputTransformer, as for a schedule; with none, the
// function receives the event.
type EventBusEventProps struct {
	// EventBusName is the name of an event-bus resource.
	EventBusName string `yaml:"eventBusName"`
	// EventBusArn is the ARN of an event-bus resource,
	// arn:aws:events:us-east-1:000000000000:event-bus/NAME, or of the
	// default bus (.../event-bus/default); it may hold directives
	// ($ResourceParam('bus', 'arn')).
	EventBusArn Template `yaml:"eventBusArn"`
	// UseDefaultBus subscribes to the default bus, which always exists.
	UseDefaultBus bool `yaml:"useDefaultBus"`
	// EventPattern is an EventBridge event pattern written in YAML: a
	// mapping of event fields (source, detail-type, detail, ...) to lists
	// of values or matchers.
	EventPattern JSON `yaml:"eventPattern" verge:"required"`
	// Input is a constant payload: any YAML value, sent as JSON.
	Input JSON `yaml:"input"`
	// InputPath is a JSON path ("$.detail") selecting the part of the
	// event that is sent.
	InputPath string `yaml:"inputPath"`
	// InputTransformer builds the payload from parts of the event.
	InputTransformer *InputTransformer `yaml:"inputTransformer"`
}

// InputTransformer is EventBridge's input transformer: variables read
// from the event by JSON paths, substituted into a template.
type InputTransformer struct {
	// InputPathsMap names variables, each a JSON path into the event
	// ("$.detail.status"), at most 100; the names aws.events.* are
	// EventBridge's predefined variables.
	InputPathsMap InputPaths `yaml:"inputPathsMap"`
	// InputTemplate is the payload with <variable> placeholders: a JSON
	// text or a plain string.
	InputTemplate string `yaml:"inputTemplate" verge:"required"`
}

// InputPaths are an input transformer's variables in the order written;
// decoded from a mapping of names to JSON paths.
type InputPaths []InputPath

// An InputPath is one variable of an input transformer.
type InputPath struct {
	// Name is the variable's name, used in the template as <Name>.
	Name string `yaml:"-"`
	// Path is a JSON path into the event.
	Path string `yaml:"-"`
}

// JSON is a value written in YAML and kept as JSON text: a mapping, a
// list or a scalar. Numbers keep the digits written when they are valid
// JSON numbers; strings may not hold directives.
type JSON []byte

// Destinations send the outcome of an asynchronous invocation, as
// Lambda's destinations: the invocation record, with the request and the
// response or error.
type Destinations struct {
	// OnSuccess receives the record of an invocation that succeeded.
	OnSuccess Template `yaml:"onSuccess"`
	// OnFailure receives the record of an invocation that failed every
	// attempt or grew too old to try again.
	OnFailure Template `yaml:"onFailure"`
}

// AsyncInvocation configures asynchronous invocations of a function, as
// Lambda's EventInvokeConfig. It is a Verge property: Stacktape has none.
type AsyncInvocation struct {
	// MaximumRetryAttempts is how many times a failed invocation is
	// retried, 0 to 2. Default 2.
	MaximumRetryAttempts *int `yaml:"maximumRetryAttempts"`
	// MaximumEventAge is how long, in seconds, an event may wait to be
	// tried (again) before it is dropped, 60 to 21600. Default 21600
	// (six hours).
	MaximumEventAge *int `yaml:"maximumEventAge"`
}
