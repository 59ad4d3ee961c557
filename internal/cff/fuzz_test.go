package cff

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/verge-edge/verge/internal/cfheader"
	"github.com/verge-edge/verge/internal/golden"
	"golang.org/x/tools/txtar"

	"github.com/verge-edge/verge/internal/edge"
)

// addSeeds adds every output section of the result and format golden
// files, and a few hand-made results, to f's corpus.
func addSeeds(f *testing.F) {
	f.Add([]byte(withHeaders("")))
	f.Add([]byte(`{"statusCode":302,"headers":{"location":{"value":"/x"}},"cookies":{"a":{"value":"1","attributes":"Path=/"}},"body":{"encoding":"base64","data":"aGk="}}`))
	f.Add([]byte(`{"uri":"/","querystring":"a=1&b","headers":{"host":{"value":"www.example.com"},"x":{"multiValue":[{"value":"1"},{"value":"2"}]}}}`))
	f.Add([]byte(`{"statusCode":204,"body":"x"}`))
	f.Add([]byte(`null`))
	files, _ := filepath.Glob(filepath.Join("testdata", "*", "*.txtar"))
	for _, file := range files {
		a, err := txtar.ParseFile(file)
		if err != nil {
			f.Fatal(err)
		}
		if out, ok := golden.Section(a, "output"); ok {
			f.Add([]byte(out))
		}
	}
}

// FuzzApplyRequestResult checks that no result makes ApplyRequestResult
// panic, that every failure is a 502 FunctionValidationError that leaves
// the request alone, and that what it accepts is sound: a generated status
// in range, a uri starting with "/", header values free of CR and LF.
func FuzzApplyRequestResult(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, out []byte) {
		req := testRequest()
		before := cloneRequest(req)
		gen, err := ApplyRequestResult(out, req)
		if err != nil {
			funcError(t, err)
			if gen != nil {
				t.Fatal("an error and a generated response")
			}
			if req.URI != before.URI || req.Query != before.Query || len(req.Header) != len(before.Header) {
				t.Fatal("a failed apply changed the request")
			}
			return
		}
		if gen != nil {
			if gen.Status < MinStatus || gen.Status > MaxStatus {
				t.Fatalf("generated status %d", gen.Status)
			}
			if len(gen.Body) > MaxResponse {
				t.Fatalf("generated body of %d bytes", len(gen.Body))
			}
			checkHeader(t, gen.Header)
			return
		}
		if !strings.HasPrefix(req.URI, "/") {
			t.Fatalf("uri %q", req.URI)
		}
		if strings.ContainsAny(req.Query, " #\r\n") {
			t.Fatalf("query %q", req.Query)
		}
		if req.Header.Get("X-Forwarded-Proto") != "https" || req.Header.Get("Host") != "www.example.com" {
			t.Fatalf("hidden or read-only header changed: %v", req.Header)
		}
		checkHeader(t, req.Header)
	})
}

func checkHeader(t *testing.T, h http.Header) {
	t.Helper()
	for k, vs := range h {
		if !cfheader.ValidName(k) {
			t.Fatalf("header name %q", k)
		}
		for _, v := range vs {
			if strings.ContainsAny(v, "\r\n\x00") {
				t.Fatalf("header %s: value %q", k, v)
			}
		}
	}
}

// FuzzApplyResponseResult does for viewer-response what
// FuzzApplyRequestResult does for viewer-request.
func FuzzApplyResponseResult(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, out []byte) {
		resp := testResponse()
		err := ApplyResponseResult(out, resp)
		if err != nil {
			funcError(t, err)
			if resp.Status != 200 || resp.Body != nil {
				t.Fatal("a failed apply changed the response")
			}
			return
		}
		if resp.Status < MinStatus || resp.Status > MaxStatus {
			t.Fatalf("status %d", resp.Status)
		}
		if resp.Header.Get("Via") != "1.1 origin" || resp.Header.Get("X-Cache") != "Miss from verge" {
			t.Fatalf("hidden or read-only header changed: %v", resp.Header)
		}
		checkHeader(t, resp.Header)
	})
}

// FuzzFormatOutput checks that FormatOutput never panics, fails only with
// a 502 FunctionValidationError, and otherwise returns a JSON object with
// one property, request or response, as TestFunction shows.
func FuzzFormatOutput(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, out []byte) {
		for _, typ := range []string{ViewerRequest, ViewerResponse} {
			got, err := FormatOutput(typ, out)
			if err != nil {
				funcError(t, err)
				continue
			}
			var v map[string]json.RawMessage
			if err := json.Unmarshal([]byte(got), &v); err != nil {
				t.Fatalf("FunctionOutput %s: %v", got, err)
			}
			_, isReq := v["request"]
			_, isResp := v["response"]
			if len(v) != 1 || (!isReq && !isResp) || (typ == ViewerResponse && !isResp) {
				t.Fatalf("FunctionOutput %s for %s", got, typ)
			}
		}
	})
}

// FuzzNewRequestEvent checks that any request makes a valid event that
// reads back, and that applying the event's own request changes nothing.
func FuzzNewRequestEvent(f *testing.F) {
	f.Add("/a b/é", "q=%E5&x&&y=1&y=2", "id=1; x", "caf\xe9", "1.2.3.4")
	f.Add("/", "", "", "", "")
	f.Fuzz(func(t *testing.T, uri, query, cookie, value, ip string) {
		req := &edge.Request{
			Method: "GET", URI: "/" + uri, Query: query, ClientIP: ip,
			Header: http.Header{"Host": {"h"}, "Cookie": {cookie}, "X-V": {value, value}},
		}
		ev, err := NewRequestEvent(req, "d.example", ViewerRequest)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParseEvent(ev); err != nil {
			t.Fatalf("%v: %s", err, ev)
		}
		before := cloneRequest(req)
		if _, err := ApplyRequestResult(eventMember(t, ev, "request"), req); err != nil {
			t.Fatalf("identity result: %v", err)
		}
		if req.URI != before.URI || req.Query != before.Query || !equalHeader(req.Header, before.Header) {
			t.Fatalf("identity result changed the request:\n%+v\n%+v", before, req)
		}
	})
}

func equalHeader(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k, va := range a {
		vb := b[k]
		if strings.Join(va, "\x00") != strings.Join(vb, "\x00") || len(va) != len(vb) {
			return false
		}
	}
	return true
}
