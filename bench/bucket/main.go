// Command bucket measures bucket events end to end, side by side with
// their floor in one run: the time from PutObject (through the SDK for Go
// v2) to the start of the function its s3 event invokes, the time from a
// file written into the bucket's folder to that start, and, as the floor
// both share, the time from an asynchronous Invoke (InvocationType Event)
// to the start of the same function. It runs a real engine (bucket store,
// folder watcher, asynchronous queue on JetStream, a Node.js sandbox) over
// loopback.
//
//	go run ./bench/bucket [-n 200] [-rounds 2]
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/verge-edge/verge/bench/internal/load"
	"github.com/verge-edge/verge/internal/sandbox"
)

const stackFile = `resources:
  uploads:
    type: bucket
    properties: {directory: ./uploads}
  worker:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: index.js}}
      events:
        - type: s3
          properties: {bucketName: uploads, s3EventType: 's3:ObjectCreated:*'}
`

// handler logs its wall-clock start in µs and the sender's clock in µs:
// the object's key for a bucket event, the payload's "sent" for an Invoke.
const handler = `exports.handler = async (event) => {
  const now = Math.round((performance.timeOrigin + performance.now()) * 1000);
  const sent = event.Records ? event.Records[0].s3.object.key.split('/').pop() : event.sent;
  console.log('START ' + now + ' ' + sent);
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
	dir, err := load.TempStack("bucket", stackFile, handler)
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	folder := filepath.Join(dir, "uploads")
	if err := os.Mkdir(folder, 0o755); err != nil {
		return err
	}
	tp := load.NewStarts()
	e, _, cfg, endpoint, err := load.Start(dir, tp)
	if err != nil {
		return err
	}
	defer e.Close(context.Background())
	ctx := context.Background()
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.BaseEndpoint, o.UsePathStyle = endpoint, true })
	fn := lambda.NewFromConfig(cfg, func(o *lambda.Options) { o.BaseEndpoint = endpoint })

	return tp.Table("Verge bucket events", n, rounds, []load.Measure{
		{Name: "Invoke (Event) → handler start (the floor)", Target: "", Send: func(sent int64) error {
			_, err := fn.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("worker"), InvocationType: types.InvocationTypeEvent,
				Payload: []byte(`{"sent":` + strconv.FormatInt(sent, 10) + `}`)})
			return err
		}},
		{Name: "PutObject 1 KiB → handler start", Target: "< 10 ms", Send: func(sent int64) error {
			_, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("uploads"), Key: aws.String("put/" + strconv.FormatInt(sent, 10)),
				Body: strings.NewReader(strings.Repeat("x", 1024))})
			return err
		}},
		{Name: "file written on disk → handler start", Target: "< 100 ms", Send: func(sent int64) error {
			return os.WriteFile(filepath.Join(folder, strconv.FormatInt(sent, 10)), []byte(strings.Repeat("x", 1024)), 0o644)
		}},
	})
}
