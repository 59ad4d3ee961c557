package logsub

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/verge-edge/verge/internal/broker"
	"github.com/verge-edge/verge/internal/logs"
)

// BenchmarkPutEvents is the log store's PutEvents (PutLogEvents' write) of
// 100 events of 100 bytes, half matching a subscription filter, with and
// without the filter: the difference is what waiting for the filter's
// worker to put the matching half in a JetStream stream (Drain) costs.
func BenchmarkPutEvents(b *testing.B) {
	for _, subscribed := range []bool{false, true} {
		b.Run(fmt.Sprintf("filter=%v", subscribed), func(b *testing.B) {
			ctx := context.Background()
			br, err := broker.Open(ctx, broker.Options{Dir: b.TempDir()})
			if err != nil {
				b.Fatal(err)
			}
			defer br.Close()
			js := br.JetStream()
			if _, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{Name: killStream, Subjects: []string{killSubject}}); err != nil {
				b.Fatal(err)
			}
			ls, err := logs.OpenOptions(b.TempDir(), logs.Options{SweepInterval: -1})
			if err != nil {
				b.Fatal(err)
			}
			defer ls.Close()
			if err := ls.CreateGroup(killGroup, 0, "", nil); err != nil {
				b.Fatal(err)
			}
			if err := ls.CreateStream(killGroup, "s"); err != nil {
				b.Fatal(err)
			}
			s, err := Open(ctx, Options{JetStream: js, HasFunction: func(string) bool { return true }, HasGroup: ls.Exists,
				Enqueue: func(ctx context.Context, _ string, p []byte) (string, error) {
					_, err := js.Publish(ctx, killSubject, p)
					return "id", err
				}})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			ls.SetSink(s)
			if subscribed {
				if err := s.Put(ctx, Filter{Group: killGroup, Name: "errors", Pattern: "ERROR", Destination: fnARN("sink")}); err != nil {
					b.Fatal(err)
				}
			}
			msgs := make([]string, 100)
			for i := range msgs {
				msgs[i] = fmt.Sprintf("%s %094d", []string{"ERROR", "INFO "}[i%2], i)
			}
			evs := make([]logs.Event, len(msgs))
			b.ReportAllocs()
			for b.Loop() {
				now := time.Now()
				for i, m := range msgs {
					evs[i] = logs.Event{Time: now, Message: m}
				}
				if err := ls.PutEvents(ctx, killGroup, "s", evs); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*len(msgs))/b.Elapsed().Seconds(), "events/s")
		})
	}
}
