package gateway

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strings"
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
	// Fallback answers requests for hosts that are no front door's (the
	// edge); nil answers them 404.
	Fallback http.Handler
	// Logger receives failures the client sees only as a status.
	Logger *slog.Logger
	// Timeout is the HTTP API's integration timeout; 0 means
	// IntegrationTimeout.
	Timeout time.Duration
	// Client fetches JWKS and OpenID discovery documents; nil uses a client
	// with a 10 s timeout.
	Client *http.Client
}

// A Server answers the front doors of the loaded plan.
type Server struct {
	opts  Options
	state atomic.Pointer[state]
}

// state is one compiled plan, immutable once published.
type state struct {
	byName map[string]http.Handler
	byHost map[string]http.Handler // "name.localhost", of those without a CDN in front
	names  map[string]string       // resource name → host
	// only is the front door that answers any host: the stack's only one,
	// when it has no CDN either.
	only http.Handler
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
	return &Server{opts: o}
}

// Load compiles the plan's gateways and load balancers and makes them
// live; requests in flight finish on the routes they started with.
func (s *Server) Load(plan *stack.Plan) error {
	const op errs.Op = "gateway.Load"
	st := &state{byName: map[string]http.Handler{}, byHost: map[string]http.Handler{}, names: map[string]string{}}
	add := func(name string, h http.Handler, behindCDN bool) {
		st.byName[name] = h
		if behindCDN {
			return // NAME.localhost is the distribution's
		}
		host := strings.ToLower(name) + hostSuffix
		st.byHost[host] = h
		st.names[name] = host
	}
	for i := range plan.HTTPAPIGateways {
		g := &plan.HTTPAPIGateways[i]
		h, err := newAPI(g, s.opts)
		if err != nil {
			return errs.E(op, errs.Invalid, g.Name, err)
		}
		add(g.Name, h, g.CDN)
	}
	for i := range plan.LoadBalancers {
		lb := &plan.LoadBalancers[i]
		h, err := newBalancer(lb, s.opts)
		if err != nil {
			return errs.E(op, errs.Invalid, lb.Name, err)
		}
		add(lb.Name, h, lb.CDN)
	}
	if len(st.byHost) == 1 && len(plan.Distributions) == 0 {
		for _, h := range st.byHost {
			st.only = h
		}
	}
	s.state.Store(st)
	return nil
}

// Handler returns the handler of the front door called name, as loaded
// when each request arrives (for a CDN's origin and a listen address);
// one not in the plan answers 502.
func (s *Server) Handler(name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if st := s.state.Load(); st != nil {
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

// ServeHTTP answers a request for a front door's host, else hands it to
// the fallback.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h := s.route(r.Host); h != nil {
		h.ServeHTTP(w, r)
		return
	}
	if s.opts.Fallback != nil {
		s.opts.Fallback.ServeHTTP(w, r)
		return
	}
	http.NotFound(w, r)
}

func (s *Server) route(host string) http.Handler {
	st := s.state.Load()
	if st == nil {
		return nil
	}
	if st.only != nil {
		return st.only
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return st.byHost[strings.ToLower(host)]
}
