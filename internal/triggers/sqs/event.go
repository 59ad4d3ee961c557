package sqs

import (
	"encoding/base64"
	"slices"
	"strings"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/jsonx"
	"github.com/verge-edge/verge/internal/sqs"
)

// Event is Lambda's SQS event for msgs from the queue queueARN.
func Event(queueARN string, msgs []sqs.Message) []byte {
	n := len(eventStart) + len(eventEnd)
	for i := range msgs {
		n += recordSize(queueARN, &msgs[i]) + 1
	}
	b := append(make([]byte, 0, n), eventStart...)
	for i := range msgs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendRecord(b, queueARN, &msgs[i])
	}
	return append(b, eventEnd...)
}

const (
	eventStart = `{"Records":[`
	eventEnd   = `]}`
)

// recordSize is about the size of m's record, escapes aside, so that an
// event is built in one allocation.
func recordSize(queueARN string, m *sqs.Message) int {
	n := 320 + len(queueARN) + len(m.MessageID) + len(m.ReceiptHandle) + len(m.Body) + len(m.MD5OfBody) + len(m.MD5OfMessageAttributes)
	for k, v := range m.Attributes {
		n += len(k) + len(v) + 6
	}
	for k, a := range m.MessageAttributes {
		n += 90 + len(k) + len(a.DataType) + len(a.StringValue) + base64.StdEncoding.EncodedLen(len(a.BinaryValue))
	}
	return n
}

// appendRecord appends m as one record of the event, in the field order
// of AWS's examples. md5OfMessageAttributes is there only when the message
// has attributes, as in AWS's examples.
func appendRecord(b []byte, queueARN string, m *sqs.Message) []byte {
	b = append(b, `{"messageId":`...)
	b = jsonx.AppendString(b, m.MessageID)
	b = append(b, `,"receiptHandle":`...)
	b = jsonx.AppendString(b, m.ReceiptHandle)
	b = append(b, `,"body":`...)
	b = jsonx.AppendString(b, m.Body)
	b = append(b, `,"attributes":{`...)
	first := true
	for _, name := range recordAttributes {
		v, ok := m.Attributes[name]
		if !ok {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = jsonx.AppendString(b, name)
		b = append(b, ':')
		b = jsonx.AppendString(b, v)
	}
	b = append(b, `},"messageAttributes":{`...)
	b = appendMessageAttributes(b, m.MessageAttributes)
	b = append(b, `},"md5OfBody":`...)
	b = jsonx.AppendString(b, m.MD5OfBody)
	if len(m.MessageAttributes) > 0 && m.MD5OfMessageAttributes != "" {
		b = append(b, `,"md5OfMessageAttributes":`...)
		b = jsonx.AppendString(b, m.MD5OfMessageAttributes)
	}
	b = append(b, `,"eventSource":"`+eventSource+`","eventSourceARN":`...)
	b = jsonx.AppendString(b, queueARN)
	return append(b, `,"awsRegion":"`+arn.Region+`"}`...)
}

// appendMessageAttributes appends the attributes by name, in name order.
// Binary types ("Binary", "Binary.x") carry binaryValue in base64, the
// others stringValue; the list values SQS reserves are always empty.
func appendMessageAttributes(b []byte, attrs map[string]sqs.MessageAttribute) []byte {
	var buf [16]string
	names := buf[:0]
	for name := range attrs {
		names = append(names, name)
	}
	slices.Sort(names)
	for i, name := range names {
		a := attrs[name]
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonx.AppendString(b, name)
		if strings.HasPrefix(a.DataType, "Binary") {
			b = append(b, `:{"binaryValue":"`...)
			b = base64.StdEncoding.AppendEncode(b, a.BinaryValue)
			b = append(b, '"')
		} else {
			b = append(b, `:{"stringValue":`...)
			b = jsonx.AppendString(b, a.StringValue)
		}
		b = append(b, `,"stringListValues":[],"binaryListValues":[],"dataType":`...)
		b = jsonx.AppendString(b, a.DataType)
		b = append(b, '}')
	}
	return b
}
