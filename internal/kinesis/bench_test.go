package kinesis

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/verge-edge/verge/internal/esm"
)

// batch is PutRecords' largest request of 1 KiB records.
func batch() []PutEntry {
	entries := make([]PutEntry, MaxPutRecords)
	for i := range entries {
		entries[i] = PutEntry{PartitionKey: fmt.Sprint("key-", i), Data: make([]byte, 1024)}
	}
	return entries
}

// BenchmarkPutRecords puts 500 x 1 KiB records a call on a 4-shard
// stream; "jetstream" publishes the same records' messages straight to
// JetStream (async, then every ack awaited), the floor under PutRecords.
func BenchmarkPutRecords(b *testing.B) {
	ctx := context.Background()
	b.Run("kinesis", func(b *testing.B) {
		e := newEnv(b, Options{Unthrottled: true})
		must(b, e.s.CreateStream(ctx, StreamConfig{Name: "bench", ShardCount: 4}))
		entries := batch()
		b.SetBytes(int64(len(entries) * 1024))
		b.ResetTimer()
		for b.Loop() {
			res, err := e.s.PutRecords(ctx, "bench", entries)
			if err != nil || res[len(res)-1].ErrorCode != "" {
				b.Fatal(err, res[len(res)-1])
			}
		}
		b.ReportMetric(float64(b.N*len(entries))/b.Elapsed().Seconds(), "records/s")
	})
	b.Run("jetstream", func(b *testing.B) {
		e := newEnv(b, Options{Unthrottled: true})
		js := e.b.JetStream()
		_, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "RAW", Subjects: []string{"raw.*"}, Storage: jetstream.FileStorage, AllowDirect: true})
		must(b, err)
		entries := batch()
		subjects := []string{"raw.0", "raw.1", "raw.2", "raw.3"}
		b.SetBytes(int64(len(entries) * 1024))
		b.ResetTimer()
		for b.Loop() {
			futures := make([]jetstream.PubAckFuture, len(entries))
			ms := time.Now().UnixMilli()
			for i, en := range entries {
				f, err := js.PublishAsync(subjects[i%4], encodeRecord(ms, en.PartitionKey, en.Data))
				if err != nil {
					b.Fatal(err)
				}
				futures[i] = f
			}
			for _, f := range futures {
				select {
				case <-f.Ok():
				case err := <-f.Err():
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.N*len(entries))/b.Elapsed().Seconds(), "records/s")
	})
}

// BenchmarkPutToRead is the latency from PutRecords of one record to a
// waiting Source.Read returning it: what the ESM adds before invoking.
func BenchmarkPutToRead(b *testing.B) {
	ctx := context.Background()
	e := newEnv(b, Options{Unthrottled: true})
	must(b, e.s.CreateStream(ctx, StreamConfig{Name: "lat"}))
	src, err := e.s.Source("lat", "")
	must(b, err)
	entry := []PutEntry{{PartitionKey: "k", Data: make([]byte, 100)}}
	pos, _ := src.Tip(ctx, "shardId-000000000000")
	lat := make([]time.Duration, 0, b.N)
	for b.Loop() {
		got := make(chan esm.Read, 1)
		go func(pos esm.Position) {
			r, err := src.Read(ctx, "shardId-000000000000", pos, 100, 6<<20, 5*time.Second)
			if err != nil {
				panic(err)
			}
			got <- r
		}(pos)
		time.Sleep(200 * time.Microsecond) // let the reader wait
		start := time.Now()
		if _, err := e.s.PutRecords(ctx, "lat", entry); err != nil {
			b.Fatal(err)
		}
		r := <-got
		lat = append(lat, time.Since(start))
		if len(r.Records) == 0 {
			b.Fatal("woke empty")
		}
		pos = esm.Position{After: r.Records[len(r.Records)-1].Seq}
	}
	if len(lat) > 0 {
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	}
}

// BenchmarkGetRecords reads 500 records of 1 KiB a call from a shard of
// 5,000.
func BenchmarkGetRecords(b *testing.B) {
	ctx := context.Background()
	e := newEnv(b, Options{Unthrottled: true})
	must(b, e.s.CreateStream(ctx, StreamConfig{Name: "r"}))
	entries := batch()
	for range 10 {
		put(b, e.s, "r", entries...)
	}
	start := iter(b, e.s, IteratorInput{Stream: "r", ShardID: "shardId-000000000000", Type: TrimHorizon})
	it := start
	b.ResetTimer()
	for b.Loop() {
		r, err := e.s.GetRecords(ctx, it, 500)
		if err != nil {
			b.Fatal(err)
		}
		it = r.Next
		if len(r.Records) < 500 {
			it = start
		}
	}
	b.ReportMetric(float64(b.N*500)/b.Elapsed().Seconds(), "records/s")
}
