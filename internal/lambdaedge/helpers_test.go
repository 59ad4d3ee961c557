package lambdaedge

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/verge-edge/verge/internal/edge"
	"github.com/verge-edge/verge/internal/stack"
)

// jsonRequest is an edge.Request as golden files write it.
type jsonRequest struct {
	Method         string            `json:"method"`
	URI            string            `json:"uri"`
	Query          string            `json:"query,omitempty"`
	Header         http.Header       `json:"header,omitempty"`
	ClientIP       string            `json:"clientIP,omitempty"`
	Body           *string           `json:"body,omitempty"`
	Origin         *stack.Origin     `json:"origin,omitempty"`
	OriginOverride *stack.HTTPOrigin `json:"originOverride,omitempty"`
}

func (j *jsonRequest) edge() *edge.Request {
	r := &edge.Request{
		Method: j.Method, URI: j.URI, Query: j.Query, Header: j.Header, ClientIP: j.ClientIP,
		Origin: j.Origin, OriginOverride: j.OriginOverride,
	}
	if r.Header == nil {
		r.Header = http.Header{}
	}
	if j.Body != nil {
		r.Body = []byte(*j.Body)
	}
	return r
}

func fromRequest(r *edge.Request) *jsonRequest {
	j := &jsonRequest{
		Method: r.Method, URI: r.URI, Query: r.Query, Header: r.Header, ClientIP: r.ClientIP,
		Origin: r.Origin, OriginOverride: r.OriginOverride,
	}
	if r.Body != nil {
		s := string(r.Body)
		j.Body = &s
	}
	return j
}

// jsonResponse is an edge.Response as golden files write it; a body that
// is not UTF-8 goes in bodyBase64.
type jsonResponse struct {
	Status     int         `json:"status"`
	Header     http.Header `json:"header,omitempty"`
	Body       *string     `json:"body,omitempty"`
	BodyBase64 string      `json:"bodyBase64,omitempty"`
}

func (j *jsonResponse) edge() *edge.Response {
	r := &edge.Response{Status: j.Status, Header: j.Header}
	if r.Header == nil {
		r.Header = http.Header{}
	}
	switch {
	case j.BodyBase64 != "":
		r.Body, _ = base64.StdEncoding.DecodeString(j.BodyBase64)
	case j.Body != nil:
		r.Body = []byte(*j.Body)
	}
	return r
}

func fromResponse(r *edge.Response) *jsonResponse {
	j := &jsonResponse{Status: r.Status, Header: r.Header}
	switch {
	case r.Body == nil:
	case utf8.Valid(r.Body):
		s := string(r.Body)
		j.Body = &s
	default:
		j.BodyBase64 = base64.StdEncoding.EncodeToString(r.Body)
	}
	return j
}

// indented writes v as indented JSON without HTML escaping.
func indented(t testing.TB, v any) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(b.String())
}

// indentJSON indents JSON text, keeping its order.
func indentJSON(t testing.TB, data []byte) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Indent(&b, data, "", "  "); err != nil {
		t.Fatalf("indent %s: %v", data, err)
	}
	return b.String()
}

// validationError returns err as a 502 LambdaValidationError, failing the
// test if it is anything else.
func validationError(t testing.TB, err error) *edge.FuncError {
	t.Helper()
	var fe *edge.FuncError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T) is not an *edge.FuncError", err, err)
	}
	if fe.Status != http.StatusBadGateway || fe.Type != ErrValidation {
		t.Fatalf("error %+v: want status 502 and type %s", fe, ErrValidation)
	}
	return fe
}

func cloneRequest(r *edge.Request) *edge.Request {
	c := *r
	c.Header = r.Header.Clone()
	c.Body = slices.Clone(r.Body)
	return &c
}

func cloneResponse(r *edge.Response) *edge.Response {
	c := *r
	c.Header = r.Header.Clone()
	c.Body = slices.Clone(r.Body)
	return &c
}

// member returns cf.request or cf.response of an event, as an identity
// function returns it.
func member(t testing.TB, ev []byte, name string) []byte {
	t.Helper()
	var e struct {
		Records []struct {
			CF map[string]json.RawMessage `json:"cf"`
		} `json:"Records"`
	}
	if err := json.Unmarshal(ev, &e); err != nil || len(e.Records) != 1 {
		t.Fatalf("event %s: %v", ev, err)
	}
	m, ok := e.Records[0].CF[name]
	if !ok {
		t.Fatalf("event has no %s: %s", name, ev)
	}
	return m
}

// testConfig is the config block most tests use.
var testConfig = Config{
	DistributionDomainName: "d111111abcdef8.cloudfront.net",
	DistributionID:         "EDFDVBD6EXAMPLE",
	RequestID:              "4TyzHTaYWb1GX1qTfsHhEqV6HUDd_BzoBZnwfnvQc_1oF26ClkoUSEQ==",
}

// testOrigin is an HTTP origin behaviours route to.
var testOrigin = &stack.Origin{Kind: stack.OriginHTTP, HTTP: &stack.HTTPOrigin{
	URL: "https://example.org:443", ConnectTimeout: 10, ReadTimeout: 30,
}}

// testRequest is the request most rule tests start from.
func testRequest() *edge.Request {
	return &edge.Request{
		Method: "GET",
		URI:    "/index.html",
		Query:  "a=1&b=2",
		Header: http.Header{
			"Host":              {"www.example.com"},
			"Accept":            {"text/html", "application/xhtml+xml"},
			"Via":               {"1.1 proxy"},
			"X-Forwarded-Proto": {"https"},
			"If-None-Match":     {`"abc"`},
		},
		ClientIP: "203.0.113.178",
		Body:     []byte("name=Joe"),
		Origin:   testOrigin,
	}
}

// testResponse is the response most response-rule tests start from.
func testResponse() *edge.Response {
	return &edge.Response{
		Status: 200,
		Header: http.Header{
			"Content-Type":   {"text/html"},
			"Content-Length": {"5"},
			"Via":            {"1.1 origin"},
			"X-Cache":        {"Miss from verge"},
		},
		Body: []byte("hello"),
	}
}

func pathUnescape(s string) (string, error) { return url.PathUnescape(s) }
