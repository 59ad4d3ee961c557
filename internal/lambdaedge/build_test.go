package lambdaedge

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/verge-edge/verge/internal/cfheader"
	"github.com/verge-edge/verge/internal/edge"
	"github.com/verge-edge/verge/internal/stack"
)

// TestAddCloudFrontHeaders checks the headers CloudFront adds for
// origin-facing functions, by User-Agent.
func TestAddCloudFrontHeaders(t *testing.T) {
	cases := []struct {
		name, ua string
		want     cfheader.Device
	}{
		{"curl", "curl/7.66.0", cfheader.Desktop},
		{"none", "", cfheader.Desktop},
		{"iphone", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148", cfheader.Mobile},
		{"ipad", "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)", cfheader.Tablet},
		{"roku", "Roku/DVP-9.10 (519.10E04111A)", cfheader.SmartTV},
	}
	names := map[cfheader.Device]string{cfheader.Desktop: hdrIsDesktop, cfheader.Mobile: hdrIsMobile, cfheader.Tablet: hdrIsTablet, cfheader.SmartTV: hdrIsSmartTV}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := &edge.Request{ClientIP: "203.0.113.178", Header: http.Header{"Via": {"1.1 proxy"}}}
			if c.ua != "" {
				req.Header.Set("User-Agent", c.ua)
			}
			AddCloudFrontHeaders(req, Config{DistributionDomainName: "d1.cloudfront.net", ViewerCountry: "DE"})
			for d, name := range names {
				want := "false"
				if d == c.want {
					want = "true"
				}
				if got := req.Header.Get(name); got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
			if got := req.Header.Values("Via"); len(got) != 2 || got[1] != "2.0 d1.cloudfront.net (CloudFront)" {
				t.Errorf("Via = %q", got)
			}
			if got := req.Header.Get("X-Forwarded-For"); got != "203.0.113.178" {
				t.Errorf("X-Forwarded-For = %q", got)
			}
			if got := req.Header.Get(hdrViewerCountry); got != "DE" {
				t.Errorf("CloudFront-Viewer-Country = %q", got)
			}
		})
	}
}

// TestAddCloudFrontHeadersNoCountry leaves CloudFront-Viewer-Country out
// when the caller does not know the country, and appends to an existing
// X-Forwarded-For.
func TestAddCloudFrontHeadersNoCountry(t *testing.T) {
	req := &edge.Request{ClientIP: "10.0.0.2", Header: http.Header{"X-Forwarded-For": {"198.51.100.1"}}}
	AddCloudFrontHeaders(req, Config{})
	if _, ok := req.Header["Cloudfront-Viewer-Country"]; ok {
		t.Error("CloudFront-Viewer-Country added without a country")
	}
	if got := req.Header.Get("X-Forwarded-For"); got != "198.51.100.1, 10.0.0.2" {
		t.Errorf("X-Forwarded-For = %q", got)
	}
}

// TestBodyTruncated checks includeBody's truncation: 40 KB at
// viewer-request, 1 MB at origin-request, with inputTruncated.
func TestBodyTruncated(t *testing.T) {
	cases := []struct {
		trigger   stack.Trigger
		size      int
		wantLen   int
		truncated bool
	}{
		{stack.ViewerRequest, 40 << 10, 40 << 10, false},
		{stack.ViewerRequest, 40<<10 + 1, 40 << 10, true},
		{stack.OriginRequest, 40<<10 + 1, 40<<10 + 1, false},
		{stack.OriginRequest, 1<<20 + 1, 1 << 20, true},
		{stack.ViewerRequest, 0, 0, false},
	}
	for _, c := range cases {
		req := testRequest()
		req.Body = make([]byte, c.size)
		ev, err := Build(c.trigger, testConfig, req, nil, true)
		if err != nil {
			t.Fatal(err)
		}
		parsed, err := ParseEvent(ev)
		if err != nil {
			t.Fatal(err)
		}
		b := parsed.Records[0].CF.Request.Body
		data, _ := base64.StdEncoding.DecodeString(b.Data)
		if len(data) != c.wantLen || b.InputTruncated != c.truncated || b.Action != actionReadOnly || b.Encoding != encodingBase64 {
			t.Errorf("%s %d bytes: body of %d bytes, truncated %v, %s/%s", c.trigger, c.size, len(data), b.InputTruncated, b.Action, b.Encoding)
		}
		if _, err := Apply(c.trigger, member(t, ev, "request"), req, nil); err != nil {
			t.Errorf("%s %d bytes: identity result: %v", c.trigger, c.size, err)
		}
		if len(req.Body) != c.size {
			t.Errorf("%s: a read-only body changed to %d bytes", c.trigger, len(req.Body))
		}
	}
}

// TestNoBodyWithoutIncludeBody: without includeBody, and at response
// triggers, there is no body.
func TestNoBodyWithoutIncludeBody(t *testing.T) {
	for _, c := range []struct {
		trigger stack.Trigger
		include bool
	}{{stack.ViewerRequest, false}, {stack.OriginResponse, true}, {stack.ViewerResponse, true}} {
		ev, err := Build(c.trigger, testConfig, testRequest(), testResponse(), c.include)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(ev), `"body"`) || strings.Contains(string(ev), "hello") {
			t.Errorf("%s: the event shows a body: %s", c.trigger, ev)
		}
	}
}

// TestLatin1Header: an ISO-8859-1 value is shown as UTF-8, goes out with
// its original bytes when unchanged, and as UTF-8 when changed.
func TestLatin1Header(t *testing.T) {
	req := testRequest()
	req.Header.Set("X-Name", "caf\xe9")
	ev, err := Build(stack.ViewerRequest, testConfig, req, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ev), `"value":"café"`) {
		t.Fatalf("event does not show café: %s", ev)
	}
	if _, err := Apply(stack.ViewerRequest, member(t, ev, "request"), req, nil); err != nil {
		t.Fatal(err)
	}
	if got := req.Header.Get("X-Name"); got != "caf\xe9" {
		t.Errorf("unchanged value went out as %q", got)
	}
	changed := strings.Replace(string(member(t, ev, "request")), `"café"`, `"cafés"`, 1)
	if _, err := Apply(stack.ViewerRequest, []byte(changed), req, nil); err != nil {
		t.Fatal(err)
	}
	if got := req.Header.Get("X-Name"); got != "cafés" {
		t.Errorf("changed value went out as %q", got)
	}
}

// TestCallerErrors: a bad trigger or a missing request or response is
// the caller's error, not a 502.
func TestCallerErrors(t *testing.T) {
	var fe *edge.FuncError
	for _, c := range []struct {
		name    string
		trigger stack.Trigger
		req     *edge.Request
		resp    *edge.Response
	}{
		{"bad trigger", "on-request", testRequest(), nil},
		{"no request", stack.ViewerRequest, nil, nil},
		{"no response", stack.OriginResponse, testRequest(), nil},
	} {
		if _, err := Build(c.trigger, testConfig, c.req, c.resp, false); err == nil || errors.As(err, &fe) {
			t.Errorf("Build %s: %v", c.name, err)
		}
		if _, err := Apply(c.trigger, []byte(`{}`), c.req, c.resp); err == nil || errors.As(err, &fe) {
			t.Errorf("Apply %s: %v", c.name, err)
		}
	}
}

// TestBucketName strips S3 endpoint suffixes.
func TestBucketName(t *testing.T) {
	for in, want := range map[string]string{
		"my-bucket.s3.amazonaws.com":           "my-bucket",
		"my-bucket.s3.us-west-2.amazonaws.com": "my-bucket",
		"my-bucket.s3-us-west-2.amazonaws.com": "my-bucket",
		"a.b.s3.amazonaws.com":                 "a.b",
		"assets.local":                         "assets.local",
	} {
		if got := bucketName(in); got != want {
			t.Errorf("bucketName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestReplacedBodyDropsContentLength: the edge recomputes it, and sends
// the replacement (BodyReplaced) instead of the viewer's body.
func TestReplacedBodyDropsContentLength(t *testing.T) {
	req := testRequest()
	req.Header.Set("Content-Length", "8")
	ev, err := Build(stack.ViewerRequest, testConfig, req, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	out := strings.Replace(string(member(t, ev, "request")), `"action":"read-only","encoding":"base64"`, `"action":"replace","encoding":"text"`, 1)
	out = strings.Replace(out, `"data":"bmFtZT1Kb2U="`, `"data":"name=Jane Doe"`, 1)
	if _, err := Apply(stack.ViewerRequest, []byte(out), req, nil); err != nil {
		t.Fatal(err)
	}
	if string(req.Body) != "name=Jane Doe" || !req.BodyReplaced || req.Header.Get("Content-Length") != "" {
		t.Errorf("body %q, replaced %v, Content-Length %q", req.Body, req.BodyReplaced, req.Header.Get("Content-Length"))
	}
}

// TestReadOnlyBodyNotReplaced: a read-only body (the default) leaves the
// viewer's body to go to the origin, whatever data the result holds.
func TestReadOnlyBodyNotReplaced(t *testing.T) {
	req := testRequest()
	ev, err := Build(stack.ViewerRequest, testConfig, req, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	before := string(req.Body)
	out := strings.Replace(string(member(t, ev, "request")), `"data":"bmFtZT1Kb2U="`, `"data":"aGk="`, 1)
	if _, err := Apply(stack.ViewerRequest, []byte(out), req, nil); err != nil {
		t.Fatal(err)
	}
	if string(req.Body) != before || req.BodyReplaced {
		t.Errorf("body %q, replaced %v; want %q unreplaced", req.Body, req.BodyReplaced, before)
	}
}
