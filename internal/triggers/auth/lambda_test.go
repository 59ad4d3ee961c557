package auth

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/verge-edge/verge/internal/arn"
)

// fakeFunction is an in-test authorizer function: it records the events it
// gets and answers result (or fails).
type fakeFunction struct {
	mu     sync.Mutex
	events []events.APIGatewayV2CustomAuthorizerV2Request
	result string
	fnErr  string
	err    error
}

func (f *fakeFunction) invoke(_ context.Context, name string, payload []byte) ([]byte, string, error) {
	var ev events.APIGatewayV2CustomAuthorizerV2Request
	if err := json.Unmarshal(payload, &ev); err != nil {
		return nil, "", err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.events = append(f.events, ev)
	if name != "authz" {
		return nil, "", errors.New("unknown function " + name)
	}
	return []byte(f.result), f.fnErr, f.err
}

func (f *fakeFunction) calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.events)
}

var testTime = time.Date(2026, 3, 12, 19, 3, 58, 0, time.UTC)

func lambdaRequest(token string) *Request {
	r := httptest.NewRequest(http.MethodPost, "http://api.localhost:8080/pets/7?a=1&a=2", nil)
	r.RemoteAddr = "127.0.0.1:5000"
	if token != "" {
		r.Header.Set("Authorization", token)
	}
	r.Header.Set("Cookie", "c1=v1; c2=v2")
	q := NewRequest(r)
	q.RouteKey, q.APIID, q.RequestID, q.Time = "POST /pets/{id}", "api", "req-1", testTime
	q.PathParameters = map[string]string{"id": "7"}
	return q
}

const allowedArn = "arn:aws:execute-api:us-east-1:000000000000:api/$default/POST/pets/7"

func policy(effect, resource string) string {
	return `{"principalId":"user-1","policyDocument":{"Version":"2012-10-17","Statement":[{"Action":"execute-api:Invoke","Effect":"` +
		effect + `","Resource":` + resource + `}]},"context":{"k":"v"}}`
}

func TestLambda(t *testing.T) {
	cases := []struct {
		name    string
		iam     bool
		sources []string
		token   string
		result  string
		fnErr   string
		err     error
		status  int
		calls   int
		wantV1  map[string]any
	}{
		{name: "simple allow", result: `{"isAuthorized":true,"context":{"user":"u1","n":3}}`, token: "t", calls: 1,
			wantV1: map[string]any{"user": "u1", "n": 3.0}},
		{name: "simple allow no context", result: `{"isAuthorized":true}`, token: "t", calls: 1, wantV1: map[string]any{}},
		{name: "simple deny", result: `{"isAuthorized":false}`, token: "t", status: 403, calls: 1},
		{name: "iam allow", iam: true, result: policy("Allow", `"`+allowedArn+`"`), token: "t", calls: 1,
			wantV1: map[string]any{"k": "v", "principalId": "user-1"}},
		{name: "iam allow wildcard", iam: true, result: policy("Allow", `["arn:aws:execute-api:us-east-1:*:api/*/POST/pets/*"]`), token: "t", calls: 1,
			wantV1: map[string]any{"k": "v", "principalId": "user-1"}},
		{name: "iam allow other route", iam: true, result: policy("Allow", `"arn:aws:execute-api:us-east-1:*:api/*/GET/*"`), token: "t", status: 403, calls: 1},
		{name: "iam deny", iam: true, result: policy("Deny", `"*"`), token: "t", status: 403, calls: 1},
		{name: "iam garbage", iam: true, result: `{"principalId":"x"}`, token: "t", status: 500, calls: 1},
		{name: "missing identity", result: `{"isAuthorized":true}`, status: 401, calls: 0},
		{name: "missing second identity", sources: []string{"$request.header.Authorization", "$request.querystring.nope"}, token: "t", result: `{"isAuthorized":true}`, status: 401, calls: 0},
		{name: "query and context identity", sources: []string{"$request.querystring.a", "$context.routeKey"}, result: `{"isAuthorized":true}`, calls: 1, wantV1: map[string]any{}},
		{name: "no sources", sources: []string{}, result: `{"isAuthorized":true}`, calls: 1, wantV1: map[string]any{}},
		{name: "function error", result: `{"errorMessage":"boom"}`, fnErr: "Unhandled", token: "t", status: 500, calls: 1},
		{name: "invoke error", err: errors.New("no such function"), token: "t", status: 500, calls: 1},
		{name: "garbage", result: `"yes"`, token: "t", status: 500, calls: 1},
		{name: "isAuthorized missing", result: `{}`, token: "t", status: 500, calls: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeFunction{result: tc.result, fnErr: tc.fnErr, err: tc.err}
			srcs := tc.sources
			if srcs == nil {
				srcs = []string{"$request.header.Authorization"}
			}
			resp := ResponseSimple
			if tc.iam {
				resp = ResponseIAM
			}
			a, err := New(&Config{Lambda: &LambdaConfig{Function: "authz", IdentitySources: srcs, Response: resp}}, f.invoke, nil)
			if err != nil {
				t.Fatal(err)
			}
			d := a.Authorize(context.Background(), lambdaRequest(tc.token))
			if d.Status != tc.status {
				t.Fatalf("status = %d %s, want %d", d.Status, d.Body, tc.status)
			}
			if f.calls() != tc.calls {
				t.Errorf("calls = %d, want %d", f.calls(), tc.calls)
			}
			if tc.status != 0 {
				checkBody(t, d)
				return
			}
			checkLambdaDecision(t, d, tc.wantV1)
		})
	}
}

// checkBody checks the failure's body is API Gateway's.
func checkBody(t *testing.T, d Decision) {
	t.Helper()
	want := map[int]string{401: `{"message":"Unauthorized"}`, 403: `{"message":"Forbidden"}`, 500: `{"message":"Internal Server Error"}`}[d.Status]
	if string(d.Body) != want || d.Header.Get("Content-Type") != "application/json" {
		t.Errorf("body = %s %v, want %s", d.Body, d.Header, want)
	}
}

// checkLambdaDecision decodes V2 into the AWS type and compares V1.
func checkLambdaDecision(t *testing.T, d Decision, wantV1 map[string]any) {
	t.Helper()
	b, _ := json.Marshal(d.V2)
	var v2 events.APIGatewayV2HTTPRequestContextAuthorizerDescription
	if err := json.Unmarshal(b, &v2); err != nil || v2.Lambda == nil {
		t.Fatalf("V2 = %s (%v)", b, err)
	}
	b, _ = json.Marshal(d.V1)
	var v1 map[string]any
	if err := json.Unmarshal(b, &v1); err != nil {
		t.Fatal(err)
	}
	w, _ := json.Marshal(wantV1)
	if string(b) != string(w) {
		t.Errorf("V1 = %s, want %s", b, w)
	}
	for k, x := range wantV1 {
		if k != "principalId" && v2.Lambda[k] != x {
			t.Errorf("V2 lambda[%s] = %v, want %v", k, v2.Lambda[k], x)
		}
	}
}

// TestLambdaEvent checks the request event against the AWS type.
func TestLambdaEvent(t *testing.T) {
	f := &fakeFunction{result: `{"isAuthorized":true}`}
	a, err := New(&Config{Lambda: &LambdaConfig{Function: "authz", IdentitySources: []string{"$request.header.Authorization", "$request.querystring.a"}}}, f.invoke, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := a.Authorize(context.Background(), lambdaRequest("tok")); d.Status != 0 {
		t.Fatalf("status = %d", d.Status)
	}
	ev := f.events[0]
	checks := []struct{ name, got, want string }{
		{"version", ev.Version, "2.0"},
		{"type", ev.Type, "REQUEST"},
		{"routeArn", ev.RouteArn, allowedArn},
		{"identitySource", jsonOf(ev.IdentitySource), `["tok","1,2"]`},
		{"routeKey", ev.RouteKey, "POST /pets/{id}"},
		{"rawPath", ev.RawPath, "/pets/7"},
		{"rawQueryString", ev.RawQueryString, "a=1&a=2"},
		{"cookies", jsonOf(ev.Cookies), `["c1=v1","c2=v2"]`},
		{"header", ev.Headers["authorization"], "tok"},
		{"query", ev.QueryStringParameters["a"], "1,2"},
		{"pathParameters", ev.PathParameters["id"], "7"},
		{"accountId", ev.RequestContext.AccountID, arn.Account},
		{"apiId", ev.RequestContext.APIID, "api"},
		{"domainName", ev.RequestContext.DomainName, "api.localhost"},
		{"domainPrefix", ev.RequestContext.DomainPrefix, "api"},
		{"method", ev.RequestContext.HTTP.Method, "POST"},
		{"sourceIp", ev.RequestContext.HTTP.SourceIP, "127.0.0.1"},
		{"stage", ev.RequestContext.Stage, "$default"},
		{"requestId", ev.RequestContext.RequestID, "req-1"},
		{"time", ev.RequestContext.Time, "12/Mar/2026:19:03:58 +0000"},
		{"timeEpoch", jsonOf(ev.RequestContext.TimeEpoch), jsonOf(testTime.UnixMilli())},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestLambdaCache: a verdict is reused per identity within CacheSeconds,
// and asked again after.
func TestLambdaCache(t *testing.T) {
	f := &fakeFunction{result: `{"isAuthorized":true,"context":{"a":"b"}}`}
	a, err := New(&Config{Lambda: &LambdaConfig{Function: "authz", IdentitySources: []string{"$request.header.Authorization"}, CacheTTL: 300 * time.Second}}, f.invoke, nil)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		token string
		after time.Duration
		calls int
	}{
		{"t1", 0, 1},
		{"t1", time.Second, 1},
		{"t2", 2 * time.Second, 2},
		{"t1", 299 * time.Second, 2},
		{"t1", 301 * time.Second, 3},
		{"t2", 302 * time.Second, 4},
	}
	for i, s := range steps {
		r := lambdaRequest(s.token)
		r.Time = testTime.Add(s.after)
		if d := a.Authorize(context.Background(), r); d.Status != 0 || d.V2["lambda"].(map[string]any)["a"] != "b" {
			t.Fatalf("step %d: %d %v", i, d.Status, d.V2)
		}
		if f.calls() != s.calls {
			t.Fatalf("step %d: calls = %d, want %d", i, f.calls(), s.calls)
		}
	}
	a.lambda.mu.Lock()
	n := len(a.lambda.cache)
	a.lambda.mu.Unlock()
	if n != 2 {
		t.Errorf("cache holds %d entries, want 2", n)
	}
	// Failures are not cached.
	f.fnErr = "Unhandled"
	for range 2 {
		if d := a.Authorize(context.Background(), lambdaRequest("t3")); d.Status != 500 {
			t.Fatalf("status = %d", d.Status)
		}
	}
	if f.calls() != 6 {
		t.Errorf("calls = %d, want 6", f.calls())
	}
}

func TestWildcardMatch(t *testing.T) {
	cases := []struct {
		pattern, s string
		want       bool
	}{
		{"*", "anything", true},
		{"arn:*", "arn:x", true},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxbyy", false},
		{"exact", "exact", true},
		{"exact", "exactly", false},
		{"", "", true},
	}
	for _, tc := range cases {
		if got := wildcardMatch(tc.pattern, tc.s); got != tc.want {
			t.Errorf("wildcardMatch(%q, %q) = %v", tc.pattern, tc.s, got)
		}
	}
}

func TestNewErrors(t *testing.T) {
	noop := func(context.Context, string, []byte) ([]byte, string, error) { return nil, "", nil }
	cases := []struct {
		name string
		cfg  *Config
	}{
		{"nil", nil},
		{"empty", &Config{}},
		{"both", &Config{JWT: &JWTConfig{Issuer: testIssuer}, Lambda: &LambdaConfig{Function: "authz"}}},
		{"jwt without issuer", &Config{JWT: &JWTConfig{}}},
		{"lambda without function", &Config{Lambda: &LambdaConfig{}}},
		{"unknown response type", &Config{Lambda: &LambdaConfig{Function: "authz", Response: ResponseIAM + 1}}},
	}
	for _, tc := range cases {
		if _, err := New(tc.cfg, noop, nil); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}

// FuzzPolicy: any authorizer answer is decided without panicking.
func FuzzPolicy(f *testing.F) {
	f.Add(policy("Allow", `"*"`), true)
	f.Add(`{"isAuthorized":true,"context":{"a":[1]}}`, false)
	f.Add(`{"policyDocument":{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}}`, true)
	f.Fuzz(func(t *testing.T, result string, iam bool) {
		if iam {
			iamDecision([]byte(result), allowedArn)
		} else {
			simpleDecision([]byte(result))
		}
	})
}
