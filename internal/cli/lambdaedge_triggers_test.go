package cli

import (
	"bufio"
	"strconv"
	"strings"
	"testing"
)

// The trigger stack: a route with all four triggers in front of the echo
// origin, and a route whose viewer-request generates the response while
// a viewer-response function is associated.
const lambdaEdgeTriggersYAML = `resources:
  site:
    type: bucket
    properties:
      directory: ./public
      cdn:
        enabled: true
        routeRewrites:
          - path: /all/*
            routeTo: {type: custom-origin, properties: {url: ORIGIN}}
            edgeFunctions:
              onRequest: viewerReq
              onOriginRequest: originReq
              onOriginResponse: originResp
              onResponse: viewerResp
          - path: /gen/*
            routeTo: {type: custom-origin, properties: {url: ORIGIN}}
            edgeFunctions:
              onRequest: generate
              onResponse: viewerResp
  viewerReq:
    type: edge-lambda-function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn/vreq.js}}
  originReq:
    type: edge-lambda-function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn/oreq.py}}
  originResp:
    type: edge-lambda-function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn/oresp.js}}
  viewerResp:
    type: edge-lambda-function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn/vresp.py}}
  generate:
    type: edge-lambda-function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn/gen.js}}
`

var lambdaEdgeTriggerHandlers = map[string]string{
	"fn/vreq.js": `exports.handler = async (event) => event.Records[0].cf.request;
`,
	"fn/oreq.py": `def handler(event, context):
    return event["Records"][0]["cf"]["request"]
`,
	// origin-response marks the response: the mark is cached with it.
	"fn/oresp.js": `exports.handler = async (event) => {
  const response = event.Records[0].cf.response;
  response.headers['x-origin-response'] = [{ key: 'X-Origin-Response', value: 'status ' + response.status }];
  return response;
};
`,
	// viewer-response marks every response it sees, never stored.
	"fn/vresp.py": `def handler(event, context):
    response = event["Records"][0]["cf"]["response"]
    response["headers"]["x-viewer-response"] = [{"key": "X-Viewer-Response", "value": "ran"}]
    return response
`,
	"fn/gen.js": `exports.handler = async () => ({ status: '200', headers: { 'content-type': [{ value: 'text/plain' }] }, body: 'generated' });
`,
}

// invocations reads each edge-lambda-function's invocation count from the
// admin API's /metrics, by resource name.
func invocations(t *testing.T, v *running) map[string]int {
	t.Helper()
	_, body := fetch(t, "GET", "http://"+v.admin+"/metrics", nil, v.auth()...)
	const prefix = `verge_function_invocations_total{function="us-east-1.`
	n := map[string]int{}
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), prefix)
		if !ok {
			continue
		}
		name, value, _ := strings.Cut(rest, `"} `)
		f, _ := strconv.ParseFloat(value, 64)
		n[name] = int(f)
	}
	return n
}

// TestLambdaEdgeTriggers proves at end-to-end level which triggers run:
// origin triggers on a miss only; origin-response for a 404 too;
// viewer-response on hits and misses, but not for an origin 404 nor for a
// viewer-request generated response.
func TestLambdaEdgeTriggers(t *testing.T) {
	origin := newEchoOrigin(t, "main")
	dir := stackDir(t, strings.ReplaceAll(lambdaEdgeTriggersYAML, "ORIGIN", origin.srv.URL))
	writeFiles(t, dir, lambdaEdgeTriggerHandlers)
	v := start(t, "serve", dir, "--access-log", "off")
	site := "http://" + v.listen

	type ran struct{ viewerReq, originReq, originResp, viewerResp, generate int }
	type tc struct {
		name       string
		path       string
		status     int
		xcache     string
		originMark string // X-Origin-Response
		viewerMark bool   // X-Viewer-Response: ran
		ran        ran    // invocations this request caused
	}
	for _, c := range []tc{
		{"miss: all four", "/all/a", 200, "Miss from verge", "status 200", true, ran{1, 1, 1, 1, 0}},
		{"hit: no origin triggers, the origin-response mark cached", "/all/a", 200, "Hit from verge", "status 200", true, ran{1, 0, 0, 1, 0}},
		{"origin 404: origin-response runs, viewer-response does not", "/all/missing", 404, "Error from verge", "status 404", false, ran{1, 1, 1, 0, 0}},
		{"cached 404: neither origin trigger nor viewer-response", "/all/missing", 404, "Error from verge", "status 404", false, ran{1, 0, 0, 0, 0}},
		{"viewer-request generated: no viewer-response", "/gen/x", 200, "LambdaGeneratedResponse from verge", "", false, ran{0, 0, 0, 0, 1}},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := invocations(t, v)
			resp, body := fetch(t, "GET", site+c.path, nil)
			after := invocations(t, v)
			if resp.StatusCode != c.status || resp.Header.Get("X-Cache") != c.xcache {
				t.Errorf("%d %q, want %d %q (body %.200q)", resp.StatusCode, resp.Header.Get("X-Cache"), c.status, c.xcache, body)
			}
			if got := resp.Header.Get("X-Origin-Response"); got != c.originMark {
				t.Errorf("X-Origin-Response %q, want %q", got, c.originMark)
			}
			if got := resp.Header.Get("X-Viewer-Response") == "ran"; got != c.viewerMark {
				t.Errorf("viewer-response ran: %v, want %v", got, c.viewerMark)
			}
			diff := func(name string) int { return after[name] - before[name] }
			got := ran{diff("viewerReq"), diff("originReq"), diff("originResp"), diff("viewerResp"), diff("generate")}
			if got != c.ran {
				t.Errorf("invocations (viewerReq, originReq, originResp, viewerResp, generate) %v, want %v", got, c.ran)
			}
		})
	}
}
