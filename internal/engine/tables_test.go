package engine

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/verge-edge/verge/internal/arn"
	ddb "github.com/verge-edge/verge/internal/dynamodb"
	"github.com/verge-edge/verge/internal/dynamodb/store"
	"github.com/verge-edge/verge/internal/identity"
	"github.com/verge-edge/verge/internal/stack"
)

// tablesYAML is the quickstart's table and its stream's reader, whose
// failed batches go to a queue.
const tablesYAML = `resources:
  failures:
    type: sqs-queue
  visits:
    type: dynamo-db-table
    properties:
      primaryKey:
        partitionKey: {name: id, type: string}
      streamType: NEW_AND_OLD_IMAGES
  changes:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: changes.py}}
      events:
        - type: dynamo-db-stream
          properties:
            streamArn: $ResourceParam('visits', 'streamArn')
            batchSize: 10
            maximumRetryAttempts: 0
            onFailure:
              arn: $ResourceParam('failures', 'arn')
              type: sqs
`

// changesPy logs each record of its event on a line of its own, unless an
// item of the batch has the attribute fail.
const changesPy = `import json

def handler(event, context):
    if any("fail" in r["dynamodb"].get("NewImage", {}) for r in event["Records"]):
        raise ValueError("a poison item")
    for r in event["Records"]:
        print("CHANGE " + json.dumps(r, separators=(",", ":")))
`

// lineTap hands a function's CHANGE lines and its errors to the test.
type lineTap struct {
	lines  chan string
	failed chan string
}

func (t *lineTap) Line(fn, line string) {
	if rest, ok := strings.CutPrefix(line, "CHANGE "); ok && fn == "changes" {
		select {
		case t.lines <- rest:
		default: // the test has what it needs
		}
	}
}

func (t *lineTap) Failed(fn, typ, msg string, stack []string) {
	select {
	case t.failed <- fn + ": " + typ + ": " + msg:
	default:
	}
}

// next is the next record the function logged.
func (t *lineTap) next(tt *testing.T) events.DynamoDBEventRecord {
	tt.Helper()
	select {
	case l := <-t.lines:
		var r events.DynamoDBEventRecord
		d := json.NewDecoder(strings.NewReader(l))
		d.DisallowUnknownFields()
		if err := d.Decode(&r); err != nil {
			tt.Fatalf("event record %s: %v", l, err)
		}
		return r
	case f := <-t.failed:
		tt.Fatalf("the function failed: %s", f)
	case <-time.After(60 * time.Second):
		tt.Fatal("no record reached the function")
	}
	return events.DynamoDBEventRecord{}
}

// TestTableStreamTrigger runs the stack's table and a Python function on
// its stream through the real API, store, event source mapping and
// sandbox, with the SDK for Go v2 writing: a PutItem reaches the function
// as an INSERT of the stream's ARN, an UpdateItem as a MODIFY with both
// images, in AWS's event shape; GetItem reads the item back; a batch the
// function fails goes to the onFailure queue with DDBStreamBatchInfo; the
// mapping is listed by Lambda's API under the stream's ARN.
func TestTableStreamTrigger(t *testing.T) {
	tap := &lineTap{lines: make(chan string, 10), failed: make(chan string, 10)}
	e, _ := serveStack(t, map[string]string{"verge.yaml": tablesYAML, "changes.py": changesPy}, Options{Tap: tap})
	_, adminAddr := e.Addrs()
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	creds := credentials.NewStaticCredentialsProvider(identity.AdminAccessKeyID, "tok", "")
	db := dynamodb.New(dynamodb.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + adminAddr), HTTPClient: &http.Client{Transport: tr}, Credentials: creds})
	lam := lambda.New(lambda.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + adminAddr), HTTPClient: &http.Client{Transport: tr}, Credentials: creds})
	ctx := context.Background()
	stream := arn.TableStream("visits")

	ms, err := lam.ListEventSourceMappings(ctx, &lambda.ListEventSourceMappingsInput{EventSourceArn: aws.String(stream)})
	must(t, err)
	if len(ms.EventSourceMappings) != 1 || aws.ToString(ms.EventSourceMappings[0].FunctionArn) != arn.Function("changes", "") ||
		ms.EventSourceMappings[0].StartingPosition != "TRIM_HORIZON" || aws.ToInt32(ms.EventSourceMappings[0].BatchSize) != 10 ||
		aws.ToInt32(ms.EventSourceMappings[0].MaximumRetryAttempts) != 0 || ms.EventSourceMappings[0].DestinationConfig == nil ||
		aws.ToString(ms.EventSourceMappings[0].DestinationConfig.OnFailure.Destination) != arn.Queue("failures") {
		t.Errorf("the table stream's event source mapping: %+v", ms.EventSourceMappings)
	}

	home := map[string]ddbtypes.AttributeValue{"id": &ddbtypes.AttributeValueMemberS{Value: "home"}}
	_, err = db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("visits"), Item: map[string]ddbtypes.AttributeValue{
		"id": &ddbtypes.AttributeValueMemberS{Value: "home"}, "hits": &ddbtypes.AttributeValueMemberN{Value: "1"}}})
	must(t, err)
	r := tap.next(t)
	if r.EventName != "INSERT" || r.EventSourceArn != stream || r.EventSource != "aws:dynamodb" || r.AWSRegion != arn.Region ||
		r.Change.Keys["id"].String() != "home" || r.Change.NewImage["hits"].Number() != "1" || r.Change.OldImage != nil ||
		r.Change.StreamViewType != "NEW_AND_OLD_IMAGES" || len(r.Change.Keys) != 1 {
		t.Errorf("INSERT record %+v", r)
	}
	_, err = db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("visits"), Key: home,
		UpdateExpression:          aws.String("SET hits = hits + :one"),
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":one": &ddbtypes.AttributeValueMemberN{Value: "1"}}})
	must(t, err)
	m := tap.next(t)
	if m.EventName != "MODIFY" || m.EventSourceArn != stream || m.Change.OldImage["hits"].Number() != "1" ||
		m.Change.NewImage["hits"].Number() != "2" || m.Change.SequenceNumber <= r.Change.SequenceNumber {
		t.Errorf("MODIFY record %+v after %s", m, r.Change.SequenceNumber)
	}
	got, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("visits"), Key: home, ConsistentRead: aws.Bool(true)})
	must(t, err)
	if n, ok := got.Item["hits"].(*ddbtypes.AttributeValueMemberN); !ok || n.Value != "2" {
		t.Errorf("GetItem: %+v", got.Item)
	}

	_, err = db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("visits"), Item: map[string]ddbtypes.AttributeValue{
		"id": &ddbtypes.AttributeValueMemberS{Value: "poison"}, "fail": &ddbtypes.AttributeValueMemberBOOL{Value: true}}})
	must(t, err)
	qs := sqs.New(sqs.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + adminAddr), HTTPClient: &http.Client{Transport: tr}, Credentials: creds})
	var failure struct {
		RequestContext struct {
			Condition string `json:"condition"`
		} `json:"requestContext"`
		Info struct {
			ShardID             string `json:"shardId"`
			StartSequenceNumber string `json:"startSequenceNumber"`
			EndSequenceNumber   string `json:"endSequenceNumber"`
			BatchSize           int    `json:"batchSize"`
			StreamArn           string `json:"streamArn"`
		} `json:"DDBStreamBatchInfo"`
	}
	must(t, json.Unmarshal([]byte(aws.ToString(receiveOne(t, qs, queueURL(t, qs, "failures")).Body)), &failure))
	f := failure.Info
	if failure.RequestContext.Condition != "RetryAttemptsExhausted" || !strings.HasPrefix(f.ShardID, "shardId-") || f.BatchSize != 1 ||
		f.StartSequenceNumber <= m.Change.SequenceNumber || f.EndSequenceNumber != f.StartSequenceNumber || f.StreamArn != stream {
		t.Errorf("failure record %+v", failure)
	}
}

// TestTableConfig: a stack's table is the store's table of the same keys,
// stream, TTL and indexes, its stream labelled as the stack's ARNs say.
func TestTableConfig(t *testing.T) {
	s := func(name string) stack.KeyAttribute { return stack.KeyAttribute{Name: name, Type: stack.AttrString} }
	n := func(name string) *stack.KeyAttribute { return &stack.KeyAttribute{Name: name, Type: stack.AttrNumber} }
	for _, c := range []struct {
		name string
		in   stack.Table
		want store.TableConfig
	}{
		{"partition key only", stack.Table{Name: "plain", PartitionKey: s("id")},
			store.TableConfig{Name: "plain", Key: store.KeySchema{Partition: store.Attr{Name: "id", Type: "S"}}, StreamLabel: arn.TableStreamLabel("plain")}},
		{"everything", stack.Table{Name: "orders", PartitionKey: s("customer"), SortKey: n("at"), StreamView: stack.StreamNewAndOldImages,
			TTLAttribute: "expires", Tags: map[string]string{"team": "a"},
			GlobalIndexes: []stack.TableIndex{
				{Name: "byStatus", PartitionKey: s("status"), SortKey: n("at"), Projection: stack.ProjectionInclude, NonKeyAttributes: []string{"total"}},
				{Name: "bySku", PartitionKey: s("sku"), Projection: stack.ProjectionKeysOnly},
			},
			LocalIndexes: []stack.TableIndex{{Name: "byTotal", PartitionKey: s("customer"), SortKey: n("total"), Projection: stack.ProjectionAll}}},
			store.TableConfig{Name: "orders", StreamView: store.ViewNewAndOldImages, TTLAttribute: "expires", StreamLabel: arn.TableStreamLabel("orders"),
				Key: store.KeySchema{Partition: store.Attr{Name: "customer", Type: "S"}, Sort: store.Attr{Name: "at", Type: "N"}},
				Indexes: []store.IndexConfig{
					{Name: "byStatus", Key: store.KeySchema{Partition: store.Attr{Name: "status", Type: "S"}, Sort: store.Attr{Name: "at", Type: "N"}},
						Projection: store.ProjectionInclude, NonKey: []string{"total"}},
					{Name: "bySku", Key: store.KeySchema{Partition: store.Attr{Name: "sku", Type: "S"}}, Projection: store.ProjectionKeysOnly},
					{Name: "byTotal", Local: true, Key: store.KeySchema{Partition: store.Attr{Name: "customer", Type: "S"}, Sort: store.Attr{Name: "total", Type: "N"}},
						Projection: store.ProjectionAll},
				}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := tableConfig(c.in); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got\n%+v\nwant\n%+v", got, c.want)
			}
		})
	}
}

// TestTablesOnlyStack: a stack of tables alone starts the event side and
// declares them, their streams under the ARNs the stack file resolves.
func TestTablesOnlyStack(t *testing.T) {
	e, _ := serveStack(t, map[string]string{"verge.yaml": `resources:
  notes:
    type: dynamo-db-table
    properties:
      primaryKey:
        partitionKey: {name: id, type: string}
        sortKey: {name: at, type: number}
      streamType: KEYS_ONLY
`}, Options{})
	st := e.events.tableStore
	if st == nil {
		t.Fatal("no table store")
	}
	tb, err := st.Describe("notes")
	must(t, err)
	if tb.Key.Sort.Name != "at" || tb.Key.Sort.Type != "N" || tb.StreamView != store.ViewKeysOnly || ddb.StreamARN(tb) != arn.TableStream("notes") {
		t.Errorf("table %+v", tb)
	}
}

// twoTablesYAML declares the tables kept and dropped.
const twoTablesYAML = `resources:
  kept:
    type: dynamo-db-table
    properties:
      primaryKey:
        partitionKey: {name: id, type: string}
  dropped:
    type: dynamo-db-table
    properties:
      primaryKey:
        partitionKey: {name: id, type: string}
      streamType: KEYS_ONLY
`

// TestUndeclaredTableDeleted: a table the stack no longer declares is
// deleted at the next apply, with its stream; the stack's other table
// and a table made through the API stay, items and all.
func TestUndeclaredTableDeleted(t *testing.T) {
	e, dir := serveStack(t, map[string]string{"verge.yaml": twoTablesYAML}, Options{})
	_, adminAddr := e.Addrs()
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	creds := credentials.NewStaticCredentialsProvider(identity.AdminAccessKeyID, "tok", "")
	db := dynamodb.New(dynamodb.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + adminAddr), HTTPClient: &http.Client{Transport: tr}, Credentials: creds})
	ctx := context.Background()
	_, err := db.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String("mine"), BillingMode: ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}}})
	must(t, err)
	item := map[string]ddbtypes.AttributeValue{"id": &ddbtypes.AttributeValueMemberS{Value: "x"}}
	for _, table := range []string{"kept", "dropped", "mine"} {
		_, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: item})
		must(t, err)
	}
	st := e.events.tableStore
	if got := st.Tables(); !reflect.DeepEqual(got, []string{"dropped", "kept", "mine"}) {
		t.Fatalf("tables after the first apply %v", got)
	}

	before, _, _ := strings.Cut(twoTablesYAML, "  dropped:")
	must(t, os.WriteFile(filepath.Join(dir, "verge.yaml"), []byte(before), 0o644))
	plan, err := stack.Load(dir)
	must(t, err)
	res, err := e.Apply(ctx, plan)
	must(t, err)
	must(t, res.Problems)
	if got := st.Tables(); !reflect.DeepEqual(got, []string{"kept", "mine"}) {
		t.Errorf("tables after the second apply %v, want kept and mine", got)
	}
	for _, table := range []string{"kept", "mine"} {
		if tb, err := st.Describe(table); err != nil || tb.Items != 1 {
			t.Errorf("table %s: %+v, %v", table, tb, err)
		}
	}
	_, err = db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("dropped")})
	var nf *ddbtypes.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("DescribeTable of the dropped table: %v", err)
	}
}
