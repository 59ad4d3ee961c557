package edge

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/verge-edge/verge/internal/edge/cache"
	"github.com/verge-edge/verge/internal/edge/origin"
	"github.com/verge-edge/verge/internal/stack"
)

// maxFetch bounds a detached origin fetch that no origin timeout ended.
const maxFetch = 10 * time.Minute

// fills tracks the origin fetches in flight by cache key, so concurrent
// misses for one key make one origin request (request collapsing).
type fills struct {
	mu sync.Mutex
	m  map[string]*fill
}

// join returns the fill for key, starting one when none is in flight; leader
// is true for the caller that must start the fetch.
func (fs *fills) join(key string) (f *fill, leader bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if f, ok := fs.m[key]; ok {
		return f, false
	}
	f = &fill{key: key}
	f.cond.L = &f.mu
	fs.m[key] = f
	return f, true
}

func (fs *fills) remove(f *fill) {
	fs.mu.Lock()
	if fs.m[f.key] == f {
		delete(fs.m, f.key)
	}
	fs.mu.Unlock()
}

// A fill is one origin response being received. The fetch goroutine
// publishes the status and headers, then appends body bytes; any number of
// viewers read it as it grows. Published bytes never change, so readers copy
// slices under the lock and write them outside it.
type fill struct {
	key  string
	mu   sync.Mutex
	cond sync.Cond

	started   bool // status and header are published
	done      bool // the body is complete (or aborted)
	aborted   bool // the origin response broke off: readers abort too
	abandoned bool // the fetch never started: waiters go to the origin themselves
	share     bool // waiters other than the leader may use this response

	status      int
	header      http.Header
	body        []byte
	result      string
	cacheStatus string
	xcache      []string    // X-Cache when not the result's own (a generated response)
	reqHeader   http.Header // the leader's request header, for Vary checks
	funcErr     error       // an origin-response function failed
	entry       *cache.Entry
}

func (f *fill) publish(status int, h http.Header, share bool, result, cacheStatus string, xcache []string) {
	f.mu.Lock()
	f.started, f.status, f.header, f.share = true, status, h, share
	f.result, f.cacheStatus, f.xcache = result, cacheStatus, xcache
	f.cond.Broadcast()
	f.mu.Unlock()
}

func (f *fill) append(p []byte) {
	f.mu.Lock()
	f.body = append(f.body, p...)
	f.cond.Broadcast()
	f.mu.Unlock()
}

func (f *fill) abandon() {
	f.mu.Lock()
	f.abandoned, f.done = true, true
	f.cond.Broadcast()
	f.mu.Unlock()
}

// sameVariant reports whether a response varying on the leader's request
// headers also fits h (RFC 9111 §4.1).
func (f *fill) sameVariant(h http.Header) bool {
	for _, v := range f.header[hdrVary] {
		for name := range strings.SplitSeq(v, ",") {
			name = http.CanonicalHeaderKey(strings.TrimSpace(name))
			if name == "" || name == hdrAcceptEncoding {
				continue
			}
			if name == "*" || strings.Join(h[name], ",") != strings.Join(f.reqHeader[name], ",") {
				return false
			}
		}
	}
	return true
}

// fetch gets the response for ex.key from the origin through a fill,
// starting it when no viewer already has, then serves it. stale is the
// expired entry to revalidate, or nil.
func (ex *exchange) fetch(stale *cache.Entry) {
	f, leader := ex.s.fills.join(string(ex.key))
	if leader && !ex.startFill(f, stale) {
		return
	}
	ex.serveFill(f, leader)
}

// startFill runs origin-request on the leader's request and starts the
// detached fetch; false means the viewer has been answered already. A
// response the origin-request function generates fills the fill as an
// origin response would, and is cached (CloudFront's rule), without
// origin-response.
func (ex *exchange) startFill(f *fill, stale *cache.Entry) bool {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ex.r.Context()), maxFetch)
	out := ex.outbound(ctx, http.MethodGet, true)
	if stale != nil {
		setValidators(out.Header, stale)
	}
	f.reqHeader = out.Header.Clone()
	gen, ok := ex.originRequest(out)
	if !ok {
		cancel()
		f.abandon()
		ex.s.fills.remove(f)
		return false
	}
	job := &fillJob{s: ex.s, f: f, d: ex.d, b: ex.b, st: ex.st, origin: ex.originHandler(), out: out, stale: stale,
		gen: ex.s.gen.Load(), varied: ex.varied, freq: ex.freqCopy(), cancel: cancel}
	if gen != nil {
		job.generate(gen)
	}
	ex.s.bg.Add(1)
	go job.run()
	return true
}

// generate makes the job serve resp, generated at origin-request, instead
// of going to the origin.
func (j *fillJob) generate(resp *Response) {
	if resp.Status == 0 {
		resp.Status = http.StatusOK
	}
	j.generated, j.stale = resp, nil
	j.xcache = j.s.names.generatedBy(j.b.fn.OriginRequest)
}

func setValidators(h http.Header, e *cache.Entry) {
	if e.ETag != "" {
		h[hdrIfNoneMatch] = []string{e.ETag}
	}
	if e.LastModified != "" {
		h[hdrIfModifiedSince] = []string{e.LastModified}
	}
}

// freqCopy gives the fetch goroutine its own copy of the function request.
func (ex *exchange) freqCopy() *Request {
	if ex.b.fn.OriginRequest == nil && ex.b.fn.OriginResponse == nil {
		return nil
	}
	fr := *ex.functionRequest()
	fr.Header = fr.Header.Clone()
	return &fr
}

// revalidateInBackground refreshes a stale entry while the viewer gets it
// (RFC 5861 stale-while-revalidate); only one refresh per key runs. The
// refresh goes to the origin, so origin-request and origin-response run
// for it, in the background.
func (s *Server) revalidateInBackground(ex *exchange, e *cache.Entry) {
	f, leader := s.fills.join(string(ex.key))
	if !leader {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ex.r.Context()), maxFetch)
	out := ex.outbound(ctx, http.MethodGet, true)
	setValidators(out.Header, e)
	f.reqHeader = out.Header.Clone()
	job := &fillJob{s: s, f: f, d: ex.d, b: ex.b, st: ex.st, origin: ex.originHandler(), out: out, stale: e,
		gen: s.gen.Load(), varied: ex.varied, freq: ex.freqCopy(), cancel: cancel, background: true}
	s.bg.Add(1)
	go job.run()
}

// serveFill sends a fill's response to one viewer: streamed as it arrives,
// or whole when the viewer needs the complete body (ranges, conditionals,
// compression, a viewer-response function).
func (ex *exchange) serveFill(f *fill, leader bool) {
	f.mu.Lock()
	for !f.started && !f.done {
		f.cond.Wait()
	}
	switch {
	case f.abandoned:
		f.mu.Unlock()
		ex.pass(ex.s.names.cacheStatusMiss)
		return
	case f.funcErr != nil:
		err := f.funcErr
		f.mu.Unlock()
		ex.functionFailed(err)
		return
	case !leader && !f.share:
		// Not for sharing (private, Set-Cookie): this viewer goes to the
		// origin on its own.
		f.mu.Unlock()
		ex.pass(ex.s.names.cacheStatusMiss)
		return
	case !leader && !f.sameVariant(ex.r.Header):
		// Another variant of a response that varies: once this fill has
		// stored the Vary marker, look again, under this viewer's own key.
		for !f.done {
			f.cond.Wait()
		}
		f.mu.Unlock()
		if ex.retried {
			ex.pass(ex.s.names.cacheStatusMiss)
			return
		}
		ex.retried = true
		ex.serveCached()
		return
	}
	ex.result, ex.cacheStatus = f.result, f.cacheStatus
	if f.xcache != nil {
		ex.xcache = f.xcache
	}
	if f.done || ex.wantsWhole(f.status, f.header) {
		for !f.done {
			f.cond.Wait()
		}
		e, aborted := f.entry, f.aborted
		f.mu.Unlock()
		if aborted {
			panic(http.ErrAbortHandler)
		}
		ex.serveEntry(e)
		return
	}
	h := ex.Header()
	for k, v := range f.header {
		h[k] = v
	}
	status := f.status
	f.mu.Unlock()
	ex.WriteHeader(status)
	if ex.r.Method == http.MethodHead {
		return
	}
	ex.stream(f)
}

// stream copies a fill's body to the viewer as it grows.
func (ex *exchange) stream(f *fill) {
	off := 0
	for {
		f.mu.Lock()
		for off == len(f.body) && !f.done {
			f.cond.Wait()
		}
		chunk, done, aborted := f.body[off:], f.done, f.aborted
		f.mu.Unlock()
		if len(chunk) > 0 {
			if _, err := ex.Write(chunk); err != nil {
				return // the viewer left; the fetch goes on for the others
			}
			off += len(chunk)
			ex.Flush()
		}
		if done {
			if aborted {
				panic(http.ErrAbortHandler)
			}
			return
		}
	}
}

// wantsWhole reports whether this viewer needs the complete body first.
func (ex *exchange) wantsWhole(status int, h http.Header) bool {
	r := ex.r
	if r.Header[hdrRange] != nil || r.Header[hdrIfNoneMatch] != nil || r.Header[hdrIfModifiedSince] != nil ||
		r.Header[hdrIfMatch] != nil || r.Header[hdrIfUnmodSince] != nil {
		return true
	}
	if ex.b.fn.ViewerResponse != nil {
		return true
	}
	return ex.d.compress && status == http.StatusOK && h[hdrContentEncoding] == nil &&
		acceptedEncoding(r.Header[hdrAcceptEncoding]) != "" && cache.Compressible(headerValue(h, hdrContentType))
}

func headerValue(h http.Header, name string) string {
	if v := h[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// A fillJob is the detached fetch behind a fill.
type fillJob struct {
	s      *Server
	f      *fill
	d      *dist
	b      *behavior
	st     *state
	origin origin.Handler
	out    *http.Request
	stale  *cache.Entry
	gen    uint64
	varied bool // the fill's key is already a secondary (Vary) key
	freq   *Request
	cancel context.CancelFunc
	// background is set for a stale-while-revalidate refresh, whose
	// origin-request function runs in the job.
	background bool
	// generated is the response an origin-request function generated, to
	// publish and cache instead of the origin's; xcache is its X-Cache.
	generated *Response
	xcache    []string

	header   http.Header
	wrote    bool
	discard  bool
	noStore  bool
	reqTime  time.Time
	respTime time.Time
	decision cache.Decision
	size     int
	length   int          // the announced Content-Length, -1 when none
	stored   *cache.Entry // the entry, once appendLast built it
}

func (j *fillJob) run() {
	defer j.s.bg.Done()
	defer j.cancel()
	if j.background && j.b.fn.OriginRequest != nil && !j.originRequest() {
		return
	}
	j.fetch()
}

// originRequest runs a background refresh's origin-request function;
// false means it failed: the fill is abandoned (its waiters go to the
// origin themselves) and the stale entry stays.
func (j *fillJob) originRequest() bool {
	gen, o, err := j.s.runOriginRequest(j.out.Context(), j.st, j.d, j.b, j.freq, j.out)
	if err != nil {
		j.s.log.Warn("background refresh: origin-request function failed", "distribution", j.d.name,
			"path", j.out.URL.Path, "err", err)
		j.f.abandon()
		j.s.fills.remove(j.f)
		return false
	}
	if o != nil {
		j.origin = o
	}
	if gen != nil {
		j.generate(gen)
	}
	return true
}

// fetch receives the response (the origin's, or the generated one) into
// the fill.
func (j *fillJob) fetch() {
	defer j.recoverAbort()
	j.header = http.Header{}
	j.length = -1
	j.reqTime = time.Now()
	switch fn := j.b.fn.OriginResponse; {
	case j.generated != nil:
		j.serveGenerated()
	case fn != nil:
		j.runWithFunction(fn)
	default:
		j.origin.ServeHTTP(j, j.out)
	}
	j.finish(false)
}

// serveGenerated writes the generated response into the fill, as an origin
// would: cached by the same rules, origin-response not run.
func (j *fillJob) serveGenerated() {
	g := j.generated
	for k, v := range g.Header {
		j.header[k] = v
	}
	j.header[hdrContentLength] = []string{itoa(len(g.Body))}
	j.WriteHeader(g.Status)
	if len(g.Body) > 0 {
		j.Write(g.Body)
	}
}

// recoverAbort turns an origin response that broke off mid-body (the reverse
// proxy panics with http.ErrAbortHandler) into an aborted fill, so readers
// abort their connections too and nothing is stored.
func (j *fillJob) recoverAbort() {
	if v := recover(); v != nil {
		if v != http.ErrAbortHandler {
			j.s.log.Error("origin fetch panicked", "panic", v, "path", j.out.URL.Path)
		}
		j.finish(true)
	}
}

func (j *fillJob) runWithFunction(fn *stack.FunctionRef) {
	rec := newRecorder()
	j.origin.ServeHTTP(rec, j.out)
	resp := rec.response()
	if err := j.st.runner.Response(j.out.Context(), stack.OriginResponse, fn, j.freq, resp); err != nil {
		j.f.mu.Lock()
		j.f.funcErr = err
		j.f.mu.Unlock()
		j.noStore = true
		j.f.publish(http.StatusServiceUnavailable, http.Header{}, false, resultError, "", nil)
		return
	}
	for k, v := range resp.Header {
		j.header[k] = v
	}
	j.header.Del(hdrContentLength)
	j.WriteHeader(resp.Status)
	j.Write(resp.Body)
}

// Header, WriteHeader and Write receive the origin's response.
func (j *fillJob) Header() http.Header { return j.header }

func (j *fillJob) WriteHeader(status int) {
	if j.wrote || status < 200 {
		return
	}
	j.wrote = true
	j.respTime = time.Now()
	names := &j.s.names
	h := j.header
	delete(h, "X-Verge-Error") // the origin's error page marks itself; viewers need not see it
	if st := j.stale; st != nil {
		switch {
		case status == http.StatusNotModified:
			merged := cache.Merge304(st.Header, h)
			j.decision = cache.Decide(j.out.Header, st.Status, merged, j.reqTime, j.respTime, j.b.ttl)
			j.serveStored(st, merged, resultRefreshHit, names.cacheStatusRefresh)
			return
		case status >= 500 && st.UsableOnError(j.respTime):
			j.noStore = true
			j.serveStored(st, st.Header, resultHit, names.cacheStatusStaleIfError)
			return
		}
	}
	j.decision = cache.Decide(j.out.Header, status, h, j.reqTime, j.respTime, j.b.ttl)
	j.length = announcedLength(h)
	cs := names.cacheStatusMiss
	if j.decision.Store {
		cs = names.cacheStatusMissStored
	}
	if j.d.compress && cache.Compressible(headerValue(h, hdrContentType)) && h[hdrContentEncoding] == nil {
		h[hdrVary] = addVary(h[hdrVary], hdrAcceptEncoding)
	}
	result := resultMiss
	if j.generated != nil {
		result = resultGenerated
	}
	j.f.publish(status, h.Clone(), j.decision.Store, result, cs, j.xcache)
}

// serveStored publishes a stored body with new headers (a 304 refresh or a
// stale-if-error stand-in) and ignores whatever body the origin sends.
func (j *fillJob) serveStored(st *cache.Entry, h http.Header, result, cacheStatus string) {
	j.discard = true
	j.f.mu.Lock()
	j.f.body = st.Body
	j.f.mu.Unlock()
	j.f.publish(st.Status, h.Clone(), true, result, cacheStatus, nil)
}

func (j *fillJob) Write(p []byte) (int, error) {
	if !j.wrote {
		j.WriteHeader(http.StatusOK)
	}
	if j.discard {
		return len(p), nil
	}
	j.size += len(p)
	if j.length >= 0 && j.size == j.length && j.stored == nil {
		j.appendLast(p)
		return len(p), nil
	}
	j.f.append(p)
	return len(p), nil
}

// Flush is a no-op: readers are woken on every write.
func (j *fillJob) Flush() {}

// finish completes the fill: builds the entry, stores it when allowed (if
// the last write did not already), then removes the fill and marks it done.
// A viewer arriving in between finds either the fill or the stored entry,
// never neither, and no viewer joins a fill that is already done.
func (j *fillJob) finish(aborted bool) {
	f := j.f
	if !j.wrote && !aborted {
		j.WriteHeader(http.StatusOK)
	}
	f.mu.Lock()
	if f.done {
		f.mu.Unlock()
		return
	}
	e := j.stored
	if e == nil {
		e = j.entry()
	}
	f.mu.Unlock()
	if j.stored == nil && !aborted {
		j.storeIfAllowed(e)
	}
	j.s.fills.remove(f)
	f.mu.Lock()
	f.entry, f.done, f.aborted = e, true, aborted
	if !f.started {
		f.started = true
	}
	f.cond.Broadcast()
	f.mu.Unlock()
}

// storeIfAllowed stores e when the response may be kept: storable, whole,
// not too big, and no invalidation or shutdown since the fetch began.
func (j *fillJob) storeIfAllowed(e *cache.Entry) {
	if !j.noStore && j.decision.Store && len(e.Body) <= maxEntryBytes &&
		j.gen == j.s.gen.Load() && !j.s.closing.Load() {
		j.store(e)
	}
}

// appendLast appends the final bytes of a body whose length was announced,
// storing the entry before any viewer can see them: a viewer that has the
// whole body and asks again finds the entry, not a fill being finished.
func (j *fillJob) appendLast(p []byte) {
	f := j.f
	f.mu.Lock()
	defer f.mu.Unlock()
	f.body = append(f.body, p...)
	e := j.entry()
	j.storeIfAllowed(e)
	j.stored = e
	f.cond.Broadcast()
}

// entry builds the cache entry for the fill's response; f.mu is held.
func (j *fillJob) entry() *cache.Entry {
	f := j.f
	h := f.header
	if h == nil {
		h = http.Header{}
	}
	h = h.Clone()
	h[hdrContentLength] = []string{itoa(len(f.body))}
	d := j.decision
	e := &cache.Entry{
		Dist: j.d.name, Path: j.out.URL.Path, Status: f.status, Header: h, Body: f.body,
		ResponseTime: j.respTime, InitialAge: d.InitialAge, TTL: d.TTL,
		StaleWhileRevalidate: d.StaleWhileRevalidate, StaleIfError: d.StaleIfError,
		MustRevalidate: d.MustRevalidate,
		ETag:           headerValue(h, hdrETag), LastModified: headerValue(h, hdrLastModified),
		Vary: varyNames(h),
	}
	if e.LastModified != "" {
		e.ModTime, _ = http.ParseTime(e.LastModified)
	}
	return e
}

// store puts e in the cache, with a Vary marker under the primary key when
// the response varies and the fill was under the primary key.
func (j *fillJob) store(e *cache.Entry) {
	key := j.f.key
	if len(e.Vary) > 0 && !j.varied {
		j.s.store.Set(&cache.Entry{Key: key, Dist: e.Dist, Path: e.Path, Vary: e.Vary,
			ResponseTime: e.ResponseTime, TTL: e.TTL + e.StaleWhileRevalidate + e.StaleIfError})
		key = string(appendVaryKey([]byte(key), e.Vary, j.f.reqHeader))
	}
	e.Key = key
	j.s.store.Set(e)
}

// varyNames lists a response's Vary fields, except Accept-Encoding, which
// the edge handles itself (origins are always asked for identity).
func varyNames(h http.Header) []string {
	var out []string
	for _, v := range h[hdrVary] {
		for name := range strings.SplitSeq(v, ",") {
			name = http.CanonicalHeaderKey(strings.TrimSpace(name))
			if name != "" && name != hdrAcceptEncoding {
				out = append(out, name)
			}
		}
	}
	return out
}

func addVary(vary []string, name string) []string {
	for _, v := range vary {
		for n := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(n), name) {
				return vary
			}
		}
	}
	return append(vary[:len(vary):len(vary)], name)
}

// len returns how many fills are in flight.
func (fs *fills) len() int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return len(fs.m)
}

// announcedLength is a response's Content-Length, or -1.
func announcedLength(h http.Header) int {
	v := headerValue(h, hdrContentLength)
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return -1
	}
	return n
}
