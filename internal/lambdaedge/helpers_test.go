package lambdaedge

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/verge-edge/verge/internal/edge/edgetest"

	"github.com/verge-edge/verge/internal/edge"
	"github.com/verge-edge/verge/internal/stack"
)

// validationError returns err as a 502 LambdaValidationError, failing the
// test if it is anything else.
func validationError(t testing.TB, err error) *edge.FuncError {
	t.Helper()
	return edgetest.FuncError(t, err, http.StatusBadGateway, ErrValidation)
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

// The edge's JSON forms and helpers, shared with the other function kinds.
type (
	jsonRequest  = edgetest.Request
	jsonResponse = edgetest.Response
)

var (
	fromRequest   = edgetest.FromRequest
	fromResponse  = edgetest.FromResponse
	cloneRequest  = edgetest.CloneRequest
	cloneResponse = edgetest.CloneResponse
)
