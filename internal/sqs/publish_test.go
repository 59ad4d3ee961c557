package sqs

import (
	"encoding/json"
	"testing"

	"github.com/nats-io/nats.go/jetstream"
)

// FuzzParseAck: the hand-read acknowledgement is what jetstream reads.
func FuzzParseAck(f *testing.F) {
	for _, s := range []string{`{"stream":"SQS_a","seq":12}`, `{"stream":"SQS_a","seq":12,"duplicate":true}`, `{"stream":"S","domain":"d","seq":3}`,
		`{"error":{"code":503,"err_code":10077,"description":"maximum messages exceeded"}}`, `{"stream":"","seq":1}`, `{"stream":"a\"b","seq":1}`,
		`{"stream":"S","seq":}`, `{"stream":"S","seq":-1}`, `{"stream":"S","seq":18446744073709551616}`, `{"stream":"S","seq":1} `, `nope`, ``} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		seq, err := parseAck(b)
		var ack struct {
			Error *jetstream.APIError `json:"error,omitempty"`
			*jetstream.PubAck
		}
		jerr := json.Unmarshal(b, &ack)
		ok := jerr == nil && ack.Error == nil && ack.PubAck != nil && ack.Stream != ""
		if (err == nil) != ok || ok && seq != ack.Sequence {
			t.Fatalf("%q: %d %v; jetstream %+v %v", b, seq, err, ack.PubAck, jerr)
		}
	})
}

// FuzzRecordEncode: a record without attributes is written by hand as
// encoding/json writes it.
func FuzzRecordEncode(f *testing.F) {
	f.Add("id", "hello", "", "", "", "", "", int64(1), int64(0))
	f.Add("é", "<a href=\"x\">&\\\x00\x1f\x7f\b\f\n\r\t\u2028\u2029\xff\xe2\x80", "g", "d", "arn:q", "m", "s", int64(-5), int64(9))
	f.Fuzz(func(t *testing.T, id, body, group, dedup, source, ma, ms string, sent, due int64) {
		r := &record{ID: id, Body: body, Group: group, Dedup: dedup, Source: source, MD5A: ma, MD5S: ms, Sent: sent, Due: due}
		if got, want := r.encode(), r.encodeJSON(); string(got) != string(want) {
			t.Fatalf("%s, encoding/json %s", got, want)
		}
	})
}
