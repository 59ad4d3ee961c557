package alb

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Target is the target group a rule forwards to.
type Target struct {
	// ARN is requestContext.elb.targetGroupArn.
	ARN string
	// MultiValueHeaders selects multiValueHeaders and
	// multiValueQueryStringParameters in events and multiValueHeaders in
	// results (the target group's lambda.multi_value_headers.enabled).
	MultiValueHeaders bool
	// ListenerPort is sent as X-Forwarded-Port; 0 takes the port the request
	// arrived on (http.LocalAddrContextKey), else the scheme's default.
	ListenerPort int
	// TraceID returns a new trace ID ("1-5c34e93e-4dea0086f9763ac0667b115a");
	// nil draws one from the clock and crypto/rand.
	TraceID func() string
}

// event is the target-group event; the field order follows AWS's samples.
type event struct {
	RequestContext                  requestContext      `json:"requestContext"`
	HTTPMethod                      string              `json:"httpMethod"`
	Path                            string              `json:"path"`
	QueryStringParameters           map[string]string   `json:"queryStringParameters,omitempty"`
	MultiValueQueryStringParameters map[string][]string `json:"multiValueQueryStringParameters,omitempty"`
	Headers                         map[string]string   `json:"headers,omitempty"`
	MultiValueHeaders               map[string][]string `json:"multiValueHeaders,omitempty"`
	Body                            string              `json:"body"`
	IsBase64Encoded                 bool                `json:"isBase64Encoded"`
}

type requestContext struct {
	ELB struct {
		TargetGroupArn string `json:"targetGroupArn"`
	} `json:"elb"`
}

// NewEvent builds the event ALB sends to the function for r, reading r's
// body. A body over MaxRequestBody fails with an *Error of StatusTooLarge.
func NewEvent(r *http.Request, t Target) ([]byte, error) {
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	ev := event{HTTPMethod: r.Method, Path: r.URL.EscapedPath()}
	ev.RequestContext.ELB.TargetGroupArn = t.ARN
	ev.Body, ev.IsBase64Encoded = encodeBody(body, r.Header)
	headers := forwardedHeaders(r, t)
	query := rawQuery(r.URL.RawQuery)
	if t.MultiValueHeaders {
		ev.MultiValueHeaders = headers
		ev.MultiValueQueryStringParameters = map[string][]string{}
		for _, p := range query {
			ev.MultiValueQueryStringParameters[p.key] = append(ev.MultiValueQueryStringParameters[p.key], p.value)
		}
	} else {
		ev.Headers = lastValues(headers)
		ev.QueryStringParameters = map[string]string{}
		for _, p := range query {
			ev.QueryStringParameters[p.key] = p.value
		}
	}
	out, err := json.Marshal(ev)
	if err != nil {
		return nil, fmt.Errorf("alb event for %s %s: %w", r.Method, r.URL.Path, err)
	}
	return out, nil
}

// readBody reads at most MaxRequestBody bytes of r's body.
func readBody(r *http.Request) ([]byte, error) {
	if r.ContentLength > MaxRequestBody {
		return nil, &Error{Status: StatusTooLarge, Err: fmt.Errorf("request body of %d bytes over %d", r.ContentLength, MaxRequestBody)}
	}
	if r.Body == nil {
		return nil, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxRequestBody+1))
	if err != nil {
		return nil, fmt.Errorf("alb: reading the request body: %w", err)
	}
	if len(body) > MaxRequestBody {
		return nil, &Error{Status: StatusTooLarge, Err: fmt.Errorf("request body over %d bytes", MaxRequestBody)}
	}
	return body, nil
}

// encodeBody applies ALB's rule: raw for text types without a
// Content-Encoding, base64 otherwise.
func encodeBody(body []byte, h http.Header) (string, bool) {
	if len(body) == 0 {
		return "", false
	}
	if h.Get(headerContentEnc) == "" && isText(h.Get(headerContentType)) && utf8.Valid(body) {
		return string(body), false
	}
	return base64.StdEncoding.EncodeToString(body), true
}

// isText reports whether ALB sends a body of content type ct unencoded.
func isText(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return strings.HasPrefix(mt, "text/") || textTypes[mt]
}

// forwardedHeaders returns r's headers with lowercase names, the Host and
// the X-Forwarded-* and X-Amzn-Trace-Id headers ALB adds.
func forwardedHeaders(r *http.Request, t Target) map[string][]string {
	h := make(map[string][]string, len(r.Header)+4)
	for name, vs := range r.Header {
		h[strings.ToLower(name)] = append(h[strings.ToLower(name)], vs...)
	}
	if r.Host != "" {
		h[headerHost] = []string{r.Host}
	}
	client := hostName(r.RemoteAddr)
	if prior := h[headerForwardedFor]; len(prior) > 0 {
		client = strings.Join(prior, ", ") + ", " + client
	}
	h[headerForwardedFor] = []string{client}
	h[headerForwardedPort] = []string{strconv.Itoa(listenerPort(r, t))}
	h[headerForwardedProto] = []string{scheme(r)}
	h[headerTraceID] = []string{traceHeader(h[headerTraceID], t)}
	return h
}

// lastValues keeps the last value of each header, as ALB does without
// multi-value headers.
func lastValues(h map[string][]string) map[string]string {
	out := make(map[string]string, len(h))
	for k, vs := range h {
		out[k] = vs[len(vs)-1]
	}
	return out
}

// scheme is "https" for TLS requests, else "http".
func scheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	return "http"
}

// listenerPort is t.ListenerPort, else the local port r arrived on, else
// the scheme's default port.
func listenerPort(r *http.Request, t Target) int {
	if t.ListenerPort != 0 {
		return t.ListenerPort
	}
	if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		if _, p, err := net.SplitHostPort(a.String()); err == nil {
			if n, err := strconv.Atoi(p); err == nil {
				return n
			}
		}
	}
	if r.TLS != nil {
		return 443
	}
	return 80
}

// rootField matches a valid Root field of X-Amzn-Trace-Id.
var rootField = regexp.MustCompile(`(?:^|;)Root=1-[0-9a-f]{8}-[0-9a-f]{24}(?:;|$)`)

// traceHeader keeps a valid incoming trace header and inserts a Self field
// before it, as ALB does; otherwise it generates a Root.
func traceHeader(prior []string, t Target) string {
	id := newTraceID
	if t.TraceID != nil {
		id = t.TraceID
	}
	if len(prior) > 0 && rootField.MatchString(prior[len(prior)-1]) {
		return "Self=" + id() + ";" + prior[len(prior)-1]
	}
	return "Root=" + id()
}

// newTraceID returns an X-Ray trace ID: version, epoch seconds in hex and 96
// random bits.
func newTraceID() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return fmt.Sprintf("1-%08x-%s", time.Now().Unix(), hex.EncodeToString(b[:]))
}
