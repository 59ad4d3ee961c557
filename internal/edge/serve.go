package edge

import (
	"bytes"
	"net/http"
	"strconv"
	"time"

	"github.com/verge-edge/verge/internal/edge/cache"
	"github.com/verge-edge/verge/internal/stack"
)

// serveEntry sends a complete response (a cache entry, or a finished fill)
// to the viewer: compressed when the viewer accepts it, with Age, and with
// Range and conditional requests answered from the body.
func (ex *exchange) serveEntry(e *cache.Entry) {
	e = ex.variantFor(e)
	if ex.b.fn.ViewerResponse != nil && e.Status < 400 {
		ex.viewerResponse(e)
		return
	}
	h := ex.w.Header()
	for k, v := range e.Header {
		h[k] = v
	}
	if ex.result == resultHit {
		h[hdrAge] = []string{strconv.FormatInt(int64(e.Age(ex.start)/time.Second), 10)}
	}
	r := ex.r
	if e.Status == http.StatusOK && hasConditionalOrRange(r.Header) {
		http.ServeContent(ex, r, "", e.ModTime, bytes.NewReader(e.Body))
		return
	}
	ex.WriteHeader(e.Status)
	if r.Method != http.MethodHead {
		ex.Write(e.Body)
	}
}

func hasConditionalOrRange(h http.Header) bool {
	return h[hdrRange] != nil || h[hdrIfNoneMatch] != nil || h[hdrIfModifiedSince] != nil ||
		h[hdrIfMatch] != nil || h[hdrIfUnmodSince] != nil
}

// viewerResponse runs the viewer-response function on a copy of e.
func (ex *exchange) viewerResponse(e *cache.Entry) {
	resp := &Response{Status: e.Status, Header: e.Header.Clone(), Body: e.Body}
	if ex.result == resultHit {
		resp.Header[hdrAge] = []string{strconv.FormatInt(int64(e.Age(time.Now())/time.Second), 10)}
	}
	if !ex.responseHook(stack.ViewerResponse, resp) {
		return
	}
	ex.writeResponse(resp)
}
