package s3

import (
	"bytes"
	"encoding/json"
	"flag"
	"maps"
	"net/url"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/verge-edge/verge/internal/golden"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// corpusEvent is aws-lambda-go's example event, read in place from the
// shared corpora.
const corpusEvent = "../../../../shared/corpora/aws_aws-lambda-go/events/testdata/s3-event.json"

// readEvent reads an archive's event section and its configuration id.
func readEvent(t *testing.T, a *txtar.Archive) (Event, string) {
	t.Helper()
	var in struct {
		Event
		ConfigID string
	}
	if !golden.JSON(t, a, "event", &in) {
		t.Fatal("no section event")
	}
	return in.Event, in.ConfigID
}

func indent(t *testing.T, raw []byte) string {
	t.Helper()
	var out bytes.Buffer
	if err := json.Indent(&out, raw, "", "  "); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	return out.String()
}

// TestRecordsGolden builds each archive's record and checks that
// aws-lambda-go's S3Event reads it strictly, with the key decoded back.
func TestRecordsGolden(t *testing.T) {
	golden.Run(t, "records", *update, func(t *testing.T, a *txtar.Archive) (string, string) {
		e, id := readEvent(t, a)
		raw := Records(e, id)
		ev := decodeStrict(t, raw)
		if len(ev.Records) != 1 {
			t.Fatalf("%d records", len(ev.Records))
		}
		r := ev.Records[0]
		if r.EventName != e.Name || r.S3.Object.URLDecodedKey != e.Key || r.S3.Bucket.Name != e.Bucket ||
			r.S3.ConfigurationID != id || !r.EventTime.Equal(e.Time.Truncate(time.Millisecond)) ||
			r.S3.Bucket.Arn != "arn:aws:s3:::"+e.Bucket || r.AWSRegion != "us-east-1" || r.EventSource != "aws:s3" {
			t.Errorf("record %+v", r)
		}
		return "records", indent(t, raw)
	})
}

func decodeStrict(t testing.TB, raw []byte) events.S3Event {
	t.Helper()
	var ev events.S3Event
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	if err := d.Decode(&ev); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	return ev
}

// TestRecordsFields compares the key paths of a record with those of
// aws-lambda-go's example event, which has every optional field.
func TestRecordsFields(t *testing.T) {
	corpus, err := os.ReadFile(corpusEvent)
	if err != nil {
		t.Skipf("no corpora: %v", err)
	}
	e := Event{Name: "ObjectCreated:Put", Bucket: "b", Key: "k", Size: 1, ETag: "e", VersionID: "v", Sequencer: "s",
		Time: time.Unix(0, 0), Caller: Caller{Principal: "p", SourceIP: "127.0.0.1", RequestID: "r", HostID: "h"}}
	got, want := paths(t, Records(e, "c")), paths(t, corpus)
	if !slices.Equal(got, want) {
		t.Errorf("paths\n%q\nwant\n%q", got, want)
	}
	// A removal has no size nor eTag: a subset.
	e.Name, e.Size, e.ETag, e.VersionID = "ObjectRemoved:Delete", 0, "", ""
	for _, p := range paths(t, Records(e, "c")) {
		if !slices.Contains(want, p) {
			t.Errorf("removal path %q not in the corpus's", p)
		}
	}
}

// paths lists the sorted key paths of a JSON document ("Records.s3.bucket.name").
func paths(t *testing.T, raw []byte) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	set := map[string]bool{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				set[prefix+k] = true
				walk(prefix+k+".", x)
			}
		case []any:
			for _, x := range v {
				walk(prefix, x)
			}
		}
	}
	walk("", v)
	return slices.Sorted(maps.Keys(set))
}

func TestAppendKey(t *testing.T) {
	tests := []struct{ key, want string }{
		{"red flower.jpg", "red+flower.jpg"},
		{"Happy Face.jpg", "Happy+Face.jpg"},
		{"a/b/c.txt", "a/b/c.txt"},
		{"dt=2018-05-04/_SUCCESS", "dt%3D2018-05-04/_SUCCESS"},
		{"test_file(3).png", "test_file%283%29.png"},
		{"10:47:07.log", "10%3A47%3A07.log"},
		{"a+b", "a%2Bb"},
		{"100%", "100%25"},
		{"é", "%C3%A9"},
		{"~*.-_", "%7E*.-_"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := string(appendKey(nil, tt.key)); got != tt.want {
			t.Errorf("appendKey(%q) = %q, want %q", tt.key, got, tt.want)
		}
	}
}

// FuzzAppendKey checks that every key decodes back as consumers decode it
// (url.QueryUnescape, unquote_plus).
func FuzzAppendKey(f *testing.F) {
	for _, k := range []string{"red flower.jpg", "a/b+c%", "é\x00\xff"} {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, key string) {
		enc := string(appendKey(nil, key))
		got, err := url.QueryUnescape(enc)
		if err != nil || got != key {
			t.Fatalf("%q encoded %q decodes to %q, %v", key, enc, got, err)
		}
	})
}

func TestTestEventGolden(t *testing.T) {
	golden.Run(t, "test-event", *update, func(t *testing.T, a *txtar.Archive) (string, string) {
		var in struct {
			Bucket            string
			Time              time.Time
			RequestID, HostID string
		}
		if !golden.JSON(t, a, "input", &in) {
			t.Fatal("no section input")
		}
		raw := TestEvent(in.Bucket, in.Time, in.RequestID, in.HostID)
		var m map[string]string
		if err := json.Unmarshal(raw, &m); err != nil || m["Event"] != "s3:TestEvent" || m["Bucket"] != in.Bucket {
			t.Errorf("%s: %v", raw, err)
		}
		return "message", indent(t, raw)
	})
}

// TestEventBridgeGolden builds each archive's EventBridge detail; the
// section starts with the detail-type.
func TestEventBridgeGolden(t *testing.T) {
	golden.Run(t, "eventbridge", *update, func(t *testing.T, a *txtar.Archive) (string, string) {
		e, _ := readEvent(t, a)
		dt, detail, ok := EventBridge(e)
		if !ok {
			return "detail", "not sent"
		}
		var d map[string]any
		if err := json.Unmarshal(detail, &d); err != nil {
			t.Fatal(err)
		}
		if obj := d["object"].(map[string]any); obj["key"] != e.Key {
			t.Errorf("key %v, want %q unencoded", obj["key"], e.Key)
		}
		return "detail", dt + "\n" + indent(t, detail)
	})
}

func benchEvent() Event {
	return Event{Name: "ObjectCreated:Put", Bucket: "uploads", Key: "images/2024/red flower.jpg", Size: 1024,
		ETag: "d41d8cd98f00b204e9800998ecf8427e", Sequencer: "0062E99A88DC407460", Time: time.Now(),
		Caller: Caller{Principal: "AWS:AIDAEXAMPLE", SourceIP: "127.0.0.1", RequestID: "C3D13FE58DE4C810",
			HostID: "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"}}
}

func BenchmarkRecords(b *testing.B) {
	e := benchEvent()
	b.ReportAllocs()
	for b.Loop() {
		_ = Records(e, "thumbnails-s3-0")
	}
}

func BenchmarkEventBridge(b *testing.B) {
	e := benchEvent()
	b.ReportAllocs()
	for b.Loop() {
		_, _, _ = EventBridge(e)
	}
}
