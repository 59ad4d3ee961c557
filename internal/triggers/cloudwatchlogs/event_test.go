package cloudwatchlogs

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"flag"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"go.uber.org/goleak"
	"golang.org/x/tools/txtar"

	"github.com/verge-edge/verge/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// corpus is aws-lambda-go's sample CloudWatch Logs event.
const corpus = "../../../../shared/corpora/aws_aws-lambda-go/events/testdata/cloudwatch-logs-event.json"

// strict decodes an event, and its data, refusing unknown fields; it
// returns the data as Parse reads it and its JSON.
func strict(t *testing.T, b []byte) (events.CloudwatchLogsData, []byte) {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	var ev events.CloudwatchLogsEvent
	if err := d.Decode(&ev); err != nil {
		t.Fatalf("%v in %s", err, b)
	}
	data, err := ev.AWSLogs.Parse()
	if err != nil {
		t.Fatal(err)
	}
	raw := unzip(t, ev.AWSLogs.Data)
	d = json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	var again events.CloudwatchLogsData
	if err := d.Decode(&again); err != nil {
		t.Fatalf("%v in %s", err, raw)
	}
	return data, raw
}

func unzip(t *testing.T, data string) []byte {
	t.Helper()
	z, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		t.Fatal(err)
	}
	r, err := gzip.NewReader(bytes.NewReader(z))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestAgainstCorpus: the message built from the corpus's fields is AWS's
// JSON byte for byte (so the same keys in the same order), and the event
// decodes strictly through aws-lambda-go to the same data.
func TestAgainstCorpus(t *testing.T) {
	raw, err := os.ReadFile(corpus)
	if err != nil {
		t.Skip("corpus not present:", err)
	}
	want, wantJSON := strict(t, raw)
	m := Message{Type: want.MessageType, Owner: want.Owner, Group: want.LogGroup, Stream: want.LogStream, Filters: want.SubscriptionFilters}
	for _, e := range want.LogEvents {
		m.Events = append(m.Events, Event{ID: e.ID, Timestamp: e.Timestamp, Message: e.Message})
	}
	if got := m.AppendJSON(nil); !bytes.Equal(got, wantJSON) {
		t.Errorf("JSON\n%s\nwant\n%s", got, wantJSON)
	}
	got, _ := strict(t, Payload(&m))
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parsed\n%+v\nwant\n%+v", got, want)
	}
}

// TestGolden: the messages of testdata/*.txtar (section "in", a Message
// as JSON with Go's field names) give section "out", the parsed JSON.
func TestGolden(t *testing.T) {
	golden.Run(t, "events", *update, func(t *testing.T, a *txtar.Archive) (string, string) {
		in, _ := golden.Section(a, "in")
		var m Message
		if err := json.Unmarshal([]byte(in), &m); err != nil {
			t.Fatal(err)
		}
		if m.Type == MessageControl {
			m = Control(m.Owner, m.Events[0].Timestamp)
		}
		_, raw := strict(t, Payload(&m))
		var out bytes.Buffer
		if err := json.Indent(&out, raw, "", "  "); err != nil {
			t.Fatal(err)
		}
		return "out", out.String()
	})
}

func TestIDs(t *testing.T) {
	ids := NewIDs(1_700_000_000_000_000_000)
	prev := ""
	for _, ms := range []int64{0, 1440442987000, 1440442987000, 1440442987001, 1 << 60} {
		id := ids.Next(ms)
		if len(id) != idDigits || strings.Trim(id, "0123456789") != "" {
			t.Fatalf("id %q: not %d digits", id, idDigits)
		}
		if id <= prev {
			t.Errorf("id %s after %s: not increasing", id, prev)
		}
		prev = id
	}
	if got := ids.Next(-5); !strings.HasPrefix(got, strings.Repeat("0", idTimeDigits)) {
		t.Errorf("negative time: %s", got)
	}
}

// TestPayloadsCap: every payload stays within the cap, no event is lost
// or reordered, and an event too large alone is shortened.
func TestPayloadsCap(t *testing.T) {
	ids := NewIDs(0)
	noise := func(n int, seed byte) string { // incompressible enough
		b := make([]byte, n)
		x := uint32(seed) + 1
		for i := range b {
			x = x*1664525 + 1013904223
			b[i] = 'a' + byte(x>>24)%26
		}
		return string(b)
	}
	m := Message{Type: MessageData, Owner: "000000000000", Group: "g", Stream: "s", Filters: []string{"f"}}
	for i := range 200 {
		m.Events = append(m.Events, Event{ID: ids.Next(int64(i)), Timestamp: int64(i), Message: noise(4000, byte(i))})
	}
	m.Events = append(m.Events, Event{ID: ids.Next(999), Timestamp: 999, Message: noise(2*MaxPayload, 7)})
	ps := Payloads(&m, MaxPayload)
	if len(ps) < 3 {
		t.Fatalf("%d payloads for ~1 MB of events", len(ps))
	}
	var got []string
	for _, p := range ps {
		if len(p) > MaxPayload {
			t.Errorf("payload of %d bytes > %d", len(p), MaxPayload)
		}
		d, _ := strict(t, p)
		for _, e := range d.LogEvents {
			got = append(got, e.ID)
		}
		if last := d.LogEvents[len(d.LogEvents)-1]; last.Timestamp == 999 && len(last.Message) >= 2*MaxPayload {
			t.Errorf("oversized event not shortened")
		}
	}
	if len(got) != len(m.Events) {
		t.Fatalf("%d events delivered, want %d", len(got), len(m.Events))
	}
	for i, e := range m.Events {
		if got[i] != e.ID {
			t.Fatalf("event %d: id %s, want %s", i, got[i], e.ID)
		}
	}
}

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// FuzzPayloads: any message splits into payloads within the cap that
// decode strictly and hold its events in order. The cap is never below
// one event with an empty message, the smallest piece Split can make.
func FuzzPayloads(f *testing.F) {
	f.Add("ERROR x", 3, 300)
	f.Add("é\x00\"\\", 50, 200)
	floor := func(m Message) int {
		m.Events = []Event{{ID: "1", Timestamp: 63}}
		return len(Payload(&m))
	}
	f.Fuzz(func(t *testing.T, msg string, n, max int) {
		m := Message{Type: MessageData, Owner: "000000000000", Group: "g", Stream: "s", Filters: []string{"f"}}
		n, max = n%64, floor(m)+abs(max)%4096
		if n < 0 {
			n = -n
		}
		for i := range n {
			m.Events = append(m.Events, Event{ID: "1", Timestamp: int64(i), Message: strings.Repeat(msg, i%5)})
		}
		k := 0
		for _, p := range Payloads(&m, max) {
			if len(p) > max {
				t.Fatalf("payload %d > %d", len(p), max)
			}
			d, _ := strict(t, p)
			for _, e := range d.LogEvents {
				if e.Timestamp != int64(k) {
					t.Fatalf("event %d has timestamp %d", k, e.Timestamp)
				}
				k++
			}
		}
		if k != n {
			t.Fatalf("%d events, want %d", k, n)
		}
	})
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// TestGzipped: a Kinesis record's data is the message's JSON, gzipped.
func TestGzipped(t *testing.T) {
	m := Message{Type: MessageData, Owner: "000000000000", Group: "g", Stream: "s", Filters: []string{"f"},
		Events: []Event{{ID: "1", Timestamp: 2, Message: "ERROR x"}}}
	raw := unzip(t, base64.StdEncoding.EncodeToString(Gzipped(&m)))
	if !bytes.Equal(raw, m.AppendJSON(nil)) {
		t.Errorf("gunzipped %s", raw)
	}
}
