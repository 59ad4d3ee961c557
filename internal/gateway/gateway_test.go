package gateway

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/functions"
	"github.com/verge-edge/verge/internal/stack"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// invokerFunc is a Go function standing in for the function service: the
// end-to-end tests in internal/cli run real handlers; these check the
// gateway's own decisions (routing by host, timeouts, failure mapping).
type invokerFunc func(ctx context.Context, req *functions.Request) (*functions.Response, error)

func (f invokerFunc) Invoke(ctx context.Context, req *functions.Request) (*functions.Response, error) {
	return f(ctx, req)
}

func echoName(_ context.Context, req *functions.Request) (*functions.Response, error) {
	return &functions.Response{Payload: []byte(`{"statusCode":200,"body":"` + req.Function + `"}`)}, nil
}

func plan(distributions int) *stack.Plan {
	p := &stack.Plan{
		HTTPAPIGateways: []stack.HTTPAPIGateway{{Name: "Api", Routes: []stack.Route{
			{Key: "GET /a", Method: "GET", Path: "/a", Function: "fa", PayloadFormat: "2.0"},
		}}},
		LoadBalancers: []stack.LoadBalancer{{Name: "lb", Rules: []stack.LoadBalancerRule{
			{Priority: 1, Function: "fb", Paths: []string{"/b"}},
		}}},
	}
	p.Distributions = make([]stack.Distribution, distributions)
	return p
}

func get(t *testing.T, h http.Handler, host, path string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest("GET", "http://"+host+path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestRoutingByHost(t *testing.T) {
	fallback := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "edge") })
	s := New(Options{Functions: invokerFunc(echoName)})
	if err := s.Load(plan(1)); err != nil {
		t.Fatal(err)
	}
	front := s.Front(fallback)
	for _, c := range []struct{ host, path, want string }{
		{"api.localhost:8080", "/a", "fa"}, // host names are case-insensitive
		{"LB.localhost", "/b", "fb"},
		{"localhost:8080", "/a", "edge"},
		{"site.localhost", "/b", "edge"},
	} {
		if got := get(t, front, c.host, c.path).Body.String(); got != c.want {
			t.Errorf("%s%s: %q, want %q", c.host, c.path, got, c.want)
		}
	}
	if h := s.Hosts(); h["Api"] != "api.localhost" || h["lb"] != "lb.localhost" {
		t.Errorf("Hosts() = %v", h)
	}

	// The only front door of a stack without a CDN answers any host.
	p := plan(0)
	p.LoadBalancers = nil
	if err := s.Load(p); err != nil {
		t.Fatal(err)
	}
	if got := get(t, s, "127.0.0.1:9", "/a").Body.String(); got != "fa" {
		t.Errorf("only front door: %q", got)
	}
	if h := s.Hosts(); h["Api"] != "" {
		t.Errorf("Hosts() = %v, want Api on any host", h)
	}
}

func TestFailureMapping(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	for _, c := range []struct {
		name   string
		host   string
		invoke invokerFunc
		status int
		body   string
	}{
		{"api throttled", "api.localhost", func(context.Context, *functions.Request) (*functions.Response, error) {
			return nil, errs.E(errs.Throttled, "Rate Exceeded.")
		}, 429, `{"message":"Too Many Requests"}`},
		{"api function missing", "api.localhost", func(context.Context, *functions.Request) (*functions.Response, error) {
			return nil, errs.E(errs.NotFound, "Function not found")
		}, 502, `{"message":"Internal Server Error"}`},
		{"api unhandled", "api.localhost", func(context.Context, *functions.Request) (*functions.Response, error) {
			return &functions.Response{Payload: []byte(`{"errorMessage":"x"}`), FunctionError: "Unhandled"}, nil
		}, 502, `{"message":"Internal Server Error"}`},
		{"api integration timeout", "api.localhost", func(context.Context, *functions.Request) (*functions.Response, error) {
			<-release
			return &functions.Response{Payload: []byte(`{}`)}, nil
		}, 503, `{"message":"Service Unavailable"}`},
		{"alb throttled", "lb.localhost", func(context.Context, *functions.Request) (*functions.Response, error) {
			return nil, errs.E(errs.Throttled, "Rate Exceeded.")
		}, 503, "503 Service"},
		{"alb unhandled", "lb.localhost", func(context.Context, *functions.Request) (*functions.Response, error) {
			return &functions.Response{Payload: []byte(`{}`), FunctionError: "Unhandled"}, nil
		}, 502, "502 Bad Gateway"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := New(Options{Functions: c.invoke, Timeout: 20 * time.Millisecond})
			if err := s.Load(plan(0)); err != nil {
				t.Fatal(err)
			}
			path := "/a"
			if strings.HasPrefix(c.host, "lb") {
				path = "/b"
			}
			w := get(t, s, c.host, path)
			if w.Code != c.status || !strings.Contains(w.Body.String(), c.body) {
				t.Errorf("got %d %q, want %d %q", w.Code, w.Body.String(), c.status, c.body)
			}
		})
	}
}

func TestCORS(t *testing.T) {
	age := 300
	for _, c := range []struct {
		name   string
		cfg    stack.CORSConfig
		hdr    []string
		method string
		want   map[string]string // "" = absent
		status int
	}{
		{"preflight, listed origin", stack.CORSConfig{AllowOrigins: []string{"https://a.example"}, AllowMethods: []string{"GET", "POST"}, AllowHeaders: []string{"Content-Type"}, MaxAge: &age},
			[]string{"Origin", "https://A.example", "Access-Control-Request-Method", "POST"}, "OPTIONS",
			map[string]string{"Access-Control-Allow-Origin": "https://A.example", "Access-Control-Allow-Methods": "GET,POST", "Access-Control-Allow-Headers": "Content-Type", "Access-Control-Max-Age": "300", "Vary": "Origin"}, 204},
		{"preflight, other origin", stack.CORSConfig{AllowOrigins: []string{"https://a.example"}, AllowMethods: []string{"GET"}},
			[]string{"Origin", "https://b.example", "Access-Control-Request-Method", "GET"}, "OPTIONS",
			map[string]string{"Access-Control-Allow-Origin": "", "Access-Control-Allow-Methods": ""}, 204},
		{"preflight, any origin and headers", stack.CORSConfig{AllowOrigins: []string{"*"}, AllowMethods: []string{"*"}, AllowHeaders: []string{"*"}},
			[]string{"Origin", "https://b.example", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-a,x-b"}, "OPTIONS",
			map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "x-a,x-b", "Vary": ""}, 204},
		{"credentials echo the origin", stack.CORSConfig{AllowOrigins: []string{"*"}, AllowMethods: []string{"GET"}, AllowCredentials: true},
			[]string{"Origin", "https://b.example"}, "GET",
			map[string]string{"Access-Control-Allow-Origin": "https://b.example", "Access-Control-Allow-Credentials": "true"}, 200},
		{"OPTIONS without a request method is not a preflight", stack.CORSConfig{AllowOrigins: []string{"*"}, AllowMethods: []string{"GET"}},
			[]string{"Origin", "https://b.example"}, "OPTIONS",
			map[string]string{"Access-Control-Allow-Origin": "*"}, 404},
		{"no Origin, no CORS headers", stack.CORSConfig{AllowOrigins: []string{"*"}, AllowMethods: []string{"GET"}},
			nil, "GET", map[string]string{"Access-Control-Allow-Origin": ""}, 200},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := plan(0)
			p.LoadBalancers = nil
			cfg := c.cfg
			p.HTTPAPIGateways[0].CORS = &cfg
			s := New(Options{Functions: invokerFunc(echoName)})
			if err := s.Load(p); err != nil {
				t.Fatal(err)
			}
			r := httptest.NewRequest(c.method, "http://api.localhost/a", nil)
			for i := 0; i+1 < len(c.hdr); i += 2 {
				r.Header.Set(c.hdr[i], c.hdr[i+1])
			}
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			if w.Code != c.status {
				t.Errorf("status %d, want %d", w.Code, c.status)
			}
			for k, want := range c.want {
				if got := w.Header().Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
		})
	}
}

// TestClose: Close waits for an invocation that outlived its request's
// integration timeout, and front doors answer 503 once it has begun.
func TestClose(t *testing.T) {
	release := make(chan struct{})
	finished := make(chan struct{})
	slow := func(ctx context.Context, req *functions.Request) (*functions.Response, error) {
		<-release
		close(finished)
		return echoName(ctx, req)
	}
	s := New(Options{Functions: invokerFunc(slow), Timeout: 10 * time.Millisecond})
	if err := s.Load(plan(0)); err != nil {
		t.Fatal(err)
	}
	if w := get(t, s, "api.localhost", "/a"); w.Code != http.StatusServiceUnavailable {
		t.Fatalf("integration timeout: %d, want 503", w.Code)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := s.Close(ctx); err == nil {
		t.Fatal("Close returned before the running invocation ended")
	}
	close(release)
	if err := s.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	select {
	case <-finished:
	default:
		t.Fatal("Close returned before the invocation finished")
	}
	for _, h := range []http.Handler{s, s.Handler("Api")} {
		if w := get(t, h, "api.localhost", "/a"); w.Code != http.StatusServiceUnavailable {
			t.Errorf("after Close: %d, want 503", w.Code)
		}
	}
}
