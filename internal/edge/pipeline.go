package edge

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"

	"github.com/verge-edge/verge/internal/edge/cache"
	"github.com/verge-edge/verge/internal/edge/origin"
	"github.com/verge-edge/verge/internal/stack"
)

// run is the pipeline: each phase may end the request by writing a response.
//
//	viewer-request → cache lookup → origin-request → origin fetch →
//	origin-response → cache store → viewer-response
//
// The fetch side (origin-request through cache store) runs in a fill
// (fill.go) shared by every viewer waiting for the same key.
func (ex *exchange) run() {
	r := ex.r
	if ex.b.getOnly && !isGetOrHead(r.Method) && r.Method != http.MethodOptions {
		ex.fail(errMethodNotAllowed, "")
		return
	}
	if !ex.viewerRequest() {
		return
	}
	if ex.b.bypass || !isGetOrHead(r.Method) {
		ex.pass(ex.s.names.cacheStatusBypass)
		return
	}
	ex.serveCached()
}

// serveCached answers from the cache: a fresh entry at once, a stale one
// within stale-while-revalidate while refreshing it, anything else through
// a fill.
func (ex *exchange) serveCached() {
	ex.key = ex.b.appendKey(ex.key[:0], ex.d, ex.r)
	ex.varied = false
	e, ok := ex.lookup()
	if ok {
		switch e.State(ex.start) {
		case cache.Fresh:
			ex.result, ex.cacheStatus = resultHit, ex.s.names.cacheStatusHit
			ex.serveEntry(e)
			return
		case cache.StaleRevalidate:
			ex.result, ex.cacheStatus = resultHit, ex.s.names.cacheStatusStaleHit
			ex.s.revalidateInBackground(ex, e)
			ex.serveEntry(e)
			return
		}
	}
	ex.fetch(e)
}

func isGetOrHead(m string) bool { return m == http.MethodGet || m == http.MethodHead }

// lookup finds the entry for ex.key, following a Vary marker to the
// secondary key. On return ex.key is the key a fill should use.
func (ex *exchange) lookup() (*cache.Entry, bool) {
	e, ok := ex.s.store.Get(string(ex.key))
	if !ok || e.Status != 0 {
		return e, ok
	}
	ex.key = appendVaryKey(ex.key, e.Vary, ex.r.Header)
	ex.varied = true
	return ex.s.store.Get(string(ex.key))
}

// viewerRequest runs the viewer-request function; false means it answered.
func (ex *exchange) viewerRequest() bool {
	fn := ex.b.fn.ViewerRequest
	if fn == nil {
		return true
	}
	resp, err := ex.st.runner.Request(ex.r.Context(), stack.ViewerRequest, fn, ex.functionRequest())
	if err != nil {
		ex.functionFailed(err)
		return false
	}
	if resp != nil {
		ex.writeGenerated(fn, resp)
		return false
	}
	ex.applyFunctionRequest(ex.r)
	return ex.useOriginOverride("FunctionValidationError")
}

// useOriginOverride sends the request to the HTTP origin a function chose,
// if it chose one; false means the choice was invalid and the viewer got a
// 502 of errType.
func (ex *exchange) useOriginOverride(errType string) bool {
	o := ex.freq.OriginOverride
	if o == nil {
		return true
	}
	h, err := ex.st.overrides.get(*o)
	if err != nil {
		ex.functionFailed(&FuncError{Status: http.StatusBadGateway, Type: errType, Detail: err.Error()})
		return false
	}
	ex.origin = h
	return true
}

// originHandler is the origin this request goes to: the behaviour's, or the
// one a viewer-request function chose.
func (ex *exchange) originHandler() origin.Handler {
	if ex.origin != nil {
		return ex.origin
	}
	return ex.b.origin
}

// functionRequest returns the request as functions see it, built once.
func (ex *exchange) functionRequest() *Request {
	if ex.freq == nil {
		r := ex.r
		ex.freq = &Request{
			Method:       r.Method,
			URI:          r.URL.Path,
			Query:        r.URL.RawQuery,
			Header:       r.Header.Clone(),
			ClientIP:     clientIP(r),
			Distribution: ex.d.name,
			RequestID:    ex.id,
			Origin:       &ex.b.spec,
		}
		if ex.freq.Header.Get("Host") == "" {
			ex.freq.Header.Set("Host", r.Host)
		}
	}
	return ex.freq
}

// applyFunctionRequest copies a function's changes back onto r.
func (ex *exchange) applyFunctionRequest(r *http.Request) {
	fr := ex.freq
	if fr == nil {
		return
	}
	u := *r.URL
	u.Path, u.RawPath, u.RawQuery = fr.URI, "", fr.Query
	r.URL = &u
	r.Header = fr.Header.Clone()
	if h := fr.Header.Get("Host"); h != "" {
		r.Host = h
	}
	r.Header.Del("Host")
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// functionFailed answers for a function that failed, with CloudFront's status.
func (ex *exchange) functionFailed(err error) {
	var fe *FuncError
	if errors.As(err, &fe) {
		ex.detail = fe.Type
		if strings.HasPrefix(fe.Type, "Lambda") {
			ex.xcache = []string{fe.Type + ex.s.names.from} // as CloudFront's X-Cache for Lambda@Edge failures
		}
		e := errFunction
		if fe.Status == http.StatusBadGateway {
			e = errFunctionInvalid
		}
		ex.fail(e, fe.Detail)
		return
	}
	ex.s.log.Error("function runner", "err", err, "request_id", ex.id)
	ex.fail(errNoRunner, "")
}

// writeGenerated sends a response a request function generated; it is not
// cached and viewer-response does not run for it.
func (ex *exchange) writeGenerated(fn *stack.FunctionRef, resp *Response) {
	ex.result = resultGenerated
	if fn.Type == stack.TypeEdgeLambdaFunction {
		ex.xcache = ex.s.names.xcacheLambdaGenerated
	}
	if resp.Status == 0 {
		resp.Status = http.StatusOK
	}
	ex.writeResponse(resp)
}

// outbound builds the origin request for a viewer request: the cache
// policy's query strings, the viewer's end-to-end headers minus those the
// edge answers itself (Range, conditionals, Accept-Encoding), and a context
// that outlives the viewer when the response is shared.
func (ex *exchange) outbound(ctx context.Context, method string, shared bool) *http.Request {
	r := ex.r
	out := r.Clone(ctx)
	out.Method = method
	out.URL.RawQuery = ex.b.forwardedQuery(r.URL.RawQuery)
	out.RequestURI = ""
	if shared {
		out.Body, out.ContentLength = http.NoBody, 0
		for _, h := range [...]string{hdrRange, hdrIfRange, hdrIfNoneMatch, hdrIfModifiedSince, hdrIfMatch, hdrIfUnmodSince, hdrAcceptEncoding} {
			out.Header.Del(h)
		}
		// CloudFront forwards Authorization on GET and HEAD only when the
		// cache key has it (an origin request policy cannot), so a shared
		// response is never one the origin made for a credential.
		if !slices.Contains(ex.b.policy.Headers, "Authorization") {
			out.Header.Del("Authorization")
		}
	} else {
		out.URL.RawQuery = r.URL.RawQuery
		out.Header.Del(hdrAcceptEncoding)
	}
	out.Header[hdrRequestID] = []string{ex.id}
	return out
}

// pass sends the request to the origin and streams the answer back,
// bypassing the cache: methods other than GET and HEAD, and behaviours whose
// TTLs are all zero.
func (ex *exchange) pass(cacheStatus string) {
	ex.result, ex.cacheStatus = resultMiss, cacheStatus
	out := ex.outbound(ex.r.Context(), ex.r.Method, false)
	if !ex.originRequest(out) {
		return
	}
	if ex.b.fn.OriginResponse == nil && ex.b.fn.ViewerResponse == nil {
		ex.originHandler().ServeHTTP(ex, out)
		return
	}
	rec := newRecorder()
	ex.originHandler().ServeHTTP(rec, out)
	resp := rec.response()
	if !ex.responseHook(stack.OriginResponse, resp) || !ex.responseHook(stack.ViewerResponse, resp) {
		return
	}
	ex.writeResponse(resp)
}

// originRequest runs the origin-request function on out; false means it
// answered the viewer itself.
func (ex *exchange) originRequest(out *http.Request) bool {
	fn := ex.b.fn.OriginRequest
	if fn == nil {
		return true
	}
	fr := ex.functionRequest()
	fr.URI, fr.Query = out.URL.Path, out.URL.RawQuery
	resp, err := ex.st.runner.Request(ex.r.Context(), stack.OriginRequest, fn, fr)
	if err != nil {
		ex.functionFailed(err)
		return false
	}
	if resp != nil {
		ex.writeGenerated(fn, resp)
		return false
	}
	ex.applyFunctionRequest(out)
	return ex.useOriginOverride("LambdaValidationError")
}

// responseHook runs the function at a response trigger on resp; false means
// it failed and the viewer got the error. Viewer-response does not run for
// statuses of 400 and above (CloudFront's rule).
func (ex *exchange) responseHook(t stack.Trigger, resp *Response) bool {
	fn := ex.b.fn.For(t)
	if fn == nil || (t == stack.ViewerResponse && resp.Status >= 400) {
		return true
	}
	if err := ex.st.runner.Response(ex.r.Context(), t, fn, ex.functionRequest(), resp); err != nil {
		ex.functionFailed(err)
		return false
	}
	return true
}

// writeResponse sends a whole response.
func (ex *exchange) writeResponse(resp *Response) {
	h := ex.Header()
	for k, v := range resp.Header {
		h[k] = v
	}
	h[hdrContentLength] = []string{itoa(len(resp.Body))}
	ex.WriteHeader(resp.Status)
	if ex.r.Method != http.MethodHead {
		ex.Write(resp.Body)
	}
}

var _ io.Writer = (*exchange)(nil)
