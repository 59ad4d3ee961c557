package awsapi

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awskinesis "github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go/middleware"
	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/kinesis"
)

// TestKinesisSDKSplitMerge splits a shard and merges the children back
// with the AWS SDK for Go v2, and checks the shards ListShards shows and
// where records go.
func TestKinesisSDKSplitMerge(t *testing.T) {
	e := newKinesis(t, kinesis.Options{})
	c, ctx := e.c, context.Background()
	of(c.CreateStream(ctx, &awskinesis.CreateStreamInput{StreamName: aws.String("s"), ShardCount: aws.Int32(1)})).must(t)
	const half = "170141183460469231731687303715884105728"
	of(c.SplitShard(ctx, &awskinesis.SplitShardInput{StreamName: aws.String("s"), ShardToSplit: aws.String("shardId-000000000000"), NewStartingHashKey: aws.String(half)})).must(t)
	if got := e.lastAuth("SplitShard"); got.Action != "kinesis:SplitShard" || !slices.Equal(got.Resources, []string{arn.Stream("s")}) {
		t.Errorf("SplitShard authorized as %+v", got)
	}
	type shard struct{ id, start, end, parent, adjacent, closed string }
	list := func() []shard {
		var out []shard
		for _, s := range of(c.ListShards(ctx, &awskinesis.ListShardsInput{StreamName: aws.String("s")})).must(t).Shards {
			closed := "open"
			if s.SequenceNumberRange.EndingSequenceNumber != nil {
				closed = "closed"
			}
			out = append(out, shard{aws.ToString(s.ShardId), aws.ToString(s.HashKeyRange.StartingHashKey), aws.ToString(s.HashKeyRange.EndingHashKey),
				aws.ToString(s.ParentShardId), aws.ToString(s.AdjacentParentShardId), closed})
		}
		return out
	}
	const maxKey = "340282366920938463463374607431768211455"
	want := []shard{
		{"shardId-000000000000", "0", maxKey, "", "", "closed"},
		{"shardId-000000000001", "0", "170141183460469231731687303715884105727", "shardId-000000000000", "", "open"},
		{"shardId-000000000002", half, maxKey, "shardId-000000000000", "", "open"},
	}
	if got := list(); !slices.Equal(got, want) {
		t.Errorf("after SplitShard:\n%+v\nwant\n%+v", got, want)
	}
	pr := of(c.PutRecord(ctx, &awskinesis.PutRecordInput{StreamName: aws.String("s"), Data: []byte("x"), PartitionKey: aws.String("k"), ExplicitHashKey: aws.String(half)})).must(t)
	if aws.ToString(pr.ShardId) != "shardId-000000000002" {
		t.Errorf("hash key %s put in %s", half, aws.ToString(pr.ShardId))
	}
	of(c.MergeShards(ctx, &awskinesis.MergeShardsInput{StreamARN: aws.String(arn.Stream("s")), ShardToMerge: aws.String("shardId-000000000001"), AdjacentShardToMerge: aws.String("shardId-000000000002")})).must(t)
	if got := e.lastAuth("MergeShards"); got.Action != "kinesis:MergeShards" || !slices.Equal(got.Resources, []string{arn.Stream("s")}) {
		t.Errorf("MergeShards authorized as %+v", got)
	}
	want[1].closed, want[2].closed = "closed", "closed"
	want = append(want, shard{"shardId-000000000003", "0", maxKey, "shardId-000000000001", "shardId-000000000002", "open"})
	if got := list(); !slices.Equal(got, want) {
		t.Errorf("after MergeShards:\n%+v\nwant\n%+v", got, want)
	}
	// The closed child's reader is pointed at the merged shard.
	it := of(c.GetShardIterator(ctx, &awskinesis.GetShardIteratorInput{StreamName: aws.String("s"), ShardId: aws.String("shardId-000000000002"), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})).must(t).ShardIterator
	gr := of(c.GetRecords(ctx, &awskinesis.GetRecordsInput{ShardIterator: it})).must(t)
	if len(gr.Records) != 1 || gr.NextShardIterator != nil || len(gr.ChildShards) != 1 || aws.ToString(gr.ChildShards[0].ShardId) != "shardId-000000000003" {
		t.Errorf("end of a merged shard: %d records, next %v, children %+v", len(gr.Records), gr.NextShardIterator, gr.ChildShards)
	}
}

// noClientValidation drops the SDK's check of required members, so the
// server's is what answers.
func noClientValidation(o *awskinesis.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		_, err := s.Initialize.Remove("OperationInputValidation")
		return err
	})
}

func TestKinesisSDKSplitMergeErrors(t *testing.T) {
	e := newKinesis(t, kinesis.Options{})
	c, ctx := e.c, context.Background()
	of(c.CreateStream(ctx, &awskinesis.CreateStreamInput{StreamName: aws.String("s"), ShardCount: aws.Int32(3)})).must(t)
	of(c.CreateStream(ctx, &awskinesis.CreateStreamInput{StreamName: aws.String("od"), StreamModeDetails: &types.StreamModeDetails{StreamMode: types.StreamModeOnDemand}})).must(t)
	split := func(stream, shard, key *string) func() error {
		return func() error {
			_, err := c.SplitShard(ctx, &awskinesis.SplitShardInput{StreamName: stream, ShardToSplit: shard, NewStartingHashKey: key}, noClientValidation)
			return err
		}
	}
	merge := func(stream, a, b *string) func() error {
		return func() error {
			_, err := c.MergeShards(ctx, &awskinesis.MergeShardsInput{StreamName: stream, ShardToMerge: a, AdjacentShardToMerge: b}, noClientValidation)
			return err
		}
	}
	s, od, s0, s1, s2 := aws.String("s"), aws.String("od"), aws.String("shardId-000000000000"), aws.String("shardId-000000000001"), aws.String("shardId-000000000002")
	for _, c := range []struct {
		name string
		call func() error
		code string
		msg  string
	}{
		{"split: members left out", split(s, nil, nil), "ValidationException", "2 validation errors detected: Value null at 'shardToSplit' failed to satisfy constraint: Member must not be null; Value null at 'newStartingHashKey'"},
		{"split: not a hash key", split(s, s0, aws.String("01")), "ValidationException", "1 validation error detected: Value '01' at 'newStartingHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})"},
		{"split: hash key too long", split(s, s0, aws.String(strings.Repeat("9", 40))), "ValidationException", "newStartingHashKey"},
		{"split: bad shard id", split(s, aws.String("shard/0"), aws.String("1")), "ValidationException", "Value 'shard/0' at 'shardToSplit'"},
		{"split: no stream", split(aws.String("nope"), s0, aws.String("1")), "ResourceNotFoundException", "Stream nope under account 000000000000 not found."},
		{"split: no shard", split(s, aws.String("shardId-000000000007"), aws.String("1")), "ResourceNotFoundException", "Could not find shard shardId-000000000007"},
		{"split: outside the shard", split(s, s1, aws.String("1")), "InvalidArgumentException", "NewStartingHashKey 1 used in SplitShard() on shard shardId-000000000001"},
		{"split: on demand", split(od, s0, aws.String("1")), "ValidationException", "SplitShard is not supported for stream od under account 000000000000 in ON_DEMAND capacity mode."},
		{"merge: members left out", merge(s, nil, nil), "ValidationException", "2 validation errors detected: Value null at 'shardToMerge' failed to satisfy constraint: Member must not be null; Value null at 'adjacentShardToMerge'"},
		{"merge: no shard", merge(s, s0, aws.String("shardId-000000000007")), "ResourceNotFoundException", ""},
		{"merge: not adjacent", merge(s, s0, s2), "InvalidArgumentException", "are not an adjacent pair of shards eligible for merging"},
		{"merge: on demand", merge(od, s0, s1), "ValidationException", "MergeShards is not supported"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.call()
			if errorCode(err) != c.code || !strings.Contains(fmt.Sprint(err), c.msg) {
				t.Errorf("got %v (%s), want %s containing %q", err, errorCode(err), c.code, c.msg)
			}
		})
	}
	// A merged shard is closed: neither it nor its pair merges again.
	of(c.MergeShards(ctx, &awskinesis.MergeShardsInput{StreamName: s, ShardToMerge: s1, AdjacentShardToMerge: s2})).must(t)
	if _, err := c.MergeShards(ctx, &awskinesis.MergeShardsInput{StreamName: s, ShardToMerge: s0, AdjacentShardToMerge: s1}); errorCode(err) != "InvalidArgumentException" || !strings.Contains(err.Error(), "has already been merged or split") {
		t.Errorf("merging a closed shard: %v", err)
	}
}

// TestKinesisSDKUpdateStreamMode switches a stream to on-demand and back
// with the AWS SDK for Go v2.
func TestKinesisSDKUpdateStreamMode(t *testing.T) {
	e := newKinesis(t, kinesis.Options{})
	c, ctx := e.c, context.Background()
	of(c.CreateStream(ctx, &awskinesis.CreateStreamInput{StreamName: aws.String("s"), ShardCount: aws.Int32(2)})).must(t)
	mode := func() (types.StreamMode, int32) {
		sum := of(c.DescribeStreamSummary(ctx, &awskinesis.DescribeStreamSummaryInput{StreamName: aws.String("s")})).must(t).StreamDescriptionSummary
		return sum.StreamModeDetails.StreamMode, aws.ToInt32(sum.OpenShardCount)
	}
	for _, m := range []types.StreamMode{types.StreamModeOnDemand, types.StreamModeProvisioned} {
		of(c.UpdateStreamMode(ctx, &awskinesis.UpdateStreamModeInput{StreamARN: aws.String(arn.Stream("s")), StreamModeDetails: &types.StreamModeDetails{StreamMode: m}})).must(t)
		if got, open := mode(); got != m || open != 2 {
			t.Errorf("after UpdateStreamMode %s: %s, %d open shards", m, got, open)
		}
	}
	if got := e.lastAuth("UpdateStreamMode"); got.Action != "kinesis:UpdateStreamMode" || !slices.Equal(got.Resources, []string{arn.Stream("s")}) {
		t.Errorf("UpdateStreamMode authorized as %+v", got)
	}
	for _, tc := range []struct {
		name string
		in   *awskinesis.UpdateStreamModeInput
		code string
		msg  string
	}{
		{"members left out", &awskinesis.UpdateStreamModeInput{}, "ValidationException", "2 validation errors detected: Value null at 'streamARN' failed to satisfy constraint: Member must not be null; Value null at 'streamModeDetails'"},
		{"unknown mode", &awskinesis.UpdateStreamModeInput{StreamARN: aws.String(arn.Stream("s")), StreamModeDetails: &types.StreamModeDetails{StreamMode: "FAST"}}, "ValidationException", "Value 'FAST' at 'streamModeDetails.streamMode'"},
		{"unknown stream", &awskinesis.UpdateStreamModeInput{StreamARN: aws.String(arn.Stream("nope")), StreamModeDetails: &types.StreamModeDetails{StreamMode: types.StreamModeOnDemand}}, "ResourceNotFoundException", "Stream nope under account 000000000000 not found."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.UpdateStreamMode(ctx, tc.in, noClientValidation)
			if errorCode(err) != tc.code || !strings.Contains(fmt.Sprint(err), tc.msg) {
				t.Errorf("got %v (%s), want %s containing %q", err, errorCode(err), tc.code, tc.msg)
			}
		})
	}
}
