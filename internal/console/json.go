package console

import (
	"encoding/json"
	"log/slog"
	"strconv"
	"time"

	"github.com/verge-edge/verge/internal/jsonx"
)

// The JSON lines start with the time and the type, then the type's fields.

// jsonStart opens a JSON line: {"time":"…","type":"…".
func jsonStart(t time.Time, typ string) []byte {
	b := make([]byte, 0, 256)
	b = append(b, `{"time":"`...)
	b = t.UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","type":"`...)
	b = append(b, typ...)
	return append(b, '"')
}

// field appends ,"key":"value" unless value is empty.
func field(b []byte, key, value string) []byte {
	if value == "" {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, key...)
	b = append(b, '"', ':')
	return jsonx.AppendString(b, value)
}

func end(b []byte) []byte { return append(b, '}', '\n') }

func (c *Console) jsonOutput(t time.Time, function string, l logLine) []byte {
	b := jsonStart(t, typeOutput)
	b = field(b, "function", function)
	b = field(b, "requestId", l.requestID)
	b = field(b, "level", l.level)
	b = append(b, `,"message":`...)
	return end(jsonx.AppendString(b, l.message))
}

func (c *Console) jsonError(t time.Time, function, errorType, message string, stack []string) []byte {
	b := jsonStart(t, typeError)
	b = field(b, "function", function)
	b = field(b, "errorType", errorType)
	b = append(b, `,"errorMessage":`...)
	b = jsonx.AppendString(b, message)
	b = append(b, `,"stackTrace":[`...)
	for i, f := range stack {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonx.AppendString(b, f)
	}
	return end(append(b, ']'))
}

func (c *Console) jsonRequest(r Request) []byte {
	b := jsonStart(r.Time.Add(r.Duration), typeRequest) // when it ended, in order with the other lines
	b = field(b, "target", r.Target)
	b = field(b, "method", r.Method)
	b = field(b, "host", r.Host)
	b = field(b, "path", r.Path)
	b = field(b, "query", r.Query)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(r.Status), 10)
	b = field(b, "result", r.Result)
	b = append(b, `,"durationMs":`...)
	b = strconv.AppendFloat(b, float64(r.Duration)/float64(time.Millisecond), 'f', 3, 64)
	return end(b)
}

func (c *Console) jsonSummary(t time.Time, s Summary) []byte {
	b := jsonStart(t, typeSummary)
	// Every list is written, empty ones as [].
	s.Routes, s.Schedules, s.BusRules, s.Queues, s.Topics = nonNil(s.Routes), nonNil(s.Schedules), nonNil(s.BusRules), nonNil(s.Queues), nonNil(s.Topics)
	s.Buckets = nonNil(s.Buckets)
	s.Streams, s.Kafka = nonNil(s.Streams), nonNil(s.Kafka)
	body, _ := json.Marshal(s)
	b = append(b, ',')
	b = append(b, body[1:len(body)-1]...)
	return end(b)
}

// jsonLog is one of Verge's own messages: level, msg, then its
// attributes.
func (c *Console) jsonLog(t time.Time, level, msg string, attrs []slog.Attr) []byte {
	b := jsonStart(t, typeLog)
	b = field(b, "level", level)
	b = append(b, `,"msg":`...)
	b = jsonx.AppendString(b, msg)
	for _, a := range attrs {
		b = append(b, ',')
		b = jsonx.AppendString(b, a.Key)
		b = append(b, ':')
		b = appendJSONValue(b, a.Value)
	}
	return end(b)
}

// appendJSONValue writes numbers and booleans as such, anything else as
// its string.
func appendJSONValue(b []byte, v slog.Value) []byte {
	switch v.Kind() {
	case slog.KindInt64:
		return strconv.AppendInt(b, v.Int64(), 10)
	case slog.KindUint64:
		return strconv.AppendUint(b, v.Uint64(), 10)
	case slog.KindFloat64:
		return strconv.AppendFloat(b, v.Float64(), 'g', -1, 64)
	case slog.KindBool:
		return strconv.AppendBool(b, v.Bool())
	}
	return jsonx.AppendString(b, v.String())
}

// nonNil is s, or an empty slice for nil (which JSON writes as null).
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
