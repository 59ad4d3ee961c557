// Command queue measures the sqs trigger end to end, side by side with its
// floor in one run: a trivial Node.js function on a queue (batchSize 10, no
// batch window) against the same function's synchronous Invoke rate with
// the same callers, and the time from SendMessage to the handler's start.
// It runs a real engine (queue service, event source mapping, sandboxes)
// with the AWS SDK for Go v2 as the client, over loopback. The backlog is
// sent first with the trigger disabled; the rate is the drain's.
//
//	go run ./bench/queue [-n 20000] [-c 8] [-d 5s] [-lat 300] [-rounds 3]
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/verge-edge/verge/bench/internal/load"
	"github.com/verge-edge/verge/internal/engine"
	"github.com/verge-edge/verge/internal/sandbox"
	"github.com/verge-edge/verge/internal/stack"
)

const stackFile = `resources:
  jobs:
    type: sqs-queue
  worker:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: index.js}}
      events:
        - type: sqs
          properties: {sqsQueueName: jobs, batchSize: 10}
`

// handler logs, for each record, its wall-clock start in µs and the body
// (the sender's clock in µs when it is a number).
const handler = `exports.handler = async (event) => {
  const now = Math.round((performance.timeOrigin + performance.now()) * 1000);
  if (event.Records) console.log('BATCH ' + now + ' ' + event.Records.length + ' ' + event.Records[0].body);
  return {};
};
`

func main() {
	sandbox.Init()
	n := flag.Int("n", 20000, "messages for the drain rate")
	conc := flag.Int("c", 8, "concurrent callers")
	dur := flag.Duration("d", 5*time.Second, "how long the Invoke throughput run lasts")
	lat := flag.Int("lat", 300, "single messages for the SendMessage-to-start latency")
	rounds := flag.Int("rounds", 3, "rounds of the Invoke rate and the drain, alternating")
	flag.Parse()
	if err := run(*n, *conc, *dur, *lat, *rounds); err != nil {
		log.Fatal(err)
	}
}

// tap counts the messages the function reported and hands on the latency
// lines.
type tap struct {
	messages atomic.Int64
	starts   chan [2]int64 // handler start µs, body µs
}

func (t *tap) Line(function, line string) {
	_, rest, ok := strings.Cut(line, "BATCH ")
	if !ok {
		return
	}
	f := strings.Fields(rest)
	if len(f) < 3 {
		return
	}
	count, _ := strconv.ParseInt(f[1], 10, 64)
	t.messages.Add(count)
	start, _ := strconv.ParseInt(f[0], 10, 64)
	if sent, err := strconv.ParseInt(f[2], 10, 64); err == nil {
		select {
		case t.starts <- [2]int64{start, sent}:
		default:
		}
	}
}

func (t *tap) Failed(function, errorType, message string, stack []string) {}

func run(n, conc int, dur time.Duration, latN, rounds int) error {
	dir, err := load.TempStack("queue", stackFile, handler)
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	tp := &tap{starts: make(chan [2]int64, 1)}
	e, plan, cfg, endpoint, err := load.Start(dir, tp)
	if err != nil {
		return err
	}
	defer e.Close(context.Background())
	ctx := context.Background()
	_, admin := e.Addrs()
	q := sqs.NewFromConfig(cfg, func(o *sqs.Options) { o.BaseEndpoint = endpoint })
	fn := lambda.NewFromConfig(cfg, func(o *lambda.Options) { o.BaseEndpoint = endpoint })
	url := "http://" + admin + "/000000000000/jobs"

	fmt.Printf("# Verge sqs trigger (%s, GOMAXPROCS=%s)\n\n", time.Now().UTC().Format(time.RFC3339), os.Getenv("GOMAXPROCS"))
	fmt.Println("| measure | Verge | floor | ratio | target |")
	fmt.Println("|---|---|---|---|---|")

	invoke := func() error {
		_, err := fn.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("worker"), Payload: []byte(`{}`)})
		return err
	}
	if err := invoke(); err != nil { // the cold start
		return err
	}
	// Rounds alternate the two measures; each drain starts from a backlog
	// sent with the trigger disabled. The medians are reported.
	var invRates, rates []float64
	for range rounds {
		invRate, err := load.Throughput(invoke, conc, dur)
		if err != nil {
			return err
		}
		invRates = append(invRates, invRate)
		plan.QueueTriggers[0].Enabled = false
		if _, err := e.Apply(ctx, plan); err != nil {
			return err
		}
		if err := load.FillQueue(ctx, q, url, n, conc); err != nil {
			return err
		}
		enabled := *plan
		enabled.QueueTriggers = slices.Clone(plan.QueueTriggers)
		enabled.QueueTriggers[0].Enabled = true
		rate, err := drain(ctx, e, &enabled, tp, n)
		if err != nil {
			return err
		}
		rates = append(rates, rate)
	}
	rate, invRate := median(rates), median(invRates)
	fmt.Printf("| messages processed, batchSize 10 (median of %d; %s) | %.0f msg/s | Invoke, %d callers: %.0f/s (%s) | %.2fx | ≥ 3x |\n",
		rounds, list(rates), rate, conc, invRate, list(invRates), rate/invRate)

	lats, err := latencies(ctx, q, url, tp, latN)
	if err != nil {
		return err
	}
	fmt.Printf("| SendMessage → handler start, p50 | %s | | | < 5 ms |\n", load.Dur(load.Quantile(lats, 0.5)))
	fmt.Printf("| SendMessage → handler start, p99 | %s | | | |\n", load.Dur(load.Quantile(lats, 0.99)))
	return nil
}

// drain enables the trigger and times until the function has reported
// the n messages of the backlog.
func drain(ctx context.Context, e *engine.Engine, plan *stack.Plan, tp *tap, n int) (float64, error) {
	base := tp.messages.Load()
	start := time.Now()
	if _, err := e.Apply(ctx, plan); err != nil {
		return 0, err
	}
	want := int64(n / 10 * 10)
	deadline := time.Now().Add(5 * time.Minute)
	for tp.messages.Load()-base < want {
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("only %d of %d messages processed", tp.messages.Load()-base, want)
		}
		time.Sleep(time.Millisecond)
	}
	return float64(want) / time.Since(start).Seconds(), nil
}

// latencies sends one message at a time, its body the send's start in µs,
// and collects the handler's start minus that.
func latencies(ctx context.Context, q *sqs.Client, url string, tp *tap, n int) ([]time.Duration, error) {
	var out []time.Duration
	for i := range n + 20 {
		sent := time.Now().UnixMicro()
		if _, err := q.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String(strconv.FormatInt(sent, 10))}); err != nil {
			return nil, err
		}
		select {
		case s := <-tp.starts:
			if i >= 20 { // warm-up
				out = append(out, time.Duration(s[0]-s[1])*time.Microsecond)
			}
		case <-time.After(10 * time.Second):
			return nil, fmt.Errorf("message %d: the handler did not start", i)
		}
		time.Sleep(2 * time.Millisecond)
	}
	slices.Sort(out)
	return out, nil
}

// median is the middle of xs (the upper one of an even count).
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// list is xs rounded, comma-separated.
func list(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.FormatFloat(x, 'f', 0, 64)
	}
	return strings.Join(parts, ", ")
}
