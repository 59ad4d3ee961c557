package sqs_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/broker"
	"github.com/verge-edge/verge/internal/sqs"
	trig "github.com/verge-edge/verge/internal/triggers/sqs"
)

// BenchmarkDrain drains a backlog of 10,000 messages from the real queue
// service (embedded JetStream) through a mapping whose function returns at
// once: the mapping's and the queue's own cost per message.
//
//	go test -run '^$' -bench Drain ./internal/triggers/sqs/
func BenchmarkDrain(b *testing.B) {
	for b.Loop() {
		drainOnce(b)
	}
}

func drainOnce(t testing.TB) {
	ctx := context.Background()
	b, err := broker.Open(ctx, broker.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	qs, err := sqs.New(ctx, sqs.Options{JetStream: b.JetStream()})
	if err != nil {
		t.Fatal(err)
	}
	defer qs.Close()
	if err := qs.CreateQueue(ctx, "q", nil, nil); err != nil {
		t.Fatal(err)
	}
	const n = 10000
	for i := 0; i < n; i += 10 {
		in := make([]sqs.SendInput, 10)
		for j := range in {
			in[j] = sqs.SendInput{ID: strconv.Itoa(j), Body: "x"}
		}
		if _, _, err := qs.Send(ctx, "q", in); err != nil {
			t.Fatal(err)
		}
	}
	var got, calls atomic.Int64
	m := trig.New(trig.Options{Queues: qs, Invoke: func(ctx context.Context, fn string, p []byte) (trig.Result, error) {
		calls.Add(1)
		got.Add(int64(countRecords(p)))
		return trig.Result{Payload: []byte(`{}`)}, nil
	}})
	defer m.Close(ctx)
	start := time.Now()
	if err := m.Apply([]trig.Mapping{{Function: "f", Queue: "q", Enabled: true}}); err != nil {
		t.Fatal(err)
	}
	for got.Load() < n {
		if time.Since(start) > time.Minute {
			t.Fatalf("%d processed", got.Load())
		}
		time.Sleep(time.Millisecond)
	}
	d := time.Since(start)
	if b, ok := t.(*testing.B); ok {
		b.ReportMetric(n/d.Seconds(), "msg/s")
		b.ReportMetric(float64(n)/float64(calls.Load()), "msg/batch")
	}
}

func countRecords(p []byte) int {
	n := 0
	for i := 0; i+12 < len(p); i++ {
		if string(p[i:i+12]) == `"messageId":` {
			n++
		}
	}
	return n
}
