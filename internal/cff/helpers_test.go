package cff

import (
	"net/http"
	"testing"

	"github.com/verge-edge/verge/internal/edge/edgetest"

	"github.com/verge-edge/verge/internal/edge"
)

// jsonError is an *edge.FuncError as golden files write it.
type jsonError struct {
	Status int    `json:"status"`
	Type   string `json:"type"`
	Detail string `json:"detail"`
}

// funcError returns err as a validation failure, failing the test if it is
// anything else.
func funcError(t testing.TB, err error) *edge.FuncError {
	t.Helper()
	return edgetest.FuncError(t, err, http.StatusBadGateway, ErrValidation)
}

// eventMember returns the request (or response) object of an event, as
// an identity function would return it.
func eventMember(t testing.TB, ev []byte, key string) []byte {
	t.Helper()
	v, _ := parse(ev)
	o, ok := v.object()
	if !ok {
		t.Fatalf("event is not an object: %s", ev)
	}
	m := o.get(key)
	if m == nil {
		t.Fatalf("event has no %s: %s", key, ev)
	}
	return m.raw
}

// testRequest is the request most rule tests start from.
func testRequest() *edge.Request {
	return &edge.Request{
		Method: "GET",
		URI:    "/index.html",
		Query:  "test=true&arg=val1&arg=val2",
		Header: http.Header{
			"Host":                      {"www.example.com"},
			"Accept":                    {"text/html", "application/xhtml+xml"},
			"Cloudfront-Viewer-Country": {"GB"},
			"Cookie":                    {"id=CookeIdValue; loggedIn=false"},
			"X-Forwarded-Proto":         {"https"},
		},
		ClientIP:     "198.51.100.11",
		Distribution: "EDFDVBD6EXAMPLE",
		RequestID:    "req-1",
	}
}

// testResponse is the response most viewer-response rule tests start from.
func testResponse() *edge.Response {
	return &edge.Response{
		Status: 200,
		Header: http.Header{
			"Content-Type": {"text/html"},
			"Via":          {"1.1 origin"},
			"Set-Cookie":   {"id=a3fWa; Secure; Path=/", "loggedIn=true"},
			"X-Cache":      {"Miss from verge"},
		},
	}
}

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
