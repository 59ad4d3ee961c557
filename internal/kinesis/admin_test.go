package kinesis

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestReshardKeepsKeyOrder(t *testing.T) {
	e := newEnv(t, Options{Unthrottled: true})
	ctx := context.Background()
	must(t, e.s.CreateStream(ctx, StreamConfig{Name: "s", ShardCount: 3}))
	keys := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	var want []string
	putRound := func(round int) {
		var entries []PutEntry
		for _, k := range keys {
			entries = append(entries, PutEntry{PartitionKey: k, Data: []byte(fmt.Sprint(k, round))})
			want = append(want, fmt.Sprint(k, round))
		}
		put(t, e.s, "s", entries...)
	}
	putRound(0)
	for _, target := range []int{5, 3, 2, 4} {
		cur, err := e.s.UpdateShardCount(ctx, "s", target)
		must(t, err)
		d, _ := e.s.Describe(ctx, "s", 100, "")
		if d.OpenShards != target {
			t.Fatalf("%d open shards, want %d (was %d)", d.OpenShards, target, cur)
		}
		putRound(target)
	}
	// Read as the ESM does: a shard after all of its parents; a closed one
	// ends with its children and no next iterator.
	got := readParentsFirst(t, e.s, "s", func(shard string, last Records) {
		if closed := shardsOf(t, e.s, "s")[shard].EndingSequence != ""; closed && (last.Next != "" || len(last.ChildShards) == 0) {
			t.Errorf("%s closed: next %q children %+v", shard, last.Next, last.ChildShards)
		}
	})
	for _, k := range keys {
		var w []string
		for _, s := range want {
			if strings.HasPrefix(s, k) {
				w = append(w, s)
			}
		}
		if !slices.Equal(got[k], w) {
			t.Errorf("key %s read %v, want %v", k, got[k], w)
		}
	}
}

func TestReshardShape(t *testing.T) {
	e := newEnv(t, Options{Unthrottled: true})
	ctx := context.Background()
	must(t, e.s.CreateStream(ctx, StreamConfig{Name: "s", ShardCount: 2}))
	put(t, e.s, "s", PutEntry{PartitionKey: "a", ExplicitHashKey: "0"})
	cur, err := e.s.UpdateShardCount(ctx, "s", 4)
	must(t, err)
	if cur != 2 {
		t.Errorf("current %d", cur)
	}
	d, _ := e.s.Describe(ctx, "s", 0, "")
	if len(d.Shards) != 6 {
		t.Fatalf("%d shards", len(d.Shards))
	}
	for _, sh := range d.Shards[:2] {
		if sh.EndingSequence == "" {
			t.Errorf("%s still open", sh.ID)
		}
		if c, _ := CompareSequence(sh.StartingSequence, sh.EndingSequence); c > 0 {
			t.Errorf("%s ends before it starts", sh.ID)
		}
	}
	for i, sh := range d.Shards[2:] {
		if want := shardID(i / 2); sh.ParentShardID != want || sh.AdjacentParentShardID != "" {
			t.Errorf("%s parents %s %s, want %s", sh.ID, sh.ParentShardID, sh.AdjacentParentShardID, want)
		}
	}
	_, err = e.s.UpdateShardCount(ctx, "s", 2)
	must(t, err)
	d, _ = e.s.Describe(ctx, "s", 0, "")
	if n := d.Shards[6]; n.ParentShardID != "shardId-000000000002" || n.AdjacentParentShardID != "shardId-000000000003" {
		t.Errorf("merge parents: %+v", n)
	}
	for _, c := range []struct {
		target int
		code   string
		msg    string
	}{
		{5, CodeLimitExceeded, "UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: 2 Target shard count: 5"},
		{0, CodeValidation, ""},
	} {
		_, err := e.s.UpdateShardCount(ctx, "s", c.target)
		if code(err) != c.code || c.msg != "" && err.(*Error).Message != c.msg {
			t.Errorf("target %d: %v", c.target, err)
		}
	}
	must(t, e.s.CreateStream(ctx, StreamConfig{Name: "w", ShardCount: 5}))
	if _, err := e.s.UpdateShardCount(ctx, "w", 2); code(err) != CodeLimitExceeded || !strings.Contains(err.Error(), "below half") {
		t.Errorf("halving past half: %v", err)
	}
	must(t, e.s.CreateStream(ctx, StreamConfig{Name: "od", Mode: OnDemand}))
	if _, err := e.s.UpdateShardCount(ctx, "od", 5); err == nil {
		t.Error("on-demand reshard accepted")
	}
}

func TestThroughputLimits(t *testing.T) {
	// The clock stands still, so no token refills while the test runs
	// however slow the machine is.
	now := time.Now()
	e := newEnv(t, Options{Now: func() time.Time { return now }})
	ctx := context.Background()
	must(t, e.s.CreateStream(ctx, StreamConfig{Name: "s"}))
	var entries []PutEntry
	for range 500 {
		entries = append(entries, PutEntry{PartitionKey: "k", Data: make([]byte, 10)})
	}
	failed := 0
	for range 3 {
		res, err := e.s.PutRecords(ctx, "s", entries)
		must(t, err)
		for _, r := range res {
			if r.ErrorCode != "" {
				failed++
				if r.ErrorCode != CodeThroughputExceeded || r.ShardID != "" || r.Sequence != "" || r.ErrorMessage != "Rate exceeded for shard shardId-000000000000 in stream s under account 000000000000." {
					t.Fatalf("%+v", r)
				}
			}
		}
	}
	// 1,000 a second: 500 of 1,500 fail.
	if failed != 500 {
		t.Errorf("%d of 1500 throttled", failed)
	}
	// Bytes: two records of 600 KiB exceed 1 MiB.
	must(t, e.s.CreateStream(ctx, StreamConfig{Name: "b"}))
	res, err := e.s.PutRecords(ctx, "b", []PutEntry{{PartitionKey: "k", Data: make([]byte, 600<<10)}, {PartitionKey: "k", Data: make([]byte, 600<<10)}})
	must(t, err)
	if res[0].ErrorCode != "" || res[1].ErrorCode != CodeThroughputExceeded {
		t.Errorf("bytes limit: %+v", res)
	}
	// Reads: 5 a second.
	it := iter(t, e.s, IteratorInput{Stream: "s", ShardID: "shardId-000000000000", Type: Latest})
	n := 0
	for range 8 {
		if _, err := e.s.GetRecords(ctx, it, 1); err == nil {
			n++
		} else if code(err) != CodeThroughputExceeded {
			t.Fatal(err)
		}
	}
	if n != 5 {
		t.Errorf("%d of 8 reads allowed, want 5", n)
	}
	// On-demand streams are not limited per shard.
	must(t, e.s.CreateStream(ctx, StreamConfig{Name: "od", Mode: OnDemand}))
	for range 3 {
		for _, r := range put(t, e.s, "od", entries...) {
			if r.ErrorCode != "" {
				t.Fatal(r)
			}
		}
	}
}

func TestRetentionAndTags(t *testing.T) {
	e := newEnv(t, Options{Unthrottled: true})
	ctx := context.Background()
	must(t, e.s.CreateStream(ctx, StreamConfig{Name: "s", Tags: map[string]string{"a": "1"}}))
	for _, c := range []struct {
		hours    int
		increase bool
		code     string
		msg      string
	}{
		{48, true, "", ""},
		{24, true, CodeInvalidArgument, "Requested retention period (24 hours) for stream s can not be shorter than existing retention period (48 hours). Use DecreaseRetentionPeriod API."},
		{72, false, CodeInvalidArgument, "Requested retention period (72 hours) for stream s can not be longer than existing retention period (48 hours). Use IncreaseRetentionPeriod API."},
		{8761, true, CodeInvalidArgument, ""},
		{23, false, CodeInvalidArgument, ""},
		{36, false, "", ""},
	} {
		err := e.s.SetRetention(ctx, "s", c.hours, c.increase)
		if code(err) != c.code || c.msg != "" && err.(*Error).Message != c.msg {
			t.Errorf("%d %v: %v", c.hours, c.increase, err)
		}
	}
	d, _ := e.s.Describe(ctx, "s", 0, "")
	info, err := e.b.JetStream().Stream(ctx, jsName(e.s.streams["s"].m.ID))
	must(t, err)
	if d.RetentionHours != 36 || info.CachedInfo().Config.MaxAge != 36*time.Hour {
		t.Errorf("retention %d, MaxAge %v", d.RetentionHours, info.CachedInfo().Config.MaxAge)
	}
	must(t, e.s.Tag(ctx, "s", map[string]string{"b": "2", "a": "3"}))
	must(t, e.s.Untag(ctx, "s", []string{"b"}))
	tags, _ := e.s.Tags(ctx, "s")
	if len(tags) != 1 || tags["a"] != "3" {
		t.Errorf("tags %v", tags)
	}
	many := map[string]string{}
	for i := range 50 {
		many[fmt.Sprint("k", i)] = ""
	}
	if err := e.s.Tag(ctx, "s", many); code(err) != CodeInvalidArgument {
		t.Errorf("51 tags: %v", err)
	}
	if err := e.s.Tag(ctx, "s", map[string]string{strings.Repeat("k", 129): ""}); code(err) != CodeValidation {
		t.Errorf("long key: %v", err)
	}
	// Restarted, everything is back.
	e2 := &env{e.b, nil}
	e.s.Close()
	var err2 error
	e2.s, err2 = New(ctx, Options{JetStream: e.b.JetStream()})
	must(t, err2)
	e.s = e2.s
	tags, _ = e.s.Tags(ctx, "s")
	d, _ = e.s.Describe(ctx, "s", 0, "")
	if tags["a"] != "3" || d.RetentionHours != 36 {
		t.Errorf("after restart: %v %+v", tags, d)
	}
}

func TestListShards(t *testing.T) {
	now := time.UnixMilli(1_700_000_000_000)
	e := newEnv(t, Options{Unthrottled: true, Now: func() time.Time { return now }})
	ctx := context.Background()
	must(t, e.s.CreateStream(ctx, StreamConfig{Name: "s", ShardCount: 2}))
	now = now.Add(time.Minute)
	split := now
	_, err := e.s.UpdateShardCount(ctx, "s", 4)
	must(t, err)
	now = now.Add(time.Minute)
	ids := func(shards []Shard) string {
		var out []string
		for _, s := range shards {
			out = append(out, strings.TrimPrefix(s.ID, "shardId-0000000000"))
		}
		return strings.Join(out, ",")
	}
	for _, c := range []struct {
		name string
		in   ListShardsInput
		want string
	}{
		{"all", ListShardsInput{}, "00,01,02,03,04,05"},
		{"at latest", ListShardsInput{FilterType: FilterAtLatest}, "02,03,04,05"},
		{"at trim horizon", ListShardsInput{FilterType: FilterAtTrimHorizon}, "00,01"},
		{"from trim horizon", ListShardsInput{FilterType: FilterFromTrimHorizon}, "00,01,02,03,04,05"},
		{"after shard", ListShardsInput{FilterType: FilterAfterShardID, FilterShardID: "shardId-000000000003"}, "04,05"},
		{"exclusive start", ListShardsInput{ExclusiveStartShardID: "shardId-000000000001"}, "02,03,04,05"},
		{"at timestamp before", ListShardsInput{FilterType: FilterAtTimestamp, FilterTimestamp: split.Add(-time.Second)}, "00,01"},
		{"at timestamp after", ListShardsInput{FilterType: FilterAtTimestamp, FilterTimestamp: split.Add(time.Second)}, "02,03,04,05"},
		{"from timestamp", ListShardsInput{FilterType: FilterFromTimestamp, FilterTimestamp: split.Add(-time.Second)}, "00,01,02,03,04,05"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, next, err := e.s.ListShards(ctx, "s", c.in)
			must(t, err)
			if ids(got) != c.want || next != "" {
				t.Errorf("got %s (next %q), want %s", ids(got), next, c.want)
			}
		})
	}
	// Paging with NextToken.
	page, next, err := e.s.ListShards(ctx, "s", ListShardsInput{MaxResults: 4, FilterType: FilterFromTrimHorizon})
	must(t, err)
	if ids(page) != "00,01,02,03" || next == "" {
		t.Fatalf("page 1: %s %q", ids(page), next)
	}
	for _, in := range []ListShardsInput{{NextToken: next, FilterType: FilterAtLatest}, {NextToken: next, ExclusiveStartShardID: "shardId-000000000000"}} {
		if _, _, err := e.s.ListShards(ctx, "", in); code(err) != CodeInvalidArgument || !strings.Contains(err.Error(), "cannot be provided together") {
			t.Errorf("token with %+v: %v", in, err)
		}
	}
	if _, _, err := e.s.ListShards(ctx, "s", ListShardsInput{NextToken: next}); code(err) != CodeInvalidArgument || err.(*Error).Message != "NextToken and StreamName cannot be provided together." {
		t.Errorf("name and token: %v", err)
	}
	page, next2, err := e.s.ListShards(ctx, "", ListShardsInput{NextToken: next})
	must(t, err)
	if ids(page) != "04,05" || next2 != "" {
		t.Errorf("page 2: %s %q", ids(page), next2)
	}
	if _, _, err := e.s.ListShards(ctx, "", ListShardsInput{NextToken: next[:len(next)-2] + "AA"}); code(err) != CodeInvalidArgument {
		t.Errorf("forged token: %v", err)
	}
	now = now.Add(NextTokenLifetime + time.Second)
	if _, _, err := e.s.ListShards(ctx, "", ListShardsInput{NextToken: next}); code(err) != CodeExpiredNextToken {
		t.Errorf("expired token: %v", err)
	}
	// Closed shards leave the listing after the retention period, and
	// the source's children no longer wait for them.
	now = now.Add(25 * time.Hour)
	got, _, _ := e.s.ListShards(ctx, "s", ListShardsInput{})
	if ids(got) != "02,03,04,05" || got[0].ParentShardID != "shardId-000000000000" {
		t.Errorf("after retention: %s %+v", ids(got), got[0])
	}
	src, _ := e.s.Source("s", "")
	shards, _ := src.Shards(ctx)
	if len(shards) != 4 || len(shards[0].Parents) != 0 {
		t.Errorf("source shards after retention: %+v", shards)
	}
}

func TestPutRecordFailsWhole(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	must(t, e.s.CreateStream(ctx, StreamConfig{Name: "s"}))
	r, err := e.s.PutRecord(ctx, "s", PutEntry{PartitionKey: "k", Data: make([]byte, 900<<10)})
	must(t, err)
	if r.ShardID != "shardId-000000000000" || len(r.Sequence) != 56 {
		t.Errorf("%+v", r)
	}
	_, err = e.s.PutRecord(ctx, "s", PutEntry{PartitionKey: "k", Data: make([]byte, 900<<10)})
	if code(err) != CodeThroughputExceeded || err.(*Error).Message != "Rate exceeded for shard shardId-000000000000 in stream s under account 000000000000." {
		t.Errorf("over the limit: %v", err)
	}
}

// TestReshardUnderLoad: writers keep putting while the stream reshards;
// every record of a closed shard is within its sequence range, and each
// key's records read parents first come in the order they were put.
func TestReshardUnderLoad(t *testing.T) {
	e := newEnv(t, Options{Unthrottled: true})
	ctx := context.Background()
	must(t, e.s.CreateStream(ctx, StreamConfig{Name: "s", ShardCount: 2}))
	stop := make(chan struct{})
	errc := make(chan error, 3)
	for w := range 3 {
		go func() {
			for n := 0; ; n++ {
				select {
				case <-stop:
					errc <- nil
					return
				default:
				}
				var entries []PutEntry
				for k := range 5 {
					entries = append(entries, PutEntry{PartitionKey: fmt.Sprint("w", w, "k", k), Data: []byte(fmt.Sprintf("%08d", n))})
				}
				if _, err := e.s.PutRecords(ctx, "s", entries); err != nil {
					errc <- err
					return
				}
			}
		}()
	}
	for _, n := range []int{4, 3, 6, 3, 2} {
		time.Sleep(15 * time.Millisecond)
		_, err := e.s.UpdateShardCount(ctx, "s", n)
		must(t, err)
	}
	close(stop)
	for range 3 {
		must(t, <-errc)
	}
	d, _ := e.s.Describe(ctx, "s", 100, "")
	src, _ := e.s.Source("s", "")
	shards, _ := src.Shards(ctx)
	done := map[string]bool{}
	last := map[string]string{}
	total := 0
	for len(done) < len(shards) {
		for i, sh := range shards {
			if done[sh.ID] || slices.ContainsFunc(sh.Parents, func(p string) bool { return !done[p] }) {
				continue
			}
			recs, _ := drain(t, e.s, iter(t, e.s, IteratorInput{Stream: "s", ShardID: sh.ID, Type: TrimHorizon}))
			v := d.Shards[i]
			for _, r := range recs {
				if c, _ := CompareSequence(r.Sequence, v.StartingSequence); c < 0 {
					t.Fatalf("%s: %s before the start %s", sh.ID, r.Sequence, v.StartingSequence)
				}
				if c, _ := CompareSequence(r.Sequence, v.EndingSequence); v.EndingSequence != "" && c > 0 {
					t.Fatalf("%s: %s after the end %s", sh.ID, r.Sequence, v.EndingSequence)
				}
				if prev := last[r.PartitionKey]; string(r.Data) <= prev {
					t.Fatalf("key %s: %s after %s", r.PartitionKey, r.Data, prev)
				}
				last[r.PartitionKey] = string(r.Data)
			}
			total += len(recs)
			done[sh.ID] = true
		}
	}
	if len(last) != 15 || total < 100 {
		t.Errorf("%d keys, %d records", len(last), total)
	}
}
