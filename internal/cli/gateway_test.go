package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

const gatewayStack = `resources:
  api:
    type: http-api-gateway
    properties:
      cors:
        enabled: true
        allowedOrigins: [https://app.example.com]
        allowedHeaders: [Content-Type, Authorization]
        exposedResponseHeaders: [X-Fn]
        maxAge: 600
  lb:
    type: application-load-balancer
  echo:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn/echo.js}}
      events:
        - type: http-api-gateway
          properties: {httpApiGatewayName: api, path: '/echo/{proxy+}', method: '*'}
        - type: application-load-balancer
          properties: {loadBalancerName: lb, priority: 10, paths: ['/node/*']}
  pyecho:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: py/echo.py}}
      events:
        - type: http-api-gateway
          properties: {httpApiGatewayName: api, path: '/v1/{id}', method: GET, payloadFormat: '1.0'}
        - type: application-load-balancer
          properties: {loadBalancerName: lb, priority: 20, paths: ['/py/*'], methods: [GET]}
  goecho:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: gofn/main.go}}
      events:
        - type: http-api-gateway
          properties: {httpApiGatewayName: api, path: '/go/{name}', method: GET}
        - type: application-load-balancer
          properties: {loadBalancerName: lb, priority: 30, paths: ['/go/*']}
  binary:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn/binary.js}}
      events:
        - type: http-api-gateway
          properties: {httpApiGatewayName: api, path: /bin, method: POST}
        - type: application-load-balancer
          properties: {loadBalancerName: lb, priority: 40, paths: [/bin]}
  infer:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn/infer.js}}
      events:
        - type: http-api-gateway
          properties: {httpApiGatewayName: api, path: /infer, method: GET}
  fails:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn/fails.js}}
      events:
        - type: http-api-gateway
          properties: {httpApiGatewayName: api, path: /fails, method: GET}
        - type: application-load-balancer
          properties: {loadBalancerName: lb, priority: 50, paths: [/fails]}
  garbage:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn/garbage.js}}
      events:
        - type: http-api-gateway
          properties: {httpApiGatewayName: api, path: /garbage, method: GET}
        - type: application-load-balancer
          properties: {loadBalancerName: lb, priority: 60, paths: [/garbage]}
  throttled:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn/infer.js}}
      reservedConcurrency: 0
      events:
        - type: http-api-gateway
          properties: {httpApiGatewayName: api, path: /throttled, method: GET}
        - type: application-load-balancer
          properties: {loadBalancerName: lb, priority: 70, paths: [/throttled]}
`

var gatewayFiles = map[string]string{
	"fn/echo.js": `exports.handler = async (event) => ({
  statusCode: 200,
  statusDescription: '200 OK',
  headers: { 'content-type': 'application/json', 'x-fn': 'node', 'access-control-allow-origin': 'https://evil.example' },
  cookies: ['session=abc; Path=/', 'theme=dark'],
  body: JSON.stringify(event),
});
`,
	"fn/binary.js": `exports.handler = async (event) => ({
  statusCode: 200,
  headers: { 'content-type': 'application/octet-stream' },
  isBase64Encoded: true,
  body: event.isBase64Encoded ? event.body : Buffer.from(event.body || '').toString('base64'),
});
`,
	"fn/infer.js":   `exports.handler = async () => ({ hello: 'world' });` + "\n",
	"fn/fails.js":   `exports.handler = async () => { throw new Error('boom'); };` + "\n",
	"fn/garbage.js": `exports.handler = async () => ({ statusCode: 'not a number', body: 42 });` + "\n",
	"py/echo.py": `import json

def handler(event, context):
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "multiValueHeaders": {"x-multi": ["a", "b"]},
        "body": json.dumps(event),
    }
`,
	"gofn/main.go": `package main

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

func handler(ctx context.Context, raw json.RawMessage) (events.APIGatewayV2HTTPResponse, error) {
	var e map[string]any
	if err := json.Unmarshal(raw, &e); err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	path, _ := e["rawPath"].(string)
	if path == "" {
		path, _ = e["path"].(string) // an ALB event
	}
	return events.APIGatewayV2HTTPResponse{
		StatusCode: 200,
		Headers:    map[string]string{"content-type": "text/plain", "x-fn": "go"},
		Body:       "go " + path,
	}, nil
}

func main() { lambda.Start(handler) }
`,
}

// call sends one request to the listener for host.
func call(t *testing.T, method, listen, host, path string, body []byte, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, "http://"+listen+path, bytes.NewReader(body))
	must(t, err)
	req.Host = host
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	must(t, err)
	return resp, b
}

// TestGatewaysEndToEnd runs real node, python and go handlers behind an
// http-api-gateway and an application-load-balancer, decodes the events
// they received into aws-lambda-go's types, and checks AWS's failure codes.
func TestGatewaysEndToEnd(t *testing.T) {
	dir := stackDir(t, gatewayStack)
	files := map[string]string{}
	for k, v := range gatewayFiles {
		files[k] = v
	}
	version, sums := lambdaGoSums(t)
	files["gofn/go.mod"] = "module example.com/gofn\n\ngo 1.26\n\nrequire github.com/aws/aws-lambda-go " + version + "\n"
	files["gofn/go.sum"] = sums
	writeFiles(t, dir, files)
	v := start(t, "dev", dir)
	out := v.stdout.String()
	for _, want := range []string{"api.localhost:", "lb.localhost:"} {
		if !strings.Contains(out, want) {
			t.Errorf("startup output lacks %q:\n%s", want, out)
		}
	}
	const api, lb = "api.localhost", "lb.localhost"

	t.Run("payload 2.0 from node", func(t *testing.T) {
		resp, body := call(t, "GET", v.listen, api, "/echo/a/b?x=1&x=2&y=", nil, "Cookie", "c1=v1; c2=v2", "X-Dup", "one")
		if resp.StatusCode != 200 {
			t.Fatalf("status %d: %s", resp.StatusCode, body)
		}
		var e events.APIGatewayV2HTTPRequest
		must(t, json.Unmarshal(body, &e))
		checks := []struct{ name, got, want string }{
			{"version", e.Version, "2.0"},
			{"routeKey", e.RouteKey, "ANY /echo/{proxy+}"},
			{"rawPath", e.RawPath, "/echo/a/b"},
			{"rawQueryString", e.RawQueryString, "x=1&x=2&y="},
			{"query x", e.QueryStringParameters["x"], "1,2"},
			{"proxy", e.PathParameters["proxy"], "a/b"},
			{"method", e.RequestContext.HTTP.Method, "GET"},
			{"stage", e.RequestContext.Stage, "$default"},
			{"requestId", e.RequestContext.RequestID, resp.Header.Get("Apigw-Requestid")},
			{"header", e.Headers["x-dup"], "one"},
			{"cookies", strings.Join(e.Cookies, ";"), "c1=v1;c2=v2"},
			{"sourceIp", e.RequestContext.HTTP.SourceIP, "127.0.0.1"},
			{"set-cookie", strings.Join(resp.Header.Values("Set-Cookie"), "|"), "session=abc; Path=/|theme=dark"},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
			}
		}
		if e.RequestContext.TimeEpoch == 0 || e.Headers["cookie"] != "" {
			t.Errorf("timeEpoch %d, cookie header %q (cookies go in cookies)", e.RequestContext.TimeEpoch, e.Headers["cookie"])
		}
	})

	t.Run("payload 1.0 from python", func(t *testing.T) {
		resp, body := call(t, "GET", v.listen, api, "/v1/42?a=1&a=2", nil)
		if resp.StatusCode != 200 {
			t.Fatalf("status %d: %s", resp.StatusCode, body)
		}
		var e events.APIGatewayProxyRequest
		must(t, json.Unmarshal(body, &e))
		if e.Resource != "/v1/{id}" || e.PathParameters["id"] != "42" || e.HTTPMethod != "GET" || e.Path != "/v1/42" ||
			strings.Join(e.MultiValueQueryStringParameters["a"], ",") != "1,2" || e.QueryStringParameters["a"] != "2" {
			t.Errorf("event: resource %q id %q method %q path %q multi %v single %q", e.Resource, e.PathParameters["id"],
				e.HTTPMethod, e.Path, e.MultiValueQueryStringParameters, e.QueryStringParameters["a"])
		}
		if got := resp.Header.Values("X-Multi"); strings.Join(got, ",") != "a,b" {
			t.Errorf("X-Multi = %v, want a and b", got)
		}
	})

	t.Run("go handler", func(t *testing.T) {
		resp, body := call(t, "GET", v.listen, api, "/go/gopher", nil)
		if resp.StatusCode != 200 || string(body) != "go /go/gopher" || resp.Header.Get("X-Fn") != "go" {
			t.Errorf("got %d %q %v", resp.StatusCode, body, resp.Header)
		}
	})

	t.Run("binary round trip", func(t *testing.T) {
		data := make([]byte, 4096)
		for i := range data {
			data[i] = byte(i * 7)
		}
		for _, host := range []string{api, lb} {
			resp, body := call(t, "POST", v.listen, host, "/bin", data, "Content-Type", "application/octet-stream")
			if resp.StatusCode != 200 || !bytes.Equal(body, data) {
				t.Errorf("%s: status %d, %d bytes back, equal %v", host, resp.StatusCode, len(body), bytes.Equal(body, data))
			}
		}
	})

	t.Run("2.0 inference", func(t *testing.T) {
		resp, body := call(t, "GET", v.listen, api, "/infer", nil)
		if resp.StatusCode != 200 || string(body) != `{"hello":"world"}` || resp.Header.Get("Content-Type") != "application/json" {
			t.Errorf("got %d %q %q", resp.StatusCode, body, resp.Header.Get("Content-Type"))
		}
	})

	t.Run("cors", func(t *testing.T) {
		resp, _ := call(t, "OPTIONS", v.listen, api, "/echo/x", nil, "Origin", "https://app.example.com",
			"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type")
		if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != "https://app.example.com" ||
			resp.Header.Get("Access-Control-Max-Age") != "600" || resp.Header.Get("Access-Control-Allow-Headers") != "Content-Type,Authorization" {
			t.Errorf("preflight: %d %v", resp.StatusCode, resp.Header)
		}
		resp, _ = call(t, "OPTIONS", v.listen, api, "/echo/x", nil, "Origin", "https://other.example",
			"Access-Control-Request-Method", "POST")
		if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("preflight from a foreign origin: %d %v", resp.StatusCode, resp.Header)
		}
		resp, _ = call(t, "GET", v.listen, api, "/echo/x", nil, "Origin", "https://app.example.com")
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "https://app.example.com" || resp.Header.Get("Access-Control-Expose-Headers") != "X-Fn" {
			t.Errorf("actual request: Allow-Origin %q (the function's own is replaced), Expose %q", got, resp.Header.Get("Access-Control-Expose-Headers"))
		}
	})

	t.Run("alb event from node", func(t *testing.T) {
		resp, body := call(t, "GET", v.listen, lb, "/node/x?q=1", nil, "X-Test", "yes")
		if resp.StatusCode != 200 {
			t.Fatalf("status %d: %s", resp.StatusCode, body)
		}
		var e events.ALBTargetGroupRequest
		must(t, json.Unmarshal(body, &e))
		if e.HTTPMethod != "GET" || e.Path != "/node/x" || e.QueryStringParameters["q"] != "1" || e.Headers["x-test"] != "yes" ||
			e.Headers["x-forwarded-for"] == "" || e.Headers["x-amzn-trace-id"] == "" || !strings.Contains(e.RequestContext.ELB.TargetGroupArn, ":targetgroup/") {
			t.Errorf("event: %+v", e)
		}
	})

	t.Run("alb python and go", func(t *testing.T) {
		resp, body := call(t, "GET", v.listen, lb, "/py/x", nil)
		var e events.ALBTargetGroupRequest
		if resp.StatusCode != 200 || json.Unmarshal(body, &e) != nil || e.Path != "/py/x" {
			t.Errorf("python: %d %s", resp.StatusCode, body)
		}
		resp, body = call(t, "GET", v.listen, lb, "/go/x", nil)
		if resp.StatusCode != 200 || string(body) != "go /go/x" {
			t.Errorf("go: %d %q", resp.StatusCode, body)
		}
	})

	big := bytes.Repeat([]byte("x"), 10<<20+1)
	for _, c := range []struct {
		name, host, method, path string
		body                     []byte
		status                   int
		want                     string
	}{
		{"api function error", api, "GET", "/fails", nil, 502, `{"message":"Internal Server Error"}`},
		{"api malformed response", api, "GET", "/garbage", nil, 502, `{"message":"Internal Server Error"}`},
		{"api throttled", api, "GET", "/throttled", nil, 429, `{"message":"Too Many Requests"}`},
		{"api no route", api, "GET", "/nowhere", nil, 404, `{"message":"Not Found"}`},
		{"api body over 10 MB", api, "POST", "/echo/big", big, 413, `{"message":"Request Entity Too Large"}`},
		{"alb function error", lb, "GET", "/fails", nil, 502, "502 Bad Gateway"},
		{"alb malformed response", lb, "GET", "/garbage", nil, 502, "502 Bad Gateway"},
		{"alb throttled", lb, "GET", "/throttled", nil, 503, "503"},
		{"alb no rule", lb, "GET", "/nowhere", nil, 404, "404"},
		{"alb body over 1 MB", lb, "POST", "/node/big", big[:1<<20+1], 413, "413"},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, body := call(t, c.method, v.listen, c.host, c.path, c.body)
			if resp.StatusCode != c.status || !strings.Contains(string(body), c.want) {
				t.Errorf("got %d %q, want %d %q", resp.StatusCode, body, c.status, c.want)
			}
		})
	}

	// The node keeps serving after every failure.
	resp, body := call(t, "GET", v.listen, api, "/echo/still", nil)
	if resp.StatusCode != 200 {
		t.Errorf("after the failures: %d %s", resp.StatusCode, body)
	}
}

const cdnGatewayStack = `resources:
  site:
    type: bucket
    properties:
      directory: public
      cdn:
        enabled: true
        routeRewrites:
          - path: /api/*
            routeTo: {type: http-api-gateway, properties: {httpApiGatewayName: api}}
  api:
    type: http-api-gateway
    properties:
      cdn:
        enabled: true
        edgeFunctions: {onRequest: tag}
  lb:
    type: application-load-balancer
    properties:
      listen: 127.0.0.1:0
  tag:
    type: cdn-function
    properties:
      entryfilePath: fn/tag.js
  echo:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn/echo.js}}
      events:
        - type: http-api-gateway
          properties: {httpApiGatewayName: api, path: '/{proxy+}', method: '*'}
        - type: application-load-balancer
          properties: {loadBalancerName: lb, priority: 1, paths: ['/*'], multiValueHeaders: true}
`

// TestGatewayBehindCDN puts the edge in front of an http-api-gateway (its
// own cdn, with a cdn-function, and a bucket's route to it) and serves a
// load balancer on its own listen address with multi-value headers.
func TestGatewayBehindCDN(t *testing.T) {
	dir := stackDir(t, cdnGatewayStack)
	writeFiles(t, dir, map[string]string{
		"public/index.html": "home",
		"fn/echo.js":        gatewayFiles["fn/echo.js"],
		"fn/tag.js":         "function handler(event) { event.request.headers['x-tagged'] = {value: 'yes'}; return event.request; }\n",
	})
	v := start(t, "dev", dir)

	// Through the gateway's own distribution: the cdn-function ran, the
	// function saw the whole query string, the edge answered.
	resp, body := call(t, "GET", v.listen, "api.localhost", "/users/7?a=1&b=2", nil)
	var e events.APIGatewayV2HTTPRequest
	if resp.StatusCode != 200 || json.Unmarshal(body, &e) != nil {
		t.Fatalf("through the CDN: %d %s", resp.StatusCode, body)
	}
	if e.Headers["x-tagged"] != "yes" || e.RawQueryString != "a=1&b=2" || e.RawPath != "/users/7" || resp.Header.Get("Via") == "" {
		t.Errorf("event headers %v, query %q, path %q; Via %q", e.Headers, e.RawQueryString, e.RawPath, resp.Header.Get("Via"))
	}
	if xc := resp.Header.Get("X-Cache"); !strings.HasPrefix(xc, "Miss") {
		t.Errorf("X-Cache = %q: an API behind a CDN is not cached unless asked", xc)
	}

	// A bucket's CDN routing /api/* to the gateway; other paths stay the bucket's.
	resp, body = call(t, "GET", v.listen, "site.localhost", "/api/x", nil)
	var viaSite events.APIGatewayV2HTTPRequest
	if resp.StatusCode != 200 || json.Unmarshal(body, &viaSite) != nil || viaSite.RawPath != "/api/x" || viaSite.Headers["x-tagged"] != "" {
		t.Errorf("site /api/x: %d %s", resp.StatusCode, body)
	}
	if _, body = call(t, "GET", v.listen, "site.localhost", "/", nil); string(body) != "home" {
		t.Errorf("site /: %q", body)
	}

	// The balancer on its own address, multi-value headers on.
	var lbAddr string
	for line := range strings.Lines(v.stdout.String()) {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "lb" && strings.HasPrefix(f[1], "http://127.0.0.1:") {
			lbAddr = strings.TrimSuffix(strings.TrimPrefix(f[1], "http://"), "/")
		}
	}
	if lbAddr == "" {
		t.Fatalf("no lb address in the startup output:\n%s", v.stdout.String())
	}
	resp, body = call(t, "GET", lbAddr, lbAddr, "/p?k=1&k=2", nil)
	var a events.ALBTargetGroupRequest
	if resp.StatusCode != 200 || json.Unmarshal(body, &a) != nil {
		t.Fatalf("lb: %d %s", resp.StatusCode, body)
	}
	if strings.Join(a.MultiValueQueryStringParameters["k"], ",") != "1,2" || len(a.MultiValueHeaders["host"]) != 1 || a.Headers != nil {
		t.Errorf("multi-value event: query %v, headers %v / %v", a.MultiValueQueryStringParameters, a.MultiValueHeaders, a.Headers)
	}

	// The dev terminal: the *.localhost note, and a line per request from
	// the one access log, CDN and own-address door alike.
	until(t, 5*time.Second, func() bool { return strings.Contains(v.stdout.String(), "GET "+lbAddr+"/p?k=1&k=2 200 - ") })
	for _, want := range []string{"Python, Node's fetch and wget do not", "api   > GET api.localhost/users/7?a=1&b=2 200 Miss ",
		"site  > GET site.localhost/api/x 200 Miss ", "site  > GET site.localhost/ 200 "} {
		if !strings.Contains(v.stdout.String(), want) {
			t.Errorf("the dev output lacks %q:\n%s", want, v.stdout.String())
		}
	}
	if strings.Count(v.stdout.String(), "/api/x") != 1 {
		t.Errorf("a CDN's request to its gateway origin was logged twice:\n%s", v.stdout.String())
	}
}
