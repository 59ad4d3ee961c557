package lambdaedge

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/verge-edge/verge/internal/edge"
	"github.com/verge-edge/verge/internal/stack"
)

// obj is a result as a function builds it from the event.
type obj = map[string]any

// ruleCase is one validation rule: a result made from the event's own
// request (or response) by mod, or raw when set, and the start of the
// wanted 502 detail after CloudFront's prefix ("" for accepted).
type ruleCase struct {
	name    string
	trigger stack.Trigger
	mod     func(m obj)
	raw     string
	want    string
}

func setHeader(m obj, name, value string) {
	hs, _ := m["headers"].(obj)
	if hs == nil {
		hs = obj{}
		m["headers"] = hs
	}
	hs[name] = []any{obj{"key": http.CanonicalHeaderKey(name), "value": value}}
}

func delHeader(m obj, name string) { delete(m["headers"].(obj), name) }

func setOrigin(kind string, o obj) func(m obj) { return func(m obj) { m["origin"] = obj{kind: o} } }

// customOriginObj is a valid custom origin; with overrides applied.
func customOriginObj(kv ...any) obj {
	o := obj{"customHeaders": obj{}, "domainName": "api.example.com", "keepaliveTimeout": 5, "path": "",
		"port": 443, "protocol": "https", "readTimeout": 30, "sslProtocols": []any{"TLSv1.2"}}
	for i := 0; i+1 < len(kv); i += 2 {
		o[kv[i].(string)] = kv[i+1]
	}
	return o
}

func s3OriginObj(kv ...any) obj {
	o := obj{"authMethod": "none", "customHeaders": obj{}, "domainName": "my-bucket.s3.amazonaws.com", "path": "", "region": "us-east-1"}
	for i := 0; i+1 < len(kv); i += 2 {
		o[kv[i].(string)] = kv[i+1]
	}
	return o
}

func replaceBody(enc, data string) func(m obj) {
	return func(m obj) { m["body"] = obj{"action": "replace", "encoding": enc, "data": data} }
}

var (
	vr  = stack.ViewerRequest
	or  = stack.OriginRequest
	ors = stack.OriginResponse
	vrs = stack.ViewerResponse
)

var ruleCases = []ruleCase{
	// The result itself (specs §2.6).
	{"identity", vr, nil, "", ""},
	{"not JSON", vr, nil, `{"uri":`, "[json] The JSON output is not parsable."},
	{"empty", vr, nil, ` `, "[json] The JSON output is not parsable."},
	{"null", vr, nil, `null`, "[json] The json output must be an object type."},
	{"array", or, nil, `[]`, "[json] The json output must be an object type."},
	{"string", ors, nil, `"x"`, "[json] The json output must be an object type."},
	{"null response", vrs, nil, `null`, "[json] The json output must be an object type."},
	{"extra field", vr, func(m obj) { m["cookies"] = obj{} }, "", `the request has the unexpected field "cookies"`},
	{"origin at viewer-request", vr, setOrigin("custom", customOriginObj()), "", `the request has the unexpected field "origin"`},
	{"method changed", vr, func(m obj) { m["method"] = "POST" }, "", "method is read-only"},
	{"clientIp changed", or, func(m obj) { m["clientIp"] = "1.2.3.4" }, "", "clientIp is read-only"},
	{"method absent", vr, func(m obj) { delete(m, "method") }, "", ""},

	// URI and query string (§2.3).
	{"uri without slash", vr, func(m obj) { m["uri"] = "a" }, "", `uri "a" must start with /`},
	{"uri missing", vr, func(m obj) { delete(m, "uri") }, "", "uri must be a string"},
	{"uri number", vr, func(m obj) { m["uri"] = 1 }, "", "uri must be a string"},
	{"uri control", vr, func(m obj) { m["uri"] = "/a\nb" }, "", `uri "/a\nb" holds`},
	{"uri 8191", vr, func(m obj) { m["uri"] = "/" + strings.Repeat("a", 8190); m["querystring"] = "" }, "", ""},
	{"uri 8192", vr, func(m obj) { m["uri"] = "/" + strings.Repeat("a", 8191); m["querystring"] = "" }, "", "uri and querystring are 8192 characters"},
	{"uri+query 8192", or, func(m obj) { m["uri"] = "/" + strings.Repeat("a", 8185); m["querystring"] = "b=1234" }, "", "uri and querystring are 8192 characters"},
	{"query space", vr, func(m obj) { m["querystring"] = "a=1 2" }, "", `querystring "a=1 2" holds`},
	{"query hash", or, func(m obj) { m["querystring"] = "a=1#x" }, "", `querystring "a=1#x" holds`},
	{"query number", vr, func(m obj) { m["querystring"] = 1 }, "", "the request.querystring must be a string"},
	{"query changed", or, func(m obj) { m["querystring"] = "c=3" }, "", ""},

	// Headers (§1.2, §2.1, §2.2).
	{"header without key", vr, func(m obj) { m["headers"].(obj)["x-a"] = []any{obj{"value": "1"}} }, "", ""},
	{"header key mismatch", vr, func(m obj) { m["headers"].(obj)["x-a"] = []any{obj{"key": "X-B", "value": "1"}} }, "", `headers["x-a"][0].key must be`},
	{"header name not lowercase", vr, func(m obj) { m["headers"].(obj)["X-A"] = []any{obj{"value": "1"}} }, "", `headers["X-A"]: a header name must be`},
	{"header name not token", vr, func(m obj) { m["headers"].(obj)["x a"] = []any{obj{"value": "1"}} }, "", `headers["x a"]: a header name`},
	{"header not array", vr, func(m obj) { m["headers"].(obj)["x-a"] = obj{"value": "1"} }, "", `headers["x-a"] must be an array`},
	{"header value number", vr, func(m obj) { m["headers"].(obj)["x-a"] = []any{obj{"value": 1}} }, "", `headers["x-a"][0].value must be a string`},
	{"header value CRLF", vr, func(m obj) { setHeader(m, "x-a", "1\r\nX-B: 2") }, "", `headers["x-a"][0].value holds a control character`},
	{"header extra field", vr, func(m obj) { m["headers"].(obj)["x-a"] = []any{obj{"value": "1", "x": 1}} }, "", `headers["x-a"][0] has the unexpected field "x"`},
	{"headers not object", vr, func(m obj) { m["headers"] = []any{} }, "", "headers must be an object"},
	{"host changed", vr, func(m obj) { setHeader(m, "host", "evil.example") }, "", `headers["host"]: the function tried to add, delete, or change the read-only header Host`},
	{"host removed", vr, func(m obj) { delHeader(m, "host") }, "", "read-only header Host"},
	{"via removed", vr, func(m obj) { delHeader(m, "via") }, "", "read-only header Via"},
	{"content-length added vr", vr, func(m obj) { setHeader(m, "content-length", "1") }, "", "read-only header Content-Length"},
	{"cdn-loop added", vr, func(m obj) { setHeader(m, "cdn-loop", "x") }, "", "read-only header CDN-Loop"},
	{"transfer-encoding added", vr, func(m obj) { setHeader(m, "transfer-encoding", "chunked") }, "", "read-only header Transfer-Encoding"},
	{"host changed at origin-request", or, func(m obj) { setHeader(m, "host", "other.example") }, "", ""},
	{"if-none-match changed", or, func(m obj) { setHeader(m, "if-none-match", `"x"`) }, "", "read-only header If-None-Match"},
	{"accept-encoding added", or, func(m obj) { setHeader(m, "accept-encoding", "gzip") }, "", "read-only header Accept-Encoding"},
	{"if-modified-since added", or, func(m obj) { setHeader(m, "if-modified-since", "x") }, "", "read-only header If-Modified-Since"},
	{"if-range added", or, func(m obj) { setHeader(m, "if-range", "x") }, "", "read-only header If-Range"},
	{"if-unmodified-since added", or, func(m obj) { setHeader(m, "if-unmodified-since", "x") }, "", "read-only header If-Unmodified-Since"},
	{"via changed at origin-response", ors, func(m obj) { setHeader(m, "via", "x") }, "", "read-only header Via"},
	{"transfer-encoding at origin-response", ors, func(m obj) { setHeader(m, "transfer-encoding", "chunked") }, "", "read-only header Transfer-Encoding"},
	{"content-length at origin-response", ors, func(m obj) { setHeader(m, "content-length", "9") }, "", ""},
	{"warning added at viewer-response", vrs, func(m obj) { setHeader(m, "warning", "199 x") }, "", "read-only header Warning"},
	{"content-encoding added at viewer-response", vrs, func(m obj) { setHeader(m, "content-encoding", "gzip") }, "", "read-only header Content-Encoding"},
	{"content-length changed at viewer-response", vrs, func(m obj) { setHeader(m, "content-length", "9") }, "", "read-only header Content-Length"},
	{"connection added", vr, func(m obj) { setHeader(m, "connection", "close") }, "", `headers["connection"]: Connection is a disallowed header`},
	{"x-amz-cf-pop added", or, func(m obj) { setHeader(m, "x-amz-cf-pop", "x") }, "", "X-Amz-Cf-Pop is a disallowed header"},
	{"x-edge-location added", ors, func(m obj) { setHeader(m, "x-edge-location", "x") }, "", "X-Edge-Location is a disallowed header"},
	{"x-cache added", vrs, func(m obj) { setHeader(m, "x-cache", "Hit") }, "", "X-Cache is a disallowed header"},
	{"x-real-ip added", vr, func(m obj) { setHeader(m, "x-real-ip", "1.2.3.4") }, "", "X-Real-IP is a disallowed header"},
	{"viewer country added at viewer-request", vr, func(m obj) { setHeader(m, hdrViewerCountry, "FR") }, "", `headers["cloudfront-viewer-country"]: CloudFront-Viewer-Country cannot be added in viewer-request`},
	{"viewer country added at origin-request", or, func(m obj) { setHeader(m, hdrViewerCountry, "FR") }, "", ""},
	{"device header added at viewer-request", vr, func(m obj) { setHeader(m, hdrIsMobile, "true") }, "", ""},

	// Request body (§1.2, §2.4).
	{"body read-only data ignored", vr, func(m obj) { m["body"] = obj{"action": "read-only", "encoding": "base64", "data": "!!"} }, "", ""},
	{"body string", vr, func(m obj) { m["body"] = "x" }, "", msgBody},
	{"body bad action", vr, func(m obj) { m["body"] = obj{"action": "append", "data": "x"} }, "", `body.action "append" must be`},
	{"body bad encoding", vr, func(m obj) { m["body"] = obj{"action": "replace", "encoding": "hex", "data": "00"} }, "", `body.encoding "hex" must be`},
	{"body data missing", vr, func(m obj) { m["body"] = obj{"action": "replace"} }, "", msgBody},
	{"body bad base64", vr, replaceBody("base64", "not base64!"), "", "the body is not valid base64"},
	{"body text 40 KB", vr, replaceBody("text", strings.Repeat("a", 40<<10)), "", ""},
	{"body text over 40 KB", vr, replaceBody("text", strings.Repeat("a", 40<<10+1)), "", msgBody},
	{"body base64 over 40 KB", vr, replaceBody("base64", base64.StdEncoding.EncodeToString(make([]byte, 40<<10+1))), "", msgBody},
	{"body base64 40 KB", vr, replaceBody("base64", base64.StdEncoding.EncodeToString(make([]byte, 40<<10))), "", ""},
	{"body text 1 MB at origin-request", or, replaceBody("text", strings.Repeat("a", 1<<20)), "", ""},
	{"body text over 1 MB at origin-request", or, replaceBody("text", strings.Repeat("a", 1<<20+1)), "", msgBody},

	// Generated responses (§1.4, §2.4).
	{"generated string status", vr, nil, `{"status":"302","headers":{"location":[{"value":"/x"}]}}`, ""},
	{"generated number status", or, nil, `{"status":302}`, ""},
	{"generated status 199", vr, nil, `{"status":"199"}`, "status 199 is not between 200 and 599"},
	{"generated status 600", vr, nil, `{"status":600}`, "status 600 is not between 200 and 599"},
	{"generated status text", vr, nil, `{"status":"OK"}`, "status must be an integer"},
	{"generated status fraction", vr, nil, `{"status":200.5}`, "status must be an integer"},
	{"generated status null", vr, nil, `{"status":null}`, "status must be an integer"},
	{"generated statusDescription number", vr, nil, `{"status":200,"statusDescription":1}`, "the response.statusDescription must be a string"},
	{"generated extra field", vr, nil, `{"status":200,"cookies":{}}`, `the response has the unexpected field "cookies"`},
	{"generated 204 with body", vr, nil, `{"status":204,"body":"x"}`, "a 204 response cannot have a body"},
	{"generated 204 with body at origin-request", or, nil, `{"status":204,"body":"x"}`, ""},
	{"generated 204 empty body", vr, nil, `{"status":204,"body":""}`, ""},
	{"generated body object", vr, nil, `{"status":200,"body":{"a":1}}`, msgBody},
	{"generated bad bodyEncoding", vr, nil, `{"status":200,"body":"x","bodyEncoding":"gzip"}`, `bodyEncoding "gzip" must be`},
	{"generated bad base64", vr, nil, `{"status":200,"body":"%%%","bodyEncoding":"base64"}`, "the body is not valid base64"},
	{"generated disallowed header", vr, nil, `{"status":200,"headers":{"x-cache":[{"value":"x"}]}}`, "X-Cache is a disallowed header"},
	{"generated body over 40 KB", vr, nil, `{"status":200,"body":"` + strings.Repeat("a", 40<<10+1) + `"}`, msgBody},
	{"generated body and headers over 40 KB", vr, nil, `{"status":200,"headers":{"x-a":[{"value":"` + strings.Repeat("b", 100) + `"}]},"body":"` + strings.Repeat("a", 40<<10-50) + `"}`, msgBody},
	{"generated body over 40 KB at origin-request", or, nil, `{"status":200,"body":"` + strings.Repeat("a", 40<<10+1) + `"}`, ""},

	// Responses (§1.3, §1.5).
	{"viewer-response status changed", vrs, func(m obj) { m["status"] = "404" }, "", "a viewer-response function cannot change the status (200 to 404)"},
	{"viewer-response status as number", vrs, func(m obj) { m["status"] = 200 }, "", ""},
	{"origin-response status changed", ors, func(m obj) { m["status"] = 301 }, "", ""},
	{"origin-response status 700", ors, func(m obj) { m["status"] = "700" }, "", "status 700 is not between 200 and 599"},
	{"origin-response body over 1 MB", ors, func(m obj) { m["body"] = strings.Repeat("a", 1<<20+1) }, "", msgBody},
	{"viewer-response body over 40 KB", vrs, func(m obj) { m["body"] = strings.Repeat("a", 40<<10+1) }, "", msgBody},
	{"response extra field", ors, func(m obj) { m["statusCode"] = 200 }, "", `the response has the unexpected field "statusCode"`},

	// Origins (§1.2).
	{"switch to custom", or, setOrigin("custom", customOriginObj()), "", ""},
	{"switch to s3", or, setOrigin("s3", s3OriginObj()), "", ""},
	{"both origins", or, func(m obj) { m["origin"] = obj{"custom": customOriginObj(), "s3": s3OriginObj()} }, "", "origin must hold exactly one of custom and s3"},
	{"no origin kind", or, func(m obj) { m["origin"] = obj{} }, "", "origin must hold exactly one of custom and s3"},
	{"origin not object", or, func(m obj) { m["origin"] = "x" }, "", "origin must be an object"},
	{"custom port 22", or, setOrigin("custom", customOriginObj("port", 22)), "", "origin.custom.port 22 must be 80, 443 or 1024 to 65535"},
	{"custom port 8080", or, setOrigin("custom", customOriginObj("port", 8080)), "", ""},
	{"custom domain IP", or, setOrigin("custom", customOriginObj("domainName", "10.0.0.1")), "", `origin.custom.domainName "10.0.0.1" must not be an IP address`},
	{"custom domain with port", or, setOrigin("custom", customOriginObj("domainName", "a.example:80")), "", `origin.custom.domainName "a.example:80" must be a host name`},
	{"custom domain empty", or, setOrigin("custom", customOriginObj("domainName", "")), "", "origin.custom.domainName must be 1 to 253 characters"},
	{"custom domain 254", or, setOrigin("custom", customOriginObj("domainName", strings.Repeat("a", 254))), "", "origin.custom.domainName must be 1 to 253 characters"},
	{"custom protocol ftp", or, setOrigin("custom", customOriginObj("protocol", "ftp")), "", `origin.custom.protocol "ftp" must be http or https`},
	{"custom readTimeout 3", or, setOrigin("custom", customOriginObj("readTimeout", 3)), "", "origin.custom.readTimeout 3 must be 4 to 60"},
	{"custom keepaliveTimeout 61", or, setOrigin("custom", customOriginObj("keepaliveTimeout", 61)), "", "origin.custom.keepaliveTimeout 61 must be 1 to 60"},
	{"custom sslProtocols", or, setOrigin("custom", customOriginObj("sslProtocols", []any{"TLSv1.3"})), "", `origin.custom.sslProtocols: "TLSv1.3"`},
	{"custom path trailing slash", or, setOrigin("custom", customOriginObj("path", "/a/")), "", `origin.custom.path "/a/" must start with /`},
	{"custom path relative", or, setOrigin("custom", customOriginObj("path", "a")), "", `origin.custom.path "a" must start with /`},
	{"custom unknown field", or, setOrigin("custom", customOriginObj("sni", "x")), "", `origin.custom: json: unknown field "sni"`},
	{"custom port string", or, setOrigin("custom", customOriginObj("port", "443")), "", "origin.custom: json: cannot unmarshal string"},
	{"custom header disallowed", or, setOrigin("custom", customOriginObj("customHeaders", obj{"x-real-ip": []any{obj{"value": "1"}}})), "", `origin.custom.customHeaders["x-real-ip"]: X-Real-IP is a disallowed header`},
	{"custom header in request", or, setOrigin("custom", customOriginObj("customHeaders", obj{"host": []any{obj{"value": "x"}}})), "", `origin.custom.customHeaders["host"]: the request already has this header`},
	{"custom header bad key", or, setOrigin("custom", customOriginObj("customHeaders", obj{"x-a": []any{obj{"key": "X-B", "value": "1"}}})), "", `origin.custom.customHeaders["x-a"][0].key must be`},
	{"s3 uppercase domain", or, setOrigin("s3", s3OriginObj("domainName", "My-Bucket.s3.amazonaws.com")), "", `origin.s3.domainName "My-Bucket.s3.amazonaws.com" must be a lowercase host name`},
	{"s3 domain 129", or, setOrigin("s3", s3OriginObj("domainName", strings.Repeat("a", 129))), "", "must be a lowercase host name of 1 to 128 characters"},
	{"s3 auth bogus", or, setOrigin("s3", s3OriginObj("authMethod", "oac")), "", `origin.s3.authMethod "oac" must be origin-access-identity or none`},
	{"s3 OAI without region", or, setOrigin("s3", s3OriginObj("authMethod", "origin-access-identity", "region", "")), "", "origin.s3.region is required with authMethod origin-access-identity"},
	{"s3 OAI from custom", or, setOrigin("s3", s3OriginObj("authMethod", "origin-access-identity")), "", "origin.s3: an origin access identity cannot be used when switching from a custom origin"},
}

// resultFor builds the event for c's trigger and returns c's result: the
// event's request or response as mod changed it.
func resultFor(t *testing.T, c ruleCase, req *edge.Request, resp *edge.Response) []byte {
	t.Helper()
	if c.mod == nil && c.raw != "" {
		return []byte(c.raw)
	}
	ev, err := Build(c.trigger, testConfig, req, resp, true)
	if err != nil {
		t.Fatal(err)
	}
	name := "request"
	if isResponse(c.trigger) {
		name = "response"
	}
	if c.mod == nil {
		return member(t, ev, name)
	}
	var m obj
	if err := json.Unmarshal(member(t, ev, name), &m); err != nil {
		t.Fatal(err)
	}
	c.mod(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRules checks each validation rule: the 502, its type and CloudFront's
// wording, or acceptance; a rejected result changes nothing.
func TestRules(t *testing.T) {
	for _, c := range ruleCases {
		t.Run(c.name, func(t *testing.T) {
			req, resp := testRequest(), testResponse()
			if !isResponse(c.trigger) {
				resp = nil
			}
			out := resultFor(t, c, req, resp)
			before := cloneRequest(req)
			_, err := Apply(c.trigger, out, req, resp)
			if c.want == "" {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted; want %q", c.want)
			}
			fe := validationError(t, err)
			prefix, want := prefixValidation, c.want
			if rest, ok := strings.CutPrefix(c.want, "[json] "); ok {
				prefix, want = prefixJSON, rest
			}
			if !strings.HasPrefix(fe.Detail, prefix) || !strings.Contains(fe.Detail, want) {
				t.Errorf("detail %q\nwant %q after %q", fe.Detail, want, prefix)
			}
			if req.URI != before.URI || req.Query != before.Query || len(req.Header) != len(before.Header) || req.OriginOverride != nil {
				t.Error("a rejected result changed the request")
			}
			if resp != nil && resp.Status != 200 {
				t.Error("a rejected result changed the response")
			}
		})
	}
}
