package kafka

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/verge-edge/verge/internal/esm"
)

const topic = "orders"

// cluster starts a kfake cluster with topic of parts partitions.
func cluster(t testing.TB, parts int32, opts ...kfake.Opt) *kfake.Cluster {
	t.Helper()
	c, err := kfake.NewCluster(append([]kfake.Opt{kfake.NumBrokers(1), kfake.SeedTopics(parts, topic)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// produce writes n records to partition i%parts, value "p<i>-<n>" and key
// "k<i>", with a header.
func produce(t testing.TB, addrs []string, parts, from, n int, opts ...kgo.Opt) {
	t.Helper()
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(addrs...), kgo.DefaultProduceTopic(topic),
		kgo.RecordPartitioner(kgo.ManualPartitioner())}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	recs := make([]*kgo.Record, 0, n)
	for i := from; i < from+n; i++ {
		recs = append(recs, &kgo.Record{Partition: int32(i % parts), Key: fmt.Appendf(nil, "k%d", i),
			Value: fmt.Appendf(nil, "%d", i), Headers: []kgo.RecordHeader{{Key: "h", Value: []byte{1, 250}}}})
	}
	if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}

// A sink is a function: it records every event it is given (strictly
// decoded through aws-lambda-go) and answers with fail's verdict.
type sink struct {
	t    testing.TB
	mu   sync.Mutex
	evs  []events.KafkaEvent
	sent [][]byte
	fail func(ev events.KafkaEvent) string // a functionError, "" for success
	got  chan struct{}
}

func newSink(t testing.TB) *sink { return &sink{t: t, got: make(chan struct{}, 1<<16)} }

func (s *sink) invoke(_ context.Context, fn string, payload []byte) (esm.Result, error) {
	d := json.NewDecoder(bytes.NewReader(payload))
	d.DisallowUnknownFields()
	var ev events.KafkaEvent
	if err := d.Decode(&ev); err != nil {
		s.t.Errorf("%v in %s", err, payload)
	}
	s.mu.Lock()
	s.evs = append(s.evs, ev)
	fail := s.fail
	s.mu.Unlock()
	s.got <- struct{}{}
	if fail != nil {
		if fe := fail(ev); fe != "" {
			return esm.Result{Payload: []byte(`{"errorMessage":"no"}`), FunctionError: fe}, nil
		}
	}
	return esm.Result{Payload: []byte("null")}, nil
}

func (s *sink) send(_ context.Context, d esm.Destination, rec []byte) error {
	s.mu.Lock()
	s.sent = append(s.sent, rec)
	s.mu.Unlock()
	return nil
}

func (s *sink) events() []events.KafkaEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]events.KafkaEvent(nil), s.evs...)
}

// values are the record values delivered so far, by partition, in order.
func (s *sink) values() map[int64][]string {
	out := map[int64][]string{}
	for _, ev := range s.events() {
		for _, recs := range ev.Records {
			for _, r := range recs {
				out[r.Partition] = append(out[r.Partition], string(decode64(r.Value)))
			}
		}
	}
	return out
}

func (s *sink) count() int {
	n := 0
	for _, v := range s.values() {
		n += len(v)
	}
	return n
}

func decode64(s string) []byte {
	var b []byte
	json.Unmarshal([]byte(`"`+s+`"`), &b)
	return b
}

// manager starts a Manager on s with a logger writing to log.
func manager(t testing.TB, s *sink, log *bytes.Buffer) *Manager {
	t.Helper()
	o := Options{Invoke: s.invoke, Send: s.send}
	if log != nil {
		o.Logger = slog.New(slog.NewTextHandler(&lockedWriter{b: log}, nil))
	}
	m, err := New(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func closeManager(t testing.TB, m *Manager) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := m.Close(ctx); err != nil {
		t.Error(err)
	}
}

func mapping(c *kfake.Cluster) Mapping {
	return Mapping{UUID: "8f1c7c49-0000-4000-8000-000000000001", Function: "fn",
		FunctionARN: "arn:aws:lambda:us-east-1:000000000000:function:fn",
		Bootstrap:   c.ListenAddrs(), Topic: topic, StartingPosition: esm.TrimHorizon,
		MaximumRetryAttempts: -1, Enabled: true}
}

// eventually waits up to a minute for cond.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

type lockedWriter struct {
	mu sync.Mutex
	b  *bytes.Buffer
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}
