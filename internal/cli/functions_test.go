package cli

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const fnStack = `resources:
  site:
    type: bucket
    properties:
      directory: ./public
      cdn:
        enabled: true
        edgeFunctions:
          onRequest: rewrite
          onResponse: headers
        routeRewrites:
          - path: /hostile/*
            routeTo:
              type: bucket
              properties: {bucketName: site}
            edgeFunctions:
              onRequest: loop
  rewrite:
    type: cdn-function
    properties:
      entryfilePath: fn/rewrite.js
  headers:
    type: cdn-function
    properties:
      entryfilePath: fn/headers.js
      keyValueStore: flags
  loop:
    type: cdn-function
    properties:
      entryfilePath: fn/loop.js
  flags:
    type: key-value-store
    properties:
      dataFile: flags.json
`

// TestCDNFunctionsEndToEnd runs real CloudFront Functions code through the
// edge: a URL rewrite to index.html at viewer-request, headers from a
// KeyValueStore at viewer-response (on hits too), a hostile function stopped
// with a 503 while the node keeps serving, and an edited function live at once.
func TestCDNFunctionsEndToEnd(t *testing.T) {
	dir := stackDir(t, fnStack)
	must(t, os.MkdirAll(filepath.Join(dir, "public", "docs"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "public", "docs", "index.html"), []byte("docs home"), 0o644))
	must(t, os.MkdirAll(filepath.Join(dir, "fn"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "fn", "rewrite.js"), []byte(`
function handler(event) {
    var request = event.request;
    if (request.uri.endsWith('/')) {
        request.uri += 'index.html';
    } else if (!request.uri.includes('.')) {
        request.uri += '/index.html';
    }
    return request;
}`), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "fn", "headers.js"), []byte(`
import cf from 'cloudfront';
const kvs = cf.kvs();
async function handler(event) {
    const response = event.response;
    response.headers['strict-transport-security'] = { value: 'max-age=63072000; includeSubdomains; preload' };
    response.headers['x-flag'] = { value: await kvs.get('banner') };
    console.log('added headers to ' + event.request.uri);
    return response;
}`), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "fn", "loop.js"), []byte(`function handler(event) { for (;;) {} }`), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "flags.json"), []byte(`{"data":[{"key":"banner","value":"on"}]}`), 0o644))

	// A budget that the race detector's slowdown cannot exhaust for the
	// small functions; jsfn's own tests pin the budget's precision.
	v := start(t, "dev", dir, "--function-compute", "250ms")
	site := "http://" + v.listen
	for i, want := range []string{"Miss from verge", "Hit from verge"} {
		resp, body := fetch(t, "GET", site+"/docs", nil)
		if body != "docs home" {
			t.Fatalf("request %d: %d %q", i, resp.StatusCode, body)
		}
		if resp.Header.Get("X-Cache") != want || resp.Header.Get("X-Flag") != "on" ||
			!strings.HasPrefix(resp.Header.Get("Strict-Transport-Security"), "max-age=63072000") {
			t.Errorf("request %d: %v", i, resp.Header)
		}
	}
	if !strings.Contains(v.stderr.String(), "added headers to /docs/index.html") {
		t.Errorf("console.log did not reach the log: %s", v.stderr.String())
	}

	begin := time.Now()
	resp, body := fetch(t, "GET", site+"/hostile/x", nil)
	if resp.StatusCode != 503 || !strings.Contains(body, "could not run") {
		t.Errorf("endless loop: %d %q", resp.StatusCode, body)
	}
	// The budget is a few ms of compute; 5 s leaves room for a loaded
	// machine while still catching a loop that is never stopped.
	if took := time.Since(begin); took > 5*time.Second {
		t.Errorf("the endless loop ran %v", took)
	}
	if _, body := fetch(t, "GET", site+"/docs/", nil); body != "docs home" {
		t.Errorf("after the hostile function: %q", body)
	}
	if _, metrics := fetch(t, "GET", "http://"+v.admin+"/metrics", nil, v.auth()...); !strings.Contains(metrics,
		`verge_cdn_function_errors_total{function="loop",type="FunctionExecutionError"} 1`) {
		t.Errorf("the failure was not counted")
	}
	if !strings.Contains(v.stderr.String(), "exceeded its compute budget") {
		t.Errorf("the failure's reason is not in the log")
	}

	// An edited function applies at once.
	must(t, os.WriteFile(filepath.Join(dir, "flags.json"), []byte(`{"banner":"off"}`), 0o644))
	until(t, 2*time.Second, func() bool {
		resp, _ := fetch(t, "GET", site+"/docs/", nil)
		return resp.Header.Get("X-Flag") == "off"
	})
}

// TestUpdateRequestOrigin sends a request to another origin chosen by a
// viewer-request function, as the AWS sample select-origin-based-on-country
// does, inheriting nothing from the bucket it replaces.
func TestUpdateRequestOrigin(t *testing.T) {
	o := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "origin saw %s with %s", r.URL.Path, r.Header.Get("X-Region"))
	}))
	defer o.Close()
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(o.URL, "http://"))
	dir := stackDir(t, `resources:
  site:
    type: bucket
    properties:
      directory: ./public
      cdn:
        enabled: true
        edgeFunctions:
          onRequest: pick
  pick:
    type: cdn-function
    properties:
      entryfilePath: pick.js
`)
	must(t, os.WriteFile(filepath.Join(dir, "pick.js"), []byte(`import cf from 'cloudfront';
function handler(event) {
    const request = event.request;
    if (request.uri.startsWith('/eu/')) {
        cf.updateRequestOrigin({
            domainName: 'localhost',
            originPath: '/europe',
            customHeaders: { 'x-region': 'eu' },
            customOriginConfig: { port: `+port+`, protocol: 'http' },
            timeouts: { readTimeout: 5, connectionTimeout: 2 }
        });
    }
    if (request.uri === '/bad') {
        cf.updateRequestOrigin({ domainName: '10.0.0.1' });
    }
    return request;
}`), 0o644))
	v := start(t, "serve", dir, "--function-compute", "250ms", "--access-log", "off")
	site := "http://" + v.listen
	if _, body := fetch(t, "GET", site+"/eu/page", nil); body != "origin saw /europe/eu/page with eu" {
		t.Errorf("override: %q", body)
	}
	if _, body := fetch(t, "GET", site+"/", nil); body != "v1" {
		t.Errorf("no override: %q", body)
	}
	if resp, body := fetch(t, "GET", site+"/bad", nil); resp.StatusCode != 502 || !strings.Contains(body, "not an IP address") {
		t.Errorf("an IP domainName: %d %q", resp.StatusCode, body)
	}
}
