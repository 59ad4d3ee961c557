package awsapi

import (
	"context"
	"errors"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/smithy-go"
	"github.com/verge-edge/verge/internal/broker"
	"github.com/verge-edge/verge/internal/sns"
	"github.com/verge-edge/verge/internal/sqs"
)

// snsQueues records what SNS sends to SQS.
type snsQueues struct {
	mu   sync.Mutex
	sent map[string][]sqs.SendInput
}

func (q *snsQueues) Send(_ context.Context, queue string, in []sqs.SendInput) ([]sqs.SendResult, []error, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.sent == nil {
		q.sent = map[string][]sqs.SendInput{}
	}
	q.sent[queue] = append(q.sent[queue], in...)
	return make([]sqs.SendResult, len(in)), make([]error, len(in)), nil
}

func (q *snsQueues) get(queue string) []sqs.SendInput {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]sqs.SendInput(nil), q.sent[queue]...)
}

// newSNSClient is an SNS client of an endpoint serving an SNS service on
// an embedded broker, signing as the admin.
func newSNSClient(t testing.TB) (*awssns.Client, *snsQueues, *authz) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b, err := broker.Open(ctx, broker.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	q := &snsQueues{}
	svc, err := sns.Open(ctx, sns.Options{JetStream: b.JetStream(), Queues: q, Endpoint: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	a := &authz{}
	srv := httptest.NewServer(New(Options{Identities: testIdentities, Authorizer: a}, SNS(Fixed(svc))))
	t.Cleanup(srv.Close)
	c := testIdentities.Admin()
	return awssns.New(awssns.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), HTTPClient: srv.Client(),
		Credentials: credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken), RetryMaxAttempts: 1}), q, a
}

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// TestSNSSDK drives the SNS API with the AWS SDK for Go v2 (query
// protocol): topics, subscriptions, attributes, Publish and PublishBatch
// with message attributes, FIFO, tags, and SNS's errors.
func TestSNSSDK(t *testing.T) {
	c, q, auth := newSNSClient(t)
	ctx := context.Background()

	ct, err := c.CreateTopic(ctx, &awssns.CreateTopicInput{Name: aws.String("orders"), Attributes: map[string]string{"DisplayName": "Orders"},
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("shop")}}})
	if err != nil {
		t.Fatal(err)
	}
	topic := aws.ToString(ct.TopicArn)
	if topic != "arn:aws:sns:us-east-1:000000000000:orders" {
		t.Fatalf("TopicArn %q", topic)
	}
	if req := auth.last(); req.Action != "sns:CreateTopic" || strings.Join(req.Resources, " ") != topic {
		t.Errorf("authorizer asked %+v", req)
	}
	ta, err := c.GetTopicAttributes(ctx, &awssns.GetTopicAttributesInput{TopicArn: ct.TopicArn})
	if err != nil || ta.Attributes["DisplayName"] != "Orders" || ta.Attributes["TopicArn"] != topic || ta.Attributes["SubscriptionsConfirmed"] != "0" {
		t.Errorf("GetTopicAttributes: %v %v", err, ta)
	}
	if _, err := c.SetTopicAttributes(ctx, &awssns.SetTopicAttributesInput{TopicArn: ct.TopicArn, AttributeName: aws.String("SignatureVersion"), AttributeValue: aws.String("2")}); err != nil {
		t.Error(err)
	}

	sub, err := c.Subscribe(ctx, &awssns.SubscribeInput{TopicArn: ct.TopicArn, Protocol: aws.String("sqs"), Endpoint: aws.String("arn:aws:sqs:us-east-1:000000000000:paid"),
		Attributes: map[string]string{"FilterPolicy": `{"kind":["paid"],"total":[{"numeric":[">",10]}]}`}, ReturnSubscriptionArn: true})
	if err != nil || !strings.HasPrefix(aws.ToString(sub.SubscriptionArn), topic+":") {
		t.Fatalf("Subscribe: %v %+v", err, sub)
	}
	raw, err := c.Subscribe(ctx, &awssns.SubscribeInput{TopicArn: ct.TopicArn, Protocol: aws.String("sqs"), Endpoint: aws.String("arn:aws:sqs:us-east-1:000000000000:raw")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.SetSubscriptionAttributes(ctx, &awssns.SetSubscriptionAttributesInput{SubscriptionArn: raw.SubscriptionArn,
		AttributeName: aws.String("RawMessageDelivery"), AttributeValue: aws.String("true")}); err != nil {
		t.Fatal(err)
	}
	if req := auth.last(); req.Action != "sns:SetSubscriptionAttributes" || strings.Join(req.Resources, " ") != topic {
		t.Errorf("authorizer asked %+v", req)
	}
	sa, err := c.GetSubscriptionAttributes(ctx, &awssns.GetSubscriptionAttributesInput{SubscriptionArn: sub.SubscriptionArn})
	if err != nil || sa.Attributes["FilterPolicyScope"] != "MessageAttributes" || sa.Attributes["Protocol"] != "sqs" || sa.Attributes["RawMessageDelivery"] != "false" {
		t.Errorf("GetSubscriptionAttributes: %v %v", err, sa)
	}
	ls, err := c.ListSubscriptionsByTopic(ctx, &awssns.ListSubscriptionsByTopicInput{TopicArn: ct.TopicArn})
	if err != nil || len(ls.Subscriptions) != 2 || aws.ToString(ls.Subscriptions[0].Endpoint) != "arn:aws:sqs:us-east-1:000000000000:paid" {
		t.Errorf("ListSubscriptionsByTopic: %v %+v", err, ls)
	}

	attrs := map[string]types.MessageAttributeValue{
		"kind":  {DataType: aws.String("String"), StringValue: aws.String("paid")},
		"total": {DataType: aws.String("Number"), StringValue: aws.String("42.5")},
		"blob":  {DataType: aws.String("Binary"), BinaryValue: []byte{1, 2, 3}},
	}
	pub, err := c.Publish(ctx, &awssns.PublishInput{TopicArn: ct.TopicArn, Message: aws.String("hello & <world>"), Subject: aws.String("Hi"), MessageAttributes: attrs})
	if err != nil || aws.ToString(pub.MessageId) == "" {
		t.Fatalf("Publish: %v %+v", err, pub)
	}
	if req := auth.last(); req.Action != "sns:Publish" || strings.Join(req.Resources, " ") != topic {
		t.Errorf("authorizer asked %+v", req)
	}
	if got := q.get("paid"); len(got) != 1 || !strings.Contains(got[0].Body, `"SignatureVersion" : "2"`) || !strings.Contains(got[0].Body, aws.ToString(pub.MessageId)) {
		t.Errorf("paid got %+v", got)
	}
	if got := q.get("raw"); len(got) != 1 || got[0].Body != "hello & <world>" || string(got[0].Attributes["blob"].BinaryValue) != "\x01\x02\x03" || got[0].Attributes["total"].StringValue != "42.5" {
		t.Errorf("raw got %+v", got)
	}

	batch, err := c.PublishBatch(ctx, &awssns.PublishBatchInput{TopicArn: ct.TopicArn, PublishBatchRequestEntries: []types.PublishBatchRequestEntry{
		{Id: aws.String("a"), Message: aws.String("one")},
		{Id: aws.String("b"), Message: aws.String("")},
		{Id: aws.String("c"), Message: aws.String("three"), MessageAttributes: map[string]types.MessageAttributeValue{"kind": {DataType: aws.String("String"), StringValue: aws.String("x")}}},
	}})
	if err != nil || len(batch.Successful) != 2 || len(batch.Failed) != 1 || aws.ToString(batch.Failed[0].Id) != "b" ||
		aws.ToString(batch.Failed[0].Code) != "InvalidParameter" || !batch.Failed[0].SenderFault {
		t.Errorf("PublishBatch: %v %+v", err, batch)
	}
	_, err = c.PublishBatch(ctx, &awssns.PublishBatchInput{TopicArn: ct.TopicArn, PublishBatchRequestEntries: []types.PublishBatchRequestEntry{
		{Id: aws.String("a"), Message: aws.String("one")}, {Id: aws.String("a"), Message: aws.String("two")}}})
	var distinct *types.BatchEntryIdsNotDistinctException
	if !errors.As(err, &distinct) {
		t.Errorf("duplicate ids: %v", err)
	}

	// FIFO.
	ft, err := c.CreateTopic(ctx, &awssns.CreateTopicInput{Name: aws.String("jobs.fifo"), Attributes: map[string]string{"FifoTopic": "true", "ContentBasedDeduplication": "true"}})
	if err != nil {
		t.Fatal(err)
	}
	fp, err := c.Publish(ctx, &awssns.PublishInput{TopicArn: ft.TopicArn, Message: aws.String("job"), MessageGroupId: aws.String("g")})
	if err != nil || aws.ToString(fp.SequenceNumber) == "" {
		t.Errorf("FIFO Publish: %v %+v", err, fp)
	}

	// Tags.
	if _, err := c.TagResource(ctx, &awssns.TagResourceInput{ResourceArn: ct.TopicArn, Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("dev")}}}); err != nil {
		t.Error(err)
	}
	if _, err := c.UntagResource(ctx, &awssns.UntagResourceInput{ResourceArn: ct.TopicArn, TagKeys: []string{"team"}}); err != nil {
		t.Error(err)
	}
	tags, err := c.ListTagsForResource(ctx, &awssns.ListTagsForResourceInput{ResourceArn: ct.TopicArn})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "env" {
		t.Errorf("ListTagsForResource: %v %+v", err, tags)
	}

	// Errors, as the SDK reads them.
	missing := aws.String("arn:aws:sns:us-east-1:000000000000:missing")
	_, err = c.Publish(ctx, &awssns.PublishInput{TopicArn: missing, Message: aws.String("x")})
	var nf *types.NotFoundException
	if !errors.As(err, &nf) || !strings.Contains(err.Error(), "Topic does not exist") {
		t.Errorf("Publish(missing) = %v", err)
	}
	_, err = c.Subscribe(ctx, &awssns.SubscribeInput{TopicArn: ct.TopicArn, Protocol: aws.String("sqs"), Endpoint: aws.String("arn:aws:sqs:us-east-1:000000000000:q"),
		Attributes: map[string]string{"FilterPolicy": `{"a":[{"wildcard":"x*"}]}`}})
	var ip *types.InvalidParameterException
	if !errors.As(err, &ip) || !strings.Contains(err.Error(), "Invalid parameter: Attributes Reason: FilterPolicy: Unrecognized match type wildcard") {
		t.Errorf("Subscribe(bad filter) = %v", err)
	}
	_, err = c.Publish(ctx, &awssns.PublishInput{PhoneNumber: aws.String("+15555550100"), Message: aws.String("x")})
	if apiCode(err) != "InvalidParameter" || !strings.Contains(err.Error(), "SMS") {
		t.Errorf("Publish(PhoneNumber) = %v", err)
	}
	_, err = c.Publish(ctx, &awssns.PublishInput{TopicArn: ct.TopicArn, Message: aws.String("x"),
		MessageAttributes: map[string]types.MessageAttributeValue{"n": {DataType: aws.String("Number"), StringValue: aws.String("abc")}}})
	var ipv *types.InvalidParameterValueException
	if !errors.As(err, &ipv) {
		t.Errorf("Publish(bad number) = %v", err)
	}
	_, err = c.ListTagsForResource(ctx, &awssns.ListTagsForResourceInput{ResourceArn: missing})
	var rnf *types.ResourceNotFoundException
	if !errors.As(err, &rnf) {
		t.Errorf("ListTagsForResource(missing) = %v", err)
	}

	// Unsubscribe and delete.
	if _, err := c.Unsubscribe(ctx, &awssns.UnsubscribeInput{SubscriptionArn: raw.SubscriptionArn}); err != nil {
		t.Error(err)
	}
	all, err := c.ListSubscriptions(ctx, &awssns.ListSubscriptionsInput{})
	if err != nil || len(all.Subscriptions) != 1 {
		t.Errorf("ListSubscriptions: %v %+v", err, all)
	}
	if _, err := c.DeleteTopic(ctx, &awssns.DeleteTopicInput{TopicArn: ct.TopicArn}); err != nil {
		t.Error(err)
	}
	lt, err := c.ListTopics(ctx, &awssns.ListTopicsInput{})
	if err != nil || len(lt.Topics) != 1 || aws.ToString(lt.Topics[0].TopicArn) != aws.ToString(ft.TopicArn) {
		t.Errorf("ListTopics: %v %+v", err, lt)
	}
}

// TestSNSListPages pages ListTopics 100 at a time.
func TestSNSListPages(t *testing.T) {
	c, _, _ := newSNSClient(t)
	ctx := context.Background()
	for i := range 150 {
		if _, err := c.CreateTopic(ctx, &awssns.CreateTopicInput{Name: aws.String("t" + strings.Repeat("x", i%3) + string(rune('a'+i%26)) + strconv.Itoa(i))}); err != nil {
			t.Fatal(err)
		}
	}
	p := awssns.NewListTopicsPaginator(c, &awssns.ListTopicsInput{})
	n, pages := 0, 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n, pages = n+len(out.Topics), pages+1
	}
	if n != 150 || pages != 2 {
		t.Errorf("%d topics in %d pages", n, pages)
	}
}
