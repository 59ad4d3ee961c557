package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	"github.com/verge-edge/verge/internal/admin"
)

const eventsStack = `resources:
  shop:
    type: event-bus
  failures:
    type: event-bus
  worker:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn/worker.js}}
      asyncInvocation: {maximumRetryAttempts: 1}
      destinations:
        onSuccess: $ResourceParam('sink', 'arn')
        onFailure: $ResourceParam('failures', 'arn')
  sink:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn/log.js}}
  onfail:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn/log.js}}
      events:
        - type: event-bus
          properties:
            eventBusName: failures
            eventPattern: {source: [lambda], detail-type: [Lambda Function Invocation Result - Failure]}
  orders:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn/log.js}}
      events:
        - type: event-bus
          properties:
            eventBusName: shop
            eventPattern:
              source: [shop]
              detail: {total: [{numeric: [">", 100]}]}
            inputTransformer:
              inputPathsMap: {total: $.detail.total, kind: $.detail-type}
              inputTemplate: '{"order": <total>, "kind": "<kind>"}'
        - type: event-bus
          properties:
            useDefaultBus: true
            eventPattern: {source: [{prefix: "sdk."}]}
  ticker:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn/log.js}}
      events:
        - type: schedule
          properties:
            scheduleRate: cron(0 10 * * ? *)
`

var eventsFiles = map[string]string{
	"fn/worker.js": `exports.handler = async (e) => {
  console.log('EVENT ' + JSON.stringify(e));
  if (e.fail) throw new Error('boom');
  return { ok: true, n: e.n };
};
`,
	"fn/log.js": `exports.handler = async (e) => { console.log('GOT ' + JSON.stringify(e)); return 'logged'; };
`,
}

// logged returns the events function fn logged with "GOT " (or marker),
// decoded, waiting up to limit for at least want of them.
func logged(t *testing.T, v *running, fn, marker string, want int, limit time.Duration) []map[string]any {
	t.Helper()
	var got []map[string]any
	deadline := time.Now().Add(limit)
	for {
		got = got[:0]
		_, out, _ := v.run(t, "logs", fn, "--since", "1h")
		for line := range strings.Lines(out) {
			_, rest, ok := strings.Cut(line, marker+" ")
			if !ok {
				continue
			}
			var m map[string]any
			if json.Unmarshal([]byte(strings.TrimSpace(rest)), &m) == nil {
				got = append(got, m)
			}
		}
		if len(got) >= want || time.Now().After(deadline) {
			return got
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestEventDrivenEndToEnd: asynchronous invocations with retries and
// destinations, events put on buses (the CLI and the AWS SDK's EventBridge
// client) matched by patterns with input transformers, and schedules fired
// on demand, all through real node functions and the embedded NATS.
func TestEventDrivenEndToEnd(t *testing.T) {
	dir := stackDir(t, eventsStack)
	writeFiles(t, dir, eventsFiles)
	v := start(t, "dev", dir, "--async-retry", "100ms")

	t.Run("success goes to the onSuccess function", func(t *testing.T) {
		code, out, stderr := v.run(t, "invoke", "worker", "--async", "--payload", `{"n":1}`)
		if code != 0 || !strings.HasPrefix(out, "queued ") {
			t.Fatalf("invoke --async: %d %q %q", code, out, stderr)
		}
		id := strings.TrimSpace(strings.TrimPrefix(out, "queued "))
		recs := logged(t, v, "sink", "GOT", 1, 20*time.Second)
		if len(recs) != 1 {
			t.Fatalf("sink got %d records", len(recs))
		}
		rc, _ := recs[0]["requestContext"].(map[string]any)
		resp, _ := recs[0]["responsePayload"].(map[string]any)
		req, _ := recs[0]["requestPayload"].(map[string]any)
		if recs[0]["version"] != "1.0" || rc["condition"] != "Success" || rc["requestId"] != id || rc["approximateInvokeCount"] != 1.0 ||
			rc["functionArn"] != "arn:aws:lambda:us-east-1:000000000000:function:worker:$LATEST" || resp["ok"] != true || req["n"] != 1.0 {
			t.Errorf("destination record %v", recs[0])
		}
	})

	t.Run("failure retries then goes to the onFailure bus", func(t *testing.T) {
		if code, out, stderr := v.run(t, "invoke", "worker", "--async", "--payload", `{"fail":true}`); code != 0 {
			t.Fatalf("invoke --async: %d %q %q", code, out, stderr)
		}
		recs := logged(t, v, "onfail", "GOT", 1, 20*time.Second)
		if len(recs) != 1 {
			t.Fatalf("onfail got %d events", len(recs))
		}
		detail, _ := recs[0]["detail"].(map[string]any)
		rc, _ := detail["requestContext"].(map[string]any)
		if recs[0]["source"] != "lambda" || rc["condition"] != "RetriesExhausted" || rc["approximateInvokeCount"] != 2.0 {
			t.Errorf("failure event %v", recs[0])
		}
		attempts := 0
		for _, e := range logged(t, v, "worker", "EVENT", 0, 0) {
			if e["fail"] == true {
				attempts++
			}
		}
		if attempts != 2 {
			t.Errorf("the failing event ran %d times, want 2 (1 + maximumRetryAttempts 1)", attempts)
		}
	})

	t.Run("put-events with a pattern and an input transformer", func(t *testing.T) {
		for _, total := range []string{"150", "50"} {
			code, out, stderr := v.run(t, "put-events", "--bus", "shop", "--source", "shop", "--detail-type", "Order Placed",
				"--detail", `{"total":`+total+`}`)
			if code != 0 || !strings.Contains(out, `"FailedEntryCount": 0`) {
				t.Fatalf("put-events: %d %q %q", code, out, stderr)
			}
		}
		recs := logged(t, v, "orders", "GOT", 1, 20*time.Second)
		if len(recs) != 1 || recs[0]["order"] != 150.0 || recs[0]["kind"] != "Order Placed" {
			t.Errorf("orders got %v (only the total over 100, transformed)", recs)
		}
		code, _, stderr := v.run(t, "put-events", "--bus", "nope", "--source", "s", "--detail-type", "t", "--detail", "{}")
		if code != 1 {
			t.Errorf("an unknown bus: exit %d (%s), want 1: the entry fails", code, stderr)
		}
	})

	t.Run("the AWS SDK's EventBridge client", func(t *testing.T) {
		c := eventbridge.New(eventbridge.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + v.admin),
			Credentials: credentials.NewStaticCredentialsProvider("AKID", v.token, "")})
		out, err := c.PutEvents(context.Background(), &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{
			{Source: aws.String("sdk.test"), DetailType: aws.String("Ping"), Detail: aws.String(`{"ping":1}`)},
			{Source: aws.String("sdk.test"), DetailType: aws.String("Ping")}, // no Detail: fails alone
		}})
		if err != nil || out.FailedEntryCount != 1 || aws.ToString(out.Entries[0].EventId) == "" || aws.ToString(out.Entries[1].ErrorCode) == "" {
			t.Fatalf("PutEvents: %v %+v", err, out)
		}
		var got []map[string]any
		for _, e := range logged(t, v, "orders", "GOT", 2, 20*time.Second) {
			if e["source"] == "sdk.test" {
				got = append(got, e)
			}
		}
		if len(got) != 1 || got[0]["id"] != aws.ToString(out.Entries[0].EventId) {
			t.Errorf("orders got %v from the default bus", got)
		}
	})

	t.Run("trigger a schedule", func(t *testing.T) {
		resp, body := fetch(t, "GET", "http://"+v.admin+admin.PathAsync, nil, v.auth()...)
		var st admin.AsyncStatus
		if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &st) != nil || st.Schedules["ticker-schedule-0"].IsZero() {
			t.Errorf("GET /async: %d %s", resp.StatusCode, body)
		}
		if next := st.Schedules["ticker-schedule-0"]; next.Hour() != 10 || next.Minute() != 0 {
			t.Errorf("ticker's next time %v, want 10:00 UTC", next)
		}
		if code, out, stderr := v.run(t, "trigger", "ticker"); code != 0 {
			t.Fatalf("trigger: %d %q %q", code, out, stderr)
		}
		recs := logged(t, v, "ticker", "GOT", 1, 20*time.Second)
		if len(recs) != 1 || recs[0]["detail-type"] != "Scheduled Event" || recs[0]["source"] != "aws.events" {
			t.Errorf("ticker got %v", recs)
		}
		if code, _, _ := v.run(t, "trigger", "sink"); code != 2 {
			t.Errorf("trigger of a function without schedules: exit %d, want 2", code)
		}
	})
}

// TestEventsStartWithFunctions: a stack without functions runs no broker;
// the first reload that adds one starts it, and its schedule can fire.
func TestEventsStartWithFunctions(t *testing.T) {
	dir := stackDir(t, "resources:\n  site:\n    type: bucket\n    properties: {directory: ., cdn: {enabled: true}}\n")
	v := start(t, "dev", dir)
	if _, err := os.Stat(filepath.Join(dir, ".verge", "nats")); !os.IsNotExist(err) {
		t.Errorf("a stack without functions opened the broker: %v", err)
	}
	writeFiles(t, dir, map[string]string{"fn/log.js": eventsFiles["fn/log.js"], "verge.yaml": `resources:
  ticker:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn/log.js}}
      events:
        - type: schedule
          properties: {scheduleRate: rate(5 minutes), input: {hello: 1}}
`})
	until(t, 30*time.Second, func() bool {
		code, _, _ := v.run(t, "trigger", "ticker")
		return code == 0
	})
	if recs := logged(t, v, "ticker", "GOT", 1, 20*time.Second); len(recs) != 1 || recs[0]["hello"] != 1.0 {
		t.Errorf("ticker got %v", recs)
	}
}
