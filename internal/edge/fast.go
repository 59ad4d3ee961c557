package edge

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/verge-edge/verge/internal/edge/cache"
)

// The fast path.
//
// A Frontend owns the viewer listener. Each connection starts on a minimal
// HTTP/1.1 responder that answers what a CDN answers most: a GET or HEAD
// for a fresh cached object, with no body, no conditionals, no ranges and
// no viewer-request function. It parses the request head in place, looks the key
// up and writes a response head serialized once per entry, so a hit costs a
// few hundred nanoseconds beyond the syscalls.
//
// A hit whose behaviour has a viewer-response function (and no
// viewer-request one) stays on the fast path too: the function runs on the
// entry and the fast path writes the response it returns (fastfn.go).
//
// The first request that is anything else (a miss, a stale entry, a
// viewer-request function, a header the fast path does not handle, a malformed request)
// hands the connection, with the bytes already read, to the net/http server
// that runs the full pipeline; the connection stays there. The fast path
// never answers a request it is unsure of: when in doubt it hands off, and
// net/http gives the error (400, 414, 431) or the pipeline the response.

// Timeouts of fast-path connections, as the net/http server's.
const (
	fastIdleTimeout   = 120 * time.Second
	fastHeaderTimeout = 10 * time.Second
	// fastHeadMax is the largest request head the fast path reads; larger
	// heads go to net/http, which allows up to 20 KiB.
	fastHeadMax = 4096
)

// A Frontend serves viewers: fast-path hits itself, everything else through
// an http.Server whose handler is the Server.
type Frontend struct {
	s       *Server
	hs      *http.Server
	handoff *connQueue

	mu      sync.Mutex
	ln      net.Listener
	conns   map[net.Conn]bool // fast-path connections; true while idle
	closing atomic.Bool
	wg      sync.WaitGroup
}

// NewFrontend returns a Frontend for s that hands connections to hs, whose
// Handler is s or passes s every host s answers (the fast path never
// answers the hosts of other front doors: see state.claimed). Handed-off
// connections go through the framing guard, so it sets hs.ConnState as
// GuardFraming does.
func (s *Server) NewFrontend(hs *http.Server) *Frontend {
	followHijacks(hs)
	return &Frontend{s: s, hs: hs, conns: map[net.Conn]bool{}}
}

// Serve accepts viewers on ln until Shutdown.
func (f *Frontend) Serve(ln net.Listener) error {
	f.mu.Lock()
	f.ln = ln
	f.handoff = newConnQueue(ln.Addr())
	f.mu.Unlock()
	hsDone := make(chan error, 1)
	go func() { hsDone <- f.hs.Serve(f.handoff) }()
	var backoff acceptBackoff
	for {
		c, err := ln.Accept()
		if err != nil {
			if f.closing.Load() {
				return http.ErrServerClosed
			}
			if backoff.retry(err) {
				f.s.log.Warn("accept failed; retried after a pause", "err", err, "pause", backoff.delay)
				continue
			}
			return err
		}
		backoff.reset()
		f.wg.Add(1)
		go f.serveConn(c)
	}
}

// Shutdown stops accepting, closes idle fast-path connections, lets the
// active ones finish their response, then shuts the net/http server down.
func (f *Frontend) Shutdown(ctx context.Context) error {
	f.closing.Store(true)
	f.mu.Lock()
	if f.ln != nil {
		f.ln.Close()
	}
	for c, idle := range f.conns {
		if idle {
			c.SetReadDeadline(time.Now()) // wakes the reader, which closes
		}
	}
	f.mu.Unlock()
	done := make(chan struct{})
	go func() { f.wg.Wait(); close(done) }()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = ctx.Err()
	}
	if herr := f.hs.Shutdown(ctx); err == nil {
		err = herr
	}
	return err
}

func (f *Frontend) track(c net.Conn, idle bool) {
	f.mu.Lock()
	f.conns[c] = idle
	f.mu.Unlock()
	if idle && f.closing.Load() {
		c.SetReadDeadline(time.Now())
	}
}

func (f *Frontend) untrack(c net.Conn) {
	f.mu.Lock()
	delete(f.conns, c)
	f.mu.Unlock()
}

var (
	readerPool = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, fastHeadMax) }}
	writerPool = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 8<<10) }}
)

// serveConn answers hits on c until the connection ends or a request needs
// the full pipeline.
func (f *Frontend) serveConn(c net.Conn) {
	defer f.wg.Done()
	br := readerPool.Get().(*bufio.Reader)
	bw := writerPool.Get().(*bufio.Writer)
	br.Reset(c)
	bw.Reset(c)
	handedOff := false
	defer func() {
		f.untrack(c)
		if !handedOff {
			c.Close()
		}
		br.Reset(nil)
		bw.Reset(nil)
		readerPool.Put(br)
		writerPool.Put(bw)
	}()
	remote := c.RemoteAddr().String()
	for !f.closing.Load() {
		f.track(c, true)
		c.SetReadDeadline(time.Now().Add(fastIdleTimeout))
		n, err := readHead(c, br)
		f.track(c, false)
		if err != nil { // closed, idle or too slow: as net/http, just close
			bw.Flush()
			return
		}
		if n == 0 {
			break
		}
		head, _ := br.Peek(n)
		ok, closeAfter := f.s.fastHit(bw, string(head), remote)
		if !ok {
			break
		}
		br.Discard(n)
		if br.Buffered() == 0 || closeAfter {
			if bw.Flush() != nil || closeAfter {
				return
			}
		}
	}
	if bw.Flush() != nil || f.closing.Load() {
		return
	}
	// Hand off: net/http reads the buffered bytes first, then the socket,
	// through the framing guard (framing.go).
	buffered, _ := br.Peek(br.Buffered())
	pc := &prefixConn{Conn: c, prefix: bytes.Clone(buffered)}
	c.SetReadDeadline(time.Time{})
	if f.handoff.push(newFramingConn(pc)) {
		handedOff = true
	}
}

// readHead reads until the buffer holds a whole request head and returns its
// length; 0 when the head does not fit the buffer.
func readHead(c net.Conn, br *bufio.Reader) (int, error) {
	extended := false
	for {
		buf, _ := br.Peek(br.Buffered())
		if n := headEnd(buf); n > 0 {
			return n, nil
		}
		if len(buf) >= br.Size() {
			return 0, nil
		}
		if len(buf) > 0 && !extended {
			// A head has started: it must arrive within the header timeout.
			c.SetReadDeadline(time.Now().Add(fastHeaderTimeout))
			extended = true
		}
		if _, err := br.Peek(len(buf) + 1); err != nil {
			return 0, err
		}
	}
}

// headEnd returns the length of the request head at the start of buf, 0
// while it is incomplete. The head ends at its first empty line; a line
// may end in a bare LF, as net/http's reader allows, so such a head is
// handed off at once instead of waiting out the header timeout.
func headEnd(buf []byte) int {
	for i := 0; ; {
		j := bytes.IndexByte(buf[i:], '\n')
		if j < 0 {
			return 0
		}
		i += j + 1
		switch {
		case bytes.HasPrefix(buf[i:], lf):
			return i + 1
		case bytes.HasPrefix(buf[i:], crlf):
			return i + 2
		}
	}
}

var crlf, lf = []byte("\r\n"), []byte("\n")

// fastHit answers the request head if it is a fresh hit the fast path can
// serve; ok is false when it wrote nothing and the pipeline must answer.
func (s *Server) fastHit(bw *bufio.Writer, head, remote string) (ok, closeAfter bool) {
	start := time.Now()
	q, ok := parseFastRequest(head)
	if !ok {
		return false, false
	}
	st := s.state.Load()
	if st == nil {
		return false, false
	}
	d := st.route(q.host)
	if d == nil {
		return false, false
	}
	b := d.match(q.path)
	// A hit runs no function but viewer-response's: origin-request and
	// origin-response run on fetches only.
	if b.fn.ViewerRequest != nil || b.bypass || len(b.policy.Headers) > 0 || b.cookieSet != nil {
		return false, false
	}
	kb := keyPool.Get().(*[]byte)
	defer keyPool.Put(kb)
	*kb = b.appendKeyOf((*kb)[:0], d, q.path, q.query, nil)
	e, found := s.store.Get(string(*kb))
	if !found || e.Status == 0 || e.State(start) != cache.Fresh {
		return false, false
	}
	if e, ok = s.fastVariant(d, e, q.acceptEncoding); !ok {
		return false, false
	}
	s.fastHits.Add(1)
	id := s.ids.next()
	if fn := b.fn.ViewerResponse; fn != nil && e.Status < 400 {
		s.fastFunctionHit(bw, head, &q, fastHitCtx{st: st, d: d, b: b, e: e, id: id, start: start, remote: remote})
		return true, q.closeConn
	}
	n := s.writeFastResponse(bw, e, &q, id, start)
	if s.logging() {
		host, _, _ := net.SplitHostPort(remote)
		s.record(&logRecord{start: start, elapsed: time.Since(start), clientIP: host, method: q.method,
			host: q.host, path: q.path, query: q.query, status: e.Status, bytes: n,
			result: resultHit, requestID: id, distribution: d.name})
	}
	return true, q.closeConn
}

var keyPool = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

// fastVariant picks the representation to send, as variantFor does, but
// only from the store: a variant not yet made goes to the pipeline.
func (s *Server) fastVariant(d *dist, e *cache.Entry, acceptEncoding string) (*cache.Entry, bool) {
	if !d.compress || e.Status != 200 || len(e.Body) < minCompressBytes || len(e.Body) > maxCompressBytes ||
		e.Header[hdrContentEncoding] != nil || !cache.Compressible(headerValue(e.Header, hdrContentType)) {
		return e, true
	}
	enc := ""
	if acceptEncoding != "" {
		enc = acceptedEncoding([]string{acceptEncoding})
	}
	if enc == "" {
		return e, true
	}
	v, ok := s.store.Get(e.Key + "\x00" + enc)
	if !ok || !v.ResponseTime.Equal(e.ResponseTime) {
		return nil, false
	}
	return v, true
}

// writeFastResponse writes e as a hit and returns the body bytes written.
func (s *Server) writeFastResponse(bw *bufio.Writer, e *cache.Entry, q *fastRequest, id string, now time.Time) int64 {
	wire := e.Wire()
	if wire == nil {
		wire = s.wireHead(e)
		e.SetWire(wire)
	}
	bw.Write(wire)
	if e.Header["Date"] == nil {
		bw.WriteString("Date: ")
		bw.Write(httpDate(now))
		bw.WriteString("\r\n")
	}
	var num [20]byte
	bw.WriteString("Age: ")
	bw.Write(strconv.AppendInt(num[:0], int64(e.Age(now)/time.Second), 10))
	bw.WriteString("\r\nX-Request-Id: ")
	bw.WriteString(id)
	if q.closeConn {
		bw.WriteString("\r\nConnection: close")
	}
	bw.WriteString("\r\n\r\n")
	if q.method == http.MethodHead {
		return 0
	}
	bw.Write(e.Body)
	return int64(len(e.Body))
}

// wireHead serializes the parts of a hit's head that do not change between
// requests: the status line, the stored headers and the edge's own, as the
// pipeline's decorate would set them for a hit.
func (s *Server) wireHead(e *cache.Entry) []byte {
	b := make([]byte, 0, 512)
	b = append(b, "HTTP/1.1 "...)
	b = strconv.AppendInt(b, int64(e.Status), 10)
	b = append(b, ' ')
	b = append(b, http.StatusText(e.Status)...)
	b = append(b, "\r\n"...)
	for name, values := range e.Header {
		switch name {
		case hdrAge, hdrXCache, hdrRequestID, hdrCacheStatus:
			continue // the edge sets these per response
		}
		for _, v := range values {
			b = appendHeader(b, name, v)
		}
	}
	n := &s.names
	b = appendHeader(b, hdrVia, n.via[0])
	b = appendHeader(b, hdrXCache, n.xcacheHit[0])
	b = appendHeader(b, hdrCacheStatus, n.cacheStatusHit)
	return b
}

// appendHeader appends one header line, with CR and LF in the value made
// spaces as net/http does, so a stored value cannot split the response.
func appendHeader(b []byte, name, value string) []byte {
	b = append(b, name...)
	b = append(b, ": "...)
	for i := 0; i < len(value); i++ {
		c := value[i]
		if c == '\r' || c == '\n' {
			c = ' '
		}
		b = append(b, c)
	}
	return append(b, "\r\n"...)
}

// dateCache holds the Date header value for the current second.
var dateCache atomic.Pointer[struct {
	sec int64
	b   []byte
}]

func httpDate(now time.Time) []byte {
	sec := now.Unix()
	if d := dateCache.Load(); d != nil && d.sec == sec {
		return d.b
	}
	d := &struct {
		sec int64
		b   []byte
	}{sec, now.UTC().AppendFormat(nil, http.TimeFormat)}
	dateCache.Store(d)
	return d.b
}

// fastRequest is a request head the fast path can answer.
type fastRequest struct {
	method, path, query, host, acceptEncoding string
	closeConn                                 bool
}

// parseFastRequest parses an HTTP/1.1 GET or HEAD head strictly. It returns
// false for anything outside the fast path's narrow subset: other methods
// or versions, absolute or escaped targets, bodies, conditionals, ranges,
// upgrades, repeated Host or Accept-Encoding, folded or odd header lines.
func parseFastRequest(head string) (q fastRequest, ok bool) {
	line, rest, ok := strings.Cut(head, "\r\n")
	if !ok {
		return q, false
	}
	method, rest1, ok := strings.Cut(line, " ")
	if !ok || (method != http.MethodGet && method != http.MethodHead) {
		return q, false
	}
	target, proto, ok := strings.Cut(rest1, " ")
	if !ok || proto != "HTTP/1.1" || len(target) == 0 || target[0] != '/' || len(target) > maxURLBytes {
		return q, false
	}
	path, query, _ := strings.Cut(target, "?")
	if !plainTarget(path, false) || !plainTarget(query, true) {
		return q, false
	}
	q = fastRequest{method: method, path: path, query: query}
	hostSeen, aeSeen := false, false
	for {
		line, rest, ok = strings.Cut(rest, "\r\n")
		if !ok {
			return q, false
		}
		if line == "" {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok || !validToken(name) {
			return q, false
		}
		value = strings.Trim(value, " \t")
		if !validValue(value) {
			return q, false
		}
		switch {
		case strings.EqualFold(name, "Host"):
			if hostSeen || value == "" {
				return q, false
			}
			q.host, hostSeen = value, true
		case strings.EqualFold(name, hdrAcceptEncoding):
			if aeSeen {
				return q, false
			}
			q.acceptEncoding, aeSeen = value, true
		case strings.EqualFold(name, "Connection"):
			switch {
			case strings.EqualFold(value, "close"):
				q.closeConn = true
			case !strings.EqualFold(value, "keep-alive"):
				return q, false
			}
		case isPipelineHeader(name):
			return q, false
		}
	}
	if !hostSeen || rest != "" {
		return q, false
	}
	return q, true
}

// isPipelineHeader names the request headers only the full pipeline handles.
func isPipelineHeader(name string) bool {
	for _, h := range [...]string{"Content-Length", "Transfer-Encoding", "Expect", "Upgrade", "Te", "Trailer",
		hdrRange, hdrIfRange, hdrIfNoneMatch, hdrIfModifiedSince, hdrIfMatch, hdrIfUnmodSince} {
		if strings.EqualFold(name, h) {
			return true
		}
	}
	return false
}

// plainTarget accepts a path (or query) made only of characters that
// net/url leaves as they are, so the key the fast path builds is the key the
// pipeline builds. Percent-escapes go to the pipeline.
func plainTarget(s string, query bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("-._~!$&'()*+,;=:@/", c) >= 0:
		case query && (c == '?'):
		default:
			return false
		}
	}
	return true
}

func validToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

func validValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// connQueue is a net.Listener fed with connections handed off by the fast
// path, for http.Server.Serve.
type connQueue struct {
	addr   net.Addr
	ch     chan net.Conn
	done   chan struct{}
	closed sync.Once
}

func newConnQueue(addr net.Addr) *connQueue {
	return &connQueue{addr: addr, ch: make(chan net.Conn), done: make(chan struct{})}
}

// push hands c over; false when the queue is closed.
func (q *connQueue) push(c net.Conn) bool {
	select {
	case q.ch <- c:
		return true
	case <-q.done:
		return false
	}
}

func (q *connQueue) Accept() (net.Conn, error) {
	select {
	case c := <-q.ch:
		return c, nil
	case <-q.done:
		return nil, net.ErrClosed
	}
}

func (q *connQueue) Close() error {
	q.closed.Do(func() { close(q.done) })
	return nil
}

func (q *connQueue) Addr() net.Addr { return q.addr }

// prefixConn replays bytes the fast path read before the socket's.
type prefixConn struct {
	net.Conn
	prefix []byte
}

func (c *prefixConn) Read(p []byte) (int, error) {
	if len(c.prefix) > 0 {
		n := copy(p, c.prefix)
		c.prefix = c.prefix[n:]
		return n, nil
	}
	return c.Conn.Read(p)
}

// CloseWrite half-closes the socket, which net/http does before closing a
// connection it refused (431) so the viewer reads the answer before a reset.
func (c *prefixConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
