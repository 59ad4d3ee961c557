package edge

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
)

func TestMissThenHit(t *testing.T) {
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=60")
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "hello")
	})
	e := startEdge(t, planOf(distOf("site", httpBehavior("*", o.URL, defaultPolicy))), nil)

	resp, body := get(t, "GET", e.url+"/a")
	if body != "hello" || resp.StatusCode != 200 {
		t.Fatalf("miss: %d %q", resp.StatusCode, body)
	}
	wantHeader(t, resp, "X-Cache", "Miss from verge")
	wantHeader(t, resp, "Cache-Status", "verge; fwd=uri-miss; stored")
	wantHeader(t, resp, "Via", "1.1 verge (Verge)")
	if resp.Header.Get("X-Request-Id") == "" {
		t.Error("no request id")
	}
	if resp.Header.Get("Age") != "" {
		t.Error("a miss carries no Age")
	}

	resp, body = get(t, "GET", e.url+"/a")
	if body != "hello" {
		t.Fatalf("hit body %q", body)
	}
	wantHeader(t, resp, "X-Cache", "Hit from verge")
	wantHeader(t, resp, "Cache-Status", "verge; hit")
	// Stored just now: 0, or 1 when a loaded machine crossed a second.
	if age := resp.Header.Get("Age"); age != "0" && age != "1" {
		t.Errorf("Age = %q, want 0 (or 1 under load)", age)
	}
	if n := o.hits.Load(); n != 1 {
		t.Errorf("origin saw %d requests, want 1", n)
	}
	// The origin got Verge's Via and the viewer's address.
	last := o.lastRequest()
	if !strings.Contains(last.Header.Get("Via"), "verge") || last.Header.Get("X-Forwarded-For") == "" {
		t.Errorf("origin request headers: %v", last.Header)
	}
	// The log flushes each second; a loaded machine may take longer.
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(e.log.String(), `"x-edge-result-type":"Hit"`); {
		if time.Now().After(deadline) {
			t.Errorf("access log lacks the hit: %s", e.log.String())
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestAgeFromOrigin(t *testing.T) {
	// RFC 9111 §4.2.3: an object that was already 50 s old at the origin
	// (Age: 50) with max-age=60 has about 10 s left, and Age is emitted.
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=60")
		w.Header().Set("Age", "50")
		fmt.Fprint(w, "old")
	})
	e := startEdge(t, planOf(distOf("site", httpBehavior("*", o.URL, defaultPolicy))), nil)
	get(t, "GET", e.url+"/x")
	resp, _ := get(t, "GET", e.url+"/x")
	wantHeader(t, resp, "X-Cache", "Hit from verge")
	if age := resp.Header.Get("Age"); age != "50" && age != "51" {
		t.Errorf("Age = %q, want 50", age)
	}
}

func TestExpiryRevalidation(t *testing.T) {
	// A stale entry with an ETag is revalidated with If-None-Match; a 304
	// refreshes it (RefreshHit) without a body transfer.
	var mu sync.Mutex
	var conditional []string
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		conditional = append(conditional, r.Header.Get("If-None-Match"))
		mu.Unlock()
		w.Header().Set("Cache-Control", "max-age=1")
		w.Header().Set("ETag", `"v1"`)
		if r.Header.Get("If-None-Match") == `"v1"` {
			// The 304's headers refresh the entry: a longer lifetime, so the
			// next request is a hit however slow the machine (the first
			// lifetime is 1 s, with Date's one-second granularity).
			w.Header().Set("Cache-Control", "max-age=60")
			w.WriteHeader(http.StatusNotModified)
			return
		}
		fmt.Fprint(w, "body-v1")
	})
	e := startEdge(t, planOf(distOf("site", httpBehavior("*", o.URL, defaultPolicy))), nil)
	get(t, "GET", e.url+"/r")
	time.Sleep(1100 * time.Millisecond)
	resp, body := get(t, "GET", e.url+"/r")
	if body != "body-v1" {
		t.Fatalf("refreshed body %q", body)
	}
	wantHeader(t, resp, "X-Cache", "RefreshHit from verge")
	resp, _ = get(t, "GET", e.url+"/r")
	wantHeader(t, resp, "X-Cache", "Hit from verge")
	mu.Lock()
	defer mu.Unlock()
	if len(conditional) != 2 || conditional[0] != "" || conditional[1] != `"v1"` {
		t.Errorf("origin saw If-None-Match %q, want [\"\" \"v1\"]", conditional)
	}
}

func TestStaleWhileRevalidate(t *testing.T) {
	var n int
	var mu sync.Mutex
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		v := n
		mu.Unlock()
		w.Header().Set("Cache-Control", "max-age=1, stale-while-revalidate=30")
		if v > 1 { // the refresh lives long: no second refresh on a slow machine
			w.Header().Set("Cache-Control", "max-age=60")
		}
		fmt.Fprintf(w, "v%d", v)
	})
	e := startEdge(t, planOf(distOf("site", httpBehavior("*", o.URL, defaultPolicy))), nil)
	get(t, "GET", e.url+"/s")
	time.Sleep(1100 * time.Millisecond)
	resp, body := get(t, "GET", e.url+"/s")
	if body != "v1" {
		t.Errorf("stale body %q, want v1 served at once", body)
	}
	wantHeader(t, resp, "Cache-Status", "verge; hit; detail=stale-while-revalidate")
	waitFor(t, func() bool { _, b := get(t, "GET", e.url+"/s"); return b == "v2" })
	if got := o.hits.Load(); got != 2 {
		t.Errorf("origin hits = %d, want 2", got)
	}
}

func TestStaleIfError(t *testing.T) {
	var fail bool
	var mu sync.Mutex
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if fail {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.Header().Set("Cache-Control", "max-age=1, stale-if-error=60")
		fmt.Fprint(w, "good")
	})
	e := startEdge(t, planOf(distOf("site", httpBehavior("*", o.URL, defaultPolicy))), nil)
	get(t, "GET", e.url+"/e")
	mu.Lock()
	fail = true
	mu.Unlock()
	time.Sleep(1100 * time.Millisecond)
	resp, body := get(t, "GET", e.url+"/e")
	if resp.StatusCode != 200 || body != "good" {
		t.Errorf("got %d %q, want the stale 200", resp.StatusCode, body)
	}
	wantHeader(t, resp, "Cache-Status", "verge; fwd=stale; detail=stale-if-error")
}

func TestCollapsing(t *testing.T) {
	// 100 concurrent misses for one key: exactly one origin request, and
	// every viewer gets the whole body, streamed.
	release := make(chan struct{})
	big := strings.Repeat("x", 300<<10)
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=60")
		w.Header().Set("Content-Type", "application/octet-stream")
		w.WriteHeader(200)
		w.(http.Flusher).Flush()
		<-release
		io.WriteString(w, big)
	})
	e := startEdge(t, planOf(distOf("site", httpBehavior("*", o.URL, defaultPolicy))), nil)
	const n = 100
	var wg sync.WaitGroup
	bodies := make([]string, n)
	tr := &http.Transport{MaxIdleConnsPerHost: n}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := client.Get(e.url + "/c")
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			bodies[i] = string(b)
		}()
	}
	waitFor(t, func() bool { return e.fills.len() == 1 && o.hits.Load() == 1 })
	time.Sleep(100 * time.Millisecond) // let the stragglers join
	close(release)
	wg.Wait()
	if got := o.hits.Load(); got != 1 {
		t.Errorf("origin requests = %d, want 1", got)
	}
	for i, b := range bodies {
		if b != big {
			t.Fatalf("viewer %d got %d bytes, want %d", i, len(b), len(big))
		}
	}
}

func TestFetchOutlivesFirstViewer(t *testing.T) {
	release := make(chan struct{})
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		<-release
		w.Header().Set("Cache-Control", "max-age=60")
		fmt.Fprint(w, "done")
	})
	e := startEdge(t, planOf(distOf("site", httpBehavior("*", o.URL, defaultPolicy))), nil)
	req, _ := http.NewRequest("GET", e.url+"/f", nil)
	ctx, cancel := contextWithCancel()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	go func() {
		waitFor(t, func() bool { return o.hits.Load() == 1 })
		cancel() // the first viewer gives up
		time.Sleep(50 * time.Millisecond)
		close(release)
	}()
	if _, err := (&http.Client{Transport: tr}).Do(req.WithContext(ctx)); err == nil {
		t.Fatal("the cancelled request succeeded")
	}
	waitFor(t, func() bool { return e.fills.len() == 0 })
	resp, body := get(t, "GET", e.url+"/f")
	if body != "done" {
		t.Fatalf("body %q", body)
	}
	wantHeader(t, resp, "X-Cache", "Hit from verge")
	if o.hits.Load() != 1 {
		t.Errorf("origin hits %d, want 1: the fetch was cancelled with its first viewer", o.hits.Load())
	}
}

func TestPrivateNotShared(t *testing.T) {
	// Collapsed waiters must not get a response the origin marked private:
	// each goes to the origin itself.
	release := make(chan struct{})
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "private")
		w.WriteHeader(200)
		w.(http.Flusher).Flush()
		<-release
		fmt.Fprint(w, "for "+r.Header.Get("X-User"))
	})
	e := startEdge(t, planOf(distOf("site", httpBehavior("*", o.URL, defaultPolicy))), nil)
	var wg sync.WaitGroup
	got := make([]string, 3)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, got[i] = get(t, "GET", e.url+"/me", "X-User", fmt.Sprint(i))
		}()
	}
	waitFor(t, func() bool { return o.hits.Load() >= 1 })
	time.Sleep(100 * time.Millisecond)
	close(release)
	wg.Wait()
	for i, b := range got {
		if b != fmt.Sprintf("for %d", i) {
			t.Errorf("viewer %d got %q", i, b)
		}
	}
}

func TestVary(t *testing.T) {
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=60")
		w.Header().Set("Vary", "Accept-Language")
		fmt.Fprint(w, "lang="+r.Header.Get("Accept-Language"))
	})
	e := startEdge(t, planOf(distOf("site", httpBehavior("*", o.URL, defaultPolicy))), nil)
	for _, tc := range []struct{ lang, xcache string }{
		{"en", "Miss from verge"}, {"fr", "Miss from verge"}, {"en", "Hit from verge"}, {"fr", "Hit from verge"},
	} {
		resp, body := get(t, "GET", e.url+"/v", "Accept-Language", tc.lang)
		if body != "lang="+tc.lang {
			t.Errorf("%s: body %q", tc.lang, body)
		}
		wantHeader(t, resp, "X-Cache", tc.xcache)
	}
}

func TestHeadRangeConditional(t *testing.T) {
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != "GET" {
			t.Errorf("origin got %s; HEAD misses must fetch GET to fill the cache", r.Method)
		}
		w.Header().Set("Cache-Control", "max-age=60")
		w.Header().Set("ETag", `"abc"`)
		w.Header().Set("Content-Type", "application/octet-stream")
		fmt.Fprint(w, "0123456789")
	})
	e := startEdge(t, planOf(distOf("site", httpBehavior("*", o.URL, defaultPolicy))), nil)
	type tc struct {
		name, method string
		hdr          []string
		status       int
		body         string
	}
	for _, c := range []tc{
		{"head miss", "HEAD", nil, 200, ""},
		{"get hit", "GET", nil, 200, "0123456789"},
		{"range", "GET", []string{"Range", "bytes=2-4"}, 206, "234"},
		{"bad range", "GET", []string{"Range", "bytes=20-30"}, 416, ""},
		{"if-none-match", "GET", []string{"If-None-Match", `"abc"`}, 304, ""},
		{"if-none-match other", "GET", []string{"If-None-Match", `"zzz"`}, 200, "0123456789"},
	} {
		resp, body := get(t, c.method, e.url+"/h", c.hdr...)
		if resp.StatusCode != c.status || (c.status != 416 && body != c.body) {
			t.Errorf("%s: %d %q, want %d %q", c.name, resp.StatusCode, body, c.status, c.body)
		}
		if c.name == "head miss" && resp.Header.Get("Content-Length") != "10" {
			t.Errorf("HEAD Content-Length %q", resp.Header.Get("Content-Length"))
		}
	}
	if o.hits.Load() != 1 {
		t.Errorf("origin hits %d, want 1", o.hits.Load())
	}
}

func TestCompression(t *testing.T) {
	text := strings.Repeat("compress me please ", 200) // 3,800 bytes
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept-Encoding") != "" {
			t.Errorf("origin got Accept-Encoding %q; the edge compresses", r.Header.Get("Accept-Encoding"))
		}
		w.Header().Set("Cache-Control", "max-age=60")
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("ETag", `"t1"`)
		if r.URL.Path == "/small" {
			fmt.Fprint(w, "tiny")
			return
		}
		fmt.Fprint(w, text)
	})
	e := startEdge(t, planOf(distOf("site", httpBehavior("*", o.URL, defaultPolicy))), nil)
	decode := map[string]func(io.Reader) (io.Reader, error){
		"gzip": func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) },
		"br":   func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil },
		"":     func(r io.Reader) (io.Reader, error) { return r, nil },
	}
	for _, c := range []struct{ accept, want string }{
		{"gzip", "gzip"}, {"gzip, br", "br"}, {"br;q=0, gzip", "gzip"}, {"identity", ""}, {"", ""}, {"gzip", "gzip"}, {"br", "br"},
	} {
		resp, body := get(t, "GET", e.url+"/t", "Accept-Encoding", c.accept)
		wantHeader(t, resp, "Content-Encoding", c.want)
		r, err := decode[c.want](strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		plain, _ := io.ReadAll(r)
		if string(plain) != text {
			t.Errorf("accept %q: decoded body differs (%d bytes)", c.accept, len(plain))
		}
		if !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("accept %q: Vary %q", c.accept, resp.Header.Get("Vary"))
		}
		if c.want != "" && resp.Header.Get("Etag") != `W/"t1"` {
			t.Errorf("compressed ETag %q, want weak", resp.Header.Get("Etag"))
		}
	}
	resp, body := get(t, "GET", e.url+"/small", "Accept-Encoding", "gzip")
	if resp.Header.Get("Content-Encoding") != "" || body != "tiny" {
		t.Errorf("a body under 1,000 bytes was compressed")
	}
	if o.hits.Load() != 2 {
		t.Errorf("origin hits %d, want 2 (variants come from one fetch)", o.hits.Load())
	}
}

func TestInvalidate(t *testing.T) {
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=600")
		fmt.Fprint(w, r.URL.Path)
	})
	e := startEdge(t, planOf(distOf("site", httpBehavior("*", o.URL, defaultPolicy))), nil)
	for _, p := range []string{"/a", "/img/1", "/img/2", "/b"} {
		get(t, "GET", e.url+p)
	}
	if n := e.Invalidate("site", []string{"/a", "/img/*"}); n != 3 {
		t.Errorf("removed %d, want 3", n)
	}
	for _, c := range []struct{ path, xcache string }{
		{"/a", "Miss from verge"}, {"/img/1", "Miss from verge"}, {"/b", "Hit from verge"},
	} {
		resp, _ := get(t, "GET", e.url+c.path)
		wantHeader(t, resp, "X-Cache", c.xcache)
	}
	if n := e.Invalidate("other", []string{"/*"}); n != 0 {
		t.Errorf("another distribution's purge removed %d", n)
	}
}

func TestBypassAndMethods(t *testing.T) {
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=600")
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s %s %s", r.Method, r.URL.RequestURI(), b)
	})
	dir := t.TempDir()
	writeFile(t, dir, "index.html", "home")
	e := startEdge(t, planOf(distOf("site",
		httpBehavior("/api/*", o.URL, policy(0, 0, 0)),
		bucketBehavior("*", dir, defaultPolicy))), nil)
	for range 2 {
		resp, body := get(t, "GET", e.url+"/api/x?q=1")
		if body != "GET /api/x?q=1 " {
			t.Errorf("bypass body %q", body)
		}
		wantHeader(t, resp, "Cache-Status", "verge; fwd=bypass")
	}
	if o.hits.Load() != 2 {
		t.Errorf("a behaviour with all TTLs 0 cached: origin hits %d", o.hits.Load())
	}
	resp, err := http.Post(e.url+"/api/p", "text/plain", bytes.NewReader([]byte("payload")))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "POST /api/p payload" {
		t.Errorf("POST passed as %q", b)
	}
	resp, _ = get(t, "DELETE", e.url+"/index.html")
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("DELETE on a bucket behaviour: %d, want 403", resp.StatusCode)
	}
}

func TestQueryStringKeys(t *testing.T) {
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=600")
		fmt.Fprint(w, r.URL.RawQuery)
	})
	none := policy(0, 86400, 31536000)
	allow := none
	allow.QueryStrings = stackKeyParts("allowList", "page")
	e := startEdge(t, planOf(distOf("site",
		httpBehavior("/allow/*", o.URL, allow),
		httpBehavior("*", o.URL, none))), nil)
	for _, c := range []struct{ path, body, xcache string }{
		{"/none?a=1", "", "Miss from verge"},
		{"/none?a=2", "", "Hit from verge"}, // not in the key, not forwarded
		{"/allow/x?page=1&utm=z", "page=1", "Miss from verge"},
		{"/allow/x?page=1&utm=y", "page=1", "Hit from verge"},
		{"/allow/x?page=2", "page=2", "Miss from verge"},
	} {
		resp, body := get(t, "GET", e.url+c.path)
		if body != c.body {
			t.Errorf("%s: origin saw query %q, want %q", c.path, body, c.body)
		}
		wantHeader(t, resp, "X-Cache", c.xcache)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 5s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestAuthorizationNotForwarded: as CloudFront, a cacheable GET reaches the
// origin without the viewer's Authorization unless the cache key has it, so
// the answer is shared; with it in the key, it is forwarded, and (RFC 9111
// §3.5) the answer is stored only if the origin marks it public.
func TestAuthorizationNotForwarded(t *testing.T) {
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=60")
		fmt.Fprint(w, "auth="+r.Header.Get("Authorization"))
	})
	keyed := defaultPolicy
	keyed.Headers = []string{"Authorization"}
	e := startEdge(t, planOf(distOf("site", httpBehavior("/keyed/*", o.URL, keyed), httpBehavior("*", o.URL, defaultPolicy))), nil)
	type tc struct{ path, auth, body, xcache string }
	for _, c := range []tc{
		{"/a", "Bearer one", "auth=", "Miss from verge"},
		{"/a", "Bearer two", "auth=", "Hit from verge"},
		{"/keyed/a", "Bearer one", "auth=Bearer one", "Miss from verge"},
		{"/keyed/a", "Bearer two", "auth=Bearer two", "Miss from verge"},
		{"/keyed/a", "Bearer one", "auth=Bearer one", "Miss from verge"},
	} {
		resp, body := get(t, "GET", e.url+c.path, "Authorization", c.auth)
		if body != c.body {
			t.Errorf("%s with %s: body %q, want %q", c.path, c.auth, body, c.body)
		}
		wantHeader(t, resp, "X-Cache", c.xcache)
	}
}
