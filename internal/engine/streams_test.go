package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	kinesistypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/identity"
)

// streamsYAML is a stream reader: a two-shard stream feeds it in batches;
// a failed batch is split until the poison record is alone, retried once,
// and its failure record goes to a queue.
const streamsYAML = `resources:
  clicks:
    type: kinesis-stream
    properties: {capacityMode: PROVISIONED, shardCount: 2}
  seen:
    type: sqs-queue
  failures:
    type: sqs-queue
  reader:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: reader.js}}
      timeout: 5
      connectTo: [seen]
      events:
        - type: kinesis-stream
          properties:
            kinesisStreamName: clicks
            batchSize: 10
            bisectBatchOnFunctionError: true
            maximumRetryAttempts: 1
            onFailure:
              arn: $ResourceParam('failures', 'arn')
              type: sqs
  tapped:
    type: sqs-queue
  tap:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: reader.js}}
      environment: [{name: QUEUE, value: tapped}]
      connectTo: [tapped]
      events:
        - type: kinesis-stream
          properties: {kinesisStreamName: clicks, autoCreateConsumer: true, startingPosition: LATEST}
`

// readerJS forwards each batch's records to the seen queue (or $QUEUE), through the
// AWS SDK for JavaScript v3, unless one of them is "poison".
const readerJS = `const { SQSClient, GetQueueUrlCommand, SendMessageCommand } = require('@aws-sdk/client-sqs');
const sqs = new SQSClient({});
exports.handler = async (event) => {
  for (const r of event.Records) {
    if (Buffer.from(r.kinesis.data, 'base64').toString() === 'poison') throw new Error('poison ' + r.kinesis.sequenceNumber);
  }
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: process.env.QUEUE || 'seen' }));
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(event.Records) }));
};
`

// TestStreamReader runs a Kinesis stream and a function reading it
// through the real services and sandboxes, with the SDK for Go v2 putting
// the records: every record arrives once, in order per partition key, in
// AWS's event shape; the poison record's batch is bisected down to it and
// reported to the onFailure queue with KinesisBatchInfo.
func TestStreamReader(t *testing.T) {
	e, _ := serveStack(t, map[string]string{"verge.yaml": streamsYAML, "reader.js": readerJS}, Options{})
	_, adminAddr := e.Addrs()
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	creds := credentials.NewStaticCredentialsProvider(identity.AdminAccessKeyID, "tok", "")
	endpoint := aws.String("http://" + adminAddr)
	ks := kinesis.New(kinesis.Options{Region: "us-east-1", BaseEndpoint: endpoint, HTTPClient: &http.Client{Transport: tr}, Credentials: creds})
	qs := sqs.New(sqs.Options{Region: "us-east-1", BaseEndpoint: endpoint, HTTPClient: &http.Client{Transport: tr}, Credentials: creds})
	lam := lambda.New(lambda.Options{Region: "us-east-1", BaseEndpoint: endpoint, HTTPClient: &http.Client{Transport: tr}, Credentials: creds})
	ctx := context.Background()

	ms, err := lam.ListEventSourceMappings(ctx, &lambda.ListEventSourceMappingsInput{EventSourceArn: aws.String(arn.Stream("clicks"))})
	must(t, err)
	if len(ms.EventSourceMappings) != 1 || ms.EventSourceMappings[0].StartingPosition != "TRIM_HORIZON" ||
		!aws.ToBool(ms.EventSourceMappings[0].BisectBatchOnFunctionError) || aws.ToInt32(ms.EventSourceMappings[0].MaximumRetryAttempts) != 1 ||
		ms.EventSourceMappings[0].DestinationConfig == nil || aws.ToString(ms.EventSourceMappings[0].DestinationConfig.OnFailure.Destination) != arn.Queue("failures") {
		t.Errorf("the stream's event source mapping: %+v", ms.EventSourceMappings)
	}

	// The tap reads through the consumer its trigger registered, which
	// names its mapping.
	consumers, err := ks.ListStreamConsumers(ctx, &kinesis.ListStreamConsumersInput{StreamARN: aws.String(arn.Stream("clicks"))})
	must(t, err)
	if len(consumers.Consumers) != 1 || aws.ToString(consumers.Consumers[0].ConsumerName) != "tap-0" {
		t.Fatalf("consumers: %+v", consumers.Consumers)
	}
	ms, err = lam.ListEventSourceMappings(ctx, &lambda.ListEventSourceMappingsInput{FunctionName: aws.String("tap")})
	must(t, err)
	if len(ms.EventSourceMappings) != 1 || aws.ToString(ms.EventSourceMappings[0].EventSourceArn) != aws.ToString(consumers.Consumers[0].ConsumerARN) {
		t.Errorf("the tap's mapping: %+v", ms.EventSourceMappings)
	}

	// 40 records on 4 keys, then the poison record.
	keys := []string{"ada", "grace", "alan", "edsger"}
	var entries []kinesistypes.PutRecordsRequestEntry
	for i := range 40 {
		entries = append(entries, kinesistypes.PutRecordsRequestEntry{PartitionKey: aws.String(keys[i%4]), Data: []byte(keys[i%4] + "-" + strconv.Itoa(i/4))})
	}
	out, err := ks.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("clicks"), Records: entries})
	must(t, err)
	if aws.ToInt32(out.FailedRecordCount) != 0 {
		t.Fatalf("PutRecords: %d failed", aws.ToInt32(out.FailedRecordCount))
	}
	poison, err := ks.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("clicks"), PartitionKey: aws.String("ada"), Data: []byte("poison")})
	must(t, err)

	seen := queueURL(t, qs, "seen")
	next := map[string]int{}
	for got := 0; got < 40; {
		var recs []json.RawMessage
		must(t, json.Unmarshal([]byte(aws.ToString(receiveOne(t, qs, seen).Body)), &recs))
		for _, raw := range recs {
			r := strictKinesisRecord(t, raw)
			want := r.Kinesis.PartitionKey + "-" + strconv.Itoa(next[r.Kinesis.PartitionKey])
			if string(r.Kinesis.Data) != want || r.EventSourceArn != arn.Stream("clicks") || r.EventSource != "aws:kinesis" ||
				r.InvokeIdentityArn != arn.Role("reader") {
				t.Fatalf("record %d: data %q, want %q (out of order or duplicated); %+v", got, r.Kinesis.Data, want, r)
			}
			next[r.Kinesis.PartitionKey]++
			got++
		}
	}

	// The tap started at LATEST, before the records: it sees them too.
	var tapped []json.RawMessage
	tappedURL := queueURL(t, qs, "tapped")
	for len(tapped) < 40 {
		var recs []json.RawMessage
		must(t, json.Unmarshal([]byte(aws.ToString(receiveOne(t, qs, tappedURL).Body)), &recs))
		tapped = append(tapped, recs...)
	}

	var failure struct {
		RequestContext struct {
			Condition              string `json:"condition"`
			ApproximateInvokeCount int    `json:"approximateInvokeCount"`
		} `json:"requestContext"`
		KinesisBatchInfo struct {
			ShardID             string `json:"shardId"`
			StartSequenceNumber string `json:"startSequenceNumber"`
			EndSequenceNumber   string `json:"endSequenceNumber"`
			BatchSize           int    `json:"batchSize"`
			StreamArn           string `json:"streamArn"`
		}
	}
	must(t, json.Unmarshal([]byte(aws.ToString(receiveOne(t, qs, queueURL(t, qs, "failures")).Body)), &failure))
	b := failure.KinesisBatchInfo
	if failure.RequestContext.Condition != "RetryAttemptsExhausted" || b.BatchSize != 1 || b.ShardID != aws.ToString(poison.ShardId) ||
		b.StartSequenceNumber != aws.ToString(poison.SequenceNumber) || b.EndSequenceNumber != b.StartSequenceNumber || b.StreamArn != arn.Stream("clicks") {
		t.Errorf("failure record: %+v", failure)
	}
}

// strictKinesisRecord decodes one event record into aws-lambda-go's type,
// refusing fields it does not know.
func strictKinesisRecord(t *testing.T, raw []byte) events.KinesisEventRecord {
	t.Helper()
	var r events.KinesisEventRecord
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("event record %s: %v", raw, err)
	}
	return r
}

func queueURL(t *testing.T, c *sqs.Client, name string) *string {
	t.Helper()
	out, err := c.GetQueueUrl(context.Background(), &sqs.GetQueueUrlInput{QueueName: aws.String(name)})
	must(t, err)
	return out.QueueUrl
}
