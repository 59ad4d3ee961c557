package sqs

import (
	"bytes"
	"encoding/json"
	"flag"
	"maps"
	"os"
	"slices"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/verge-edge/verge/internal/golden"
	"github.com/verge-edge/verge/internal/sqs"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// corpusEvent is aws-lambda-go's example event, read in place from the
// shared corpora.
const corpusEvent = "../../../../shared/corpora/aws_aws-lambda-go/events/testdata/sqs-event.json"

const testQueueARN = "arn:aws:sqs:us-east-1:000000000000:jobs"

// TestEventGolden builds the event for each archive's messages and checks
// that aws-lambda-go's SQSEvent reads it strictly.
func TestEventGolden(t *testing.T) {
	golden.Run(t, "event", *update, func(t *testing.T, a *txtar.Archive) (string, string) {
		var msgs []sqs.Message
		if !golden.JSON(t, a, "messages", &msgs) {
			t.Fatal("no section messages")
		}
		raw := Event(testQueueARN, msgs)
		ev := decodeStrict(t, raw)
		if len(ev.Records) != len(msgs) {
			t.Fatalf("%d records, want %d", len(ev.Records), len(msgs))
		}
		for i, r := range ev.Records {
			m := msgs[i]
			if r.MessageId != m.MessageID || r.Body != m.Body || r.ReceiptHandle != m.ReceiptHandle ||
				r.EventSource != "aws:sqs" || r.EventSourceARN != testQueueARN || r.AWSRegion != "us-east-1" {
				t.Errorf("record %d: %+v", i, r)
			}
			for name, a := range m.MessageAttributes {
				got := r.MessageAttributes[name]
				if got.DataType != a.DataType || !bytes.Equal(got.BinaryValue, a.BinaryValue) ||
					(got.StringValue != nil && *got.StringValue != a.StringValue) {
					t.Errorf("record %d attribute %s: %+v", i, name, got)
				}
			}
		}
		var out bytes.Buffer
		if err := json.Indent(&out, raw, "", "  "); err != nil {
			t.Fatal(err)
		}
		return "event", out.String()
	})
}

func decodeStrict(t testing.TB, raw []byte) events.SQSEvent {
	t.Helper()
	var ev events.SQSEvent
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	if err := d.Decode(&ev); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	return ev
}

// TestEventFields compares the keys of an event with those of
// aws-lambda-go's own example event: the same record keys, and message
// attribute keys among the corpus's.
func TestEventFields(t *testing.T) {
	corpus, err := os.ReadFile(corpusEvent)
	if err != nil {
		t.Skipf("no corpora: %v", err)
	}
	want := keys(t, corpus)
	msgs := []sqs.Message{{
		MessageID: "1", ReceiptHandle: "h", Body: "b", MD5OfBody: "m", MD5OfMessageAttributes: "n",
		Attributes: map[string]string{"ApproximateReceiveCount": "1", "SentTimestamp": "2", "SenderId": "s", "ApproximateFirstReceiveTimestamp": "3"},
		MessageAttributes: map[string]sqs.MessageAttribute{
			"s": {DataType: "String", StringValue: "v"},
			"b": {DataType: "Binary", BinaryValue: []byte{1}},
		},
	}}
	got := keys(t, Event(testQueueARN, msgs))
	for _, level := range []string{"event", "record", "attributes"} {
		if !slices.Equal(got[level], want[level]) {
			t.Errorf("%s keys %q, want %q", level, got[level], want[level])
		}
	}
	for _, k := range got["messageAttribute"] {
		if !slices.Contains(want["messageAttribute"], k) {
			t.Errorf("message attribute key %q not in the corpus's %q", k, want["messageAttribute"])
		}
	}
}

// keys collects the sorted keys of an SQS event at each level.
func keys(t *testing.T, raw []byte) map[string][]string {
	t.Helper()
	var ev map[string]any
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	sets := map[string]map[string]bool{}
	add := func(level string, m map[string]any) {
		if sets[level] == nil {
			sets[level] = map[string]bool{}
		}
		for k := range m {
			sets[level][k] = true
		}
	}
	add("event", ev)
	for _, r := range ev["Records"].([]any) {
		rec := r.(map[string]any)
		add("record", rec)
		add("attributes", rec["attributes"].(map[string]any))
		for _, a := range rec["messageAttributes"].(map[string]any) {
			add("messageAttribute", a.(map[string]any))
		}
	}
	out := map[string][]string{}
	for level, s := range sets {
		out[level] = slices.Sorted(maps.Keys(s))
	}
	return out
}

// benchMessages is a batch of ten typical messages.
func benchMessages() []sqs.Message {
	msgs := make([]sqs.Message, 10)
	for i := range msgs {
		msgs[i] = sqs.Message{
			MessageID:     "059f36b4-87a3-44ab-83d2-661975830a7d",
			ReceiptHandle: "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a0SAQ9WDmKGlD6QFL5R0E9LNhkA==",
			Body:          `{"orderId":"12345","items":[{"sku":"A-1","qty":2}],"note":"leave at the door"}`,
			MD5OfBody:     "e4e68fb7bd0e697a0ae8f1bb342846b3",
			Attributes: map[string]string{
				"ApproximateReceiveCount": "1", "SentTimestamp": "1545082649183",
				"SenderId": "AIDAIENQZJOLO23YVJ4VO", "ApproximateFirstReceiveTimestamp": "1545082649185",
			},
			MD5OfMessageAttributes: "582c92c5c5b6ac403040a4f3ab3115c9",
			MessageAttributes: map[string]sqs.MessageAttribute{
				"kind": {DataType: "String", StringValue: "order"},
			},
		}
	}
	return msgs
}

func BenchmarkEvent(b *testing.B) {
	msgs := benchMessages()
	b.ReportAllocs()
	for b.Loop() {
		_ = Event(testQueueARN, msgs)
	}
}

// BenchmarkEventJSON is encoding/json on aws-lambda-go's types, for
// comparison.
func BenchmarkEventJSON(b *testing.B) {
	msgs := benchMessages()
	var ev events.SQSEvent
	for _, m := range msgs {
		attrs := map[string]events.SQSMessageAttribute{}
		for k, a := range m.MessageAttributes {
			attrs[k] = events.SQSMessageAttribute{StringValue: &a.StringValue, DataType: a.DataType, StringListValues: []string{}, BinaryListValues: [][]byte{}}
		}
		ev.Records = append(ev.Records, events.SQSMessage{MessageId: m.MessageID, ReceiptHandle: m.ReceiptHandle, Body: m.Body,
			Md5OfBody: m.MD5OfBody, Md5OfMessageAttributes: m.MD5OfMessageAttributes, Attributes: m.Attributes,
			MessageAttributes: attrs, EventSourceARN: testQueueARN, EventSource: "aws:sqs", AWSRegion: "us-east-1"})
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(ev); err != nil {
			b.Fatal(err)
		}
	}
}
