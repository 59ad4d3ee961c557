package sns

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/sqs"
)

// BenchmarkPublish100Queues publishes to a topic with 100 SQS
// subscriptions on the real queue service (embedded JetStream): Publish
// answers once every queue has stored its copy. BenchmarkPublish100 is the
// same over in-memory queues, the floor.
//
//	go test -run '^$' -bench 'Publish100' ./internal/sns/
func BenchmarkPublish100Queues(b *testing.B) {
	ctx := context.Background()
	e := newEnv(b)
	qs, err := sqs.New(ctx, sqs.Options{JetStream: e.b.JetStream()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { qs.Close() })
	svc, err := Open(ctx, Options{JetStream: e.b.JetStream(), Bucket: "fanout", Queues: qs, Endpoint: e.server.URL})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { svc.Close() })
	topic, err := svc.CreateTopic(ctx, "fan", nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	for i := range 100 {
		name := fmt.Sprintf("q%d", i)
		if err := qs.CreateQueue(ctx, name, map[string]string{sqs.AttrMessageRetentionPeriod: "60"}, nil); err != nil {
			b.Fatal(err)
		}
		if _, err := svc.Subscribe(ctx, topic, ProtocolSQS, arn.Queue(name), nil, true); err != nil {
			b.Fatal(err)
		}
	}
	in := PublishInput{Message: `{"order":42}`, Attributes: map[string]MessageAttribute{"kind": {DataType: "String", StringValue: "paid"}}}
	var lat []time.Duration
	for b.Loop() {
		start := time.Now()
		if _, err := svc.Publish(ctx, topic, in); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	a, err := qs.Attributes(ctx, "q99")
	if err != nil || a[sqs.AttrApproximateNumberOfMessages] != fmt.Sprint(len(lat)) {
		b.Fatalf("q99 holds %s of %d messages (%v)", a[sqs.AttrApproximateNumberOfMessages], len(lat), err)
	}
}
