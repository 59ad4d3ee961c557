package httpapi

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// ErrTooLarge is returned by the event builders when the request body is
// over MaxRequestBody; answer it with TooLarge.
var ErrTooLarge = errors.New("httpapi: request body over 10 MB")

// Options carries what the event needs beyond the request and its Match.
// Zero fields get defaults: AccountID DefaultAccountID, Stage DefaultStage,
// APIID the first label of the host, RequestID a fresh id, Time now.
type Options struct {
	APIID          string
	AccountID      string
	Stage          string
	StageVariables map[string]string
	RequestID      string
	Time           time.Time
	// Authorizer is requestContext.authorizer as an authorizer produced it
	// (2.0: {"jwt":…}|{"lambda":…}); nil leaves it out.
	Authorizer any
}

// request is what both formats take from an *http.Request.
type request struct {
	method, rawPath, path, rawQuery, protocol string
	sourceIP, userAgent, domain, prefix       string
	header                                    [][2]string // lower-cased names, in order
	query                                     url.Values
	queryKeys                                 []string
	body                                      string
	base64                                    bool
	hasBody                                   bool
	opt                                       Options
}

// readRequest collects the request's parts, reading the body (up to the
// limit) and filling in Options' defaults.
func readRequest(r *http.Request, opt Options) (*request, error) {
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	q := &request{
		method:    r.Method,
		rawPath:   r.URL.EscapedPath(),
		path:      r.URL.Path,
		rawQuery:  r.URL.RawQuery,
		protocol:  r.Proto,
		sourceIP:  sourceIP(r.RemoteAddr),
		userAgent: r.UserAgent(),
		domain:    hostname(r.Host),
	}
	if q.rawPath == "" {
		q.rawPath, q.path = "/", "/"
	}
	q.prefix, _, _ = strings.Cut(q.domain, ".")
	q.header = headerList(r, q.sourceIP)
	q.query, q.queryKeys = parseQuery(r.URL.RawQuery)
	if len(body) > 0 {
		q.hasBody = true
		q.base64 = isBinary(r.Header.Get("Content-Type"), body)
		if q.base64 {
			q.body = base64.StdEncoding.EncodeToString(body)
		} else {
			q.body = string(body)
		}
	}
	q.opt = withDefaults(opt, q.prefix)
	return q, nil
}

func withDefaults(opt Options, prefix string) Options {
	if opt.AccountID == "" {
		opt.AccountID = DefaultAccountID
	}
	if opt.Stage == "" {
		opt.Stage = DefaultStage
	}
	if opt.APIID == "" {
		opt.APIID = prefix
	}
	if opt.RequestID == "" {
		opt.RequestID = NewRequestID()
	}
	if opt.Time.IsZero() {
		opt.Time = time.Now()
	}
	opt.Time = opt.Time.UTC()
	return opt
}

func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	if r.ContentLength > MaxRequestBody {
		return nil, ErrTooLarge
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, MaxRequestBody+1))
	if err != nil {
		return nil, fmt.Errorf("httpapi: reading request body: %w", err)
	}
	if len(b) > MaxRequestBody {
		return nil, ErrTooLarge
	}
	return b, nil
}

// NewRequestID returns an id shaped like API Gateway's ("LV7fzho-PHcEJPw=").
func NewRequestID() string {
	var b [11]byte
	_, _ = rand.Read(b[:])
	return base64.URLEncoding.EncodeToString(b[:])
}

func sourceIP(remote string) string {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	if host == "" {
		return defaultSourceIP
	}
	return host
}

func hostname(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		return h
	}
	return host
}

// headerList returns the request's headers as API Gateway forwards them:
// names lower-cased, the host, and the X-Forwarded-* and X-Amzn-Trace-Id
// headers it adds.
func headerList(r *http.Request, ip string) [][2]string {
	names := make([]string, 0, len(r.Header)+1)
	for k := range r.Header {
		names = append(names, k)
	}
	sort.Strings(names)
	var out [][2]string
	if r.Host != "" {
		out = append(out, [2]string{"host", r.Host})
	}
	for _, k := range names {
		lk := strings.ToLower(k)
		switch lk {
		case "host", "x-forwarded-for", "x-forwarded-port", "x-forwarded-proto":
			continue
		}
		for _, v := range r.Header[k] {
			out = append(out, [2]string{lk, v})
		}
	}
	if r.Header.Get("X-Amzn-Trace-Id") == "" {
		out = append(out, [2]string{"x-amzn-trace-id", traceID()})
	}
	xff := ip
	if prev := r.Header.Values("X-Forwarded-For"); len(prev) > 0 {
		xff = strings.Join(prev, ", ") + ", " + ip
	}
	proto := "http"
	if r.TLS != nil {
		proto = "https"
	}
	return append(out, [2]string{"x-forwarded-for", xff},
		[2]string{"x-forwarded-port", localPort(r, proto)},
		[2]string{"x-forwarded-proto", proto})
}

// localPort is the port the request came in on, from the server's local
// address, else the Host header, else the scheme's default.
func localPort(r *http.Request, proto string) string {
	if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		if _, p, err := net.SplitHostPort(a.String()); err == nil {
			return p
		}
	}
	if _, p, err := net.SplitHostPort(r.Host); err == nil {
		return p
	}
	if proto == "https" {
		return "443"
	}
	return "80"
}

// traceID is an X-Ray trace id "Root=1-<epoch hex>-<96-bit hex>".
func traceID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("Root=1-%08x-%s", time.Now().Unix(), hex.EncodeToString(b[:]))
}

// parseQuery decodes a query string keeping the keys' first-seen order;
// undecodable pairs are kept raw, as API Gateway does not reject them.
func parseQuery(raw string) (url.Values, []string) {
	vals := url.Values{}
	var keys []string
	for pair := range strings.SplitSeq(raw, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		k, v = unescape(k), unescape(v)
		if _, ok := vals[k]; !ok {
			keys = append(keys, k)
		}
		vals[k] = append(vals[k], v)
	}
	return vals, keys
}

func unescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// isBinary reports whether a body goes base64: anything not valid UTF-8,
// and any content type but text ones (text/*, JSON, XML, JavaScript).
func isBinary(contentType string, body []byte) bool {
	if !utf8.Valid(body) {
		return true
	}
	if contentType == "" {
		return false
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return true
	}
	switch {
	case strings.HasPrefix(mt, "text/"),
		mt == "application/json", mt == "application/javascript",
		mt == "application/xml", mt == "application/graphql",
		strings.HasSuffix(mt, "+json"), strings.HasSuffix(mt, "+xml"):
		return false
	}
	return true
}

// marshal encodes without HTML escaping, as API Gateway sends bodies.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("httpapi: encoding event: %w", err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
