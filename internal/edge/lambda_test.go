package edge

import (
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/verge-edge/verge/internal/stack"
)

// lambdaRef names an edge-lambda-function, as the CLI associates one.
func lambdaRef(name string) *stack.FunctionRef {
	return &stack.FunctionRef{Name: name, Type: stack.TypeEdgeLambdaFunction}
}

// triggerRunner answers every trigger of the matrix: viewer-request
// generates for /vgen*, origin-request generates for /ogen* (a 403 for
// /ogen-denied), and both response triggers mark the response.
func triggerRunner() *scriptRunner {
	return &scriptRunner{
		req: map[string]func(*Request) (*Response, error){
			"vreq": func(r *Request) (*Response, error) {
				if strings.HasPrefix(r.URI, "/vgen") {
					return &Response{Status: 200, Header: http.Header{"Cache-Control": {"max-age=600"}}, Body: []byte("from viewer-request")}, nil
				}
				return nil, nil
			},
			"oreq": func(r *Request) (*Response, error) {
				switch {
				case strings.HasPrefix(r.URI, "/ogen-denied"):
					return &Response{Status: 403, Header: http.Header{"Cache-Control": {"max-age=600"}}, Body: []byte("denied")}, nil
				case strings.HasPrefix(r.URI, "/ogen"):
					return &Response{Status: 200, Header: http.Header{"Cache-Control": {"max-age=600"}}, Body: []byte("from origin-request")}, nil
				}
				return nil, nil
			},
		},
		resp: map[string]func(*Request, *Response) error{
			"oresp": func(_ *Request, resp *Response) error {
				resp.Header.Set("X-Origin-Response", "ran")
				return nil
			},
			"vresp": func(_ *Request, resp *Response) error {
				resp.Header.Set("X-Viewer-Response", "ran")
				return nil
			},
		},
	}
}

func allTriggers(b *stack.Behavior) {
	b.Functions = stack.Functions{ViewerRequest: lambdaRef("vreq"), OriginRequest: lambdaRef("oreq"),
		OriginResponse: lambdaRef("oresp"), ViewerResponse: lambdaRef("vresp")}
}

// Short names for the matrix.
const (
	vReq  = "viewer-request:vreq"
	oReq  = "origin-request:oreq"
	oResp = "origin-response:oresp"
	vResp = "viewer-response:vresp"
)

// TestTriggerMatrix checks which Lambda@Edge triggers run in every cell,
// as CloudFront: origin-facing triggers whenever the edge goes to the
// origin (a miss, an expired entry, a background refresh), origin-response
// for every origin status and for an unreachable origin, viewer-response
// except for statuses >= 400 and viewer-request generated responses.
func TestTriggerMatrix(t *testing.T) {
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/swr"):
			w.Header().Set("Cache-Control", "max-age=0, stale-while-revalidate=600")
		case strings.HasPrefix(r.URL.Path, "/expired"):
			w.Header().Set("Cache-Control", "max-age=0")
			w.Header().Set("Etag", `"v1"`)
			if r.Header.Get("If-None-Match") == `"v1"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
		case strings.HasPrefix(r.URL.Path, "/5xx"):
			w.WriteHeader(http.StatusServiceUnavailable)
		case strings.HasPrefix(r.URL.Path, "/404"):
			w.Header().Set("Cache-Control", "max-age=600")
			w.WriteHeader(http.StatusNotFound)
		default:
			w.Header().Set("Cache-Control", "max-age=600")
		}
		fmt.Fprint(w, "origin body")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + ln.Addr().String()
	ln.Close()
	downB := httpBehavior("/down/*", down, defaultPolicy)
	allTriggers(&downB)
	b := httpBehavior("*", o.URL, defaultPolicy)
	allTriggers(&b)
	run := triggerRunner()
	e := startEdge(t, planOf(distOf("site", downB, b)), run)

	type cell struct {
		name   string
		prime  int // requests sent first, whose triggers are not checked
		path   string
		status int
		xcache string
		want   []string
	}
	for _, c := range []cell{
		{name: "miss", path: "/miss", status: 200, xcache: "Miss from verge", want: []string{vReq, oReq, oResp, vResp}},
		{name: "hit", prime: 1, path: "/hit", status: 200, xcache: "Hit from verge", want: []string{vReq, vResp}},
		{name: "stale served, refreshed in the background", prime: 1, path: "/swr", status: 200, xcache: "Hit from verge", want: []string{vReq, vResp, oReq, oResp}},
		{name: "expired, revalidated (304)", prime: 1, path: "/expired", status: 200, xcache: "RefreshHit from verge", want: []string{vReq, oReq, oResp, vResp}},
		{name: "origin 404", path: "/404", status: 404, xcache: "Error from verge", want: []string{vReq, oReq, oResp}},
		{name: "origin 404 cached", prime: 1, path: "/404", status: 404, xcache: "Error from verge", want: []string{vReq}},
		{name: "origin 5xx", path: "/5xx", status: 503, xcache: "Error from verge", want: []string{vReq, oReq, oResp}},
		{name: "origin down", path: "/down/x", status: 502, xcache: "Error from verge", want: []string{vReq, oReq, oResp}},
		{name: "generated at viewer-request", path: "/vgen", status: 200, xcache: "LambdaGeneratedResponse from verge", want: []string{vReq}},
		{name: "generated at origin-request", path: "/ogen", status: 200, xcache: "LambdaGeneratedResponse from verge", want: []string{vReq, oReq, vResp}},
		{name: "generated at origin-request, then a hit", prime: 1, path: "/ogen-hit", status: 200, xcache: "Hit from verge", want: []string{vReq, vResp}},
		{name: "generated 403 at origin-request", path: "/ogen-denied", status: 403, xcache: "LambdaGeneratedResponse from verge", want: []string{vReq, oReq}},
	} {
		t.Run(c.name, func(t *testing.T) {
			for range c.prime {
				get(t, "GET", e.url+c.path)
			}
			waitFor(t, func() bool { return e.fills.len() == 0 })
			run.took()
			resp, _ := get(t, "GET", e.url+c.path)
			waitFor(t, func() bool { return e.fills.len() == 0 }) // a background refresh has finished
			got := run.took()
			if resp.StatusCode != c.status {
				t.Errorf("status %d, want %d", resp.StatusCode, c.status)
			}
			wantHeader(t, resp, "X-Cache", c.xcache)
			slices.Sort(got)
			want := slices.Sorted(slices.Values(c.want))
			if !slices.Equal(got, want) {
				t.Errorf("triggers ran %v, want %v", got, want)
			}
			if ran := resp.Header.Get("X-Viewer-Response") != ""; ran != slices.Contains(c.want, vResp) {
				t.Errorf("X-Viewer-Response present = %v, want %v", ran, !ran)
			}
		})
	}
}

// TestOriginRequestGeneratedCached checks that a response generated at
// origin-request is cached and served to every viewer of the fill, with
// the function run once and viewer-response run for each viewer.
func TestOriginRequestGeneratedCached(t *testing.T) {
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "origin") })
	release := make(chan struct{})
	run := triggerRunner()
	run.req["slow"] = func(r *Request) (*Response, error) {
		<-release
		return &Response{Status: 200, Header: http.Header{"Cache-Control": {"max-age=600"}, "Content-Type": {"text/plain"}}, Body: []byte("generated once")}, nil
	}
	b := httpBehavior("*", o.URL, defaultPolicy)
	b.Functions = stack.Functions{OriginRequest: lambdaRef("slow"), ViewerResponse: lambdaRef("vresp")}
	e := startEdge(t, planOf(distOf("site", b)), run)

	const viewers = 4
	var wg sync.WaitGroup
	results := make(chan *http.Response, viewers)
	bodies := make(chan string, viewers)
	for range viewers {
		wg.Go(func() {
			resp, body := get(t, "GET", e.url+"/page")
			results <- resp
			bodies <- body
		})
	}
	waitFor(t, func() bool { return e.fills.len() == 1 })
	close(release)
	wg.Wait()
	close(results)
	close(bodies)
	for body := range bodies {
		if body != "generated once" {
			t.Errorf("body %q", body)
		}
	}
	for resp := range results {
		if x := resp.Header.Get("X-Cache"); x != "LambdaGeneratedResponse from verge" && x != "Hit from verge" {
			t.Errorf("X-Cache %q", x)
		}
		wantHeader(t, resp, "X-Viewer-Response", "ran")
	}
	calls := run.took()
	if n := strings.Count(strings.Join(calls, " "), "origin-request"); n != 1 {
		t.Errorf("origin-request ran %d times, want 1: %v", n, calls)
	}
	if o.hits.Load() != 0 {
		t.Errorf("the origin got %d requests, want none", o.hits.Load())
	}
	resp, body := get(t, "GET", e.url+"/page")
	if body != "generated once" {
		t.Errorf("hit body %q", body)
	}
	wantHeader(t, resp, "X-Cache", "Hit from verge")
	wantHeader(t, resp, "X-Viewer-Response", "ran")
}

// TestOriginRequestBucketSwitch checks the switch to an s3 origin: the
// request goes to the named bucket's folder under the origin path, an
// unknown bucket is a 502 LambdaValidationError, and a path cannot lead
// out of the folder.
func TestOriginRequestBucketSwitch(t *testing.T) {
	root := t.TempDir()
	assets := root + "/assets"
	writeFile(t, assets, "v2/img/logo.txt", "logo v2")
	writeFile(t, assets, "img/logo.txt", "logo v1")
	writeFile(t, root, "secret.txt", "secret")
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "http origin") })
	run := &scriptRunner{req: map[string]func(*Request) (*Response, error){
		"switch": func(r *Request) (*Response, error) {
			q := r.Query
			switch {
			case strings.HasPrefix(q, "bucket="):
				r.OriginBucket = &BucketChange{Name: strings.TrimPrefix(q, "bucket="), Path: "/v2",
					CustomHeaders: []stack.Header{{Name: "X-Origin-Secret", Value: "s"}}}
			case q == "noprefix":
				r.OriginBucket = &BucketChange{Name: "assets"}
			case q == "escape":
				r.OriginBucket = &BucketChange{Name: "assets", Path: "/.."}
			}
			return nil, nil
		},
	}}
	api := httpBehavior("/img/*", o.URL, policy(0, 0, 0))
	api.Cache.QueryStrings = stackKeyParts(string(stack.KeyAll))
	api.Functions.OriginRequest = lambdaRef("switch")
	def := stack.Behavior{PathPattern: "*", Cache: defaultPolicy,
		Origin: stack.Origin{Kind: stack.OriginBucket, Bucket: &stack.BucketOrigin{Resource: "Assets", Directory: assets}}}
	e := startEdge(t, planOf(distOf("site", api, def)), run)

	for _, c := range []struct {
		query, body, xcache string
		status              int
	}{
		{"", "http origin", "Miss from verge", 200},
		{"bucket=assets", "logo v2", "Miss from verge", 200},
		{"bucket=ASSETS", "logo v2", "Miss from verge", 200},
		{"noprefix", "logo v1", "Miss from verge", 200},
		{"bucket=nope", "", "LambdaValidationError from verge", 502},
	} {
		resp, body := get(t, "GET", e.url+"/img/logo.txt?"+c.query)
		if resp.StatusCode != c.status || (c.body != "" && body != c.body) {
			t.Errorf("%q: %d %q, want %d %q", c.query, resp.StatusCode, body, c.status, c.body)
		}
		wantHeader(t, resp, "X-Cache", c.xcache)
		if c.status == 502 && !strings.Contains(body, "nope") {
			t.Errorf("%q: the error does not name the bucket: %q", c.query, body)
		}
	}
	resp, body := get(t, "GET", e.url+"/img/../secret.txt?escape")
	if resp.StatusCode < 400 || strings.Contains(body, "secret") {
		t.Errorf("escape: %d %q", resp.StatusCode, body)
	}
}

// TestOriginRequestKeepsEdgeHeaders checks that applying an origin-request
// function's request keeps the viewer headers the edge withholds out
// (Range, Accept-Encoding) while headers the function sets go through.
func TestOriginRequestKeepsEdgeHeaders(t *testing.T) {
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "whole body") })
	run := &scriptRunner{req: map[string]func(*Request) (*Response, error){
		"sign": func(r *Request) (*Response, error) {
			r.Header.Set("Authorization", "signed")
			return nil, nil
		},
	}}
	b := httpBehavior("*", o.URL, defaultPolicy)
	b.Functions.OriginRequest = lambdaRef("sign")
	e := startEdge(t, planOf(distOf("site", b)), run)
	resp, _ := get(t, "GET", e.url+"/f", "Range", "bytes=0-3", "Accept-Encoding", "gzip")
	if resp.StatusCode != http.StatusPartialContent {
		t.Errorf("status %d, want 206", resp.StatusCode)
	}
	last := o.lastRequest()
	for _, c := range []struct{ name, want string }{{"Range", ""}, {"Accept-Encoding", ""}, {"Authorization", "signed"}} {
		if got := last.Header.Get(c.name); got != c.want {
			t.Errorf("origin got %s %q, want %q", c.name, got, c.want)
		}
	}
}
