package eventbus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/verge-edge/verge/internal/arn"
)

// Entry is one PutEvents entry, with AWS's field names.
type Entry struct {
	Source       string `json:"Source,omitempty"`
	DetailType   string `json:"DetailType,omitempty"`
	Detail       string `json:"Detail,omitempty"`
	EventBusName string `json:"EventBusName,omitempty"`
	// Time is RFC 3339 text or, as the AWS SDKs send it, epoch seconds.
	Time        string   `json:"Time,omitempty"`
	Resources   []string `json:"Resources,omitempty"`
	TraceHeader string   `json:"TraceHeader,omitempty"`
}

// EntryError is a per-entry PutEvents failure: AWS's error code and message.
type EntryError struct {
	Code    string
	Message string
}

func (e *EntryError) Error() string { return e.Code + ": " + e.Message }

// UnmarshalJSON accepts Time as a JSON number (epoch seconds, what AWS
// JSON 1.1 clients send) as well as a string.
func (e *Entry) UnmarshalJSON(b []byte) error {
	type plain Entry
	var w struct {
		plain
		Time json.RawMessage `json:"Time"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*e = Entry(w.plain)
	t := bytes.TrimSpace(w.Time)
	switch {
	case len(t) == 0 || string(t) == "null":
		e.Time = ""
	case t[0] == '"':
		return json.Unmarshal(t, &e.Time)
	default:
		if _, err := strconv.ParseFloat(string(t), 64); err != nil {
			return fmt.Errorf("entry Time %s is neither a string nor a number", t)
		}
		e.Time = string(t)
	}
	return nil
}

// Check reports AWS's per-entry errors as an *EntryError: missing Source,
// DetailType or Detail, Detail not a JSON object, a bad Time or bus name,
// an entry over 256 KB. Whether the bus exists is the caller's question.
func (e Entry) Check() error {
	var missing []string
	for _, f := range []struct{ name, v string }{{"Source", e.Source}, {"DetailType", e.DetailType}, {"Detail", e.Detail}} {
		if f.v == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return &EntryError{CodeInvalidArgument, "Parameter(s) " + strings.Join(missing, ", ") + " not specified"}
	}
	if !isObject(e.Detail) {
		return &EntryError{CodeMalformedDetail, "Detail is malformed: it must be a JSON object."}
	}
	if size := e.size(); size > MaxEntrySize {
		return &EntryError{CodeInvalidArgument, fmt.Sprintf("Event entry size %d bytes is over the %d bytes limit", size, MaxEntrySize)}
	}
	if e.Time != "" {
		if _, err := parseTime(e.Time); err != nil {
			return &EntryError{CodeInvalidArgument, "Parameter Time is not valid: " + err.Error()}
		}
	}
	if err := checkBusName(e.EventBusName); err != nil {
		return &EntryError{CodeInvalidArgument, err.Error()}
	}
	return nil
}

// size is the entry's size as AWS computes it ("Calculating PutEvents
// event entry size"): Time counts 14 bytes; strings count their UTF-8 bytes.
func (e Entry) size() int {
	n := len(e.Source) + len(e.DetailType) + len(e.Detail)
	if e.Time != "" {
		n += timeSize
	}
	for _, r := range e.Resources {
		n += len(r)
	}
	return n
}

func isObject(s string) bool {
	t := strings.TrimSpace(s)
	return strings.HasPrefix(t, "{") && json.Valid([]byte(t))
}

// parseTime reads RFC 3339 text or epoch seconds.
func parseTime(s string) (time.Time, error) {
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		sec := int64(f)
		return time.Unix(sec, int64((f-float64(sec))*1e9)).UTC(), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither RFC 3339 nor epoch seconds", s)
	}
	return t, nil
}

// BusName returns the bus an EventBusName names: "default" when empty, the
// name part of an ARN (arn:aws:events:REGION:ACCOUNT:event-bus/NAME).
func BusName(nameOrARN string) string {
	if nameOrARN == "" {
		return DefaultBus
	}
	if strings.HasPrefix(nameOrARN, arnPrefix) {
		if i := strings.Index(nameOrARN, busARNMarker); i >= 0 {
			return nameOrARN[i+len(busARNMarker):]
		}
	}
	return nameOrARN
}

// BusARN is a bus's ARN.
func BusARN(name string) string {
	return arn.EventBus(name)
}

// checkBusName applies PutEvents' EventBusName rules: up to 1600
// characters of [/.-_A-Za-z0-9], after an optional bus ARN prefix.
func checkBusName(s string) error {
	if s == "" {
		return nil
	}
	if len(s) > maxBusNameLen {
		return fmt.Errorf("EventBusName is %d characters, over the %d limit", len(s), maxBusNameLen)
	}
	if strings.HasPrefix(s, arnPrefix) && !strings.Contains(s, busARNMarker) {
		return fmt.Errorf("EventBusName %q is an ARN but not an event bus's", s)
	}
	name := BusName(s)
	if name == "" {
		return fmt.Errorf("EventBusName %q has an empty name", s)
	}
	for _, c := range []byte(name) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '/' || c == '.' || c == '-' || c == '_'
		if !ok {
			return fmt.Errorf("EventBusName %q may only hold letters, digits and / . - _", s)
		}
	}
	return nil
}

// Envelope builds the event EventBridge delivers for e, with id and, when
// e has no Time, now. Call it on checked entries: a Detail that is not a
// JSON object becomes {}.
func Envelope(e Entry, id string, now time.Time) []byte {
	t := now
	if e.Time != "" {
		if pt, err := parseTime(e.Time); err == nil {
			t = pt
		}
	}
	detail := []byte("{}")
	if isObject(e.Detail) {
		detail = compact([]byte(strings.TrimSpace(e.Detail)))
	}
	res := e.Resources
	if res == nil {
		res = []string{}
	}
	var b bytes.Buffer
	b.WriteString(`{"version":"` + envelopeVersion + `","id":`)
	b.Write(marshalString(id))
	b.WriteString(`,"detail-type":`)
	b.Write(marshalString(e.DetailType))
	b.WriteString(`,"source":`)
	b.Write(marshalString(e.Source))
	b.WriteString(`,"account":`)
	b.Write(marshalString(arn.Account))
	b.WriteString(`,"time":`)
	b.Write(marshalString(t.UTC().Format(timeLayout)))
	b.WriteString(`,"region":`)
	b.Write(marshalString(arn.Region))
	b.WriteString(`,"resources":[`)
	for i, r := range res {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(marshalString(r))
	}
	b.WriteString(`],"detail":`)
	b.Write(detail)
	b.WriteByte('}')
	return b.Bytes()
}
