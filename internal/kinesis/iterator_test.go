package kinesis

import (
	"context"
	"testing"
	"time"
)

func testService() *Service {
	return &Service{nodeKey: []byte("0123456789abcdef0123456789abcdef")}
}

func FuzzDecodeIterator(f *testing.F) {
	s := testService()
	f.Add(s.encodeIterator(iterator{name: "s", id: "0011223344556677", shard: 3, from: 42, at: 0, created: 1_700_000_000_000}))
	f.Add(s.encodeIterator(iterator{name: "", id: "", shard: 0, from: 0, at: -5, created: -1}))
	f.Add("AAAA")
	f.Add("")
	f.Add("AQFzEDAwMTEyMjMzNDQ1NTY2NzcDKgCAoKv+\n+WKwxl1f7YGk8DqxbxDt5PxM") // a line break the decoder skips
	f.Fuzz(func(t *testing.T, str string) {
		it, err := s.decodeIterator(str)
		if err != nil {
			if code(err) != CodeInvalidArgument {
				t.Fatalf("code %s", code(err))
			}
			return
		}
		if again := s.encodeIterator(it); again != str {
			t.Fatalf("decoded %+v re-encodes as %q, not %q", it, again, str)
		}
	})
}

func FuzzDecodeToken(f *testing.F) {
	s := testService()
	f.Add(s.encodeToken(listToken{name: "s", id: "00", after: 3, max: 10, filter: FilterAtLatest, created: 1}))
	f.Add("!!")
	f.Fuzz(func(t *testing.T, str string) {
		tok, err := s.decodeToken(str)
		if err != nil {
			return
		}
		if again := s.encodeToken(tok); again != str {
			t.Fatalf("decoded %+v re-encodes as %q, not %q", tok, again, str)
		}
	})
}

// TestRestart: a new service on the same JetStream has every stream,
// shard tip, consumer and node key: iterators made before still read.
func TestRestart(t *testing.T) {
	dir := t.TempDir()
	e := open(t, dir, Options{Unthrottled: true})
	ctx := context.Background()
	must(t, e.s.CreateStream(ctx, StreamConfig{Name: "s", ShardCount: 2}))
	res := put(t, e.s, "s", PutEntry{PartitionKey: "a", ExplicitHashKey: "0", Data: []byte("1")})
	_, err := e.s.UpdateShardCount(ctx, "s", 1)
	must(t, err)
	put(t, e.s, "s", PutEntry{PartitionKey: "a", Data: []byte("2")})
	c, err := e.s.RegisterConsumer(ctx, "s", "app")
	must(t, err)
	it := iter(t, e.s, IteratorInput{Stream: "s", ShardID: "shardId-000000000000", Type: TrimHorizon})
	latest := iter(t, e.s, IteratorInput{Stream: "s", ShardID: "shardId-000000000002", Type: Latest})
	before, _ := e.s.Describe(ctx, "s", 0, "")
	e.close()

	e = open(t, dir, Options{Unthrottled: true})
	defer e.close()
	after, err := e.s.Describe(ctx, "s", 0, "")
	must(t, err)
	if len(after.Shards) != len(before.Shards) || after.Shards[2] != before.Shards[2] || after.Shards[0] != before.Shards[0] {
		t.Errorf("shards before %+v\nafter %+v", before.Shards, after.Shards)
	}
	recs, last := drain(t, e.s, it)
	if len(recs) != 1 || recs[0].Sequence != res[0].Sequence || len(last.ChildShards) != 1 {
		t.Errorf("old iterator after restart: %+v %+v", recs, last)
	}
	if recs, _ := drain(t, e.s, latest); len(recs) != 0 {
		t.Errorf("LATEST iterator sees %d old records", len(recs))
	}
	if got, err := e.s.Consumer(ctx, "", "", c.ARN); err != nil || got != c {
		t.Errorf("consumer after restart: %+v %v", got, err)
	}
	// The tip is rebuilt: a new LATEST does not see old records.
	src, _ := e.s.Source("s", "")
	tip, _ := src.Tip(ctx, "shardId-000000000002")
	r, err := src.Read(ctx, "shardId-000000000002", tip, 10, 1<<20, 10*time.Millisecond)
	if err != nil || len(r.Records) != 0 {
		t.Errorf("read at the rebuilt tip: %+v %v", r, err)
	}
}

func TestApply(t *testing.T) {
	e := newEnv(t, Options{Unthrottled: true})
	ctx := context.Background()
	must(t, e.s.CreateStream(ctx, StreamConfig{Name: "api"}))
	must(t, e.s.Apply(ctx, []StreamConfig{{Name: "a", ShardCount: 2}, {Name: "b", Mode: OnDemand, RetentionHours: 48, Tags: map[string]string{"t": "1"}}}))
	must(t, e.s.Apply(ctx, []StreamConfig{{Name: "a", ShardCount: 7, RetentionHours: 72}}))
	d, err := e.s.Describe(ctx, "a", 0, "")
	must(t, err)
	if d.OpenShards != 7 || d.RetentionHours != 72 {
		t.Errorf("a: %d open, %d hours", d.OpenShards, d.RetentionHours)
	}
	if _, err := e.s.Describe(ctx, "b", 0, ""); code(err) != CodeResourceNotFound {
		t.Errorf("b not deleted: %v", err)
	}
	if _, err := e.s.Describe(ctx, "api", 0, ""); err != nil {
		t.Errorf("the API's stream: %v", err)
	}
	if err := e.s.Apply(ctx, []StreamConfig{{Name: "a", Mode: OnDemand}}); err == nil {
		t.Error("mode change accepted")
	}
	must(t, e.s.Apply(ctx, nil))
	names, _, _ := e.s.ListStreams(ctx, 0, "")
	if len(names) != 1 || names[0] != "api" {
		t.Errorf("after an empty stack: %v", names)
	}
}
