package auth

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"time"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/triggers/httpapi"
)

// lambdaAuthorizer asks a function, caching its verdicts by identity.
type lambdaAuthorizer struct {
	function string
	sources  []string
	iam      bool
	ttl      time.Duration
	invoke   Invoke

	mu    sync.Mutex
	cache map[string]cached
}

// cached is one identity's verdict and when it expires.
type cached struct {
	d       Decision
	expires time.Time
}

func newLambdaAuthorizer(cfg *LambdaConfig, invoke Invoke) *lambdaAuthorizer {
	return &lambdaAuthorizer{
		function: cfg.Function, sources: cfg.IdentitySources, iam: cfg.Response == ResponseIAM,
		ttl: cfg.CacheTTL, invoke: invoke,
		cache: map[string]cached{},
	}
}

// authorize answers from the cache or asks the function.
func (l *lambdaAuthorizer) authorize(ctx context.Context, r *Request) Decision {
	ids, ok := r.identities(l.sources)
	if !ok {
		return unauthorized()
	}
	key := cacheKey(ids)
	if d, ok := l.lookup(key, r.Time); ok {
		return d
	}
	d, cacheable := l.ask(ctx, r, ids)
	if cacheable {
		l.store(key, d, r.Time)
	}
	return d
}

// cacheKey joins identity values unambiguously.
func cacheKey(ids []string) string {
	b, _ := json.Marshal(ids)
	return string(b)
}

// lookup returns an unexpired cached verdict, evicting expired ones.
func (l *lambdaAuthorizer) lookup(key string, now time.Time) (Decision, bool) {
	if l.ttl <= 0 || len(l.sources) == 0 {
		return Decision{}, false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for k, c := range l.cache {
		if !now.Before(c.expires) {
			delete(l.cache, k)
		}
	}
	c, ok := l.cache[key]
	d := c.d
	d.Header = d.Header.Clone() // callers may add to it
	return d, ok
}

func (l *lambdaAuthorizer) store(key string, d Decision, now time.Time) {
	if l.ttl <= 0 || len(l.sources) == 0 {
		return
	}
	l.mu.Lock()
	l.cache[key] = cached{d: d, expires: now.Add(l.ttl)}
	l.mu.Unlock()
}

// ask invokes the function; cacheable is false when it failed.
func (l *lambdaAuthorizer) ask(ctx context.Context, r *Request, ids []string) (Decision, bool) {
	payload, err := json.Marshal(newEventV2(r, ids))
	if err != nil {
		return internalError(), false
	}
	result, fnErr, err := l.invoke(ctx, l.function, payload)
	if err != nil || fnErr != "" {
		return internalError(), false
	}
	if l.iam {
		return iamDecision(result, r.routeArn())
	}
	return simpleDecision(result)
}

// simpleDecision reads {"isAuthorized":bool,"context":{…}}.
func simpleDecision(result []byte) (Decision, bool) {
	var resp struct {
		IsAuthorized *bool          `json:"isAuthorized"`
		Context      map[string]any `json:"context"`
	}
	if err := json.Unmarshal(result, &resp); err != nil || resp.IsAuthorized == nil {
		return internalError(), false
	}
	if !*resp.IsAuthorized {
		return forbidden(), true
	}
	return lambdaAllowed(resp.Context, ""), true
}

// lambdaAllowed is the allowed Decision carrying the authorizer's context;
// principalID is added to the 1.0 form when the response had one.
func lambdaAllowed(ctx map[string]any, principalID string) Decision {
	if ctx == nil {
		ctx = map[string]any{}
	}
	v1 := make(map[string]any, len(ctx)+1)
	for k, x := range ctx {
		v1[k] = x
	}
	if principalID != "" {
		v1["principalId"] = principalID
	}
	return Decision{V2: map[string]any{"lambda": ctx}, V1: v1}
}

// eventV2 is the Lambda authorizer's payload format 2.0 request.
type eventV2 struct {
	Version               string            `json:"version"`
	Type                  string            `json:"type"`
	RouteArn              string            `json:"routeArn"`
	IdentitySource        []string          `json:"identitySource"`
	RouteKey              string            `json:"routeKey"`
	RawPath               string            `json:"rawPath"`
	RawQueryString        string            `json:"rawQueryString"`
	Cookies               []string          `json:"cookies,omitempty"`
	Headers               map[string]string `json:"headers"`
	QueryStringParameters map[string]string `json:"queryStringParameters,omitempty"`
	RequestContext        httpapi.ContextV2 `json:"requestContext"`
	PathParameters        map[string]string `json:"pathParameters,omitempty"`
	StageVariables        map[string]string `json:"stageVariables,omitempty"`
}

func newEventV2(r *Request, ids []string) eventV2 {
	prefix, _, _ := strings.Cut(r.DomainName, ".")
	ev := eventV2{
		Version: payloadV2, Type: eventType, RouteArn: r.routeArn(),
		IdentitySource: ids, RouteKey: r.RouteKey, RawPath: r.RawPath,
		RawQueryString: r.RawQuery, Cookies: r.Cookies, Headers: r.Header,
		PathParameters: r.PathParameters, StageVariables: r.StageVariables,
		RequestContext: httpapi.ContextV2{
			AccountID: arn.Account, APIID: r.APIID,
			DomainName: r.DomainName, DomainPrefix: prefix,
			HTTP: httpapi.HTTPV2{
				Method: r.Method, Path: r.Path, Protocol: r.Protocol,
				SourceIP: r.SourceIP, UserAgent: r.UserAgent,
			},
			RequestID: r.RequestID, RouteKey: r.RouteKey, Stage: r.stage(),
			Time: r.Time.UTC().Format(httpapi.TimeLayout), TimeEpoch: r.Time.UnixMilli(),
		},
	}
	if ev.Headers == nil {
		ev.Headers = map[string]string{}
	}
	if len(r.Query) > 0 {
		ev.QueryStringParameters = r.Query
	}
	return ev
}
