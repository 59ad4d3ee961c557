package origin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/stack"
)

// Defaults for a plan that leaves the timeouts unset (CloudFront's).
const (
	defaultConnectTimeout = 10 * time.Second
	defaultReadTimeout    = 30 * time.Second
)

// httpOrigin is a custom origin: a reverse proxy with its own pool of
// keep-alive connections.
type httpOrigin struct {
	target      *url.URL
	headers     []stack.Header
	via         string
	onError     func(http.ResponseWriter, *http.Request, int, string)
	readTimeout time.Duration
	transport   *http.Transport
	proxy       *httputil.ReverseProxy
}

var _ Handler = (*httpOrigin)(nil)

// NewHTTP returns an origin that proxies to the server at o.URL.
func NewHTTP(o stack.HTTPOrigin, opts Options) (Handler, error) {
	const op errs.Op = "origin.NewHTTP"
	target, err := url.Parse(o.URL)
	if err != nil {
		return nil, errs.E(op, errs.Invalid, o.URL, err)
	}
	if (target.Scheme != "http" && target.Scheme != "https") || target.Host == "" {
		return nil, errs.E(op, errs.Invalid, o.URL, errs.Errorf("origin URL must be http(s)://host[:port][/path]"))
	}
	target.RawQuery, target.Fragment = "", ""
	h := &httpOrigin{
		target:      target,
		headers:     o.CustomHeaders,
		via:         opts.Via,
		onError:     opts.OnError,
		readTimeout: seconds(o.ReadTimeout, defaultReadTimeout),
	}
	connect := seconds(o.ConnectTimeout, defaultConnectTimeout)
	dialer := &net.Dialer{Timeout: connect, KeepAlive: 30 * time.Second}
	h.transport = &http.Transport{
		Proxy:                 nil, // origins are reached directly, whatever HTTP_PROXY says
		DialContext:           dialer.DialContext,
		MaxIdleConnsPerHost:   256,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   connect,
		ResponseHeaderTimeout: h.readTimeout,
		ExpectContinueTimeout: time.Second,
		ForceAttemptHTTP2:     target.Scheme == "https",
		// Bodies pass through as the origin encoded them; the transport
		// must neither ask for gzip nor unpack it.
		DisableCompression: true,
	}
	h.proxy = &httputil.ReverseProxy{
		Rewrite:        h.rewrite,
		Transport:      h.transport,
		BufferPool:     buffers,
		ModifyResponse: h.watchBody,
		ErrorHandler:   h.fail,
		ErrorLog:       slog.NewLogLogger(slog.Default().Handler(), slog.LevelDebug),
	}
	return h, nil
}

func seconds(n int, def time.Duration) time.Duration {
	if n <= 0 {
		return def
	}
	return time.Duration(n) * time.Second
}

// Close drops the idle pooled connections.
func (h *httpOrigin) Close() { h.transport.CloseIdleConnections() }

// fetchKey finds a fetch's state in its request context.
type fetchKey struct{}

// fetch is the state of one request to the origin.
type fetch struct {
	cancel  context.CancelCauseFunc
	bodyErr error // the first failed body read
}

// errReadTimeout cancels a fetch whose body stalled.
var errReadTimeout = errors.New("origin read timeout")

func (h *httpOrigin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithCancelCause(r.Context())
	defer cancel(nil)
	f := &fetch{cancel: cancel}
	h.proxy.ServeHTTP(w, r.WithContext(context.WithValue(ctx, fetchKey{}, f)))
	// ReverseProxy only aborts on a broken body inside an http.Server; do it
	// always, so the caller never takes a truncated body for a whole one.
	if f.bodyErr != nil && r.Context().Err() == nil {
		panic(http.ErrAbortHandler)
	}
}

// rewrite turns the cache engine's request into the origin request.
func (h *httpOrigin) rewrite(pr *httputil.ProxyRequest) {
	pr.SetURL(h.target) // also sends the origin's Host, as CloudFront does by default
	// Rewrite starts without X-Forwarded-*; keep a forwarded chain, which
	// CloudFront appends the viewer to.
	if xff := pr.In.Header.Values("X-Forwarded-For"); len(xff) > 0 {
		pr.Out.Header["X-Forwarded-For"] = xff
	}
	pr.SetXForwarded()
	if h.via != "" {
		via := h.via
		if prev := pr.Out.Header.Values("Via"); len(prev) > 0 {
			via = strings.Join(prev, ", ") + ", " + via
		}
		pr.Out.Header.Set("Via", via)
	}
	for _, c := range h.headers {
		pr.Out.Header.Set(c.Name, c.Value)
	}
}

// watchBody arms the read timeout between body reads.
func (h *httpOrigin) watchBody(resp *http.Response) error {
	f, _ := resp.Request.Context().Value(fetchKey{}).(*fetch)
	if f == nil || resp.Body == nil || resp.Body == http.NoBody {
		return nil
	}
	t := time.AfterFunc(h.readTimeout, func() { f.cancel(errReadTimeout) })
	t.Stop()
	resp.Body = &stallBody{ReadCloser: resp.Body, f: f, timer: t, timeout: h.readTimeout}
	return nil
}

// stallBody cancels the fetch when one read waits longer than timeout. The
// clock runs only inside Read, so a slow writer downstream does not count
// against the origin.
type stallBody struct {
	io.ReadCloser
	f       *fetch
	timer   *time.Timer
	timeout time.Duration
}

func (b *stallBody) Read(p []byte) (int, error) {
	b.timer.Reset(b.timeout)
	n, err := b.ReadCloser.Read(p)
	b.timer.Stop()
	if err != nil && err != io.EOF && b.f.bodyErr == nil {
		b.f.bodyErr = err
	}
	return n, err
}

func (b *stallBody) Close() error {
	b.timer.Stop()
	return b.ReadCloser.Close()
}

// fail is the proxy's ErrorHandler: the origin gave no response.
func (h *httpOrigin) fail(w http.ResponseWriter, r *http.Request, err error) {
	if r.Context().Err() != nil && !errors.Is(context.Cause(r.Context()), errReadTimeout) {
		return // the viewer went away: nobody to answer, nothing to report
	}
	status, detail := classify(err)
	renderError(h.onError, w, r, status, detail)
}

// classify maps a round-trip error to CloudFront's status: 504 when the
// origin did not answer in time (a connect timeout looks like a firewall
// dropping packets), 502 when it could not be reached or answered garbage.
func classify(err error) (status int, detail string) {
	var ne net.Error
	timeout := errors.As(err, &ne) && ne.Timeout() || errors.Is(err, errReadTimeout)
	var oe *net.OpError
	dial := errors.As(err, &oe) && oe.Op == "dial"
	switch {
	case dial && timeout:
		return http.StatusGatewayTimeout, fmt.Sprintf("origin connection timeout: %v", err)
	case dial:
		return http.StatusBadGateway, fmt.Sprintf("origin connection error: %v", err)
	case timeout:
		return http.StatusGatewayTimeout, fmt.Sprintf("origin read timeout: %v", err)
	default:
		return http.StatusBadGateway, fmt.Sprintf("origin error: %v", err)
	}
}

// bufferSize is the size of the proxy's copy buffers.
const bufferSize = 32 << 10

// bufferPool shares copy buffers among all HTTP origins.
type bufferPool struct{ p sync.Pool }

var buffers = &bufferPool{}

var _ httputil.BufferPool = (*bufferPool)(nil)

func (b *bufferPool) Get() []byte {
	if v, ok := b.p.Get().(*[]byte); ok {
		return *v
	}
	return make([]byte, bufferSize)
}

func (b *bufferPool) Put(buf []byte) {
	if cap(buf) == bufferSize {
		buf = buf[:bufferSize]
		b.p.Put(&buf)
	}
}
