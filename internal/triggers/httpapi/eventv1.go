package httpapi

import (
	"net/http"
	"strings"
)

// eventV1 is payload format 1.0 (REST proxy shape, HTTP API flavour),
// fields in AWS's order; absent maps and the body are null, as AWS sends.
type eventV1 struct {
	Version                         string              `json:"version"`
	Resource                        string              `json:"resource"`
	Path                            string              `json:"path"`
	HTTPMethod                      string              `json:"httpMethod"`
	Headers                         map[string]string   `json:"headers"`
	MultiValueHeaders               map[string][]string `json:"multiValueHeaders"`
	QueryStringParameters           map[string]string   `json:"queryStringParameters"`
	MultiValueQueryStringParameters map[string][]string `json:"multiValueQueryStringParameters"`
	RequestContext                  contextV1           `json:"requestContext"`
	PathParameters                  map[string]string   `json:"pathParameters"`
	StageVariables                  map[string]string   `json:"stageVariables"`
	Body                            *string             `json:"body"`
	IsBase64Encoded                 bool                `json:"isBase64Encoded"`
}

type contextV1 struct {
	AccountID         string     `json:"accountId"`
	APIID             string     `json:"apiId"`
	Authorizer        any        `json:"authorizer,omitempty"`
	DomainName        string     `json:"domainName"`
	DomainPrefix      string     `json:"domainPrefix"`
	ExtendedRequestID string     `json:"extendedRequestId"`
	HTTPMethod        string     `json:"httpMethod"`
	Identity          identityV1 `json:"identity"`
	Path              string     `json:"path"`
	Protocol          string     `json:"protocol"`
	RequestID         string     `json:"requestId"`
	RequestTime       string     `json:"requestTime"`
	RequestTimeEpoch  int64      `json:"requestTimeEpoch"`
	ResourceID        string     `json:"resourceId"`
	ResourcePath      string     `json:"resourcePath"`
	Stage             string     `json:"stage"`
}

// identityV1 lists the identity fields HTTP API sends; only sourceIp and
// userAgent have values without IAM or Cognito.
type identityV1 struct {
	AccessKey                     *string `json:"accessKey"`
	AccountID                     *string `json:"accountId"`
	Caller                        *string `json:"caller"`
	CognitoAuthenticationProvider *string `json:"cognitoAuthenticationProvider"`
	CognitoAuthenticationType     *string `json:"cognitoAuthenticationType"`
	CognitoIdentityID             *string `json:"cognitoIdentityId"`
	CognitoIdentityPoolID         *string `json:"cognitoIdentityPoolId"`
	PrincipalOrgID                *string `json:"principalOrgId"`
	SourceIP                      string  `json:"sourceIp"`
	User                          *string `json:"user"`
	UserAgent                     string  `json:"userAgent"`
	UserArn                       *string `json:"userArn"`
}

// NewEventV1 builds the payload format 1.0 event of r, routed by m. It
// reads r.Body; over MaxRequestBody it returns ErrTooLarge.
func NewEventV1(r *http.Request, m Match, opt Options) ([]byte, error) {
	q, err := readRequest(r, opt)
	if err != nil {
		return nil, err
	}
	resource := routePath(m.RouteKey)
	ev := eventV1{
		Version:           FormatV1,
		Resource:          resource,
		Path:              q.path,
		HTTPMethod:        q.method,
		Headers:           map[string]string{},
		MultiValueHeaders: map[string][]string{},
		PathParameters:    m.PathParameters,
		StageVariables:    q.opt.StageVariables,
		IsBase64Encoded:   q.base64,
		RequestContext: contextV1{
			AccountID:         q.opt.AccountID,
			APIID:             q.opt.APIID,
			Authorizer:        q.opt.Authorizer,
			DomainName:        q.domain,
			DomainPrefix:      q.prefix,
			ExtendedRequestID: q.opt.RequestID,
			HTTPMethod:        q.method,
			Identity:          identityV1{SourceIP: q.sourceIP, UserAgent: q.userAgent},
			Path:              q.path,
			Protocol:          q.protocol,
			RequestID:         q.opt.RequestID,
			RequestTime:       q.opt.Time.Format(TimeLayout),
			RequestTimeEpoch:  q.opt.Time.UnixMilli(),
			ResourceID:        m.RouteKey,
			ResourcePath:      resource,
			Stage:             q.opt.Stage,
		},
	}
	// 1.0's single-value maps keep the last value.
	for _, h := range q.header {
		ev.Headers[h[0]] = h[1]
		ev.MultiValueHeaders[h[0]] = append(ev.MultiValueHeaders[h[0]], h[1])
	}
	if len(q.queryKeys) > 0 {
		ev.QueryStringParameters = map[string]string{}
		ev.MultiValueQueryStringParameters = map[string][]string{}
		for _, k := range q.queryKeys {
			vs := q.query[k]
			ev.QueryStringParameters[k] = vs[len(vs)-1]
			ev.MultiValueQueryStringParameters[k] = vs
		}
	}
	if q.hasBody {
		ev.Body = &q.body
	}
	return marshal(ev)
}

// routePath is the path part of a route key ("GET /a/{b}" → "/a/{b}");
// $default keeps its name, as AWS reports it as the resource.
func routePath(key string) string {
	if _, p, ok := strings.Cut(key, " "); ok {
		return p
	}
	return key
}
