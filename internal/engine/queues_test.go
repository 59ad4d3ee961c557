package engine

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/identity"
	snssvc "github.com/verge-edge/verge/internal/sns"
)

// queuesYAML is a queue worker: a queue with a dead-letter queue feeds it
// (partial batch responses on), a topic's matching messages invoke it, and
// the records of its failed asynchronous invocations go to a queue.
const queuesYAML = `resources:
  jobs:
    type: sqs-queue
    properties:
      visibilityTimeoutSeconds: 2
      redrivePolicy: {targetSqsQueueName: jobsDlq, maxReceiveCount: 2}
  jobsDlq:
    type: sqs-queue
  failures:
    type: sqs-queue
  news:
    type: sns-topic
  worker:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: worker.js}}
      timeout: 2
      events:
        - type: sqs
          properties: {sqsQueueName: jobs, reportBatchItemFailures: true}
        - type: sns
          properties:
            snsTopicName: news
            filterPolicy: {kind: [{prefix: order}]}
      destinations:
        onFailure: $ResourceParam('failures', 'arn')
      asyncInvocation: {maximumRetryAttempts: 0}
`

// workerJS fails the queue messages whose body is "fail" (as batch item
// failures) and throws on a topic message "boom".
const workerJS = `exports.handler = async (event) => {
  const failures = [];
  for (const r of event.Records) {
    if (r.Sns) {
      if (r.Sns.Message === 'boom') throw new Error('boom');
      console.log('news ' + r.Sns.Message);
    } else if (r.body === 'fail') {
      failures.push({ itemIdentifier: r.messageId });
    } else {
      console.log('job ' + r.body);
    }
  }
  return { batchItemFailures: failures };
};
`

// TestQueueWorker runs a queue, its dead-letter queue, a topic and a
// function on them through the real services and sandboxes, with the SDK
// for Go v2 as the client.
func TestQueueWorker(t *testing.T) {
	e, _ := serveStack(t, map[string]string{"verge.yaml": queuesYAML, "worker.js": workerJS}, Options{Retry: []time.Duration{10 * time.Millisecond}})
	_, adminAddr := e.Addrs()
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	client := sqs.New(sqs.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + adminAddr), HTTPClient: &http.Client{Transport: tr},
		Credentials: credentials.NewStaticCredentialsProvider(identity.AdminAccessKeyID, "tok", "")})
	ctx := context.Background()
	url := func(name string) *string {
		out, err := client.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(name)})
		must(t, err)
		return out.QueueUrl
	}
	jobs, dlq, failures := url("jobs"), url("jobsDlq"), url("failures")
	lam := lambda.New(lambda.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + adminAddr), HTTPClient: &http.Client{Transport: tr},
		Credentials: credentials.NewStaticCredentialsProvider(identity.AdminAccessKeyID, "tok", "")})
	ms, err := lam.ListEventSourceMappings(ctx, &lambda.ListEventSourceMappingsInput{EventSourceArn: aws.String(arn.Queue("jobs"))})
	must(t, err)
	if len(ms.EventSourceMappings) != 1 || aws.ToInt32(ms.EventSourceMappings[0].BatchSize) != 10 ||
		len(ms.EventSourceMappings[0].FunctionResponseTypes) != 1 || aws.ToString(ms.EventSourceMappings[0].State) != "Enabled" {
		t.Errorf("the queue's event source mapping: %+v", ms.EventSourceMappings)
	}

	// Ten good messages and one bad: the good ones are processed and
	// deleted, the bad one is received twice, then dead-lettered.
	for i := range 10 {
		_, err := client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: jobs, MessageBody: aws.String("job" + strconv.Itoa(i))})
		must(t, err)
	}
	_, err = client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: jobs, MessageBody: aws.String("fail")})
	must(t, err)
	got := receiveOne(t, client, dlq)
	if aws.ToString(got.Body) != "fail" || got.Attributes["DeadLetterQueueSourceArn"] != arn.Queue("jobs") {
		t.Errorf("dead-lettered message: body %q, attributes %v", aws.ToString(got.Body), got.Attributes)
	}
	waitEmpty(t, client, jobs)

	// A topic message that matches the filter invokes the function
	// asynchronously; it throws, and with no retries its record goes to
	// the failures queue.
	topics := e.events.topics
	if _, err := topics.Publish(ctx, arn.Topic("news"), snssvc.PublishInput{Message: "boom",
		Attributes: map[string]snssvc.MessageAttribute{"kind": {DataType: "String", StringValue: "order.created"}}}); err != nil {
		t.Fatal(err)
	}
	rec := receiveOne(t, client, failures)
	var record struct {
		RequestContext struct{ Condition string } `json:"requestContext"`
		RequestPayload struct {
			Records []struct {
				Sns struct{ Message, TopicArn string }
			}
		} `json:"requestPayload"`
	}
	must(t, json.Unmarshal([]byte(aws.ToString(rec.Body)), &record))
	if record.RequestContext.Condition != "RetriesExhausted" || len(record.RequestPayload.Records) != 1 ||
		record.RequestPayload.Records[0].Sns.Message != "boom" || record.RequestPayload.Records[0].Sns.TopicArn != arn.Topic("news") {
		t.Errorf("failure record: %s", aws.ToString(rec.Body))
	}

	// A queue subscribed through the SNS API gets the JSON envelope, signed
	// with the certificate the endpoint serves at SigningCertURL.
	topicsAPI := sns.New(sns.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + adminAddr), HTTPClient: &http.Client{Transport: tr},
		Credentials: credentials.NewStaticCredentialsProvider(identity.AdminAccessKeyID, "tok", "")})
	_, err = client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("audit")})
	must(t, err)
	_, err = topicsAPI.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(arn.Topic("news")), Protocol: aws.String("sqs"), Endpoint: aws.String(arn.Queue("audit"))})
	must(t, err)
	_, err = topicsAPI.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(arn.Topic("news")), Message: aws.String("for the audit"), Subject: aws.String("s")})
	must(t, err)
	verifyEnvelope(t, aws.ToString(receiveOne(t, client, url("audit")).Body), "for the audit")
}

// verifyEnvelope checks an SNS notification as AWS documents a receiver
// should: fetch the certificate at SigningCertURL, build the canonical
// string of the notification's fields, and verify SHA1withRSA.
func verifyEnvelope(t *testing.T, body, message string) {
	t.Helper()
	var n struct {
		Type, MessageId, TopicArn, Subject, Message, Timestamp string
		SignatureVersion, Signature, SigningCertURL            string
	}
	must(t, json.Unmarshal([]byte(body), &n))
	if n.Type != "Notification" || n.Message != message || n.TopicArn != arn.Topic("news") || n.SignatureVersion != "1" {
		t.Fatalf("envelope: %s", body)
	}
	resp, err := http.Get(n.SigningCertURL)
	must(t, err)
	pemBytes, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	must(t, err)
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		t.Fatalf("no certificate at %s: %q", n.SigningCertURL, pemBytes)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	must(t, err)
	canonical := "Message\n" + n.Message + "\nMessageId\n" + n.MessageId + "\n"
	if n.Subject != "" {
		canonical += "Subject\n" + n.Subject + "\n"
	}
	canonical += "Timestamp\n" + n.Timestamp + "\nTopicArn\n" + n.TopicArn + "\nType\n" + n.Type + "\n"
	sig, err := base64.StdEncoding.DecodeString(n.Signature)
	must(t, err)
	h := sha1.Sum([]byte(canonical))
	if err := rsa.VerifyPKCS1v15(cert.PublicKey.(*rsa.PublicKey), crypto.SHA1, h[:], sig); err != nil {
		t.Errorf("signature: %v", err)
	}
}

// receiveOne long-polls q until a message arrives, and deletes it.
func receiveOne(t *testing.T, c *sqs.Client, q *string) sqstypes.Message {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q, WaitTimeSeconds: 5,
			MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll}})
		must(t, err)
		if len(out.Messages) > 0 {
			_, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: q, ReceiptHandle: out.Messages[0].ReceiptHandle})
			must(t, err)
			return out.Messages[0]
		}
	}
	t.Fatalf("no message on %s", aws.ToString(q))
	return sqstypes.Message{}
}

// waitEmpty waits until q holds no message, visible or in flight.
func waitEmpty(t *testing.T, c *sqs.Client, q *string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, err := c.GetQueueAttributes(context.Background(), &sqs.GetQueueAttributesInput{QueueUrl: q,
			AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameAll}})
		must(t, err)
		a := out.Attributes
		if a["ApproximateNumberOfMessages"] == "0" && a["ApproximateNumberOfMessagesNotVisible"] == "0" && a["ApproximateNumberOfMessagesDelayed"] == "0" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not empty: %v", aws.ToString(q), a)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
