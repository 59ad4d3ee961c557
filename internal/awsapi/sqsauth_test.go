package awsapi

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssqs "github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// sqsAuthRecorder allows everything but "jobs-denied" and notes what it was
// asked.
type sqsAuthRecorder struct {
	mu   sync.Mutex
	seen []string
}

func (a *sqsAuthRecorder) Authorize(_ context.Context, r Request) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.seen = append(a.seen, r.Action+" "+strings.Join(r.Resources, ","))
	for _, res := range r.Resources {
		if strings.HasSuffix(res, ":denied") {
			return errors.New("no")
		}
	}
	return nil
}

// TestSQSAuthorization: each operation asks for sqs:<Op> on the queue's
// ARN, in both protocols, and a denial is AccessDenied in the SDK's terms.
func TestSQSAuthorization(t *testing.T) {
	_, q := newSQS(t)
	auth := &sqsAuthRecorder{}
	srv := httptest.NewServer(New(Options{Identities: testIdentities, Authorizer: auth}, SQS(Fixed(q))))
	defer srv.Close()
	c := newSQSClient(srv)
	ctx := context.Background()
	if _, err := c.CreateQueue(ctx, &awssqs.CreateQueueInput{QueueName: aws.String("jobs")}); err != nil {
		t.Fatal(err)
	}
	u := aws.String(srv.URL + "/000000000000/jobs")
	c.SendMessage(ctx, &awssqs.SendMessageInput{QueueUrl: u, MessageBody: aws.String("x")})
	c.ChangeMessageVisibilityBatch(ctx, &awssqs.ChangeMessageVisibilityBatchInput{QueueUrl: u, Entries: []types.ChangeMessageVisibilityBatchRequestEntry{{Id: aws.String("a"), ReceiptHandle: aws.String("x")}}})
	c.StartMessageMoveTask(ctx, &awssqs.StartMessageMoveTaskInput{SourceArn: aws.String("arn:aws:sqs:us-east-1:000000000000:jobs")})
	c.ListQueues(ctx, &awssqs.ListQueuesInput{})
	_, err := c.SendMessage(ctx, &awssqs.SendMessageInput{QueueUrl: aws.String(srv.URL + "/000000000000/denied"), MessageBody: aws.String("x")})
	if errorCode(err) != "AccessDenied" {
		t.Errorf("denied: %v (%s)", err, errorCode(err))
	}
	want := []string{
		"sqs:CreateQueue arn:aws:sqs:us-east-1:000000000000:jobs",
		"sqs:SendMessage arn:aws:sqs:us-east-1:000000000000:jobs",
		"sqs:ChangeMessageVisibilityBatch arn:aws:sqs:us-east-1:000000000000:jobs",
		"sqs:StartMessageMoveTask arn:aws:sqs:us-east-1:000000000000:jobs",
		"sqs:ListQueues ",
		"sqs:SendMessage arn:aws:sqs:us-east-1:000000000000:denied",
	}
	if strings.Join(auth.seen, "\n") != strings.Join(want, "\n") {
		t.Errorf("asked:\n%s\nwant:\n%s", strings.Join(auth.seen, "\n"), strings.Join(want, "\n"))
	}
}
