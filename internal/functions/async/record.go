package async

import (
	"encoding/json"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/verge-edge/verge/internal/arn"
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

// busEvent is the EventBridge event an event-bus destination receives.
type busEvent struct {
	Version    string          `json:"version"`
	ID         string          `json:"id"`
	DetailType string          `json:"detail-type"`
	Source     string          `json:"source"`
	Account    string          `json:"account"`
	Time       string          `json:"time"`
	Region     string          `json:"region"`
	Resources  []string        `json:"resources"`
	Detail     json.RawMessage `json:"detail"`
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
			FunctionArn:            functionARN(fn) + ":" + latest,
			Condition:              o.condition,
			ApproximateInvokeCount: o.attempts,
		},
		RequestPayload:  asJSON(payload),
		ResponseContext: responseContext{StatusCode: 200, ExecutedVersion: latest},
	}
	if o.last != nil {
		r.ResponseContext.FunctionError = o.last.FunctionError
		if len(o.last.Payload) > 0 {
			r.ResponsePayload = asJSON(o.last.Payload)
		}
	}
	return json.Marshal(r)
}

// newBusEvent wraps a record for delivery to bus.
func newBusEvent(now time.Time, fn, bus, condition string, rec []byte) ([]byte, error) {
	dt := detailTypeFailure
	if condition == ConditionSuccess {
		dt = detailTypeSuccess
	}
	return json.Marshal(busEvent{
		Version:    eventVersion,
		ID:         uuid.NewString(),
		DetailType: dt,
		Source:     eventSource,
		Account:    arn.Account,
		Time:       now.UTC().Format(eventTimeLayout),
		Region:     arn.Region,
		Resources:  []string{busARN(bus), functionARN(fn) + ":" + latest},
		Detail:     rec,
	})
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

// functionARN is a function's unqualified ARN.
func functionARN(fn string) string {
	return "arn:aws:lambda:" + arn.Region + ":" + arn.Account + ":function:" + fn
}

// busARN is an event bus's ARN.
func busARN(bus string) string {
	return "arn:aws:events:" + arn.Region + ":" + arn.Account + ":event-bus/" + bus
}

// target is the function or bus a Destination names: Name, or else the
// name inside ARN ("arn:aws:lambda:…:function:NAME[:QUALIFIER]" or
// "arn:aws:events:…:event-bus/NAME"). It is "" when neither says.
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
	}
	return ""
}

// busName is EventBridge's rule for event bus names, less the "/" of
// partner buses.
var busName = regexp.MustCompile(`^[A-Za-z0-9._-]{1,256}$`)
