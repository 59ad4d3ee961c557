// Command stream measures stream triggers end to end, side by side with a
// peer and the floor in one run: the time from PutRecord (through the SDK
// for Go v2) to the start of the function its kinesis-stream event
// invokes (no batch window), the same for SendMessage and the function's
// sqs event, and, as the floor, the time from an asynchronous Invoke
// (InvocationType Event) to the start of the same function; and PutItem
// to the start of the function its table's dynamo-db-stream event invokes. It runs a real
// engine (stream service and queue on JetStream, the stream mapping, a
// Node.js sandbox) over loopback. LocalStack, for comparison, holds each
// Kinesis write 500 ms by default (KINESIS_LATENCY).
//
//	go run ./bench/stream [-n 200] [-rounds 2]
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/verge-edge/verge/bench/internal/load"
	"github.com/verge-edge/verge/internal/sandbox"
)

const stackFile = `resources:
  clicks:
    type: kinesis-stream
    properties: {capacityMode: PROVISIONED, shardCount: 1}
  jobs:
    type: sqs-queue
  visits:
    type: dynamo-db-table
    properties:
      primaryKey: {partitionKey: {name: id, type: string}}
      streamType: NEW_IMAGE
  worker:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: index.js}}
      events:
        - type: kinesis-stream
          properties: {kinesisStreamName: clicks, startingPosition: LATEST}
        - type: sqs
          properties: {sqsQueueName: jobs}
        - type: dynamo-db-stream
          properties:
            streamArn: $ResourceParam('visits', 'streamArn')
            startingPosition: LATEST
`

// handler logs its wall-clock start in µs and the sender's clock in µs:
// the record's data, the message's body, the new image's "sent", or an
// Invoke's "sent".
const handler = `exports.handler = async (event) => {
  const now = Math.round((performance.timeOrigin + performance.now()) * 1000);
  const r = event.Records && event.Records[0];
  const sent = !r ? event.sent : r.kinesis ? Buffer.from(r.kinesis.data, 'base64').toString() : r.dynamodb ? r.dynamodb.NewImage.sent.N : r.body;
  console.log('START ' + now + ' ' + sent);
  return {};
};
`

func main() {
	sandbox.Init()
	n := flag.Int("n", 200, "events per measure and round")
	rounds := flag.Int("rounds", 2, "rounds, each measure in turn")
	flag.Parse()
	if err := run(*n, *rounds); err != nil {
		log.Fatal(err)
	}
}

func run(n, rounds int) error {
	dir, err := load.TempStack("stream", stackFile, handler)
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	tp := load.NewStarts()
	e, _, cfg, endpoint, err := load.Start(dir, tp)
	if err != nil {
		return err
	}
	defer e.Close(context.Background())
	ctx := context.Background()
	ks := kinesis.NewFromConfig(cfg, func(o *kinesis.Options) { o.BaseEndpoint = endpoint })
	qs := sqs.NewFromConfig(cfg, func(o *sqs.Options) { o.BaseEndpoint = endpoint })
	db := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = endpoint })
	fn := lambda.NewFromConfig(cfg, func(o *lambda.Options) { o.BaseEndpoint = endpoint })
	q, err := qs.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("jobs")})
	if err != nil {
		return err
	}

	return tp.Table("Verge stream triggers", n, rounds, []load.Measure{
		{Name: "Invoke (Event) → handler start (the floor)", Target: "", Send: func(sent int64) error {
			_, err := fn.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("worker"), InvocationType: types.InvocationTypeEvent,
				Payload: []byte(`{"sent":` + strconv.FormatInt(sent, 10) + `}`)})
			return err
		}},
		{Name: "SendMessage → handler start (sqs trigger, the peer)", Target: "", Send: func(sent int64) error {
			_, err := qs.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String(strconv.FormatInt(sent, 10))})
			return err
		}},
		{Name: "PutRecord → handler start (kinesis-stream trigger)", Target: "< 10 ms", Send: func(sent int64) error {
			_, err := ks.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("clicks"), PartitionKey: aws.String("k"),
				Data: []byte(strconv.FormatInt(sent, 10))})
			return err
		}},
		{Name: "PutItem → handler start (dynamo-db-stream trigger)", Target: "< 50 ms", Send: func(sent int64) error {
			s := strconv.FormatInt(sent, 10)
			_, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("visits"), Item: map[string]dbtypes.AttributeValue{
				"id": &dbtypes.AttributeValueMemberS{Value: s}, "sent": &dbtypes.AttributeValueMemberN{Value: s}}})
			return err
		}},
	})
}
