package cff

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/verge-edge/verge/internal/edge"
)

// validRequestResult is testRequest's event.request, unchanged, with %s
// where a test puts extra headers (each followed by a comma).
const validRequestResult = `{"method":"GET","uri":"/index.html",
 "querystring":{"test":{"value":"true"},"arg":{"value":"val1","multiValue":[{"value":"val1"},{"value":"val2"}]}},
 "headers":{%s"accept":{"value":"text/html","multiValue":[{"value":"text/html"},{"value":"application/xhtml+xml"}]},
            "cloudfront-viewer-country":{"value":"GB"},"host":{"value":"www.example.com"}},
 "cookies":{"id":{"value":"CookeIdValue"},"loggedIn":{"value":"false"}}}`

// withHeaders returns validRequestResult with extra headers.
func withHeaders(h string) string {
	if h != "" {
		h += ","
	}
	return fmt.Sprintf(validRequestResult, h)
}

// replaceIn returns validRequestResult with each old string of the pairs
// replaced by the new one that follows it.
func replaceIn(oldnew ...string) string {
	s := withHeaders("")
	for i := 0; i < len(oldnew); i += 2 {
		if !strings.Contains(s, oldnew[i]) {
			panic("replaceIn: no " + oldnew[i])
		}
		s = strings.Replace(s, oldnew[i], oldnew[i+1], 1)
	}
	return s
}

type ruleTest struct {
	name string
	out  string
	// want is a substring of the FuncError's detail; "" means the result
	// is valid.
	want string
}

// requestRules has one case per rule ApplyRequestResult enforces, and
// valid neighbours that must pass.
var requestRules = []ruleTest{
	// The result's shape.
	{"not JSON", `{"uri":`, "not valid JSON"},
	{"empty", ``, "not valid JSON"},
	{"trailing garbage", `{} {}`, "not valid JSON"},
	{"array", `[]`, "must be an object"},
	{"string", `"request"`, "must be an object"},
	{"null (handler returned nothing)", `null`, "must be an object"},
	{"number", `42`, "must be an object"},
	{"unchanged", withHeaders(""), ""},

	// method is read-only (functions-event-structure: "the only read-only
	// field in the request object").
	{"method changed", replaceIn(`"method":"GET"`, `"method":"POST"`), "method is read-only"},
	{"method not a string", replaceIn(`"method":"GET"`, `"method":1`), "method is read-only"},
	{"method absent", replaceIn(`"method":"GET",`, ``), ""},

	// uri must be a string starting with "/" (specs §3.2).
	{"uri absent", replaceIn(`"uri":"/index.html",`, ``), "uri must be a string"},
	{"uri number", replaceIn(`"uri":"/index.html"`, `"uri":5`), "uri must be a string"},
	{"uri relative", replaceIn(`"uri":"/index.html"`, `"uri":"index.html"`), "must start with /"},
	{"uri empty", replaceIn(`"uri":"/index.html"`, `"uri":""`), "must start with /"},
	{"uri control character", replaceIn(`"uri":"/index.html"`, `"uri":"/a\nb"`), "control character"},
	{"uri changed", replaceIn(`"uri":"/index.html"`, `"uri":"/blog/index.html"`), ""},

	// A new query string: no space, control character or # (specs §2.3).
	{"querystring number", replaceIn(`"querystring":{`, `"querystring":5,"x":{`), "must be an object or a string"},
	{"querystring array", replaceIn(`"querystring":{`, `"querystring":[],"x":{`), "must be an object or a string"},
	{"query string with space", replaceIn(`"querystring":{`, `"querystring":"a=b c","x":{`), "space, a control character or #"},
	{"query string with #", replaceIn(`"querystring":{`, `"querystring":"a=b#c","x":{`), "space, a control character or #"},
	{"query value with space", replaceIn(`"test":{"value":"true"}`, `"test":{"value":"t rue"}`), "space, a control character or #"},
	{"query name with control", replaceIn(`"test":{"value":"true"}`, `"te\u0001st":{"value":"true"}`), "space, a control character or #"},
	{"query value encoded", replaceIn(`"test":{"value":"true"}`, `"test":{"value":"a%20b"}`), ""},
	{"query string valid", replaceIn(`"querystring":{`, `"querystring":"a=1&b=2","x":{`), ""},
	{"querystring null", replaceIn(`"querystring":{`, `"querystring":null,"x":{`), ""},

	// URI plus query string shorter than 8,192 characters (specs §2.3).
	{"uri too long", replaceIn(`"uri":"/index.html"`, `"uri":"/`+strings.Repeat("a", MaxURL)+`"`), "the limit is 8191"},
	{"uri at the limit", replaceIn(`"uri":"/index.html"`, `"uri":"/`+strings.Repeat("a", MaxURL-2)+`"`,
		`"querystring":{`, `"querystring":"","x":{`), ""},
	{"query too long", replaceIn(`"querystring":{`, `"querystring":"a=`+strings.Repeat("b", MaxURL)+`","x":{`), "the limit is 8191"},

	// The shape of querystring, headers and cookies fields.
	{"headers not an object", replaceIn(`"headers":{`, `"headers":"x","h":{`), "headers must be an object"},
	{"header not an object", withHeaders(`"x-a":"b"`), `headers["x-a"] must be an object`},
	{"header value not a string", withHeaders(`"x-a":{"value":1}`), `headers["x-a"].value must be a string`},
	{"header value null", withHeaders(`"x-a":{"value":null}`), `headers["x-a"].value must be a string`},
	{"header value missing", withHeaders(`"x-a":{}`), `headers["x-a"].value must be a string`},
	{"header multiValue not an array", withHeaders(`"x-a":{"value":"b","multiValue":{}}`), "multiValue must be an array"},
	{"header multiValue item not an object", withHeaders(`"x-a":{"value":"b","multiValue":["b"]}`), "multiValue[0] must be an object"},
	{"header multiValue item without value", withHeaders(`"x-a":{"value":"b","multiValue":[{}]}`), "multiValue[0].value must be a string"},
	{"header multiValue only", withHeaders(`"x-a":{"multiValue":[{"value":"b"}]}`), ""},
	{"header with unknown property", withHeaders(`"x-a":{"value":"b","multivalue":5}`), ""},
	{"cookies not an object", replaceIn(`"cookies":{`, `"cookies":[],"c":{`), "cookies must be an object"},
	{"query field not an object", replaceIn(`"test":{"value":"true"}`, `"test":true`), `querystring["test"] must be an object`},

	// Header names and values that cannot go out over HTTP.
	{"header name with space", withHeaders(`"x a":{"value":"b"}`), "invalid header name"},
	{"header name with colon", withHeaders(`"x:a":{"value":"b"}`), "invalid header name"},
	{"header name empty", withHeaders(`"":{"value":"b"}`), "invalid header name"},
	{"header value with CR LF", withHeaders(`"x-a":{"value":"b\r\nx-b: c"}`), "control character"},
	{"header value with NUL", withHeaders(`"x-a":{"value":"\u0000"}`), "control character"},
	{"header value with tab", withHeaders(`"x-a":{"value":"a\tb"}`), ""},
	{"header name uppercase", withHeaders(`"X-Custom":{"value":"b"}`), ""},

	// Disallowed headers may not be added (specs §2.1).
	{"x-forwarded-proto", withHeaders(`"x-forwarded-proto":{"value":"http"}`), "X-Forwarded-Proto is a disallowed header"},
	{"X-Forwarded-Proto any case", withHeaders(`"X-Forwarded-Proto":{"value":"http"}`), "disallowed header"},
	{"connection", withHeaders(`"connection":{"value":"close"}`), "disallowed header"},
	{"upgrade", withHeaders(`"upgrade":{"value":"h2c"}`), "disallowed header"},
	{"x-real-ip", withHeaders(`"x-real-ip":{"value":"1.2.3.4"}`), "disallowed header"},
	{"x-amz-cf-* wildcard", withHeaders(`"x-amz-cf-pop":{"value":"SEA"}`), "disallowed header"},
	{"x-edge-* wildcard", withHeaders(`"x-edge-location":{"value":"SEA"}`), "disallowed header"},
	{"x-amzn-requestid", withHeaders(`"x-amzn-requestid":{"value":"1"}`), "disallowed header"},
	{"x-cache", withHeaders(`"x-cache":{"value":"Hit"}`), "disallowed header"},
	{"x-accel-redirect", withHeaders(`"x-accel-redirect":{"value":"/internal"}`), "disallowed header"},
	{"x-amzn-trace-id is allowed", withHeaders(`"x-amzn-trace-id":{"value":"1"}`), ""},

	// Read-only headers in viewer-request (specs §2.2): not added,
	// changed or removed.
	{"host changed", replaceIn(`"host":{"value":"www.example.com"}`, `"host":{"value":"evil.example.com"}`), "Host is read-only"},
	{"host removed", replaceIn(`,"host":{"value":"www.example.com"}`, ``), "Host is read-only"},
	{"host given a second value", replaceIn(`"host":{"value":"www.example.com"}`, `"host":{"value":"www.example.com","multiValue":[{"value":"www.example.com"},{"value":"b"}]}`), "Host is read-only"},
	{"host set with another case, same value", replaceIn(`"host":{"value":"www.example.com"}`, `"Host":{"value":"www.example.com"}`), ""},
	{"via added", withHeaders(`"via":{"value":"1.1 x"}`), "Via is read-only"},
	{"cdn-loop added", withHeaders(`"cdn-loop":{"value":"x"}`), "Cdn-Loop is read-only"},
	{"content-length added", withHeaders(`"content-length":{"value":"0"}`), "Content-Length is read-only"},
	{"transfer-encoding added", withHeaders(`"transfer-encoding":{"value":"chunked"}`), "Transfer-Encoding is read-only"},
	{"warning is not read-only in viewer-request", withHeaders(`"warning":{"value":"199 x"}`), ""},

	// CloudFront-Viewer-Country may not be added in viewer-request (§2.2),
	// but may be changed or removed when present.
	{"cloudfront-viewer-country changed", replaceIn(`"cloudfront-viewer-country":{"value":"GB"}`, `"cloudfront-viewer-country":{"value":"DE"}`), ""},
	{"cloudfront-viewer-country removed", replaceIn(`"cloudfront-viewer-country":{"value":"GB"},`, ``), ""},

	// Cookies that cannot go out in a Cookie header.
	{"cookie name with =", replaceIn(`"loggedIn":{"value":"false"}`, `"a=b":{"value":"false"}`), "invalid cookie name"},
	{"cookie name with ;", replaceIn(`"loggedIn":{"value":"false"}`, `"a;b":{"value":"false"}`), "invalid cookie name"},
	{"cookie name empty", replaceIn(`"loggedIn":{"value":"false"}`, `"":{"value":"false"}`), "invalid cookie name"},
	{"cookie value with ;", replaceIn(`"loggedIn":{"value":"false"}`, `"loggedIn":{"value":"a; b=c"}`), "control character or ;"},
	{"cookie value with LF", replaceIn(`"loggedIn":{"value":"false"}`, `"loggedIn":{"value":"a\nb"}`), "control character or ;"},
	{"cookie value changed", replaceIn(`"loggedIn":{"value":"false"}`, `"loggedIn":{"value":"true"}`), ""},
}

// generatedRules has one case per rule for a response generated in
// viewer-request.
var generatedRules = []ruleTest{
	{"minimal", `{"statusCode":200}`, ""},
	{"redirect", `{"statusCode":301,"statusDescription":"Moved Permanently","headers":{"location":{"value":"https://example.com/"}}}`, ""},

	// statusCode is an integer (not a string; specs §3.2) from 200 to 599
	// (§2.4).
	{"status string", `{"statusCode":"302"}`, "statusCode must be an integer"},
	{"status fraction", `{"statusCode":302.5}`, "statusCode must be an integer"},
	{"status null", `{"statusCode":null}`, "statusCode must be an integer"},
	{"status bool", `{"statusCode":true}`, "statusCode must be an integer"},
	{"status huge", `{"statusCode":1e400}`, "statusCode must be an integer"},
	{"status 199", `{"statusCode":199}`, "not between 200 and 599"},
	{"status 600", `{"statusCode":600}`, "not between 200 and 599"},
	{"status 100", `{"statusCode":100}`, "not between 200 and 599"},
	{"status negative", `{"statusCode":-200}`, "not between 200 and 599"},
	{"status 599", `{"statusCode":599}`, ""},
	{"status 302.0", `{"statusCode":302.0}`, ""},
	{"status exponent", `{"statusCode":3.02e2}`, ""},

	// statusDescription is optional and a string.
	{"description number", `{"statusCode":200,"statusDescription":1}`, "statusDescription must be a string"},
	{"description null", `{"statusCode":200,"statusDescription":null}`, ""},

	// body: a string, or {encoding: text|base64, data} (specs §3.2).
	{"body number", `{"statusCode":200,"body":1}`, "body must be a string or an object"},
	{"body array", `{"statusCode":200,"body":[]}`, "body must be a string or an object"},
	{"body encoding unknown", `{"statusCode":200,"body":{"encoding":"gzip","data":"x"}}`, "must be text or base64"},
	{"body encoding number", `{"statusCode":200,"body":{"encoding":1,"data":"x"}}`, "body.encoding must be a string"},
	{"body data missing", `{"statusCode":200,"body":{"encoding":"text"}}`, "body.data must be a string"},
	{"body data number", `{"statusCode":200,"body":{"encoding":"text","data":1}}`, "body.data must be a string"},
	{"body bad base64", `{"statusCode":200,"body":{"encoding":"base64","data":"not base64!"}}`, "not valid base64"},
	{"body base64 unpadded", `{"statusCode":200,"body":{"encoding":"base64","data":"aGk"}}`, "not valid base64"},
	{"body base64", `{"statusCode":200,"body":{"encoding":"base64","data":"aGk="}}`, ""},
	{"body object without encoding", `{"statusCode":200,"body":{"data":"hi"}}`, ""},
	{"body null", `{"statusCode":200,"body":null}`, ""},

	// Size: 40 KB for the body and for headers plus body (specs §2.4).
	{"body text too big", `{"statusCode":200,"body":"` + strings.Repeat("a", MaxResponse+1) + `"}`, "the limit is 40960"},
	{"body text at the limit", `{"statusCode":200,"body":"` + strings.Repeat("a", MaxResponse-100) + `"}`, ""},
	{"body base64 too big", `{"statusCode":200,"body":{"encoding":"base64","data":"` + base64.StdEncoding.EncodeToString(make([]byte, MaxResponse+1)) + `"}}`, "40960"},
	{"headers and body too big", `{"statusCode":200,"headers":{"x-a":{"value":"` + strings.Repeat("h", MaxResponse/2) + `"}},"body":"` + strings.Repeat("a", MaxResponse/2) + `"}`, "with its headers; the limit is 40960"},

	// A 204 may not have a body (specs §2.4).
	{"204 with body", `{"statusCode":204,"body":"x"}`, "a 204 response cannot have a body"},
	{"204 with empty body", `{"statusCode":204,"body":""}`, ""},

	// Headers: disallowed ones may not be added; the viewer-request
	// read-only list protects the request, not a generated response.
	{"generated x-cache", `{"statusCode":200,"headers":{"x-cache":{"value":"Hit"}}}`, "disallowed header"},
	{"generated x-amz-cf-id", `{"statusCode":200,"headers":{"x-amz-cf-id":{"value":"1"}}}`, "disallowed header"},
	{"generated via", `{"statusCode":200,"headers":{"via":{"value":"1.1 x"}}}`, ""},
	{"generated bad header name", `{"statusCode":200,"headers":{"x y":{"value":"1"}}}`, "invalid header name"},
	{"generated header CR LF", `{"statusCode":200,"headers":{"x-a":{"value":"1\r\n"}}}`, "control character"},
	{"generated headers not an object", `{"statusCode":200,"headers":5}`, "headers must be an object"},

	// Cookies become Set-Cookie lines.
	{"generated cookie name with =", `{"statusCode":200,"cookies":{"a=b":{"value":"1"}}}`, "invalid cookie name"},
	{"generated cookie value with ;", `{"statusCode":200,"cookies":{"a":{"value":"1;2"}}}`, "control character or ;"},
	{"generated cookie attributes with LF", `{"statusCode":200,"cookies":{"a":{"value":"1","attributes":"Path=/\nx"}}}`, "control character or ;"},
	{"generated cookie attributes not a string", `{"statusCode":200,"cookies":{"a":{"value":"1","attributes":1}}}`, "attributes must be a string"},
	{"generated cookie with attributes", `{"statusCode":200,"cookies":{"a":{"value":"1","attributes":"Path=/; Secure"}}}`, ""},
}

// responseRules has one case per rule for a viewer-response result,
// against testResponse.
var responseRules = []ruleTest{
	{"unchanged", `{"statusCode":200,"statusDescription":"OK","headers":{"content-type":{"value":"text/html"},"via":{"value":"1.1 origin"}},"cookies":{"id":{"value":"a3fWa","attributes":"Secure; Path=/"},"loggedIn":{"value":"true"}}}`, ""},
	{"not an object", `[]`, "must be an object"},
	{"not JSON", `{`, "not valid JSON"},
	{"status missing", `{"headers":{"via":{"value":"1.1 origin"}}}`, "statusCode is missing"},
	{"status string", `{"statusCode":"200","headers":{"via":{"value":"1.1 origin"}}}`, "statusCode must be an integer"},
	{"status out of range", `{"statusCode":600,"headers":{"via":{"value":"1.1 origin"}}}`, "not between 200 and 599"},
	{"status changed", `{"statusCode":302,"headers":{"via":{"value":"1.1 origin"},"location":{"value":"/x"}}}`, ""},
	{"description number", `{"statusCode":200,"statusDescription":false,"headers":{"via":{"value":"1.1 origin"}}}`, "statusDescription must be a string"},

	// Read-only headers in viewer-response: Via and Warning (§2.2).
	{"via changed", `{"statusCode":200,"headers":{"via":{"value":"1.1 x"}}}`, "Via is read-only"},
	{"via removed", `{"statusCode":200,"headers":{}}`, "Via is read-only"},
	{"warning added", `{"statusCode":200,"headers":{"via":{"value":"1.1 origin"},"warning":{"value":"199 x"}}}`, "Warning is read-only"},
	{"content-length may change (L@E only)", `{"statusCode":200,"headers":{"via":{"value":"1.1 origin"},"content-length":{"value":"2"}}}`, ""},

	{"disallowed x-cache", `{"statusCode":200,"headers":{"via":{"value":"1.1 origin"},"x-cache":{"value":"Hit"}}}`, "disallowed header"},
	{"disallowed x-edge-*", `{"statusCode":200,"headers":{"via":{"value":"1.1 origin"},"x-edge-result":{"value":"Hit"}}}`, "disallowed header"},

	{"body replaced", `{"statusCode":200,"headers":{"via":{"value":"1.1 origin"}},"body":"new"}`, ""},
	{"body too big", `{"statusCode":200,"headers":{"via":{"value":"1.1 origin"}},"body":"` + strings.Repeat("a", MaxResponse+1) + `"}`, "the limit is 40960"},
	{"body bad base64", `{"statusCode":200,"headers":{"via":{"value":"1.1 origin"}},"body":{"encoding":"base64","data":"%%%"}}`, "not valid base64"},
	{"204 with body is allowed in viewer-response", `{"statusCode":204,"headers":{"via":{"value":"1.1 origin"}},"body":"x"}`, ""},
	{"cookie attributes with CR", `{"statusCode":200,"headers":{"via":{"value":"1.1 origin"}},"cookies":{"id":{"value":"1","attributes":"a\rb"}}}`, "control character or ;"},
}

func checkRule(t *testing.T, tc ruleTest, err error) {
	t.Helper()
	if tc.want == "" {
		if err != nil {
			t.Fatalf("valid result rejected: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("result accepted; want an error containing %q", tc.want)
	}
	if fe := funcError(t, err); !strings.Contains(fe.Detail, tc.want) {
		t.Fatalf("detail %q does not contain %q", fe.Detail, tc.want)
	}
}

func TestRequestRules(t *testing.T) {
	for _, tc := range requestRules {
		t.Run(tc.name, func(t *testing.T) {
			req := testRequest()
			before := cloneRequest(req)
			gen, err := ApplyRequestResult([]byte(tc.out), req)
			if gen != nil {
				t.Fatalf("a request result gave a generated response: %+v", gen)
			}
			checkRule(t, tc, err)
			if err != nil {
				if diff := cmp.Diff(before, req); diff != "" {
					t.Errorf("a failed apply changed the request (-before +after):\n%s", diff)
				}
			}
		})
	}
}

func TestGeneratedRules(t *testing.T) {
	for _, tc := range generatedRules {
		t.Run(tc.name, func(t *testing.T) {
			req := testRequest()
			before := cloneRequest(req)
			gen, err := ApplyRequestResult([]byte(tc.out), req)
			checkRule(t, tc, err)
			if err == nil && gen == nil {
				t.Fatal("no generated response")
			}
			if diff := cmp.Diff(before, req); diff != "" {
				t.Errorf("a generated response changed the request (-before +after):\n%s", diff)
			}
		})
	}
}

func TestResponseRules(t *testing.T) {
	for _, tc := range responseRules {
		t.Run(tc.name, func(t *testing.T) {
			resp := testResponse()
			before := cloneResponse(resp)
			err := ApplyResponseResult([]byte(tc.out), resp)
			checkRule(t, tc, err)
			if err != nil {
				if diff := cmp.Diff(before, resp); diff != "" {
					t.Errorf("a failed apply changed the response (-before +after):\n%s", diff)
				}
			}
		})
	}
}

// TestViewerCountryAdded checks the one rule that needs a request without
// CloudFront-Viewer-Country.
func TestViewerCountryAdded(t *testing.T) {
	req := testRequest()
	req.Header.Del("Cloudfront-Viewer-Country")
	out := replaceIn(`"cloudfront-viewer-country":{"value":"GB"}`, `"cloudfront-viewer-country":{"value":"DE"}`)
	_, err := ApplyRequestResult([]byte(out), req)
	checkRule(t, ruleTest{want: "Cloudfront-Viewer-Country cannot be added"}, err)
}

// TestUnchangedKeepsBytes checks that a value the function did not change
// goes out with its original bytes, not the event's UTF-8 (specs §2.3),
// and that a changed one goes out as UTF-8.
func TestUnchangedKeepsBytes(t *testing.T) {
	req := &edge.Request{
		Method: "GET", URI: "/", Query: "q=caf\xe9",
		Header: http.Header{"Host": {"h"}, "X-Latin": {"caf\xe9"}, "X-Other": {"caf\xe9"}},
	}
	ev, err := NewRequestEvent(req, "", ViewerRequest)
	if err != nil {
		t.Fatal(err)
	}
	r := eventMember(t, ev, "request")
	if !strings.Contains(string(r), `"x-latin":{"value":"café"}`) || !strings.Contains(string(r), `"q":{"value":"café"}`) {
		t.Fatalf("the event does not show ISO-8859-1 as UTF-8: %s", r)
	}
	out := strings.Replace(string(r), `"x-other":{"value":"café"}`, `"x-other":{"value":"café!"}`, 1)
	if _, err := ApplyRequestResult([]byte(out), req); err != nil {
		t.Fatal(err)
	}
	want := http.Header{"Host": {"h"}, "X-Latin": {"caf\xe9"}, "X-Other": {"café!"}}
	if diff := cmp.Diff(want, req.Header); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	if req.Query != "q=caf\xe9" {
		t.Errorf("query %q: want the original bytes", req.Query)
	}
}
