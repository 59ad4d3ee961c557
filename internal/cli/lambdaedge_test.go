package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The seed examples: an authorizer at onRequest (TypeScript, default
// export) that redirects to /login without an Authorization header, and a
// Python onResponse function that sets a cookie; a route whose 404s an
// origin-response function turns into 200 before caching.
const lambdaEdgeYAML = `resources:
  site:
    type: bucket
    properties:
      directory: ./public
      cdn:
        enabled: true
        edgeFunctions:
          onRequest: authFunction
          onResponse: cookieFunction
        routeRewrites:
          - path: /soft/*
            routeTo:
              type: bucket
              properties:
                bucketName: site
            edgeFunctions:
              onOriginResponse: softNotFound
              onResponse: securityHeaders
  authFunction:
    type: edge-lambda-function
    properties:
      packaging:
        type: stacktape-lambda-buildpack
        properties:
          entryfilePath: auth-function.ts
  cookieFunction:
    type: edge-lambda-function
    properties:
      packaging:
        type: stacktape-lambda-buildpack
        properties:
          entryfilePath: cookie/set_cookie.py
  securityHeaders:
    type: edge-lambda-function
    properties:
      packaging:
        type: stacktape-lambda-buildpack
        properties:
          entryfilePath: security/index.js
  softNotFound:
    type: edge-lambda-function
    properties:
      packaging:
        type: stacktape-lambda-buildpack
        properties:
          entryfilePath: soft/index.js
`

const authFunction = `const validateAuthorizationToken = (token: string | undefined) => token === "Bearer good";

export default async (event: any) => {
  const { request } = event.Records[0].cf;
  const { headers } = request;
  const authorizationToken = headers.authorization?.[0]?.value;
  if (!validateAuthorizationToken(authorizationToken)) {
    return {
      status: '302',
      headers: {
        location: [{ key: 'Location', value: '/login' }],
        'cache-control': [{ key: 'Cache-Control', value: 'no-cache, no-store, max-age=0, must-revalidate' }],
      },
    };
  }
  return request;
};
`

const cookieFunction = `def handler(event, context):
    response = event["Records"][0]["cf"]["response"]
    response["headers"]["set-cookie"] = [{"key": "Set-Cookie", "value": "my-experimental-cookie=cookie-value"}]
    return response
`

// securityHeaders is the seed's viewer-response example, unchanged.
const securityHeaders = `exports.handler = async (event) => {
  const response = event.Records[0].cf.response;
  response.headers['strict-transport-security'] = [{
    key: 'Strict-Transport-Security',
    value: 'max-age=63072000; includeSubdomains; preload'
  }];
  response.headers['x-content-type-options'] = [{
    key: 'X-Content-Type-Options',
    value: 'nosniff'
  }];
  return response;
};
`

const softNotFound = `exports.handler = async (event) => {
  const { response } = event.Records[0].cf;
  if (response.status === '404') {
    response.status = 200;
    response.statusDescription = 'OK';
    response.headers['content-type'] = [{ key: 'Content-Type', value: 'text/plain' }];
    response.body = 'soft landing';
  }
  return response;
};
`

func TestLambdaEdgeEndToEnd(t *testing.T) {
	dir := stackDir(t, lambdaEdgeYAML)
	files := map[string]string{
		"auth-function.ts":     authFunction,
		"cookie/set_cookie.py": cookieFunction,
		"soft/index.js":        softNotFound,
		"security/index.js":    securityHeaders,
		"public/soft/here.txt": "here",
	}
	for name, body := range files {
		must(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755))
		must(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644))
	}
	v := start(t, "serve", dir, "--data", filepath.Join(dir, ".verge"))
	site := "http://" + v.listen
	auth := []string{"Authorization", "Bearer good"}

	type tc struct {
		name       string
		path       string
		hdr        []string
		status     int
		xcache     string
		header     string // name=value that must be present
		body       string
		noSetCooke bool
	}
	for _, c := range []tc{
		{name: "no token: redirected", path: "/", status: 302, xcache: "LambdaGeneratedResponse from verge",
			header: "Location=/login", noSetCooke: true},
		{name: "token: the object, with the cookie", path: "/", hdr: auth, status: 200, xcache: "Miss from verge",
			header: "Set-Cookie=my-experimental-cookie=cookie-value", body: "v1"},
		{name: "again: a hit, viewer-response ran again", path: "/", hdr: auth, status: 200, xcache: "Hit from verge",
			header: "Set-Cookie=my-experimental-cookie=cookie-value", body: "v1"},
		{name: "origin 404 rewritten before caching (the route has no onResponse: routes do not inherit)",
			path: "/soft/nothing", hdr: auth, status: 200, xcache: "Miss from verge", body: "soft landing", noSetCooke: true},
		{name: "the rewritten object is cached", path: "/soft/nothing", hdr: auth, status: 200, xcache: "Hit from verge", body: "soft landing"},
		{name: "an object the route has, with the security headers", path: "/soft/here.txt", hdr: auth, status: 200, body: "here",
			header: "Strict-Transport-Security=max-age=63072000; includeSubdomains; preload"},
		{name: "again, a hit, the headers added again", path: "/soft/here.txt", hdr: auth, status: 200, xcache: "Hit from verge",
			header: "X-Content-Type-Options=nosniff"},
	} {
		resp, body := fetch(t, "GET", site+c.path, nil, c.hdr...)
		if resp.StatusCode != c.status {
			t.Errorf("%s: status %d, want %d (body %q, headers %v)", c.name, resp.StatusCode, c.status, body, resp.Header)
			continue
		}
		if c.xcache != "" && resp.Header.Get("X-Cache") != c.xcache {
			t.Errorf("%s: X-Cache %q, want %q", c.name, resp.Header.Get("X-Cache"), c.xcache)
		}
		if c.header != "" {
			k, want, _ := strings.Cut(c.header, "=")
			if got := resp.Header.Get(k); got != want {
				t.Errorf("%s: %s %q, want %q", c.name, k, got, want)
			}
		}
		if c.body != "" && body != c.body {
			t.Errorf("%s: body %q, want %q", c.name, body, c.body)
		}
		if c.noSetCooke && resp.Header.Get("Set-Cookie") != "" {
			t.Errorf("%s: viewer-response ran on a generated response", c.name)
		}
	}
	if resp, _ := fetch(t, "GET", site+"/", nil); resp.Header.Get("Cache-Control") != "no-cache, no-store, max-age=0, must-revalidate" {
		t.Errorf("redirect Cache-Control %q", resp.Header.Get("Cache-Control"))
	}

}

// TestLambdaEdgeDevReload: in dev, a saved change to an edge-lambda-function
// is live at once: a new version, the old sandboxes drained. The latency is
// logged (docs/benchmarks.md records it); the bound only catches a change
// that never applies.
func TestLambdaEdgeDevReload(t *testing.T) {
	dir := stackDir(t, siteYAML+`        edgeFunctions:
          onResponse: stamp
  stamp:
    type: edge-lambda-function
    properties:
      packaging:
        type: stacktape-lambda-buildpack
        properties:
          entryfilePath: stamp/index.js
`)
	stamp := func(v string) string {
		return `exports.handler = async (event) => {
  const response = event.Records[0].cf.response;
  response.headers['x-stamp'] = [{ key: 'X-Stamp', value: '` + v + `' }];
  return response;
};
`
	}
	must(t, os.MkdirAll(filepath.Join(dir, "stamp"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "stamp", "index.js"), []byte(stamp("v1")), 0o644))
	v := start(t, "dev", dir, "--data", filepath.Join(dir, ".verge"))
	site := "http://" + v.listen + "/"
	if resp, _ := fetch(t, "GET", site, nil); resp.Header.Get("X-Stamp") != "v1" {
		t.Fatalf("first: X-Stamp %q", resp.Header.Get("X-Stamp"))
	}
	begin := time.Now()
	must(t, os.WriteFile(filepath.Join(dir, "stamp", "index.js"), []byte(stamp("v2")), 0o644))
	until(t, 10*time.Second, func() bool {
		resp, _ := fetch(t, "GET", site, nil)
		return resp.Header.Get("X-Stamp") == "v2"
	})
	t.Logf("edge-lambda-function change live after %v (build, new version, first cold start)", time.Since(begin))
}
