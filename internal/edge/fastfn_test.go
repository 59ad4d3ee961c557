package edge

import (
	"bufio"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/stack"
)

// TestFastFunctionHitMatchesPipeline: a hit whose behaviour has a
// viewer-response function is answered by the fast path, with the function
// run once, and carries what the pipeline would send for it (compared with
// the same request handed off by a Te header): the function's headers,
// status and body, its error pages, net/http's framing for HEAD, 204 and
// 304 and its sniffed Content-Type.
func TestFastFunctionHitMatchesPipeline(t *testing.T) {
	type tc struct {
		name, method, path string
		status             int
		fn                 func(*Response) error
	}
	cases := []tc{
		{"add headers", "GET", "/add", 200, func(r *Response) error {
			r.Header.Set("Strict-Transport-Security", "max-age=63072000")
			r.Header.Set("X-Frame-Options", "DENY")
			return nil
		}},
		{"head", "HEAD", "/add", 200, func(r *Response) error { r.Header.Set("X-A", "1"); return nil }},
		{"status", "GET", "/teapot", 418, func(r *Response) error { r.Status = 418; return nil }},
		{"no content", "GET", "/empty", 204, func(r *Response) error { r.Status = 204; return nil }},
		{"not modified", "GET", "/nm", 304, func(r *Response) error { r.Status = 304; return nil }},
		{"sniffed", "GET", "/sniff", 200, func(r *Response) error { r.Header.Del("Content-Type"); return nil }},
		{"new body", "GET", "/body", 200, func(r *Response) error { r.Body = []byte("<html>replaced</html>"); return nil }},
		{"spaces and CRLF", "GET", "/crlf", 200, func(r *Response) error { r.Header.Set("X-B", " a\r\nb "); return nil }},
		{"execution error", "GET", "/boom", 503, func(*Response) error {
			return &FuncError{Status: 503, Type: "FunctionExecutionError", Detail: "thrown <here>"}
		}},
		{"validation error", "GET", "/bad", 502, func(*Response) error {
			return &FuncError{Status: 502, Type: "FunctionValidationError", Detail: "bad header"}
		}},
		{"runner error", "GET", "/broken", 503, func(*Response) error { return errors.New("no runtime") }},
		// Lambda@Edge's failures name X-Cache after their type, as CloudFront's.
		{"lambda execution error", "GET", "/lambda-boom", 503, func(*Response) error {
			return &FuncError{Status: 503, Type: "LambdaExecutionError", Detail: "Error: thrown"}
		}},
		{"lambda validation error", "GET", "/lambda-bad", 502, func(*Response) error {
			return &FuncError{Status: 502, Type: "LambdaValidationError", Detail: "bad status"}
		}},
	}
	xcache := map[string]string{"/lambda-boom": "LambdaExecutionError from verge", "/lambda-bad": "LambdaValidationError from verge"}
	byPath := map[string]func(*Response) error{}
	for _, c := range cases {
		byPath[c.path] = c.fn
	}
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=600")
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "body of "+r.URL.Path)
	})
	var (
		mu   sync.Mutex
		seen []Request // what the function saw, fast path and pipeline
	)
	run := &scriptRunner{resp: map[string]func(*Request, *Response) error{
		"vr": func(r *Request, resp *Response) error {
			mu.Lock()
			seen = append(seen, *r)
			mu.Unlock()
			return byPath[r.URI](resp)
		},
	}}
	b := httpBehavior("*", o.URL, defaultPolicy)
	b.Functions.ViewerResponse = ref("vr")
	e := startEdge(t, planOf(distOf("site", b)), run)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			get(t, "GET", e.url+c.path) // the miss, stored even if the function fails
			run.took()
			before := e.fastHits.Load()
			fast, fastBody := get(t, c.method, e.url+c.path)
			if got := e.fastHits.Load() - before; got != 1 {
				t.Errorf("fast hits went up by %d, want 1", got)
			}
			if got := run.took(); len(got) != 1 {
				t.Errorf("the function ran %d times on a fast hit: %v", len(got), got)
			}
			slow, slowBody := get(t, c.method, e.url+c.path, "Te", "trailers") // handed off
			if fast.StatusCode != c.status || slow.StatusCode != c.status {
				t.Errorf("status fast %d, pipeline %d, want %d", fast.StatusCode, slow.StatusCode, c.status)
			}
			fastBody, slowBody = withoutRequestID(t, fast, fastBody), withoutRequestID(t, slow, slowBody)
			if fastBody != slowBody {
				t.Errorf("bodies differ\nfast:     %q\npipeline: %q", fastBody, slowBody)
			}
			if a, b := functionHeaderLines(fast.Header), functionHeaderLines(slow.Header); a != b {
				t.Errorf("headers differ\nfast:     %s\npipeline: %s", a, b)
			}
			if want := xcache[c.path]; want != "" && fast.Header.Get("X-Cache") != want {
				t.Errorf("X-Cache %q, want %q", fast.Header.Get("X-Cache"), want)
			}
			mu.Lock()
			fr, pr := seen[len(seen)-2], seen[len(seen)-1]
			mu.Unlock()
			if a, b := functionRequestText(fr), functionRequestText(pr); a != b {
				t.Errorf("the function saw different requests\nfast:     %s\npipeline: %s", a, b)
			}
			if fast.Header.Get("X-Request-Id") == "" || fast.Header.Get("Date") == "" {
				t.Errorf("no X-Request-Id or Date: %v", fast.Header)
			}
		})
	}
	// The log is flushed every second.
	want := `"x-edge-result-type":"Error","x-edge-detailed-result-type":"FunctionExecutionError"`
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(e.log.String(), want); {
		if time.Now().After(deadline) {
			t.Fatalf("the access log has no %s:\n%s", want, e.log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// withoutRequestID returns an error page's body with its request id as
// "ID", and sets Content-Length to match: ids of two requests may differ in
// length.
func withoutRequestID(t *testing.T, resp *http.Response, body string) string {
	t.Helper()
	id := resp.Header.Get("X-Request-Id")
	if id == "" || !strings.Contains(body, id) {
		return body
	}
	if n := resp.Header.Get("Content-Length"); n != strconv.Itoa(len(body)) {
		t.Errorf("Content-Length %s for a body of %d bytes", n, len(body))
	}
	body = strings.ReplaceAll(body, id, "ID")
	resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
	return body
}

// functionHeaderLines is headerLines without Age, which may tick between
// the two requests.
func functionHeaderLines(h http.Header) string {
	var lines []string
	for k, vs := range h {
		switch k {
		case "Date", "X-Request-Id", "Age":
			continue
		}
		lines = append(lines, k+": "+strings.Join(vs, ", "))
	}
	sort.Strings(lines)
	return strings.Join(lines, " | ")
}

// functionRequestText is what a function sees of r, but the request id and
// the Te header that sent the request to the pipeline.
func functionRequestText(r Request) string {
	h := r.Header.Clone()
	delete(h, "Te")
	return fmt.Sprintf("%s %s ?%s ip=%s dist=%s origin=%p %s", r.Method, r.URI, r.Query, r.ClientIP,
		r.Distribution, r.Origin, functionHeaderLines(h))
}

// FuzzFastRequestHeader checks the header the fast path gives functions
// against net/http's for every head the fast path accepts: the same names
// and values, Host included (the pipeline puts it back for functions).
func FuzzFastRequestHeader(f *testing.F) {
	for _, s := range []string{
		"GET /a HTTP/1.1\r\nHost: x\r\nUser-Agent: wrk\r\nAccept: */*\r\n\r\n",
		"GET /a HTTP/1.1\r\nhost: x\r\nx-a: 1\r\nX-A:2\r\nPragma: no-cache\r\n\r\n",
		"HEAD / HTTP/1.1\r\nHost: x\r\nx-b: \t v \t\r\nConnection: close\r\n\r\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, head string) {
		if _, ok := parseFastRequest(head); !ok {
			return
		}
		r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(head)))
		if err != nil {
			t.Fatalf("fast path accepted what net/http refuses (%v): %q", err, head)
		}
		want := r.Header.Clone()
		want.Set("Host", r.Host)
		if a, b := functionHeaderLines(fastRequestHeader(head)), functionHeaderLines(want); a != b {
			t.Fatalf("fast %s\nnet/http %s\nhead %q", a, b, head)
		}
	})
}

// TestFastFunctionHitReused: an outcome the Runner marks Reusable is
// written again for later hits of the entry with the same Age, without
// the function, with the hit's own X-Request-Id; HEAD gets it without the
// body; an outcome not marked runs the function on every hit.
func TestFastFunctionHitReused(t *testing.T) {
	type tc struct {
		name, path string
		reusable   bool
		fn         func(*Response)
		wantBody   string
	}
	cases := []tc{
		{"headers", "/add", true, func(r *Response) { r.Header.Set("X-Frame-Options", "DENY") }, "body of /add"},
		{"own body", "/body", true, func(r *Response) { r.Body = []byte("<p>new</p>") }, "<p>new</p>"},
		{"not reusable", "/each", false, func(r *Response) { r.Header.Set("X-Frame-Options", "DENY") }, "body of /each"},
	}
	byPath := map[string]tc{}
	for _, c := range cases {
		byPath[c.path] = c
	}
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=600")
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "body of "+r.URL.Path)
	})
	run := &scriptRunner{}
	run.resp = map[string]func(*Request, *Response) error{
		"vr": func(r *Request, resp *Response) error {
			c := byPath[r.URI]
			c.fn(resp)
			if c.reusable {
				resp.Reuse = func() { run.record(stack.ViewerResponse, &stack.FunctionRef{Name: "reused"}) }
			}
			return nil
		},
	}
	b := httpBehavior("*", o.URL, defaultPolicy)
	b.Functions.ViewerResponse = ref("vr")
	e := startEdge(t, planOf(distOf("site", b)), run)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			get(t, "GET", e.url+c.path) // the miss
			run.took()
			runsByAge, reused := map[string]int{}, 0
			ids := map[string]bool{}
			var first string
			for i, method := range []string{"GET", "GET", "HEAD", "GET", "GET"} {
				resp, body := get(t, method, e.url+c.path)
				age := resp.Header.Get("Age")
				for _, call := range run.took() {
					if call == "viewer-response:reused" {
						reused++
					} else {
						runsByAge[age]++
					}
				}
				want := c.wantBody
				if method == "HEAD" {
					want = ""
				}
				if body != want || resp.Header.Get("Content-Length") != strconv.Itoa(len(c.wantBody)) {
					t.Errorf("%d %s: body %q (Content-Length %s), want %q", i, method, body, resp.Header.Get("Content-Length"), want)
				}
				id := resp.Header.Get("X-Request-Id")
				if id == "" || ids[id] {
					t.Errorf("%d: X-Request-Id %q missing or repeated", i, id)
				}
				ids[id] = true
				lines := functionHeaderLines(resp.Header)
				if first == "" {
					first = lines
				} else if lines != first {
					t.Errorf("%d: headers differ\nfirst: %s\nnow:   %s", i, first, lines)
				}
			}
			for age, runs := range runsByAge {
				if c.reusable && runs != 1 {
					t.Errorf("Age %s: the function ran %d times, want once", age, runs)
				}
			}
			if total := sum(runsByAge); total+reused != 5 || !c.reusable && total != 5 {
				t.Errorf("the function ran %d times and was reused %d times for 5 hits", total, reused)
			}
		})
	}
}

func sum(m map[string]int) (n int) {
	for _, v := range m {
		n += v
	}
	return n
}

// TestFastFunctionReuseEndsWithLoad: a new configuration (here the same
// plan with another runner) never gets a response kept under the old one.
func TestFastFunctionReuseEndsWithLoad(t *testing.T) {
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=600")
		fmt.Fprint(w, "body")
	})
	runner := func(value string) *scriptRunner {
		return &scriptRunner{resp: map[string]func(*Request, *Response) error{
			"vr": func(_ *Request, resp *Response) error {
				resp.Header.Set("X-Version", value)
				resp.Reuse = func() {}
				return nil
			},
		}}
	}
	b := httpBehavior("*", o.URL, defaultPolicy)
	b.Functions.ViewerResponse = ref("vr")
	plan := planOf(distOf("site", b))
	e := startEdge(t, plan, runner("1"))
	get(t, "GET", e.url+"/a") // the miss
	for range 2 {
		if resp, _ := get(t, "GET", e.url+"/a"); resp.Header.Get("X-Version") != "1" {
			t.Fatalf("X-Version %q, want 1", resp.Header.Get("X-Version"))
		}
	}
	if err := e.Load(plan, runner("2")); err != nil {
		t.Fatal(err)
	}
	if resp, _ := get(t, "GET", e.url+"/a"); resp.Header.Get("X-Version") != "2" {
		t.Errorf("after Load: X-Version %q, want 2", resp.Header.Get("X-Version"))
	}
}
