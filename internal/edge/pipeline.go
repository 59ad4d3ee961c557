package edge

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"

	"github.com/verge-edge/verge/internal/cfheader"
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
	ex.addViewerHeaders()
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
	fr := ex.functionRequest()
	if fn.IncludeBody {
		fr.Body = ex.peekBody(cfheader.ViewerBodyLimit + 1)
	}
	resp, err := ex.st.runner.Request(ex.r.Context(), stack.ViewerRequest, fn, fr)
	if err != nil {
		ex.functionFailed(err)
		return false
	}
	if resp != nil {
		ex.writeGenerated(fn, resp)
		return false
	}
	applyRequest(fr, ex.r)
	if fr.BodyReplaced {
		setBody(ex.r, fr.Body)
	}
	o, err := ex.s.chosenOrigin(ex.st, ex.d, fr, errFunctionValidation)
	if err != nil {
		ex.functionFailed(err)
		return false
	}
	if o != nil {
		ex.origin = o
	}
	return true
}

// addViewerHeaders adds the CloudFront viewer headers the cache key names
// (device type, country), as CloudFront adds them after viewer-request:
// the key, origin-facing functions and the origin see them. A viewer's own
// value never counts; an unknown country leaves the header out.
func (ex *exchange) addViewerHeaders() {
	if len(ex.b.viewerHeaders) == 0 {
		return
	}
	ua := ex.r.Header.Get(hdrUserAgent)
	country := ex.s.opts.Country.Country(clientIP(ex.r))
	for _, name := range ex.b.viewerHeaders {
		v, ok := cfheader.ViewerValue(name, ua, country)
		for _, h := range [...]http.Header{ex.r.Header, ex.freqHeader()} {
			switch {
			case h == nil:
			case ok:
				h[name] = []string{v}
			default:
				delete(h, name)
			}
		}
	}
}

// freqHeader is the function request's header, nil before one is built.
func (ex *exchange) freqHeader() http.Header {
	if ex.freq == nil {
		return nil
	}
	return ex.freq.Header
}

// chosenOrigin resolves the origin a function chose for fr: a bucket, an
// HTTP origin, or nil for the behaviour's. An origin the edge cannot use
// is a 502 FuncError of errType, logged with its reason.
func (s *Server) chosenOrigin(st *state, d *dist, fr *Request, errType string) (origin.Handler, error) {
	var h origin.Handler
	var err error
	switch {
	case fr.OriginBucket != nil:
		h, err = st.overrides.getBucket(*fr.OriginBucket, d.bucketOpts)
	case fr.OriginOverride != nil:
		h, err = st.overrides.get(*fr.OriginOverride)
	default:
		return nil, nil
	}
	if err != nil {
		s.log.Warn("function chose an unusable origin", "distribution", d.name, "request_id", fr.RequestID, "err", err)
		return nil, &FuncError{Status: http.StatusBadGateway, Type: errType, Detail: err.Error()}
	}
	return h, nil
}

// runOriginRequest runs b's origin-request function on fr for the origin
// request out. It returns the response the function generated, or applies
// the request it returned to out and returns the origin it chose (nil for
// the behaviour's).
func (s *Server) runOriginRequest(ctx context.Context, st *state, d *dist, b *behavior, fr *Request, out *http.Request) (*Response, origin.Handler, error) {
	fr.URI, fr.Query = out.URL.Path, out.URL.RawQuery
	held := withheld(fr, out)
	via := out.Header[hdrVia]
	gen, err := st.runner.Request(ctx, stack.OriginRequest, b.fn.OriginRequest, fr)
	if err != nil || gen != nil {
		return gen, nil, err
	}
	applyToOutbound(fr, out, held)
	keepOwnHop(out, fr.ClientIP, via)
	o, err := s.chosenOrigin(st, d, fr, errLambdaValidation)
	return nil, o, err
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

// applyRequest copies a function's changes to fr back onto r.
func applyRequest(fr *Request, r *http.Request) {
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
	f := ex.s.functionFailure(err, ex.id)
	ex.detail, ex.xcache = f.detail, f.xcache
	ex.fail(f.e, f.page)
}

// A funcFailure is the edge's answer to a function that failed, the same on
// the pipeline and the fast path: the catalog entry, the detail line of its
// page, the access log's detailed result type and X-Cache.
type funcFailure struct {
	e      edgeError
	page   string
	detail string
	xcache []string
}

// functionFailure classifies a Runner's error for request id. A *FuncError
// has CloudFront's status and type, and Lambda@Edge's types name X-Cache
// ("LambdaExecutionError from …") as CloudFront's do; any other error is
// the Runner's own failure, which is logged.
func (s *Server) functionFailure(err error, id string) funcFailure {
	var fe *FuncError
	if !errors.As(err, &fe) {
		s.log.Error("function runner", "err", err, "request_id", id)
		return funcFailure{e: errNoRunner, detail: errNoRunner.Code, xcache: s.names.xcacheError}
	}
	f := funcFailure{e: errFunction, page: fe.Detail, detail: fe.Type, xcache: s.names.xcacheError}
	if fe.Status == http.StatusBadGateway {
		f.e = errFunctionInvalid
	}
	if strings.HasPrefix(fe.Type, "Lambda") {
		f.xcache = []string{fe.Type + s.names.from}
	}
	return f
}

// writeGenerated sends a response a viewer-request function generated; it
// is not cached and viewer-response does not run for it.
func (ex *exchange) writeGenerated(fn *stack.FunctionRef, resp *Response) {
	ex.markGenerated(fn, resp)
	ex.writeResponse(resp)
}

// markGenerated sets the result and X-Cache of a generated response, and
// its default status.
func (ex *exchange) markGenerated(fn *stack.FunctionRef, resp *Response) {
	ex.result = resultGenerated
	ex.xcache = ex.s.names.generatedBy(fn)
	if resp.Status == 0 {
		resp.Status = http.StatusOK
	}
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
	} else {
		out.URL.RawQuery = r.URL.RawQuery
	}
	ex.b.stripViewerHeaders(out.Header, shared)
	out.Header[hdrRequestID] = []string{ex.id}
	return out
}

// stripViewerHeaders removes the viewer's headers the edge answers itself
// from an origin request: Accept-Encoding, and for a shared response
// Range, the conditionals and Authorization.
func (b *behavior) stripViewerHeaders(h http.Header, shared bool) {
	h.Del(hdrAcceptEncoding)
	if !shared {
		return
	}
	for _, name := range [...]string{hdrRange, hdrIfRange, hdrIfNoneMatch, hdrIfModifiedSince, hdrIfMatch, hdrIfUnmodSince} {
		h.Del(name)
	}
	// CloudFront forwards Authorization on GET and HEAD only when the
	// cache key has it (an origin request policy cannot), so a shared
	// response is never one the origin made for a credential.
	if !slices.Contains(b.policy.Headers, "Authorization") {
		h.Del("Authorization")
	}
}

// withheld lists the viewer headers fr has that the edge did not send in
// out (see stripViewerHeaders), with their values.
func withheld(fr *Request, out *http.Request) http.Header {
	var w http.Header
	for name, v := range fr.Header {
		if _, sent := out.Header[name]; !sent && name != "Host" {
			if w == nil {
				w = http.Header{}
			}
			w[name] = v
		}
	}
	return w
}

// applyToOutbound applies an origin-request function's request fr to out,
// keeping what the edge controls: viewer headers the edge withheld stay
// out unless the function changed them, and a revalidation's validators
// and the request id stay.
func applyToOutbound(fr *Request, out *http.Request, withheld http.Header) {
	kept := map[string][]string{}
	for _, name := range [...]string{hdrIfNoneMatch, hdrIfModifiedSince, hdrRequestID} {
		if v, ok := out.Header[name]; ok {
			kept[name] = v
		}
	}
	applyRequest(fr, out)
	for name, v := range withheld {
		if slices.Equal(out.Header[name], v) {
			delete(out.Header, name)
		}
	}
	for name, v := range kept {
		out.Header[name] = v
	}
	if fr.BodyReplaced {
		setBody(out, fr.Body)
	}
}

// keepOwnHop takes out of an origin request the hop an origin-request
// runner added to show its event what CloudFront's shows (X-Forwarded-For
// ending in the client's IP, a CloudFront Via): the origin proxy adds this
// hop itself, so the origin sees the client's IP once and one Via for this
// hop. via is the Via out had before the function, which could not change
// it (read-only at origin-request).
func keepOwnHop(out *http.Request, clientIP string, via []string) {
	if via == nil {
		delete(out.Header, hdrVia)
	} else {
		out.Header[hdrVia] = via
	}
	xff := out.Header[hdrXForwardedFor]
	if len(xff) == 0 || clientIP == "" {
		return
	}
	switch all := strings.Join(xff, ", "); {
	case all == clientIP:
		delete(out.Header, hdrXForwardedFor)
	case strings.HasSuffix(all, ", "+clientIP):
		out.Header[hdrXForwardedFor] = []string{strings.TrimSuffix(all, ", "+clientIP)}
	}
}

// pass sends the request to the origin and streams the answer back,
// bypassing the cache: methods other than GET and HEAD, and behaviours whose
// TTLs are all zero.
func (ex *exchange) pass(cacheStatus string) {
	ex.result, ex.cacheStatus = resultMiss, cacheStatus
	out := ex.outbound(ex.r.Context(), ex.r.Method, false)
	gen, ok := ex.originRequest(out)
	if !ok {
		return
	}
	if gen != nil {
		// Not cached (the cache is bypassed), but viewer-response runs as
		// for any response from the origin side.
		ex.markGenerated(ex.b.fn.OriginRequest, gen)
		if ex.responseHook(stack.ViewerResponse, gen) {
			ex.writeResponse(gen)
		}
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

// originRequest runs the origin-request function on out, if there is one,
// and returns the response it generated; false means it failed and the
// viewer got the error.
func (ex *exchange) originRequest(out *http.Request) (*Response, bool) {
	fn := ex.b.fn.OriginRequest
	if fn == nil {
		return nil, true
	}
	fr := ex.functionRequest()
	if fn.IncludeBody && !fr.BodyReplaced {
		raw := ex.r.Body
		fr.Body = ex.peekBody(cfheader.OriginBodyLimit + 1)
		if out.Body == raw {
			out.Body = ex.r.Body // reads the bytes read ahead first
		}
	}
	gen, o, err := ex.s.runOriginRequest(ex.r.Context(), ex.st, ex.d, ex.b, fr, out)
	if err != nil {
		ex.functionFailed(err)
		return nil, false
	}
	if o != nil {
		ex.origin = o
	}
	return gen, true
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
