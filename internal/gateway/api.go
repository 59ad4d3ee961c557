package gateway

import (
	"errors"
	"net/http"
	"time"

	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/functions"
	"github.com/verge-edge/verge/internal/stack"
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
}

func newAPI(g *stack.HTTPAPIGateway, o Options) (*api, error) {
	routes := make([]httpapi.Route, len(g.Routes))
	for i := range g.Routes {
		r := &g.Routes[i]
		routes[i] = httpapi.Route{Key: r.Key, Target: &route{function: r.Function, format: r.PayloadFormat}}
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
