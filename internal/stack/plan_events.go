package stack

import "encoding/json"

// DefaultEventBus is the name of the default event bus, which always
// exists and is not listed in Plan.EventBuses.
const DefaultEventBus = "default"

// An EventBus is an event-bus resource.
type EventBus struct {
	// Name is the resource name.
	Name string `json:"name"`
}

// Async is how a function's asynchronous invocations are tried and where
// their outcomes go, Lambda's defaults applied.
type Async struct {
	// MaxRetryAttempts is how many times a failed invocation is retried
	// (0 to 2).
	MaxRetryAttempts int `json:"maxRetryAttempts"`
	// MaxEventAgeSeconds is how long an event may wait to be tried before
	// it is dropped (60 to 21600).
	MaxEventAgeSeconds int `json:"maxEventAgeSeconds"`
	// OnSuccess receives the record of a successful invocation; nil for
	// none.
	OnSuccess *Destination `json:"onSuccess,omitempty"`
	// OnFailure receives the record of an invocation that failed or
	// expired; nil for none.
	OnFailure *Destination `json:"onFailure,omitempty"`
}

// DestinationKind names the kind of a Destination.
type DestinationKind string

// The destination kinds.
const (
	DestinationFunction DestinationKind = "function"  // invoked asynchronously with the record
	DestinationEventBus DestinationKind = "event-bus" // the record is put as an event
	DestinationQueue    DestinationKind = "sqs-queue" // the record is sent as a message
	DestinationTopic    DestinationKind = "sns-topic" // the record is published
)

// A Destination is a function, an event bus, a queue or a topic of the
// stack, or the default bus.
type Destination struct {
	// Kind is DestinationFunction, DestinationEventBus, DestinationQueue
	// or DestinationTopic.
	Kind DestinationKind `json:"kind"`
	// Name is the function's or bus's resource name, DefaultEventBus, or
	// the queue's or topic's AWS name ("jobs.fifo").
	Name string `json:"name"`
}

// A Schedule invokes a function asynchronously on a schedule: a
// function's schedule event.
type Schedule struct {
	// Function is the function resource's name.
	Function string `json:"function"`
	// Index is the event's index in the function's events, which names the
	// schedule with Function.
	Index int `json:"index"`
	// Expression is the scheduleRate as written: "rate(5 minutes)" or
	// "cron(0 10 * * ? *)".
	Expression string `json:"expression"`
	// Input is what the function receives; empty for EventBridge's
	// Scheduled Event.
	Input TargetInput `json:"input,omitzero"`
}

// A BusRule invokes a function asynchronously for the events of a bus
// that match a pattern: a function's event-bus event.
type BusRule struct {
	// Function is the function resource's name.
	Function string `json:"function"`
	// Index is the event's index in the function's events, which names the
	// rule with Function.
	Index int `json:"index"`
	// Bus is the event-bus resource's name, or DefaultEventBus.
	Bus string `json:"bus"`
	// Pattern is the event pattern as JSON (an object).
	Pattern json.RawMessage `json:"pattern"`
	// Input is what the function receives; empty for the event itself.
	Input TargetInput `json:"input,omitzero"`
}

// A TargetInput says what a target receives instead of the event: at
// most one of its fields is set, as EventBridge's target Input, InputPath
// and InputTransformer.
type TargetInput struct {
	// Input is a constant JSON payload.
	Input json.RawMessage `json:"input,omitempty"`
	// InputPath is a JSON path ("$.detail") selecting the part of the
	// event sent.
	InputPath string `json:"inputPath,omitempty"`
	// Transformer builds the payload from parts of the event.
	Transformer *Transformer `json:"transformer,omitempty"`
}

// IsZero reports whether in sets nothing: the target receives the event.
func (in TargetInput) IsZero() bool {
	return in.Input == nil && in.InputPath == "" && in.Transformer == nil
}

// A Transformer is EventBridge's input transformer.
type Transformer struct {
	// PathsMap maps variable names to JSON paths into the event.
	PathsMap map[string]string `json:"pathsMap,omitempty"`
	// Template is the payload, with <variable> placeholders.
	Template string `json:"template"`
}
