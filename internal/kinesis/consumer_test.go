package kinesis

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/esm"
)

func TestConsumers(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	e := newEnv(t, Options{Unthrottled: true, Now: func() time.Time { return now }})
	ctx := context.Background()
	must(t, e.s.CreateStream(ctx, StreamConfig{Name: "s"}))
	c, err := e.s.RegisterConsumer(ctx, "s", "app")
	must(t, err)
	if c.ARN != "arn:aws:kinesis:us-east-1:000000000000:stream/s/consumer/app:1700000000" || c.Status != StatusActive || c.Stream != "arn:aws:kinesis:us-east-1:000000000000:stream/s" {
		t.Errorf("registered %+v", c)
	}
	if _, err := e.s.RegisterConsumer(ctx, "s", "app"); code(err) != CodeResourceInUse {
		t.Errorf("twice: %v", err)
	}
	if _, err := e.s.RegisterConsumer(ctx, "s", "bad name"); code(err) != CodeValidation {
		t.Errorf("bad name: %v", err)
	}
	byARN, err := e.s.Consumer(ctx, "", "", c.ARN)
	must(t, err)
	byName, err := e.s.Consumer(ctx, c.Stream, "app", "")
	must(t, err)
	if byARN != c || byName != c {
		t.Errorf("describe: %+v %+v", byARN, byName)
	}
	for i := 1; i < MaxConsumers; i++ {
		_, err := e.s.RegisterConsumer(ctx, "s", fmt.Sprint("c", i))
		must(t, err)
	}
	if _, err := e.s.RegisterConsumer(ctx, "s", "one-more"); code(err) != CodeLimitExceeded {
		t.Errorf("21st: %v", err)
	}
	list, _ := e.s.Consumers(ctx, "s")
	if len(list) != MaxConsumers || list[0].Name != "app" {
		t.Errorf("list: %d", len(list))
	}
	if err := e.s.DeleteStream(ctx, "s", false); code(err) != CodeResourceInUse {
		t.Errorf("delete with consumers: %v", err)
	}
	must(t, e.s.DeregisterConsumer(ctx, "", "", c.ARN))
	if _, err := e.s.Consumer(ctx, "", "", c.ARN); code(err) != CodeResourceNotFound {
		t.Errorf("deregistered: %v", err)
	}
	must(t, e.s.DeleteStream(ctx, "s", true))
}

func TestSubscribeToShard(t *testing.T) {
	e := newEnv(t, Options{Unthrottled: true})
	ctx := context.Background()
	must(t, e.s.CreateStream(ctx, StreamConfig{Name: "s"}))
	c, err := e.s.RegisterConsumer(ctx, "s", "app")
	must(t, err)
	first := put(t, e.s, "s", PutEntry{PartitionKey: "k", Data: []byte("one")})
	sub, err := e.s.SubscribeToShard(ctx, c.ARN, "shardId-000000000000", IteratorInput{Type: TrimHorizon})
	must(t, err)
	defer sub.Close()
	if _, err := e.s.SubscribeToShard(ctx, c.ARN, "shardId-000000000000", IteratorInput{Type: Latest}); code(err) != CodeResourceInUse {
		t.Errorf("second subscription: %v", err)
	}
	ev, err := sub.Next(ctx)
	must(t, err)
	if len(ev.Records) != 1 || ev.ContinuationSequenceNumber != first[0].Sequence || ev.MillisBehindLatest != 0 {
		t.Errorf("first event %+v", ev)
	}
	// A put wakes the subscription at once.
	go func() {
		time.Sleep(20 * time.Millisecond)
		e.s.PutRecords(ctx, "s", []PutEntry{{PartitionKey: "k", Data: []byte("two")}})
	}()
	start := time.Now()
	ev, err = sub.Next(ctx)
	must(t, err)
	if len(ev.Records) != 1 || string(ev.Records[0].Data) != "two" {
		t.Errorf("second event %+v", ev)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("woke after %v", d)
	}
	// Resharding ends the subscription with the children.
	_, err = e.s.UpdateShardCount(ctx, "s", 2)
	must(t, err)
	ev, err = sub.Next(ctx)
	must(t, err)
	if len(ev.ChildShards) != 2 || ev.ContinuationSequenceNumber != "" {
		t.Errorf("end event %+v", ev)
	}
	if _, err := sub.Next(ctx); err != io.EOF {
		t.Errorf("after the end: %v", err)
	}
	// Over, the consumer may subscribe again.
	sub2, err := e.s.SubscribeToShard(ctx, c.ARN, "shardId-000000000001", IteratorInput{Type: Latest})
	must(t, err)
	sub2.Close()
}

func TestSubscriptionHeartbeatAndLife(t *testing.T) {
	var mu = make(chan struct{}, 1)
	now := time.Now()
	clock := func() time.Time { mu <- struct{}{}; defer func() { <-mu }(); return now }
	advance := func(d time.Duration) { mu <- struct{}{}; now = now.Add(d); <-mu }
	e := newEnv(t, Options{Unthrottled: true, Now: clock})
	ctx := context.Background()
	must(t, e.s.CreateStream(ctx, StreamConfig{Name: "s"}))
	c, _ := e.s.RegisterConsumer(ctx, "s", "app")
	sub, err := e.s.SubscribeToShard(ctx, c.ARN, "shardId-000000000000", IteratorInput{Type: Latest})
	must(t, err)
	defer sub.Close()
	advance(SubscribeHeartbeat)
	ev, err := sub.Next(ctx)
	must(t, err)
	if len(ev.Records) != 0 || ev.ContinuationSequenceNumber == "" {
		t.Errorf("heartbeat %+v", ev)
	}
	// The continuation resumes after everything seen.
	res := put(t, e.s, "s", PutEntry{PartitionKey: "k", Data: []byte("x")})
	it := iter(t, e.s, IteratorInput{Stream: "s", ShardID: "shardId-000000000000", Type: AfterSequenceNumber, Sequence: ev.ContinuationSequenceNumber})
	recs, _ := drain(t, e.s, it)
	if len(recs) != 1 || recs[0].Sequence != res[0].Sequence {
		t.Errorf("from the continuation: %+v", recs)
	}
	advance(SubscriptionLife)
	if _, err := sub.Next(ctx); err != io.EOF {
		t.Errorf("after 5 minutes: %v", err)
	}
}

func TestSource(t *testing.T) {
	e := newEnv(t, Options{Unthrottled: true})
	ctx := context.Background()
	must(t, e.s.CreateStream(ctx, StreamConfig{Name: "s", ShardCount: 2}))
	if _, err := e.s.Source("nope", ""); code(err) != CodeResourceNotFound {
		t.Errorf("missing stream: %v", err)
	}
	if _, err := e.s.Source("s", "nope"); code(err) != CodeResourceNotFound {
		t.Errorf("missing consumer: %v", err)
	}
	src, err := e.s.SourceAs("s", "", "arn:aws:iam::000000000000:role/f-role")
	must(t, err)
	if src.ARN() != "arn:aws:kinesis:us-east-1:000000000000:stream/s" || src.BatchInfo() != "KinesisBatchInfo" {
		t.Errorf("%s %s", src.ARN(), src.BatchInfo())
	}
	res := put(t, e.s, "s", PutEntry{PartitionKey: "k", ExplicitHashKey: "0", Data: []byte("a")}, PutEntry{PartitionKey: "k", ExplicitHashKey: "0", Data: []byte("b")})
	tip, err := src.Tip(ctx, "shardId-000000000000")
	must(t, err)
	r, err := src.Read(ctx, "shardId-000000000000", esm.Position{Start: esm.TrimHorizon}, 10, 1<<20, 0)
	must(t, err)
	if len(r.Records) != 2 || r.Records[0].Seq != res[0].Sequence || r.Records[1].Key != "k" || r.End {
		t.Fatalf("read %+v", r)
	}
	if !strings.Contains(string(r.Records[0].Event), `"invokeIdentityArn":"arn:aws:iam::000000000000:role/f-role"`) ||
		!strings.Contains(string(r.Records[0].Event), `"eventID":"shardId-000000000000:`+res[0].Sequence+`"`) {
		t.Errorf("event %s", r.Records[0].Event)
	}
	// maxBytes keeps at least one record.
	r, _ = src.Read(ctx, "shardId-000000000000", esm.Position{Start: esm.TrimHorizon}, 10, 1, 0)
	if len(r.Records) != 1 {
		t.Errorf("maxBytes 1: %d records", len(r.Records))
	}
	r, _ = src.Read(ctx, "shardId-000000000000", esm.Position{After: res[0].Sequence}, 10, 1<<20, 0)
	if len(r.Records) != 1 || r.Records[0].Seq != res[1].Sequence {
		t.Errorf("after the first: %+v", r.Records)
	}
	// From the tip, Read waits and wakes on the put.
	done := make(chan esm.Read)
	go func() {
		r, err := src.Read(ctx, "shardId-000000000000", tip, 10, 1<<20, 10*time.Second)
		if err != nil {
			t.Error(err)
		}
		done <- r
	}()
	time.Sleep(20 * time.Millisecond)
	start := time.Now()
	put(t, e.s, "s", PutEntry{PartitionKey: "k", ExplicitHashKey: "0", Data: []byte("c")})
	select {
	case r := <-done:
		if len(r.Records) != 1 || !strings.Contains(string(r.Records[0].Event), `"data":"Yw=="`) {
			t.Errorf("woken read %+v", r)
		}
		if d := time.Since(start); d > 3*time.Second { // well short of the 10 s wait
			t.Errorf("woke after %v", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Read did not wake")
	}
	// An empty wait returns empty.
	r, err = src.Read(ctx, "shardId-000000000001", esm.Position{Start: esm.Latest}, 10, 1<<20, 30*time.Millisecond)
	if err != nil || len(r.Records) != 0 {
		t.Errorf("empty read %+v %v", r, err)
	}
	// Closed and read to its end: End, and the children list their parents.
	_, err = e.s.UpdateShardCount(ctx, "s", 1)
	must(t, err)
	r, _ = src.Read(ctx, "shardId-000000000000", esm.Position{After: res[1].Sequence}, 10, 1<<20, time.Second)
	if len(r.Records) != 1 || !r.End {
		t.Errorf("closed shard read %+v", r)
	}
	shards, _ := src.Shards(ctx)
	if len(shards) != 3 || strings.Join(shards[2].Parents, ",") != "shardId-000000000000,shardId-000000000001" {
		t.Errorf("shards %+v", shards)
	}
	// A deleted stream ends a waiting read.
	go func() {
		time.Sleep(20 * time.Millisecond)
		e.s.DeleteStream(ctx, "s", false)
	}()
	_, err = src.Read(ctx, "shardId-000000000002", esm.Position{Start: esm.Latest}, 10, 1<<20, 5*time.Second)
	if code(err) != CodeResourceNotFound && !errors.Is(err, context.Canceled) {
		t.Errorf("read of a deleted stream: %v", err)
	}
}

// TestSubscriptionClose: Close from another goroutine ends a waiting Next
// and frees the consumer's shard.
func TestSubscriptionClose(t *testing.T) {
	e := newEnv(t, Options{Unthrottled: true})
	ctx := context.Background()
	must(t, e.s.CreateStream(ctx, StreamConfig{Name: "s"}))
	c, _ := e.s.RegisterConsumer(ctx, "s", "app")
	sub, err := e.s.SubscribeToShard(ctx, c.ARN, "shardId-000000000000", IteratorInput{Type: Latest})
	must(t, err)
	go func() {
		time.Sleep(20 * time.Millisecond)
		sub.Close()
	}()
	if _, err := sub.Next(ctx); err != io.EOF {
		t.Errorf("Next after Close: %v", err)
	}
	sub.Close()
	sub, err = e.s.SubscribeToShard(ctx, c.ARN, "shardId-000000000000", IteratorInput{Type: Latest})
	must(t, err)
	sub.Close()
}
