package esm

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/broker"
)

// BenchmarkThroughput measures records per second through a Manager: a
// shard's backlog read, batched, invoked with a no-op function and
// checkpointed.
func BenchmarkThroughput(b *testing.B) {
	for _, size := range []int{100, 1000} {
		b.Run("batch="+strconv.Itoa(size), func(b *testing.B) {
			br, err := broker.Open(context.Background(), broker.Options{Dir: b.TempDir()})
			if err != nil {
				b.Fatal(err)
			}
			defer br.Close()
			src := newSource("shardId-000000000000")
			for i := range b.N {
				src.put("shardId-000000000000", "k"+strconv.Itoa(i%64), "payload of a record")
			}
			var n atomic.Int64
			done := make(chan struct{})
			invoke := func(ctx context.Context, function string, payload []byte) (Result, error) {
				if n.Add(int64(countRecords(payload))) == int64(b.N) {
					close(done)
				}
				return Result{}, nil
			}
			m, err := New(context.Background(), Options{JetStream: br.JetStream(), Invoke: invoke,
				Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			start := time.Now()
			err = m.Apply([]Mapping{{UUID: "bench", Function: "fn", Source: src, StartingPosition: TrimHorizon,
				BatchSize: size, MaximumRetryAttempts: -1, Enabled: true}})
			if err != nil {
				b.Fatal(err)
			}
			<-done
			b.StopTimer()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "records/s")
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := m.Close(ctx); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// countRecords counts the events of a payload by their eventID keys.
func countRecords(payload []byte) int {
	n := 0
	const key = `"eventID"`
	for i := 0; i+len(key) <= len(payload); i++ {
		if string(payload[i:i+len(key)]) == key {
			n++
		}
	}
	return n
}
