package cli

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/verge-edge/verge/internal/awsclient"
	"github.com/verge-edge/verge/internal/identity"
)

// TestQuickstartAWS drives the README's quickstart, running under `verge
// serve`, through every AWS operation issue 13 serves, with the AWS SDK
// for Go v2's Lambda, CloudWatch Logs, EventBridge and CloudFront clients
// and the admin's credentials: each must answer without an error.
func TestQuickstartAWS(t *testing.T) {
	v := start(t, "serve", "../../examples/quickstart", "--data", t.TempDir(), "--function-compute", "250ms")
	ctx := context.Background()
	creds := credentials.NewStaticCredentialsProvider(identity.AdminAccessKeyID, v.token, "")
	endpoint := aws.String("http://" + v.admin)
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	hc := &http.Client{Transport: tr}
	lam := lambda.New(lambda.Options{Region: "us-east-1", BaseEndpoint: endpoint, Credentials: creds, HTTPClient: hc})
	eb := eventbridge.New(eventbridge.Options{Region: "us-east-1", BaseEndpoint: endpoint, Credentials: creds, HTTPClient: hc})
	cf := cloudfront.New(cloudfront.Options{Region: "us-east-1", BaseEndpoint: endpoint, Credentials: creds, HTTPClient: hc})
	cw := cloudwatchlogs.New(cloudwatchlogs.Options{Region: "us-east-1", BaseEndpoint: endpoint, Credentials: creds,
		HTTPClient: awsclient.OwnBodies{Client: hc}}, awsclient.NoHostPrefix)
	fn := aws.String("hello")
	group := aws.String("/aws/lambda/hello")

	// What later calls name: a distribution, a rule, an invalidation, a stream.
	var distID, ruleName, invalidationID, streamName string
	steps := []struct {
		name string
		call func() error
	}{
		{"lambda Invoke", func() error {
			out, err := lam.Invoke(ctx, &lambda.InvokeInput{FunctionName: fn, Payload: []byte(`{"name":"Ada"}`)})
			if err == nil && out.FunctionError != nil {
				t.Errorf("Invoke: function error %s", out.Payload)
			}
			return err
		}},
		{"lambda ListFunctions", func() error { _, err := lam.ListFunctions(ctx, &lambda.ListFunctionsInput{}); return err }},
		{"lambda GetFunction", func() error { _, err := lam.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: fn}); return err }},
		{"lambda GetFunctionConfiguration", func() error {
			_, err := lam.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: fn})
			return err
		}},
		{"lambda GetAccountSettings", func() error { _, err := lam.GetAccountSettings(ctx, &lambda.GetAccountSettingsInput{}); return err }},
		{"lambda ListVersionsByFunction", func() error {
			_, err := lam.ListVersionsByFunction(ctx, &lambda.ListVersionsByFunctionInput{FunctionName: fn})
			return err
		}},
		{"lambda ListAliases", func() error { _, err := lam.ListAliases(ctx, &lambda.ListAliasesInput{FunctionName: fn}); return err }},
		{"lambda GetFunctionEventInvokeConfig", func() error {
			_, err := lam.GetFunctionEventInvokeConfig(ctx, &lambda.GetFunctionEventInvokeConfigInput{FunctionName: fn})
			return err
		}},
		{"lambda ListEventSourceMappings", func() error {
			out, err := lam.ListEventSourceMappings(ctx, &lambda.ListEventSourceMappingsInput{FunctionName: fn})
			if err == nil && len(out.EventSourceMappings) == 0 {
				t.Error("ListEventSourceMappings: the daily schedule is missing")
			}
			return err
		}},
		{"lambda GetPolicy", func() error { _, err := lam.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: fn}); return err }},
		{"lambda function-active-v2 waiter", func() error {
			return lambda.NewFunctionActiveV2Waiter(lam).Wait(ctx, &lambda.GetFunctionInput{FunctionName: fn}, 10*time.Second)
		}},
		{"events PutEvents", func() error {
			out, err := eb.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{
				{Source: aws.String("quickstart"), DetailType: aws.String("test"), Detail: aws.String(`{"n":1}`)}}})
			if err == nil && out.FailedEntryCount != 0 {
				t.Errorf("PutEvents: %d failed", out.FailedEntryCount)
			}
			return err
		}},
		{"events ListEventBuses", func() error { _, err := eb.ListEventBuses(ctx, &eventbridge.ListEventBusesInput{}); return err }},
		{"events DescribeEventBus", func() error { _, err := eb.DescribeEventBus(ctx, &eventbridge.DescribeEventBusInput{}); return err }},
		{"events ListRules", func() error {
			out, err := eb.ListRules(ctx, &eventbridge.ListRulesInput{})
			if err == nil && len(out.Rules) > 0 {
				ruleName = aws.ToString(out.Rules[0].Name)
			}
			return err
		}},
		{"events DescribeRule", func() error {
			_, err := eb.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String(ruleName)})
			return err
		}},
		{"events ListTargetsByRule", func() error {
			_, err := eb.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String(ruleName)})
			return err
		}},
		{"events TestEventPattern", func() error {
			out, err := eb.TestEventPattern(ctx, &eventbridge.TestEventPatternInput{EventPattern: aws.String(`{"source":["quickstart"]}`),
				Event: aws.String(`{"id":"1","account":"000000000000","source":"quickstart","time":"2026-12-06T00:00:00Z","region":"us-east-1","resources":[],"detail-type":"t","detail":{}}`)})
			if err == nil && !out.Result {
				t.Error("TestEventPattern: no match")
			}
			return err
		}},
		{"cloudfront ListDistributions", func() error {
			out, err := cf.ListDistributions(ctx, &cloudfront.ListDistributionsInput{})
			if err == nil && out.DistributionList != nil && len(out.DistributionList.Items) > 0 {
				distID = aws.ToString(out.DistributionList.Items[0].Id)
			}
			return err
		}},
		{"cloudfront GetDistribution", func() error {
			_, err := cf.GetDistribution(ctx, &cloudfront.GetDistributionInput{Id: aws.String(distID)})
			return err
		}},
		{"cloudfront CreateInvalidation", func() error {
			out, err := cf.CreateInvalidation(ctx, &cloudfront.CreateInvalidationInput{DistributionId: aws.String(distID),
				InvalidationBatch: &cftypes.InvalidationBatch{CallerReference: aws.String("qs-1"),
					Paths: &cftypes.Paths{Quantity: aws.Int32(1), Items: []string{"/*"}}}})
			if err == nil {
				invalidationID = aws.ToString(out.Invalidation.Id)
			}
			return err
		}},
		{"cloudfront GetInvalidation", func() error {
			_, err := cf.GetInvalidation(ctx, &cloudfront.GetInvalidationInput{DistributionId: aws.String(distID), Id: aws.String(invalidationID)})
			return err
		}},
		{"cloudfront ListInvalidations", func() error {
			_, err := cf.ListInvalidations(ctx, &cloudfront.ListInvalidationsInput{DistributionId: aws.String(distID)})
			return err
		}},
		{"cloudfront ListFunctions", func() error { _, err := cf.ListFunctions(ctx, &cloudfront.ListFunctionsInput{}); return err }},
		{"cloudfront DescribeFunction", func() error {
			_, err := cf.DescribeFunction(ctx, &cloudfront.DescribeFunctionInput{Name: aws.String("securityHeaders")})
			return err
		}},
		{"cloudfront TestFunction", func() error {
			d, err := cf.DescribeFunction(ctx, &cloudfront.DescribeFunctionInput{Name: aws.String("securityHeaders")})
			if err != nil {
				return err
			}
			out, err := cf.TestFunction(ctx, &cloudfront.TestFunctionInput{Name: aws.String("securityHeaders"), IfMatch: d.ETag,
				Stage:       cftypes.FunctionStageDevelopment,
				EventObject: []byte(`{"version":"1.0","context":{"eventType":"viewer-response"},"viewer":{"ip":"1.2.3.4"},"request":{"method":"GET","uri":"/","querystring":{},"headers":{},"cookies":{}},"response":{"statusCode":200,"statusDescription":"OK","headers":{},"cookies":{}}}`)})
			if err == nil && !strings.Contains(aws.ToString(out.TestResult.FunctionOutput), "x-frame-options") {
				t.Errorf("TestFunction output: %s", aws.ToString(out.TestResult.FunctionOutput))
			}
			return err
		}},
		{"logs DescribeLogGroups", func() error {
			_, err := cw.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{})
			return err
		}},
		{"logs DescribeLogStreams", func() error {
			out, err := cw.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: group})
			if err == nil && len(out.LogStreams) > 0 {
				streamName = aws.ToString(out.LogStreams[0].LogStreamName)
			}
			return err
		}},
		{"logs GetLogEvents", func() error {
			_, err := cw.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: group, LogStreamName: aws.String(streamName), StartFromHead: aws.Bool(true)})
			return err
		}},
		{"logs FilterLogEvents", func() error {
			out, err := cw.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: group, FilterPattern: aws.String("REPORT")})
			if err == nil && len(out.Events) == 0 {
				t.Error("FilterLogEvents: no REPORT line of the invocation")
			}
			return err
		}},
		{"logs StartLiveTail", func() error {
			out, err := cw.StartLiveTail(ctx, &cloudwatchlogs.StartLiveTailInput{LogGroupIdentifiers: []string{"arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/hello"}})
			if err != nil {
				return err
			}
			stream := out.GetStream()
			defer stream.Close()
			if _, ok := (<-stream.Events()).(*cwtypes.StartLiveTailResponseStreamMemberSessionStart); !ok {
				t.Errorf("StartLiveTail: no sessionStart (%v)", stream.Err())
			}
			return nil
		}},
	}
	for _, s := range steps {
		if err := s.call(); err != nil {
			t.Errorf("%s: %v", s.name, err)
		}
	}
}

// TestQuickstartUpload is the README's bucket upload: an object put under
// incoming/ in the uploads bucket makes onUpload write its summary, which
// it reads back through S3 with its own credentials.
func TestQuickstartUpload(t *testing.T) {
	v := start(t, "serve", "../../examples/quickstart", "--data", t.TempDir(), "--function-compute", "250ms")
	ctx := context.Background()
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	c := s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + v.admin), HTTPClient: &http.Client{Transport: tr},
		Credentials: credentials.NewStaticCredentialsProvider(identity.AdminAccessKeyID, v.token, ""), UsePathStyle: true})
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("uploads"), Key: aws.String("incoming/notes.txt"),
		Body: strings.NewReader("one\ntwo\nthree")})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("uploads"), Key: aws.String("summaries/incoming/notes.txt.json")})
		if err == nil {
			var summary struct {
				Key, Event   string
				Bytes, Lines int
			}
			err = json.NewDecoder(out.Body).Decode(&summary)
			out.Body.Close()
			if err != nil || summary.Key != "incoming/notes.txt" || summary.Event != "ObjectCreated:Put" || summary.Bytes != 13 || summary.Lines != 3 ||
				aws.ToString(out.ContentType) != "application/json" {
				t.Errorf("summary = %+v (%v), type %s", summary, err, aws.ToString(out.ContentType))
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no summary within 60 s: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
