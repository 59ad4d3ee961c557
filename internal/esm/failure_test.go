package esm

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/verge-edge/verge/internal/errs"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// failing is a function that fails every batch holding one of poison's
// data, and the first fails batches whatever they hold.
func failing(first int, poison ...string) func(ctx context.Context, ev *event) (Result, error) {
	var mu sync.Mutex
	n := 0
	return func(ctx context.Context, ev *event) (Result, error) {
		mu.Lock()
		n++
		k := n
		mu.Unlock()
		if k <= first {
			return Result{FunctionError: "Unhandled", Payload: []byte(`{"errorMessage":"boom"}`)}, nil
		}
		for _, d := range ev.data() {
			if slices.Contains(poison, d) {
				return Result{FunctionError: "Handled", Payload: []byte(`{"errorMessage":"poison"}`)}, nil
			}
		}
		return Result{}, nil
	}
}

func TestRetryUntilSuccess(t *testing.T) {
	h := newHarness(t, newSource("shardId-000000000000"), failing(2))
	h.fill("shardId-000000000000", "k", "r", 3)
	h.apply(h.mapping(func(mp *Mapping) { mp.BatchSize = 2 }))
	calls := h.waitFor("4 calls", func(calls []call, _ [][]byte) bool { return len(calls) >= 4 })
	want := [][]string{{"r000", "r001"}, {"r000", "r001"}, {"r000", "r001"}, {"r002"}}
	if got := batches(calls); !cmp.Equal(got, want) {
		t.Errorf("batches %v, want %v", got, want)
	}
	if d := calls[2].at.Sub(calls[0].at); d < retryFirst*3-10*time.Millisecond {
		t.Errorf("two retries after %v, want backoff of %v then %v", d, retryFirst, 2*retryFirst)
	}
	_, sent := h.snapshot()
	if len(sent) != 0 {
		t.Errorf("failure records sent for a batch that succeeded: %s", sent)
	}
	if s := h.m.States()[h.mapping(nil).UUID]; s.LastProcessingResult != ResultOK || s.State != StateEnabled {
		t.Errorf("state %+v", s)
	}
}

// decoded is a failure record as the tests read it.
type decoded struct {
	RequestContext struct {
		RequestID              string
		FunctionARN            string `json:"functionArn"`
		Condition              string
		ApproximateInvokeCount int
	}
	ResponseContext *struct {
		StatusCode      int
		ExecutedVersion string
		FunctionError   *string
	}
	Version, Timestamp string
	Info               *struct {
		ShardID                         string `json:"shardId"`
		StartSequenceNumber             string
		EndSequenceNumber               string
		ApproximateArrivalOfFirstRecord string
		ApproximateArrivalOfLastRecord  string
		BatchSize                       int
		StreamARN                       string `json:"streamArn"`
	} `json:"KinesisBatchInfo"`
}

func decode(t *testing.T, b []byte) decoded {
	t.Helper()
	var d decoded
	dec := json.NewDecoder(bytesReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("failure record %s: %v", b, err)
	}
	return d
}

func TestRetriesExhausted(t *testing.T) {
	h := newHarness(t, newSource("shardId-000000000000"), failing(0, "r001"))
	recs := h.fill("shardId-000000000000", "k", "r", 3)
	h.apply(h.mapping(func(mp *Mapping) { mp.BatchSize = 2; mp.MaximumRetryAttempts = 2 }))
	calls := h.waitFor("the next batch", func(calls []call, sent [][]byte) bool { return len(calls) >= 4 && len(sent) == 1 })
	want := [][]string{{"r000", "r001"}, {"r000", "r001"}, {"r000", "r001"}, {"r002"}}
	if got := batches(calls); !cmp.Equal(got, want) {
		t.Errorf("batches %v, want %v", got, want)
	}
	_, sent := h.snapshot()
	d := decode(t, sent[0])
	if d.RequestContext.Condition != conditionRetries || d.RequestContext.ApproximateInvokeCount != 3 ||
		d.RequestContext.FunctionARN != h.mapping(nil).FunctionARN || len(d.RequestContext.RequestID) != 36 {
		t.Errorf("requestContext %+v", d.RequestContext)
	}
	if rc := d.ResponseContext; rc == nil || rc.StatusCode != 200 || rc.ExecutedVersion != "$LATEST" || rc.FunctionError == nil || *rc.FunctionError != "Handled" {
		t.Errorf("responseContext %+v", rc)
	}
	if i := d.Info; i == nil || i.ShardID != "shardId-000000000000" || i.StartSequenceNumber != recs[0].Seq ||
		i.EndSequenceNumber != recs[1].Seq || i.BatchSize != 2 || i.StreamARN != h.src.arn ||
		i.ApproximateArrivalOfFirstRecord != recs[0].Arrival.UTC().Format(layoutMillis) {
		t.Errorf("KinesisBatchInfo %+v", i)
	}
	if _, err := time.Parse(time.RFC3339, d.Timestamp); err != nil || d.Version != "1.0" {
		t.Errorf("version %q timestamp %q", d.Version, d.Timestamp)
	}
	if s := h.m.States()[h.mapping(nil).UUID]; s.LastProcessingResult != ResultOK {
		t.Errorf("after the next batch succeeded, LastProcessingResult is %q", s.LastProcessingResult)
	}
}

func TestRecordAge(t *testing.T) {
	h := newHarness(t, newSource("shardId-000000000000"), nil)
	old := time.Now().Add(-2 * time.Minute)
	h.src.putAt("shardId-000000000000", "k", "old0", old)
	h.src.putAt("shardId-000000000000", "k", "old1", old.Add(time.Second))
	h.src.put("shardId-000000000000", "k", "new")
	h.apply(h.mapping(func(mp *Mapping) { mp.MaximumRecordAge = time.Minute }))
	calls := h.waitFor("the new record", func(calls []call, sent [][]byte) bool { return len(calls) >= 1 && len(sent) == 1 })
	if got, want := batches(calls), [][]string{{"new"}}; !cmp.Equal(got, want) {
		t.Errorf("batches %v, want %v", got, want)
	}
	_, sent := h.snapshot()
	d := decode(t, sent[0])
	if d.RequestContext.Condition != conditionAge || d.RequestContext.ApproximateInvokeCount != 0 || d.ResponseContext != nil || d.Info.BatchSize != 2 {
		t.Errorf("failure record %s", sent[0])
	}
}

// TestRecordAgeWhileRetrying checks that a failing batch is given up when
// its records pass MaximumRecordAge, with the invocations made.
func TestRecordAgeWhileRetrying(t *testing.T) {
	h := newHarness(t, newSource("shardId-000000000000"), failing(0, "r"))
	h.src.putAt("shardId-000000000000", "k", "r", time.Now().Add(-time.Minute+300*time.Millisecond))
	h.apply(h.mapping(func(mp *Mapping) { mp.MaximumRecordAge = time.Minute }))
	h.waitFor("the failure record", func(_ []call, sent [][]byte) bool { return len(sent) == 1 })
	calls, sent := h.snapshot()
	d := decode(t, sent[0])
	if d.RequestContext.Condition != conditionAge || d.RequestContext.ApproximateInvokeCount != len(calls) || len(calls) < 2 || d.ResponseContext == nil {
		t.Errorf("%d calls, failure record %s", len(calls), sent[0])
	}
}

// TestBisect checks that a poison record is isolated by halving the
// failed batch, the halves retried without counting toward the retries.
func TestBisect(t *testing.T) {
	h := newHarness(t, newSource("shardId-000000000000"), failing(0, "r005"))
	recs := h.fill("shardId-000000000000", "k", "r", 8)
	h.apply(h.mapping(func(mp *Mapping) { mp.BatchSize = 8; mp.MaximumRetryAttempts = 1; mp.BisectBatchOnFunctionError = true }))
	calls := h.waitFor("r006 and r007", func(calls []call, sent [][]byte) bool {
		return len(sent) == 1 && len(calls) > 0 && slices.Contains(calls[len(calls)-1].ev.data(), "r007")
	})
	want := [][]string{
		{"r000", "r001", "r002", "r003", "r004", "r005", "r006", "r007"},
		{"r000", "r001", "r002", "r003"},
		{"r004", "r005", "r006", "r007"},
		{"r004", "r005"},
		{"r004"},
		{"r005"},
		{"r005"}, // the one retry
		{"r006", "r007"},
	}
	if got := batches(calls); !cmp.Equal(got, want) {
		t.Errorf("batches\n%v\nwant\n%v", got, want)
	}
	_, sent := h.snapshot()
	d := decode(t, sent[0])
	if d.Info.BatchSize != 1 || d.Info.StartSequenceNumber != recs[5].Seq || d.RequestContext.ApproximateInvokeCount != 5 {
		t.Errorf("failure record %s", sent[0])
	}
}

func TestThrottledNotCounted(t *testing.T) {
	var mu sync.Mutex
	n := 0
	fn := func(ctx context.Context, ev *event) (Result, error) {
		mu.Lock()
		defer mu.Unlock()
		if n++; n <= 3 {
			return Result{}, errs.E(errs.Op("test"), errs.Throttled, errors.New("Rate Exceeded"))
		}
		return Result{}, nil
	}
	h := newHarness(t, newSource("shardId-000000000000"), fn)
	h.fill("shardId-000000000000", "k", "r", 2)
	h.apply(h.mapping(func(mp *Mapping) { mp.MaximumRetryAttempts = 0 }))
	h.waitFor("success", func(calls []call, _ [][]byte) bool { return len(calls) >= 4 })
	time.Sleep(50 * time.Millisecond)
	calls, sent := h.snapshot()
	if len(calls) != 4 || len(sent) != 0 {
		t.Errorf("%d calls, %d failure records: throttling counted as attempts", len(calls), len(sent))
	}
}

func TestInvokeErrorCounts(t *testing.T) {
	fn := func(ctx context.Context, ev *event) (Result, error) {
		return Result{}, errors.New("connection reset")
	}
	h := newHarness(t, newSource("shardId-000000000000"), fn)
	h.fill("shardId-000000000000", "k", "r", 1)
	h.apply(h.mapping(func(mp *Mapping) { mp.MaximumRetryAttempts = 1 }))
	h.waitFor("the failure record", func(_ []call, sent [][]byte) bool { return len(sent) == 1 })
	calls, sent := h.snapshot()
	d := decode(t, sent[0])
	if len(calls) != 2 || d.RequestContext.ApproximateInvokeCount != 2 || *d.ResponseContext.FunctionError != "Unhandled" {
		t.Errorf("%d calls, failure record %s", len(calls), sent[0])
	}
	if s := h.m.States()[h.mapping(nil).UUID]; s.LastProcessingResult != ResultFailed {
		t.Errorf("LastProcessingResult %q", s.LastProcessingResult)
	}
}

// TestFailureRecordGolden pins the failure record's exact bytes for each
// kind of source and condition.
func TestFailureRecordGolden(t *testing.T) {
	at := time.Date(2019, 11, 14, 0, 38, 6, 21e6, time.UTC)
	recs := []Record{
		{Seq: "49601189658422359378836298521827638475320189012309704722", Arrival: time.Date(2019, 11, 14, 0, 38, 4, 835e6, time.UTC)},
		{Seq: "49601189658422359378836298522902373528957594348623495186", Arrival: time.Date(2019, 11, 14, 0, 38, 5, 580e6, time.UTC)},
	}
	kinesis := &memSource{arn: "arn:aws:kinesis:us-east-2:123456789012:stream/mystream", info: "KinesisBatchInfo"}
	ddb := &memSource{arn: "arn:aws:dynamodb:us-east-2:123456789012:table/mytable/stream/2019-11-14T00:04:06.388", info: "DDBStreamBatchInfo"}
	tests := []struct {
		name string
		g    giveUp
	}{
		{"kinesis-retries", giveUp{condition: conditionRetries, invokes: 1, lastError: "Unhandled", invoked: true, shard: "shardId-000000000001", source: kinesis, records: recs}},
		{"kinesis-age", giveUp{condition: conditionAge, shard: "shardId-000000000001", source: kinesis, records: recs[:1]}},
		{"kinesis-bad-response", giveUp{condition: conditionRetries, invokes: 3, invoked: true, shard: "shardId-000000000001", source: kinesis, records: recs}},
		{"ddb-retries", giveUp{condition: conditionRetries, invokes: 1, lastError: "Unhandled", invoked: true, shard: "shardId-00000001573689847184-864758bb", source: ddb, records: recs[:1]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := tt.g
			g.requestID = "c9b8fa9f-5a7f-4a2b-af9c-0c604cde93a5"
			g.functionARN = "arn:aws:lambda:us-east-2:123456789012:function:myfunction"
			g.at = at
			got, err := g.marshal()
			if err != nil {
				t.Fatal(err)
			}
			if !json.Valid(got) {
				t.Fatalf("not JSON: %s", got)
			}
			path := filepath.Join("testdata", "failure-"+tt.name+".json")
			if *update {
				if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(want) != string(got)+"\n" {
				t.Errorf("failure record\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// TestFailureRecordOfSource checks that the failure record names the
// batch's details as the source says (a DynamoDB stream's here).
func TestFailureRecordOfSource(t *testing.T) {
	src := newSource("shardId-00000001573689847184-864758bb")
	src.arn, src.info = "arn:aws:dynamodb:us-east-2:123456789012:table/t/stream/2019-11-14T00:04:06.388", "DDBStreamBatchInfo"
	h := newHarness(t, src, failing(0, "r000"))
	rec := h.src.putAt("shardId-00000001573689847184-864758bb", "k", "r000", time.Date(2026, 12, 7, 0, 13, 19, 500e6, time.UTC))
	h.apply(h.mapping(func(mp *Mapping) { mp.MaximumRetryAttempts = 0 }))
	h.waitFor("the failure record", func(_ []call, sent [][]byte) bool { return len(sent) == 1 })
	_, sent := h.snapshot()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(sent[0], &m); err != nil {
		t.Fatal(err)
	}
	var info map[string]any
	err := json.Unmarshal(m["DDBStreamBatchInfo"], &info)
	if err != nil || m["KinesisBatchInfo"] != nil {
		t.Fatalf("failure record %s", sent[0])
	}
	if info["approximateArrivalOfFirstRecord"] != "2026-12-07T00:13:19Z" || info["startSequenceNumber"] != rec.Seq || info["streamArn"] != src.arn {
		t.Errorf("DDBStreamBatchInfo %v", info)
	}
}
