package httpapi

import (
	"net/http"
	"strings"
)

// eventV2 is payload format 2.0, fields in AWS's order.
type eventV2 struct {
	Version               string            `json:"version"`
	RouteKey              string            `json:"routeKey"`
	RawPath               string            `json:"rawPath"`
	RawQueryString        string            `json:"rawQueryString"`
	Cookies               []string          `json:"cookies,omitempty"`
	Headers               map[string]string `json:"headers"`
	QueryStringParameters map[string]string `json:"queryStringParameters,omitempty"`
	RequestContext        ContextV2         `json:"requestContext"`
	Body                  *string           `json:"body,omitempty"`
	PathParameters        map[string]string `json:"pathParameters,omitempty"`
	IsBase64Encoded       bool              `json:"isBase64Encoded"`
	StageVariables        map[string]string `json:"stageVariables,omitempty"`
}

// ContextV2 is payload format 2.0's requestContext, which Lambda
// authorizers' requests share.
type ContextV2 struct {
	AccountID    string `json:"accountId"`
	APIID        string `json:"apiId"`
	Authorizer   any    `json:"authorizer,omitempty"`
	DomainName   string `json:"domainName"`
	DomainPrefix string `json:"domainPrefix"`
	HTTP         HTTPV2 `json:"http"`
	RequestID    string `json:"requestId"`
	RouteKey     string `json:"routeKey"`
	Stage        string `json:"stage"`
	Time         string `json:"time"`
	TimeEpoch    int64  `json:"timeEpoch"`
}

// HTTPV2 is requestContext.http of payload format 2.0.
type HTTPV2 struct {
	Method    string `json:"method"`
	Path      string `json:"path"`
	Protocol  string `json:"protocol"`
	SourceIP  string `json:"sourceIp"`
	UserAgent string `json:"userAgent"`
}

// NewEventV2 builds the payload format 2.0 event of r, routed by m. It
// reads r.Body; over MaxRequestBody it returns ErrTooLarge.
func NewEventV2(r *http.Request, m Match, opt Options) ([]byte, error) {
	q, err := readRequest(r, opt)
	if err != nil {
		return nil, err
	}
	ev := eventV2{
		Version:         FormatV2,
		RouteKey:        m.RouteKey,
		RawPath:         q.rawPath,
		RawQueryString:  q.rawQuery,
		Headers:         map[string]string{},
		PathParameters:  m.PathParameters,
		IsBase64Encoded: q.base64,
		StageVariables:  q.opt.StageVariables,
		RequestContext: ContextV2{
			AccountID:    q.opt.AccountID,
			APIID:        q.opt.APIID,
			Authorizer:   q.opt.Authorizer,
			DomainName:   q.domain,
			DomainPrefix: q.prefix,
			HTTP: HTTPV2{
				Method: q.method, Path: q.path, Protocol: q.protocol,
				SourceIP: q.sourceIP, UserAgent: q.userAgent,
			},
			RequestID: q.opt.RequestID,
			RouteKey:  m.RouteKey,
			Stage:     q.opt.Stage,
			Time:      q.opt.Time.Format(TimeLayout),
			TimeEpoch: q.opt.Time.UnixMilli(),
		},
	}
	for _, h := range q.header {
		if h[0] == "cookie" {
			ev.Cookies = append(ev.Cookies, splitCookies(h[1])...)
			continue
		}
		if prev, ok := ev.Headers[h[0]]; ok {
			ev.Headers[h[0]] = prev + "," + h[1]
		} else {
			ev.Headers[h[0]] = h[1]
		}
	}
	if len(q.queryKeys) > 0 {
		ev.QueryStringParameters = make(map[string]string, len(q.queryKeys))
		for _, k := range q.queryKeys {
			ev.QueryStringParameters[k] = strings.Join(q.query[k], ",")
		}
	}
	if q.hasBody {
		ev.Body = &q.body
	}
	return marshal(ev)
}

// splitCookies splits a Cookie header into its "name=value" pairs.
func splitCookies(h string) []string {
	var out []string
	for c := range strings.SplitSeq(h, ";") {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}
