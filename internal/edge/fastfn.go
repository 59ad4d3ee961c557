package edge

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
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
// exactly once: the request is answered here whatever the outcome.
func (s *Server) fastFunctionHit(bw *bufio.Writer, head string, q *fastRequest, c fastHitCtx) {
	e := c.e
	host, _, _ := net.SplitHostPort(c.remote)
	req := &Request{Method: q.method, URI: q.path, Query: q.query, Header: fastRequestHeader(head),
		ClientIP: host, Distribution: c.d.name, RequestID: c.id, Origin: &c.b.spec}
	resp := &Response{Status: e.Status, Header: e.Header.Clone(), Body: e.Body}
	resp.Header[hdrAge] = []string{strconv.FormatInt(int64(e.Age(time.Now())/time.Second), 10)}
	rec := logRecord{start: c.start, clientIP: host, method: q.method, host: q.host, path: q.path,
		query: q.query, result: resultHit, requestID: c.id, distribution: c.d.name}
	err := c.st.runner.Response(context.Background(), stack.ViewerResponse, c.b.fn.ViewerResponse, req, resp)
	if err != nil {
		resp, rec.detail = s.fastFunctionError(err, c.id)
		rec.result = resultError
	}
	h := resp.Header
	h[hdrContentLength] = []string{itoa(len(resp.Body))}
	n := &s.names
	switch {
	case err != nil:
		h[hdrXCache] = n.xcacheError
		h[hdrCacheStatus] = []string{n.cacheStatusFwdError}
	case resp.Status >= 400:
		// A function that turned the hit into an error: as WriteHeader.
		rec.result = resultError
		h[hdrXCache] = n.xcacheError
		h[hdrCacheStatus] = []string{n.cacheStatusHit}
	default:
		h[hdrXCache] = n.xcacheHit
		h[hdrCacheStatus] = []string{n.cacheStatusHit}
	}
	h[hdrVia] = appendVia(h[hdrVia], n.via)
	h[hdrRequestID] = []string{c.id}
	rec.status = resp.Status
	rec.bytes = writeFastFunctionResponse(bw, resp, q)
	if s.alog != nil || s.m != nil {
		rec.elapsed = time.Since(c.start)
		s.record(&rec)
	}
}

// fastFunctionError is the error page the pipeline's functionFailed
// answers with, and the log record's detail.
func (s *Server) fastFunctionError(err error, id string) (*Response, string) {
	e, detail, page := errNoRunner, errNoRunner.Code, ""
	var fe *FuncError
	if errors.As(err, &fe) {
		e, detail, page = errFunction, fe.Type, fe.Detail
		if fe.Status == http.StatusBadGateway {
			e = errFunctionInvalid
		}
	} else {
		s.log.Error("function runner", "err", err, "request_id", id)
	}
	h := http.Header{hdrContentType: {"text/html; charset=iso-8859-1"}, "Cache-Control": {"no-store"}}
	return &Response{Status: e.Status, Header: h, Body: e.page(id, page)}, detail
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

// writeFastFunctionResponse writes resp as net/http writes a handler's
// response with an explicit Content-Length, and returns the body bytes
// written: no body for HEAD, 204 and 304, whose framing headers net/http
// drops; a sniffed Content-Type when there is none; Date when absent.
// Transfer-Encoding is dropped: the body always goes with its length.
func writeFastFunctionResponse(bw *bufio.Writer, resp *Response, q *fastRequest) int64 {
	h := resp.Header
	delete(h, "Transfer-Encoding")
	bodyAllowed := resp.Status != http.StatusNoContent && resp.Status != http.StatusNotModified
	switch {
	case resp.Status == http.StatusNotModified:
		delete(h, hdrContentType)
		delete(h, hdrContentLength)
	case !bodyAllowed:
		delete(h, hdrContentLength)
	default:
		_, typed := h[hdrContentType]
		if !typed && len(resp.Body) > 0 && headerValue(h, hdrContentEncoding) == "" {
			h[hdrContentType] = []string{http.DetectContentType(resp.Body)}
		}
	}
	bw.WriteString("HTTP/1.1 ")
	var num [20]byte
	bw.Write(strconv.AppendInt(num[:0], int64(resp.Status), 10))
	bw.WriteByte(' ')
	if text := http.StatusText(resp.Status); text != "" {
		bw.WriteString(text)
	} else {
		bw.WriteString("status code ")
		bw.Write(strconv.AppendInt(num[:0], int64(resp.Status), 10))
	}
	bw.WriteString("\r\n")
	// Sorted, as net/http writes them.
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	line := make([]byte, 0, 128)
	for _, k := range keys {
		if !validToken(k) {
			continue // as net/http, which skips invalid names
		}
		for _, v := range h[k] {
			line = appendHeader(line[:0], k, trimHeaderValue(v))
			bw.Write(line)
		}
	}
	if _, dated := h["Date"]; !dated {
		bw.WriteString("Date: ")
		bw.Write(httpDate(time.Now()))
		bw.WriteString("\r\n")
	}
	if q.closeConn {
		bw.WriteString("Connection: close\r\n")
	}
	bw.WriteString("\r\n")
	if q.method == http.MethodHead || !bodyAllowed {
		return 0
	}
	bw.Write(resp.Body)
	return int64(len(resp.Body))
}

// trimHeaderValue trims what net/http trims from a value it writes
// (textproto.TrimString): ASCII spaces, tabs, CRs and LFs.
func trimHeaderValue(v string) string {
	return strings.Trim(v, " \t\r\n")
}
