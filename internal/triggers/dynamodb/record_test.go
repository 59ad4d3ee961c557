package dynamodb_test

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

	ddb "github.com/verge-edge/verge/internal/dynamodb"
	"github.com/verge-edge/verge/internal/dynamodb/store"
	trigger "github.com/verge-edge/verge/internal/triggers/dynamodb"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// corpus is aws-lambda-go's sample DynamoDB Streams event.
const corpus = "../../../../shared/corpora/aws_aws-lambda-go/events/testdata/dynamodb-event.json"

// strict decodes an event refusing unknown fields.
func strict(t *testing.T, b []byte) events.DynamoDBEvent {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	var ev events.DynamoDBEvent
	if err := d.Decode(&ev); err != nil {
		t.Fatalf("%v in %s", err, b)
	}
	return ev
}

func event(recs ...[]byte) []byte {
	return append(append([]byte(`{"Records":[`), bytes.Join(recs, []byte(","))...), "]}"...)
}

// TestAgainstCorpus: each record of AWS's sample event, read into a
// StreamRecord (which must know every field but eventSourceARN) and built
// again with its stream's ARN, is the sample's record, with the same
// fields at every depth. (The sample has userIdentity before dynamodb,
// the service's record after it: JSON's members have no order.)
func TestAgainstCorpus(t *testing.T) {
	raw, err := os.ReadFile(corpus)
	if err != nil {
		t.Skip("corpus not present:", err)
	}
	want := strict(t, raw).Records
	var all struct{ Records []json.RawMessage }
	if err := json.Unmarshal(raw, &all); err != nil {
		t.Fatal(err)
	}
	for i, sample := range all.Records {
		var in struct {
			ddb.StreamRecord
			EventSourceARN string `json:"eventSourceARN"`
		}
		d := json.NewDecoder(bytes.NewReader(sample))
		d.DisallowUnknownFields()
		if err := d.Decode(&in); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		rec, err := json.Marshal(in.StreamRecord)
		if err != nil {
			t.Fatal(err)
		}
		src := trigger.Source{StreamARN: in.EventSourceARN}
		b := src.Append(nil, rec)
		got := strict(t, event(b)).Records[0]
		if !reflect.DeepEqual(got, want[i]) {
			t.Errorf("record %d: built\n%+v\nwant\n%+v", i, got, want[i])
		}
		if k, w := sorted(t, b), sorted(t, sample); !slices.Equal(k, w) {
			t.Errorf("record %d: fields\n%v\nwant\n%v", i, k, w)
		}
		if k := paths(t, b); k[len(k)-1] != "eventSourceARN" {
			t.Errorf("record %d: eventSourceARN is not last: %v", i, k)
		}
	}
}

// paths lists an object's keys, nested objects' as parent.key, in order.
func paths(t *testing.T, b []byte) []string {
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
			for _, sub := range paths(t, v) {
				out = append(out, k+"."+sub)
			}
		}
	}
	return out
}

// sorted is paths in order, for shapes whose members' order differs.
func sorted(t *testing.T, b []byte) []string {
	p := paths(t, b)
	slices.Sort(p)
	return p
}

// table is the stream the golden event is cut from.
var table = store.Table{
	TableConfig: store.TableConfig{Name: "visits", StreamView: store.ViewNewAndOldImages,
		Key: store.KeySchema{Partition: store.Attr{Name: "id", Type: store.TypeS}}},
	ID:          "5f1c0d2e9a",
	StreamLabel: "2024-03-01T10:20:30.456",
}

// changes are an item inserted, modified and deleted, and another removed
// by TTL.
var changes = []store.Record{
	{Seq: 7, Event: store.EventInsert, Keys: []byte(`{"id":{"S":"a"}}`),
		New:     []byte(`{"id":{"S":"a"},"n":{"N":"1"},"tags":{"SS":["x","y"]}}`),
		Created: time.UnixMilli(1700000000123), Size: 40},
	{Seq: 9, Event: store.EventModify, Keys: []byte(`{"id":{"S":"a"}}`),
		Old:     []byte(`{"id":{"S":"a"},"n":{"N":"1"},"tags":{"SS":["x","y"]}}`),
		New:     []byte(`{"id":{"S":"a"},"n":{"N":"2"},"m":{"M":{"ok":{"BOOL":true},"no":{"NULL":true}}}}`),
		Created: time.UnixMilli(1700000001000), Size: 72},
	{Seq: 12, Event: store.EventRemove, Keys: []byte(`{"id":{"S":"a"}}`),
		Old:     []byte(`{"id":{"S":"a"},"n":{"N":"2"},"m":{"M":{"ok":{"BOOL":true},"no":{"NULL":true}}}}`),
		Created: time.UnixMilli(1700000002999), Size: 36},
	{Seq: 20, Event: store.EventRemove, Keys: []byte(`{"id":{"S":"\"quoted\" ünï"}}`),
		Old:     []byte(`{"id":{"S":"\"quoted\" ünï"},"expires":{"N":"1699999000"},"b":{"B":"AAEqQQ=="}}`),
		Created: time.UnixMilli(1700000100000), Size: 50, Service: true},
}

// TestGolden builds an event of an item's life and a TTL removal through
// the service's stream records, and checks it against testdata and, read
// strictly into aws-lambda-go's type, against the changes.
func TestGolden(t *testing.T) {
	src := trigger.Source{StreamARN: ddb.StreamARN(table)}
	var parts [][]byte
	for _, r := range changes {
		rec, err := json.Marshal(ddb.NewStreamRecord(table, r))
		if err != nil {
			t.Fatal(err)
		}
		b := src.Append(make([]byte, 0, src.Size(rec)), rec)
		if len(b) > src.Size(rec) {
			t.Errorf("Size %d < %d", src.Size(rec), len(b))
		}
		parts = append(parts, b)
	}
	got := event(parts...)
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, got, "", "  "); err != nil {
		t.Fatal(err)
	}
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
	if len(ev.Records) != len(changes) {
		t.Fatalf("%d records, want %d", len(ev.Records), len(changes))
	}
	for i, r := range ev.Records {
		c := changes[i]
		if r.EventName != c.Event || r.EventSource != "aws:dynamodb" || r.EventVersion != "1.1" ||
			r.EventSourceArn != "arn:aws:dynamodb:us-east-1:000000000000:table/visits/stream/2024-03-01T10:20:30.456" ||
			r.Change.SequenceNumber != ddb.SequenceNumber(c.Seq) || r.Change.StreamViewType != store.ViewNewAndOldImages ||
			r.Change.ApproximateCreationDateTime.Unix() != c.Created.Unix() || r.Change.SizeBytes != int64(c.Size) {
			t.Errorf("record %d: %+v", i, r)
		}
		if r.Change.Keys["id"].String() != jsonString(t, c.Keys, "id") {
			t.Errorf("record %d: keys %v", i, r.Change.Keys)
		}
		if (r.Change.NewImage != nil) != (c.New != nil) || (r.Change.OldImage != nil) != (c.Old != nil) {
			t.Errorf("record %d: images new %v old %v", i, r.Change.NewImage, r.Change.OldImage)
		}
		if ttl := r.UserIdentity != nil; ttl != c.Service ||
			ttl && (r.UserIdentity.Type != "Service" || r.UserIdentity.PrincipalID != "dynamodb.amazonaws.com") {
			t.Errorf("record %d: userIdentity %+v", i, r.UserIdentity)
		}
	}
	if r := ev.Records[1]; r.Change.OldImage["n"].Number() != "1" || r.Change.NewImage["n"].Number() != "2" {
		t.Errorf("MODIFY's images: old %v new %v", r.Change.OldImage, r.Change.NewImage)
	}
}

// TestTTLShape: a removal by TTL has the fields of AWS's sample record
// that carries userIdentity, but OldImage for NewImage (a removal's image
// is the old one).
func TestTTLShape(t *testing.T) {
	raw, err := os.ReadFile(corpus)
	if err != nil {
		t.Skip("corpus not present:", err)
	}
	var all struct{ Records []json.RawMessage }
	if err := json.Unmarshal(raw, &all); err != nil {
		t.Fatal(err)
	}
	rec, _ := json.Marshal(ddb.NewStreamRecord(table, changes[3]))
	src := trigger.Source{StreamARN: ddb.StreamARN(table)}
	got := sorted(t, src.Append(nil, rec))
	var want []string
	for _, p := range sorted(t, all.Records[0]) {
		// The sample's images' attributes are its own; ours are the
		// item's.
		if p == "dynamodb.NewImage" {
			want = append(want, "dynamodb.OldImage")
		}
		if !bytes.HasPrefix([]byte(p), []byte("dynamodb.NewImage")) && !bytes.HasPrefix([]byte(p), []byte("dynamodb.Keys.")) {
			want = append(want, p)
		}
	}
	slices.Sort(want)
	var mine []string
	for _, p := range got {
		if !bytes.HasPrefix([]byte(p), []byte("dynamodb.OldImage.")) && !bytes.HasPrefix([]byte(p), []byte("dynamodb.Keys.")) {
			mine = append(mine, p)
		}
	}
	if !slices.Equal(mine, want) {
		t.Errorf("fields\n%v\nwant\n%v", mine, want)
	}
}

func TestAppend(t *testing.T) {
	src := trigger.Source{StreamARN: "arn:\"x\""}
	for _, c := range []struct{ rec, want string }{
		{`{"a":1}`, `{"a":1,"eventSourceARN":"arn:\"x\""}`},
		{`{}`, `{"eventSourceARN":"arn:\"x\""}`},
	} {
		if got := string(src.Append([]byte("pre"), []byte(c.rec))); got != "pre"+c.want {
			t.Errorf("Append(%s) = %s, want pre%s", c.rec, got, c.want)
		}
	}
}

// jsonString is the S value of attribute name of a wire item.
func jsonString(t *testing.T, item []byte, name string) string {
	t.Helper()
	var m map[string]struct{ S string }
	if err := json.Unmarshal(item, &m); err != nil {
		t.Fatal(err)
	}
	return m[name].S
}
