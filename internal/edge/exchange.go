package edge

import (
	"net/http"

	"sync"
	"time"

	"github.com/verge-edge/verge/internal/edge/origin"
)

// An exchange is one request's state as it moves through the phases. It is
// also the http.ResponseWriter the phases write through, so the edge sees the
// status and bytes of every response for the access log and metrics, and can
// decorate headers just before they are sent. Exchanges are pooled.
type exchange struct {
	s     *Server
	st    *state
	w     http.ResponseWriter
	r     *http.Request
	d     *dist
	b     *behavior
	start time.Time
	id    string
	key   []byte
	// varied is set when key is a secondary key found through a Vary marker.
	varied bool
	// retried is set once a viewer looked the cache up a second time.
	retried bool

	result      string   // x-edge-result-type
	detail      string   // x-edge-detailed-result-type, when it differs
	cacheStatus string   // RFC 9211 Cache-Status value
	xcache      []string // X-Cache when not the result's own: Lambda@Edge's generated responses and failures
	status      int
	bytes       int64
	wroteHeader bool
	decorated   bool
	// freq is the request as functions see it; nil until a function runs.
	freq *Request
	// origin is the origin a viewer-request function chose, or nil.
	origin origin.Handler
	// body is the viewer's body once a function with includeBody read
	// ahead in it; r.Body reads through it.
	body *viewerBody
}

var exchangePool = sync.Pool{New: func() any { return &exchange{key: make([]byte, 0, 256)} }}

func (s *Server) newExchange(w http.ResponseWriter, r *http.Request, st *state) *exchange {
	ex := exchangePool.Get().(*exchange)
	ex.s, ex.st, ex.w, ex.r = s, st, w, r
	ex.start = time.Now()
	ex.id = s.ids.next()
	return ex
}

func (ex *exchange) release() {
	key := ex.key[:0]
	if cap(key) > 4096 {
		key = make([]byte, 0, 256) // don't pool a buffer grown by one huge key
	}
	*ex = exchange{key: key}
	exchangePool.Put(ex)
}

// Header, Write, WriteHeader and Flush make the exchange an http.ResponseWriter.
func (ex *exchange) Header() http.Header { return ex.w.Header() }

func (ex *exchange) WriteHeader(status int) {
	if ex.wroteHeader {
		return
	}
	if status >= 100 && status < 200 {
		ex.w.WriteHeader(status) // informational: more headers follow
		return
	}
	ex.wroteHeader = true
	ex.status = status
	if status >= 400 && ex.result != resultGenerated {
		ex.result = resultError
	}
	ex.decorate(ex.w.Header())
	ex.w.WriteHeader(status)
}

func (ex *exchange) Write(p []byte) (int, error) {
	if !ex.wroteHeader {
		ex.WriteHeader(http.StatusOK)
	}
	n, err := ex.w.Write(p)
	ex.bytes += int64(n)
	return n, err
}

// Flush passes a flush through, for streamed responses.
func (ex *exchange) Flush() {
	if !ex.wroteHeader {
		ex.WriteHeader(http.StatusOK)
	}
	if f, ok := ex.w.(http.Flusher); ok {
		f.Flush()
	}
}

// decorate adds the edge's own response headers once.
func (ex *exchange) decorate(h http.Header) {
	if ex.decorated {
		return
	}
	ex.decorated = true
	n := ex.s.names
	switch {
	case ex.xcache != nil:
		h[hdrXCache] = ex.xcache
	case ex.result == resultHit:
		h[hdrXCache] = n.xcacheHit
	case ex.result == resultRefreshHit:
		h[hdrXCache] = n.xcacheRefresh
	case ex.result == resultError:
		h[hdrXCache] = n.xcacheError
	case ex.result == resultGenerated:
		h[hdrXCache] = n.xcacheGenerated
	default:
		h[hdrXCache] = n.xcacheMiss
	}
	h[hdrVia] = appendVia(h[hdrVia], n.via)
	h[hdrRequestID] = []string{ex.id}
	if ex.cacheStatus != "" {
		h[hdrCacheStatus] = []string{ex.cacheStatus}
	}
}

// appendVia adds this node to a Via list without touching the origin's slice,
// which may be shared with a cache entry.
func appendVia(prev []string, via []string) []string {
	if len(prev) == 0 {
		return via
	}
	out := make([]string, 0, len(prev)+1)
	return append(append(out, prev...), via[0])
}

// fail answers with an error page from the catalog.
func (ex *exchange) fail(e edgeError, detail string) {
	if ex.result == "" {
		ex.result = resultError
	}
	if ex.detail == "" {
		ex.detail = e.Code
	}
	body := e.page(ex.id, detail)
	h := ex.Header()
	for k := range h {
		delete(h, k)
	}
	setErrorPageHeader(h)
	h[hdrContentLength] = []string{itoa(len(body))}
	ex.cacheStatus = ex.s.names.cacheStatusFwdError
	ex.WriteHeader(e.Status)
	if ex.r.Method != http.MethodHead {
		ex.Write(body)
	}
}
