package engine

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/stack"
)

// triggerStackYAML has a table with a stream, a Kinesis stream, a queue
// and a function whose one event is EVENT.
const triggerStackYAML = `resources:
  orders:
    type: dynamo-db-table
    properties:
      primaryKey:
        partitionKey: {name: id, type: string}
      streamType: NEW_IMAGE
  clicks:
    type: kinesis-stream
  failures:
    type: sqs-queue
  reader:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: h.py}}
      events:
        - EVENT
`

// fullSettings are every setting a stream trigger takes but the stream.
const fullSettings = `batchSize: 250
            maxBatchWindowSeconds: 7
            startingPosition: LATEST
            maximumRetryAttempts: 3
            maximumRecordAgeInSeconds: 120
            bisectBatchOnFunctionError: true
            parallelizationFactor: 4
            tumblingWindowInSeconds: 30
            functionResponseTypes: [ReportBatchItemFailures]
            onFailure:
              arn: $ResourceParam('failures', 'arn')
              type: sqs`

// triggerWant is a stream trigger's settings as its mapping runs them and
// ListEventSourceMappings shows them.
type triggerWant struct {
	batch, window, retries, age, parallel, tumbling int
	start, onFailure                                string
	bisect, report                                  bool
}

// TestStreamTriggerSettings: a dynamo-db-stream trigger's settings reach
// its mapping and ListEventSourceMappings' listing as a kinesis-stream
// trigger's do, defaults (a batch of 100, TRIM_HORIZON, retries and age
// unlimited, one batch a shard) and all set alike.
func TestStreamTriggerSettings(t *testing.T) {
	defaults := triggerWant{batch: 100, retries: -1, age: -1, parallel: 1, start: stack.StartTrimHorizon}
	full := triggerWant{batch: 250, window: 7, retries: 3, age: 120, parallel: 4, tumbling: 30, start: stack.StartLatest,
		onFailure: arn.Queue("failures"), bisect: true, report: true}
	for _, c := range []struct {
		name, event, source string
		want                triggerWant
	}{
		{"dynamodb defaults", "type: dynamo-db-stream\n          properties:\n            streamArn: $ResourceParam('orders', 'streamArn')",
			arn.TableStream("orders"), defaults},
		{"kinesis defaults", "type: kinesis-stream\n          properties:\n            kinesisStreamName: clicks",
			arn.Stream("clicks"), defaults},
		{"dynamodb all set", "type: dynamo-db-stream\n          properties:\n            streamArn: $ResourceParam('orders', 'streamArn')\n            " + fullSettings,
			arn.TableStream("orders"), full},
		{"kinesis all set", "type: kinesis-stream\n          properties:\n            kinesisStreamName: clicks\n            " + fullSettings,
			arn.Stream("clicks"), full},
	} {
		t.Run(c.name, func(t *testing.T) {
			plan := triggerPlan(t, strings.Replace(triggerStackYAML, "EVENT", c.event, 1))
			if len(plan.StreamTriggers) != 1 {
				t.Fatalf("stream triggers %+v", plan.StreamTriggers)
			}
			checkMapping(t, plan.StreamTriggers[0], c.source, c.want)
			checkListed(t, plan, c.source, c.want)
		})
	}
}

// triggerPlan loads the stack y, with its function's file.
func triggerPlan(t *testing.T, y string) *stack.Plan {
	t.Helper()
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "verge.yaml"), []byte(y), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "h.py"), []byte("def handler(event, context):\n    pass\n"), 0o644))
	plan, err := stack.Load(dir)
	must(t, err)
	return plan
}

// checkMapping checks the mapping trigger tr runs as.
func checkMapping(t *testing.T, tr stack.StreamTrigger, source string, w triggerWant) {
	t.Helper()
	m := streamMapping(tr, source, nil)
	age := time.Duration(max(w.age, 0)) * time.Second
	onFailure := ""
	if m.OnFailure != nil {
		onFailure = arn.Queue(m.OnFailure.Name)
		if m.OnFailure.Kind != "sqs" {
			t.Errorf("onFailure kind %q", m.OnFailure.Kind)
		}
	}
	if m.BatchSize != w.batch || m.MaxBatchWindow != time.Duration(w.window)*time.Second || m.StartingPosition != w.start ||
		m.MaximumRetryAttempts != w.retries || m.MaximumRecordAge != age || m.BisectBatchOnFunctionError != w.bisect ||
		m.ParallelizationFactor != w.parallel || m.TumblingWindow != time.Duration(w.tumbling)*time.Second ||
		m.ReportBatchItemFailures != w.report || onFailure != w.onFailure || !m.Enabled || m.FunctionARN != arn.Function("reader", "") {
		t.Errorf("mapping %+v\nwant %+v", m, w)
	}
}

// checkListed checks what ListEventSourceMappings lists of plan's trigger.
func checkListed(t *testing.T, plan *stack.Plan, source string, w triggerWant) {
	t.Helper()
	trs := (&eventSide{}).streamTriggers(plan)
	if len(trs) != 1 || trs[0].Stream == nil {
		t.Fatalf("listed %+v", trs)
	}
	tr, s := trs[0], trs[0].Stream
	report := slices.Equal(tr.FunctionResponseTypes, []string{"ReportBatchItemFailures"})
	if tr.Source != source || tr.Function != "reader" || tr.BatchSize != w.batch || tr.MaxBatchingWindow != w.window ||
		s.StartingPosition != w.start || s.MaximumRetryAttempts != w.retries || s.MaximumRecordAgeInSeconds != w.age ||
		s.BisectBatchOnFunctionError != w.bisect || s.ParallelizationFactor != w.parallel || s.TumblingWindowInSeconds != w.tumbling ||
		s.OnFailure != w.onFailure || report != w.report || report != (len(tr.FunctionResponseTypes) > 0) {
		t.Errorf("listed %+v %+v\nwant %+v", tr, *s, w)
	}
}
