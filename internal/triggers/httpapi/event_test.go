package httpapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// corpus is the shared folder of real AWS sample events.
const corpus = "../../../../shared/corpora/aws_aws-lambda-go/events/testdata"

var fixedTime = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

// capture serves one route and hands the built events to the test.
type capture struct {
	router *Router
	format string
	events chan []byte
}

func (c *capture) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m, ok := c.router.Match(r.Method, r.URL.Path)
	if !ok {
		_ = NotFound.Response().Write(w)
		return
	}
	build := NewEventV2
	if c.format == FormatV1 {
		build = NewEventV1
	}
	ev, err := build(r, m, Options{APIID: "api1", RequestID: "req-1", Time: fixedTime, StageVariables: map[string]string{"env": "test"}})
	if errors.Is(err, ErrTooLarge) {
		_ = TooLarge.Response().Write(w)
		return
	}
	if err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	c.events <- ev
	_ = Result(c.format, []byte(`{"statusCode":201,"body":"ok"}`), false).Write(w)
}

// serve starts a real server on 127.0.0.1 and sends it one request.
func serve(t *testing.T, format string, req func(url string) *http.Request) (*http.Response, []byte) {
	t.Helper()
	r, err := NewRouter([]Route{{Key: "POST /pets/{id}"}, {Key: "ANY /{proxy+}"}})
	if err != nil {
		t.Fatal(err)
	}
	c := &capture{router: r, format: format, events: make(chan []byte, 1)}
	srv := httptest.NewServer(c)
	defer srv.Close()
	client := srv.Client()
	defer client.CloseIdleConnections()
	resp, err := client.Do(req(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	select {
	case ev := <-c.events:
		return resp, ev
	default:
		return resp, nil
	}
}

func sampleRequest(url string) *http.Request {
	req, _ := http.NewRequest("POST", url+"/pets/42?a=1&b=x%20y&a=2", strings.NewReader(`{"name":"rex"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "verge-test")
	req.Header.Add("X-Multi", "one")
	req.Header.Add("X-Multi", "two")
	req.Header.Add("Cookie", "c1=v1; c2=v2")
	req.Header.Add("Cookie", "c3=v3")
	return req
}

func TestEventV2OverHTTP(t *testing.T) {
	resp, raw := serve(t, FormatV2, sampleRequest)
	if resp.StatusCode != 201 || raw == nil {
		t.Fatalf("status %d, event %s", resp.StatusCode, raw)
	}
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	rc := ev.RequestContext
	checks := []struct {
		field, got, want string
	}{
		{"version", ev.Version, "2.0"},
		{"routeKey", ev.RouteKey, "POST /pets/{id}"},
		{"rawPath", ev.RawPath, "/pets/42"},
		{"rawQueryString", ev.RawQueryString, "a=1&b=x%20y&a=2"},
		{"cookies", strings.Join(ev.Cookies, "|"), "c1=v1|c2=v2|c3=v3"},
		{"headers.x-multi", ev.Headers["x-multi"], "one,two"},
		{"headers.content-type", ev.Headers["content-type"], "application/json"},
		{"headers.cookie", ev.Headers["cookie"], ""},
		{"headers.x-forwarded-proto", ev.Headers["x-forwarded-proto"], "http"},
		{"headers.x-forwarded-for", ev.Headers["x-forwarded-for"], "127.0.0.1"},
		{"query a", ev.QueryStringParameters["a"], "1,2"},
		{"query b", ev.QueryStringParameters["b"], "x y"},
		{"pathParameters.id", ev.PathParameters["id"], "42"},
		{"stageVariables.env", ev.StageVariables["env"], "test"},
		{"body", ev.Body, `{"name":"rex"}`},
		{"accountId", rc.AccountID, DefaultAccountID},
		{"apiId", rc.APIID, "api1"},
		{"domainName", rc.DomainName, "127.0.0.1"},
		{"http.method", rc.HTTP.Method, "POST"},
		{"http.path", rc.HTTP.Path, "/pets/42"},
		{"http.protocol", rc.HTTP.Protocol, "HTTP/1.1"},
		{"http.sourceIp", rc.HTTP.SourceIP, "127.0.0.1"},
		{"http.userAgent", rc.HTTP.UserAgent, "verge-test"},
		{"requestId", rc.RequestID, "req-1"},
		{"requestContext.routeKey", rc.RouteKey, "POST /pets/{id}"},
		{"stage", rc.Stage, "$default"},
		{"time", rc.Time, "22/Nov/2026:10:00:00 +0000"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
		}
	}
	if ev.IsBase64Encoded || rc.TimeEpoch != fixedTime.UnixMilli() {
		t.Errorf("isBase64Encoded %v, timeEpoch %d", ev.IsBase64Encoded, rc.TimeEpoch)
	}
	if ev.Headers["x-forwarded-port"] == "" || !strings.HasPrefix(ev.Headers["x-amzn-trace-id"], "Root=1-") {
		t.Errorf("forwarding headers missing: %v", ev.Headers)
	}
}

func TestEventV1OverHTTP(t *testing.T) {
	_, raw := serve(t, FormatV1, sampleRequest)
	var ev events.APIGatewayProxyRequest
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	rc := ev.RequestContext
	checks := []struct {
		field, got, want string
	}{
		{"resource", ev.Resource, "/pets/{id}"},
		{"path", ev.Path, "/pets/42"},
		{"httpMethod", ev.HTTPMethod, "POST"},
		{"headers.x-multi (last)", ev.Headers["x-multi"], "two"},
		{"multiValueHeaders.x-multi", strings.Join(ev.MultiValueHeaders["x-multi"], "|"), "one|two"},
		{"headers.cookie (last)", ev.Headers["cookie"], "c3=v3"},
		{"query a (last)", ev.QueryStringParameters["a"], "2"},
		{"multiValueQuery a", strings.Join(ev.MultiValueQueryStringParameters["a"], "|"), "1|2"},
		{"pathParameters.id", ev.PathParameters["id"], "42"},
		{"body", ev.Body, `{"name":"rex"}`},
		{"identity.sourceIp", rc.Identity.SourceIP, "127.0.0.1"},
		{"identity.userAgent", rc.Identity.UserAgent, "verge-test"},
		{"resourcePath", rc.ResourcePath, "/pets/{id}"},
		{"requestContext.path", rc.Path, "/pets/42"},
		{"requestContext.httpMethod", rc.HTTPMethod, "POST"},
		{"requestTime", rc.RequestTime, "22/Nov/2026:10:00:00 +0000"},
		{"stage", rc.Stage, "$default"},
		{"protocol", rc.Protocol, "HTTP/1.1"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
		}
	}
	var v map[string]any
	_ = json.Unmarshal(raw, &v)
	if v["version"] != "1.0" || rc.RequestTimeEpoch != fixedTime.UnixMilli() {
		t.Errorf("version %v, requestTimeEpoch %d", v["version"], rc.RequestTimeEpoch)
	}
}

type bodyCase struct {
	name, contentType string
	body              []byte
	wantBase64        bool
}

func TestEventBodyEncoding(t *testing.T) {
	cases := []bodyCase{
		{"json", "application/json; charset=utf-8", []byte(`{"a":1}`), false},
		{"text", "text/plain", []byte("héllo"), false},
		{"vendor json", "application/vnd.api+json", []byte(`{}`), false},
		{"no type, utf-8", "", []byte("plain"), false},
		{"form", "application/x-www-form-urlencoded", []byte("a=1&b=2"), true},
		{"octet-stream", "application/octet-stream", []byte("abc"), true},
		{"image", "image/png", []byte{0x89, 'P', 'N', 'G', 0, 1, 2, 0xff}, true},
		{"invalid utf-8 as text", "text/plain", []byte{0xff, 0xfe, 'a'}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, raw := serve(t, FormatV2, func(url string) *http.Request {
				req, _ := http.NewRequest("PUT", url+"/up", bytes.NewReader(c.body))
				if c.contentType != "" {
					req.Header.Set("Content-Type", c.contentType)
				}
				return req
			})
			var ev events.APIGatewayV2HTTPRequest
			if err := json.Unmarshal(raw, &ev); err != nil {
				t.Fatal(err)
			}
			if ev.IsBase64Encoded != c.wantBase64 {
				t.Fatalf("isBase64Encoded = %v, want %v", ev.IsBase64Encoded, c.wantBase64)
			}
			got := []byte(ev.Body)
			if ev.IsBase64Encoded {
				var err error
				if got, err = base64.StdEncoding.DecodeString(ev.Body); err != nil {
					t.Fatal(err)
				}
			}
			if !bytes.Equal(got, c.body) {
				t.Errorf("body round trip = %q, want %q", got, c.body)
			}
		})
	}
}

func TestEventTooLarge(t *testing.T) {
	for _, chunked := range []bool{false, true} {
		resp, raw := serve(t, FormatV2, func(url string) *http.Request {
			var body io.Reader = bytes.NewReader(make([]byte, MaxRequestBody+1))
			if chunked {
				body = io.MultiReader(body) // hides the length: sent chunked
			}
			req, _ := http.NewRequest("POST", url+"/big", body)
			return req
		})
		if resp.StatusCode != http.StatusRequestEntityTooLarge || raw != nil {
			t.Errorf("chunked=%v: status %d, want 413", chunked, resp.StatusCode)
		}
	}
	_, raw := serve(t, FormatV2, func(url string) *http.Request {
		req, _ := http.NewRequest("POST", url+"/big", bytes.NewReader(make([]byte, MaxRequestBody)))
		return req
	})
	if raw == nil {
		t.Error("a body of exactly 10 MB was refused")
	}
}

// keys lists the dotted key paths of a JSON object (maps of headers and
// parameters are leaves: their keys are data).
func keys(t *testing.T, raw []byte) []string {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, x := range m {
			out = append(out, prefix+k)
			sub, ok := x.(map[string]any)
			if ok && !strings.Contains(strings.ToLower(k), "header") && !strings.Contains(k, "Parameters") && k != "stageVariables" {
				walk(prefix+k+".", sub)
			}
		}
	}
	walk("", v)
	slices.Sort(out)
	return out
}

type shapeCase struct {
	name, format string
	samples      []string
	// optional keys the sample has and a plain request does not.
	optional []string
}

// TestEventShapeMatchesCorpus checks the events' key sets against real
// AWS samples: nothing Verge sends is unknown to the sample, and nothing
// the sample always has is missing.
func TestEventShapeMatchesCorpus(t *testing.T) {
	cases := []shapeCase{
		{"2.0", FormatV2, []string{"apigw-v2-request-no-authorizer.json"},
			[]string{"requestContext.authentication"}},
		{"1.0", FormatV1, []string{"apigw-request.json"},
			[]string{"requestContext.authorizer", "requestContext.identity", "requestContext.identity.clientCert"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, raw := serve(t, c.format, sampleRequest)
			got := keys(t, raw)
			var want []string
			for _, s := range c.samples {
				b, err := os.ReadFile(filepath.Join(corpus, s))
				if err != nil {
					t.Fatal(err)
				}
				want = append(want, keys(t, b)...)
			}
			// Fields the samples miss that AWS sends (cookies, body,
			// parameters in 2.0; version, identity fields in HTTP API 1.0).
			extra := []string{"cookies", "body", "pathParameters", "queryStringParameters", "stageVariables", "version",
				"requestContext.identity.principalOrgId", "isBase64Encoded"}
			for _, k := range got {
				if !slices.Contains(want, k) && !slices.Contains(extra, k) && !strings.HasPrefix(k, "requestContext.identity.") {
					t.Errorf("event has %q, not in the AWS sample", k)
				}
			}
			for _, k := range want {
				if !slices.Contains(got, k) && !slices.Contains(c.optional, k) && !strings.HasPrefix(k, "requestContext.identity.") &&
					!strings.HasPrefix(k, "requestContext.authentication") && !strings.HasPrefix(k, "requestContext.authorizer") {
					t.Errorf("event lacks %q, which the AWS sample has", k)
				}
			}
		})
	}
}

// FuzzParseQuery checks the query parser keeps every key once, in order,
// with at least one value.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"a=1&b=2&a=3", "x%20y=%zz&&=", "a", "a=b=c;d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		vals, keys := parseQuery(raw)
		if len(vals) != len(keys) {
			t.Fatalf("%d keys listed, %d in the map", len(keys), len(vals))
		}
		for _, k := range keys {
			if len(vals[k]) == 0 {
				t.Fatalf("key %q without values", k)
			}
		}
	})
}
