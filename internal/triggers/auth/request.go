package auth

import (
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/verge-edge/verge/internal/arn"
)

// Request is what an authorizer sees of one request: the parts of the
// *http.Request plus what the route match and the event builder decided.
type Request struct {
	Method, RawPath, Path, RawQuery, Protocol string
	SourceIP, UserAgent, DomainName           string
	// Header has lower-cased names, repeated values joined by ",".
	Header map[string]string
	// Query holds each parameter's values joined by ",".
	Query   map[string]string
	Cookies []string

	RouteKey       string
	PathParameters map[string]string
	StageVariables map[string]string
	APIID, Stage   string
	RequestID      string
	Time           time.Time
}

// NewRequest collects r's parts; the caller fills in RouteKey,
// PathParameters, APIID, RequestID and the rest it knows. Stage defaults to
// "$default" and Time to now. It does not read the body.
func NewRequest(r *http.Request) *Request {
	q := &Request{
		Method:     r.Method,
		RawPath:    r.URL.EscapedPath(),
		Path:       r.URL.Path,
		RawQuery:   r.URL.RawQuery,
		Protocol:   r.Proto,
		UserAgent:  r.UserAgent(),
		DomainName: hostOnly(r.Host),
		Header:     map[string]string{},
		Query:      map[string]string{},
		Stage:      defaultStage,
		Time:       time.Now(),
	}
	if q.RawPath == "" {
		q.RawPath, q.Path = "/", "/"
	}
	q.SourceIP = hostOnly(r.RemoteAddr)
	for k, vs := range r.Header {
		if strings.EqualFold(k, "Cookie") {
			q.Cookies = splitCookies(vs)
		}
		q.Header[strings.ToLower(k)] = strings.Join(vs, ",")
	}
	vals, _ := url.ParseQuery(r.URL.RawQuery)
	for k, vs := range vals {
		q.Query[k] = strings.Join(vs, ",")
	}
	return q
}

// hostOnly strips a port from host:port.
func hostOnly(hp string) string {
	if h, _, err := net.SplitHostPort(hp); err == nil {
		return h
	}
	return hp
}

// splitCookies turns Cookie header values into the event's cookies list.
func splitCookies(vs []string) []string {
	var out []string
	for _, v := range vs {
		for c := range strings.SplitSeq(v, ";") {
			if c = strings.TrimSpace(c); c != "" {
				out = append(out, c)
			}
		}
	}
	return out
}

// routeArn is the execute-api ARN of the request, which IAM policies match.
func (r *Request) routeArn() string {
	return "arn:aws:execute-api:" + arn.Region + ":" + arn.Account + ":" +
		r.APIID + "/" + r.stage() + "/" + r.Method + r.RawPath
}

func (r *Request) stage() string {
	if r.Stage == "" {
		return defaultStage
	}
	return r.Stage
}

// identity returns the value of one identity source and whether it is
// present and non-empty.
func (r *Request) identity(src string) (string, bool) {
	var v string
	switch {
	case strings.HasPrefix(src, srcHeader):
		v = r.Header[strings.ToLower(src[len(srcHeader):])]
	case strings.HasPrefix(src, srcQuery):
		v = r.Query[src[len(srcQuery):]]
	case strings.HasPrefix(src, srcStage):
		v = r.StageVariables[src[len(srcStage):]]
	case strings.HasPrefix(src, srcContext):
		v = r.contextVar(src[len(srcContext):])
	}
	return v, v != ""
}

// contextVar is the $context variable name, for the few a local gateway has.
func (r *Request) contextVar(name string) string {
	switch name {
	case "apiId":
		return r.APIID
	case "domainName":
		return r.DomainName
	case "httpMethod":
		return r.Method
	case "path":
		return r.RawPath
	case "protocol":
		return r.Protocol
	case "requestId":
		return r.RequestID
	case "routeKey":
		return r.RouteKey
	case "stage":
		return r.stage()
	case "identity.sourceIp":
		return r.SourceIP
	case "identity.userAgent":
		return r.UserAgent
	}
	return ""
}

// identities returns the values of all sources; ok is false when one is
// missing, which API Gateway answers 401 without calling the authorizer.
func (r *Request) identities(srcs []string) ([]string, bool) {
	out := make([]string, 0, len(srcs))
	for _, s := range srcs {
		v, ok := r.identity(s)
		if !ok {
			return nil, false
		}
		out = append(out, v)
	}
	return out, true
}
