package kafka

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/esm"
)

// TestCommitOnlyAfterSuccess: a function that always fails is retried;
// after a restart the same batch comes again (nothing was committed), and
// once it succeeds a restart delivers nothing more.
func TestCommitOnlyAfterSuccess(t *testing.T) {
	c := cluster(t, 1)
	produce(t, c.ListenAddrs(), 1, 0, 10)
	s := newSink(t)
	s.fail = func(events.KafkaEvent) string { return "Unhandled" }
	m := manager(t, s, nil)
	mp := mapping(c)
	if err := m.Apply([]Mapping{mp}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "two attempts", func() bool { return len(s.events()) >= 2 })
	if st := m.States()[mp.UUID]; st.LastProcessingResult != ResultFailed {
		t.Errorf("state %+v", st)
	}
	closeManager(t, m)

	s2 := newSink(t)
	m2 := manager(t, s2, nil)
	if err := m2.Apply([]Mapping{mp}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the batch again", func() bool { return s2.count() >= 10 })
	if v := s2.values()[0]; v[0] != "0" || v[9] != "9" {
		t.Errorf("after a restart %v", v)
	}
	closeManager(t, m2)

	produce(t, c.ListenAddrs(), 1, 10, 1)
	s3 := newSink(t)
	m3 := manager(t, s3, nil)
	defer closeManager(t, m3)
	if err := m3.Apply([]Mapping{mp}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the new record", func() bool { return s3.count() >= 1 })
	if v := s3.values()[0]; len(v) != 1 || v[0] != "10" {
		t.Errorf("after a success and a restart %v", v)
	}
}

// TestBisectAndGiveUp: with bisection and 1 retry, a batch of 8 with one
// poison record is split down to it; the poison record's failure record
// goes to OnFailure with AWS's fields and every other record succeeds.
func TestBisectAndGiveUp(t *testing.T) {
	c := cluster(t, 1)
	produce(t, c.ListenAddrs(), 1, 0, 8)
	s := newSink(t)
	s.fail = func(ev events.KafkaEvent) string {
		for _, r := range ev.Records[topic+"-0"] {
			if string(decode64(r.Value)) == "5" {
				return "Unhandled"
			}
		}
		return ""
	}
	m := manager(t, s, nil)
	defer closeManager(t, m)
	mp := mapping(c)
	mp.BisectBatchOnFunctionError = true
	mp.MaximumRetryAttempts = 1
	mp.OnFailure = &esm.Destination{Kind: "sqs", Name: "dlq"}
	if err := m.Apply([]Mapping{mp}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "a failure record", func() bool { s.mu.Lock(); defer s.mu.Unlock(); return len(s.sent) == 1 })
	ok := map[string]bool{}
	for _, ev := range s.events() {
		recs := ev.Records[topic+"-0"]
		if s.fail(ev) == "" {
			for _, r := range recs {
				ok[string(decode64(r.Value))] = true
			}
		}
	}
	for i := range 8 {
		if want := i != 5; ok[strconv.Itoa(i)] != want {
			t.Errorf("record %d succeeded %v", i, ok[strconv.Itoa(i)])
		}
	}
	// 8 → 4 → 2 → 1 (halves do not count), then 1 retry of the one.
	d := json.NewDecoder(bytes.NewReader(s.sent[0]))
	d.DisallowUnknownFields()
	var f failureRecord
	if err := d.Decode(&f); err != nil {
		t.Fatal(err)
	}
	info := f.KafkaBatchInfo.RecordsInfo[topic+"-0"]
	if f.RequestContext.Condition != "RetryAttemptsExhausted" || f.RequestContext.FunctionARN != mp.FunctionARN ||
		f.RequestContext.ApproximateInvokeCount != 5 || f.ResponseContext.FunctionError == nil ||
		*f.ResponseContext.FunctionError != "Unhandled" || f.Version != "1.0" || f.KafkaBatchInfo.BatchSize != 1 ||
		f.KafkaBatchInfo.BootstrapServers != c.ListenAddrs()[0] || f.KafkaBatchInfo.PayloadSize < 100 ||
		info.FirstRecordOffset != "5" || info.LastRecordOffset != "5" {
		t.Errorf("failure record %s", s.sent[0])
	}
	if _, err := time.Parse(layoutMillis, info.FirstRecordTimestamp); err != nil {
		t.Error(err)
	}
	// The partition moved past the poison record: a new one is delivered.
	produce(t, c.ListenAddrs(), 1, 8, 1)
	eventually(t, "the next record", func() bool { return ok["8"] || s.values()[0][len(s.values()[0])-1] == "8" })
}

// FuzzFailureRecord: any batch's failure record is JSON with its fields.
func FuzzFailureRecord(f *testing.F) {
	f.Add("orders-0", int64(5), int64(9), int64(1595035749700), "Unhandled", "b:9092", 3)
	f.Fuzz(func(t *testing.T, key string, first, last, ms int64, fe, bootstrap string, n int) {
		fr := failure{requestID: "r", functionARN: "arn", condition: conditionRetries, invokes: n, lastError: fe,
			at: time.UnixMilli(ms), bootstrap: bootstrap, size: n, key: key,
			first: position{first, time.UnixMilli(ms)}, last: position{last, time.UnixMilli(ms)}}
		var got failureRecord
		d := json.NewDecoder(bytes.NewReader(fr.marshal()))
		d.DisallowUnknownFields()
		if err := d.Decode(&got); err != nil {
			t.Fatal(err)
		}
		if len(got.KafkaBatchInfo.RecordsInfo) != 1 || got.KafkaBatchInfo.BatchSize != n ||
			(fe == "") != (got.ResponseContext.FunctionError == nil) {
			t.Errorf("%+v", got)
		}
		for _, info := range got.KafkaBatchInfo.RecordsInfo {
			if info.FirstRecordOffset != strconv.FormatInt(first, 10) || info.LastRecordOffset != strconv.FormatInt(last, 10) {
				t.Errorf("%+v", info)
			}
		}
	})
}

// TestThrottled: errs.Throttled is retried without counting an attempt:
// with no retries allowed, a batch throttled twice still succeeds and no
// failure record is sent.
func TestThrottled(t *testing.T) {
	c := cluster(t, 1)
	produce(t, c.ListenAddrs(), 1, 0, 3)
	s := newSink(t)
	var calls atomic.Int32
	m, err := New(context.Background(), Options{Send: s.send,
		Invoke: func(ctx context.Context, fn string, payload []byte) (esm.Result, error) {
			if calls.Add(1) <= 2 {
				return esm.Result{}, errs.E(errs.Throttled, errs.Errorf("busy"))
			}
			return s.invoke(ctx, fn, payload)
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer closeManager(t, m)
	mp := mapping(c)
	mp.MaximumRetryAttempts = 0
	mp.OnFailure = &esm.Destination{Kind: "sqs", Name: "dlq"}
	if err := m.Apply([]Mapping{mp}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the batch", func() bool { return s.count() >= 3 })
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.sent) != 0 || calls.Load() != 3 {
		t.Errorf("%d failure records, %d calls", len(s.sent), calls.Load())
	}
}
