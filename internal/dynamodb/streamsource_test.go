package dynamodb_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/broker"
	"github.com/verge-edge/verge/internal/dynamodb"
	"github.com/verge-edge/verge/internal/dynamodb/store"
	"github.com/verge-edge/verge/internal/esm"
)

// A sourceEnv is a store and a service on a real broker, with a clock the
// test moves.
type sourceEnv struct {
	b   *broker.Broker
	st  *store.Store
	svc *dynamodb.Service

	mu  sync.Mutex
	now time.Time
}

func (e *sourceEnv) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

func (e *sourceEnv) advance(d time.Duration) {
	e.mu.Lock()
	e.now = e.now.Add(d)
	e.mu.Unlock()
}

func newSourceEnv(t *testing.T, ttl time.Duration) *sourceEnv {
	t.Helper()
	ctx := context.Background()
	b, err := broker.Open(ctx, broker.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	e := &sourceEnv{b: b, now: time.Now().Truncate(time.Millisecond)}
	e.st, err = store.Open(ctx, store.Options{JetStream: b.JetStream(), Now: e.clock, Size: dynamodb.ItemSize,
		TTLInterval: ttl, CompactInterval: -1, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Close()
		t.Fatal(err)
	}
	e.svc = dynamodb.New(dynamodb.Options{Store: e.st, Now: e.clock})
	t.Cleanup(func() {
		e.st.Close()
		b.Close()
	})
	return e
}

// visits creates the table visits with a stream of both images.
func (e *sourceEnv) visits(t *testing.T, ttlAttr string) store.Table {
	t.Helper()
	tb, err := e.st.CreateTable(context.Background(), store.TableConfig{Name: "visits",
		Key:        store.KeySchema{Partition: store.Attr{Name: "id", Type: store.TypeS}},
		StreamView: store.ViewNewAndOldImages, TTLAttribute: ttlAttr, StreamLabel: arn.TableStreamLabel("visits")})
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

func (e *sourceEnv) put(t *testing.T, item string) {
	t.Helper()
	if _, err := e.st.Put(context.Background(), "visits", []byte(item), nil); err != nil {
		t.Fatal(err)
	}
}

func (e *sourceEnv) source(t *testing.T) (esm.Source, string) {
	t.Helper()
	src, err := e.svc.StreamSource("visits")
	if err != nil {
		t.Fatal(err)
	}
	shards, err := src.Shards(context.Background())
	if err != nil || len(shards) != 1 {
		t.Fatalf("shards %v, %v", shards, err)
	}
	return src, shards[0].ID
}

// eventRecord decodes an esm record's event strictly into aws-lambda-go's
// type.
func eventRecord(t *testing.T, r esm.Record) events.DynamoDBEventRecord {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(r.Event))
	d.DisallowUnknownFields()
	var ev events.DynamoDBEventRecord
	if err := d.Decode(&ev); err != nil {
		t.Fatalf("%v in %s", err, r.Event)
	}
	return ev
}

// changes lists records as "EVENT id n" (n the new image's, else the
// old's, "-" for none).
func changes(t *testing.T, recs []esm.Record) []string {
	var out []string
	for _, r := range recs {
		ev := eventRecord(t, r)
		img := ev.Change.NewImage
		if img == nil {
			img = ev.Change.OldImage
		}
		n := "-"
		if v, ok := img["n"]; ok {
			n = v.Number()
		}
		out = append(out, ev.EventName+" "+ev.Change.Keys["id"].String()+" "+n)
	}
	return out
}

// TestStreamSourceReads reads a table's stream from each kind of
// position: the records are the writes after it, in order, as Lambda's
// event records of the stream's ARN, each esm record naming its sequence
// number, arrival and item.
func TestStreamSourceReads(t *testing.T) {
	e := newSourceEnv(t, -1)
	tb := e.visits(t, "")
	ctx := context.Background()
	src, shard := e.source(t)
	if !regexp.MustCompile(`^shardId-\d{20}-[0-9a-f]{8}$`).MatchString(shard) {
		t.Errorf("shard ID %q is not in AWS's form", shard)
	}
	if src.ARN() != arn.TableStream("visits") || src.ARN() != dynamodb.StreamARN(tb) || src.BatchInfo() != "DDBStreamBatchInfo" {
		t.Errorf("ARN %s, BatchInfo %s", src.ARN(), src.BatchInfo())
	}
	before, err := src.Tip(ctx, shard)
	if err != nil {
		t.Fatal(err)
	}
	// AT_TIMESTAMP reads the log's own times, which the clock does not
	// move.
	start, logStart := e.clock(), time.Now()
	e.put(t, `{"id":{"S":"a"},"n":{"N":"1"}}`)
	logMid := time.Now()
	e.advance(10 * time.Minute)
	e.put(t, `{"id":{"S":"a"},"n":{"N":"2"}}`)
	e.put(t, `{"id":{"S":"a"},"n":{"N":"2"}}`) // changes nothing: no record
	e.put(t, `{"id":{"S":"b"},"n":{"N":"7"}}`)
	e.advance(10 * time.Minute)
	if _, err := e.st.Delete(ctx, "visits", []byte(`{"id":{"S":"a"}}`), nil); err != nil {
		t.Fatal(err)
	}
	all, err := src.Read(ctx, shard, esm.Position{Start: esm.TrimHorizon}, 100, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Records) != 4 {
		t.Fatalf("%d records from the trim horizon: %v", len(all.Records), changes(t, all.Records))
	}
	latest, err := src.Tip(ctx, shard)
	if err != nil {
		t.Fatal(err)
	}
	everything := []string{"INSERT a 1", "MODIFY a 2", "INSERT b 7", "REMOVE a 2"}
	for _, c := range []struct {
		name string
		pos  esm.Position
		want []string
	}{
		{"trim horizon", esm.Position{Start: esm.TrimHorizon}, everything},
		{"tip before the writes", before, everything},
		{"after the first", esm.Position{After: all.Records[0].Seq}, everything[1:]},
		{"after the third", esm.Position{After: all.Records[2].Seq}, everything[3:]},
		{"at a time between", esm.Position{Start: esm.AtTimestamp, Timestamp: logMid}, everything[1:]},
		{"at the first's time", esm.Position{Start: esm.AtTimestamp, Timestamp: logStart}, everything},
		{"latest", esm.Position{Start: esm.Latest}, nil},
		{"tip after the writes", latest, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			rd, err := src.Read(ctx, shard, c.pos, 100, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			if got := changes(t, rd.Records); !equal(got, c.want) {
				t.Errorf("read %v, want %v", got, c.want)
			}
			if rd.End {
				t.Error("a table's shard ended")
			}
		})
	}

	for i, r := range all.Records {
		ev := eventRecord(t, r)
		if ev.EventSourceArn != src.ARN() || ev.Change.SequenceNumber != r.Seq || ev.Change.StreamViewType != store.ViewNewAndOldImages ||
			ev.Change.ApproximateCreationDateTime.Unix() != r.Arrival.Unix() || ev.UserIdentity != nil {
			t.Errorf("record %d: %+v of %+v", i, ev, r)
		}
		if r.Key != `{"id":{"S":"`+ev.Change.Keys["id"].String()+`"}}` {
			t.Errorf("record %d: key %s", i, r.Key)
		}
	}
	if m := eventRecord(t, all.Records[1]); m.Change.OldImage["n"].Number() != "1" || m.Change.NewImage["n"].Number() != "2" {
		t.Errorf("MODIFY: %+v", m.Change)
	}
	if !all.Records[0].Arrival.Equal(start) || !all.Records[3].Arrival.Equal(start.Add(20*time.Minute)) {
		t.Errorf("arrivals %v, %v; want %v, +20m", all.Records[0].Arrival, all.Records[3].Arrival, start)
	}

	// A read's events stop at maxBytes, but hold one record at least.
	for _, c := range []struct{ maxBytes, want int }{
		{1, 1},
		{len(all.Records[0].Event) + len(all.Records[1].Event), 2},
		{len(all.Records[0].Event) + len(all.Records[1].Event) - 1, 1},
	} {
		rd, err := src.Read(ctx, shard, esm.Position{Start: esm.TrimHorizon}, 100, c.maxBytes, 0)
		if err != nil || len(rd.Records) != c.want {
			t.Errorf("maxBytes %d: %d records, want %d (%v)", c.maxBytes, len(rd.Records), c.want, err)
		}
	}
	if _, err := src.Read(ctx, shard, esm.Position{After: "x1"}, 100, 0, 0); err == nil {
		t.Error("read after a bad sequence number")
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestStreamSourceWaits: a read at the tip waits for the next write, and
// a removal by TTL is the service's (userIdentity).
func TestStreamSourceWaits(t *testing.T) {
	e := newSourceEnv(t, 10*time.Millisecond)
	e.visits(t, "expires")
	src, shard := e.source(t)
	ctx := context.Background()
	tip, err := src.Tip(ctx, shard)
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		rd  esm.Read
		err error
	}
	done := make(chan result)
	go func() {
		rd, err := src.Read(ctx, shard, tip, 10, 0, time.Hour)
		done <- result{rd, err}
	}()
	past := strconv.FormatInt(e.clock().Add(-time.Minute).Unix(), 10)
	e.put(t, `{"id":{"S":"gone"},"expires":{"N":"`+past+`"}}`)
	r := <-done
	if r.err != nil || len(r.rd.Records) == 0 {
		t.Fatalf("waiting read: %+v, %v", r.rd, r.err)
	}
	if got := changes(t, r.rd.Records[:1]); got[0] != "INSERT gone -" {
		t.Errorf("first record %v", got)
	}
	// The sweeper removes the item: a REMOVE by the service.
	after := esm.Position{After: r.rd.Records[0].Seq}
	rd, err := src.Read(ctx, shard, after, 10, 0, time.Hour)
	if err != nil || len(rd.Records) != 1 {
		t.Fatalf("TTL removal: %+v, %v", rd, err)
	}
	ev := eventRecord(t, rd.Records[0])
	if ev.EventName != "REMOVE" || ev.UserIdentity == nil || ev.UserIdentity.Type != "Service" ||
		ev.UserIdentity.PrincipalID != "dynamodb.amazonaws.com" || ev.Change.OldImage["expires"].Number() != past {
		t.Errorf("TTL removal %+v", ev)
	}
}

// TestStreamSourceRecreated: a table deleted and created again under its
// name has a new shard; the old one has ended, and a table without a
// stream is no source.
func TestStreamSourceRecreated(t *testing.T) {
	e := newSourceEnv(t, -1)
	e.visits(t, "")
	src, old := e.source(t)
	ctx := context.Background()
	e.put(t, `{"id":{"S":"a"}}`)
	if _, err := e.st.DeleteTable(ctx, "visits"); err != nil {
		t.Fatal(err)
	}
	if _, err := src.Shards(ctx); err == nil {
		t.Error("shards of a deleted table")
	}
	e.visits(t, "")
	shards, err := src.Shards(ctx)
	if err != nil || len(shards) != 1 || shards[0].ID == old {
		t.Fatalf("shards after the table came back: %v, %v (old %s)", shards, err, old)
	}
	rd, err := src.Read(ctx, old, esm.Position{Start: esm.TrimHorizon}, 10, 0, time.Hour)
	if err != nil || !rd.End || len(rd.Records) != 0 {
		t.Errorf("old shard: %+v, %v", rd, err)
	}
	if _, err := src.Tip(ctx, old); err == nil {
		t.Error("the tip of the old shard")
	}
	e.put(t, `{"id":{"S":"b"}}`)
	rd, err = src.Read(ctx, shards[0].ID, esm.Position{Start: esm.TrimHorizon}, 10, 0, 0)
	if err != nil || !equal(changes(t, rd.Records), []string{"INSERT b -"}) {
		t.Errorf("new shard: %v, %v", changes(t, rd.Records), err)
	}

	if _, err := e.st.CreateTable(ctx, store.TableConfig{Name: "plain", Key: store.KeySchema{Partition: store.Attr{Name: "id", Type: store.TypeS}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.StreamSource("plain"); err == nil {
		t.Error("a source of a table without a stream")
	}
	if _, err := e.svc.StreamSource("absent"); err == nil {
		t.Error("a source of an absent table")
	}
}

// TestStreamSourceFailure runs the stream event source mapping over a
// table's stream with a function that always fails: it sees Lambda's
// event, and the batch given up on is reported with DDBStreamBatchInfo.
func TestStreamSourceFailure(t *testing.T) {
	e := newSourceEnv(t, -1)
	e.visits(t, "")
	src, shard := e.source(t)
	ctx := context.Background()
	e.put(t, `{"id":{"S":"a"},"n":{"N":"1"}}`)
	e.put(t, `{"id":{"S":"b"},"n":{"N":"2"}}`)
	payloads := make(chan []byte, 10)
	sent := make(chan []byte, 1)
	m, err := esm.New(ctx, esm.Options{JetStream: e.b.JetStream(), Logger: slog.New(slog.DiscardHandler),
		Invoke: func(ctx context.Context, fn string, payload []byte) (esm.Result, error) {
			payloads <- payload
			return esm.Result{Payload: []byte(`{"errorMessage":"no"}`), FunctionError: "Unhandled"}, nil
		},
		Send: func(ctx context.Context, d esm.Destination, record []byte) error {
			if d.Kind != "sqs" || d.Name != "failures" {
				return errors.New("wrong destination")
			}
			sent <- record
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close(context.Background()) })
	err = m.Apply([]esm.Mapping{{UUID: "u", Function: "f", FunctionARN: arn.Function("f", ""), Source: src, BatchSize: 10,
		StartingPosition: esm.TrimHorizon, MaximumRetryAttempts: 0, OnFailure: &esm.Destination{Kind: "sqs", Name: "failures"}, Enabled: true}})
	if err != nil {
		t.Fatal(err)
	}
	d := json.NewDecoder(bytes.NewReader(<-payloads))
	d.DisallowUnknownFields()
	var ev events.DynamoDBEvent
	if err := d.Decode(&ev); err != nil || len(ev.Records) != 2 || ev.Records[0].EventSourceArn != src.ARN() {
		t.Fatalf("event %+v, %v", ev, err)
	}
	var failure struct {
		RequestContext struct {
			Condition string `json:"condition"`
		} `json:"requestContext"`
		Info struct {
			ShardID                         string `json:"shardId"`
			StartSequenceNumber             string `json:"startSequenceNumber"`
			EndSequenceNumber               string `json:"endSequenceNumber"`
			ApproximateArrivalOfFirstRecord string `json:"approximateArrivalOfFirstRecord"`
			ApproximateArrivalOfLastRecord  string `json:"approximateArrivalOfLastRecord"`
			BatchSize                       int    `json:"batchSize"`
			StreamArn                       string `json:"streamArn"`
		} `json:"DDBStreamBatchInfo"`
	}
	if err := json.Unmarshal(<-sent, &failure); err != nil {
		t.Fatal(err)
	}
	f := failure.Info
	arrival := e.clock().UTC().Format("2006-01-02T15:04:05Z")
	if failure.RequestContext.Condition != "RetryAttemptsExhausted" || f.ShardID != shard || f.BatchSize != 2 ||
		f.StartSequenceNumber != ev.Records[0].Change.SequenceNumber || f.EndSequenceNumber != ev.Records[1].Change.SequenceNumber ||
		f.ApproximateArrivalOfFirstRecord != arrival || f.ApproximateArrivalOfLastRecord != arrival || f.StreamArn != src.ARN() {
		t.Errorf("failure record %+v", failure)
	}
}

// TestStreamSourceSkipsTrimmed: a mapping behind records past the 24
// hours kept reads on from the oldest kept (Lambda's poller skips them
// too), rather than stopping at them.
func TestStreamSourceSkipsTrimmed(t *testing.T) {
	e := newSourceEnv(t, -1)
	e.visits(t, "")
	src, shard := e.source(t)
	ctx := context.Background()
	e.put(t, `{"id":{"S":"a"},"n":{"N":"1"}}`)
	tip, err := src.Read(ctx, shard, esm.Position{Start: esm.TrimHorizon}, 10, 0, 0)
	if err != nil || len(tip.Records) != 1 {
		t.Fatalf("first read %+v, %v", tip, err)
	}
	e.put(t, `{"id":{"S":"b"},"n":{"N":"2"}}`)
	e.advance(time.Hour)
	e.put(t, `{"id":{"S":"c"},"n":{"N":"3"}}`)
	e.advance(24*time.Hour - 30*time.Minute) // b is past retention, c is not
	rd, err := src.Read(ctx, shard, esm.Position{After: tip.Records[0].Seq}, 1, 0, 0)
	if err != nil || !equal(changes(t, rd.Records), []string{"INSERT c 3"}) {
		t.Fatalf("read after a %v, %v", changes(t, rd.Records), err)
	}
}
