package origin

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/stack"
)

// errorLog records what an origin reports through OnError.
type errorLog struct {
	mu      sync.Mutex
	status  []int
	details []string
}

func (l *errorLog) onError(w http.ResponseWriter, r *http.Request, status int, detail string) {
	l.mu.Lock()
	l.status = append(l.status, status)
	l.details = append(l.details, detail)
	l.mu.Unlock()
	w.WriteHeader(status)
	_, _ = io.WriteString(w, "rendered error")
}

func (l *errorLog) statuses() []int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]int(nil), l.status...)
}

// upstream starts a test origin server running fn. Handlers that block
// must return once release is closed, which happens before the server
// closes.
func upstream(t *testing.T, fn func(w http.ResponseWriter, r *http.Request, release <-chan struct{})) *httptest.Server {
	t.Helper()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fn(w, r, release) }))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	return srv
}

// newHTTP builds an origin for o and closes it when the test ends.
func newHTTP(t *testing.T, o stack.HTTPOrigin, opts Options) Handler {
	t.Helper()
	h, err := NewHTTP(o, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	return h
}

// viewerRequest is a request as the cache engine builds it.
func viewerRequest(method, target string) *http.Request {
	r := httptest.NewRequest(method, target, nil)
	r.Host = "cdn.example"
	r.RemoteAddr = "203.0.113.7:4242"
	return r
}

func TestHTTPForwarding(t *testing.T) {
	var got *http.Request
	var gotBody string
	srv := upstream(t, func(w http.ResponseWriter, r *http.Request, release <-chan struct{}) {
		b, _ := io.ReadAll(r.Body)
		got, gotBody = r, string(b)
		w.Header().Set("X-Upstream", "yes")
		w.Header().Set("Cache-Control", "max-age=60")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, "origin body")
	})
	h := newHTTP(t, stack.HTTPOrigin{
		URL:           srv.URL + "/prefix",
		CustomHeaders: []stack.Header{{Name: "X-Origin-Secret", Value: "s3cr3t"}, {Name: "x-added", Value: "1"}},
	}, Options{Via: "1.1 verge"})

	type fwdTest struct {
		name   string
		method string
		target string
		header []string
		body   string
		check  func(t *testing.T, r *http.Request)
	}
	tests := []fwdTest{
		{name: "path prefix and query", method: "GET", target: "/a/b%2Fc%20d?x=1&y=%2F", check: func(t *testing.T, r *http.Request) {
			if r.URL.EscapedPath() != "/prefix/a/b%2Fc%20d" || r.URL.RawQuery != "x=1&y=%2F" {
				t.Errorf("origin saw %q ? %q", r.URL.EscapedPath(), r.URL.RawQuery)
			}
		}},
		{name: "origin host", method: "GET", target: "/", check: func(t *testing.T, r *http.Request) {
			if r.Host != srv.Listener.Addr().String() {
				t.Errorf("Host = %q, want %q", r.Host, srv.Listener.Addr().String())
			}
			if r.Header.Get("X-Forwarded-Host") != "cdn.example" || r.Header.Get("X-Forwarded-Proto") != "http" {
				t.Errorf("X-Forwarded-Host/Proto = %q/%q", r.Header.Get("X-Forwarded-Host"), r.Header.Get("X-Forwarded-Proto"))
			}
		}},
		{name: "X-Forwarded-For", method: "GET", target: "/", check: func(t *testing.T, r *http.Request) {
			if got := r.Header.Get("X-Forwarded-For"); got != "203.0.113.7" {
				t.Errorf("X-Forwarded-For = %q", got)
			}
		}},
		{name: "X-Forwarded-For appended", method: "GET", target: "/", header: []string{"X-Forwarded-For", "198.51.100.1"}, check: func(t *testing.T, r *http.Request) {
			if got := r.Header.Get("X-Forwarded-For"); got != "198.51.100.1, 203.0.113.7" {
				t.Errorf("X-Forwarded-For = %q", got)
			}
		}},
		{name: "Via added", method: "GET", target: "/", check: func(t *testing.T, r *http.Request) {
			if got := r.Header.Values("Via"); len(got) != 1 || got[0] != "1.1 verge" {
				t.Errorf("Via = %q", got)
			}
		}},
		{name: "Via appended", method: "GET", target: "/", header: []string{"Via", "1.0 proxy"}, check: func(t *testing.T, r *http.Request) {
			if got := r.Header.Values("Via"); len(got) != 1 || got[0] != "1.0 proxy, 1.1 verge" {
				t.Errorf("Via = %q", got)
			}
		}},
		{name: "custom headers replace", method: "GET", target: "/", header: []string{"X-Origin-Secret", "forged"}, check: func(t *testing.T, r *http.Request) {
			if got := r.Header.Values("X-Origin-Secret"); len(got) != 1 || got[0] != "s3cr3t" {
				t.Errorf("X-Origin-Secret = %q", got)
			}
			if r.Header.Get("X-Added") != "1" {
				t.Errorf("X-Added = %q", r.Header.Get("X-Added"))
			}
		}},
		{name: "no Accept-Encoding added", method: "GET", target: "/", check: func(t *testing.T, r *http.Request) {
			if _, ok := r.Header["Accept-Encoding"]; ok {
				t.Errorf("Accept-Encoding = %q, want none", r.Header.Get("Accept-Encoding"))
			}
		}},
		{name: "forwarded headers", method: "GET", target: "/", header: []string{"Accept-Language", "fr", "Connection", "close, X-Hop", "X-Hop", "1"}, check: func(t *testing.T, r *http.Request) {
			if r.Header.Get("Accept-Language") != "fr" || r.Header.Get("X-Hop") != "" {
				t.Errorf("headers = %v", r.Header)
			}
		}},
		{name: "POST body", method: "POST", target: "/api", body: "payload", check: func(t *testing.T, r *http.Request) {
			if r.Method != "POST" || gotBody != "payload" {
				t.Errorf("origin saw %s with body %q", r.Method, gotBody)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := viewerRequest(tt.method, tt.target)
			if tt.body != "" {
				r = httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.body))
				r.RemoteAddr = "203.0.113.7:4242"
				r.Host = "cdn.example"
			}
			for i := 0; i+1 < len(tt.header); i += 2 {
				r.Header.Set(tt.header[i], tt.header[i+1])
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			if rec.Code != http.StatusCreated || rec.Body.String() != "origin body" || rec.Header().Get("X-Upstream") != "yes" || rec.Header().Get("Cache-Control") != "max-age=60" {
				t.Fatalf("response = %d %q %v", rec.Code, rec.Body.String(), rec.Header())
			}
			tt.check(t, got)
		})
	}
}

// The origin's encoding passes through: no transparent gunzip.
func TestHTTPNoTransparentDecompression(t *testing.T) {
	gz := []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3}
	srv := upstream(t, func(w http.ResponseWriter, r *http.Request, release <-chan struct{}) {
		w.Header().Set("Content-Encoding", "gzip")
		_, _ = w.Write(gz)
	})
	h := newHTTP(t, stack.HTTPOrigin{URL: srv.URL}, Options{})
	r := viewerRequest("GET", "/")
	r.Header.Set("Accept-Encoding", "gzip")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	if !bytes.Equal(rec.Body.Bytes(), gz) || rec.Header().Get("Content-Encoding") != "gzip" {
		t.Errorf("body = %x, Content-Encoding %q; want the gzip bytes untouched", rec.Body.Bytes(), rec.Header().Get("Content-Encoding"))
	}
}

func TestHTTPKeepAlive(t *testing.T) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, strings.Repeat("x", 100<<10))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	h := newHTTP(t, stack.HTTPOrigin{URL: srv.URL}, Options{})
	for range 20 {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, viewerRequest("GET", "/big"))
		if rec.Code != 200 || rec.Body.Len() != 100<<10 {
			t.Fatalf("response = %d with %d bytes", rec.Code, rec.Body.Len())
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("20 sequential requests opened %d connections, want 1", n)
	}
}

// closedPort returns a local address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestHTTPConnectRefused(t *testing.T) {
	url := "http://" + closedPort(t)
	t.Run("OnError", func(t *testing.T) {
		var log errorLog
		h := newHTTP(t, stack.HTTPOrigin{URL: url}, Options{OnError: log.onError})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, viewerRequest("GET", "/"))
		if got := log.statuses(); len(got) != 1 || got[0] != http.StatusBadGateway {
			t.Fatalf("OnError statuses = %v, want [502]", got)
		}
		if !strings.Contains(log.details[0], "connection error") {
			t.Errorf("detail = %q", log.details[0])
		}
		if rec.Code != http.StatusBadGateway || rec.Body.String() != "rendered error" {
			t.Errorf("response = %d %q", rec.Code, rec.Body.String())
		}
	})
	t.Run("plain", func(t *testing.T) {
		h := newHTTP(t, stack.HTTPOrigin{URL: url}, Options{})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, viewerRequest("GET", "/"))
		if rec.Code != http.StatusBadGateway || rec.Body.String() != "Bad Gateway\n" {
			t.Errorf("response = %d %q", rec.Code, rec.Body.String())
		}
		if strings.Contains(rec.Body.String(), "127.0.0.1") {
			t.Errorf("plain error leaks the origin address: %q", rec.Body.String())
		}
	})
	t.Run("DNS", func(t *testing.T) {
		var log errorLog
		h := newHTTP(t, stack.HTTPOrigin{URL: "http://no-such-host.invalid"}, Options{OnError: log.onError})
		h.ServeHTTP(httptest.NewRecorder(), viewerRequest("GET", "/"))
		if got := log.statuses(); len(got) != 1 || got[0] != http.StatusBadGateway {
			t.Fatalf("OnError statuses = %v, want [502]", got)
		}
	})
}

func TestHTTPResponseTimeout(t *testing.T) {
	srv := upstream(t, func(w http.ResponseWriter, r *http.Request, release <-chan struct{}) {
		select {
		case <-release:
		case <-time.After(5 * time.Second):
		}
	})
	var log errorLog
	h := newHTTP(t, stack.HTTPOrigin{URL: srv.URL, ReadTimeout: 1}, Options{OnError: log.onError})
	start := time.Now()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, viewerRequest("GET", "/"))
	if d := time.Since(start); d < 900*time.Millisecond || d > 3*time.Second {
		t.Errorf("answered after %v, want about the 1s read timeout", d)
	}
	if got := log.statuses(); len(got) != 1 || got[0] != http.StatusGatewayTimeout {
		t.Fatalf("OnError statuses = %v, want [504]", got)
	}
	if rec.Code != http.StatusGatewayTimeout {
		t.Errorf("status = %d", rec.Code)
	}
}

// stallingUpstream sends half a body, then stalls until released.
func stallingUpstream(t *testing.T, status int) *httptest.Server {
	srv := upstream(t, func(w http.ResponseWriter, r *http.Request, release <-chan struct{}) {
		w.Header().Set("Content-Length", "20")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, "0123456789")
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	return srv
}

// A body that stalls past the read timeout ends the response: through a
// real front server the viewer sees a truncated body, not a hang.
func TestHTTPStalledBody(t *testing.T) {
	up := stallingUpstream(t, http.StatusOK)
	h := newHTTP(t, stack.HTTPOrigin{URL: up.URL, ReadTimeout: 1}, Options{})

	t.Run("server", func(t *testing.T) {
		front := httptest.NewServer(h)
		t.Cleanup(front.Close)
		client := *front.Client()
		client.Timeout = 5 * time.Second // a hang fails the test instead of stalling it
		start := time.Now()
		resp, err := client.Get(front.URL + "/")
		if err == nil {
			var b []byte
			b, err = io.ReadAll(resp.Body)
			resp.Body.Close()
			if err == nil {
				t.Errorf("read the whole body %q from an origin that stalled", b)
			}
		}
		// The front server aborts the connection: before or after the
		// headers, depending on its buffering.
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("ended after %v, want about the 1s read timeout", d)
		}
		if err == nil {
			t.Error("no error for a truncated response")
		}
	})
	t.Run("in process", func(t *testing.T) {
		rec := httptest.NewRecorder()
		v := within(t, 5*time.Second, func() any { return serveRecover(h, rec, viewerRequest("GET", "/")) })
		if v != http.ErrAbortHandler {
			t.Errorf("recovered %v, want http.ErrAbortHandler", v)
		}
		if rec.Body.String() != "0123456789" {
			t.Errorf("body = %q", rec.Body.String())
		}
	})
}

// within runs fn and returns its result, failing the test when it takes
// longer than d.
func within(t *testing.T, d time.Duration, fn func() any) any {
	t.Helper()
	done := make(chan any, 1)
	go func() { done <- fn() }()
	select {
	case v := <-done:
		return v
	case <-time.After(d):
		t.Fatalf("still running after %v", d)
		return nil
	}
}

// serveRecover runs h and returns what it panicked with, if anything.
func serveRecover(h http.Handler, w http.ResponseWriter, r *http.Request) (v any) {
	defer func() { v = recover() }()
	h.ServeHTTP(w, r)
	return nil
}

// A slow body that keeps trickling is not cut by the read timeout, which
// bounds each wait, not the whole transfer.
func TestHTTPSlowBodyWithinTimeout(t *testing.T) {
	srv := upstream(t, func(w http.ResponseWriter, r *http.Request, release <-chan struct{}) {
		for i := range 4 {
			_, _ = io.WriteString(w, string(rune('a'+i)))
			w.(http.Flusher).Flush()
			time.Sleep(400 * time.Millisecond)
		}
	})
	h := newHTTP(t, stack.HTTPOrigin{URL: srv.URL, ReadTimeout: 1}, Options{})
	rec := httptest.NewRecorder()
	if v := serveRecover(h, rec, viewerRequest("GET", "/")); v != nil {
		t.Fatalf("panicked: %v", v)
	}
	if rec.Body.String() != "abcd" {
		t.Errorf("body = %q, want abcd", rec.Body.String())
	}
}

// spyWriter records whether anything was written.
type spyWriter struct {
	header http.Header
	wrote  atomic.Bool
}

func (s *spyWriter) Header() http.Header         { return s.header }
func (s *spyWriter) WriteHeader(int)             { s.wrote.Store(true) }
func (s *spyWriter) Write(p []byte) (int, error) { s.wrote.Store(true); return len(p), nil }

func TestHTTPClientCancel(t *testing.T) {
	srv := upstream(t, func(w http.ResponseWriter, r *http.Request, release <-chan struct{}) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	var log errorLog
	h := newHTTP(t, stack.HTTPOrigin{URL: srv.URL, ReadTimeout: 10}, Options{OnError: log.onError})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	w := &spyWriter{header: http.Header{}}
	start := time.Now()
	if v := serveRecover(h, w, viewerRequest("GET", "/").WithContext(ctx)); v != nil {
		t.Fatalf("panicked: %v", v)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("returned after %v", d)
	}
	if got := log.statuses(); len(got) != 0 {
		t.Errorf("OnError statuses = %v, want none", got)
	}
	if w.wrote.Load() {
		t.Errorf("wrote a response for a cancelled viewer")
	}
}

func TestClassify(t *testing.T) {
	type classifyTest struct {
		name   string
		err    error
		status int
	}
	timeout := &net.OpError{Op: "read", Net: "tcp", Err: osTimeout{}}
	tests := []classifyTest{
		{"refused", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}, 502},
		{"dns", &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "x", IsNotFound: true}}, 502},
		{"connect timeout", &net.OpError{Op: "dial", Net: "tcp", Err: osTimeout{}}, 504},
		{"read timeout", timeout, 504},
		{"wrapped read timeout", errs.Errorf("round trip: %w", timeout), 504},
		{"stall", errReadTimeout, 504},
		{"reset", &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}, 502},
		{"garbage", errors.New(`malformed HTTP response "HELLO"`), 502},
		{"eof", io.ErrUnexpectedEOF, 502},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, detail := classify(tt.err); got != tt.status || detail == "" {
				t.Errorf("classify = %d %q, want %d", got, detail, tt.status)
			}
		})
	}
}

// osTimeout is a net.Error that timed out.
type osTimeout struct{}

func (osTimeout) Error() string   { return "i/o timeout" }
func (osTimeout) Timeout() bool   { return true }
func (osTimeout) Temporary() bool { return true }

func TestNewHTTPErrors(t *testing.T) {
	for _, u := range []string{"", "ftp://host", "http://", "localhost:8080", "http://[::1", "/path"} {
		t.Run(u, func(t *testing.T) {
			if _, err := NewHTTP(stack.HTTPOrigin{URL: u}, Options{}); !errs.Is(errs.Invalid, err) {
				t.Errorf("NewHTTP(%q) error = %v, want an Invalid error", u, err)
			}
		})
	}
}

func TestBufferPool(t *testing.T) {
	b := buffers.Get()
	if len(b) != bufferSize {
		t.Fatalf("len = %d", len(b))
	}
	buffers.Put(b)
	buffers.Put(make([]byte, 10)) // foreign sizes are dropped
	if got := buffers.Get(); len(got) != bufferSize {
		t.Errorf("len = %d after a foreign Put", len(got))
	}
}
