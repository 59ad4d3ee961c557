package kinesis

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

const (
	half     = "170141183460469231731687303715884105728" // 2^127
	halfLess = "170141183460469231731687303715884105727"
	quarter  = "85070591730234615865843651857942052864" // 2^126
	maxKey   = "340282366920938463463374607431768211455"
)

// readParentsFirst reads every shard of stream from its trim horizon, a
// shard only after all of its parents, and returns each partition key's
// data in the order read; each (nil for none) sees every shard's last read.
func readParentsFirst(t *testing.T, s *Service, stream string, each func(shard string, last Records)) map[string][]string {
	t.Helper()
	ctx := context.Background()
	src, err := s.Source(stream, "")
	must(t, err)
	shards, err := src.Shards(ctx)
	must(t, err)
	done := map[string]bool{}
	got := map[string][]string{}
	for len(done) < len(shards) {
		progress := false
		for _, sh := range shards {
			if done[sh.ID] || slices.ContainsFunc(sh.Parents, func(p string) bool { return !done[p] }) {
				continue
			}
			recs, last := drain(t, s, iter(t, s, IteratorInput{Stream: stream, ShardID: sh.ID, Type: TrimHorizon}))
			for _, r := range recs {
				got[r.PartitionKey] = append(got[r.PartitionKey], string(r.Data))
			}
			if each != nil {
				each(sh.ID, last)
			}
			done[sh.ID], progress = true, true
		}
		if !progress {
			t.Fatal("parents never finish")
		}
	}
	return got
}

// shardsOf is the stream's shards by id.
func shardsOf(t *testing.T, s *Service, stream string) map[string]Shard {
	t.Helper()
	d, err := s.Describe(context.Background(), stream, 0, "")
	must(t, err)
	out := map[string]Shard{}
	for _, sh := range d.Shards {
		out[sh.ID] = sh
	}
	return out
}

// TestSplitMerge: a split closes its shard and opens two children that
// take the hash keys on either side of the new starting key; a merge of
// the children opens one covering both; records route to the open shard
// holding their key and each key's records read parents first keep their
// order; a restart keeps the lineage.
func TestSplitMerge(t *testing.T) {
	e := newEnv(t, Options{Unthrottled: true})
	ctx := context.Background()
	must(t, e.s.CreateStream(ctx, StreamConfig{Name: "s", ShardCount: 1}))
	keys := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	var order []string
	round := func(n int) {
		for _, k := range keys {
			put(t, e.s, "s", PutEntry{PartitionKey: k, Data: []byte(fmt.Sprint(k, n))})
			order = append(order, fmt.Sprint(k, n))
		}
	}
	round(0)
	must(t, e.s.SplitShard(ctx, "s", "shardId-000000000000", half))
	round(1)
	type want struct {
		id, start, end, parent, adjacent string
		closed                           bool
	}
	check := func(when string, ws []want) {
		t.Helper()
		got := shardsOf(t, e.s, "s")
		if len(got) != len(ws) {
			t.Errorf("%s: %d shards, want %d", when, len(got), len(ws))
		}
		for _, w := range ws {
			g := got[w.id]
			if p, ok := got[w.parent]; ok {
				// The child starts at the stream's sequence after the parent's end.
				start, _ := parseSeq(g.StartingSequence)
				end, _ := parseSeq(p.EndingSequence)
				if start.js != end.js+1 {
					t.Errorf("%s: %s starts at %s, not right after its parent's end %s", when, w.id, g.StartingSequence, p.EndingSequence)
				}
			}
			if g.StartingHashKey != w.start || g.EndingHashKey != w.end || g.ParentShardID != w.parent || g.AdjacentParentShardID != w.adjacent || (g.EndingSequence != "") != w.closed {
				t.Errorf("%s: %s is %+v, want %+v", when, w.id, g, w)
			}
		}
	}
	afterSplit := []want{
		{"shardId-000000000000", "0", maxKey, "", "", true},
		{"shardId-000000000001", "0", halfLess, "shardId-000000000000", "", false},
		{"shardId-000000000002", half, maxKey, "shardId-000000000000", "", false},
	}
	check("after the split", afterSplit)
	for _, c := range []struct{ key, shard string }{
		{"0", "shardId-000000000001"},
		{halfLess, "shardId-000000000001"},
		{half, "shardId-000000000002"},
		{maxKey, "shardId-000000000002"},
	} {
		if r := put(t, e.s, "s", PutEntry{PartitionKey: "x", ExplicitHashKey: c.key, Data: []byte("x")}); r[0].ShardID != c.shard {
			t.Errorf("hash key %s went to %s, want %s", c.key, r[0].ShardID, c.shard)
		}
	}
	// The merge names the shards in the order given, in either range order.
	must(t, e.s.MergeShards(ctx, "s", "shardId-000000000002", "shardId-000000000001"))
	round(2)
	afterMerge := append(afterSplit[:1:1],
		want{"shardId-000000000001", "0", halfLess, "shardId-000000000000", "", true},
		want{"shardId-000000000002", half, maxKey, "shardId-000000000000", "", true},
		want{"shardId-000000000003", "0", maxKey, "shardId-000000000002", "shardId-000000000001", false},
	)
	check("after the merge", afterMerge)
	for _, k := range []string{"0", maxKey} {
		if r := put(t, e.s, "s", PutEntry{PartitionKey: "x", ExplicitHashKey: k, Data: []byte("x")}); r[0].ShardID != "shardId-000000000003" {
			t.Errorf("hash key %s after the merge went to %s", k, r[0].ShardID)
		}
	}
	got := readParentsFirst(t, e.s, "s", nil)
	for _, k := range keys {
		var w []string
		for _, d := range order {
			if strings.HasPrefix(d, k) {
				w = append(w, d)
			}
		}
		if !slices.Equal(got[k], w) {
			t.Errorf("key %s read %v, want %v", k, got[k], w)
		}
	}
	if len(got["x"]) != 6 {
		t.Errorf("read %d routed records, want 6", len(got["x"]))
	}

	// Restarted, the lineage is back and numbering continues.
	e.s.Close()
	s2, err := New(ctx, Options{JetStream: e.b.JetStream(), Unthrottled: true})
	must(t, err)
	e.s = s2
	check("after a restart", afterMerge)
	must(t, e.s.SplitShard(ctx, "s", "shardId-000000000003", quarter))
	check("split after a restart", append(afterMerge[:3:3],
		want{"shardId-000000000003", "0", maxKey, "shardId-000000000002", "shardId-000000000001", true},
		want{"shardId-000000000004", "0", "85070591730234615865843651857942052863", "shardId-000000000003", "", false},
		want{"shardId-000000000005", quarter, maxKey, "shardId-000000000003", "", false},
	))
	if r := put(t, e.s, "s", PutEntry{PartitionKey: "x", ExplicitHashKey: quarter, Data: []byte("x")}); r[0].ShardID != "shardId-000000000005" {
		t.Errorf("after a restart and a split, %s went to %s", quarter, r[0].ShardID)
	}
}

func TestSplitMergeErrors(t *testing.T) {
	e := newEnv(t, Options{Unthrottled: true})
	ctx := context.Background()
	// s: 0 [0, 2^127-1], 1 [2^127, max] closed by the split into
	// 2 [2^127, 3·2^126-1] and 3 [3·2^126, max].
	must(t, e.s.CreateStream(ctx, StreamConfig{Name: "s", ShardCount: 2}))
	must(t, e.s.SplitShard(ctx, "s", "shardId-000000000001", "255211775190703847597530955573826158592"))
	must(t, e.s.CreateStream(ctx, StreamConfig{Name: "od", Mode: OnDemand}))
	split := func(stream, shard, key string) func() error {
		return func() error { return e.s.SplitShard(ctx, stream, shard, key) }
	}
	merge := func(stream, a, b string) func() error {
		return func() error { return e.s.MergeShards(ctx, stream, a, b) }
	}
	for _, c := range []struct {
		name string
		call func() error
		code string
		msg  string
	}{
		{"split: no stream", split("nope", "shardId-000000000000", "1"), CodeResourceNotFound, "Stream nope under account 000000000000 not found."},
		{"split: no shard", split("s", "shardId-000000000009", "1"), CodeResourceNotFound, "Could not find shard shardId-000000000009 in stream s under account 000000000000."},
		{"split: not a shard id", split("s", "shard-0", "1"), CodeResourceNotFound, ""},
		{"split: closed", split("s", "shardId-000000000001", half), CodeInvalidArgument, "Shard shardId-000000000001 in stream s under account 000000000000 has already been merged or split, and thus is not eligible for splitting."},
		{"split: at the start", split("s", "shardId-000000000000", "0"), CodeInvalidArgument, "NewStartingHashKey 0 used in SplitShard() on shard shardId-000000000000 in stream s under account 000000000000 is not both greater than the shard's StartingHashKey 0 and no greater than its EndingHashKey " + halfLess + "."},
		{"split: past the end", split("s", "shardId-000000000000", half), CodeInvalidArgument, ""},
		{"split: below the start", split("s", "shardId-000000000002", "5"), CodeInvalidArgument, ""},
		{"split: not a key", split("s", "shardId-000000000000", "x"), CodeInvalidArgument, ""},
		{"split: on demand", split("od", "shardId-000000000000", "1"), CodeValidation, "SplitShard is not supported for stream od under account 000000000000 in ON_DEMAND capacity mode."},
		{"merge: no stream", merge("nope", "shardId-000000000000", "shardId-000000000002"), CodeResourceNotFound, ""},
		{"merge: no shard", merge("s", "shardId-000000000000", "shardId-000000000007"), CodeResourceNotFound, ""},
		{"merge: closed", merge("s", "shardId-000000000000", "shardId-000000000001"), CodeInvalidArgument, "Shard shardId-000000000001 in stream s under account 000000000000 has already been merged or split, and thus is not eligible for merging."},
		{"merge: not adjacent", merge("s", "shardId-000000000000", "shardId-000000000003"), CodeInvalidArgument, "Shards shardId-000000000000 and shardId-000000000003 in stream s under account 000000000000 are not an adjacent pair of shards eligible for merging"},
		{"merge: wrapping around", merge("s", "shardId-000000000003", "shardId-000000000000"), CodeInvalidArgument, ""},
		{"merge: itself", merge("s", "shardId-000000000002", "shardId-000000000002"), CodeInvalidArgument, ""},
		{"merge: on demand", merge("od", "shardId-000000000000", "shardId-000000000001"), CodeValidation, "MergeShards is not supported for stream od under account 000000000000 in ON_DEMAND capacity mode."},
	} {
		err := c.call()
		if code(err) != c.code || c.msg != "" && err.(*Error).Message != c.msg {
			t.Errorf("%s: %v, want %s %q", c.name, err, c.code, c.msg)
		}
	}
	if n := len(shardsOf(t, e.s, "s")); n != 4 {
		t.Errorf("refused calls changed the shards: %d", n)
	}

	// At the account's limit a split is refused, a merge is not.
	open := 3 + 4 // s and od
	must(t, e.s.CreateStream(ctx, StreamConfig{Name: "big", ShardCount: AccountShardLimit - open}))
	if err := e.s.SplitShard(ctx, "s", "shardId-000000000000", "1"); code(err) != CodeLimitExceeded || !strings.Contains(err.Error(), "shard limit for the account") {
		t.Errorf("split at the limit: %v", err)
	}
	if err := e.s.SplitShard(ctx, "od", "shardId-000000000000", "1"); code(err) != CodeValidation {
		t.Errorf("split of an on-demand stream at the limit: %v", err)
	}
	must(t, e.s.MergeShards(ctx, "s", "shardId-000000000002", "shardId-000000000003"))
	must(t, e.s.SplitShard(ctx, "s", "shardId-000000000000", "1"))
}

// TestUpdateStreamMode: an on-demand stream is not throttled per shard,
// keeps its shards and refuses SplitShard; the mode survives a restart.
func TestUpdateStreamMode(t *testing.T) {
	now := time.Now() // standing still: no token refills
	e := newEnv(t, Options{Now: func() time.Time { return now }})
	ctx := context.Background()
	must(t, e.s.CreateStream(ctx, StreamConfig{Name: "s", ShardCount: 2}))
	big := PutEntry{PartitionKey: "k", Data: make([]byte, 900<<10)}
	putBig := func() error { _, err := e.s.PutRecord(ctx, "s", big); return err }
	must(t, putBig())
	if err := putBig(); code(err) != CodeThroughputExceeded {
		t.Fatalf("provisioned, over the shard's limit: %v", err)
	}
	for _, c := range []struct {
		name, mode, code string
	}{
		{"unknown stream", OnDemand, CodeResourceNotFound},
		{"unknown mode", "FAST", CodeValidation},
		{"to on-demand", OnDemand, ""},
		{"again", OnDemand, ""},
	} {
		stream := "s"
		if c.code == CodeResourceNotFound {
			stream = "nope"
		}
		if err := e.s.UpdateStreamMode(ctx, stream, c.mode); code(err) != c.code {
			t.Errorf("%s: %v, want %q", c.name, err, c.code)
		}
	}
	for range 3 {
		must(t, putBig())
	}
	d, _ := e.s.Describe(ctx, "s", 0, "")
	if d.Mode != OnDemand || d.OpenShards != 2 {
		t.Errorf("on demand: mode %s, %d open shards", d.Mode, d.OpenShards)
	}
	if err := e.s.SplitShard(ctx, "s", "shardId-000000000000", "1"); code(err) != CodeValidation {
		t.Errorf("split on demand: %v", err)
	}
	e.s.Close()
	s2, err := New(ctx, Options{JetStream: e.b.JetStream(), Now: func() time.Time { return now }})
	must(t, err)
	e.s = s2
	if d, _ := e.s.Describe(ctx, "s", 0, ""); d.Mode != OnDemand {
		t.Errorf("after a restart: mode %s", d.Mode)
	}
	must(t, e.s.UpdateStreamMode(ctx, "s", Provisioned))
	must(t, e.s.SplitShard(ctx, "s", "shardId-000000000000", "1"))
}
