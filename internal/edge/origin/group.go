package origin

import (
	"net/http"

	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/stack"
)

// group is an origin group: the primary, or the secondary when the primary
// cannot be reached or answers with a failover status.
type group struct {
	primary, secondary Handler
	codes              map[int]bool
}

var _ Handler = (*group)(nil)

// NewGroup returns an origin that fails over from g.Primary to g.Secondary.
func NewGroup(g stack.GroupOrigin, opts Options) (Handler, error) {
	const op errs.Op = "origin.NewGroup"
	// Members report unreachable origins through this OnError: inside a
	// failover attempt it marks the attempt failed instead of rendering.
	member := opts
	member.OnError = func(w http.ResponseWriter, r *http.Request, status int, detail string) {
		if fw, ok := w.(*failoverWriter); ok && fw.state == pending {
			fw.state = failed
			return
		}
		renderError(opts.OnError, w, r, status, detail)
	}
	primary, err := New(g.Primary, member)
	if err != nil {
		return nil, errs.E(op, err)
	}
	secondary, err := New(g.Secondary, member)
	if err != nil {
		primary.Close()
		return nil, errs.E(op, err)
	}
	codes := make(map[int]bool, len(g.StatusCodes))
	for _, c := range g.StatusCodes {
		codes[c] = true
	}
	return &group{primary: primary, secondary: secondary, codes: codes}, nil
}

// Close closes both members.
func (g *group) Close() {
	g.primary.Close()
	g.secondary.Close()
}

func (g *group) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
	default:
		// CloudFront fails over only the methods it can safely repeat.
		g.primary.ServeHTTP(w, r)
		return
	}
	if g.tryPrimary(w, r) {
		g.secondary.ServeHTTP(w, r)
	}
}

// tryPrimary runs the primary on a failoverWriter and reports whether the
// secondary must answer instead.
func (g *group) tryPrimary(w http.ResponseWriter, r *http.Request) (failover bool) {
	fw := &failoverWriter{w: w, header: make(http.Header), codes: g.codes}
	defer func() {
		if v := recover(); v != nil {
			// A primary that aborts before committing (its swallowed body
			// broke) still leaves the secondary to answer.
			if v != http.ErrAbortHandler || fw.state == committed {
				panic(v)
			}
			failover = r.Context().Err() == nil
		}
	}()
	g.primary.ServeHTTP(fw, r)
	if r.Context().Err() != nil && fw.state != committed {
		return false // the viewer went away
	}
	switch fw.state {
	case swallowed, failed:
		return true
	case pending:
		fw.commit(http.StatusOK) // a handler that writes nothing sends 200, as net/http does
	}
	return false
}

// attempt states of a failoverWriter.
const (
	pending   = iota // nothing decided yet
	committed        // the primary's response is going to the real writer
	swallowed        // the primary answered a failover status: discard it
	failed           // the primary could not be reached
)

// failoverWriter holds back the primary's response until its status shows
// whether it stands. Headers go to a map of its own, so a swallowed
// response leaves no trace on the real writer. It has no Unwrap method on
// purpose: http.ResponseController must not reach the real writer around it.
type failoverWriter struct {
	w      http.ResponseWriter
	header http.Header
	codes  map[int]bool
	state  int
}

func (fw *failoverWriter) Header() http.Header {
	if fw.state == committed {
		return fw.w.Header() // trailers are set after the body
	}
	return fw.header
}

func (fw *failoverWriter) WriteHeader(code int) {
	if fw.state != pending || code >= 100 && code < 200 {
		return // informational responses are dropped; only the final one decides
	}
	if fw.codes[code] {
		fw.state = swallowed
		return
	}
	fw.commit(code)
}

// commit sends the held headers and status to the real writer.
func (fw *failoverWriter) commit(code int) {
	dst := fw.w.Header()
	for k, v := range fw.header {
		dst[k] = v
	}
	fw.state = committed
	fw.w.WriteHeader(code)
}

func (fw *failoverWriter) Write(p []byte) (int, error) {
	if fw.state == pending {
		fw.WriteHeader(http.StatusOK)
	}
	if fw.state != committed {
		// Drained rather than refused, so the primary's connection stays
		// reusable.
		return len(p), nil
	}
	return fw.w.Write(p)
}

// FlushError flushes a committed response; httputil.ReverseProxy finds it
// through http.ResponseController.
func (fw *failoverWriter) FlushError() error {
	if fw.state != committed {
		return nil
	}
	return http.NewResponseController(fw.w).Flush()
}

// Flush is FlushError for callers that look for an http.Flusher.
func (fw *failoverWriter) Flush() { _ = fw.FlushError() }

var _ http.Flusher = (*failoverWriter)(nil)
