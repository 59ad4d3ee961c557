package awsapi

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awssqs "github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/verge-edge/verge/internal/broker"
	"github.com/verge-edge/verge/internal/sqs"
)

// newSQS is an endpoint serving SQS on a real queue service.
func newSQS(t testing.TB) (*httptest.Server, *sqs.Service) {
	t.Helper()
	ctx := context.Background()
	b, err := broker.Open(ctx, broker.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	q, err := sqs.New(ctx, sqs.Options{JetStream: b.JetStream()})
	if err != nil {
		b.Close()
		t.Fatal(err)
	}
	srv := httptest.NewServer(New(Options{Identities: testIdentities}, SQS(Fixed(q))))
	t.Cleanup(func() {
		srv.Close()
		q.Close()
		b.Close()
	})
	return srv, q
}

func newSQSClient(srv *httptest.Server) *awssqs.Client {
	return awssqs.New(awssqs.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKID", testToken, ""),
		HTTPClient:   srv.Client(),
	})
}

func TestSQSSDK(t *testing.T) {
	srv, _ := newSQS(t)
	c := newSQSClient(srv)
	ctx := context.Background()

	cq, err := c.CreateQueue(ctx, &awssqs.CreateQueueInput{QueueName: aws.String("jobs"), Attributes: map[string]string{"VisibilityTimeout": "5"}, Tags: map[string]string{"team": "a"}})
	if err != nil {
		t.Fatal(err)
	}
	url := aws.ToString(cq.QueueUrl)
	if url != srv.URL+"/000000000000/jobs" {
		t.Errorf("QueueUrl %s", url)
	}
	gu, err := c.GetQueueUrl(ctx, &awssqs.GetQueueUrlInput{QueueName: aws.String("jobs")})
	if err != nil || aws.ToString(gu.QueueUrl) != url {
		t.Errorf("GetQueueUrl: %v %v", err, gu)
	}
	_, err = c.GetQueueUrl(ctx, &awssqs.GetQueueUrlInput{QueueName: aws.String("nope")})
	var dne *types.QueueDoesNotExist
	if !errorAs(err, &dne) || errorCode(err) != "AWS.SimpleQueueService.NonExistentQueue" {
		t.Errorf("missing queue: %T %v (%s)", err, err, errorCode(err))
	}
	lq, err := c.ListQueues(ctx, &awssqs.ListQueuesInput{})
	if err != nil || len(lq.QueueUrls) != 1 {
		t.Errorf("ListQueues: %v %v", err, lq)
	}

	// Send with attributes: the SDK checks the body's MD5.
	sm, err := c.SendMessage(ctx, &awssqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String("hello\r\n<&>"),
		MessageAttributes: map[string]types.MessageAttributeValue{
			"s": {DataType: aws.String("String"), StringValue: aws.String("v")},
			"n": {DataType: aws.String("Number.int"), StringValue: aws.String("42")},
			"b": {DataType: aws.String("Binary"), BinaryValue: []byte{0, 1, 2}},
		}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(sm.MD5OfMessageAttributes) == "" {
		t.Error("no MD5OfMessageAttributes")
	}
	batch, err := c.SendMessageBatch(ctx, &awssqs.SendMessageBatchInput{QueueUrl: &url, Entries: []types.SendMessageBatchRequestEntry{
		{Id: aws.String("a"), MessageBody: aws.String("one")},
		{Id: aws.String("b"), MessageBody: aws.String("two"), DelaySeconds: 1000},
		{Id: aws.String("c"), MessageBody: aws.String("three")},
	}})
	if err != nil || len(batch.Successful) != 2 || len(batch.Failed) != 1 || aws.ToString(batch.Failed[0].Id) != "b" || aws.ToString(batch.Failed[0].Code) != "InvalidParameterValue" {
		t.Fatalf("batch: %v %+v", err, batch)
	}
	rm, err := c.ReceiveMessage(ctx, &awssqs.ReceiveMessageInput{QueueUrl: &url, MaxNumberOfMessages: 10,
		MessageAttributeNames: []string{"All"}, MessageSystemAttributeNames: []types.MessageSystemAttributeName{"All"}})
	if err != nil || len(rm.Messages) != 3 {
		t.Fatalf("receive: %v %+v", err, rm)
	}
	first := rm.Messages[0]
	if aws.ToString(first.Body) != "hello\r\n<&>" || len(first.MessageAttributes) != 3 || string(first.MessageAttributes["b"].BinaryValue) != "\x00\x01\x02" ||
		first.Attributes["ApproximateReceiveCount"] != "1" || aws.ToString(first.MD5OfMessageAttributes) != aws.ToString(sm.MD5OfMessageAttributes) {
		t.Errorf("first message: %+v", first)
	}
	// Prefix selection and the MD5 of the selection.
	_, err = c.ChangeMessageVisibility(ctx, &awssqs.ChangeMessageVisibilityInput{QueueUrl: &url, ReceiptHandle: first.ReceiptHandle, VisibilityTimeout: 0})
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.ReceiveMessage(ctx, &awssqs.ReceiveMessageInput{QueueUrl: &url, MessageAttributeNames: []string{"s"}})
	if err != nil || len(again.Messages) != 1 || len(again.Messages[0].MessageAttributes) != 1 || again.Messages[0].Attributes != nil {
		t.Fatalf("again: %v %+v", err, again)
	}
	// Stale handle: visibility change refused, delete accepted.
	_, err = c.ChangeMessageVisibility(ctx, &awssqs.ChangeMessageVisibilityInput{QueueUrl: &url, ReceiptHandle: first.ReceiptHandle, VisibilityTimeout: 10})
	if errorCode(err) != "InvalidParameterValue" || !strings.Contains(err.Error(), "not available for visibility timeout change") {
		t.Errorf("stale handle: %v", err)
	}
	_, err = c.DeleteMessage(ctx, &awssqs.DeleteMessageInput{QueueUrl: &url, ReceiptHandle: aws.String("bogus")})
	var rhi *types.ReceiptHandleIsInvalid
	if !errorAs(err, &rhi) {
		t.Errorf("bogus handle: %v", err)
	}
	var handles []types.DeleteMessageBatchRequestEntry
	for i, m := range append(rm.Messages[1:], again.Messages...) {
		handles = append(handles, types.DeleteMessageBatchRequestEntry{Id: aws.String(fmt.Sprint(i)), ReceiptHandle: m.ReceiptHandle})
	}
	handles = append(handles, types.DeleteMessageBatchRequestEntry{Id: aws.String("x"), ReceiptHandle: aws.String("bad")})
	db, err := c.DeleteMessageBatch(ctx, &awssqs.DeleteMessageBatchInput{QueueUrl: &url, Entries: handles})
	if err != nil || len(db.Successful) != 3 || len(db.Failed) != 1 || aws.ToString(db.Failed[0].Code) != "ReceiptHandleIsInvalid" {
		t.Errorf("delete batch: %v %+v", err, db)
	}
	_, err = c.DeleteMessageBatch(ctx, &awssqs.DeleteMessageBatchInput{QueueUrl: &url, Entries: []types.DeleteMessageBatchRequestEntry{
		{Id: aws.String("a"), ReceiptHandle: aws.String("x")}, {Id: aws.String("a"), ReceiptHandle: aws.String("y")}}})
	var dup *types.BatchEntryIdsNotDistinct
	if !errorAs(err, &dup) {
		t.Errorf("duplicate ids: %v", err)
	}

	var big []types.SendMessageBatchRequestEntry
	for i := range 10 {
		big = append(big, types.SendMessageBatchRequestEntry{Id: aws.String(fmt.Sprint(i)), MessageBody: aws.String(strings.Repeat("x", 30<<10))})
	}
	_, err = c.SendMessageBatch(ctx, &awssqs.SendMessageBatchInput{QueueUrl: &url, Entries: big})
	var tooLong *types.BatchRequestTooLong
	if !errorAs(err, &tooLong) {
		t.Errorf("300 KiB batch: %v", err)
	}
	_, err = c.SendMessageBatch(ctx, &awssqs.SendMessageBatchInput{QueueUrl: &url, Entries: append(big[:10:10], big[0])})
	var tooMany *types.TooManyEntriesInBatchRequest
	if !errorAs(err, &tooMany) {
		t.Errorf("11 entries: %v", err)
	}
	ga, err := c.GetQueueAttributes(ctx, &awssqs.GetQueueAttributesInput{QueueUrl: &url, AttributeNames: []types.QueueAttributeName{"All"}})
	if err != nil || ga.Attributes["VisibilityTimeout"] != "5" || ga.Attributes["QueueArn"] != "arn:aws:sqs:us-east-1:000000000000:jobs" ||
		ga.Attributes["ApproximateNumberOfMessages"] != "0" || ga.Attributes["ApproximateNumberOfMessagesNotVisible"] != "0" {
		t.Errorf("attributes: %v %v", err, ga.Attributes)
	}
	_, err = c.SetQueueAttributes(ctx, &awssqs.SetQueueAttributesInput{QueueUrl: &url, Attributes: map[string]string{"DelaySeconds": "901"}})
	var iav *types.InvalidAttributeValue
	if !errorAs(err, &iav) {
		t.Errorf("bad attribute: %v", err)
	}
	if _, err := c.TagQueue(ctx, &awssqs.TagQueueInput{QueueUrl: &url, Tags: map[string]string{"env": "dev"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagQueue(ctx, &awssqs.UntagQueueInput{QueueUrl: &url, TagKeys: []string{"team"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.ListQueueTags(ctx, &awssqs.ListQueueTagsInput{QueueUrl: &url})
	if err != nil || len(tags.Tags) != 1 || tags.Tags["env"] != "dev" {
		t.Errorf("tags: %v %v", err, tags)
	}
	if _, err := c.PurgeQueue(ctx, &awssqs.PurgeQueueInput{QueueUrl: &url}); err != nil {
		t.Fatal(err)
	}
	_, err = c.PurgeQueue(ctx, &awssqs.PurgeQueueInput{QueueUrl: &url})
	var pip *types.PurgeQueueInProgress
	if !errorAs(err, &pip) {
		t.Errorf("second purge: %v", err)
	}
	if _, err := c.DeleteQueue(ctx, &awssqs.DeleteQueueInput{QueueUrl: &url}); err != nil {
		t.Fatal(err)
	}
	_, err = c.SendMessage(ctx, &awssqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String("x")})
	if !errorAs(err, &dne) {
		t.Errorf("deleted queue: %v", err)
	}
}

func TestSQSFIFOAndRedrive(t *testing.T) {
	srv, _ := newSQS(t)
	c := newSQSClient(srv)
	ctx := context.Background()
	dlq, err := c.CreateQueue(ctx, &awssqs.CreateQueueInput{QueueName: aws.String("dead.fifo"), Attributes: map[string]string{"FifoQueue": "true"}})
	if err != nil {
		t.Fatal(err)
	}
	q, err := c.CreateQueue(ctx, &awssqs.CreateQueueInput{QueueName: aws.String("work.fifo"), Attributes: map[string]string{
		"FifoQueue": "true", "ContentBasedDeduplication": "true", "VisibilityTimeout": "0",
		"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dead.fifo","maxReceiveCount":1}`}})
	if err != nil {
		t.Fatal(err)
	}
	url := q.QueueUrl
	for i := range 4 {
		_, err := c.SendMessage(ctx, &awssqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String(fmt.Sprint(i)), MessageGroupId: aws.String("g")})
		if err != nil {
			t.Fatal(err)
		}
	}
	r1, err := c.ReceiveMessage(ctx, &awssqs.ReceiveMessageInput{QueueUrl: url, MaxNumberOfMessages: 2, VisibilityTimeout: 0,
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{"SequenceNumber", "MessageGroupId"}})
	if err != nil || len(r1.Messages) != 2 || aws.ToString(r1.Messages[0].Body) != "0" || r1.Messages[1].Attributes["MessageGroupId"] != "g" {
		t.Fatalf("fifo receive: %v %+v", err, r1)
	}
	// Received once already: the next receive dead-letters 0 and 1.
	r2, err := c.ReceiveMessage(ctx, &awssqs.ReceiveMessageInput{QueueUrl: url, MaxNumberOfMessages: 10})
	if err != nil || len(r2.Messages) != 2 || aws.ToString(r2.Messages[0].Body) != "2" {
		t.Fatalf("after redrive: %v %+v", err, r2)
	}
	src, err := c.ListDeadLetterSourceQueues(ctx, &awssqs.ListDeadLetterSourceQueuesInput{QueueUrl: dlq.QueueUrl})
	if err != nil || len(src.QueueUrls) != 1 {
		t.Errorf("sources: %v %v", err, src)
	}
	mt, err := c.StartMessageMoveTask(ctx, &awssqs.StartMessageMoveTaskInput{SourceArn: aws.String("arn:aws:sqs:us-east-1:000000000000:dead.fifo")})
	if err != nil || aws.ToString(mt.TaskHandle) == "" {
		t.Fatalf("start move: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		l, err := c.ListMessageMoveTasks(ctx, &awssqs.ListMessageMoveTasksInput{SourceArn: aws.String("arn:aws:sqs:us-east-1:000000000000:dead.fifo")})
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Results) == 1 && aws.ToString(l.Results[0].Status) == "COMPLETED" {
			if l.Results[0].ApproximateNumberOfMessagesMoved != 2 {
				t.Errorf("moved %d", l.Results[0].ApproximateNumberOfMessagesMoved)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("task: %+v", l.Results)
		}
		time.Sleep(10 * time.Millisecond)
	}
	_, err = c.CancelMessageMoveTask(ctx, &awssqs.CancelMessageMoveTaskInput{TaskHandle: mt.TaskHandle})
	if errorCode(err) != "AWS.SimpleQueueService.UnsupportedOperation" {
		t.Errorf("cancel a finished task: %v", err)
	}
}

func TestSQSLongPoll(t *testing.T) {
	srv, q := newSQS(t)
	c := newSQSClient(srv)
	ctx := context.Background()
	q.CreateQueue(ctx, "lp", nil, nil)
	url := aws.String(srv.URL + "/000000000000/lp")
	got := make(chan time.Time, 1)
	go func() {
		r, err := c.ReceiveMessage(ctx, &awssqs.ReceiveMessageInput{QueueUrl: url, WaitTimeSeconds: 10})
		if err == nil && len(r.Messages) == 1 {
			got <- time.Now()
		}
		close(got)
	}()
	time.Sleep(200 * time.Millisecond)
	start := time.Now()
	if _, err := c.SendMessage(ctx, &awssqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("x")}); err != nil {
		t.Fatal(err)
	}
	at, ok := <-got
	if !ok || at.Sub(start) > time.Second {
		t.Errorf("long poll: %v %v", ok, at.Sub(start))
	}
}

// errorAs is errors.As for the SDK's typed errors.
func errorAs[T error](err error, target *T) bool { return errors.As(err, target) }
