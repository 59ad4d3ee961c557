package cff

import (
	"encoding/json"
	"io/fs"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/verge-edge/verge/internal/edge"
)

// The sample events of specs §4, read in place from the shared corpora.
const (
	samplesDir  = "../../../shared/corpora/aws-samples_amazon-cloudfront-functions"
	awsdocsFull = "../../../shared/corpora/awsdocs_event-samples/cloudfront-functions_full-event_viewer-response.json"
)

// sampleEvents returns the sample event files: every JSON file of the AWS
// CloudFront Functions samples, and AWS's full example event.
func sampleEvents(t *testing.T) []string {
	t.Helper()
	if _, err := os.Stat(samplesDir); err != nil {
		t.Skipf("no corpora: %v", err)
	}
	var files []string
	err := filepath.WalkDir(samplesDir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".json") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no sample events in %s", samplesDir)
	}
	return append(files, awsdocsFull)
}

func sampleName(path string) string {
	rel, err := filepath.Rel(samplesDir, path)
	if err != nil || strings.HasPrefix(rel, "..") {
		return filepath.Base(path)
	}
	return rel
}

// expected is what a sample event should read as: the file's JSON without
// the properties CloudFront does not know (the samples' lowercase
// "multivalue"), with a missing querystring, headers or cookies as {}.
func expected(t *testing.T, data []byte) any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	drop(v)
	fill := func(parent any, keys ...string) {
		m, ok := parent.(map[string]any)
		if !ok {
			return
		}
		for _, k := range keys {
			if _, ok := m[k]; !ok {
				m[k] = map[string]any{}
			}
		}
	}
	fill(v["request"], "querystring", "headers", "cookies")
	fill(v["response"], "headers", "cookies")
	return v
}

// drop removes the "multivalue" properties at any depth.
func drop(v any) {
	switch v := v.(type) {
	case map[string]any:
		delete(v, "multivalue")
		for _, e := range v {
			drop(e)
		}
	case []any:
		for _, e := range v {
			drop(e)
		}
	}
}

func generic(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("%v: %s", err, data)
	}
	return v
}

// TestSampleEventsRoundTrip reads every sample event into an Event and
// writes it back: the same fields, in any order. NormalizeEvent gives the
// same, in the file's order.
func TestSampleEventsRoundTrip(t *testing.T) {
	for _, file := range sampleEvents(t) {
		t.Run(sampleName(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			ev, err := ParseEvent(data)
			if err != nil {
				t.Fatal(err)
			}
			if ev.Version != Version || ev.Request.Method != "GET" || !strings.HasPrefix(ev.Request.URI, "/") || ev.Request.Headers["host"].Value == "" {
				t.Errorf("the event reads wrong: %+v", ev)
			}
			want := expected(t, data)
			out, err := json.Marshal(ev)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, generic(t, out)); diff != "" {
				t.Errorf("Event round trip (-file +written):\n%s", diff)
			}
			norm, err := NormalizeEvent(data)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, generic(t, norm)); diff != "" {
				t.Errorf("NormalizeEvent (-file +written):\n%s", diff)
			}
		})
	}
}

// requestFrom rebuilds the edge request a sample event describes.
func requestFrom(ev *Event) *edge.Request {
	r := &edge.Request{
		Method: ev.Request.Method, URI: unescapePath(ev.Request.URI), Header: http.Header{},
		ClientIP: ev.Viewer.IP, Distribution: ev.Context.DistributionID, RequestID: ev.Context.RequestID,
	}
	var q []string
	for _, name := range slices.Sorted(maps.Keys(ev.Request.Querystring)) {
		for _, v := range values(ev.Request.Querystring[name]) {
			q = append(q, name+"="+v.Value)
		}
	}
	r.Query = strings.Join(q, "&")
	for name, v := range ev.Request.Headers {
		for _, e := range values(v) {
			r.Header.Add(name, e.Value)
		}
	}
	var c []string
	for _, name := range slices.Sorted(maps.Keys(ev.Request.Cookies)) {
		for _, v := range values(ev.Request.Cookies[name]) {
			c = append(c, name+"="+v.Value)
		}
	}
	if len(c) > 0 {
		r.Header.Set("Cookie", strings.Join(c, "; "))
	}
	return r
}

// responseFrom rebuilds the edge response a sample event describes.
func responseFrom(res *Response) *edge.Response {
	r := &edge.Response{Status: res.StatusCode, Header: http.Header{}}
	for name, v := range res.Headers {
		for _, e := range values(v) {
			r.Header.Add(name, e.Value)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(res.Cookies)) {
		for _, v := range values(res.Cookies[name]) {
			line := name + "=" + v.Value
			if v.Attributes != "" {
				line += "; " + v.Attributes
			}
			r.Header.Add("Set-Cookie", line)
		}
	}
	return r
}

func values(v Value) []Value {
	if len(v.MultiValue) > 0 {
		return v.MultiValue
	}
	return []Value{v}
}

// TestSampleEventsFromEdge rebuilds the request (and response) each sample
// event describes, builds the event from them, and checks it reads as the
// sample does; then applies the event's own request (or response), as an
// identity function returns it, and checks nothing changed.
func TestSampleEventsFromEdge(t *testing.T) {
	for _, file := range sampleEvents(t) {
		t.Run(sampleName(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			want, err := ParseEvent(data)
			if err != nil {
				t.Fatal(err)
			}
			req := requestFrom(want)
			var ev []byte
			var resp *edge.Response
			if want.Context.EventType == ViewerResponse {
				resp = responseFrom(want.Response)
				ev, err = NewResponseEvent(req, resp, want.Context.DistributionDomainName)
			} else {
				ev, err = NewRequestEvent(req, want.Context.DistributionDomainName, ViewerRequest)
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseEvent(ev)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("event built from the edge (-sample +built):\n%s", diff)
			}

			reqBefore := cloneRequest(req)
			gen, err := ApplyRequestResult(eventMember(t, ev, "request"), req)
			if err != nil || gen != nil {
				t.Fatalf("identity request result: %v, %v", gen, err)
			}
			if diff := cmp.Diff(reqBefore, req); diff != "" {
				t.Errorf("identity request result changed the request (-before +after):\n%s", diff)
			}
			if resp != nil {
				respBefore := cloneResponse(resp)
				if err := ApplyResponseResult(eventMember(t, ev, "response"), resp); err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(respBefore, resp); diff != "" {
					t.Errorf("identity response result changed the response (-before +after):\n%s", diff)
				}
			}
		})
	}
}

// TestFormatOutputRecorded compares FormatOutput with a FunctionOutput that
// AWS's TestFunction produced: add-true-client-ip-header on its
// test-event.json (the sample's README, aws-samples/amazon-cloudfront-functions).
func TestFormatOutputRecorded(t *testing.T) {
	const recorded = `{"request":{"headers":{"true-client-ip":{"value":"0.0.0.0"},"host":{"value":"www.example.com"},"accept":{"value":"text/html"}},"method":"GET","querystring":{"test":{"value":"true"},"arg":{"value":"val1"}},"uri":"/index.html","cookies":{"loggedIn":{"value":"false"},"id":{"value":"CookeIdValue"}}}}`
	data, err := os.ReadFile(filepath.Join(samplesDir, "add-true-client-ip-header/test-event.json"))
	if err != nil {
		t.Skipf("no corpora: %v", err)
	}
	// The function: request.headers['true-client-ip'] = {value: event.viewer.ip}.
	var ev map[string]any
	if err := json.Unmarshal(data, &ev); err != nil {
		t.Fatal(err)
	}
	r := ev["request"].(map[string]any)
	r["headers"].(map[string]any)["true-client-ip"] = map[string]any{"value": ev["viewer"].(map[string]any)["ip"]}
	out, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	got, err := FormatOutput(ViewerRequest, out)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(generic(t, []byte(recorded)), generic(t, []byte(got))); diff != "" {
		t.Errorf("FunctionOutput (-recorded +got):\n%s", diff)
	}
}
