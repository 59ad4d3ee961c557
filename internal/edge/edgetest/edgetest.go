// Package edgetest helps the tests of the function kinds that implement
// edge.Runner (cdn-functions, Lambda@Edge): edge.Request and edge.Response
// in the JSON form their golden files write, deep copies, indented JSON,
// and checks on the *edge.FuncError a runner returns.
package edgetest

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
	"github.com/verge-edge/verge/internal/stack"
)

// Request is an edge.Request as golden files write it.
type Request struct {
	Method         string            `json:"method"`
	URI            string            `json:"uri"`
	Query          string            `json:"query,omitempty"`
	Header         http.Header       `json:"header,omitempty"`
	ClientIP       string            `json:"clientIP,omitempty"`
	Distribution   string            `json:"distribution,omitempty"`
	RequestID      string            `json:"requestId,omitempty"`
	Body           *string           `json:"body,omitempty"`
	Origin         *stack.Origin     `json:"origin,omitempty"`
	OriginOverride *stack.HTTPOrigin `json:"originOverride,omitempty"`
}

// Edge returns the edge.Request j describes (never a nil Header).
func (j *Request) Edge() *edge.Request {
	r := &edge.Request{
		Method: j.Method, URI: j.URI, Query: j.Query, Header: j.Header, ClientIP: j.ClientIP,
		Distribution: j.Distribution, RequestID: j.RequestID, Origin: j.Origin, OriginOverride: j.OriginOverride,
	}
	if r.Header == nil {
		r.Header = http.Header{}
	}
	if j.Body != nil {
		r.Body = []byte(*j.Body)
	}
	return r
}

// FromRequest is r as golden files write it.
func FromRequest(r *edge.Request) *Request {
	j := &Request{
		Method: r.Method, URI: r.URI, Query: r.Query, Header: r.Header, ClientIP: r.ClientIP,
		Distribution: r.Distribution, RequestID: r.RequestID, Origin: r.Origin, OriginOverride: r.OriginOverride,
	}
	if r.Body != nil {
		s := string(r.Body)
		j.Body = &s
	}
	return j
}

// Response is an edge.Response as golden files write it: a body that is
// not UTF-8 goes in bodyBase64; no body at all is neither.
type Response struct {
	Status     int         `json:"status"`
	Header     http.Header `json:"header,omitempty"`
	Body       *string     `json:"body,omitempty"`
	BodyBase64 string      `json:"bodyBase64,omitempty"`
}

// Edge returns the edge.Response j describes (never a nil Header).
func (j *Response) Edge() *edge.Response {
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

// FromResponse is r as golden files write it.
func FromResponse(r *edge.Response) *Response {
	j := &Response{Status: r.Status, Header: r.Header}
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

// CloneRequest is a deep copy of r's header and body.
func CloneRequest(r *edge.Request) *edge.Request {
	c := *r
	c.Header = r.Header.Clone()
	c.Body = slices.Clone(r.Body)
	return &c
}

// CloneResponse is a deep copy of r's header and body.
func CloneResponse(r *edge.Response) *edge.Response {
	c := *r
	c.Header = r.Header.Clone()
	c.Body = slices.Clone(r.Body)
	return &c
}

// Marshal writes v as indented JSON without HTML escaping.
func Marshal(t testing.TB, v any) string {
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

// Indent indents JSON text, keeping its order.
func Indent(t testing.TB, data []byte) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Indent(&b, data, "", "  "); err != nil {
		t.Fatalf("indent %s: %v", data, err)
	}
	return b.String()
}

// FuncError returns err as an *edge.FuncError of the given status and
// type, failing the test if it is anything else.
func FuncError(t testing.TB, err error, status int, typ string) *edge.FuncError {
	t.Helper()
	var fe *edge.FuncError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T) is not an *edge.FuncError", err, err)
	}
	if fe.Status != status || fe.Type != typ {
		t.Fatalf("error %+v: want status %d and type %s", fe, status, typ)
	}
	return fe
}
