// Command invoke measures Verge's function runtime, side by side with its
// peer in one run: warm invocations through the Lambda REST API (latency
// and throughput with concurrent callers), cold starts against the time of
// `node -e 0` (and `python3 -c pass`), and the idle memory of one warm Node
// and one warm Python sandbox. It runs the real function service behind
// the real Invoke API on a loopback port.
//
//	go run ./bench/invoke [-n 2000] [-c 8] [-d 5s] [-cold 20]
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/verge-edge/verge/bench/internal/load"
	"github.com/verge-edge/verge/internal/awsapi"
	"github.com/verge-edge/verge/internal/functions"
	"github.com/verge-edge/verge/internal/identity"
	"github.com/verge-edge/verge/internal/runtimes"
	"github.com/verge-edge/verge/internal/sandbox"
	"github.com/verge-edge/verge/internal/stack"
)

func main() {
	sandbox.Init()
	n := flag.Int("n", 2000, "sequential warm invocations for the latency figures")
	conc := flag.Int("c", 8, "concurrent callers for the throughput figure")
	dur := flag.Duration("d", 5*time.Second, "how long the throughput run lasts")
	cold := flag.Int("cold", 20, "cold starts to measure")
	flag.Parse()
	if err := run(*n, *conc, *dur, *cold); err != nil {
		log.Fatal(err)
	}
}

const nodeHandler = `exports.handler = async (event) => ({ ok: true });`
const pythonHandler = "def handler(event, context):\n    return {'ok': True}\n"

func run(n, conc int, dur time.Duration, cold int) error {
	dir, err := os.MkdirTemp("", "verge-bench-invoke-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	svc, err := functions.New(functions.Options{DataDir: filepath.Join(dir, "data")})
	if err != nil {
		return err
	}
	defer svc.Close()
	plan := &stack.Plan{Dir: dir, Functions: map[string]*stack.Function{}}
	add := func(name, file, code string) error {
		fn, err := load.Function(dir, name, file, code)
		plan.Functions[name] = fn
		return err
	}
	if err := add("node", "index.js", nodeHandler); err != nil {
		return err
	}
	if err := add("python", "app.py", pythonHandler); err != nil {
		return err
	}
	if err := svc.Apply(context.Background(), plan); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	mux := awsapi.New(awsapi.Options{NoAuth: true}, awsapi.Lambda(svc, nil, nil))
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String() + "/2015-03-31/functions/"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

	fmt.Printf("# Verge function runtime (%s, GOMAXPROCS=%s)\n\n", time.Now().UTC().Format(time.RFC3339), os.Getenv("GOMAXPROCS"))
	fmt.Println("| measure | Verge | peer | ratio | target |")
	fmt.Println("|---|---|---|---|---|")
	node, _, err := runtimes.Resolve(load.MustDefault(runtimes.Node))
	if err != nil {
		return err
	}
	peerURL, stopPeer, err := load.NodeServer(node.Interpreter, `{"ok":true}`, "application/json")
	if err != nil {
		return err
	}
	defer stopPeer()
	peerLat, err := load.Latencies(func() error { return invokeOnce(client, peerURL) }, 50, n)
	if err != nil {
		return err
	}
	peerRPS, err := load.Throughput(func() error { return invokeOnce(client, peerURL) }, conc, dur)
	if err != nil {
		return err
	}
	for _, fn := range []string{"node", "python"} {
		do := func() error { return invokeOnce(client, base+fn+"/invocations") }
		lat, err := load.Latencies(do, 50, n)
		if err != nil {
			return err
		}
		p50, p99 := load.Quantile(lat, 0.5), load.Quantile(lat, 0.99)
		rps, err := load.Throughput(do, conc, dur)
		if err != nil {
			return err
		}
		peer50, peer99 := load.Quantile(peerLat, 0.5), load.Quantile(peerLat, 0.99)
		fmt.Printf("| warm invoke %s, p50 | %s | node http: %s | %.2fx | < 1 ms (node) |\n", fn, load.Dur(p50), load.Dur(peer50), float64(p50)/float64(peer50))
		fmt.Printf("| warm invoke %s, p99 | %s | node http: %s | %.2fx | < 5 ms (node) |\n", fn, load.Dur(p99), load.Dur(peer99), float64(p99)/float64(peer99))
		fmt.Printf("| throughput %s, %d callers | %.0f/s | node http: %.0f/s | %.2fx | ≥ 3000/s (node) |\n", fn, conc, rps, peerRPS, rps/peerRPS)
	}
	if err := sigv4Cost(svc, client, n); err != nil {
		return err
	}
	py, _, err := runtimes.Resolve(load.MustDefault(runtimes.Python))
	if err != nil {
		return err
	}
	for _, c := range []struct {
		fn, interp string
		args       []string
		peer       string
	}{
		{"node", node.Interpreter, []string{"-e", "0"}, "node -e 0"},
		{"python", py.Interpreter, []string{"-c", "pass"}, "python -c pass"},
	} {
		starts, err := coldStarts(svc, plan, c.fn, cold)
		if err != nil {
			return err
		}
		peer, err := execTimes(c.interp, c.args, cold)
		if err != nil {
			return err
		}
		v, p := load.Median(starts), load.Median(peer)
		fmt.Printf("| cold start to first response, %s (median of %d) | %s | %s: %s | %.2fx | ≤ 1.3x (node) |\n",
			c.fn, cold, load.Dur(v), c.peer, load.Dur(p), float64(v)/float64(p))
	}
	for _, fn := range []string{"node", "python"} {
		rss, err := sandboxRSS(client, base+fn+"/invocations")
		if err != nil {
			return err
		}
		fmt.Printf("| idle memory of one warm %s sandbox (RSS) | %.1f MB | | | reported |\n", fn, float64(rss)/(1<<20))
	}
	return nil
}

// sigv4Cost measures what SigV4 verification adds to a warm Node invoke:
// the same function behind two routers in one run, one verifying (the
// admin's credentials) and one not, in alternating rounds. The request is
// signed once and its headers reused, so the client's signing is not
// counted (a signature stays valid for 15 minutes).
func sigv4Cost(svc *functions.Service, client *http.Client, n int) error {
	const token = "bench-token"
	off, stopOff, err := load.Serve(awsapi.New(awsapi.Options{NoAuth: true}, awsapi.Lambda(svc, nil, nil)))
	if err != nil {
		return err
	}
	defer stopOff()
	ids := identity.New([]byte("bench-key"), token)
	on, stopOn, err := load.Serve(awsapi.New(awsapi.Options{Identities: ids}, awsapi.Lambda(svc, nil, nil)))
	if err != nil {
		return err
	}
	defer stopOn()
	signed, err := signedHeaders(on+"/2015-03-31/functions/node/invocations", token)
	if err != nil {
		return err
	}
	var offLat, onLat []time.Duration
	for range 4 {
		for _, r := range []struct {
			base string
			h    http.Header
			into *[]time.Duration
		}{{off, nil, &offLat}, {on, signed, &onLat}} {
			url := r.base + "/2015-03-31/functions/node/invocations"
			lat, err := load.Latencies(func() error { return invokeWith(client, url, r.h) }, 50, n/4)
			if err != nil {
				return err
			}
			*r.into = append(*r.into, lat...)
		}
	}
	slices.Sort(offLat)
	slices.Sort(onLat)
	a, b := load.Quantile(offLat, 0.5), load.Quantile(onLat, 0.5)
	fmt.Printf("| warm invoke node, p50, SigV4 verified vs not (alternating) | %s | not verified: %s | +%s | added < 20 µs |\n",
		load.Dur(b), load.Dur(a), load.Dur(b-a))
	return nil
}

// signedHeaders signs one Invoke of url with the admin's credentials.
func signedHeaders(url, secret string) (http.Header, error) {
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(`{}`))
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(`{}`))
	req.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
	creds := aws.Credentials{AccessKeyID: identity.AdminAccessKeyID, SecretAccessKey: secret}
	err = v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "lambda", "us-east-1", time.Now())
	return req.Header, err
}

// invokeWith posts an empty event with headers h (a signature, or none)
// and checks for a 200 without a function error.
func invokeWith(client *http.Client, url string, h http.Header) error {
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(`{}`))
	if err != nil {
		return err
	}
	for k, v := range h {
		req.Header[k] = v
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get(awsapi.HeaderFunctionError) != "" {
		return fmt.Errorf("%s: %s %s", url, resp.Status, body)
	}
	return nil
}

// invokeOnce posts an empty event and checks for a 200 without a function
// error.
func invokeOnce(client *http.Client, url string) error { return invokeWith(client, url, nil) }

// coldStarts times the first invocation of n fresh versions of fn: each
// Apply with a new environment value is a new version with no sandbox.
func coldStarts(svc *functions.Service, plan *stack.Plan, fn string, n int) ([]time.Duration, error) {
	out := make([]time.Duration, n)
	for i := range out {
		plan.Functions[fn].Environment = []stack.EnvVar{{Name: "BENCH_ROUND", Value: strconv.Itoa(i)}}
		if err := svc.Apply(context.Background(), plan); err != nil {
			return nil, err
		}
		start := time.Now()
		resp, err := svc.Invoke(context.Background(), &functions.Request{Function: fn, Payload: []byte(`{}`)})
		if err != nil {
			return nil, err
		}
		if resp.FunctionError != "" {
			return nil, fmt.Errorf("%s: %s", fn, resp.Payload)
		}
		out[i] = time.Since(start)
	}
	return out, nil
}

// execTimes times n runs of an interpreter doing nothing.
func execTimes(path string, args []string, n int) ([]time.Duration, error) {
	out := make([]time.Duration, n)
	for i := range out {
		start := time.Now()
		if err := exec.Command(path, args...).Run(); err != nil {
			return nil, err
		}
		out[i] = time.Since(start)
	}
	return out, nil
}

// sandboxRSS invokes a handler that reports its own process's RSS after a
// warm-up, so the figure is the sandbox's steady state.
func sandboxRSS(client *http.Client, url string) (int64, error) {
	for range 20 {
		if err := invokeOnce(client, url); err != nil {
			return 0, err
		}
	}
	// The sandbox's pid is not exposed; read the newest runtime process of
	// ours from /proc instead.
	comm := "node"
	if strings.Contains(url, "/python/") {
		comm = "python"
	}
	return newestRSS(comm)
}

// newestRSS is the RSS of the newest descendant whose command starts with
// comm.
func newestRSS(comm string) (int64, error) {
	me := strconv.Itoa(os.Getpid())
	entries, _ := os.ReadDir("/proc")
	var best int64
	var bestStart int64 = -1
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		i := bytes.LastIndexByte(stat, ')')
		j := bytes.IndexByte(stat, '(')
		f := strings.Fields(string(stat[i+1:]))
		if len(f) < 22 || j < 0 || !strings.HasPrefix(string(stat[j+1:i]), comm) || !descends(f[1], me) {
			continue
		}
		st, _ := strconv.ParseInt(f[19], 10, 64)
		rss, _ := strconv.ParseInt(f[21], 10, 64)
		if st > bestStart && rss > 0 {
			bestStart, best = st, rss*int64(os.Getpagesize())
		}
	}
	if bestStart < 0 {
		return 0, fmt.Errorf("no %s sandbox process found", comm)
	}
	return best, nil
}

// descends reports whether pid ppid is me or a descendant of me.
func descends(ppid, me string) bool {
	for range 8 {
		if ppid == me {
			return true
		}
		stat, err := os.ReadFile("/proc/" + ppid + "/stat")
		if err != nil {
			return false
		}
		i := bytes.LastIndexByte(stat, ')')
		f := strings.Fields(string(stat[i+1:]))
		if len(f) < 2 || f[1] == "0" || f[1] == "1" {
			return false
		}
		ppid = f[1]
	}
	return false
}
