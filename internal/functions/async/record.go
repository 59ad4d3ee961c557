package async

import (
	"encoding/json"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/lambda"
	"github.com/verge-edge/verge/internal/triggers/eventbus"
)

// record is Lambda's invocation record, as destinations receive it.
type record struct {
	Version         string          `json:"version"`
	Timestamp       string          `json:"timestamp"`
	RequestContext  requestContext  `json:"requestContext"`
	RequestPayload  json.RawMessage `json:"requestPayload"`
	ResponseContext responseContext `json:"responseContext"`
	ResponsePayload json.RawMessage `json:"responsePayload,omitempty"`
}

type requestContext struct {
	RequestID              string `json:"requestId"`
	FunctionArn            string `json:"functionArn"`
	Condition              string `json:"condition"`
	ApproximateInvokeCount int    `json:"approximateInvokeCount"`
}

type responseContext struct {
	StatusCode      int    `json:"statusCode"`
	ExecutedVersion string `json:"executedVersion"`
	FunctionError   string `json:"functionError,omitempty"`
}

// outcome is how an event ended.
type outcome struct {
	condition string
	attempts  int     // approximateInvokeCount
	last      *Result // the last attempt's result; nil when none ran
}

// newRecord builds the invocation record for an event of fn.
func newRecord(now time.Time, fn, requestID string, payload []byte, o outcome) ([]byte, error) {
	r := record{
		Version:   recordVersion,
		Timestamp: now.UTC().Format(recordTimeLayout),
		RequestContext: requestContext{
			RequestID:              requestID,
			FunctionArn:            arn.Function(fn, lambda.Latest),
			Condition:              o.condition,
			ApproximateInvokeCount: o.attempts,
		},
		RequestPayload:  asJSON(payload),
		ResponseContext: responseContext{StatusCode: 200, ExecutedVersion: lambda.Latest},
	}
	if o.last != nil {
		r.ResponseContext.FunctionError = o.last.FunctionError
		if len(o.last.Payload) > 0 {
			r.ResponsePayload = asJSON(o.last.Payload)
		}
	}
	return json.Marshal(r)
}

// newBusEvent wraps a record for delivery to bus: the event EventBridge
// delivers, with the record as its detail.
func newBusEvent(now time.Time, fn, bus, condition string, rec []byte) ([]byte, error) {
	dt := detailTypeFailure
	if condition == ConditionSuccess {
		dt = detailTypeSuccess
	}
	e := eventbus.Entry{Source: eventSource, DetailType: dt, Detail: string(rec),
		Resources: []string{arn.EventBus(bus), arn.Function(fn, lambda.Latest)}}
	return eventbus.Envelope(e, uuid.NewString(), now), nil
}

// asJSON returns b when it is JSON, else b as a JSON string, so a record
// is always valid JSON.
func asJSON(b []byte) json.RawMessage {
	if json.Valid(b) {
		return b
	}
	s, _ := json.Marshal(string(b))
	return s
}

// target is the function, bus, queue or topic a Destination names: Name,
// or else the name inside ARN ("arn:aws:lambda:…:function:NAME[:QUALIFIER]",
// "arn:aws:events:…:event-bus/NAME", "arn:aws:sqs:…:NAME",
// "arn:aws:sns:…:NAME"). It is "" when neither says.
func (d *Destination) target() string {
	if d.Name != "" {
		return d.Name
	}
	return nameFromARN(d.ARN)
}

// nameFromARN returns the function or event-bus name in an ARN, or "".
func nameFromARN(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return ""
	}
	switch res := parts[5]; parts[2] {
	case "lambda":
		fields := strings.Split(res, ":")
		if len(fields) < 2 || len(fields) > 3 || fields[0] != "function" {
			return ""
		}
		if !functionName.MatchString(fields[1]) {
			return ""
		}
		return fields[1]
	case "events":
		name, ok := strings.CutPrefix(res, "event-bus/")
		if !ok || !busName.MatchString(name) {
			return ""
		}
		return name
	case "sqs", "sns":
		if !queueOrTopic.MatchString(res) {
			return ""
		}
		return res
	}
	return ""
}

// queueOrTopic is SQS's and SNS's rule for names (".fifo" included).
var queueOrTopic = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}(\.fifo)?$`)

// busName is EventBridge's rule for event bus names, less the "/" of
// partner buses.
var busName = regexp.MustCompile(`^[A-Za-z0-9._-]{1,256}$`)
