package kafka

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// corpus is aws-lambda-go's sample Kafka event.
const corpus = "../../../../shared/corpora/aws_aws-lambda-go/events/testdata/kafka-event.json"

// strict decodes an event refusing unknown fields.
func strict(t testing.TB, b []byte) events.KafkaEvent {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	var ev events.KafkaEvent
	if err := d.Decode(&ev); err != nil {
		t.Fatalf("%v in %s", err, b)
	}
	return ev
}

// TestAgainstCorpus: the records built from the corpus's fields decode to
// the corpus's records, and the event to its bootstrap servers.
func TestAgainstCorpus(t *testing.T) {
	raw, err := os.ReadFile(corpus)
	if err != nil {
		t.Skip("corpus not present:", err)
	}
	want := strict(t, raw)
	var batches [][]Record
	for _, recs := range want.Records {
		var batch []Record
		for _, r := range recs {
			rec := Record{Topic: r.Topic, Partition: int32(r.Partition), Offset: r.Offset,
				Timestamp: r.Timestamp.Time, LogAppendTime: r.TimestampType == logAppendTime}
			rec.Key = decode64(t, r.Key)
			rec.Value = decode64(t, r.Value)
			for _, h := range r.Headers {
				for k, v := range h {
					rec.Headers = append(rec.Headers, Header{Key: k, Value: v})
				}
			}
			batch = append(batch, rec)
		}
		batches = append(batches, batch)
	}
	got := strict(t, Append(nil, want.BootstrapServers, batches...))
	if got.EventSource != EventSource || got.EventSourceARN != "" {
		t.Errorf("eventSource %q, eventSourceArn %q", got.EventSource, got.EventSourceARN)
	}
	if got.BootstrapServers != want.BootstrapServers {
		t.Errorf("bootstrapServers %q, want %q", got.BootstrapServers, want.BootstrapServers)
	}
	if !reflect.DeepEqual(got.Records, want.Records) {
		t.Errorf("records\n%+v\nwant\n%+v", got.Records, want.Records)
	}
	// The raw header bytes are Java's signed bytes, as in the corpus.
	if !bytes.Contains(Append(nil, "", batches...), []byte(`[118,-36,0,127,-128]`)) {
		t.Error("headers are not signed bytes")
	}
}

func decode64(t *testing.T, s string) []byte {
	t.Helper()
	if s == "" {
		return nil
	}
	var b []byte
	if err := json.Unmarshal([]byte(`"`+s+`"`), &b); err != nil {
		t.Fatal(err)
	}
	return b
}

// TestGolden: an event of two partitions, with a record without key, a
// tombstone, a broker timestamp and headers, byte for byte.
func TestGolden(t *testing.T) {
	at := time.UnixMilli(1595035749700)
	got := Append(nil, "b1:9092,b2:9092",
		[]Record{
			{Topic: "orders", Partition: 0, Offset: 7, Timestamp: at, Key: []byte("k1"), Value: []byte(`{"id":1}`),
				Headers: []Header{{Key: "trace", Value: []byte{1, 200}}, {Key: "e\"", Value: []byte{}}}},
			{Topic: "orders", Partition: 0, Offset: 8, Timestamp: at.Add(time.Millisecond), Value: []byte("no key")},
		},
		nil,
		[]Record{{Topic: "orders", Partition: 3, Offset: 0, Timestamp: at, LogAppendTime: true, Key: []byte("gone")}},
	)
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, got, "", "  "); err != nil {
		t.Fatalf("%v in %s", err, got)
	}
	pretty.WriteByte('\n')
	path := filepath.Join("testdata", "event.json")
	if *update {
		if err := os.WriteFile(path, pretty.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(pretty.Bytes(), want) {
		t.Errorf("got\n%s\nwant\n%s", pretty.Bytes(), want)
	}
	ev := strict(t, got)
	if len(ev.Records["orders-0"]) != 2 || len(ev.Records["orders-3"]) != 1 {
		t.Errorf("records %v", ev.Records)
	}
}

// FuzzRecord: any record round-trips through aws-lambda-go's KafkaRecord,
// and Size bounds what AppendRecord writes.
func FuzzRecord(f *testing.F) {
	f.Add("orders", int32(0), int64(5), int64(1595035749700), false, []byte("k"), []byte("v"), "h", []byte{0, 255})
	f.Add("t\u2028\"", int32(-1), int64(-1), int64(-5), true, []byte(nil), []byte{}, "", []byte(nil))
	f.Fuzz(func(t *testing.T, topic string, part int32, off, ms int64, logAppend bool, key, value []byte, hk string, hv []byte) {
		r := Record{Topic: topic, Partition: part, Offset: off, Timestamp: time.UnixMilli(ms), LogAppendTime: logAppend,
			Key: key, Value: value, Headers: []Header{{Key: hk, Value: hv}}}
		one := AppendRecord(nil, &r)
		if len(one) > Size(&r) {
			t.Fatalf("%d bytes, Size %d", len(one), Size(&r))
		}
		ev := strict(t, Append(nil, "b:9092", []Record{r}))
		recs := ev.Records[PartitionKey(topic, part)]
		if !utf8.ValidString(topic) && len(ev.Records) == 1 {
			for _, recs = range ev.Records {
			}
		}
		if len(recs) != 1 {
			t.Fatalf("records %v", ev.Records)
		}
		got := recs[0]
		if utf8.ValidString(topic) && got.Topic != topic || got.Partition != int64(part) || got.Offset != off ||
			got.Timestamp.UnixMilli() != ms || (got.TimestampType == logAppendTime) != logAppend {
			t.Errorf("got %+v", got)
		}
		if got.Key != base64.StdEncoding.EncodeToString(key) || got.Value != base64.StdEncoding.EncodeToString(value) {
			t.Errorf("key %q value %q, want %q %q", got.Key, got.Value, key, value)
		}
		if utf8.ValidString(hk) && (len(got.Headers) != 1 || !bytes.Equal(got.Headers[0][hk], hv)) {
			t.Errorf("headers %v, want %q: %v", got.Headers, hk, hv)
		}
	})
}
