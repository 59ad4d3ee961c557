// Command edgefn measures what a warm Lambda@Edge viewer-request function
// adds to cache hits, side by side in one run: hits of the same 1 KiB object
// without a function (/o/1k) and behind a Node.js edge-lambda-function that
// checks a header and forwards the request (/f/1k). It runs a real
// `verge serve` in process on loopback ports.
//
//	go run ./bench/edgefn [-n 3000] [-c 8] [-d 5s]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/verge-edge/verge/bench/internal/load"
	"github.com/verge-edge/verge/internal/cli"
	"github.com/verge-edge/verge/internal/sandbox"
)

const stackYAML = `resources:
  site:
    type: bucket
    properties:
      directory: ./public
      cdn:
        enabled: true
        cachingOptions:
          defaultTTL: 3600
        routeRewrites:
          - path: /f/*
            routeTo:
              type: bucket
              properties:
                bucketName: site
            cachingOptions:
              defaultTTL: 3600
            edgeFunctions:
              onRequest: check
  check:
    type: edge-lambda-function
    properties:
      packaging:
        type: stacktape-lambda-buildpack
        properties:
          entryfilePath: check/index.js
`

// The function the issue names: check a header, forward the request.
const checkJS = `exports.handler = async (event) => {
  const request = event.Records[0].cf.request;
  if (!request.headers['x-bench']) {
    return { status: '403', statusDescription: 'Forbidden' };
  }
  return request;
};
`

func main() {
	sandbox.Init()
	n := flag.Int("n", 3000, "sequential requests per path for the latency figures")
	conc := flag.Int("c", 8, "concurrent clients for the throughput figures")
	dur := flag.Duration("d", 5*time.Second, "how long each throughput run lasts")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the whole run (Verge included) to this file")
	flag.Parse()
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			log.Fatal(err)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	if err := run(*n, *conc, *dur); err != nil {
		log.Fatal(err)
	}
}

func run(n, conc int, dur time.Duration) error {
	dir, err := os.MkdirTemp("", "verge-bench-edgefn-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	body := strings.Repeat("x", 1024)
	for name, content := range map[string]string{
		"verge.yaml": stackYAML, "check/index.js": checkJS, "public/o/1k": body, "public/f/1k": body,
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan int, 1)
	env := &cli.Env{Stdout: io.Discard, Stderr: os.Stderr, Getenv: func(string) string { return "" },
		Ready: func(listen, _ string) { ready <- listen }}
	go func() {
		done <- cli.Run(ctx, env, []string{"serve", dir, "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--access-log", "off"})
	}()
	var listen string
	select {
	case listen = <-ready:
	case code := <-done:
		return fmt.Errorf("verge exited %d", code)
	}
	defer func() { cancel(); <-done }()

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	plain, fn := "http://"+listen+"/o/1k", "http://"+listen+"/f/1k"
	doPlain, doFn := func() error { return get(client, plain) }, func() error { return get(client, fn) }
	latPlain, err := load.Latencies(doPlain, 100, n)
	if err != nil {
		return err
	}
	latFn, err := load.Latencies(doFn, 100, n)
	if err != nil {
		return err
	}
	rpsPlain, err := load.Throughput(doPlain, conc, dur)
	if err != nil {
		return err
	}
	rpsFn, err := load.Throughput(doFn, conc, dur)
	if err != nil {
		return err
	}
	p50p, p50f := load.Quantile(latPlain, 0.5), load.Quantile(latFn, 0.5)
	p99p, p99f := load.Quantile(latPlain, 0.99), load.Quantile(latFn, 0.99)
	fmt.Printf("# Lambda@Edge viewer-request on cache hits (%s)\n\n", time.Now().UTC().Format(time.RFC3339))
	fmt.Println("| measure | hits with the function | hits without | difference / ratio | target |")
	fmt.Println("|---|---|---|---|---|")
	fmt.Printf("| p50 latency | %s | %s | +%s | added < 1 ms (goal 300 µs) |\n", load.Dur(p50f), load.Dur(p50p), load.Dur(p50f-p50p))
	fmt.Printf("| p99 latency | %s | %s | +%s | |\n", load.Dur(p99f), load.Dur(p99p), load.Dur(p99f-p99p))
	fmt.Printf("| throughput, %d clients | %.0f/s | %.0f/s | %.2fx | ≥ 3,000/s |\n", conc, rpsFn, rpsPlain, rpsFn/rpsPlain)
	return nil
}

// get fetches url as a hit must be answered: 200 with the object.
func get(client *http.Client, url string) error {
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("X-Bench", "1")
	return load.Fetch(client, req, 1024)
}
