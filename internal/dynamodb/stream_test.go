package dynamodb_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	stypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// streamed creates an on-demand table keyed on pk with a stream of view.
func streamed(t *testing.T, e *env, name string, view types.StreamViewType) *types.TableDescription {
	t.Helper()
	in := onDemand(name)
	in.StreamSpecification = &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: view}
	return need[*awsddb.CreateTableOutput](t)(e.db.CreateTable(context.Background(), in)).TableDescription
}

// put writes an item {pk: S pk, v: N v} through the store.
func put(t *testing.T, e *env, table, pk string, v int) {
	t.Helper()
	item := fmt.Sprintf(`{"pk":{"S":%q},"v":{"N":"%d"}}`, pk, v)
	if _, err := e.st.Put(context.Background(), table, []byte(item), nil); err != nil {
		t.Fatal(err)
	}
}

// iter gets a shard iterator of the only shard of stream a.
func iter(t *testing.T, e *env, a string, typ stypes.ShardIteratorType, seq string) string {
	t.Helper()
	ctx := context.Background()
	d := need[*dynamodbstreams.DescribeStreamOutput](t)(e.streams.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(a)}))
	if len(d.StreamDescription.Shards) != 1 {
		t.Fatalf("shards %+v", d.StreamDescription.Shards)
	}
	in := &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(a), ShardId: d.StreamDescription.Shards[0].ShardId, ShardIteratorType: typ}
	if seq != "" {
		in.SequenceNumber = aws.String(seq)
	}
	return aws.ToString(need[*dynamodbstreams.GetShardIteratorOutput](t)(e.streams.GetShardIterator(ctx, in)).ShardIterator)
}

// drain reads from it to the stream's tip, limit records a call.
func drain(t *testing.T, e *env, it string, limit int32) (recs []stypes.Record, calls int) {
	t.Helper()
	for it != "" {
		out := need[*dynamodbstreams.GetRecordsOutput](t)(e.streams.GetRecords(context.Background(),
			&dynamodbstreams.GetRecordsInput{ShardIterator: aws.String(it), Limit: aws.Int32(limit)}))
		calls++
		recs = append(recs, out.Records...)
		if len(out.Records) == 0 {
			break
		}
		it = aws.ToString(out.NextShardIterator)
	}
	return recs, calls
}

// image is a record image's pk and v, "-" when absent.
func image(img map[string]stypes.AttributeValue) string {
	if img == nil {
		return "-"
	}
	pk, _ := img["pk"].(*stypes.AttributeValueMemberS)
	v, _ := img["v"].(*stypes.AttributeValueMemberN)
	if pk == nil || v == nil {
		return fmt.Sprintf("%d attrs", len(img))
	}
	return pk.Value + "=" + v.Value
}

// TestStreamViews: through the SDK's Streams client, each view type
// shows the images it keeps of an insert, a modify and a remove.
func TestStreamViews(t *testing.T) {
	tests := []struct {
		view types.StreamViewType
		want []string // event old new
	}{
		{types.StreamViewTypeKeysOnly, []string{"INSERT - -", "MODIFY - -", "REMOVE - -"}},
		{types.StreamViewTypeNewImage, []string{"INSERT - a=1", "MODIFY - a=2", "REMOVE - -"}},
		{types.StreamViewTypeOldImage, []string{"INSERT - -", "MODIFY a=1 -", "REMOVE a=2 -"}},
		{types.StreamViewTypeNewAndOldImages, []string{"INSERT - a=1", "MODIFY a=1 a=2", "REMOVE a=2 -"}},
	}
	e := newEnv(t, store.Options{})
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(string(tt.view), func(t *testing.T) {
			name := "v-" + strings.ToLower(string(tt.view))
			d := streamed(t, e, name, tt.view)
			put(t, e, name, "a", 1)
			put(t, e, name, "a", 2)
			if _, err := e.st.Delete(ctx, name, []byte(`{"pk":{"S":"a"}}`), nil); err != nil {
				t.Fatal(err)
			}
			recs, _ := drain(t, e, iter(t, e, aws.ToString(d.LatestStreamArn), stypes.ShardIteratorTypeTrimHorizon, ""), 100)
			var got []string
			prev := ""
			for _, r := range recs {
				got = append(got, fmt.Sprintf("%s %s %s", r.EventName, image(r.Dynamodb.OldImage), image(r.Dynamodb.NewImage)))
				k, _ := r.Dynamodb.Keys["pk"].(*stypes.AttributeValueMemberS)
				seq := aws.ToString(r.Dynamodb.SequenceNumber)
				if k == nil || k.Value != "a" || len(r.Dynamodb.Keys) != 1 || r.Dynamodb.StreamViewType != stypes.StreamViewType(tt.view) ||
					seq <= prev || aws.ToString(r.EventSource) != "aws:dynamodb" || r.UserIdentity != nil {
					t.Errorf("record %+v", r.Dynamodb)
				}
				prev = seq
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("records\n%v\nwant\n%v", got, tt.want)
			}
		})
	}
}

// TestStreamDescribeList: ListStreams and DescribeStream describe a
// table's stream and its one shard, stable from call to call.
func TestStreamDescribeList(t *testing.T) {
	e := newEnv(t, store.Options{})
	ctx := context.Background()
	var arns []string
	for _, n := range []string{"s-b", "s-a", "s-c"} {
		arns = append(arns, aws.ToString(streamed(t, e, n, types.StreamViewTypeNewImage).LatestStreamArn))
	}
	need[*awsddb.CreateTableOutput](t)(e.db.CreateTable(ctx, onDemand("nostream")))
	var listed []string
	in := &dynamodbstreams.ListStreamsInput{Limit: aws.Int32(2)}
	for pages := 0; ; pages++ {
		out := need[*dynamodbstreams.ListStreamsOutput](t)(e.streams.ListStreams(ctx, in))
		for _, s := range out.Streams {
			listed = append(listed, aws.ToString(s.TableName))
		}
		if out.LastEvaluatedStreamArn == nil || pages > 3 {
			break
		}
		in.ExclusiveStartStreamArn = out.LastEvaluatedStreamArn
	}
	if strings.Join(listed, ",") != "s-a,s-b,s-c" {
		t.Errorf("listed %v", listed)
	}
	one := need[*dynamodbstreams.ListStreamsOutput](t)(e.streams.ListStreams(ctx, &dynamodbstreams.ListStreamsInput{TableName: aws.String("s-b")}))
	if len(one.Streams) != 1 || aws.ToString(one.Streams[0].StreamArn) != arns[0] {
		t.Errorf("s-b's streams %+v", one.Streams)
	}
	put(t, e, "s-a", "x", 1)
	d1 := need[*dynamodbstreams.DescribeStreamOutput](t)(e.streams.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arns[1])})).StreamDescription
	put(t, e, "s-a", "y", 1)
	d2 := need[*dynamodbstreams.DescribeStreamOutput](t)(e.streams.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arns[1])})).StreamDescription
	if d1.StreamStatus != stypes.StreamStatusEnabled || d1.StreamViewType != stypes.StreamViewTypeNewImage || aws.ToString(d1.TableName) != "s-a" ||
		len(d1.KeySchema) != 1 || d1.CreationRequestDateTime == nil || len(d1.Shards) != 1 {
		t.Fatalf("description %+v", d1)
	}
	s1, s2 := d1.Shards[0], d2.Shards[0]
	if aws.ToString(s1.ShardId) != aws.ToString(s2.ShardId) || !strings.HasPrefix(aws.ToString(s1.ShardId), "shardId-") ||
		aws.ToString(s1.SequenceNumberRange.StartingSequenceNumber) != aws.ToString(s2.SequenceNumberRange.StartingSequenceNumber) ||
		s1.SequenceNumberRange.EndingSequenceNumber != nil {
		t.Errorf("shard %+v then %+v", s1, s2)
	}
	recs, _ := drain(t, e, iter(t, e, arns[1], stypes.ShardIteratorTypeTrimHorizon, ""), 10)
	if len(recs) != 2 || aws.ToString(recs[0].Dynamodb.SequenceNumber) != aws.ToString(s1.SequenceNumberRange.StartingSequenceNumber) {
		t.Errorf("first record %+v, shard starts %s", recs, aws.ToString(s1.SequenceNumberRange.StartingSequenceNumber))
	}
}

// TestStreamPositions: LATEST, AT_ and AFTER_SEQUENCE_NUMBER, and paging
// by Limit through NextShardIterator.
func TestStreamPositions(t *testing.T) {
	e := newEnv(t, store.Options{})
	a := aws.ToString(streamed(t, e, "pos", types.StreamViewTypeNewImage).LatestStreamArn)
	for i := range 3 {
		put(t, e, "pos", "k", i)
	}
	latest := iter(t, e, a, stypes.ShardIteratorTypeLatest, "")
	for i := 3; i < 5; i++ {
		put(t, e, "pos", "k", i)
	}
	all, calls := drain(t, e, iter(t, e, a, stypes.ShardIteratorTypeTrimHorizon, ""), 2)
	if len(all) != 5 || calls != 4 { // 2, 2, 1, then an empty read
		t.Fatalf("%d records in %d calls", len(all), calls)
	}
	vals := func(recs []stypes.Record) string {
		var s []string
		for _, r := range recs {
			s = append(s, image(r.Dynamodb.NewImage))
		}
		return strings.Join(s, ",")
	}
	seq2 := aws.ToString(all[2].Dynamodb.SequenceNumber)
	for _, tt := range []struct {
		name, it, want string
	}{
		{"latest", latest, "k=3,k=4"},
		{"at", iter(t, e, a, stypes.ShardIteratorTypeAtSequenceNumber, seq2), "k=2,k=3,k=4"},
		{"after", iter(t, e, a, stypes.ShardIteratorTypeAfterSequenceNumber, seq2), "k=3,k=4"},
	} {
		if got, _ := drain(t, e, tt.it, 100); vals(got) != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, vals(got), tt.want)
		}
	}
}

// TestStreamIteratorExpiry: an iterator reads for 15 minutes after it is
// issued, and NextShardIterator is a new one.
func TestStreamIteratorExpiry(t *testing.T) {
	clock := &stopped{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	e := newEnv(t, store.Options{Now: clock.Now, TTLInterval: -1})
	ctx := context.Background()
	a := aws.ToString(streamed(t, e, "exp", types.StreamViewTypeKeysOnly).LatestStreamArn)
	put(t, e, "exp", "a", 1)
	it := iter(t, e, a, stypes.ShardIteratorTypeTrimHorizon, "")
	clock.Add(15 * time.Minute)
	out := need[*dynamodbstreams.GetRecordsOutput](t)(e.streams.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: aws.String(it)}))
	if len(out.Records) != 1 {
		t.Fatalf("at 15 minutes: %d records", len(out.Records))
	}
	clock.Add(time.Millisecond)
	_, err := e.streams.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: aws.String(it)})
	wantError(t, err, "ExpiredIteratorException", "Shard iterator has expired")
	next := need[*dynamodbstreams.GetRecordsOutput](t)(e.streams.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: out.NextShardIterator}))
	if len(next.Records) != 0 || next.NextShardIterator == nil {
		t.Errorf("next iterator read %+v", next)
	}
}

// TestStreamTTLRecord: an item removed by TTL makes a REMOVE record whose
// userIdentity is DynamoDB's.
func TestStreamTTLRecord(t *testing.T) {
	clock := &stopped{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	e := newEnv(t, store.Options{Now: clock.Now, TTLInterval: time.Millisecond})
	ctx := context.Background()
	a := aws.ToString(streamed(t, e, "ttl", types.StreamViewTypeNewAndOldImages).LatestStreamArn)
	need[*awsddb.UpdateTimeToLiveOutput](t)(e.db.UpdateTimeToLive(ctx, &awsddb.UpdateTimeToLiveInput{TableName: aws.String("ttl"),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String("exp"), Enabled: aws.Bool(true)}}))
	exp := clock.Now().Add(time.Hour).Unix()
	if _, err := e.st.Put(ctx, "ttl", fmt.Appendf(nil, `{"pk":{"S":"a"},"exp":{"N":"%d"}}`, exp), nil); err != nil {
		t.Fatal(err)
	}
	tip := streamTip(t, e, "ttl")
	clock.Add(2 * time.Hour)
	// The sweeper removes the item on a tick of its own: wait for its
	// write (ReadStream waits for one), then read it through the API.
	if r, err := e.st.ReadStream(ctx, "ttl", tip, 10, time.Minute); err != nil || len(r.Records) == 0 {
		t.Fatalf("no TTL removal: %+v %v", r, err)
	}
	recs, _ := drain(t, e, iter(t, e, a, stypes.ShardIteratorTypeTrimHorizon, ""), 10)
	if len(recs) != 2 || recs[0].UserIdentity != nil {
		t.Fatalf("records %+v", recs)
	}
	r := recs[1]
	if r.EventName != stypes.OperationTypeRemove || r.UserIdentity == nil || aws.ToString(r.UserIdentity.Type) != "Service" ||
		aws.ToString(r.UserIdentity.PrincipalId) != "dynamodb.amazonaws.com" || r.Dynamodb.OldImage == nil {
		t.Errorf("TTL record %+v identity %+v", r, r.UserIdentity)
	}
}

func streamTip(t *testing.T, e *env, table string) uint64 {
	t.Helper()
	tip, err := e.st.StreamTip(table)
	if err != nil {
		t.Fatal(err)
	}
	return tip
}

// TestStreamNotFound: a stream ARN with another label, a shard that is
// not the stream's, and iterators of a deleted table are not found; an
// iterator not made here is invalid.
func TestStreamNotFound(t *testing.T) {
	e := newEnv(t, store.Options{})
	ctx := context.Background()
	a := aws.ToString(streamed(t, e, "nfx", types.StreamViewTypeKeysOnly).LatestStreamArn)
	other := a[:strings.LastIndex(a, "/")+1] + "2020-01-01T00:00:00.000"
	_, err := e.streams.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(other)})
	wantError(t, err, "ResourceNotFoundException", "Requested resource not found: Stream: "+other+" not found")
	_, err = e.streams.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(a),
		ShardId: aws.String("shardId-00000000000000000000-00000000"), ShardIteratorType: stypes.ShardIteratorTypeLatest})
	wantError(t, err, "ResourceNotFoundException", "Requested resource not found: Shard does not exist")
	it := iter(t, e, a, stypes.ShardIteratorTypeTrimHorizon, "")
	_, err = e.streams.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: aws.String(it[:len(it)-4] + "AAAA")})
	wantError(t, err, "ValidationException", "Invalid ShardIterator")

	need[*awsddb.DeleteTableOutput](t)(e.db.DeleteTable(ctx, &awsddb.DeleteTableInput{TableName: aws.String("nfx")}))
	streamed(t, e, "nfx", types.StreamViewTypeKeysOnly)
	_, err = e.streams.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: aws.String(it)})
	wantError(t, err, "ResourceNotFoundException", "Requested resource not found: Stream: "+a+" not found")
}

// TestStreamDisable: UpdateTable turns a stream off and on, with AWS's
// messages; the disabled stream is DISABLED with a closed shard, the
// stream enabled again has a new label, and the old one is gone 24 hours
// after it was disabled.
func TestStreamDisable(t *testing.T) {
	clock := &stopped{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	e := newEnv(t, store.Options{Now: clock.Now, TTLInterval: -1})
	ctx := context.Background()
	a := aws.ToString(streamed(t, e, "dis", types.StreamViewTypeNewImage).LatestStreamArn)
	update := func(spec types.StreamSpecification) (*awsddb.UpdateTableOutput, error) {
		return e.db.UpdateTable(ctx, &awsddb.UpdateTableInput{TableName: aws.String("dis"), StreamSpecification: &spec})
	}
	_, err := update(types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeKeysOnly})
	wantError(t, err, "ValidationException", "Table already has an enabled stream: TableName: dis")
	_, err = update(types.StreamSpecification{StreamEnabled: aws.Bool(false), StreamViewType: types.StreamViewTypeKeysOnly})
	wantError(t, err, "ValidationException", "One or more parameter values were invalid: If stream is being disabled, then UpdateViewType must not be specified")
	it := iter(t, e, a, stypes.ShardIteratorTypeTrimHorizon, "")
	d := need[*awsddb.UpdateTableOutput](t)(update(types.StreamSpecification{StreamEnabled: aws.Bool(false)})).TableDescription
	if d.StreamSpecification != nil || aws.ToString(d.LatestStreamArn) != a {
		t.Errorf("disabled: spec %+v, latest %s", d.StreamSpecification, aws.ToString(d.LatestStreamArn))
	}
	_, err = update(types.StreamSpecification{StreamEnabled: aws.Bool(false)})
	wantError(t, err, "ValidationException", "Table has no stream to disable: TableName: dis")
	sd := need[*dynamodbstreams.DescribeStreamOutput](t)(e.streams.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(a)})).StreamDescription
	if sd.StreamStatus != stypes.StreamStatusDisabled || sd.StreamViewType != stypes.StreamViewTypeNewImage || sd.Shards[0].SequenceNumberRange.EndingSequenceNumber == nil {
		t.Errorf("disabled stream %+v", sd)
	}
	out := need[*dynamodbstreams.GetRecordsOutput](t)(e.streams.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: aws.String(it)}))
	if len(out.Records) != 0 || out.NextShardIterator != nil {
		t.Errorf("closed shard read %+v", out)
	}
	clock.Add(time.Second)
	d = need[*awsddb.UpdateTableOutput](t)(update(types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeKeysOnly})).TableDescription
	if aws.ToString(d.LatestStreamArn) == a || d.StreamSpecification.StreamViewType != types.StreamViewTypeKeysOnly {
		t.Errorf("enabled again: %s %+v", aws.ToString(d.LatestStreamArn), d.StreamSpecification)
	}
	sd = need[*dynamodbstreams.DescribeStreamOutput](t)(e.streams.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(a)})).StreamDescription
	if sd.StreamStatus != stypes.StreamStatusDisabled {
		t.Errorf("old stream after enabling again: %s", sd.StreamStatus)
	}
	clock.Add(24*time.Hour - time.Second)
	_, err = e.streams.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(a)})
	wantError(t, err, "ResourceNotFoundException", "Requested resource not found: Stream: "+a+" not found")
}

// TestStreamTrimmed: records older than 24 hours are not served, and an
// iterator at one of their sequence numbers is refused as trimmed.
func TestStreamTrimmed(t *testing.T) {
	clock := &stopped{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	e := newEnv(t, store.Options{Now: clock.Now, TTLInterval: -1})
	ctx := context.Background()
	a := aws.ToString(streamed(t, e, "trim", types.StreamViewTypeNewImage).LatestStreamArn)
	put(t, e, "trim", "old", 1)
	old, _ := drain(t, e, iter(t, e, a, stypes.ShardIteratorTypeTrimHorizon, ""), 10)
	clock.Add(24*time.Hour + time.Second)
	put(t, e, "trim", "new", 2)
	recs, _ := drain(t, e, iter(t, e, a, stypes.ShardIteratorTypeTrimHorizon, ""), 10)
	if len(old) != 1 || len(recs) != 1 || image(recs[0].Dynamodb.NewImage) != "new=2" {
		t.Fatalf("before %d records, after %+v", len(old), recs)
	}
	d := need[*dynamodbstreams.DescribeStreamOutput](t)(e.streams.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(a)}))
	sh := d.StreamDescription.Shards[0]
	if aws.ToString(sh.SequenceNumberRange.StartingSequenceNumber) != aws.ToString(recs[0].Dynamodb.SequenceNumber) {
		t.Errorf("shard starts at %s, oldest record %s", aws.ToString(sh.SequenceNumberRange.StartingSequenceNumber), aws.ToString(recs[0].Dynamodb.SequenceNumber))
	}
	_, err := e.streams.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(a), ShardId: sh.ShardId,
		ShardIteratorType: stypes.ShardIteratorTypeAtSequenceNumber, SequenceNumber: old[0].Dynamodb.SequenceNumber})
	wantError(t, err, "TrimmedDataAccessException", "The operation attempted to read past the oldest stream record in a shard.")
}
