package gateway

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/functions"
	"github.com/verge-edge/verge/internal/stack"
	"github.com/verge-edge/verge/internal/triggers/auth"
	"github.com/verge-edge/verge/internal/triggers/httpapi"
)

// api is one http-api-gateway.
type api struct {
	name   string
	router *httpapi.Router
	cors   *cors
	opts   Options
}

// route is what an HTTP API route leads to.
type route struct {
	function string
	format   string
	auth     *auth.Authorizer // nil: none
}

func newAPI(g *stack.HTTPAPIGateway, o Options) (*api, error) {
	routes := make([]httpapi.Route, len(g.Routes))
	for i := range g.Routes {
		r := &g.Routes[i]
		rt := &route{function: r.Function, format: r.PayloadFormat}
		if r.Authorizer != nil {
			cfg, err := authConfig(r.Authorizer)
			if err != nil {
				return nil, fmt.Errorf("route %s: %w", r.Key, err)
			}
			a, err := auth.New(cfg, authInvoke(o.Functions), o.Client)
			if err != nil {
				return nil, fmt.Errorf("route %s: %w", r.Key, err)
			}
			rt.auth = a
		}
		routes[i] = httpapi.Route{Key: r.Key, Target: rt}
	}
	router, err := httpapi.NewRouter(routes)
	if err != nil {
		return nil, err
	}
	return &api{name: g.Name, router: router, cors: newCORS(g.CORS), opts: o}, nil
}

func (a *api) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := httpapi.NewRequestID()
	w.Header().Set(headerRequestID, id)
	if a.cors != nil && isPreflight(r) {
		a.cors.preflight(w, r)
		return
	}
	resp := a.respond(r, id)
	if a.cors != nil {
		a.cors.decorate(resp.Header, r)
	}
	resp.Write(w)
}

// respond runs the request through its route's function.
func (a *api) respond(r *http.Request, id string) httpapi.Response {
	m, ok := a.router.Match(r.Method, r.URL.Path)
	if !ok {
		return httpapi.NotFound.Response()
	}
	rt := m.Target.(*route)
	opt := httpapi.Options{APIID: a.name, AccountID: functions.Account, RequestID: id, Time: time.Now()}
	if rt.auth != nil {
		d := a.authorize(r, rt, m, opt)
		if !d.Allowed() {
			return httpapi.Response{Status: d.Status, Header: d.Header, Body: d.Body}
		}
		if v := d.V2; rt.format != httpapi.FormatV1 && v != nil {
			opt.Authorizer = v
		} else if v := d.V1; rt.format == httpapi.FormatV1 && v != nil {
			opt.Authorizer = v
		}
	}
	build := httpapi.NewEventV2
	if rt.format == httpapi.FormatV1 {
		build = httpapi.NewEventV1
	}
	event, err := build(r, m, opt)
	switch {
	case errors.Is(err, httpapi.ErrTooLarge):
		return httpapi.TooLarge.Response()
	case err != nil:
		return httpapi.Failure{Status: http.StatusBadRequest, Message: "Bad Request"}.Response()
	}
	o := invoke(r.Context(), a.opts.Functions, &functions.Request{Function: rt.function, Payload: event}, a.opts.Timeout)
	switch {
	case o.timedOut:
		a.opts.Logger.Warn("integration timeout", "api", a.name, "function", rt.function, "requestId", id, "after", a.opts.Timeout)
		return httpapi.IntegrationTimeout.Response()
	case errs.Is(errs.Throttled, o.err):
		return httpapi.Throttled.Response()
	case o.err != nil:
		a.opts.Logger.Warn("invocation failed", "api", a.name, "function", rt.function, "requestId", id, "err", o.err)
		return httpapi.FunctionError.Response()
	}
	resp := httpapi.Result(rt.format, o.resp.Payload, o.resp.FunctionError != "")
	if o.resp.FunctionError != "" {
		a.opts.Logger.Warn("function error", "api", a.name, "function", rt.function, "requestId", id, "type", o.resp.ErrorType)
	}
	return resp
}

// authorize runs the route's authorizer on r.
func (a *api) authorize(r *http.Request, rt *route, m httpapi.Match, opt httpapi.Options) auth.Decision {
	ar := auth.NewRequest(r)
	ar.RouteKey, ar.PathParameters = m.RouteKey, m.PathParameters
	ar.APIID, ar.RequestID, ar.Time = opt.APIID, opt.RequestID, opt.Time
	return rt.auth.Authorize(r.Context(), ar)
}

// authInvoke lets Lambda authorizers call their functions.
func authInvoke(fn Invoker) auth.Invoke {
	return func(ctx context.Context, function string, payload []byte) ([]byte, string, error) {
		resp, err := fn.Invoke(ctx, &functions.Request{Function: function, Payload: payload})
		if err != nil {
			return nil, "", err
		}
		return resp.Payload, resp.FunctionError, nil
	}
}
