package engine

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/identity"
)

// bucketsYAML is a bucket that is at once a CDN origin, an S3 bucket and an
// event source: objects created under incoming/ invoke onUpload, which
// reads them through S3 with its own credentials and writes an upper-case
// copy under processed/; stranger has no access to the bucket.
const bucketsYAML = `resources:
  uploads:
    type: bucket
    properties:
      directory: ./uploads
      enableEventBusNotifications: true
      cdn:
        enabled: true
        cachingOptions: {defaultTTL: 300}
  removed:
    type: sqs-queue
  onUpload:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: upload.js}}
      timeout: 10
      connectTo: [uploads]
      events:
        - type: s3
          properties:
            bucketArn: $ResourceParam('uploads', 'arn')
            s3EventType: 's3:ObjectCreated:*'
            filterRule: {prefix: incoming/}
  audit:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: audit.js}}
      timeout: 10
      connectTo: [uploads]
      events:
        - type: event-bus
          properties:
            useDefaultBus: true
            eventPattern:
              source: [aws.s3]
              detail-type: [Object Created]
              detail: {object: {key: [{prefix: incoming/}]}}
  stranger:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: stranger.js}}
      timeout: 10
`

// uploadJS copies each created object to processed/KEY in upper case,
// through the AWS SDK for JavaScript v3 that Lambda's runtime provides.
const uploadJS = `const { S3Client, GetObjectCommand, PutObjectCommand } = require('@aws-sdk/client-s3');
const s3 = new S3Client({});
exports.handler = async (event) => {
  for (const r of event.Records) {
    const key = decodeURIComponent(r.s3.object.key.replace(/\+/g, ' '));
    const got = await s3.send(new GetObjectCommand({ Bucket: r.s3.bucket.name, Key: key }));
    const body = await got.Body.transformToString();
    await s3.send(new PutObjectCommand({ Bucket: r.s3.bucket.name, Key: 'processed/' + key, Body: body.toUpperCase(),
      Metadata: { source: r.eventName, size: String(r.s3.object.size) } }));
    console.log('processed ' + key);
  }
};
`

// auditJS records each EventBridge event S3 sent as audit/KEY, holding
// the event's detail-type, reason and size.
const auditJS = `const { S3Client, PutObjectCommand } = require('@aws-sdk/client-s3');
exports.handler = async (event) => {
  const d = event.detail;
  await new S3Client({}).send(new PutObjectCommand({ Bucket: d.bucket.name, Key: 'audit/' + d.object.key,
    Body: event['detail-type'] + ' ' + d.reason + ' ' + d.object.size + ' ' + event.source }));
};
`

const strangerJS = `const { S3Client, ListObjectsV2Command } = require('@aws-sdk/client-s3');
exports.handler = async () => {
  try {
    await new S3Client({}).send(new ListObjectsV2Command({ Bucket: 'uploads' }));
    return 'listed';
  } catch (e) {
    return e.name;
  }
};
`

// TestBucketEvents runs a bucket through every side at once with the real
// services, sandboxes and the SDKs as clients: an upload through S3 and a
// file written on disk both invoke the function, whose own SDK reads and
// writes the bucket; the CDN serves what S3 wrote with S3's ETag and drops
// its cached copy when S3 overwrites it; a notification configuration set
// through the API sends removals to a queue.
func TestBucketEvents(t *testing.T) {
	e, dir := serveStack(t, map[string]string{"verge.yaml": bucketsYAML, "upload.js": uploadJS, "stranger.js": strangerJS, "audit.js": auditJS,
		"uploads/index.html": "<h1>uploads</h1>"}, Options{Retry: []time.Duration{10 * time.Millisecond}})
	viewer, adminAddr := e.Addrs()
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	creds := credentials.NewStaticCredentialsProvider(identity.AdminAccessKeyID, "tok", "")
	client := s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + adminAddr), HTTPClient: &http.Client{Transport: tr},
		Credentials: creds, UsePathStyle: true})
	ctx := context.Background()

	_, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("uploads"), Key: aws.String("incoming/a b.txt"), Body: strings.NewReader("hello")})
	must(t, err)
	if got := waitObject(t, client, "processed/incoming/a b.txt"); got != "HELLO" {
		t.Errorf("processed copy of an S3 upload = %q, want HELLO", got)
	}
	head, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("uploads"), Key: aws.String("processed/incoming/a b.txt")})
	must(t, err)
	if head.Metadata["source"] != "ObjectCreated:Put" || head.Metadata["size"] != "5" {
		t.Errorf("the function saw the event as %v, want ObjectCreated:Put of 5 bytes", head.Metadata)
	}

	// The default event bus got S3's EventBridge event.
	if got := waitObject(t, client, "audit/incoming/a b.txt"); got != "Object Created PutObject 5 aws.s3" {
		t.Errorf("EventBridge event of an S3 upload = %q, want Object Created PutObject 5 aws.s3", got)
	}

	// A file written on disk is an upload too.
	must(t, os.WriteFile(filepath.Join(dir, "uploads", "incoming", "disk.txt"), []byte("from disk"), 0o644))
	if got := waitObject(t, client, "processed/incoming/disk.txt"); got != "FROM DISK" {
		t.Errorf("processed copy of a file written on disk = %q", got)
	}

	// The CDN serves the object S3 wrote with S3's ETag, and a new version
	// written through S3 replaces its cached copy at once.
	cdnGet := func() (string, string) {
		res, err := (&http.Client{Transport: tr}).Get("http://" + viewer + "/processed/incoming/disk.txt")
		must(t, err)
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return string(b), res.Header.Get("ETag")
	}
	body, etag := cdnGet()
	h, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("uploads"), Key: aws.String("processed/incoming/disk.txt")})
	must(t, err)
	if body != "FROM DISK" || etag != aws.ToString(h.ETag) {
		t.Errorf("CDN = %q ETag %s, want FROM DISK with S3's ETag %s", body, etag, aws.ToString(h.ETag))
	}
	_, err = client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("uploads"), Key: aws.String("processed/incoming/disk.txt"), Body: strings.NewReader("v2")})
	must(t, err)
	if body, _ := cdnGet(); body != "v2" {
		t.Errorf("CDN after an S3 overwrite = %q, want v2 (its cached copy dropped)", body)
	}

	// Removals go to a queue, by a configuration set through the API; a
	// configuration naming a queue that does not exist is refused, as S3
	// refuses a destination it cannot validate.
	_, err = client.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: aws.String("uploads"),
		NotificationConfiguration: &s3types.NotificationConfiguration{QueueConfigurations: []s3types.QueueConfiguration{{
			QueueArn: aws.String(arn.Queue("nope")), Events: []s3types.Event{"s3:ObjectRemoved:*"}}}}})
	if err == nil || !strings.Contains(err.Error(), "InvalidArgument") || !strings.Contains(err.Error(), "Unable to validate") {
		t.Errorf("a configuration naming a missing queue: %v, want InvalidArgument: Unable to validate…", err)
	}
	queues := sqs.New(sqs.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + adminAddr), HTTPClient: &http.Client{Transport: tr}, Credentials: creds})
	_, err = client.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: aws.String("uploads"),
		NotificationConfiguration: &s3types.NotificationConfiguration{QueueConfigurations: []s3types.QueueConfiguration{{
			Id: aws.String("removals"), QueueArn: aws.String(arn.Queue("removed")), Events: []s3types.Event{"s3:ObjectRemoved:*"}}}}})
	must(t, err)
	_, err = client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("uploads"), Key: aws.String("incoming/a b.txt")})
	must(t, err)
	qurl, err := queues.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("removed")})
	must(t, err)
	rec := removalRecord(t, queues, qurl.QueueUrl)
	if rec.EventName != "ObjectRemoved:Delete" || rec.S3.Object.Key != "incoming/a+b.txt" || rec.S3.ConfigurationID != "removals" {
		t.Errorf("removal record: %s of %q by %q, want ObjectRemoved:Delete of incoming/a+b.txt by removals", rec.EventName, rec.S3.Object.Key, rec.S3.ConfigurationID)
	}

	// A function the stack gives no access is denied.
	lam := lambda.New(lambda.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + adminAddr), HTTPClient: &http.Client{Transport: tr}, Credentials: creds})
	out, err := lam.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("stranger")})
	must(t, err)
	if string(out.Payload) != `"AccessDenied"` {
		t.Errorf("stranger's ListObjectsV2 = %s, want \"AccessDenied\"", out.Payload)
	}
}

// waitObject waits for key to appear in the uploads bucket and returns it.
func waitObject(t *testing.T, c *s3.Client, key string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String("uploads"), Key: aws.String(key)})
		if err == nil {
			b, err := io.ReadAll(out.Body)
			out.Body.Close()
			must(t, err)
			return string(b)
		}
		var nsk *s3types.NoSuchKey
		if !errors.As(err, &nsk) {
			t.Fatalf("GetObject %s: %v", key, err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not appear within 30 s", key)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// removalRecord receives the first bucket event record from a queue,
// after S3's test event.
func removalRecord(t *testing.T, c *sqs.Client, q *string) events.S3EventRecord {
	t.Helper()
	sawTest := false
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		out, err := c.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: q, WaitTimeSeconds: 1})
		must(t, err)
		for _, m := range out.Messages {
			var ev events.S3Event
			dec := json.NewDecoder(strings.NewReader(aws.ToString(m.Body)))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&ev); err != nil || len(ev.Records) == 0 {
				sawTest = sawTest || strings.Contains(aws.ToString(m.Body), `"Event":"s3:TestEvent"`)
				continue
			}
			if !sawTest {
				t.Error("no s3:TestEvent reached the queue before its first record")
			}
			return ev.Records[0]
		}
	}
	t.Fatal("no bucket event reached the queue within 30 s")
	return events.S3EventRecord{}
}
