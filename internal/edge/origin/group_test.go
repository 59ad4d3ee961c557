package origin

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/stack"
)

// counted is a test origin server that counts its requests.
type counted struct {
	srv  *httptest.Server
	hits atomic.Int32
}

func countedUpstream(t *testing.T, fn func(w http.ResponseWriter, r *http.Request, release <-chan struct{})) *counted {
	t.Helper()
	c := &counted{}
	c.srv = upstream(t, func(w http.ResponseWriter, r *http.Request, release <-chan struct{}) {
		c.hits.Add(1)
		fn(w, r, release)
	})
	return c
}

func httpOriginAt(url string, readTimeout int) stack.Origin {
	return stack.Origin{Kind: stack.OriginHTTP, HTTP: &stack.HTTPOrigin{URL: url, ReadTimeout: readTimeout, ConnectTimeout: 1}}
}

// answer replies with status, a marker header and body.
func answer(status int, marker, body string) func(http.ResponseWriter, *http.Request, <-chan struct{}) {
	return func(w http.ResponseWriter, r *http.Request, _ <-chan struct{}) {
		w.Header().Set("X-"+marker, "1")
		w.Header().Set("Set-Cookie", marker+"=1")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

// newGroup builds a group origin and closes it when the test ends.
func newGroup(t *testing.T, g stack.GroupOrigin, opts Options) Handler {
	t.Helper()
	h, err := New(stack.Origin{Kind: stack.OriginGroup, Group: &g}, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	return h
}

func TestGroupFailover(t *testing.T) {
	secondary := countedUpstream(t, answer(200, "Secondary", "from secondary"))
	down := httpOriginAt("http://"+closedPort(t), 1)
	p503 := countedUpstream(t, answer(503, "Primary", "primary unavailable"))
	p404 := countedUpstream(t, answer(404, "Primary", "primary not found"))
	slow := countedUpstream(t, func(w http.ResponseWriter, r *http.Request, release <-chan struct{}) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	stalled503 := stallingUpstream(t, 503)
	codes := []int{500, 502, 503, 504}

	type groupTest struct {
		name          string
		primary       stack.Origin
		method        string
		status        int
		body          string
		header        string // a header that must be present
		noHeader      string // a header that must be absent
		secondaryHits int32
		errors        []int // statuses reported through OnError
	}
	tests := []groupTest{
		{name: "primary down", primary: down, method: "GET", status: 200, body: "from secondary", secondaryHits: 1},
		{name: "primary down HEAD", primary: down, method: "HEAD", status: 200, secondaryHits: 1},
		{name: "primary down OPTIONS", primary: down, method: "OPTIONS", status: 200, body: "from secondary", secondaryHits: 1},
		{name: "primary 503 listed", primary: httpOriginAt(p503.srv.URL, 1), method: "GET", status: 200, body: "from secondary", header: "X-Secondary", noHeader: "X-Primary", secondaryHits: 1},
		{name: "primary 404 not listed", primary: httpOriginAt(p404.srv.URL, 1), method: "GET", status: 404, body: "primary not found", header: "X-Primary", noHeader: "X-Secondary"},
		{name: "primary times out", primary: httpOriginAt(slow.srv.URL, 1), method: "GET", status: 200, body: "from secondary", secondaryHits: 1},
		{name: "swallowed body stalls", primary: httpOriginAt(stalled503.URL, 1), method: "GET", status: 200, body: "from secondary", secondaryHits: 1},
		{name: "POST primary 503 not failed over", primary: httpOriginAt(p503.srv.URL, 1), method: "POST", status: 503, body: "primary unavailable", header: "X-Primary"},
		{name: "POST primary down not failed over", primary: down, method: "POST", status: 502, errors: []int{502}},
		{name: "DELETE not failed over", primary: down, method: "DELETE", status: 502, errors: []int{502}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log errorLog
			h := newGroup(t, stack.GroupOrigin{Primary: tt.primary, Secondary: httpOriginAt(secondary.srv.URL, 1), StatusCodes: codes}, Options{OnError: log.onError})
			before := secondary.hits.Load()
			// Through a real front server, so leaked headers would show on the wire.
			front := httptest.NewServer(h)
			defer front.Close()
			req, err := http.NewRequest(tt.method, front.URL+"/x", nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := front.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d (body %q)", resp.StatusCode, tt.status, b)
			}
			if tt.body != "" && string(b) != tt.body {
				t.Errorf("body = %q, want %q", b, tt.body)
			}
			if tt.header != "" && resp.Header.Get(tt.header) == "" {
				t.Errorf("header %s missing: %v", tt.header, resp.Header)
			}
			if tt.noHeader != "" && resp.Header.Get(tt.noHeader) != "" {
				t.Errorf("header %s leaked: %v", tt.noHeader, resp.Header)
			}
			if tt.noHeader == "X-Primary" && len(resp.Header.Values("Set-Cookie")) != 1 {
				t.Errorf("Set-Cookie = %q, want the secondary's only", resp.Header.Values("Set-Cookie"))
			}
			if got := secondary.hits.Load() - before; got != tt.secondaryHits {
				t.Errorf("secondary hit %d times, want %d", got, tt.secondaryHits)
			}
			if got := log.statuses(); !equalInts(got, tt.errors) {
				t.Errorf("OnError statuses = %v, want %v", got, tt.errors)
			}
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestGroupBothDown(t *testing.T) {
	var log errorLog
	h := newGroup(t, stack.GroupOrigin{
		Primary:     httpOriginAt("http://"+closedPort(t), 1),
		Secondary:   httpOriginAt("http://"+closedPort(t), 1),
		StatusCodes: []int{503},
	}, Options{OnError: log.onError})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, viewerRequest("GET", "/"))
	if got := log.statuses(); !equalInts(got, []int{502}) {
		t.Errorf("OnError statuses = %v, want [502] once", got)
	}
	if rec.Code != 502 || rec.Body.String() != "rendered error" {
		t.Errorf("response = %d %q", rec.Code, rec.Body.String())
	}
}

func TestGroupBucketMembers(t *testing.T) {
	primaryDir, secondaryDir := t.TempDir(), t.TempDir()
	writeFiles(t, primaryDir, map[string]string{"only-primary.txt": "p"})
	writeFiles(t, secondaryDir, map[string]string{"only-secondary.txt": "s", "only-primary.txt": "shadowed"})
	h := newGroup(t, stack.GroupOrigin{
		Primary:     stack.Origin{Kind: stack.OriginBucket, Bucket: &stack.BucketOrigin{Directory: primaryDir}},
		Secondary:   stack.Origin{Kind: stack.OriginBucket, Bucket: &stack.BucketOrigin{Directory: secondaryDir}},
		StatusCodes: []int{403, 404},
	}, Options{})
	type memberTest struct {
		target string
		status int
		body   string
	}
	for _, tt := range []memberTest{
		{"/only-primary.txt", 200, "p"},
		{"/only-secondary.txt", 200, "s"},
		{"/neither", 404, "Not Found\n"},
		{"/../escape", 403, "Forbidden\n"},
	} {
		rec := httptest.NewRecorder()
		r := viewerRequest("GET", "/")
		r.URL.Path, r.URL.RawPath = tt.target, ""
		h.ServeHTTP(rec, r)
		if rec.Code != tt.status || rec.Body.String() != tt.body {
			t.Errorf("GET %s = %d %q, want %d %q", tt.target, rec.Code, rec.Body.String(), tt.status, tt.body)
		}
	}
}

// Nested groups: an inner group that fails entirely makes the outer one
// fail over.
func TestGroupNested(t *testing.T) {
	up := countedUpstream(t, answer(200, "Up", "up"))
	var log errorLog
	inner := stack.GroupOrigin{Primary: httpOriginAt("http://"+closedPort(t), 1), Secondary: httpOriginAt("http://"+closedPort(t), 1)}
	h := newGroup(t, stack.GroupOrigin{
		Primary:   stack.Origin{Kind: stack.OriginGroup, Group: &inner},
		Secondary: httpOriginAt(up.srv.URL, 1),
	}, Options{OnError: log.onError})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, viewerRequest("GET", "/"))
	if rec.Code != 200 || rec.Body.String() != "up" || len(log.statuses()) != 0 {
		t.Errorf("response = %d %q, errors %v", rec.Code, rec.Body.String(), log.statuses())
	}
}

// Once the primary's response is committed a broken body is the caller's
// to handle: the abort propagates and the secondary is not asked.
func TestGroupCommittedAbort(t *testing.T) {
	secondary := countedUpstream(t, answer(200, "Secondary", "from secondary"))
	stalled := stallingUpstream(t, 200)
	h := newGroup(t, stack.GroupOrigin{Primary: httpOriginAt(stalled.URL, 1), Secondary: httpOriginAt(secondary.srv.URL, 1), StatusCodes: []int{503}}, Options{})
	rec := httptest.NewRecorder()
	if v := serveRecover(h, rec, viewerRequest("GET", "/")); v != http.ErrAbortHandler {
		t.Errorf("recovered %v, want http.ErrAbortHandler", v)
	}
	if secondary.hits.Load() != 0 || rec.Code != 200 || rec.Body.String() != "0123456789" {
		t.Errorf("secondary hits %d, response %d %q", secondary.hits.Load(), rec.Code, rec.Body.String())
	}
}

func TestGroupClientCancel(t *testing.T) {
	secondary := countedUpstream(t, answer(200, "Secondary", "from secondary"))
	slow := countedUpstream(t, func(w http.ResponseWriter, r *http.Request, release <-chan struct{}) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	var log errorLog
	h := newGroup(t, stack.GroupOrigin{Primary: httpOriginAt(slow.srv.URL, 10), Secondary: httpOriginAt(secondary.srv.URL, 1), StatusCodes: []int{503}}, Options{OnError: log.onError})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	w := &spyWriter{header: http.Header{}}
	if v := serveRecover(h, w, viewerRequest("GET", "/").WithContext(ctx)); v != nil {
		t.Fatalf("panicked: %v", v)
	}
	if w.wrote.Load() || secondary.hits.Load() != 0 || len(log.statuses()) != 0 {
		t.Errorf("wrote %v, secondary hits %d, errors %v; want nothing", w.wrote.Load(), secondary.hits.Load(), log.statuses())
	}
}

// flushSpy counts flushes reaching the real writer.
type flushSpy struct {
	*httptest.ResponseRecorder
	flushes atomic.Int32
}

func (f *flushSpy) Flush() { f.flushes.Add(1); f.ResponseRecorder.Flush() }

// A streamed primary response keeps streaming through the group.
func TestGroupStreams(t *testing.T) {
	up := countedUpstream(t, func(w http.ResponseWriter, r *http.Request, _ <-chan struct{}) {
		for range 3 {
			_, _ = io.WriteString(w, "chunk")
			w.(http.Flusher).Flush()
		}
	})
	h := newGroup(t, stack.GroupOrigin{Primary: httpOriginAt(up.srv.URL, 1), Secondary: httpOriginAt(up.srv.URL, 1), StatusCodes: []int{503}}, Options{})
	w := &flushSpy{ResponseRecorder: httptest.NewRecorder()}
	h.ServeHTTP(w, viewerRequest("GET", "/"))
	if w.Body.String() != "chunkchunkchunk" || w.flushes.Load() == 0 {
		t.Errorf("body %q with %d flushes; want the chunks flushed", w.Body.String(), w.flushes.Load())
	}
}

func TestFailoverWriter(t *testing.T) {
	type fwTest struct {
		name   string
		write  func(fw *failoverWriter)
		state  int
		status int
		body   string
		header string
	}
	codes := map[int]bool{503: true}
	tests := []fwTest{
		{"implicit 200", func(fw *failoverWriter) { fw.Header().Set("X-A", "1"); _, _ = fw.Write([]byte("hi")) }, committed, 200, "hi", "1"},
		{"listed status swallowed", func(fw *failoverWriter) {
			fw.Header().Set("X-A", "1")
			fw.WriteHeader(503)
			_, _ = fw.Write([]byte("gone"))
		}, swallowed, 0, "", ""},
		{"informational dropped", func(fw *failoverWriter) {
			fw.WriteHeader(103)
			fw.WriteHeader(503)
		}, swallowed, 0, "", ""},
		{"second WriteHeader ignored", func(fw *failoverWriter) {
			fw.WriteHeader(404)
			fw.WriteHeader(503)
		}, committed, 404, "", ""},
		{"trailer after commit", func(fw *failoverWriter) {
			fw.WriteHeader(200)
			fw.Header().Set("X-A", "late")
		}, committed, 200, "", "late"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			fw := &failoverWriter{w: rec, header: http.Header{}, codes: codes}
			tt.write(fw)
			if fw.state != tt.state {
				t.Fatalf("state = %d, want %d", fw.state, tt.state)
			}
			if tt.state == committed && (rec.Code != tt.status || rec.Body.String() != tt.body) {
				t.Errorf("real writer got %d %q", rec.Code, rec.Body.String())
			}
			if tt.state != committed && (len(rec.Header()) != 0 || rec.Body.Len() != 0) {
				t.Errorf("swallowed response leaked: %v %q", rec.Header(), rec.Body.String())
			}
			if got := rec.Header().Get("X-A"); got != tt.header {
				t.Errorf("X-A = %q, want %q", got, tt.header)
			}
		})
	}
}
