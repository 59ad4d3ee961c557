package awsapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/fxamacker/cbor/v2"
	"github.com/verge-edge/verge/internal/kinesis"
)

func TestTimestampJSON(t *testing.T) {
	at := time.Date(2026, 12, 7, 0, 30, 1, 123e6, time.UTC)
	b, err := json.Marshal(struct {
		T timestamp `json:"T"`
	}{stamp(at)})
	if err != nil || string(b) != `{"T":1796603401.123}` {
		t.Fatalf("marshal: %s %v", b, err)
	}
	for _, c := range []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{`1796603401.123`, at, true},
		{`1796603401`, at.Truncate(time.Second), true},
		{`1.796603401123E9`, at, true},
		{`null`, time.Time{}, true},
		{`"1796603401"`, time.Time{}, false},
		{`true`, time.Time{}, false},
		{`1e300`, time.Time{}, false},
	} {
		var ts timestamp
		err := json.Unmarshal([]byte(c.in), &ts)
		if (err == nil) != c.ok || !ts.Equal(c.want) {
			t.Errorf("%s: %v %v, want %v", c.in, ts.Time, err, c.want)
		}
	}
}

func TestTimestampCBOR(t *testing.T) {
	at := time.Date(2026, 12, 7, 0, 30, 1, 123e6, time.UTC)
	b, err := cborEnc.Marshal(stamp(at))
	// Tag 1 (0xc1), then epoch milliseconds as an 8-byte unsigned integer.
	want := []byte{0xc1, 0x1b, 0, 0, 0x01, 0xa2, 0x4d, 0xe8, 0x53, 0xa3} // 1796603401123
	if err != nil || !bytes.Equal(b, want) {
		t.Fatalf("marshal: % x %v, want % x", b, err, want)
	}
	enc := func(v any) []byte {
		b, err := cbor.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, c := range []struct {
		name string
		in   []byte
		want time.Time
		ok   bool
	}{
		{"tag 1 millis", enc(cbor.Tag{Number: 1, Content: at.UnixMilli()}), at, true},
		{"tag 1 float seconds", enc(cbor.Tag{Number: 1, Content: 1796603401.123}), at, true},
		{"untagged millis", enc(at.UnixMilli()), at, true},
		{"null", []byte{0xf6}, time.Time{}, true},
		{"tag 0", enc(cbor.Tag{Number: 0, Content: "2026-12-07T00:30:01Z"}), time.Time{}, false},
		{"text", enc("1796603401"), time.Time{}, false},
		{"tag 1 text", []byte{0xc1, 0x61, 0x31}, time.Time{}, false},
	} {
		var ts timestamp
		err := cborDec.Unmarshal(c.in, &ts)
		if (err == nil) != c.ok || !ts.Equal(c.want) {
			t.Errorf("%s: %v %v, want %v", c.name, ts.Time, err, c.want)
		}
	}
}

// TestReadInputStrict: a member of the wrong type is a
// SerializationException in both protocols, as AWS answers it.
func TestReadInputStrict(t *testing.T) {
	cb := func(v any) string {
		b, err := cbor.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, c := range []struct {
		name, ct, body string
		ok             bool
	}{
		{"json ok", contentJSON11, `{"StreamName":"s","ShardCount":2}`, true},
		{"json empty", contentJSON11, ``, true},
		{"json int as string", contentJSON11, `{"StreamName":"s","ShardCount":"2"}`, false},
		{"json name as number", contentJSON11, `{"StreamName":5}`, false},
		{"json not an object", contentJSON11, `[1]`, false},
		{"json truncated", contentJSON11, `{"StreamName":"s"`, false},
		{"cbor ok", contentCBOR, cb(map[string]any{"StreamName": "s", "ShardCount": 2}), true},
		{"cbor empty", contentCBOR, ``, true},
		{"cbor int as text", contentCBOR, cb(map[string]any{"ShardCount": "2"}), false},
		{"cbor text as bytes", contentCBOR, cb(map[string]any{"StreamName": []byte("s")}), false},
		{"cbor float for int", contentCBOR, cb(map[string]any{"ShardCount": 2.5}), false},
		{"cbor duplicate key", contentCBOR, "\xa2\x6aStreamName\x61a\x6aStreamName\x61b", false},
		{"cbor trailing bytes", contentCBOR, cb(map[string]any{"StreamName": "s"}) + "\x00", false},
		{"cbor not a map", contentCBOR, cb([]int{1}), false},
		{"cbor invalid utf-8", contentCBOR, "\xa1\x6aStreamName\x61\xff", false},
	} {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(c.body))
		r.Header.Set("Content-Type", c.ct)
		var in createStreamIn
		err := readInput(r, &in)
		if (err == nil) != c.ok {
			t.Errorf("%s: %v", c.name, err)
		}
		if e, ok := err.(*Error); err != nil && (!ok || e.Code != ErrSerialization.Code) {
			t.Errorf("%s: %v is not a SerializationException", c.name, err)
		}
	}
	// Blobs: base64 in JSON, byte strings in CBOR.
	want := []byte{0, 1, 0xfe, 0xff}
	for ct, body := range map[string]string{contentJSON11: `{"Data":"AAH+/w=="}`, contentCBOR: cb(map[string]any{"Data": want})} {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		r.Header.Set("Content-Type", ct)
		var in putRecordIn
		if err := readInput(r, &in); err != nil || !bytes.Equal(in.Data, want) {
			t.Errorf("%s: data % x %v", ct, in.Data, err)
		}
	}
}

// fuzzInputs are the inputs the fuzzers decode into.
func fuzzInputs() []func() any {
	return []func() any{
		func() any { return new(putRecordsIn) },
		func() any { return new(createStreamIn) },
		func() any { return new(listShardsIn) },
		func() any { return new(subscribeToShardIn) },
		func() any { return new(getShardIteratorIn) },
	}
}

// fuzzRead decodes body into each input in protocol ct: no panic, and
// what decodes re-encodes and decodes to the same value.
func fuzzRead(t *testing.T, ct string, body []byte) {
	for _, mk := range fuzzInputs() {
		r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		r.Header.Set("Content-Type", ct)
		v := mk()
		if err := readInput(r, v); err != nil {
			if e, ok := err.(*Error); !ok || e.Code != ErrSerialization.Code {
				t.Fatalf("%T: not a SerializationException: %v", v, err)
			}
			continue
		}
		rec := httptest.NewRecorder()
		if err := writeOutput(rec, r, v); err != nil {
			t.Fatalf("%T: re-encoding: %v", v, err)
		}
		r2 := httptest.NewRequest(http.MethodPost, "/", rec.Body)
		r2.Header.Set("Content-Type", ct)
		v2 := mk()
		if err := readInput(r2, v2); err != nil {
			t.Fatalf("%T: decoding the re-encoded %q: %v", v, rec.Body.String(), err)
		}
		if !reflect.DeepEqual(normal(v), normal(v2)) {
			t.Fatalf("%T: round trip changed the value:\n%+v\n%+v", v, v, v2)
		}
	}
}

// normal is v's JSON, which compares times by instant.
func normal(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func FuzzKinesisJSONInput(f *testing.F) {
	for _, s := range []string{
		`{"StreamName":"s","Records":[{"Data":"aGk=","PartitionKey":"k"},{"Data":"","PartitionKey":"","ExplicitHashKey":"1"}]}`,
		`{"StreamName":"s","ShardCount":4,"StreamModeDetails":{"StreamMode":"ON_DEMAND"},"Tags":{"a":"b"}}`,
		`{"StreamARN":"arn:aws:kinesis:us-east-1:000000000000:stream/s","ShardFilter":{"Type":"AT_TIMESTAMP","Timestamp":1.7e9}}`,
		`{"ConsumerARN":"c","ShardId":"shardId-000000000000","StartingPosition":{"Type":"LATEST","Timestamp":1796603401.123}}`,
		`{"Records":null}`, `[]`, `{"Data":"!!"}`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) { fuzzRead(t, contentJSON11, b) })
}

func FuzzKinesisCBORInput(f *testing.F) {
	seeds := []any{
		map[string]any{"StreamName": "s", "Records": []any{map[string]any{"Data": []byte("hi"), "PartitionKey": "k"}}},
		map[string]any{"StreamName": "s", "ShardCount": 4, "StreamModeDetails": map[string]any{"StreamMode": "ON_DEMAND"}, "Tags": map[string]string{"a": "b"}},
		map[string]any{"ShardFilter": map[string]any{"Type": "AT_TIMESTAMP", "Timestamp": cbor.Tag{Number: 1, Content: 1796603401123}}},
		map[string]any{"StartingPosition": map[string]any{"Type": "AT_TIMESTAMP", "Timestamp": cbor.Tag{Number: 1, Content: 1.5e9}}},
		map[string]any{"Timestamp": 12},
	}
	for _, s := range seeds {
		b, err := cbor.Marshal(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("\xbf\x6aStreamName\x61s\xff")) // an indefinite-length map, as Jackson writes
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) { fuzzRead(t, contentCBOR, b) })
}

// checkFast fails unless f's encodings equal the reflection ones.
func checkFast(t *testing.T, f fastOutput) {
	t.Helper()
	want, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.appendJSON(nil); !bytes.Equal(got, want) {
		t.Errorf("JSON:\n%s\nwant\n%s", got, want)
	}
	want, err = cborEnc.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.appendCBOR(nil); !bytes.Equal(got, want) {
		t.Errorf("CBOR:\n% x\nwant\n% x", got, want)
	}
}

// TestFastOutput: the hand-written encoders of the record answers write
// what encoding/json and fxamacker/cbor write.
func TestFastOutput(t *testing.T) {
	at := stamp(time.UnixMilli(1796603401123))
	recs := []wireRecord{
		{SequenceNumber: "1", ApproximateArrivalTimestamp: at, Data: []byte{}, PartitionKey: "k"},
		{SequenceNumber: "49885998947900000000000000000000000000010001796603040467", ApproximateArrivalTimestamp: stamp(time.UnixMilli(5)),
			Data: bytes.Repeat([]byte{0xff, 0, '<'}, 100), PartitionKey: "<&>\"\\\u2028é", EncryptionType: encryptionKMS},
		{SequenceNumber: "2", ApproximateArrivalTimestamp: stamp(time.UnixMilli(-1500)), Data: nil, PartitionKey: string(make([]byte, 300))},
	}
	child := []wireChildShard{{ShardID: "shardId-000000000002", ParentShards: []string{"shardId-000000000000"}, HashKeyRange: hashKeyRange{"0", "9"}}}
	for name, f := range map[string]fastOutput{
		"no records":        getRecordsOut{Records: []wireRecord{}, NextShardIterator: "AAAA", MillisBehindLatest: 7},
		"nil records":       getRecordsOut{},
		"records":           getRecordsOut{Records: recs, NextShardIterator: "it", MillisBehindLatest: 1 << 40},
		"end of shard":      getRecordsOut{Records: recs[:1], ChildShards: child},
		"event":             subscribeToShardEvent{Records: recs, ContinuationSequenceNumber: "3", MillisBehindLatest: 300},
		"empty event":       subscribeToShardEvent{Records: []wireRecord{}},
		"last event":        subscribeToShardEvent{Records: []wireRecord{}, ChildShards: child},
		"large counts":      getRecordsOut{Records: make([]wireRecord, 70000)[:1], MillisBehindLatest: 65536},
		"24 records (head)": getRecordsOut{Records: slices.Repeat(recs[:1], 24)},
	} {
		t.Run(name, func(t *testing.T) { checkFast(t, f) })
	}
}

func FuzzFastOutput(f *testing.F) {
	f.Add("49885998947900000000000000000000000000010001796603040467", "key", []byte("data"), int64(1796603401123), int64(0))
	f.Add("", "\x00\xff<", []byte{}, int64(-1), int64(1<<40))
	f.Fuzz(func(t *testing.T, seq, key string, data []byte, ms, behind int64) {
		if ms > 1<<50 || ms < -(1<<50) || !utf8.ValidString(seq) || !utf8.ValidString(key) {
			t.Skip() // encoding/json rewrites invalid UTF-8; the service stores valid keys
		}
		r := wireRecord{SequenceNumber: seq, ApproximateArrivalTimestamp: stamp(time.UnixMilli(ms)), Data: data, PartitionKey: key}
		checkFast(t, getRecordsOut{Records: []wireRecord{r, r}, NextShardIterator: seq, MillisBehindLatest: behind})
		checkFast(t, subscribeToShardEvent{Records: []wireRecord{r}, ContinuationSequenceNumber: key, MillisBehindLatest: behind})
	})
}

// FuzzIteratorStream: what the authorizer reads of an iterator never
// panics, and names no stream for what is not base64 of one.
func FuzzIteratorStream(f *testing.F) {
	f.Add("AQVvcmRlcnMEYWJjZAABAAAs3Yq1Jg0wvzJL3vKD9J8i")
	f.Add("")
	f.Add("not base64!")
	f.Fuzz(func(t *testing.T, it string) {
		name := kinesis.IteratorStream(it)
		if _, err := base64.StdEncoding.DecodeString(it); err != nil && name != "" {
			t.Fatalf("%q names %q", it, name)
		}
	})
}

// FuzzPutRecordsJSON: what the PutRecords decoder accepts, encoding/json
// accepts and decodes to the same value.
func FuzzPutRecordsJSON(f *testing.F) {
	for _, s := range []string{
		`{"StreamName":"s","Records":[{"Data":"aGk=","PartitionKey":"k"},{"Data":"","PartitionKey":"","ExplicitHashKey":"1"}]}`,
		` { "StreamARN" : "arn:aws:kinesis:us-east-1:000000000000:stream/s" , "Records" : [ ] , "x": {"y": [1, 2.5e3, true, null]} } `,
		`{"Records":[{"Data":"aG\nk=","PartitionKey":"\"k\"","Other":"v"}],"StreamName":"a","StreamName":"b"}`,
		`{"Records":[{"Data":"aGk=","Data":"aGk","PartitionKey":"k","PartitionKey":"j"}]}`,
		`{"records":[]}`, `{"Records":null}`, `{"Records":[{"Data":null}]}`, `{"Records":[1]}`, `{"StreamName":"\u0041"}`,
		`{"Records":[],"Records":[]}`, `{"Records":[{}]}`, `[]`, `{"StreamName":"s",}`, `{"Records":[{"Data":"!!"}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var fast putRecordsIn
		if !decodePutRecords(b, &fast) {
			return
		}
		var std putRecordsIn
		if err := json.Unmarshal(b, &std); err != nil {
			t.Fatalf("accepted %q, which encoding/json refuses: %v", b, err)
		}
		if !reflect.DeepEqual(fast, std) {
			t.Fatalf("%q:\nfast %s\nstd  %s", b, normal(fast), normal(std))
		}
	})
}

// BenchmarkPutRecordsJSON decodes a 500 x 1 KiB PutRecords body.
func BenchmarkPutRecordsJSON(b *testing.B) {
	in := putRecordsIn{StreamName: "s", Records: new([]putEntryIn)}
	for i := range 500 {
		k := "key-" + strconv.Itoa(i)
		*in.Records = append(*in.Records, putEntryIn{Data: make([]byte, 1024), PartitionKey: &k})
	}
	body, _ := json.Marshal(in)
	b.Run("fast", func(b *testing.B) {
		for b.Loop() {
			var out putRecordsIn
			if !decodePutRecords(body, &out) || len(*out.Records) != 500 {
				b.Fatal("not decoded")
			}
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		for b.Loop() {
			var out putRecordsIn
			if err := json.Unmarshal(body, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestFastOutputAllocs pins the record answers' encoders to the one
// allocation of their buffer.
func TestFastOutputAllocs(t *testing.T) {
	out := getRecordsAnswer(100, 64)
	for name, enc := range map[string]func([]byte) []byte{"json": out.appendJSON, "cbor": out.appendCBOR} {
		if n := testing.AllocsPerRun(20, func() { enc(make([]byte, 0, out.size())) }); n > 1 {
			t.Errorf("%s: %.0f allocations", name, n)
		}
	}
}
