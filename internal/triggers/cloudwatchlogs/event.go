package cloudwatchlogs

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"strconv"
	"sync"

	"github.com/verge-edge/verge/internal/jsonx"
)

// Event is one log event of a message.
type Event struct {
	ID        string // a 56-digit id (see IDs); "" in a control message
	Timestamp int64  // Unix milliseconds
	Message   string
}

// Message is the decoded body of a subscription event.
type Message struct {
	Type    string // MessageData or MessageControl
	Owner   string // the account id; "CloudwatchLogs" for a control message
	Group   string
	Stream  string
	Filters []string // the subscription filter's name; none for a control message
	Events  []Event
}

// Control is the control message CloudWatch Logs sends a destination of
// kind (DestinationLambda, DestinationKinesis) when a subscription to it is
// created.
func Control(kind string, ms int64) Message {
	return Message{Type: MessageControl, Owner: controlOwner, Filters: []string{},
		Events: []Event{{Timestamp: ms, Message: controlText + kind}}}
}

// AppendJSON appends m's JSON, with the keys in AWS's order.
func (m *Message) AppendJSON(b []byte) []byte {
	b = append(b, `{"messageType":`...)
	b = jsonx.AppendString(b, m.Type)
	b = append(b, `,"owner":`...)
	b = jsonx.AppendString(b, m.Owner)
	b = append(b, `,"logGroup":`...)
	b = jsonx.AppendString(b, m.Group)
	b = append(b, `,"logStream":`...)
	b = jsonx.AppendString(b, m.Stream)
	b = append(b, `,"subscriptionFilters":[`...)
	for i, f := range m.Filters {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonx.AppendString(b, f)
	}
	b = append(b, `],"logEvents":[`...)
	for i := range m.Events {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendEvent(b, &m.Events[i])
	}
	return append(b, "]}"...)
}

// AppendEvent appends one logEvents element.
func AppendEvent(b []byte, e *Event) []byte {
	b = append(b, `{"id":`...)
	b = jsonx.AppendString(b, e.ID)
	b = append(b, `,"timestamp":`...)
	b = strconv.AppendInt(b, e.Timestamp, 10)
	b = append(b, `,"message":`...)
	b = jsonx.AppendString(b, e.Message)
	return append(b, '}')
}

var gzPool = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed); return w }}

// Payload is the function's event for m: {"awslogs":{"data":D}}.
func Payload(m *Message) []byte {
	return Wrap(m.AppendJSON(nil))
}

// Gzipped is m's JSON gzipped: a Kinesis record's data, as CloudWatch Logs
// puts it on a stream.
func Gzipped(m *Message) []byte {
	var z bytes.Buffer
	w := gzPool.Get().(*gzip.Writer)
	w.Reset(&z)
	_, _ = w.Write(m.AppendJSON(nil)) // a bytes.Buffer does not fail
	_ = w.Close()
	gzPool.Put(w)
	return z.Bytes()
}

// Wrap is the function's event for a message's JSON.
func Wrap(js []byte) []byte {
	var z bytes.Buffer
	w := gzPool.Get().(*gzip.Writer)
	w.Reset(&z)
	_, _ = w.Write(js) // a bytes.Buffer does not fail
	_ = w.Close()
	gzPool.Put(w)
	out := make([]byte, 0, len(envelopeHead)+base64.StdEncoding.EncodedLen(z.Len())+len(envelopeTail))
	out = append(out, envelopeHead...)
	out = base64.StdEncoding.AppendEncode(out, z.Bytes())
	return append(out, envelopeTail...)
}
