// Command logsub measures log subscriptions end to end beside the floor:
// the time from a function's log line to the start of the function its
// cloudwatch-log event invokes (the line reaches the log store, matches
// the filter, is batched, gzipped and enqueued as an asynchronous
// invocation), and, as the floor, the time from an asynchronous Invoke
// (InvocationType Event) to the start of the same subscriber. It runs a
// real engine (queue on JetStream, Node.js sandboxes) over loopback.
//
// The log line's time is the printing function's clock, read just before
// it prints: the subscriber reports its start shifted back by the time
// from the send to that line, so the table's figure is line → start.
//
//	go run ./bench/logsub [-n 200] [-rounds 2]
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"path/filepath"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/verge-edge/verge/bench/internal/load"
	"github.com/verge-edge/verge/internal/sandbox"
)

const stackFile = `resources:
  app:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: app.js}}
  worker:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: index.js}}
      events:
        - type: cloudwatch-log
          properties:
            logGroupArn: $ResourceParam('app', 'logGroupArn')
            filter: SENT
`

// app prints "SENT <sent µs> <now µs>": the sender's clock it was given
// and its own just before printing.
const app = `exports.handler = async (event) => {
  const now = Math.round((performance.timeOrigin + performance.now()) * 1000);
  console.log('SENT ' + event.sent + ' ' + now);
  return {};
};
`

// handler logs "START <start µs> <sent µs>". For a subscription event the
// start is shifted back by the line's delay after the send, so start -
// sent is the line's way to this handler.
const handler = `const zlib = require('zlib');
exports.handler = async (event) => {
  const now = Math.round((performance.timeOrigin + performance.now()) * 1000);
  if (!event.awslogs) {
    console.log('START ' + now + ' ' + event.sent);
    return {};
  }
  const data = JSON.parse(zlib.gunzipSync(Buffer.from(event.awslogs.data, 'base64')));
  for (const e of data.logEvents) {
    const m = e.message.match(/SENT (\d+) (\d+)/);
    if (m) console.log('START ' + (now - (Number(m[2]) - Number(m[1]))) + ' ' + m[1]);
  }
  return {};
};
`

func main() {
	sandbox.Init()
	n := flag.Int("n", 200, "events per measure and round")
	rounds := flag.Int("rounds", 2, "rounds, each measure in turn")
	flag.Parse()
	if err := run(*n, *rounds); err != nil {
		log.Fatal(err)
	}
}

func run(n, rounds int) error {
	dir, err := load.TempStack("logsub", stackFile, handler)
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "app.js"), []byte(app), 0o644); err != nil {
		return err
	}
	tp := load.NewStarts()
	e, _, cfg, endpoint, err := load.Start(dir, tp)
	if err != nil {
		return err
	}
	defer e.Close(context.Background())
	ctx := context.Background()
	fn := lambda.NewFromConfig(cfg, func(o *lambda.Options) { o.BaseEndpoint = endpoint })
	invoke := func(name string, typ types.InvocationType, sent int64) error {
		_, err := fn.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(name), InvocationType: typ,
			Payload: []byte(`{"sent":` + strconv.FormatInt(sent, 10) + `}`)})
		return err
	}
	return tp.Table("Verge log subscriptions", n, rounds, []load.Measure{
		{Name: "Invoke (Event) → handler start (the floor)", Send: func(sent int64) error {
			return invoke("worker", types.InvocationTypeEvent, sent)
		}},
		{Name: "log line → subscriber start (cloudwatch-log)", Target: "< 50 ms", Send: func(sent int64) error {
			return invoke("app", types.InvocationTypeRequestResponse, sent)
		}},
	})
}
