package cff

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/verge-edge/verge/internal/edge"
)

// TestPrecedence checks CloudFront's rules for value and multiValue on
// output (functions-event-structure, "Duplicate query strings, headers,
// and cookies"; specs §3.2):
//
//  1. if the multiValue array exists and was modified, it is applied and
//     value is ignored;
//  2. otherwise a modified value replaces the first value, and later
//     values are kept.
func TestPrecedence(t *testing.T) {
	tests := []struct {
		name string
		orig []string // the X-A values the viewer sent; nil for none
		out  string   // the x-a field the function returned
		want []string // the X-A values that go out
	}{
		{"unchanged", []string{"a", "b", "c"},
			`{"value":"a","multiValue":[{"value":"a"},{"value":"b"},{"value":"c"}]}`, []string{"a", "b", "c"}},
		{"value changed, multiValue not: first replaced, rest kept", []string{"a", "b", "c"},
			`{"value":"x","multiValue":[{"value":"a"},{"value":"b"},{"value":"c"}]}`, []string{"x", "b", "c"}},
		{"multiValue changed: it wins", []string{"a", "b", "c"},
			`{"value":"a","multiValue":[{"value":"a"},{"value":"c"}]}`, []string{"a", "c"}},
		{"both changed: multiValue wins, value ignored", []string{"a", "b", "c"},
			`{"value":"x","multiValue":[{"value":"y"}]}`, []string{"y"}},
		{"multiValue deleted, value unchanged: all kept", []string{"a", "b", "c"},
			`{"value":"a"}`, []string{"a", "b", "c"}},
		{"multiValue deleted, value changed: first replaced", []string{"a", "b", "c"},
			`{"value":"x"}`, []string{"x", "b", "c"}},
		{"multiValue emptied counts as absent", []string{"a", "b"},
			`{"value":"x","multiValue":[]}`, []string{"x", "b"}},
		{"single value changed", []string{"a"},
			`{"value":"x"}`, []string{"x"}},
		{"single value given a multiValue", []string{"a"},
			`{"value":"a","multiValue":[{"value":"a"},{"value":"b"}]}`, []string{"a", "b"}},
		{"multiValue null counts as absent", []string{"a"},
			`{"value":"x","multiValue":null}`, []string{"x"}},
		{"new field with multiValue: it wins", nil,
			`{"value":"x","multiValue":[{"value":"y"},{"value":"z"}]}`, []string{"y", "z"}},
		{"new field with value", nil,
			`{"value":"x"}`, []string{"x"}},
		{"new field with multiValue only", nil,
			`{"multiValue":[{"value":"y"}]}`, []string{"y"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := &edge.Request{Method: "GET", URI: "/", Header: http.Header{"Host": {"h"}}}
			if tc.orig != nil {
				req.Header["X-A"] = tc.orig
			}
			out := `{"uri":"/","headers":{"host":{"value":"h"},"x-a":` + tc.out + `}}`
			if _, err := ApplyRequestResult([]byte(out), req); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, req.Header["X-A"]); diff != "" {
				t.Errorf("X-A (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPrecedenceCookiesAndQuery checks that the same rules hold for query
// strings, request cookies and response cookies (with attributes).
func TestPrecedenceCookiesAndQuery(t *testing.T) {
	req := &edge.Request{
		Method: "GET", URI: "/", Query: "a=1&a=2&b=3",
		Header: http.Header{"Host": {"h"}, "Cookie": {"c=1; c=2; d=3"}},
	}
	out := `{"uri":"/","headers":{"host":{"value":"h"}},
		"querystring":{"a":{"value":"9","multiValue":[{"value":"1"},{"value":"2"}]},"b":{"value":"3"}},
		"cookies":{"c":{"value":"1","multiValue":[{"value":"7"}]},"d":{"value":"3"}}}`
	if _, err := ApplyRequestResult([]byte(out), req); err != nil {
		t.Fatal(err)
	}
	if want := "a=9&a=2&b=3"; req.Query != want {
		t.Errorf("query %q, want %q", req.Query, want)
	}
	if diff := cmp.Diff([]string{"c=7; d=3"}, req.Header["Cookie"]); diff != "" {
		t.Errorf("Cookie (-want +got):\n%s", diff)
	}

	resp := &edge.Response{Status: 200, Header: http.Header{"Set-Cookie": {"s=1; Path=/a", "s=2; Path=/b"}}}
	out = `{"statusCode":200,"cookies":{"s":{"value":"1","attributes":"Path=/new",
		"multiValue":[{"value":"1","attributes":"Path=/a"},{"value":"2","attributes":"Path=/b"}]}}}`
	if err := ApplyResponseResult([]byte(out), resp); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"s=1; Path=/new", "s=2; Path=/b"}, resp.Header["Set-Cookie"]); diff != "" {
		t.Errorf("Set-Cookie (-want +got):\n%s", diff)
	}
}
