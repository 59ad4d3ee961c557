package edge

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/verge-edge/verge/internal/cfheader"
	"github.com/verge-edge/verge/internal/stack"
)

// send sends a request with a body and returns the response with its body.
func send(t *testing.T, method, url string, body []byte, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	tr := &http.Transport{DisableCompression: true}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// digest names a body by its length and hash.
func digest(b []byte) string { return fmt.Sprintf("%d:%x", len(b), sha256.Sum256(b)) }

// bodyRunner records the body each trigger saw, and replaces it when the
// request's query asks to (replace=viewer or replace=origin).
type bodyRunner struct {
	mu   sync.Mutex
	seen map[stack.Trigger][]byte
}

func (b *bodyRunner) Request(_ context.Context, t stack.Trigger, _ *stack.FunctionRef, r *Request) (*Response, error) {
	b.mu.Lock()
	b.seen[t] = bytes.Clone(r.Body)
	b.mu.Unlock()
	if (t == stack.ViewerRequest && r.Query == "replace=viewer") || (t == stack.OriginRequest && r.Query == "replace=origin") {
		r.Body, r.BodyReplaced = []byte("replaced at "+string(t)), true
		r.Header.Del("Content-Length")
	}
	return nil, nil
}

func (b *bodyRunner) Response(context.Context, stack.Trigger, *stack.FunctionRef, *Request, *Response) error {
	return nil
}

func (b *bodyRunner) took(t stack.Trigger) ([]byte, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	v, ok := b.seen[t]
	delete(b.seen, t)
	return v, ok
}

// TestIncludeBody checks includeBody at both request triggers: the
// function sees the body up to one byte past its trigger's limit (so the
// runner can tell it is truncated), the origin gets the viewer's whole
// body, or the one a function replaced with its new Content-Length.
func TestIncludeBody(t *testing.T) {
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s cl=%d", digest(b), r.ContentLength)
	})
	run := &bodyRunner{seen: map[stack.Trigger][]byte{}}
	withBody := func(name string) *stack.FunctionRef {
		return &stack.FunctionRef{Name: name, Type: stack.TypeEdgeLambdaFunction, IncludeBody: true}
	}
	viewer := httpBehavior("/viewer/*", o.URL, policy(0, 0, 0))
	viewer.Functions.ViewerRequest = withBody("v")
	origin := httpBehavior("/origin/*", o.URL, policy(0, 0, 0))
	origin.Functions.OriginRequest = withBody("o")
	both := httpBehavior("/both/*", o.URL, policy(0, 0, 0))
	both.Functions = stack.Functions{ViewerRequest: withBody("v"), OriginRequest: withBody("o")}
	without := httpBehavior("*", o.URL, policy(0, 0, 0))
	without.Functions.ViewerRequest = lambdaRef("v")
	e := startEdge(t, planOf(distOf("site", viewer, origin, both, without)), run)

	small := []byte("name=ada&lang=go")
	big := bytes.Repeat([]byte("0123456789abcdef"), 150<<10/16) // 150 KiB
	huge := bytes.Repeat([]byte("x"), 2<<20+7)
	type tc struct {
		name       string
		path       string
		body       []byte
		sawViewer  []byte // nil: the trigger must not have seen a body
		sawOrigin  []byte
		originGot  []byte
		skipViewer bool // no viewer-request function
	}
	for _, c := range []tc{
		{name: "viewer, small", path: "/viewer/a", body: small, sawViewer: small, originGot: small},
		{name: "viewer, over 40 KB", path: "/viewer/a", body: big, sawViewer: big[:cfheader.ViewerBodyLimit+1], originGot: big},
		{name: "viewer, replaced", path: "/viewer/a?replace=viewer", body: big, sawViewer: big[:cfheader.ViewerBodyLimit+1],
			originGot: []byte("replaced at viewer-request")},
		{name: "origin, over 1 MB", path: "/origin/a", body: huge, sawOrigin: huge[:cfheader.OriginBodyLimit+1], originGot: huge, skipViewer: true},
		{name: "origin, replaced", path: "/origin/a?replace=origin", body: small, sawOrigin: small,
			originGot: []byte("replaced at origin-request"), skipViewer: true},
		{name: "both, origin reads further", path: "/both/a", body: big, sawViewer: big[:cfheader.ViewerBodyLimit+1], sawOrigin: big, originGot: big},
		{name: "both, origin sees the viewer's replacement", path: "/both/a?replace=viewer", body: big,
			sawViewer: big[:cfheader.ViewerBodyLimit+1], sawOrigin: []byte("replaced at viewer-request"), originGot: []byte("replaced at viewer-request")},
		{name: "without includeBody", path: "/other", body: small, sawViewer: []byte{}, originGot: small},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, got := send(t, "POST", e.url+c.path, c.body)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %q", resp.StatusCode, got)
			}
			if want := fmt.Sprintf("%s cl=%d", digest(c.originGot), len(c.originGot)); got != want {
				t.Errorf("the origin got %s, want %s", got, want)
			}
			for _, w := range []struct {
				t    stack.Trigger
				want []byte
				ran  bool
			}{{stack.ViewerRequest, c.sawViewer, !c.skipViewer}, {stack.OriginRequest, c.sawOrigin, c.sawOrigin != nil}} {
				saw, ran := run.took(w.t)
				if ran != w.ran {
					t.Errorf("%s ran = %v, want %v", w.t, ran, w.ran)
				}
				if ran && !bytes.Equal(saw, w.want) {
					t.Errorf("%s saw %s, want %s", w.t, digest(saw), digest(w.want))
				}
			}
		})
	}
}

// TestViewerHeadersInCacheKey checks that the CloudFront viewer headers a
// cache key names are computed before the lookup, whatever the viewer sent,
// so the key varies on the device and country, and that origin-facing
// functions and the origin see them.
func TestViewerHeadersInCacheKey(t *testing.T) {
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=600")
		fmt.Fprintf(w, "mobile=%s country=%s tablet=%s", r.Header.Get(cfheader.IsMobileViewer),
			r.Header.Get(cfheader.ViewerCountry), r.Header.Get(cfheader.IsTabletViewer))
	})
	var mu sync.Mutex
	var seen []string
	run := &scriptRunner{req: map[string]func(*Request) (*Response, error){
		"o": func(r *Request) (*Response, error) {
			mu.Lock()
			seen = append(seen, r.Header.Get(cfheader.IsMobileViewer))
			mu.Unlock()
			return nil, nil
		},
	}}
	p := defaultPolicy
	p.Headers = []string{"Cloudfront-Is-Mobile-Viewer", "Cloudfront-Viewer-Country"}
	b := httpBehavior("*", o.URL, p)
	b.Functions.OriginRequest = lambdaRef("o")
	e := startEdgeWith(t, Options{Country: cfheader.FixedCountry("GB")}, planOf(distOf("site", b)), run)

	const (
		iphone  = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"
		firefox = "Mozilla/5.0 (X11; Linux x86_64) Firefox/124.0"
	)
	type tc struct {
		name, ua, spoof, xcache, body string
	}
	for _, c := range []tc{
		{name: "desktop", ua: firefox, xcache: "Miss from verge", body: "mobile=false country=GB tablet="},
		{name: "mobile has its own entry", ua: iphone, xcache: "Miss from verge", body: "mobile=true country=GB tablet="},
		{name: "mobile again", ua: iphone, xcache: "Hit from verge", body: "mobile=true"},
		{name: "a desktop claiming to be mobile", ua: firefox, spoof: "true", xcache: "Hit from verge", body: "mobile=false"},
	} {
		t.Run(c.name, func(t *testing.T) {
			hdr := []string{"User-Agent", c.ua, "CloudFront-Viewer-Country", "FR"}
			if c.spoof != "" {
				hdr = append(hdr, "CloudFront-Is-Mobile-Viewer", c.spoof)
			}
			resp, body := get(t, "GET", e.url+"/home", hdr...)
			wantHeader(t, resp, "X-Cache", c.xcache)
			if !strings.HasPrefix(body, c.body) {
				t.Errorf("body %q, want %q…", body, c.body)
			}
		})
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(seen, ",") != "false,true" {
		t.Errorf("origin-request saw CloudFront-Is-Mobile-Viewer %q, want false then true", seen)
	}
}

// TestViewerHeadersNoCountry checks that without a configured country the
// edge drops a viewer's CloudFront-Viewer-Country rather than key on it.
func TestViewerHeadersNoCountry(t *testing.T) {
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=600")
		fmt.Fprintf(w, "country=%q", r.Header.Get(cfheader.ViewerCountry))
	})
	p := defaultPolicy
	p.Headers = []string{"Cloudfront-Viewer-Country"}
	e := startEdge(t, planOf(distOf("site", httpBehavior("*", o.URL, p))), nil)
	for i, country := range []string{"FR", "DE"} {
		resp, body := get(t, "GET", e.url+"/x", "CloudFront-Viewer-Country", country)
		if body != `country=""` {
			t.Errorf("%s: the origin saw %s", country, body)
		}
		if want := []string{"Miss from verge", "Hit from verge"}[i]; resp.Header.Get("X-Cache") != want {
			t.Errorf("%s: X-Cache %q, want %q", country, resp.Header.Get("X-Cache"), want)
		}
	}
}

// hopRunner's origin-request adds the hop as a Lambda@Edge runner shows it
// to the function (lambdaedge.AddCloudFrontHeaders), then does what the
// query says to X-Forwarded-For; origin-response records what it sees.
func hopRunner(seen *sync.Map) *scriptRunner {
	return &scriptRunner{
		req: map[string]func(*Request) (*Response, error){
			"o": func(r *Request) (*Response, error) {
				xff := r.ClientIP
				if prev := r.Header.Get("X-Forwarded-For"); prev != "" {
					xff = prev + ", " + xff
				}
				r.Header.Set("X-Forwarded-For", xff)
				r.Header.Add("Via", "2.0 site.localhost (CloudFront)")
				if r.Query == "xff=own" {
					r.Header.Set("X-Forwarded-For", "203.0.113.9")
				}
				return nil, nil
			},
		},
		resp: map[string]func(*Request, *Response) error{
			"r": func(r *Request, _ *Response) error {
				seen.Store(r.URI+"?"+r.Query, r.Header.Get("X-Forwarded-For")+"|"+strings.Join(r.Header.Values("Via"), ", "))
				return nil
			},
		},
	}
}

// TestOriginRequestHops checks that the origin sees the client's IP once
// and one Via for this hop after an origin-request function whose event
// showed CloudFront's X-Forwarded-For and Via, while origin-response still
// sees them as CloudFront's event shows them.
func TestOriginRequestHops(t *testing.T) {
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s|%s", r.Header.Get("X-Forwarded-For"), strings.Join(r.Header.Values("Via"), ", "))
	})
	var seen sync.Map
	cached := httpBehavior("/cached/*", o.URL, defaultPolicy)
	cached.Functions = stack.Functions{OriginRequest: lambdaRef("o"), OriginResponse: lambdaRef("r")}
	passed := httpBehavior("*", o.URL, policy(0, 0, 0))
	passed.Functions = stack.Functions{OriginRequest: lambdaRef("o"), OriginResponse: lambdaRef("r")}
	e := startEdge(t, planOf(distOf("site", cached, passed)), hopRunner(&seen))

	const via = "1.1 verge (Verge)"
	type tc struct {
		name, path string
		hdr        []string
		origin     string // X-Forwarded-For|Via at the origin
		event      string // the same in the origin-response event
	}
	for _, c := range []tc{
		{name: "cached", path: "/cached/a?", origin: "127.0.0.1|" + via, event: "127.0.0.1|2.0 site.localhost (CloudFront)"},
		{name: "passed", path: "/p?", origin: "127.0.0.1|" + via, event: "127.0.0.1|2.0 site.localhost (CloudFront)"},
		{name: "behind a proxy", path: "/p?", hdr: []string{"X-Forwarded-For", "198.51.100.1", "Via", "1.1 proxy"},
			origin: "198.51.100.1, 127.0.0.1|1.1 proxy, " + via, event: "198.51.100.1, 127.0.0.1|1.1 proxy, 2.0 site.localhost (CloudFront)"},
		{name: "the function's own X-Forwarded-For", path: "/p?xff=own", origin: "203.0.113.9, 127.0.0.1|" + via,
			event: "203.0.113.9|2.0 site.localhost (CloudFront)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, body := get(t, "GET", e.url+c.path, c.hdr...)
			if body != c.origin {
				t.Errorf("the origin saw %q, want %q", body, c.origin)
			}
			key := c.path
			if v, _ := seen.Load(key); v != c.event {
				t.Errorf("origin-response saw %q, want %q", v, c.event)
			}
		})
	}
}
