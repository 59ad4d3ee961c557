package dynamodb_test

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	stypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// TestStreamGrants: each Streams request is authorized on the stream it
// reads, GetRecords on the one its iterator names (its request names
// none), so a grant on a table's stream covers a function's reader.
func TestStreamGrants(t *testing.T) {
	e := newEnv(t, store.Options{})
	ctx := context.Background()
	if _, err := e.db.CreateTable(ctx, &awsddb.CreateTableInput{TableName: aws.String("events"), BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
		StreamSpecification:  &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeKeysOnly}}); err != nil {
		t.Fatal(err)
	}
	list, err := e.streams.ListStreams(ctx, &dynamodbstreams.ListStreamsInput{TableName: aws.String("events")})
	if err != nil || len(list.Streams) != 1 {
		t.Fatalf("ListStreams: %v %+v", err, list)
	}
	streamARN := aws.ToString(list.Streams[0].StreamArn)
	d, err := e.streams.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: &streamARN})
	if err != nil {
		t.Fatal(err)
	}
	it, err := e.streams.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: &streamARN,
		ShardId: d.StreamDescription.Shards[0].ShardId, ShardIteratorType: stypes.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.streams.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it.ShardIterator}); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"ListStreams":      {arn.Table("events") + "/stream/*"},
		"DescribeStream":   {streamARN},
		"GetShardIterator": {streamARN},
		"GetRecords":       {streamARN},
	}
	for op, res := range want {
		found := false
		for _, r := range e.requests() {
			if r.Operation == op {
				found = true
				if r.Action != "dynamodb:"+op || !slices.Equal(r.Resources, res) {
					t.Errorf("%s authorized as %q on %v, want dynamodb:%s on %v", op, r.Action, r.Resources, op, res)
				}
			}
		}
		if !found {
			t.Errorf("%s was not authorized", op)
		}
	}
}
