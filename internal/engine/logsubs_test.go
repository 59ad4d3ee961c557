package engine

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	kinesistypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/identity"
	"github.com/verge-edge/verge/internal/logs"
	"github.com/verge-edge/verge/internal/stack"
)

// logSubsYAML: app prints lines, some with ERROR; onError is subscribed
// to app's log group with the filter ERROR and prints each event it gets.
const logSubsYAML = `resources:
  trail:
    type: kinesis-stream
    properties: {capacityMode: PROVISIONED, shardCount: 1}
  app:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: app.js}}
  onError:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: on-error.js}}
      events:
        - type: cloudwatch-log
          properties:
            logGroupArn: $ResourceParam('app', 'logGroupArn')
            filter: ERROR
`

const appJS = `exports.handler = async (event) => {
  for (const line of event.lines) console.log(line);
  return 'ok';
};
`

// onErrorJS prints the event it got, whole, on one line after "GOT ".
const onErrorJS = `exports.handler = async (event) => {
  console.log('GOT ' + JSON.stringify(event));
};
`

// TestLogSubscription: app's ERROR lines, and only they, reach onError
// through the stack's cloudwatch-log event, as AWS's event (decoded
// strictly by aws-lambda-go), after the control message; the filter is
// listed by DescribeSubscriptionFilters and cannot be deleted by the API.
// A filter made with PutSubscriptionFilter puts every line on a Kinesis
// stream as gzipped records.
func TestLogSubscription(t *testing.T) {
	e, _ := serveStack(t, map[string]string{"verge.yaml": logSubsYAML, "app.js": appJS, "on-error.js": onErrorJS}, Options{})
	_, adminAddr := e.Addrs()
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	creds := credentials.NewStaticCredentialsProvider(identity.AdminAccessKeyID, "tok", "")
	lam := lambda.New(lambda.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + adminAddr), HTTPClient: &http.Client{Transport: tr}, Credentials: creds})
	cwl := cloudwatchlogs.New(cloudwatchlogs.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + adminAddr), HTTPClient: &http.Client{Transport: tr}, Credentials: creds})
	ctx := context.Background()

	_, err := cwl.PutSubscriptionFilter(ctx, &cloudwatchlogs.PutSubscriptionFilterInput{LogGroupName: aws.String("/aws/lambda/app"),
		FilterName: aws.String("to-trail"), FilterPattern: aws.String(""), DestinationArn: aws.String(arn.Stream("trail"))})
	must(t, err)

	lines := []string{"INFO starting", "ERROR one: disk full", "all fine", "ERROR two: timeout", "DEBUG done"}
	payload, _ := json.Marshal(map[string]any{"lines": lines})
	out, err := lam.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("app"), Payload: payload, InvocationType: lambdatypes.InvocationTypeRequestResponse})
	must(t, err)
	if out.FunctionError != nil {
		t.Fatalf("app failed: %s", out.Payload)
	}

	// Wait for onError to have printed both ERROR lines.
	var control int
	var got []string
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		control, got = 0, nil
		evs, err := e.logs.Query("/aws/lambda/onError", logs.Query{Filter: "GOT"})
		if err == nil {
			for _, ev := range evs {
				data := parseGot(t, ev.Message)
				switch data.MessageType {
				case "CONTROL_MESSAGE":
					control++
					if data.Owner != "CloudwatchLogs" || data.LogGroup != "" || len(data.SubscriptionFilters) != 0 || len(data.LogEvents) != 1 ||
						!strings.HasPrefix(data.LogEvents[0].Message, "CWL CONTROL MESSAGE: Checking health of destination") {
						t.Errorf("control message %+v", data)
					}
				case "DATA_MESSAGE":
					if data.Owner != arn.Account || data.LogGroup != "/aws/lambda/app" || !slices.Equal(data.SubscriptionFilters, []string{"onError-cloudwatch-log-0"}) ||
						!strings.Contains(data.LogStream, "[$LATEST]") {
						t.Errorf("data message %+v", data)
					}
					for _, le := range data.LogEvents {
						if len(le.ID) != 56 || le.Timestamp == 0 {
							t.Errorf("log event %+v", le)
						}
						got = append(got, le.Message)
					}
				default:
					t.Errorf("message type %q", data.MessageType)
				}
			}
		}
		if len(got) >= 2 && control >= 1 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Lines delivered in two batches are two asynchronous invocations,
	// which may run in either order.
	slices.SortFunc(got, func(a, b string) int {
		return strings.Compare(a[strings.LastIndex(a, "\t")+1:], b[strings.LastIndex(b, "\t")+1:])
	})
	if control != 1 || len(got) != 2 || !strings.HasSuffix(got[0], "ERROR one: disk full") || !strings.HasSuffix(got[1], "ERROR two: timeout") {
		t.Fatalf("onError got %d control messages and events %q; want 1 and the two ERROR lines", control, got)
	}

	// The stream got the control message, then every line of app's.
	ks := kinesis.New(kinesis.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + adminAddr), HTTPClient: &http.Client{Transport: tr}, Credentials: creds})
	it, err := ks.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("trail"), ShardId: aws.String("shardId-000000000000"),
		ShardIteratorType: kinesistypes.ShardIteratorTypeTrimHorizon})
	must(t, err)
	var types, streamed []string
	iter := it.ShardIterator
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline) && !slices.ContainsFunc(streamed, func(m string) bool { return strings.HasPrefix(m, "REPORT") }); {
		recs, err := ks.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: iter})
		must(t, err)
		iter = recs.NextShardIterator
		for _, r := range recs.Records {
			data := gunzipLogs(t, r.Data)
			types = append(types, data.MessageType)
			for _, le := range data.LogEvents {
				streamed = append(streamed, le.Message)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(types) < 2 || types[0] != "CONTROL_MESSAGE" || !slices.ContainsFunc(streamed, func(m string) bool { return strings.HasSuffix(m, "all fine") }) ||
		!slices.ContainsFunc(streamed, func(m string) bool { return strings.HasPrefix(m, "REPORT") }) {
		t.Errorf("the stream got messages %q with events %q", types, streamed)
	}

	fs, err := cwl.DescribeSubscriptionFilters(ctx, &cloudwatchlogs.DescribeSubscriptionFiltersInput{LogGroupName: aws.String("/aws/lambda/app")})
	must(t, err)
	if len(fs.SubscriptionFilters) != 2 || aws.ToString(fs.SubscriptionFilters[1].FilterName) != "to-trail" || aws.ToString(fs.SubscriptionFilters[0].FilterName) != "onError-cloudwatch-log-0" ||
		aws.ToString(fs.SubscriptionFilters[0].DestinationArn) != arn.Function("onError", "") || aws.ToString(fs.SubscriptionFilters[0].FilterPattern) != "ERROR" {
		t.Errorf("DescribeSubscriptionFilters: %+v", fs.SubscriptionFilters)
	}
	_, err = cwl.DeleteSubscriptionFilter(ctx, &cloudwatchlogs.DeleteSubscriptionFilterInput{LogGroupName: aws.String("/aws/lambda/app"), FilterName: aws.String("onError-cloudwatch-log-0")})
	if err == nil || !strings.Contains(err.Error(), "InvalidParameterException") {
		t.Errorf("deleting the stack's filter: %v", err)
	}
	// onError's own group may not feed app's subscriber back: a loop.
	_, err = cwl.PutSubscriptionFilter(ctx, &cloudwatchlogs.PutSubscriptionFilterInput{LogGroupName: aws.String("/aws/lambda/onError"),
		FilterName: aws.String("back"), FilterPattern: aws.String(""), DestinationArn: aws.String(arn.Function("onError", ""))})
	if err == nil || !strings.Contains(err.Error(), "loop") {
		t.Errorf("a loop through the API: %v", err)
	}
}

// parseGot decodes a "GOT {event}" line of onError strictly as
// aws-lambda-go's CloudWatch Logs event, and its data.
func parseGot(t *testing.T, line string) events.CloudwatchLogsData {
	t.Helper()
	_, js, ok := strings.Cut(line, "GOT ")
	if !ok {
		t.Fatalf("line %q", line)
	}
	d := json.NewDecoder(bytes.NewReader([]byte(js)))
	d.DisallowUnknownFields()
	var ev events.CloudwatchLogsEvent
	if err := d.Decode(&ev); err != nil {
		t.Fatalf("event %s: %v", js, err)
	}
	data, err := ev.AWSLogs.Parse()
	if err != nil {
		t.Fatalf("data of %s: %v", js, err)
	}
	return data
}

// gunzipLogs decodes a Kinesis record of a subscription strictly.
func gunzipLogs(t *testing.T, b []byte) events.CloudwatchLogsData {
	t.Helper()
	z, err := gzip.NewReader(bytes.NewReader(b))
	must(t, err)
	d := json.NewDecoder(z)
	d.DisallowUnknownFields()
	var data events.CloudwatchLogsData
	must(t, d.Decode(&data))
	return data
}

// TestLogSubscriptionRestart: a filter made with PutSubscriptionFilter
// survives a restart of Verge with its creation time, the stack's filter
// keeps its name, neither sends a second control message, and both still
// deliver.
func TestLogSubscriptionRestart(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{"verge.yaml": logSubsYAML, "app.js": appJS, "on-error.js": onErrorJS} {
		must(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644))
	}
	plan, err := stack.Load(dir)
	must(t, err)
	start := func() (*Engine, *cloudwatchlogs.Client, *lambda.Client) {
		e, err := Open(Options{Data: filepath.Join(dir, ".verge"), Token: "tok", CacheMemory: 8 << 20})
		must(t, err)
		must(t, e.Listen("127.0.0.1:0", "127.0.0.1:0"))
		res, err := e.Apply(context.Background(), plan)
		must(t, err)
		must(t, res.Problems)
		_, adminAddr := e.Addrs()
		tr := &http.Transport{}
		t.Cleanup(tr.CloseIdleConnections)
		creds := credentials.NewStaticCredentialsProvider(identity.AdminAccessKeyID, "tok", "")
		return e, cloudwatchlogs.New(cloudwatchlogs.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + adminAddr), HTTPClient: &http.Client{Transport: tr}, Credentials: creds}),
			lambda.New(lambda.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + adminAddr), HTTPClient: &http.Client{Transport: tr}, Credentials: creds})
	}
	stop := func(e *Engine) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		must(t, e.Close(ctx))
	}
	ctx := context.Background()
	e, cwl, _ := start()
	_, err = cwl.PutSubscriptionFilter(ctx, &cloudwatchlogs.PutSubscriptionFilterInput{LogGroupName: aws.String("/aws/lambda/app"),
		FilterName: aws.String("keep"), FilterPattern: aws.String("fine"), DestinationArn: aws.String(arn.Function("onError", ""))})
	must(t, err)
	before, err := cwl.DescribeSubscriptionFilters(ctx, &cloudwatchlogs.DescribeSubscriptionFiltersInput{LogGroupName: aws.String("/aws/lambda/app")})
	must(t, err)
	waitGot(t, e, func(control int, _ []string) bool { return control == 2 })
	stop(e)

	e, cwl, lam := start()
	t.Cleanup(func() { stop(e) })
	after, err := cwl.DescribeSubscriptionFilters(ctx, &cloudwatchlogs.DescribeSubscriptionFiltersInput{LogGroupName: aws.String("/aws/lambda/app")})
	must(t, err)
	if len(after.SubscriptionFilters) != 2 || len(before.SubscriptionFilters) != 2 {
		t.Fatalf("filters before %d, after %d", len(before.SubscriptionFilters), len(after.SubscriptionFilters))
	}
	for i, f := range after.SubscriptionFilters {
		b := before.SubscriptionFilters[i]
		if aws.ToString(f.FilterName) != aws.ToString(b.FilterName) || aws.ToInt64(f.CreationTime) != aws.ToInt64(b.CreationTime) {
			t.Errorf("filter %d: %s created %d, before the restart %s created %d", i, aws.ToString(f.FilterName), aws.ToInt64(f.CreationTime),
				aws.ToString(b.FilterName), aws.ToInt64(b.CreationTime))
		}
	}
	payload, _ := json.Marshal(map[string]any{"lines": []string{"all fine", "ERROR after the restart"}})
	_, err = lam.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("app"), Payload: payload})
	must(t, err)
	control, got := waitGot(t, e, func(_ int, got []string) bool { return len(got) >= 2 })
	has := func(suffix string) bool {
		return slices.ContainsFunc(got, func(m string) bool { return strings.HasSuffix(m, suffix) })
	}
	if control != 2 || len(got) != 2 || !has("\tERROR after the restart") || !has("\tall fine") {
		t.Errorf("after the restart: %d control messages in all, events %q", control, got)
	}
}

// waitGot reads onError's log until done says it has what it waits for,
// and returns the control messages and the data events' messages it got.
func waitGot(t *testing.T, e *Engine, done func(control int, got []string) bool) (int, []string) {
	t.Helper()
	var control int
	var got []string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		control, got = 0, nil
		evs, _ := e.logs.Query("/aws/lambda/onError", logs.Query{Filter: "GOT"})
		for _, ev := range evs {
			data := parseGot(t, ev.Message)
			if data.MessageType == "CONTROL_MESSAGE" {
				control++
			}
			for _, le := range data.LogEvents {
				if data.MessageType == "DATA_MESSAGE" {
					got = append(got, le.Message)
				}
			}
		}
		if done(control, got) {
			break
		}
	}
	return control, got
}
