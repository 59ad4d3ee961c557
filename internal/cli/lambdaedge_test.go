package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
		{name: "an object the route has", path: "/soft/here.txt", hdr: auth, status: 200, body: "here"},
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
