package edge

import (
	"context"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/edge/cache"
	"github.com/verge-edge/verge/internal/stack"
)

// testOrigin is a real HTTP origin that counts requests and runs a handler.
type testOrigin struct {
	*httptest.Server
	hits atomic.Int64
	mu   sync.Mutex
	last *http.Request
}

func newOrigin(t *testing.T, h http.HandlerFunc) *testOrigin {
	t.Helper()
	o := &testOrigin{}
	o.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.hits.Add(1)
		o.mu.Lock()
		o.last = r.Clone(context.Background())
		o.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(o.Close)
	return o
}

func (o *testOrigin) lastRequest() *http.Request {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.last
}

// policy returns a cache policy with CloudFront's defaults and the given TTLs.
func policy(minTTL, defTTL, maxTTL int64) stack.CachePolicy {
	return stack.CachePolicy{MinTTL: minTTL, DefaultTTL: defTTL, MaxTTL: maxTTL,
		QueryStrings: stack.KeyParts{Mode: stack.KeyNone}}
}

var defaultPolicy = policy(0, 86400, 31536000)

func httpBehavior(pattern, url string, p stack.CachePolicy) stack.Behavior {
	return stack.Behavior{PathPattern: pattern, Cache: p,
		Origin: stack.Origin{Kind: stack.OriginHTTP, HTTP: &stack.HTTPOrigin{URL: url, ConnectTimeout: 2, ReadTimeout: 2}}}
}

func bucketBehavior(pattern, dir string, p stack.CachePolicy) stack.Behavior {
	return stack.Behavior{PathPattern: pattern, Cache: p,
		Origin: stack.Origin{Kind: stack.OriginBucket, Bucket: &stack.BucketOrigin{Resource: "site", Directory: dir}}}
}

func planOf(dists ...stack.Distribution) *stack.Plan { return &stack.Plan{Distributions: dists} }

func distOf(name string, bs ...stack.Behavior) stack.Distribution {
	return stack.Distribution{Name: name, Compress: true, Behaviors: bs}
}

// edgeServer runs a Server for plan on a random port.
type edgeServer struct {
	*Server
	url string
	log *syncBuffer
}

func startEdge(t *testing.T, plan *stack.Plan, runner Runner) *edgeServer {
	t.Helper()
	return startEdgeWith(t, Options{}, plan, runner)
}

// startEdgeWith is startEdge with options; the name, store, access log and
// logger are the test's.
func startEdgeWith(t *testing.T, opts Options, plan *stack.Plan, runner Runner) *edgeServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return startEdgeOn(t, opts, plan, runner, ln, true)
}

// startEdgeOn is startEdgeWith on the listener ln, behind the fast path or,
// when fast is false, net/http alone as the engine's NoFastPath.
func startEdgeOn(t *testing.T, opts Options, plan *stack.Plan, runner Runner, ln net.Listener, fast bool) *edgeServer {
	t.Helper()
	store := &cache.Tiered{Mem: cache.NewMemory(64 << 20)}
	alog := &syncBuffer{}
	opts.Name, opts.Store, opts.AccessLog, opts.Logger = "verge", store, alog, slog.New(slog.DiscardHandler)
	s := New(opts)
	if err := s.Load(plan, runner); err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: LimitBodyIdle(s), MaxHeaderBytes: MaxHeaderBytes, ErrorLog: log.New(io.Discard, "", 0)}
	serve, shutdown := hs.Serve, hs.Shutdown
	if !fast {
		ln = GuardFraming(hs, ln)
	}
	if fast {
		fe := s.NewFrontend(hs)
		serve, shutdown = fe.Serve, fe.Shutdown
	}
	served := make(chan error, 1)
	go func() { served <- serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := shutdown(ctx); err != nil {
			t.Errorf("frontend shutdown: %v", err)
		}
		if err := <-served; err != http.ErrServerClosed {
			t.Errorf("serve: %v", err)
		}
		if err := s.Close(ctx); err != nil {
			t.Errorf("close: %v", err)
		}
		store.Close()
	})
	return &edgeServer{Server: s, url: "http://" + ln.Addr().String(), log: alog}
}

// get sends a request and returns the response with its body read.
func get(t *testing.T, method, url string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i] == "Host" {
			req.Host = hdr[i+1]
			continue
		}
		req.Header.Set(hdr[i], hdr[i+1])
	}
	tr := &http.Transport{DisableCompression: true}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
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

// syncBuffer is a goroutine-safe buffer for the access log.
type syncBuffer struct {
	mu sync.Mutex
	b  []byte
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b = append(s.b, p...)
	return len(p), nil
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return string(s.b)
}

func writeFile(t testing.TB, dir, name, content string) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func wantHeader(t *testing.T, resp *http.Response, name, want string) {
	t.Helper()
	if got := resp.Header.Get(name); got != want {
		t.Errorf("%s %s: %s = %q, want %q", resp.Request.Method, resp.Request.URL.Path, name, got, want)
	}
}

func contextWithCancel() (context.Context, context.CancelFunc) {
	return context.WithCancel(context.Background())
}

func stackKeyParts(mode string, names ...string) stack.KeyParts {
	return stack.KeyParts{Mode: stack.KeyMode(mode), Names: names}
}
