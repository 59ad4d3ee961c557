package cff

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/verge-edge/verge/internal/edge"
)

// jsonRequest is an edge.Request as golden files write it.
type jsonRequest struct {
	Method       string      `json:"method"`
	URI          string      `json:"uri"`
	Query        string      `json:"query,omitempty"`
	Header       http.Header `json:"header,omitempty"`
	ClientIP     string      `json:"clientIP,omitempty"`
	Distribution string      `json:"distribution,omitempty"`
	RequestID    string      `json:"requestId,omitempty"`
}

func (j *jsonRequest) edge() *edge.Request {
	return &edge.Request{
		Method: j.Method, URI: j.URI, Query: j.Query, Header: j.Header,
		ClientIP: j.ClientIP, Distribution: j.Distribution, RequestID: j.RequestID,
	}
}

func fromRequest(r *edge.Request) *jsonRequest {
	return &jsonRequest{
		Method: r.Method, URI: r.URI, Query: r.Query, Header: r.Header,
		ClientIP: r.ClientIP, Distribution: r.Distribution, RequestID: r.RequestID,
	}
}

// jsonResponse is an edge.Response as golden files write it: a body that
// is not UTF-8 goes in bodyBase64; no body at all is neither.
type jsonResponse struct {
	Status     int         `json:"status"`
	Header     http.Header `json:"header,omitempty"`
	Body       *string     `json:"body,omitempty"`
	BodyBase64 string      `json:"bodyBase64,omitempty"`
}

func (j *jsonResponse) edge() *edge.Response {
	r := &edge.Response{Status: j.Status, Header: j.Header}
	if j.Header == nil {
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

// jsonError is an *edge.FuncError as golden files write it.
type jsonError struct {
	Status int    `json:"status"`
	Type   string `json:"type"`
	Detail string `json:"detail"`
}

// marshal writes v as indented JSON without HTML escaping.
func marshal(t testing.TB, v any) string {
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

// indent indents JSON text, keeping its order.
func indent(t testing.TB, data []byte) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Indent(&b, data, "", "  "); err != nil {
		t.Fatalf("indent %s: %v", data, err)
	}
	return b.String()
}

// funcError returns err as a validation failure, failing the test if it is
// anything else.
func funcError(t testing.TB, err error) *edge.FuncError {
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

// cloneRequest deep-copies r, to check that a failed apply left it alone.
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
