package cff

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"go.uber.org/goleak"

	"github.com/verge-edge/verge/internal/edge"
	"github.com/verge-edge/verge/internal/jsfn"
	"github.com/verge-edge/verge/internal/stack"
)

// roomy limits keep the tests clear of the compute budget, which the race
// detector on a loaded machine can slow a run past.
var roomy = jsfn.Limits{Compute: 2 * time.Second}

// newTestRunner compiles code as the cdn-function "fn" (runtime 2.0).
func newTestRunner(t *testing.T, code string) (*Runner, *stack.FunctionRef) {
	t.Helper()
	src := filepath.Join(t.TempDir(), "fn.js")
	if err := os.WriteFile(src, []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	plan := &stack.Plan{CDNFunctions: map[string]*stack.CDNFunction{
		"fn": {Name: "fn", EntryFile: src, Runtime: stack.RuntimeCloudFrontJS2}}}
	r, err := NewRunner(plan, RunnerOptions{PoolSize: 1, Limits: roomy, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	return r, &stack.FunctionRef{Name: "fn", Type: stack.TypeCDNFunction}
}

// counting adds x-n, the number of times the handler ran in its VM (one
// VM: PoolSize 1), so a kept result shows as a repeated number. The
// global counter is state CloudFront would not keep; here it only makes
// runs visible.
const counting = `function handler(event) {
	globalThis.n = (globalThis.n || 0) + 1;
	var r = event.response;
	r.headers['x-n'] = {value: String(globalThis.n)};
	%s
	return r;
}`

func memoResponse(etag string) *edge.Response {
	return &edge.Response{Status: 200, Header: http.Header{
		"Etag": {etag}, "Content-Type": {"text/plain"}, "Connection": {"keep-alive"}}, Body: []byte("body " + etag)}
}

func TestMemo(t *testing.T) {
	defer goleak.VerifyNone(t)
	type call struct {
		etag  string
		uri   string
		wantN string
	}
	type tc struct {
		name  string
		extra string // JavaScript before the return
		calls []call
	}
	for _, c := range []tc{
		{"pure: kept per response", "", []call{{`"a"`, "/1", "1"}, {`"a"`, "/2", "1"}, {`"b"`, "/1", "2"}, {`"a"`, "/3", "1"}, {`"b"`, "/3", "2"}}},
		{"reads the request", "r.headers['x-uri'] = {value: event.request.uri};", []call{{`"a"`, "/1", "1"}, {`"a"`, "/2", "2"}, {`"a"`, "/2", "3"}}},
		{"reads the clock", "r.headers['x-t'] = {value: String(Date.now())};", []call{{`"a"`, "/1", "1"}, {`"a"`, "/1", "2"}}},
		{"logs", "console.log('hit');", []call{{`"a"`, "/1", "1"}, {`"a"`, "/1", "2"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, ref := newTestRunner(t, sprintf(counting, c.extra))
			for i, cl := range c.calls {
				req := &edge.Request{Method: "GET", URI: cl.uri, Header: http.Header{"Host": {"h.localhost"}}, RequestID: strconv.Itoa(i)}
				resp := memoResponse(cl.etag)
				if err := r.Response(context.Background(), stack.ViewerResponse, ref, req, resp); err != nil {
					t.Fatalf("call %d: %v", i, err)
				}
				if got := resp.Header.Get("X-N"); got != cl.wantN {
					t.Errorf("call %d (%s %s): x-n %q, want %q", i, cl.etag, cl.uri, got, cl.wantN)
				}
				if got := resp.Header.Get("Connection"); got != "keep-alive" {
					t.Errorf("call %d: hidden Connection header %q, want it put back", i, got)
				}
				if string(resp.Body) != "body "+cl.etag {
					t.Errorf("call %d: body %q, want the response's own", i, resp.Body)
				}
				if reusable := c.extra == ""; (resp.Reuse != nil) != reusable {
					t.Errorf("call %d: Reuse set %v, want %v", i, resp.Reuse != nil, reusable)
				}
				if uri := resp.Header.Get("X-Uri"); uri != "" && uri != cl.uri {
					t.Errorf("call %d: x-uri %q, want %q", i, uri, cl.uri)
				}
			}
		})
	}
}

// TestMemoKeepsResultBody checks that a kept result's body, status and
// removed headers are applied again, and that a copy is handed out.
func TestMemoKeepsResultBody(t *testing.T) {
	defer goleak.VerifyNone(t)
	r, ref := newTestRunner(t, `function handler(event) {
	var r = event.response;
	delete r.headers['content-type'];
	return {statusCode: 203, headers: r.headers, body: {encoding: 'text', data: 'new'}};
}`)
	for i := range 3 {
		resp := memoResponse(`"a"`)
		if err := r.Response(context.Background(), stack.ViewerResponse, ref, &edge.Request{Method: "GET", URI: "/"}, resp); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		if resp.Status != 203 || string(resp.Body) != "new" || resp.Header.Get("Content-Type") != "" || resp.Header.Get("Etag") != `"a"` {
			t.Errorf("call %d: %d %q %v", i, resp.Status, resp.Body, resp.Header)
		}
		resp.Header.Set("X-Cache", "changed by the caller") // must not reach the kept copy
		if i > 0 && len(resp.Header) != 3 {
			t.Errorf("call %d: header %v", i, resp.Header)
		}
	}
}

// TestMemoValidationError checks that a result that fails validation is
// never kept: every call fails the same way.
func TestMemoValidationError(t *testing.T) {
	defer goleak.VerifyNone(t)
	r, ref := newTestRunner(t, `function handler(event) {
	event.response.headers['x-bad'] = {value: 'a\nb'};
	return event.response;
}`)
	for range 3 {
		err := r.Response(context.Background(), stack.ViewerResponse, ref, &edge.Request{Method: "GET", URI: "/"}, memoResponse(`"a"`))
		funcError(t, err)
	}
}

// TestMemoConcurrent runs a pure function from several goroutines on a
// few responses: every caller gets its own headers (run with -race).
func TestMemoConcurrent(t *testing.T) {
	defer goleak.VerifyNone(t)
	r, ref := newTestRunner(t, `function handler(event) {
	var r = event.response;
	r.headers['x-etag'] = {value: r.headers.etag.value};
	return r;
}`)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 50 {
				etag := strconv.Itoa((g + i) % 3)
				resp := memoResponse(etag)
				if err := r.Response(context.Background(), stack.ViewerResponse, ref, &edge.Request{Method: "GET", URI: "/"}, resp); err != nil {
					t.Error(err)
					return
				}
				if got := resp.Header.Get("X-Etag"); got != etag {
					t.Errorf("x-etag %q, want %q", got, etag)
				}
				resp.Header.Set("X-Etag", "overwritten")
			}
		})
	}
	wg.Wait()
}

// TestMemoGivesUp checks that a function never pure stops being checked.
func TestMemoGivesUp(t *testing.T) {
	defer goleak.VerifyNone(t)
	r, ref := newTestRunner(t, `function handler(event) { event.request; return event.response; }`)
	for i := range memoGiveUp + 1 {
		if err := r.Response(context.Background(), stack.ViewerResponse, ref, &edge.Request{Method: "GET", URI: "/"}, memoResponse(`"a"`)); err != nil {
			t.Fatal(err)
		}
		if want := i+1 < memoGiveUp; r.funcs["fn"].memo.checking() != want {
			t.Fatalf("after %d runs checking = %v, want %v", i+1, !want, want)
		}
	}
}

func sprintf(format string, a ...any) string { return fmt.Sprintf(format, a...) }

// TestMemoReuseCounts checks that the edge's reuse of a kept response
// counts as a run of the function.
func TestMemoReuseCounts(t *testing.T) {
	defer goleak.VerifyNone(t)
	src := filepath.Join(t.TempDir(), "fn.js")
	if err := os.WriteFile(src, []byte(`function handler(event) { return event.response; }`), 0o644); err != nil {
		t.Fatal(err)
	}
	plan := &stack.Plan{CDNFunctions: map[string]*stack.CDNFunction{
		"fn": {Name: "fn", EntryFile: src, Runtime: stack.RuntimeCloudFrontJS2}}}
	m := NewMetrics(prometheus.NewRegistry())
	r, err := NewRunner(plan, RunnerOptions{PoolSize: 1, Limits: roomy, Metrics: m, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	resp := memoResponse(`"a"`)
	ref := &stack.FunctionRef{Name: "fn", Type: stack.TypeCDNFunction}
	if err := r.Response(context.Background(), stack.ViewerResponse, ref, &edge.Request{Method: "GET", URI: "/"}, resp); err != nil {
		t.Fatal(err)
	}
	if resp.Reuse == nil {
		t.Fatal("a pure run's response has no Reuse")
	}
	resp.Reuse()
	resp.Reuse()
	var pb dto.Metric
	if err := m.runs.WithLabelValues("fn", string(stack.ViewerResponse)).Write(&pb); err != nil {
		t.Fatal(err)
	}
	if got := pb.GetCounter().GetValue(); got != 3 {
		t.Errorf("runs counted %v, want 3", got)
	}
}
