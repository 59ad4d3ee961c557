package lambdaedge

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/verge-edge/verge/internal/cfheader"
	"github.com/verge-edge/verge/internal/golden"
	"golang.org/x/tools/txtar"

	"github.com/verge-edge/verge/internal/edge"
	"github.com/verge-edge/verge/internal/stack"
)

var triggers = []stack.Trigger{stack.ViewerRequest, stack.OriginRequest, stack.OriginResponse, stack.ViewerResponse}

// addResultSeeds adds the golden results, the corpus events' requests and
// responses, and a few hand-made results.
func addResultSeeds(f *testing.F) {
	for _, s := range []string{
		`null`, `{}`, `[]`, `{"status":"302","headers":{"location":[{"value":"/x"}]}}`,
		`{"status":204,"body":"x","bodyEncoding":"base64"}`,
		`{"uri":"/a","querystring":"b=1","headers":{"host":[{"key":"Host","value":"www.example.com"}]},"body":{"action":"replace","encoding":"base64","data":"aGk="}}`,
		`{"uri":"/","origin":{"s3":{"authMethod":"none","domainName":"b.s3.amazonaws.com","path":"","region":"us-east-1","customHeaders":{}}}}`,
	} {
		f.Add(uint8(0), []byte(s))
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "results", "*.txtar"))
	for _, file := range files {
		a, err := txtar.ParseFile(file)
		if err != nil {
			f.Fatal(err)
		}
		if out, ok := golden.Section(a, "result"); ok {
			f.Add(uint8(0), []byte(out))
		}
	}
	for _, file := range corpusFiles(f) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for i, name := range []string{"request", "response"} {
			if ev, err := ParseEvent(data); err == nil && (name == "request" || ev.Records[0].CF.Response != nil) {
				f.Add(uint8(i*2), member(f, data, name))
			}
		}
	}
}

// FuzzApply checks that no result makes Apply panic, that every failure
// is a 502 LambdaValidationError that leaves the request and response
// alone, and that what it accepts is sound: statuses in range, a uri
// starting with "/", header values free of CR and LF, no disallowed header
// added.
func FuzzApply(f *testing.F) {
	addResultSeeds(f)
	f.Fuzz(func(t *testing.T, which uint8, out []byte) {
		trig := triggers[int(which)%len(triggers)]
		req, resp := testRequest(), testResponse()
		if !isResponse(trig) {
			resp = nil
		}
		before := cloneRequest(req)
		res, err := Apply(trig, out, req, resp)
		if err != nil {
			validationError(t, err)
			if req.URI != before.URI || req.Query != before.Query || len(req.Header) != len(before.Header) || req.OriginOverride != nil {
				t.Fatal("a failed apply changed the request")
			}
			if resp != nil && resp.Status != 200 {
				t.Fatal("a failed apply changed the response")
			}
			return
		}
		if !strings.HasPrefix(req.URI, "/") {
			t.Fatalf("uri %q", req.URI)
		}
		checkHeader(t, req.Header, before.Header)
		if g := res.Generated; g != nil {
			if g.Status < MinStatus || g.Status > MaxStatus {
				t.Fatalf("generated status %d", g.Status)
			}
			checkHeader(t, g.Header, nil)
		}
		if resp != nil {
			if resp.Status < MinStatus || resp.Status > MaxStatus {
				t.Fatalf("status %d", resp.Status)
			}
			checkHeader(t, resp.Header, testResponse().Header)
		}
	})
}

// checkHeader fails on a value with CR or LF, or a disallowed header that
// was not there before.
func checkHeader(t *testing.T, h, before http.Header) {
	t.Helper()
	for k, vs := range h {
		if cfheader.Disallowed(strings.ToLower(k)) && before[k] == nil {
			t.Fatalf("disallowed header %s added", k)
		}
		for _, v := range vs {
			if strings.ContainsAny(v, "\r\n") {
				t.Fatalf("header %s: %q", k, v)
			}
		}
	}
}

// FuzzBuild checks that any request builds an event that ParseEvent reads,
// and that the event's own request, returned as it is, is accepted and
// changes nothing.
func FuzzBuild(f *testing.F) {
	f.Add(uint8(0), "/index.html", "a=1&b", "X-Name", "café", []byte("body"))
	f.Add(uint8(1), "/a b/%zz", "q=\xe9", "Cookie", "a=1; b=2", []byte{0xff, 0})
	f.Add(uint8(2), "", "#", "Connection", "close", []byte(nil))
	f.Fuzz(func(t *testing.T, which uint8, uri, query, name, value string, body []byte) {
		trig := triggers[int(which)%len(triggers)]
		req := testRequest()
		req.URI, req.Query, req.Body = uri, query, body
		if cfheader.ValidName(name) {
			req.Header.Add(name, value)
		}
		var resp *edge.Response
		if isResponse(trig) {
			resp = testResponse()
		}
		ev, err := Build(trig, testConfig, req, resp, true)
		if err != nil {
			t.Fatal(err)
		}
		if !json.Valid(ev) {
			t.Fatalf("invalid JSON: %s", ev)
		}
		if _, err := ParseEvent(ev); err != nil {
			t.Fatalf("ParseEvent: %v\n%s", err, ev)
		}
		if isResponse(trig) {
			return
		}
		before := cloneRequest(req)
		if _, err := Apply(trig, member(t, ev, "request"), req, nil); err != nil {
			t.Fatalf("identity result rejected: %v", err)
		}
		if req.URI != before.URI || req.Query != before.Query || len(req.Header) != len(before.Header) {
			t.Fatalf("identity result changed the request: %+v", req)
		}
	})
}

// FuzzParseEvent checks that ParseEvent never panics and that what it
// accepts has one record and a request.
func FuzzParseEvent(f *testing.F) {
	for _, file := range corpusFiles(f) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"Records":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ev, err := ParseEvent(data)
		if err != nil {
			return
		}
		if len(ev.Records) != 1 {
			t.Fatalf("%d records", len(ev.Records))
		}
	})
}
