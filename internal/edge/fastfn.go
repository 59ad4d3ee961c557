package edge

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/verge-edge/verge/internal/edge/cache"
	"github.com/verge-edge/verge/internal/stack"
)

// fastHitCtx is what fastHit found for a hit with a viewer-response
// function.
type fastHitCtx struct {
	st     *state
	d      *dist
	b      *behavior
	e      *cache.Entry
	id     string
	start  time.Time
	remote string
}

// fastFunctionHit runs the viewer-response function on a fresh hit and
// writes what it returned, or the function's error page, as the pipeline's
// viewerResponse and writeResponse (or functionFailed) would through
// net/http: same headers, same framing, same log record. The function runs
// at most once: the request is answered here whatever the outcome. An
// outcome the Runner marked with Response.Reuse is kept (fnHeads) and
// written again for later hits of the entry with the same Age, without
// the Runner.
func (s *Server) fastFunctionHit(bw *bufio.Writer, head string, q *fastRequest, c fastHitCtx) {
	e := c.e
	host, _, _ := net.SplitHostPort(c.remote)
	rec := logRecord{start: c.start, clientIP: host, method: q.method, host: q.host, path: q.path,
		query: q.query, result: resultHit, requestID: c.id, distribution: c.d.name}
	age := int64(e.Age(time.Now()) / time.Second)
	key := fnHeadKey{st: c.st, fn: c.b.fn.ViewerResponse, entry: e.Key, stored: e.ResponseTime.UnixNano(), age: age}
	fh, ok := s.fnHeads.get(key)
	if ok {
		fh.reuse()
	} else {
		fh = s.runFastFunction(head, q, c, host, age)
		if fh.reuse != nil {
			s.fnHeads.put(key, fh)
		}
	}
	rec.result, rec.status, rec.detail = fh.result, fh.status, fh.detail
	rec.bytes = fh.write(bw, q, c.id, e.Body)
	if s.logging() {
		rec.elapsed = time.Since(c.start)
		s.record(&rec)
	}
}

// runFastFunction runs the function on the hit and renders the response.
func (s *Server) runFastFunction(head string, q *fastRequest, c fastHitCtx, host string, age int64) *fnHead {
	e := c.e
	req := &Request{Method: q.method, URI: q.path, Query: q.query, Header: fastRequestHeader(head),
		ClientIP: host, Distribution: c.d.name, RequestID: c.id, Origin: &c.b.spec}
	resp := &Response{Status: e.Status, Header: e.Header.Clone(), Body: e.Body}
	resp.Header[hdrAge] = []string{strconv.FormatInt(age, 10)}
	result, detail := resultHit, ""
	err := c.st.runner.Response(context.Background(), stack.ViewerResponse, c.b.fn.ViewerResponse, req, resp)
	var failure funcFailure
	if err != nil {
		failure = s.functionFailure(err, c.id)
		resp = &Response{Status: failure.e.Status, Header: make(http.Header, 6), Body: failure.e.page(c.id, failure.page)}
		result, detail = resultError, failure.detail
	}
	h := resp.Header
	h[hdrContentLength] = []string{itoa(len(resp.Body))}
	n := &s.names
	switch {
	case err != nil:
		setErrorPageHeader(h)
		h[hdrXCache] = failure.xcache
		h[hdrCacheStatus] = []string{n.cacheStatusFwdError}
	case resp.Status >= 400:
		// A function that turned the hit into an error: as WriteHeader.
		result = resultError
		h[hdrXCache] = n.xcacheError
		h[hdrCacheStatus] = []string{n.cacheStatusHit}
	default:
		h[hdrXCache] = n.xcacheHit
		h[hdrCacheStatus] = []string{n.cacheStatusHit}
	}
	h[hdrVia] = appendVia(h[hdrVia], n.via)
	delete(h, hdrRequestID) // written per request
	fh := renderFastFunctionResponse(resp)
	fh.result, fh.detail = result, detail
	fh.ownBody = !sameBytes(resp.Body, e.Body)
	if !fh.ownBody {
		fh.body = nil
	}
	if err == nil {
		fh.reuse = resp.Reuse
	}
	return fh
}

// sameBytes reports whether a and b are the same memory.
func sameBytes(a, b []byte) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// fastRequestHeader returns the header of a head parseFastRequest accepted,
// as net/http's server reads it: canonical names, values trimmed of
// spaces and tabs, Pragma: no-cache giving Cache-Control: no-cache when
// there is none. Host stays in it, as the pipeline puts it back for
// functions.
func fastRequestHeader(head string) http.Header {
	_, rest, _ := strings.Cut(head, "\r\n")
	h := make(http.Header, 8)
	for {
		line, more, ok := strings.Cut(rest, "\r\n")
		if !ok || line == "" {
			break
		}
		rest = more
		name, value, _ := strings.Cut(line, ":")
		k := http.CanonicalHeaderKey(name)
		h[k] = append(h[k], strings.Trim(value, " \t"))
	}
	if p := h["Pragma"]; len(p) > 0 && p[0] == "no-cache" && h["Cache-Control"] == nil {
		h["Cache-Control"] = []string{"no-cache"}
	}
	return h
}

// fnHead is a function's response to a hit, rendered but for what each
// request adds: X-Request-Id (in its sorted place, between before and
// after), Date when the response has none, and Connection: close.
type fnHead struct {
	status int
	before []byte // the status line and the header lines before X-Request-Id
	after  []byte // the header lines after it
	dated  bool
	// body is the function's body when ownBody, else the entry's, which
	// is not kept: a kept fnHead must not hold a large entry's memory.
	body        []byte
	ownBody     bool
	bodyAllowed bool
	// For the log record.
	result, detail string
	// reuse is the Runner's Response.Reuse: when set, later hits of the
	// entry may get this response, and each calls it.
	reuse func()
}

// renderFastFunctionResponse renders resp as net/http writes a handler's
// response with an explicit Content-Length: no body for HEAD, 204 and
// 304, whose framing headers net/http drops; a sniffed Content-Type when
// there is none; Date when absent. Transfer-Encoding is dropped: the body
// always goes with its length. resp.Header must not hold X-Request-Id.
func renderFastFunctionResponse(resp *Response) *fnHead {
	h := resp.Header
	delete(h, "Transfer-Encoding")
	fh := &fnHead{status: resp.Status, body: resp.Body,
		bodyAllowed: resp.Status != http.StatusNoContent && resp.Status != http.StatusNotModified}
	switch {
	case resp.Status == http.StatusNotModified:
		delete(h, hdrContentType)
		delete(h, hdrContentLength)
	case !fh.bodyAllowed:
		delete(h, hdrContentLength)
	default:
		_, typed := h[hdrContentType]
		if !typed && len(resp.Body) > 0 && headerValue(h, hdrContentEncoding) == "" {
			h[hdrContentType] = []string{http.DetectContentType(resp.Body)}
		}
	}
	b := make([]byte, 0, 512)
	b = append(b, "HTTP/1.1 "...)
	b = strconv.AppendInt(b, int64(resp.Status), 10)
	b = append(b, ' ')
	if text := http.StatusText(resp.Status); text != "" {
		b = append(b, text...)
	} else {
		b = append(b, "status code "...)
		b = strconv.AppendInt(b, int64(resp.Status), 10)
	}
	b = append(b, "\r\n"...)
	// Sorted, as net/http writes them.
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	split := -1
	for _, k := range keys {
		if split < 0 && k > hdrRequestID {
			split = len(b)
		}
		if !validToken(k) {
			continue // as net/http, which skips invalid names
		}
		for _, v := range h[k] {
			b = appendHeader(b, k, trimHeaderValue(v))
		}
	}
	if split < 0 {
		split = len(b)
	}
	_, fh.dated = h["Date"]
	fh.before, fh.after = b[:split:split], b[split:]
	return fh
}

// write writes the response for request q with id, and returns the body
// bytes written. entryBody is the body when the function did not set one.
func (fh *fnHead) write(bw *bufio.Writer, q *fastRequest, id string, entryBody []byte) int64 {
	bw.Write(fh.before)
	var line [96]byte
	bw.Write(appendHeader(line[:0], hdrRequestID, trimHeaderValue(id)))
	bw.Write(fh.after)
	if !fh.dated {
		bw.WriteString("Date: ")
		bw.Write(httpDate(time.Now()))
		bw.WriteString("\r\n")
	}
	if q.closeConn {
		bw.WriteString("Connection: close\r\n")
	}
	bw.WriteString("\r\n")
	if q.method == http.MethodHead || !fh.bodyAllowed {
		return 0
	}
	body := entryBody
	if fh.ownBody {
		body = fh.body
	}
	bw.Write(body)
	return int64(len(body))
}

// fnHeadKey names a kept fnHead: the configuration and its function, the
// entry's version and the Age the function saw.
type fnHeadKey struct {
	st     *state
	fn     *stack.FunctionRef
	entry  string
	stored int64
	age    int64
}

// fnHeadsMax bounds the kept responses; the set is cleared when full (Age
// makes a new key every second anyway).
const fnHeadsMax = 256

// fnHeads are the kept responses of reusable function outcomes.
type fnHeads struct {
	mu sync.RWMutex
	m  map[fnHeadKey]*fnHead
}

func (c *fnHeads) get(k fnHeadKey) (*fnHead, bool) {
	c.mu.RLock()
	fh, ok := c.m[k]
	c.mu.RUnlock()
	return fh, ok
}

// clear drops every kept response: Load calls it, so that none outlives
// its configuration.
func (c *fnHeads) clear() {
	c.mu.Lock()
	c.m = nil
	c.mu.Unlock()
}

func (c *fnHeads) put(k fnHeadKey, fh *fnHead) {
	c.mu.Lock()
	if c.m == nil || len(c.m) >= fnHeadsMax {
		c.m = make(map[fnHeadKey]*fnHead, fnHeadsMax)
	}
	c.m[k] = fh
	c.mu.Unlock()
}

// trimHeaderValue trims what net/http trims from a value it writes
// (textproto.TrimString): ASCII spaces, tabs, CRs and LFs.
func trimHeaderValue(v string) string {
	return strings.Trim(v, " \t\r\n")
}
