// Command events measures Verge's event-driven side in one run, on the
// embedded NATS JetStream and a trivial Node.js function: asynchronous
// invocations accepted per second (in process and through the Lambda
// Invoke API with InvocationType Event), delivered per second to the
// function (with synchronous invocations of the same function as the
// reference), and the latency from a PutEvents call to the handler's
// invocation starting.
//
//	go run ./bench/events [-d 5s] [-c 8] [-n 2000] [-lat 500] [-cpuprofile FILE]
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/verge-edge/verge/bench/internal/load"
	"github.com/verge-edge/verge/internal/awsapi"
	"github.com/verge-edge/verge/internal/broker"
	"github.com/verge-edge/verge/internal/dispatch"
	"github.com/verge-edge/verge/internal/functions"
	"github.com/verge-edge/verge/internal/functions/async"
	"github.com/verge-edge/verge/internal/sandbox"
	"github.com/verge-edge/verge/internal/stack"
	"github.com/verge-edge/verge/internal/triggers/eventbus"
)

func main() {
	sandbox.Init()
	dur := flag.Duration("d", 5*time.Second, "how long each accept run lasts")
	conc := flag.Int("c", 8, "concurrent callers")
	n := flag.Int("n", 2000, "events for the delivery run")
	lat := flag.Int("lat", 500, "events for the latency run, one at a time")
	flag.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the delivery run to this file")
	flag.Parse()
	if err := run(*dur, *conc, *n, *lat); err != nil {
		log.Fatal(err)
	}
}

// probe wraps the function service: it counts invocations and stamps when
// each starts.
type probe struct {
	inner   async.Invoker
	started chan time.Time
	done    atomic.Int64
}

func (p *probe) Invoke(ctx context.Context, fn, id string, payload []byte) (async.Result, error) {
	select {
	case p.started <- time.Now():
	default:
	}
	r, err := p.inner.Invoke(ctx, fn, id, payload)
	p.done.Add(1)
	return r, err
}

// workers is how many events of the function run at once, and the
// synchronous reference's callers.
const workers = 8

func run(dur time.Duration, conc, n, lat int) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "verge-bench-events-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	svc, err := functions.New(functions.Options{DataDir: filepath.Join(dir, "data")})
	if err != nil {
		return err
	}
	defer svc.Close()
	fns := map[string]*stack.Function{}
	for name, code := range map[string]string{
		"noop": `exports.handler = async () => null;`,
		// sleepy holds its events, so the accept runs measure taking events
		// in while a backlog builds, not the function's CPU.
		"sleepy": `exports.handler = async (e) => { await new Promise((r) => setTimeout(r, e.sleep || 0)); return null; };`,
	} {
		fn, err := load.Function(dir, name, "index.js", code)
		if err != nil {
			return err
		}
		fn.TimeoutSeconds = 30 // sleepy holds its events for 20 s
		fns[name] = fn
	}
	plan := &stack.Plan{Dir: dir, Functions: fns,
		BusRules: []stack.BusRule{{Function: "noop", Bus: "default", Pattern: []byte(`{"source":["bench"]}`)}}}
	if err := svc.Apply(ctx, plan); err != nil {
		return err
	}
	b, err := broker.Open(ctx, broker.Options{Dir: filepath.Join(dir, "nats")})
	if err != nil {
		return err
	}
	defer b.Close()
	p := &probe{inner: dispatch.Invoker(svc), started: make(chan time.Time, 1)}
	q, err := async.New(ctx, async.Options{JetStream: b.JetStream(), Invoker: p, Concurrency: workers})
	if err != nil {
		return err
	}
	defer q.Close()
	disp := dispatch.New(dispatch.Options{Queue: q})
	defer disp.Close()
	if err := disp.Load(plan); err != nil {
		return err
	}
	mux := awsapi.New(awsapi.Options{NoAuth: true}, awsapi.Lambda(svc, q, nil), awsapi.Events(disp, disp.HasBus, nil))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

	// Warm the functions' sandboxes before measuring.
	var wg sync.WaitGroup
	for range workers {
		for _, f := range []string{"noop", "sleepy"} {
			wg.Go(func() { svc.Invoke(ctx, &functions.Request{Function: f, Payload: []byte(`{"sleep":300}`)}) })
		}
	}
	wg.Wait()
	fmt.Printf("# Verge event-driven functions (%s, GOMAXPROCS=%s)\n\n", time.Now().UTC().Format(time.RFC3339), os.Getenv("GOMAXPROCS"))
	fmt.Println("| measure | result | reference | target |")
	fmt.Println("|---|---|---|---|")

	// 1. Accepted per second: durable in JetStream before each call returns.
	before := p.done.Load()
	held := []byte(`{"sleep":20000}`)
	inproc, err := load.Throughput(func() error { _, err := q.Enqueue(ctx, "sleepy", held); return err }, conc, dur)
	if err != nil {
		return err
	}
	api, err := load.Throughput(func() error {
		req, _ := http.NewRequest("POST", base+"/2015-03-31/functions/sleepy/invocations", bytes.NewReader(held))
		req.Header.Set(awsapi.HeaderInvocationType, awsapi.InvocationEvent)
		return expect(client.Do(req))(http.StatusAccepted)
	}, conc, dur)
	if err != nil {
		return err
	}
	fmt.Printf("| async invocations accepted, in process (%d callers) | %.0f/s | | ≥ 10,000/s |\n", conc, inproc)
	fmt.Printf("| async invocations accepted, Invoke API with InvocationType Event (%d Go callers in this process) | %.0f/s | | ≥ 10,000/s |\n", conc, api)
	if rps, err := wrkAccept(base+"/2015-03-31/functions/sleepy/invocations", held, dur); err != nil {
		fmt.Printf("| async invocations accepted, Invoke API, wrk | not run: %v | | |\n", err)
	} else {
		fmt.Printf("| async invocations accepted, Invoke API with InvocationType Event (wrk, 2 threads, 16 connections) | %.0f/s | | ≥ 10,000/s |\n", rps)
	}
	// Stop sleepy's deliveries: its backlog stays queued, idle.
	delete(plan.Functions, "sleepy")
	if err := disp.Load(plan); err != nil {
		return err
	}
	_ = before

	// 2. Delivered per second to the Node.js function, against synchronous
	// invocations of it with as many callers as the queue runs at once.
	before = p.done.Load()
	for range n {
		if _, err := q.Enqueue(ctx, "noop", []byte(`{}`)); err != nil {
			return err
		}
	}
	start := time.Now()
	stopProfile, err := profile()
	if err != nil {
		return err
	}
	if err := drain(q, p, before+int64(n), 5*time.Minute); err != nil {
		return err
	}
	delivered := float64(n) / time.Since(start).Seconds()
	stopProfile()
	syncRPS, err := load.Throughput(func() error {
		_, err := svc.Invoke(ctx, &functions.Request{Function: "noop"})
		return err
	}, workers, dur)
	if err != nil {
		return err
	}
	fmt.Printf("| async events delivered to a trivial Node.js function (%d queued) | %.0f/s | sync Invoke, %d callers: %.0f/s (%.2fx) | reported |\n",
		n, delivered, workers, syncRPS, delivered/syncRPS)

	// 3. PutEvents to handler start, one event at a time on an idle queue.
	var lats []time.Duration
	body := []byte(`{"Entries":[{"Source":"bench","DetailType":"Tick","Detail":"{}"}]}`)
	for range lat {
		for len(p.started) > 0 {
			<-p.started
		}
		t0 := time.Now()
		req, _ := http.NewRequest("POST", base+"/", bytes.NewReader(body))
		req.Header.Set(eventbus.HeaderTarget, eventbus.TargetPutEvents)
		req.Header.Set("Content-Type", eventbus.ContentType)
		if err := expect(client.Do(req))(http.StatusOK); err != nil {
			return err
		}
		select {
		case t1 := <-p.started:
			lats = append(lats, t1.Sub(t0))
		case <-time.After(10 * time.Second):
			return fmt.Errorf("a PutEvents event did not reach the function")
		}
		time.Sleep(2 * time.Millisecond) // let the invocation finish: an idle queue each time
	}
	sort.Slice(lats, func(i, j int) bool { return lats[i] < lats[j] })
	fmt.Printf("| PutEvents to the invocation starting, p50 (%d events) | %s | p99 %s | p50 < 5 ms |\n", lat,
		load.Dur(load.Quantile(lats, 0.5)), load.Dur(load.Quantile(lats, 0.99)))
	return nil
}

// drain waits until the probe has seen want invocations and nothing is
// pending.
func drain(q *async.Queue, p *probe, want int64, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if p.done.Load() >= want && q.Pending()["noop"] == 0 {
			return nil
		}
		time.Sleep(5 * time.Millisecond)
	}
	return fmt.Errorf("the queue did not drain: %d of %d delivered, %v pending", p.done.Load(), want, q.Pending())
}

func expect(resp *http.Response, err error) func(int) error {
	return func(status int) error {
		if err != nil {
			return err
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != status {
			return fmt.Errorf("status %d: %s", resp.StatusCode, b)
		}
		return nil
	}
}

// wrkAccept posts events with wrk, a lighter load generator than Go's
// client in this process, and returns its requests per second.
func wrkAccept(url string, body []byte, dur time.Duration) (float64, error) {
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		return 0, fmt.Errorf("wrk is not installed")
	}
	script := filepath.Join(os.TempDir(), fmt.Sprintf("verge-bench-events-%d.lua", os.Getpid()))
	lua := fmt.Sprintf("wrk.method = \"POST\"\nwrk.body = %q\nwrk.headers[\"X-Amz-Invocation-Type\"] = \"Event\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\n", body)
	if err := os.WriteFile(script, []byte(lua), 0o644); err != nil {
		return 0, err
	}
	defer os.Remove(script)
	out, err := exec.Command(wrk, "-t2", "-c16", "-d"+dur.String(), "-s", script, url).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("wrk: %v: %s", err, out)
	}
	if bytes.Contains(out, []byte("Non-2xx")) {
		return 0, fmt.Errorf("wrk saw errors: %s", out)
	}
	var rps float64
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "Requests/sec:" {
			rps, _ = strconv.ParseFloat(f[1], 64)
		}
	}
	if rps == 0 {
		return 0, fmt.Errorf("no Requests/sec in wrk's output: %s", out)
	}
	return rps, nil
}

// cpuProfile is where -cpuprofile writes.
var cpuProfile string

// profile starts the CPU profile of the delivery run, if asked.
func profile() (stop func(), err error) {
	if cpuProfile == "" {
		return func() {}, nil
	}
	f, err := os.Create(cpuProfile)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
