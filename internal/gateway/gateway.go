package gateway

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/functions"
	"github.com/verge-edge/verge/internal/stack"
)

// An Invoker runs a function synchronously: *functions.Service.
type Invoker interface {
	Invoke(ctx context.Context, req *functions.Request) (*functions.Response, error)
}

// Options configure a Server.
type Options struct {
	// Functions runs the routes' functions and Lambda authorizers.
	Functions Invoker
	// Logger receives failures the client sees only as a status.
	Logger *slog.Logger
	// Timeout is the HTTP API's integration timeout; 0 means
	// IntegrationTimeout.
	Timeout time.Duration
	// Client fetches JWKS and OpenID discovery documents; nil uses a client
	// with a 10 s timeout.
	Client *http.Client
	// Log, when set, wraps a front door's handler where it answers viewers
	// on their own host, so those requests reach the access log. A CDN's
	// gateway origin (Handler) is not wrapped: the CDN logs its request.
	Log func(name string, h http.Handler) http.Handler
}

// A Server answers the front doors of the loaded plan.
type Server struct {
	opts  Options
	state atomic.Pointer[state]
	// inflight counts invocations, which may outlive their request (the
	// integration timeout does not stop a function); Close waits for them.
	// mu orders every Add before Close's Wait; none starts after Close.
	inflight sync.WaitGroup
	mu       sync.Mutex
	closed   bool
}

// state is one compiled plan, immutable once published.
type state struct {
	byName map[string]http.Handler
	byHost map[string]http.Handler // "name.localhost", of those without a CDN in front
	names  map[string]string       // resource name → host
	// only is the front door that answers any host: the stack's only one,
	// when it has no CDN either.
	only http.Handler
	// closed is the state after Close: every front door answers 503.
	closed bool
}

// New returns a Server with nothing loaded.
func New(o Options) *Server {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Timeout <= 0 {
		o.Timeout = IntegrationTimeout
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: 10 * time.Second}
	}
	s := &Server{opts: o}
	s.opts.Functions = tracked{o.Functions, s}
	return s
}

// tracked counts the invocations in progress.
type tracked struct {
	Invoker
	s *Server
}

func (t tracked) Invoke(ctx context.Context, req *functions.Request) (*functions.Response, error) {
	t.s.mu.Lock()
	if t.s.closed {
		t.s.mu.Unlock()
		return nil, errs.E(errs.Op("gateway.Invoke"), errs.Unavailable, errs.Errorf("shutting down"))
	}
	t.s.inflight.Add(1)
	t.s.mu.Unlock()
	defer t.s.inflight.Done()
	return t.Invoker.Invoke(ctx, req)
}

// Close stops answering (requests get 503 while the listeners close) and
// waits, up to ctx, for the invocations still running.
func (s *Server) Close(ctx context.Context) error {
	s.state.Store(&state{closed: true})
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	done := make(chan struct{})
	go func() { s.inflight.Wait(); close(done) }()
	defer s.opts.Client.CloseIdleConnections()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Load compiles the plan's gateways and load balancers and makes them
// live; requests in flight finish on the routes they started with.
func (s *Server) Load(plan *stack.Plan) error {
	st, err := s.Prepare(plan)
	if err != nil {
		return err
	}
	st.Commit()
	return nil
}

// Prepare compiles the plan's gateways and load balancers without touching
// what serves traffic; the result's Commit makes them live.
func (s *Server) Prepare(plan *stack.Plan) (*Staged, error) {
	const op errs.Op = "gateway.Load"
	st := &state{byName: map[string]http.Handler{}, byHost: map[string]http.Handler{}, names: map[string]string{}}
	add := func(name string, h http.Handler, behindCDN bool) {
		st.byName[name] = h
		if behindCDN {
			return // NAME.localhost is the distribution's
		}
		host := strings.ToLower(name) + hostSuffix
		if s.opts.Log != nil {
			h = s.opts.Log(name, h)
		}
		st.byHost[host] = h
		st.names[name] = host
	}
	for i := range plan.HTTPAPIGateways {
		g := &plan.HTTPAPIGateways[i]
		h, err := newAPI(g, s.opts)
		if err != nil {
			return nil, errs.E(op, errs.Invalid, g.Name, err)
		}
		add(g.Name, h, g.CDN)
	}
	for i := range plan.LoadBalancers {
		lb := &plan.LoadBalancers[i]
		h, err := newBalancer(lb, s.opts)
		if err != nil {
			return nil, errs.E(op, errs.Invalid, lb.Name, err)
		}
		add(lb.Name, h, lb.CDN)
	}
	if len(st.byHost) == 1 && len(plan.Distributions) == 0 {
		for _, h := range st.byHost {
			st.only = h
		}
	}
	return &Staged{s: s, st: st}, nil
}

// Staged is a compiled plan waiting to be committed or discarded.
type Staged struct {
	s  *Server
	st *state
}

// Commit makes the staged routes live; it cannot fail.
func (p *Staged) Commit() { p.s.state.Store(p.st) }

// Discard drops staged routes (they hold nothing that needs closing).
func (p *Staged) Discard() {}

// Handler returns the handler of the front door called name, as loaded
// when each request arrives (for a CDN's origin and a listen address);
// one not in the plan answers 502.
func (s *Server) Handler(name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if st := s.state.Load(); st != nil {
			if st.closed {
				unavailable(w)
				return
			}
			if h := st.byName[name]; h != nil {
				h.ServeHTTP(w, r)
				return
			}
		}
		http.Error(w, "502 Bad Gateway: no front door "+name, http.StatusBadGateway)
	})
}

// Hosts lists the host names of the front doors without a CDN in front,
// by resource name; "" when the resource answers any host.
func (s *Server) Hosts() map[string]string {
	out := map[string]string{}
	st := s.state.Load()
	if st == nil {
		return out
	}
	for name, host := range st.names {
		if st.only != nil {
			host = ""
		}
		out[name] = host
	}
	return out
}

// Front returns the viewer listener's handler: a request for a front
// door's host goes to it, any other to fallback (the edge).
func (s *Server) Front(fallback http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h := s.route(r.Host); h != nil {
			h.ServeHTTP(w, r)
			return
		}
		fallback.ServeHTTP(w, r)
	})
}

// ServeHTTP answers a request for a front door's host, 404 for any other.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.Front(http.NotFoundHandler()).ServeHTTP(w, r)
}

// unavailable answers while the server closes.
func unavailable(w http.ResponseWriter) {
	http.Error(w, "503 Service Unavailable: shutting down", http.StatusServiceUnavailable)
}

func (s *Server) route(host string) http.Handler {
	st := s.state.Load()
	if st == nil {
		return nil
	}
	if st.closed {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { unavailable(w) })
	}
	if st.only != nil {
		return st.only
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return st.byHost[strings.ToLower(host)]
}
