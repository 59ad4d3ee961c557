package edge

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/stack"
)

// scriptRunner is a Runner whose functions are Go closures, to test the
// phases without a function runtime.
type scriptRunner struct {
	mu    sync.Mutex
	calls []string
	req   map[string]func(*Request) (*Response, error)
	resp  map[string]func(*Request, *Response) error
}

func (s *scriptRunner) record(t stack.Trigger, fn *stack.FunctionRef) {
	s.mu.Lock()
	s.calls = append(s.calls, string(t)+":"+fn.Name)
	s.mu.Unlock()
}

func (s *scriptRunner) Request(_ context.Context, t stack.Trigger, fn *stack.FunctionRef, r *Request) (*Response, error) {
	s.record(t, fn)
	return s.req[fn.Name](r)
}

func (s *scriptRunner) Response(_ context.Context, t stack.Trigger, fn *stack.FunctionRef, r *Request, resp *Response) error {
	s.record(t, fn)
	return s.resp[fn.Name](r, resp)
}

func (s *scriptRunner) took() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.calls
	s.calls = nil
	return out
}

func ref(name string) *stack.FunctionRef { return &stack.FunctionRef{Name: name, Type: "cdn-function"} }

func TestFunctionPhases(t *testing.T) {
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=600")
		fmt.Fprintf(w, "origin saw %s", r.URL.Path)
	})
	run := &scriptRunner{
		req: map[string]func(*Request) (*Response, error){
			"rewrite": func(r *Request) (*Response, error) {
				if r.URI == "/gen" {
					return &Response{Status: 200, Header: http.Header{"X-Gen": {"1"}}, Body: []byte("generated")}, nil
				}
				if r.URI == "/boom" {
					return nil, &FuncError{Status: 503, Type: "FunctionExecutionError", Detail: "thrown"}
				}
				if r.URI == "/bad" {
					return nil, &FuncError{Status: 502, Type: "FunctionValidationError", Detail: "bad header"}
				}
				r.URI = "/rewritten" + r.URI
				return nil, nil
			},
			"originReq": func(r *Request) (*Response, error) {
				r.Header.Set("X-Origin-Fn", "yes")
				return nil, nil
			},
		},
		resp: map[string]func(*Request, *Response) error{
			"originResp": func(_ *Request, resp *Response) error {
				resp.Header.Set("X-Origin-Response", "stored")
				return nil
			},
			"viewerResp": func(_ *Request, resp *Response) error {
				resp.Header.Set("X-Viewer-Response", "each time")
				return nil
			},
		},
	}
	b := httpBehavior("*", o.URL, defaultPolicy)
	b.Functions = stack.Functions{ViewerRequest: ref("rewrite"), OriginRequest: ref("originReq"),
		OriginResponse: ref("originResp"), ViewerResponse: ref("viewerResp")}
	e := startEdge(t, planOf(distOf("site", b)), run)

	resp, body := get(t, "GET", e.url+"/a")
	if body != "origin saw /rewritten/a" {
		t.Errorf("body %q", body)
	}
	wantHeader(t, resp, "X-Origin-Response", "stored")
	wantHeader(t, resp, "X-Viewer-Response", "each time")
	if got := o.lastRequest().Header.Get("X-Origin-Fn"); got != "yes" {
		t.Errorf("origin-request change not sent: %q", got)
	}
	if got := strings.Join(run.took(), " "); got != "viewer-request:rewrite origin-request:originReq origin-response:originResp viewer-response:viewerResp" {
		t.Errorf("miss ran %s", got)
	}

	resp, _ = get(t, "GET", e.url+"/a")
	wantHeader(t, resp, "X-Cache", "Hit from verge")
	wantHeader(t, resp, "X-Origin-Response", "stored")
	wantHeader(t, resp, "X-Viewer-Response", "each time")
	if got := strings.Join(run.took(), " "); got != "viewer-request:rewrite viewer-response:viewerResp" {
		t.Errorf("hit ran %s (origin triggers must not run on a hit)", got)
	}

	resp, body = get(t, "GET", e.url+"/gen")
	if body != "generated" || resp.Header.Get("X-Gen") != "1" {
		t.Errorf("generated: %q %v", body, resp.Header)
	}
	wantHeader(t, resp, "X-Cache", "FunctionGeneratedResponse from verge")
	if got := strings.Join(run.took(), " "); got != "viewer-request:rewrite" {
		t.Errorf("a generated response ran %s; viewer-response must not run", got)
	}

	for _, c := range []struct {
		path   string
		status int
	}{{"/boom", 503}, {"/bad", 502}} {
		resp, body = get(t, "GET", e.url+c.path)
		if resp.StatusCode != c.status || !strings.Contains(body, "could not be satisfied") {
			t.Errorf("%s: %d %q", c.path, resp.StatusCode, body)
		}
		wantHeader(t, resp, "X-Cache", "Error from verge")
	}
}

func TestPlanWithFunctionsNeedsRunner(t *testing.T) {
	b := httpBehavior("*", "http://127.0.0.1:1", defaultPolicy)
	b.Functions.ViewerRequest = ref("f")
	s := New(Options{})
	defer s.Close(context.Background())
	defer s.Store().Close()
	err := s.Load(planOf(distOf("site", b)), nil)
	if err == nil || !strings.Contains(err.Error(), "cannot run yet") {
		t.Errorf("err = %v", err)
	}
}

func TestOriginFailures(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	down := "http://" + ln.Addr().String()
	ln.Close()
	slow := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(5 * time.Second):
		case <-r.Context().Done():
		}
	})
	slowB := httpBehavior("/slow/*", slow.URL, defaultPolicy)
	slowB.Origin.HTTP.ReadTimeout = 1
	e := startEdge(t, planOf(distOf("site", slowB, httpBehavior("*", down, defaultPolicy))), nil)
	for _, c := range []struct {
		path   string
		status int
	}{{"/x", 502}, {"/slow/x", 504}, {"/x", 502}} {
		resp, body := get(t, "GET", e.url+c.path)
		if resp.StatusCode != c.status || !strings.Contains(body, "ERROR") {
			t.Errorf("%s: %d %q", c.path, resp.StatusCode, body)
		}
		wantHeader(t, resp, "X-Cache", "Error from verge")
		if resp.Header.Get("X-Verge-Error") != "" {
			t.Error("internal error marker leaked to the viewer")
		}
	}
}

func TestRequestLimits(t *testing.T) {
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") })
	e := startEdge(t, planOf(distOf("site", httpBehavior("*", o.URL, defaultPolicy))), nil)
	resp, _ := get(t, "GET", e.url+"/"+strings.Repeat("a", 8200))
	if resp.StatusCode != http.StatusRequestURITooLong {
		t.Errorf("long URL: %d, want 414", resp.StatusCode)
	}
	resp, _ = get(t, "GET", e.url+"/", "X-Big", strings.Repeat("b", 21<<10))
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("big headers: %d, want 431", resp.StatusCode)
	}
	// A malformed request line gets 400 and a closed connection.
	c, err := net.Dial("tcp", strings.TrimPrefix(e.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprint(c, "GARBAGE\r\n\r\n")
	buf := make([]byte, 64)
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	n, _ := c.Read(buf)
	if !strings.HasPrefix(string(buf[:n]), "HTTP/1.1 400") {
		t.Errorf("malformed request: %q", buf[:n])
	}
}

func TestHostRouting(t *testing.T) {
	a := newOrigin(t, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "A") })
	b := newOrigin(t, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "B") })
	e := startEdge(t, planOf(distOf("alpha", httpBehavior("*", a.URL, defaultPolicy)),
		distOf("beta", httpBehavior("*", b.URL, defaultPolicy))), nil)
	for _, c := range []struct {
		host, body string
		status     int
	}{{"alpha.localhost", "A", 200}, {"BETA.localhost:8080", "B", 200}, {"gamma.localhost", "", 403}} {
		resp, body := get(t, "GET", e.url+"/", "Host", c.host)
		if resp.StatusCode != c.status || (c.status == 200 && body != c.body) {
			t.Errorf("%s: %d %q", c.host, resp.StatusCode, body)
		}
	}
}

func TestBucketThroughEdge(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "index.html", "<h1>home</h1>")
	writeFile(t, dir, "404.html", "custom not found")
	d := distOf("site", bucketBehavior("*", dir, defaultPolicy))
	d.IndexDocument, d.ErrorDocument = "index.html", "/404.html"
	e := startEdge(t, planOf(d), nil)
	resp, body := get(t, "GET", e.url+"/")
	if body != "<h1>home</h1>" || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("index: %q %v", body, resp.Header)
	}
	resp, body = get(t, "GET", e.url+"/missing")
	if resp.StatusCode != 404 || body != "custom not found" {
		t.Errorf("error document: %d %q", resp.StatusCode, body)
	}
	wantHeader(t, resp, "X-Cache", "Error from verge")
	resp, _ = get(t, "GET", e.url+"/..%2f..%2fetc/passwd")
	if resp.StatusCode != 403 && resp.StatusCode != 404 && resp.StatusCode != 400 {
		t.Errorf("escape attempt: %d", resp.StatusCode)
	}
}

func TestReloadKeepsRequestsInFlight(t *testing.T) {
	release := make(chan struct{})
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			<-release
		}
		fmt.Fprint(w, "v1")
	})
	o2 := newOrigin(t, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "v2") })
	e := startEdge(t, planOf(distOf("site", httpBehavior("*", o.URL, policy(0, 0, 0)))), nil)
	done := make(chan string)
	go func() { _, b := get(t, "GET", e.url+"/slow"); done <- b }()
	waitFor(t, func() bool { return o.hits.Load() == 1 })
	if err := e.Load(planOf(distOf("site", httpBehavior("*", o2.URL, policy(0, 0, 0)))), nil); err != nil {
		t.Fatal(err)
	}
	_, body := get(t, "GET", e.url+"/fast")
	if body != "v2" {
		t.Errorf("after reload: %q", body)
	}
	close(release)
	if b := <-done; b != "v1" {
		t.Errorf("in-flight request got %q, want v1 from the old plan", b)
	}
}

func TestAccessLogLine(t *testing.T) {
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") })
	e := startEdge(t, planOf(distOf("site", httpBehavior("*", o.URL, defaultPolicy))), nil)
	get(t, "GET", e.url+"/p?\"q\"=1")
	var line map[string]any
	waitFor(t, func() bool { return strings.Contains(e.log.String(), "\n") })
	if err := json.Unmarshal([]byte(strings.SplitN(e.log.String(), "\n", 2)[0]), &line); err != nil {
		t.Fatalf("not JSON: %v: %s", err, e.log.String())
	}
	for _, k := range []string{"time", "c-ip", "cs-method", "cs-host", "cs-uri-stem", "sc-status", "sc-bytes", "time-taken", "x-edge-result-type", "x-edge-request-id"} {
		if _, ok := line[k]; !ok {
			t.Errorf("log line lacks %s: %v", k, line)
		}
	}
	if line["sc-status"] != float64(200) || line["sc-bytes"] != float64(2) || line["x-edge-result-type"] != "Miss" {
		t.Errorf("log line %v", line)
	}
}

var _ atomic.Int64
