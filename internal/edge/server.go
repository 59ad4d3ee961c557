package edge

import (
	"context"
	"github.com/verge-edge/verge/internal/cfheader"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/verge-edge/verge/internal/edge/cache"
	"github.com/verge-edge/verge/internal/edge/origin"
	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/stack"
)

// Options configure a Server.
type Options struct {
	// Name is the word after "from" in X-Cache and the node in Via and
	// Cache-Status; "verge" when empty.
	Name string
	// Store holds cached responses; a 64 MiB memory store when nil.
	Store cache.Store
	// AccessLog receives one JSON line per request; nil for none.
	AccessLog io.Writer
	// Logger receives operational messages; slog.Default when nil.
	Logger *slog.Logger
	// Metrics receives counters; nil for none.
	Metrics *Metrics
	// Country gives the CloudFront-Viewer-Country the edge adds when a
	// cache key names it: a GeoIP database or a development override; nil
	// (or an unknown address) leaves the header out of requests.
	Country cfheader.CountryFunc
	// Gateway returns the handler of a front door for functions that a
	// behaviour's origin names; nil answers those origins 502.
	Gateway func(name string) http.Handler
	// Requests sees every request the access log records, as it ends
	// (the dev terminal); nil for none. It must not block.
	Requests func(*LogLine)
	// BucketInfo gives bucket origins what the bucket's S3 side stored of
	// each object (origin.Options.BucketInfo); nil for none.
	BucketInfo func(bucket string) origin.InfoFunc
}

// A Server is the CDN: an http.Handler for the viewer-facing listener.
type Server struct {
	opts  Options
	names names
	ids   *idGen
	store cache.Store
	log   *slog.Logger
	alog  *accessLog
	m     *Metrics

	state atomic.Pointer[state]
	fills fills
	// gen counts invalidations: a fill started before one is not stored.
	gen atomic.Uint64
	// fastHits counts hits the fast path answered.
	fastHits atomic.Uint64
	// fnHeads keeps the responses of reusable viewer-response outcomes
	// (fastfn.go).
	fnHeads fnHeads
	// bg tracks background work (detached fetches) for Close.
	bg      sync.WaitGroup
	closing atomic.Bool
}

// New returns a Server with no distributions; Load gives it a plan.
func New(opts Options) *Server {
	if opts.Name == "" {
		opts.Name = "verge"
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Store == nil {
		opts.Store = &cache.Tiered{Mem: cache.NewMemory(64 << 20)}
	}
	s := &Server{opts: opts, names: newNames(opts.Name), ids: newIDGen(), store: opts.Store, log: opts.Logger, m: opts.Metrics}
	s.fills.m = map[string]*fill{}
	if opts.AccessLog != nil {
		s.alog = newAccessLog(opts.AccessLog)
	}
	if s.m != nil {
		s.m.bindStore(opts.Store)
	}
	return s
}

// Load compiles plan and makes it live. Requests in flight finish on the
// configuration they started with. runner runs the plan's functions; it may
// be nil for a plan without any.
func (s *Server) Load(plan *stack.Plan, runner Runner) error {
	st, err := s.Prepare(plan, runner)
	if err != nil {
		return err
	}
	st.Commit()
	return nil
}

// Prepare compiles plan without touching what serves traffic; the result's
// Commit makes it live and Discard drops it.
func (s *Server) Prepare(plan *stack.Plan, runner Runner) (*Staged, error) {
	const op errs.Op = "edge.Load"
	st, err := compile(plan, runner, origin.Options{Via: s.names.via[0], OnError: s.originError, Gateway: s.opts.Gateway, BucketInfo: s.opts.BucketInfo})
	if err != nil {
		return nil, errs.E(op, err)
	}
	return &Staged{s: s, st: st}, nil
}

// Staged is a compiled plan waiting to be committed or discarded.
type Staged struct {
	s  *Server
	st *state
}

// Commit makes the staged plan live (it cannot fail) and clears what the
// previous one rendered.
func (p *Staged) Commit() {
	if old := p.s.state.Swap(p.st); old != nil {
		old.close()
	}
	p.s.fnHeads.clear()
}

// Discard releases a staged plan that is not committed (its origins).
func (p *Staged) Discard() { p.st.close() }

// Hosts lists the host names of the loaded distributions ("" for a single
// distribution, which answers any host), by distribution name.
func (s *Server) Hosts() map[string]string {
	st := s.state.Load()
	out := map[string]string{}
	if st == nil {
		return out
	}
	for _, d := range st.dists {
		if st.single != nil {
			out[d.name] = ""
		} else {
			out[d.name] = d.name + ".localhost"
		}
	}
	return out
}

// ServeHTTP runs a viewer's request through the phases.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	st := s.state.Load()
	ex := s.newExchange(w, r, st)
	defer s.finish(ex)
	switch {
	case len(r.RequestURI) > maxURLBytes:
		ex.fail(errURITooLong, "")
		return
	case st == nil:
		ex.fail(errNoDistribution, "")
		return
	}
	ex.d = st.route(r.Host)
	if ex.d == nil {
		ex.fail(errNoDistribution, "")
		return
	}
	ex.b = ex.d.match(r.URL.Path)
	ex.run()
}

// finish writes the access log line and counts the request.
func (s *Server) finish(ex *exchange) {
	if !ex.wroteHeader && ex.r.Context().Err() == nil {
		ex.WriteHeader(http.StatusOK)
	}
	if s.logging() {
		r := ex.r
		rec := logRecord{start: ex.start, elapsed: time.Since(ex.start), clientIP: clientIP(r),
			method: r.Method, host: r.Host, path: r.URL.Path, query: r.URL.RawQuery, status: ex.status,
			bytes: ex.bytes, result: ex.result, detail: ex.detail, requestID: ex.id}
		if ex.d != nil {
			rec.distribution = ex.d.name
		}
		s.record(&rec)
	}
	ex.release()
}

// logging reports whether a request's record goes anywhere.
func (s *Server) logging() bool { return s.alog != nil || s.m != nil || s.opts.Requests != nil }

// record logs and counts one request.
func (s *Server) record(rec *logRecord) {
	s.log1(rec)
	if s.m != nil {
		s.m.observe(rec)
	}
}

// log1 writes one request to the access log and hands it to Requests.
func (s *Server) log1(rec *logRecord) {
	if s.alog != nil {
		s.alog.write(rec)
	}
	if s.opts.Requests != nil {
		s.opts.Requests(rec.export())
	}
}

// Invalidate removes the cached objects of distribution dist (every
// distribution when empty) at paths; a path ending in "*" is a prefix.
// It returns how many entries were removed.
func (s *Server) Invalidate(dist string, paths []string) int {
	s.gen.Add(1)
	return s.store.Purge(cache.NewMatcher(dist, paths))
}

// Store returns the cache store.
func (s *Server) Store() cache.Store { return s.store }

// Close waits for background fetches (up to ctx) and releases origins and
// the access log. The store is the caller's to close.
func (s *Server) Close(ctx context.Context) error {
	s.closing.Store(true)
	done := make(chan struct{})
	go func() { s.bg.Wait(); close(done) }()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = ctx.Err()
	}
	if st := s.state.Swap(nil); st != nil {
		st.close()
	}
	if s.alog != nil {
		s.alog.close()
	}
	return err
}

// originError renders an origin failure as the edge's error page.
func (s *Server) originError(w http.ResponseWriter, r *http.Request, status int, detail string) {
	e := errOriginConnect
	if status == http.StatusGatewayTimeout {
		e = errOriginTimeout
	}
	id := r.Header.Get(hdrRequestID)
	body := e.page(id, "")
	h := w.Header()
	h[hdrContentType] = []string{"text/html; charset=iso-8859-1"}
	h["Cache-Control"] = []string{"no-store"}
	h[hdrContentLength] = []string{itoa(len(body))}
	h["X-Verge-Error"] = []string{e.Code}
	w.WriteHeader(e.Status)
	w.Write(body)
	s.log.Warn("origin error", "status", status, "path", r.URL.Path, "detail", detail, "request_id", id)
}
