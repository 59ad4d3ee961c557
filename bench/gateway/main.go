// Command gateway measures the HTTP front doors for functions side by side
// in one run: a trivial Node.js handler behind an http-api-gateway (payload
// 2.0) and an application-load-balancer, against the same function invoked
// directly (in process, and through the Lambda Invoke REST API) and against
// a bare Node.js HTTP server. The gateway's added latency is its p50 minus
// the direct Invoke's p50 with the same event.
//
//	go run ./bench/gateway [-n 3000] [-c 8] [-d 5s]
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/verge-edge/verge/bench/internal/load"
	"github.com/verge-edge/verge/internal/awsapi"
	"github.com/verge-edge/verge/internal/functions"
	"github.com/verge-edge/verge/internal/gateway"
	"github.com/verge-edge/verge/internal/runtimes"
	"github.com/verge-edge/verge/internal/sandbox"
	"github.com/verge-edge/verge/internal/stack"
	"github.com/verge-edge/verge/internal/triggers/httpapi"
)

func main() {
	sandbox.Init()
	n := flag.Int("n", 3000, "sequential requests for the latency figures")
	conc := flag.Int("c", 8, "concurrent callers for the throughput figures")
	dur := flag.Duration("d", 5*time.Second, "how long each throughput run lasts")
	flag.Parse()
	if err := run(*n, *conc, *dur); err != nil {
		log.Fatal(err)
	}
}

const handler = `exports.handler = async (event) => ({ statusCode: 200, headers: { 'content-type': 'text/plain' }, body: 'hello' });`

func run(n, conc int, dur time.Duration) error {
	dir, err := os.MkdirTemp("", "verge-bench-gateway-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	svc, err := functions.New(functions.Options{DataDir: filepath.Join(dir, "data")})
	if err != nil {
		return err
	}
	defer svc.Close()
	hello, err := load.Function(dir, "hello", "index.js", handler)
	if err != nil {
		return err
	}
	plan := &stack.Plan{Dir: dir,
		Functions: map[string]*stack.Function{"hello": hello},
		HTTPAPIGateways: []stack.HTTPAPIGateway{{Name: "api", Routes: []stack.Route{
			{Key: "GET /hello", Method: "GET", Path: "/hello", Function: "hello", PayloadFormat: "2.0"}}}},
		LoadBalancers: []stack.LoadBalancer{{Name: "lb", Rules: []stack.LoadBalancerRule{
			{Priority: 1, Function: "hello", Paths: []string{"/hello"}}}}},
	}
	if err := svc.Apply(context.Background(), plan); err != nil {
		return err
	}
	gw := gateway.New(gateway.Options{Functions: svc})
	if err := gw.Load(plan); err != nil {
		return err
	}
	mux := awsapi.New(awsapi.Options{NoAuth: true}, awsapi.Lambda(svc, nil, nil))
	apiURL, stopAPI, err := load.Serve(mux)
	if err != nil {
		return err
	}
	defer stopAPI()
	gwURL, stopGW, err := load.Serve(gw)
	if err != nil {
		return err
	}
	defer stopGW()
	node, _, err := runtimes.Resolve(load.MustDefault(runtimes.Node))
	if err != nil {
		return err
	}
	peerURL, stopPeer, err := load.NodeServer(node.Interpreter, `hello`, "text/plain")
	if err != nil {
		return err
	}
	defer stopPeer()

	// The event the gateway builds for GET /hello, captured once, so the
	// direct invocations run the function on the same input.
	event, err := captureEvent(gwURL)
	if err != nil {
		return err
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	direct := func() error {
		resp, err := svc.Invoke(context.Background(), &functions.Request{Function: "hello", Payload: event})
		if err != nil {
			return err
		}
		if resp.FunctionError != "" {
			return fmt.Errorf("function error: %s", resp.Payload)
		}
		return nil
	}
	cases := []struct {
		name string
		do   func() error
	}{
		{"bare node http server (peer)", get(client, peerURL, "")},
		{"direct Invoke, in process", direct},
		{"Invoke REST API", post(client, apiURL+"/2015-03-31/functions/hello/invocations", event)},
		{"http-api-gateway GET /hello", get(client, gwURL+"/hello", "api.localhost")},
		{"application-load-balancer GET /hello", get(client, gwURL+"/hello", "lb.localhost")},
	}
	type result struct {
		p50, p99 time.Duration
		rps      float64
	}
	res := make([]result, len(cases))
	for i, c := range cases {
		lat, err := load.Latencies(c.do, 200, n)
		if err != nil {
			return fmt.Errorf("%s: %v", c.name, err)
		}
		rps, err := load.Throughput(c.do, conc, dur)
		if err != nil {
			return fmt.Errorf("%s: %v", c.name, err)
		}
		res[i] = result{load.Quantile(lat, 0.5), load.Quantile(lat, 0.99), rps}
	}
	fmt.Printf("# Verge HTTP front doors (%s, GOMAXPROCS=%s, %d sequential requests, %d callers for %s)\n\n",
		time.Now().UTC().Format(time.RFC3339), os.Getenv("GOMAXPROCS"), n, conc, dur)
	fmt.Println("| path | p50 | p99 | throughput | vs bare node |")
	fmt.Println("|---|---|---|---|---|")
	for i, c := range cases {
		fmt.Printf("| %s | %s | %s | %.0f/s | %.2fx |\n", c.name, load.Dur(res[i].p50), load.Dur(res[i].p99), res[i].rps, res[i].rps/res[0].rps)
	}
	fmt.Println()
	fmt.Printf("- http-api-gateway added p50 over a direct in-process Invoke: %s (target < 200 µs); over the Invoke REST API: %s\n",
		load.Dur(res[3].p50-res[1].p50), load.Dur(res[3].p50-res[2].p50))
	fmt.Printf("- application-load-balancer added p50 over a direct in-process Invoke: %s\n", load.Dur(res[4].p50-res[1].p50))
	fmt.Printf("- http-api-gateway throughput with %d callers: %.0f/s (target ≥ 3000/s)\n", conc, res[3].rps)
	return nil
}

// captureEvent builds the payload 2.0 event of GET /hello as the gateway
// does, for the direct invocations.
func captureEvent(gwURL string) ([]byte, error) {
	router, err := httpapi.NewRouter([]httpapi.Route{{Key: "GET /hello"}})
	if err != nil {
		return nil, err
	}
	req, _ := http.NewRequest("GET", gwURL+"/hello", nil)
	req.Host = "api.localhost"
	req.RemoteAddr = "127.0.0.1:50000"
	m, _ := router.Match("GET", "/hello")
	return httpapi.NewEventV2(req, m, httpapi.Options{APIID: "api"})
}

func get(client *http.Client, url, host string) func() error {
	return func() error {
		req, err := http.NewRequest("GET", url, nil)
		if err != nil {
			return err
		}
		if host != "" {
			req.Host = host
		}
		return check(client.Do(req))
	}
}

func post(client *http.Client, url string, body []byte) func() error {
	return func() error {
		return check(client.Post(url, "application/json", bytes.NewReader(body)))
	}
}

func check(resp *http.Response, err error) error {
	if err != nil {
		return err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("X-Amz-Function-Error") != "" {
		return fmt.Errorf("status %d: %s", resp.StatusCode, b)
	}
	return nil
}
