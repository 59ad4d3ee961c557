package sqs

import "testing"

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
