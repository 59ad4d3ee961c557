package kinesis

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var update = flag.Bool("update", false, "rewrite the golden files")

// corpus is aws-lambda-go's sample Kinesis event.
const corpus = "../../../../shared/corpora/aws_aws-lambda-go/events/testdata/kinesis-event.json"

var sample = Source{
	StreamARN: "arn:aws:kinesis:us-east-1:123456789012:stream/simple-stream",
	Region:    "us-east-1",
	Role:      "arn:aws:iam::123456789012:role/LambdaRole",
}

var sampleRecord = Record{
	ShardID:      "shardId-000000000000",
	Sequence:     "49568167373333333333333333333333333333333333333333333333",
	PartitionKey: "s1",
	Data:         []byte("Hello World"),
	Arrival:      time.UnixMilli(1480641523477),
}

// strict decodes an event refusing unknown fields.
func strict(t *testing.T, b []byte) events.KinesisEvent {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	var ev events.KinesisEvent
	if err := d.Decode(&ev); err != nil {
		t.Fatalf("%v in %s", err, b)
	}
	return ev
}

func event(recs ...[]byte) []byte {
	return append(append([]byte(`{"Records":[`), bytes.Join(recs, []byte(","))...), "]}"...)
}

// TestAgainstCorpus: the record built from the corpus's first record's
// fields is that record, field by field and key by key in order.
func TestAgainstCorpus(t *testing.T) {
	raw, err := os.ReadFile(corpus)
	if err != nil {
		t.Skip("corpus not present:", err)
	}
	want := strict(t, raw).Records[0]
	b := sample.Append(nil, &sampleRecord)
	got := strict(t, event(b)).Records[0]
	if !reflect.DeepEqual(got, want) {
		t.Errorf("built\n%+v\nwant\n%+v", got, want)
	}
	// Same keys in the same order as AWS's.
	var all struct{ Records []json.RawMessage }
	json.Unmarshal(raw, &all)
	if k, w := keys(t, b), keys(t, all.Records[0]); len(w) != 13 || !slices.Equal(k, w) {
		t.Errorf("keys %v, want %v", k, w)
	}
}

// keys lists an object's keys, nested ones as parent.key, in order.
func keys(t *testing.T, b []byte) []string {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	if tok, err := d.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", b)
	}
	var out []string
	for d.More() {
		tok, _ := d.Token()
		k := tok.(string)
		var v json.RawMessage
		if err := d.Decode(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, k)
		if len(v) > 0 && v[0] == '{' {
			for _, sub := range keys(t, v) {
				out = append(out, k+"."+sub)
			}
		}
	}
	return out
}

func TestGolden(t *testing.T) {
	recs := []Record{
		sampleRecord,
		{ShardID: "shardId-000000000003", Sequence: "49000000000000000000000000000000000000000000000000000001", PartitionKey: "ünïcode \"quoted\" <tag>\n", Data: []byte{0, 1, 2, 0xff}, Arrival: time.UnixMilli(1700000000000)},
		{ShardID: "shardId-000000000001", Sequence: "49000000000000000000000000000000000000000000000000000002", PartitionKey: "empty", Data: nil, Arrival: time.UnixMilli(1700000000050)},
	}
	var parts [][]byte
	for i := range recs {
		parts = append(parts, sample.Append(nil, &recs[i]))
	}
	got := event(parts...)
	var pretty bytes.Buffer
	json.Indent(&pretty, got, "", "  ")
	pretty.WriteByte('\n')
	path := filepath.Join("testdata", "event.json")
	if *update {
		os.WriteFile(path, pretty.Bytes(), 0o644)
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(pretty.Bytes(), want) {
		t.Errorf("got\n%s\nwant\n%s", pretty.Bytes(), want)
	}
	ev := strict(t, got)
	for i, r := range ev.Records {
		if !bytes.Equal(r.Kinesis.Data, recs[i].Data) || r.Kinesis.PartitionKey != recs[i].PartitionKey || r.EventID != recs[i].ShardID+":"+recs[i].Sequence {
			t.Errorf("record %d: %+v", i, r)
		}
	}
}

func TestSeconds(t *testing.T) {
	for _, c := range []struct {
		ms   int64
		want string
	}{
		{1480641523477, "1480641523.477"},
		{1480641523000, "1480641523"},
		{1480641523400, "1480641523.4"},
		{1480641523050, "1480641523.05"},
		{5, "0.005"},
		{0, "0"},
	} {
		if got := string(appendSeconds(nil, time.UnixMilli(c.ms))); got != c.want {
			t.Errorf("%d: %s, want %s", c.ms, got, c.want)
		}
	}
}

func TestSizeBound(t *testing.T) {
	r := Record{ShardID: "shardId-000000000000", Sequence: "1", PartitionKey: "\x00\x01\x02\"\"", Data: make([]byte, 1000)}
	if n, b := sample.Size(&r), len(sample.Append(nil, &r)); n < b {
		t.Errorf("Size %d < %d", n, b)
	}
}

func TestAllocs(t *testing.T) {
	buf := make([]byte, 0, 4096)
	if n := testing.AllocsPerRun(100, func() { sample.Append(buf[:0], &sampleRecord) }); n > 1 {
		t.Errorf("%v allocations per record", n)
	}
}

func FuzzAppend(f *testing.F) {
	f.Add("s1", []byte("Hello World"), int64(1480641523477), "arn:aws:iam::1:role/r")
	f.Add("\u2028\"\\", []byte{0xff, 0}, int64(0), "")
	f.Add("\xff\xfe", []byte(nil), int64(-1), "\n")
	f.Fuzz(func(t *testing.T, key string, data []byte, ms int64, role string) {
		src := Source{StreamARN: "arn:aws:kinesis:us-east-1:000000000000:stream/s", Region: "us-east-1", Role: role}
		r := Record{ShardID: "shardId-000000000000", Sequence: "49", PartitionKey: key, Data: data, Arrival: time.UnixMilli(ms)}
		b := src.Append(nil, &r)
		if !json.Valid(b) {
			t.Fatalf("invalid JSON: %q", b)
		}
		var ev events.KinesisEventRecord
		if err := json.Unmarshal(b, &ev); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(ev.Kinesis.Data, data) {
			t.Fatalf("data %q, want %q", ev.Kinesis.Data, data)
		}
		if len(b) > src.Size(&r) {
			t.Fatalf("Size %d < %d", src.Size(&r), len(b))
		}
	})
}
