package cli

import (
	"strings"
	"testing"
)

// The failures stack: one Node.js viewer-request function and one Python
// origin-request function fail in a way the path names; a slow function
// with a 1 s timeout sleeps at origin-request.
const lambdaEdgeFailuresYAML = `resources:
  site:
    type: bucket
    properties:
      directory: ./public
      cdn:
        enabled: true
        routeRewrites:
          - path: /vr/*
            routeTo: {type: bucket, properties: {bucketName: site}}
            edgeFunctions: {onRequest: badViewer}
          - path: /or/*
            routeTo: {type: bucket, properties: {bucketName: site}}
            edgeFunctions: {onOriginRequest: badOrigin}
          - path: /slow/*
            routeTo: {type: bucket, properties: {bucketName: site}}
            edgeFunctions: {onOriginRequest: slow}
  badViewer:
    type: edge-lambda-function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn/bad.js}}
  badOrigin:
    type: edge-lambda-function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn/bad.py}}
  slow:
    type: edge-lambda-function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn/slow.py}}
      timeout: 1
`

// badViewerHandler returns, for /vr/CASE, a result CloudFront rejects.
const badViewerHandler = `exports.handler = async (event) => {
  const request = event.Records[0].cf.request;
  const kase = request.uri.split('/')[2];
  switch (kase) {
    case 'ok': return request;
    case 'string': return 'not an object';
    case 'array': return [request];
    case 'disallowed': request.headers['x-forwarded-proto'] = [{ key: 'X-Forwarded-Proto', value: 'https' }]; return request;
    case 'readonly': request.headers['host'] = [{ key: 'Host', value: 'elsewhere.example' }]; return request;
    case 'status600': return { status: '600', body: 'nope' };
    case 'nocontent': return { status: '204', body: 'a body' };
    case 'bigbody': return { status: '200', body: 'x'.repeat(41 * 1024) };
    case 'badbase64': return { status: '200', bodyEncoding: 'base64', body: '!!not base64!!' };
    case 'noslash': request.uri = 'index.html'; return request;
    case 'longurl': request.uri = '/' + 'a'.repeat(8000); request.querystring = 'q=' + 'b'.repeat(300); return request;
    case 'country': request.headers['cloudfront-viewer-country'] = [{ key: 'CloudFront-Viewer-Country', value: 'FR' }]; return request;
    case 'throw': throw new Error('boom from the handler');
  }
  return request;
};
`

// badOriginHandler fails at origin-request, where Python's json.dumps
// writes NaN, which is not JSON.
const badOriginHandler = `def handler(event, context):
    request = event["Records"][0]["cf"]["request"]
    case = request["uri"].split("/")[2]
    if case == "nan":
        return float("nan")
    if case == "readonly":
        request["headers"]["if-none-match"] = [{"key": "If-None-Match", "value": "\"x\""}]
        return request
    if case == "raise":
        raise ValueError("boom from python")
    return request
`

const slowHandler = `import time

def handler(event, context):
    time.sleep(10)
    return event["Records"][0]["cf"]["request"]
`

// TestLambdaEdgeFailures: every failure of issue #5 §5 answers with
// CloudFront's status and X-Cache, and the node keeps serving after each.
func TestLambdaEdgeFailures(t *testing.T) {
	dir := stackDir(t, lambdaEdgeFailuresYAML)
	writeFiles(t, dir, map[string]string{
		"fn/bad.js":                badViewerHandler,
		"fn/bad.py":                badOriginHandler,
		"fn/slow.py":               slowHandler,
		"public/vr/ok/index.html":  "vr ok",
		"public/or/ok/index.html":  "or ok",
		"public/slow/x/index.html": "never",
	})
	v := start(t, "serve", dir, "--access-log", "off")
	site := "http://" + v.listen
	const (
		invalid = "LambdaValidationError from verge"
		exec    = "LambdaExecutionError from verge"
		limit   = "LambdaLimitExceeded from verge"
	)
	type tc struct {
		name   string
		path   string
		status int
		xcache string
		log    string // in the server's log: the reason
	}
	for _, c := range []tc{
		{"not an object (a string)", "/vr/string/", 502, invalid, "The json output must be an object type."},
		{"not an object (an array)", "/vr/array/", 502, invalid, "must be an object type"},
		{"not JSON (NaN)", "/or/nan/", 502, invalid, "The JSON output is not parsable."},
		{"disallowed header added", "/vr/disallowed/", 502, invalid, "X-Forwarded-Proto"},
		{"read-only header changed at viewer-request", "/vr/readonly/", 502, invalid, "Host"},
		{"read-only header added at origin-request", "/or/readonly/", 502, invalid, "If-None-Match"},
		{"CloudFront-Viewer-Country added at viewer-request", "/vr/country/", 502, invalid, "CloudFront-Viewer-Country"},
		{"status 600", "/vr/status600/", 502, invalid, "600"},
		{"204 with a body at viewer-request", "/vr/nocontent/", 502, invalid, "204"},
		{"body over 40 KB", "/vr/bigbody/", 502, invalid, "exceeds the maximum size"},
		{"bad base64", "/vr/badbase64/", 502, invalid, "base64"},
		{"uri without /", "/vr/noslash/", 502, invalid, "must start with /"},
		{"uri and query over 8,192", "/vr/longurl/", 502, invalid, "8192"},
		{"exception (Node.js)", "/vr/throw/", 503, exec, "boom from the handler"},
		{"exception (Python)", "/or/raise/", 503, exec, "boom from python"},
		{"timeout at origin-request", "/slow/x/", 503, limit, "timed out"},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, body := fetch(t, "GET", site+c.path, nil)
			if resp.StatusCode != c.status || resp.Header.Get("X-Cache") != c.xcache {
				t.Errorf("%d %q, want %d %q (body %.300q)", resp.StatusCode, resp.Header.Get("X-Cache"), c.status, c.xcache, body)
			}
			if !strings.Contains(v.stderr.String(), c.log) {
				t.Errorf("the log lacks %q", c.log)
			}
			for _, ok := range []string{"/vr/ok/", "/or/ok/"} {
				if resp, body := fetch(t, "GET", site+ok, nil); resp.StatusCode != 200 || !strings.HasSuffix(body, "ok") {
					t.Errorf("after the failure, %s: %d %.200q", ok, resp.StatusCode, body)
				}
			}
		})
	}
}
