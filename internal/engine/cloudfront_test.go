package engine

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"

	"github.com/verge-edge/verge/internal/awsapi"
	"github.com/verge-edge/verge/internal/cff"
	"github.com/verge-edge/verge/internal/identity"
	"github.com/verge-edge/verge/internal/jsfn"
)

// cdnYAML is a CDN with a cdn-function at viewer-request, and a function
// with a bus rule and a schedule.
const cdnYAML = `resources:
  site:
    type: bucket
    properties:
      directory: ./public
      cdn:
        enabled: true
        cachingOptions: {defaultTTL: 300}
        edgeFunctions: {onRequest: tagRequest}
  tagRequest:
    type: cdn-function
    properties: {entryfilePath: edge/tag.js}
  orders:
    type: event-bus
  onOrder:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: on-order.js}}
      events:
        - type: event-bus
          properties: {eventBusName: orders, eventPattern: {source: [shop]}}
        - type: schedule
          properties: {scheduleRate: rate(1 day)}
`

const tagJS = `function handler(event) {
  console.log("tagging " + event.request.uri);
  event.request.headers["x-tag"] = {value: "1"};
  return event.request;
}
`

// cdnEngine runs cdnYAML and returns the engine, the viewer address and
// the AWS endpoint's URL.
func cdnEngine(t *testing.T) (e *Engine, dir, viewer, endpoint string) {
	t.Helper()
	// A generous compute budget: the race detector slows the first runs
	// past CloudFront's 5ms.
	e, dir = serveStack(t, map[string]string{
		"verge.yaml":        cdnYAML,
		"public/index.html": "v1",
		"edge/tag.js":       tagJS,
		"on-order.js":       "exports.handler = async () => 1;\n",
	}, Options{FunctionLimits: jsfn.Limits{Compute: time.Second}})
	viewer, admin := e.Addrs()
	return e, dir, viewer, "http://" + admin
}

// xcache fetches url and returns its X-Cache and body.
func xcache(t *testing.T, url string) (string, string) {
	t.Helper()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 30 * time.Second}).Get(url)
	must(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.Header.Get("X-Cache"), string(b)
}

// TestCloudFrontAPI: the plan's CDN is a distribution the SDK reads; an
// invalidation through the SDK really empties the edge's cache; the
// cdn-function's TestFunction says what the offline runner says.
func TestCloudFrontAPI(t *testing.T) {
	_, dir, viewer, endpoint := cdnEngine(t)
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	c := cloudfront.New(cloudfront.Options{Region: "us-east-1", BaseEndpoint: aws.String(endpoint), HTTPClient: &http.Client{Transport: tr},
		Credentials: credentials.NewStaticCredentialsProvider(identity.AdminAccessKeyID, "tok", "")})
	ctx := context.Background()

	list, err := c.ListDistributions(ctx, &cloudfront.ListDistributionsInput{})
	must(t, err)
	if aws.ToInt32(list.DistributionList.Quantity) != 1 {
		t.Fatalf("ListDistributions: %+v", list.DistributionList)
	}
	d := list.DistributionList.Items[0]
	id := awsapi.DistributionID("site")
	// The only distribution answers any host: its domain is the listener.
	if aws.ToString(d.Id) != id || aws.ToString(d.DomainName) != viewer || aws.ToString(d.Status) != "Deployed" {
		t.Errorf("distribution: %s %s %s", aws.ToString(d.Id), aws.ToString(d.DomainName), aws.ToString(d.Status))
	}
	got, err := c.GetDistribution(ctx, &cloudfront.GetDistributionInput{Id: aws.String(id)})
	must(t, err)
	dc := got.Distribution.DistributionConfig
	//lint:ignore SA1019 Verge answers the legacy TTL fields: its behaviours have no cache policy to name
	ttl := aws.ToInt64(dc.DefaultCacheBehavior.DefaultTTL)
	if aws.ToString(dc.Origins.Items[0].Id) != "site" || ttl != 300 ||
		aws.ToString(dc.DefaultCacheBehavior.FunctionAssociations.Items[0].FunctionARN) != "arn:aws:cloudfront::000000000000:function/tagRequest" ||
		dc.DefaultCacheBehavior.FunctionAssociations.Items[0].EventType != cftypes.EventTypeViewerRequest {
		t.Errorf("GetDistribution's config: %+v %+v", dc.Origins.Items[0], dc.DefaultCacheBehavior)
	}

	// Fetch, hit, invalidate, miss: the new content shows.
	url := "http://" + viewer + "/index.html"
	if xc, body := xcache(t, url); !strings.HasPrefix(xc, "Miss") || body != "v1" {
		t.Fatalf("first fetch: %s %q", xc, body)
	}
	must(t, os.WriteFile(filepath.Join(dir, "public/index.html"), []byte("v2"), 0o644))
	if xc, body := xcache(t, url); !strings.HasPrefix(xc, "Hit") || body != "v1" {
		t.Fatalf("second fetch: %s %q", xc, body)
	}
	inv, err := c.CreateInvalidation(ctx, &cloudfront.CreateInvalidationInput{DistributionId: aws.String(id), InvalidationBatch: &cftypes.InvalidationBatch{
		CallerReference: aws.String("deploy-2"), Paths: &cftypes.Paths{Quantity: aws.Int32(1), Items: []string{"/index.html"}}}})
	must(t, err)
	if xc, body := xcache(t, url); !strings.HasPrefix(xc, "Miss") || body != "v2" {
		t.Errorf("after the invalidation: %s %q", xc, body)
	}
	gi, err := c.GetInvalidation(ctx, &cloudfront.GetInvalidationInput{DistributionId: aws.String(id), Id: inv.Invalidation.Id})
	if err != nil || aws.ToString(gi.Invalidation.Status) != "Completed" {
		t.Errorf("GetInvalidation: %v %+v", err, gi)
	}
	li, err := c.ListInvalidations(ctx, &cloudfront.ListInvalidationsInput{DistributionId: aws.String(id)})
	if err != nil || aws.ToInt32(li.InvalidationList.Quantity) != 1 || aws.ToString(li.InvalidationList.Items[0].Id) != aws.ToString(inv.Invalidation.Id) {
		t.Errorf("ListInvalidations: %v %+v", err, li)
	}

	// The cdn-function, described and tested through the API.
	fns, err := c.ListFunctions(ctx, &cloudfront.ListFunctionsInput{})
	if err != nil || aws.ToInt32(fns.FunctionList.Quantity) != 1 || aws.ToString(fns.FunctionList.Items[0].Name) != "tagRequest" {
		t.Fatalf("ListFunctions: %v %+v", err, fns)
	}
	desc, err := c.DescribeFunction(ctx, &cloudfront.DescribeFunctionInput{Name: aws.String("tagRequest")})
	must(t, err)
	if desc.FunctionSummary.FunctionConfig.Runtime != cftypes.FunctionRuntimeCloudfrontJs20 || aws.ToString(desc.ETag) == "" {
		t.Errorf("DescribeFunction: %+v %s", desc.FunctionSummary.FunctionConfig, aws.ToString(desc.ETag))
	}
	event := []byte(`{"version":"1.0","context":{"eventType":"viewer-request"},"viewer":{"ip":"1.2.3.4"},"request":{"method":"GET","uri":"/a","headers":{},"querystring":{},"cookies":{}}}`)
	tf, err := c.TestFunction(ctx, &cloudfront.TestFunctionInput{Name: aws.String("tagRequest"), IfMatch: desc.ETag, EventObject: event})
	must(t, err)
	want, err := cff.Test(ctx, []byte(tagJS), jsfn.Runtime20, jsfn.Limits{Compute: time.Second}, event, jsfn.RunOptions{})
	must(t, err)
	r := tf.TestResult
	if aws.ToString(r.FunctionOutput) != want.FunctionOutput || !slices.Equal(r.FunctionExecutionLogs, want.FunctionExecutionLogs) ||
		aws.ToString(r.FunctionErrorMessage) != "" || !strings.Contains(want.FunctionOutput, `"x-tag":{"value":"1"}`) {
		t.Errorf("TestFunction: %s %q %s\nthe offline runner: %+v", aws.ToString(r.FunctionOutput), r.FunctionExecutionLogs, aws.ToString(r.FunctionErrorMessage), want)
	}
}

// TestEventBridgeAPI: the plan's buses, rules and targets as the SDK reads
// them.
func TestEventBridgeAPI(t *testing.T) {
	_, _, _, endpoint := cdnEngine(t)
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	c := eventbridge.New(eventbridge.Options{Region: "us-east-1", BaseEndpoint: aws.String(endpoint), HTTPClient: &http.Client{Transport: tr},
		Credentials: credentials.NewStaticCredentialsProvider(identity.AdminAccessKeyID, "tok", "")})
	ctx := context.Background()
	buses, err := c.ListEventBuses(ctx, &eventbridge.ListEventBusesInput{})
	if err != nil || len(buses.EventBuses) != 2 || aws.ToString(buses.EventBuses[1].Name) != "orders" {
		t.Errorf("ListEventBuses: %v %+v", err, buses)
	}
	rules, err := c.ListRules(ctx, &eventbridge.ListRulesInput{EventBusName: aws.String("orders")})
	if err != nil || len(rules.Rules) != 1 || aws.ToString(rules.Rules[0].Name) != "onOrder-event-bus-0" || aws.ToString(rules.Rules[0].EventPattern) != `{"source":["shop"]}` {
		t.Fatalf("ListRules(orders): %v %+v", err, rules)
	}
	sched, err := c.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String("onOrder-schedule-1")})
	if err != nil || aws.ToString(sched.ScheduleExpression) != "rate(1 day)" {
		t.Errorf("DescribeRule: %v %+v", err, sched)
	}
	ts, err := c.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String("onOrder-event-bus-0"), EventBusName: aws.String("orders")})
	if err != nil || len(ts.Targets) != 1 || aws.ToString(ts.Targets[0].Arn) != "arn:aws:lambda:us-east-1:000000000000:function:onOrder" {
		t.Errorf("ListTargetsByRule: %v %+v", err, ts)
	}
	_, err = c.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String("nope")})
	var ae interface{ ErrorCode() string }
	if !errors.As(err, &ae) || ae.ErrorCode() != "ResourceNotFoundException" {
		t.Errorf("DescribeRule of none: %v", err)
	}
}
