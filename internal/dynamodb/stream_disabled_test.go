package dynamodb_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	stypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// setStream enables (view) or disables ("") table's stream.
func setStream(t *testing.T, e *env, table string, view types.StreamViewType) string {
	t.Helper()
	spec := types.StreamSpecification{StreamEnabled: aws.Bool(view != ""), StreamViewType: view}
	d := need[*awsddb.UpdateTableOutput](t)(e.db.UpdateTable(context.Background(), &awsddb.UpdateTableInput{TableName: aws.String(table), StreamSpecification: &spec}))
	return aws.ToString(d.TableDescription.LatestStreamArn)
}

// readAll reads a closed shard from it to its end, which has no next
// iterator.
func readAll(t *testing.T, e *env, it string) []stypes.Record {
	t.Helper()
	var recs []stypes.Record
	for i := 0; it != ""; i++ {
		if i > 10 {
			t.Fatal("a closed shard's reads do not end")
		}
		out := need[*dynamodbstreams.GetRecordsOutput](t)(e.streams.GetRecords(context.Background(),
			&dynamodbstreams.GetRecordsInput{ShardIterator: aws.String(it), Limit: aws.Int32(1)}))
		recs = append(recs, out.Records...)
		it = aws.ToString(out.NextShardIterator)
	}
	return recs
}

// streamARNs lists table's streams.
func streamARNs(t *testing.T, e *env, table string) []string {
	t.Helper()
	out := need[*dynamodbstreams.ListStreamsOutput](t)(e.streams.ListStreams(context.Background(), &dynamodbstreams.ListStreamsInput{TableName: aws.String(table)}))
	var arns []string
	for _, s := range out.Streams {
		arns = append(arns, aws.ToString(s.StreamArn))
	}
	return arns
}

// TestStreamDisabledReadable: a disabled stream is listed, described as
// DISABLED with a closed shard, and serves its records in its own view
// for 24 hours; the stream enabled again (at the same millisecond) has a
// new label and only the writes after it, so no record is in both.
func TestStreamDisabledReadable(t *testing.T) {
	clock := &stopped{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	e := newEnv(t, store.Options{Now: clock.Now, TTLInterval: -1})
	ctx := context.Background()
	old := aws.ToString(streamed(t, e, "pst", types.StreamViewTypeNewAndOldImages).LatestStreamArn)
	put(t, e, "pst", "a", 1)
	put(t, e, "pst", "a", 2)
	setStream(t, e, "pst", "")
	put(t, e, "pst", "b", 3) // in no stream
	cur := setStream(t, e, "pst", types.StreamViewTypeKeysOnly)
	put(t, e, "pst", "c", 4)
	if cur == old {
		t.Fatalf("the stream enabled again has the old label %s", cur)
	}
	if got := streamARNs(t, e, "pst"); len(got) != 2 || got[0] != old || got[1] != cur {
		t.Errorf("streams %v, want %s and %s", got, old, cur)
	}
	sd := need[*dynamodbstreams.DescribeStreamOutput](t)(e.streams.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(old)})).StreamDescription
	recs := readAll(t, e, iter(t, e, old, stypes.ShardIteratorTypeTrimHorizon, ""))
	if len(recs) != 2 || image(recs[1].Dynamodb.OldImage) != "a=1" || image(recs[1].Dynamodb.NewImage) != "a=2" ||
		recs[1].Dynamodb.StreamViewType != stypes.StreamViewTypeNewAndOldImages {
		t.Fatalf("old stream's records %+v", recs)
	}
	rng := sd.Shards[0].SequenceNumberRange
	if sd.StreamStatus != stypes.StreamStatusDisabled || sd.StreamViewType != stypes.StreamViewTypeNewAndOldImages ||
		aws.ToString(rng.StartingSequenceNumber) != aws.ToString(recs[0].Dynamodb.SequenceNumber) ||
		aws.ToString(rng.EndingSequenceNumber) != aws.ToString(recs[1].Dynamodb.SequenceNumber) {
		t.Errorf("old stream %+v, shard %s..%s", sd, aws.ToString(rng.StartingSequenceNumber), aws.ToString(rng.EndingSequenceNumber))
	}
	if late := readAll(t, e, iter(t, e, old, stypes.ShardIteratorTypeLatest, "")); len(late) != 0 {
		t.Errorf("LATEST of the closed shard read %d records", len(late))
	}
	now, _ := drain(t, e, iter(t, e, cur, stypes.ShardIteratorTypeTrimHorizon, ""), 10)
	if len(now) != 1 || now[0].Dynamodb.NewImage != nil || now[0].Dynamodb.StreamViewType != stypes.StreamViewTypeKeysOnly {
		t.Fatalf("new stream's records %+v", now)
	}
	clock.Add(24 * time.Hour)
	if got := streamARNs(t, e, "pst"); len(got) != 1 || got[0] != cur {
		t.Errorf("streams a day later %v, want %s", got, cur)
	}
	_, err := e.streams.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(old)})
	wantError(t, err, "ResourceNotFoundException", "Requested resource not found: Stream: "+old+" not found")
}

// TestStreamTrimmedIterator: an iterator whose next record was trimmed
// after it was issued is refused with AWS's exception, where a
// TRIM_HORIZON iterator starts at the oldest record kept.
func TestStreamTrimmedIterator(t *testing.T) {
	clock := &stopped{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	e := newEnv(t, store.Options{Now: clock.Now, TTLInterval: -1})
	a := aws.ToString(streamed(t, e, "tri", types.StreamViewTypeNewImage).LatestStreamArn)
	put(t, e, "tri", "a", 1)
	clock.Add(time.Minute)
	put(t, e, "tri", "b", 2)
	clock.Add(24*time.Hour - 90*time.Second)
	first, _ := drain(t, e, iter(t, e, a, stypes.ShardIteratorTypeTrimHorizon, ""), 1)
	if len(first) != 2 {
		t.Fatalf("records before the trim %+v", first)
	}
	at := iter(t, e, a, stypes.ShardIteratorTypeAtSequenceNumber, aws.ToString(first[0].Dynamodb.SequenceNumber))
	horizon := iter(t, e, a, stypes.ShardIteratorTypeTrimHorizon, "")
	clock.Add(time.Minute) // a is past 24 hours, b is not
	_, err := e.streams.GetRecords(context.Background(), &dynamodbstreams.GetRecordsInput{ShardIterator: aws.String(at)})
	wantError(t, err, "TrimmedDataAccessException", "The operation attempted to read past the oldest stream record in a shard.")
	recs, _ := drain(t, e, horizon, 10)
	if len(recs) != 1 || image(recs[0].Dynamodb.NewImage) != "b=2" {
		t.Errorf("TRIM_HORIZON after the trim read %+v", recs)
	}
}
