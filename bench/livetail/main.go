// Command livetail measures how long a function's console.log takes to
// reach a CloudWatch Logs StartLiveTail session under `verge dev`: a
// Node.js handler behind an http-api-gateway logs a mark carrying its
// wall-clock time (performance.timeOrigin + performance.now(), in
// microseconds), and a live tail session opened with the AWS SDK for Go v2
// against Verge's AWS endpoint measures when the mark arrives. The goal
// (issue 13) is under 100 ms.
//
// With -poll it measures instead a client that polls FilterLogEvents every
// -poll, as `aws logs tail --follow` does (AWS CLI v2 polls every 5 s).
//
//	go run ./bench/livetail [-n 500] [-gap 5ms] [-poll 0]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/verge-edge/verge/bench/internal/load"
	"github.com/verge-edge/verge/internal/awsclient"
	"github.com/verge-edge/verge/internal/cli"
	"github.com/verge-edge/verge/internal/identity"
	"github.com/verge-edge/verge/internal/sandbox"
)

const group = "/aws/lambda/marker"

func main() {
	sandbox.Init()
	n := flag.Int("n", 500, "invocations, one at a time")
	gap := flag.Duration("gap", 5*time.Millisecond, "pause between invocations")
	poll := flag.Duration("poll", 0, "poll FilterLogEvents this often instead of a live tail session")
	flag.Parse()
	if err := run(*n, *gap, *poll); err != nil {
		log.Fatal(err)
	}
}

// mark is the time a MARK line carries; ok is false for other lines.
func mark(msg string) (time.Time, bool) {
	_, m, ok := strings.Cut(msg, "MARK ")
	if !ok {
		return time.Time{}, false
	}
	us, err := strconv.ParseInt(strings.TrimSpace(m), 10, 64)
	return time.UnixMicro(us), err == nil
}

func run(n int, gap, poll time.Duration) error {
	dir, err := os.MkdirTemp("", "verge-bench-livetail-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := load.WriteMarkerStack(dir); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	type addrs struct{ listen, admin string }
	ready := make(chan addrs, 1)
	done := make(chan int, 1)
	env := &cli.Env{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" },
		Ready: func(listen, admin string) { ready <- addrs{listen, admin} }}
	go func() {
		done <- cli.Run(ctx, env, []string{"dev", dir, "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0"})
	}()
	var a addrs
	select {
	case a = <-ready:
	case code := <-done:
		cancel()
		return fmt.Errorf("verge dev exited %d", code)
	}
	defer func() { cancel(); <-done }()
	token, err := os.ReadFile(filepath.Join(dir, ".verge", "admin-token"))
	if err != nil {
		return err
	}
	client := cloudwatchlogs.New(cloudwatchlogs.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + a.admin),
		Credentials: credentials.NewStaticCredentialsProvider(identity.AdminAccessKeyID, strings.TrimSpace(string(token)), ""),
		HTTPClient:  awsclient.OwnBodies{Client: &http.Client{}}},
		awsclient.NoHostPrefix)
	url := "http://" + a.listen + "/mark"
	invoke := func() error {
		resp, err := http.Get(url)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		return resp.Body.Close()
	}
	if err := invoke(); err != nil { // the cold start, which creates the group
		return err
	}

	marks := make(chan time.Duration, n+10)
	if poll > 0 {
		go pollMarks(ctx, client, poll, marks)
	} else {
		out, err := client.StartLiveTail(ctx, &cloudwatchlogs.StartLiveTailInput{LogGroupIdentifiers: []string{group}})
		if err != nil {
			return err
		}
		stream := out.GetStream()
		defer stream.Close()
		if _, ok := (<-stream.Events()).(*cwtypes.StartLiveTailResponseStreamMemberSessionStart); !ok {
			return fmt.Errorf("no sessionStart: %v", stream.Err())
		}
		go func() {
			for ev := range stream.Events() {
				now := time.Now()
				if up, ok := ev.(*cwtypes.StartLiveTailResponseStreamMemberSessionUpdate); ok {
					for _, r := range up.Value.SessionResults {
						if t, ok := mark(aws.ToString(r.Message)); ok {
							marks <- now.Sub(t)
						}
					}
				}
			}
		}()
	}

	var d []time.Duration
	wait := 5*time.Second + 2*poll
	for i := 0; i < n; i++ {
		if err := invoke(); err != nil {
			return err
		}
		select {
		case x := <-marks:
			d = append(d, x)
		case <-time.After(wait):
			return fmt.Errorf("invocation %d: no mark after %v", i, wait)
		}
		pause := gap
		if poll > 0 { // so that lines land anywhere in the poll interval
			pause += rand.N(poll)
		}
		time.Sleep(pause)
	}
	slices.Sort(d)
	q := func(p float64) time.Duration { return d[int(p*float64(len(d)-1))] }
	how := "a StartLiveTail session"
	if poll > 0 {
		how = "FilterLogEvents polled every " + poll.String()
	}
	fmt.Printf("console.log to %s, %d warm invocations: p50 %v  p90 %v  p99 %v  max %v\n", how,
		len(d), q(0.5).Round(time.Microsecond), q(0.9).Round(time.Microsecond), q(0.99).Round(time.Microsecond), d[len(d)-1].Round(time.Microsecond))
	return nil
}

// pollMarks polls FilterLogEvents from the newest time seen, as `aws logs
// tail --follow` does, and sends each new mark's delay.
func pollMarks(ctx context.Context, client *cloudwatchlogs.Client, every time.Duration, marks chan<- time.Duration) {
	from := time.Now().UnixMilli()
	seen := map[string]bool{}
	for ctx.Err() == nil {
		out, err := client.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(group), StartTime: aws.Int64(from)})
		now := time.Now()
		if err == nil {
			for _, ev := range out.Events {
				if seen[aws.ToString(ev.EventId)] {
					continue
				}
				seen[aws.ToString(ev.EventId)] = true
				from = max(from, aws.ToInt64(ev.Timestamp))
				if t, ok := mark(aws.ToString(ev.Message)); ok {
					marks <- now.Sub(t)
				}
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(every):
		}
	}
}
