package cff

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/edge"
	"github.com/verge-edge/verge/internal/stack"
)

// BenchmarkViewerResponse is issue #3's figure: one viewer-response function
// adding two headers, from the edge's response in to headers out (event
// built, handler run on a warm VM, result validated and applied). The
// function reads only the response, so after the first call the Runner
// applies its kept result (memo.go), as on repeated cache hits of one entry.
func BenchmarkViewerResponse(b *testing.B) {
	benchmarkViewerResponse(b, `function handler(event) {
    var response = event.response;
    response.headers['strict-transport-security'] = { value: 'max-age=63072000' };
    response.headers['x-frame-options'] = { value: 'DENY' };
    return response;
}`)
}

// BenchmarkViewerResponseRun is the same function reading the request too,
// which makes every call run the handler: the engine's cost.
func BenchmarkViewerResponseRun(b *testing.B) {
	benchmarkViewerResponse(b, `function handler(event) {
    var response = event.response;
    response.headers['strict-transport-security'] = { value: 'max-age=63072000' };
    response.headers['x-frame-options'] = { value: event.request.method === 'GET' ? 'DENY' : 'SAMEORIGIN' };
    return response;
}`)
}

func benchmarkViewerResponse(b *testing.B, code string) {
	dir := b.TempDir()
	src := filepath.Join(dir, "headers.js")
	os.WriteFile(src, []byte(code), 0o644)
	plan := &stack.Plan{CDNFunctions: map[string]*stack.CDNFunction{
		"headers": {Name: "headers", EntryFile: src, Runtime: stack.RuntimeCloudFrontJS2}}}
	r, err := NewRunner(plan, RunnerOptions{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	ref := &stack.FunctionRef{Name: "headers", Type: stack.TypeCDNFunction}
	req := &edge.Request{Method: "GET", URI: "/static/app.js", Header: http.Header{
		"Host": {"site.localhost"}, "User-Agent": {"wrk"}, "Accept": {"*/*"}}, ClientIP: "127.0.0.1",
		Distribution: "site", RequestID: "bench"}
	base := http.Header{"Content-Type": {"text/javascript"}, "Content-Length": {"1024"}, "Etag": {`"abc"`},
		"Cache-Control": {"max-age=3600"}, "Last-Modified": {"Sun, 22 Nov 2026 09:00:00 GMT"}}
	b.ReportAllocs()
	lat := make([]time.Duration, 0, 1<<16)
	cpu0 := processCPU()
	for b.Loop() {
		start := time.Now()
		resp := &edge.Response{Status: 200, Header: base.Clone()}
		if err := r.Response(context.Background(), stack.ViewerResponse, ref, req, resp); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
		if resp.Header.Get("X-Frame-Options") != "DENY" {
			b.Fatal("header not added")
		}
	}
	b.ReportMetric(float64(processCPU()-cpu0)/1e3/float64(len(lat)), "cpu-µs/op")
	reportPercentiles(b, lat)
}

// processCPU is the CPU time the process used so far (user and system, GC
// and timers included): per op, it moves less with the machine's load than
// wall time does.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportPercentiles reports the median and 99th percentile of the runs'
// latencies: on a shared machine the mean (ns/op) moves with every
// neighbour's burst, the median much less.
func reportPercentiles(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2])/1e3, "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100])/1e3, "p99-µs")
}
