package awsapi

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/awsclient"
	"github.com/verge-edge/verge/internal/broker"
	"github.com/verge-edge/verge/internal/logsub"
)

// newSubscriptionsEndpoint is the Logs endpoint with a subscription
// registry on an embedded broker; functions "echo" and "sink" exist, and
// deliveries are counted by function.
func newSubscriptionsEndpoint(t *testing.T) (*logsEndpoint, chan string) {
	t.Helper()
	b, err := broker.Open(context.Background(), broker.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	sent := make(chan string, 100)
	var e *logsEndpoint
	subs, err := logsub.Open(context.Background(), logsub.Options{JetStream: b.JetStream(),
		HasFunction: func(n string) bool { return n == "echo" || n == "sink" },
		HasGroup:    func(n string) bool { return e.store.Exists(n) },
		Enqueue:     func(_ context.Context, fn string, _ []byte) (string, error) { sent <- fn; return "id", nil }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(subs.Close)
	e = newLogsEndpoint(t, LogsOptions{Subscriptions: func(context.Context) (Subscriptions, error) { return subs, nil }})
	e.fill(t)
	return e, sent
}

// TestLogsSubscriptionFilters drives Put, Describe (with pages) and
// Delete through the SDK, and AWS's errors for the limit, a missing group
// or filter, a bad destination and a cycle.
func TestLogsSubscriptionFilters(t *testing.T) {
	e, sent := newSubscriptionsEndpoint(t)
	cl, ctx := e.client(), context.Background()
	put := func(group, name, pattern, dest string) error {
		_, err := cl.PutSubscriptionFilter(ctx, &cloudwatchlogs.PutSubscriptionFilterInput{LogGroupName: aws.String(group),
			FilterName: aws.String(name), FilterPattern: aws.String(pattern), DestinationArn: aws.String(dest)})
		return err
	}
	if err := put("/custom/app", "errors", "ERROR", arn.Function("sink", "")); err != nil {
		t.Fatal(err)
	}
	req := e.auth.last()
	if req.Action != "logs:PutSubscriptionFilter" || strings.Join(req.Resources, " ") != arn.LogGroup("/custom/app") {
		t.Errorf("authorizer asked %+v", req)
	}
	select {
	case fn := <-sent:
		if fn != "sink" {
			t.Errorf("control message to %s", fn)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no control message")
	}
	if _, err := cl.PutSubscriptionFilter(ctx, &cloudwatchlogs.PutSubscriptionFilterInput{LogGroupName: aws.String("/custom/app"),
		FilterName: aws.String("all"), FilterPattern: aws.String(""), DestinationArn: aws.String(arn.Function("echo", "")),
		Distribution: cwtypes.DistributionRandom}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name                       string
		group, filter, pattern, to string
		code, msg                  string
	}{
		{"limit", "/custom/app", "third", "", arn.Function("sink", ""), "LimitExceededException", "Resource limit exceeded."},
		{"no group", "/nope", "x", "", arn.Function("sink", ""), "ResourceNotFoundException", "The specified log group does not exist."},
		{"no function", "/aws/lambda/other", "x", "", arn.Function("ghost", ""), "InvalidParameterException", "Could not execute the lambda function."},
		{"not a function", "/aws/lambda/other", "x", "", "arn:aws:sqs:us-east-1:000000000000:q", "InvalidParameterException", "Check that the destination is valid."},
		{"self", "/aws/lambda/echo", "x", "", arn.Function("echo", ""), "InvalidParameterException", "loop: /aws/lambda/echo → function echo → /aws/lambda/echo"},
		{"bad name", "/aws/lambda/other", "a*b", "", arn.Function("sink", ""), "InvalidParameterException", "'filterName'"},
	} {
		err := put(c.group, c.filter, c.pattern, c.to)
		if errorCode(err) != c.code || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %v, want %s %q", c.name, err, c.code, c.msg)
		}
	}
	var got []cwtypes.SubscriptionFilter
	p := cloudwatchlogs.NewDescribeSubscriptionFiltersPaginator(cl, &cloudwatchlogs.DescribeSubscriptionFiltersInput{
		LogGroupName: aws.String("/custom/app"), Limit: aws.Int32(1)})
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		got = append(got, out.SubscriptionFilters...)
	}
	if len(got) != 2 || pages != 2 || *got[0].FilterName != "all" || got[0].Distribution != cwtypes.DistributionRandom ||
		*got[1].FilterName != "errors" || *got[1].FilterPattern != "ERROR" || *got[1].LogGroupName != "/custom/app" ||
		*got[1].DestinationArn != arn.Function("sink", "") || got[1].Distribution != cwtypes.DistributionByLogStream ||
		aws.ToInt64(got[1].CreationTime) == 0 {
		t.Errorf("described %d filters in %d pages: %+v", len(got), pages, got)
	}
	out, err := cl.DescribeSubscriptionFilters(ctx, &cloudwatchlogs.DescribeSubscriptionFiltersInput{LogGroupName: aws.String("/custom/app"), FilterNamePrefix: aws.String("err")})
	if err != nil || len(out.SubscriptionFilters) != 1 {
		t.Errorf("prefix err: %+v, %v", out, err)
	}
	if _, err := cl.DescribeSubscriptionFilters(ctx, &cloudwatchlogs.DescribeSubscriptionFiltersInput{LogGroupName: aws.String("/nope")}); errorCode(err) != "ResourceNotFoundException" {
		t.Errorf("describe a missing group: %v", err)
	}
	if _, err := cl.DescribeSubscriptionFilters(ctx, &cloudwatchlogs.DescribeSubscriptionFiltersInput{LogGroupName: aws.String("/custom/app"), Limit: aws.Int32(51)}); errorCode(err) != "InvalidParameterException" {
		t.Errorf("limit 51: %v", err)
	}

	del := func(group, name string) error {
		_, err := cl.DeleteSubscriptionFilter(ctx, &cloudwatchlogs.DeleteSubscriptionFilterInput{LogGroupName: aws.String(group), FilterName: aws.String(name)})
		return err
	}
	if err := del("/custom/app", "nope"); errorCode(err) != "ResourceNotFoundException" || !strings.Contains(err.Error(), "The specified subscription filter does not exist.") {
		t.Errorf("delete a missing filter: %v", err)
	}
	if err := del("/custom/app", "all"); err != nil {
		t.Fatal(err)
	}
	if err := put("/custom/app", "third", "", arn.Function("sink", "")); err != nil {
		t.Errorf("after a delete: %v", err)
	}
}

// TestLogsSubscriptionDenied: a function without logs:PutSubscriptionFilter
// on the group gets AccessDeniedException naming the action and the group.
func TestLogsSubscriptionDenied(t *testing.T) {
	e, _ := newSubscriptionsEndpoint(t)
	e.auth.deny = func(r Request) bool { return !r.Identity.IsAdmin() }
	c := testIdentities.Function("echo")
	cl := cloudwatchlogs.New(cloudwatchlogs.Options{Region: "us-east-1", BaseEndpoint: aws.String(e.srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken),
		HTTPClient:  awsclient.OwnBodies{Client: e.srv.Client()}, RetryMaxAttempts: 1})
	_, err := cl.DeleteSubscriptionFilter(context.Background(), &cloudwatchlogs.DeleteSubscriptionFilterInput{LogGroupName: aws.String("/custom/app"), FilterName: aws.String("x")})
	if errorCode(err) != "AccessDeniedException" || !strings.Contains(err.Error(), "logs:DeleteSubscriptionFilter on resource: arn:aws:logs:us-east-1:000000000000:log-group:/custom/app:*") {
		t.Errorf("as a function: %v", err)
	}
}

// TestLogsSubscriptionsUnavailable: without a registry the operations say
// the service is unavailable.
func TestLogsSubscriptionsUnavailable(t *testing.T) {
	e := newLogsEndpoint(t, LogsOptions{})
	e.fill(t)
	_, err := e.client().DescribeSubscriptionFilters(context.Background(), &cloudwatchlogs.DescribeSubscriptionFiltersInput{LogGroupName: aws.String(echoGroup)})
	if errorCode(err) != "ServiceUnavailableException" {
		t.Errorf("no registry: %v", err)
	}
}
