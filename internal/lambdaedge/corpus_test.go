package lambdaedge

import (
	"encoding/base64"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/verge-edge/verge/internal/edge"
	"github.com/verge-edge/verge/internal/stack"
)

// corpusFiles are the real Lambda@Edge events of shared/corpora.
func corpusFiles(t testing.TB) []string {
	t.Helper()
	var files []string
	for _, pat := range []string{
		"../../../shared/corpora/awsdocs_event-samples/lambda-edge_*.json",
		"../../../shared/corpora/lambda-edge-cases/events/*.json",
	} {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 20 {
		t.Fatalf("found %d corpus events; want the shared corpora", len(files))
	}
	return files
}

// toEdge turns a parsed event back into what the edge would hold: header
// lines under canonical names, the uri decoded, the body decoded, the
// origin as a stack.Origin.
func toEdge(t *testing.T, cf *CF) (*edge.Request, *edge.Response) {
	t.Helper()
	r := cf.Request
	req := &edge.Request{Method: r.Method, URI: r.URI, Query: r.Querystring, ClientIP: r.ClientIP, Header: edgeHeader(r.Headers)}
	if p, err := pathUnescape(r.URI); err == nil {
		req.URI = p
	}
	if r.Body != nil {
		b, err := base64.StdEncoding.DecodeString(r.Body.Data)
		if err != nil {
			t.Fatalf("body: %v", err)
		}
		req.Body = b
	}
	if o := r.Origin; o != nil {
		req.Origin = stackOrigin(o)
	}
	if cf.Response == nil {
		return req, nil
	}
	status, _ := strconv.Atoi(cf.Response.Status)
	return req, &edge.Response{Status: status, Header: edgeHeader(cf.Response.Headers)}
}

func edgeHeader(hs Headers) http.Header {
	h := http.Header{}
	for name, lines := range hs {
		for _, l := range lines {
			h.Add(name, l.Value)
		}
	}
	return h
}

func stackOrigin(o *Origin) *stack.Origin {
	if c := o.Custom; c != nil {
		h := &stack.HTTPOrigin{URL: c.Protocol + "://" + c.DomainName + ":" + strconv.Itoa(c.Port) + c.Path, ReadTimeout: c.ReadTimeout, ConnectTimeout: 10}
		for _, lines := range c.CustomHeaders {
			for _, l := range lines {
				h.CustomHeaders = append(h.CustomHeaders, stack.Header{Name: l.Key, Value: l.Value})
			}
		}
		return &stack.Origin{Kind: stack.OriginHTTP, HTTP: h}
	}
	return &stack.Origin{Kind: stack.OriginBucket, Bucket: &stack.BucketOrigin{Resource: bucketName(o.S3.DomainName)}}
}

// lowerKeys lowercases every key: the edge keeps canonical names, so the
// viewer's casing ("accept") cannot come back.
func lowerKeys(ev *Event) {
	low := func(hs Headers) {
		for _, lines := range hs {
			for i := range lines {
				lines[i].Key = strings.ToLower(lines[i].Key)
			}
		}
	}
	cf := &ev.Records[0].CF
	low(cf.Request.Headers)
	if o := cf.Request.Origin; o != nil && o.Custom != nil {
		low(o.Custom.CustomHeaders)
	}
	if cf.Response != nil {
		low(cf.Response.Headers)
	}
}

// TestCorpusRoundTrip reads every real event, turns it into the edge's
// request (and response), builds the event again and compares (header keys
// case-insensitively, the one thing the edge loses), then returns the
// event's request (or response) as an identity function would: Apply must
// accept it and change nothing.
func TestCorpusRoundTrip(t *testing.T) {
	for _, file := range corpusFiles(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			ev, err := ParseEvent(data)
			if strings.Contains(file, "INVALID") {
				if err == nil {
					t.Fatal("ParseEvent accepted an event with both origins")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			cf := &ev.Records[0].CF
			trig := stack.Trigger(cf.Config.EventType)
			req, resp := toEdge(t, cf)
			built, err := Build(trig, cf.Config, req, resp, cf.Request.Body != nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseEvent(built)
			if err != nil {
				t.Fatalf("the built event does not parse: %v", err)
			}
			lowerKeys(ev)
			lowerKeys(got)
			if diff := cmp.Diff(ev, got); diff != "" {
				t.Errorf("rebuilt event differs (-corpus +built):\n%s", diff)
			}
			identity(t, trig, data, req, resp)
		})
	}
}

// identity applies the event's own request or response as the result.
func identity(t *testing.T, trig stack.Trigger, ev []byte, req *edge.Request, resp *edge.Response) {
	t.Helper()
	name := "request"
	if isResponse(trig) {
		name = "response"
	}
	beforeReq, beforeResp := cloneRequest(req), (*edge.Response)(nil)
	if resp != nil {
		beforeResp = cloneResponse(resp)
	}
	res, err := Apply(trig, member(t, ev, name), req, resp)
	if err != nil {
		t.Fatalf("identity result rejected: %v", err)
	}
	if res.Generated != nil || res.Origin != nil {
		t.Fatalf("identity result generated %+v, origin %+v", res.Generated, res.Origin)
	}
	if diff := cmp.Diff(beforeReq, req); diff != "" {
		t.Errorf("identity result changed the request:\n%s", diff)
	}
	if diff := cmp.Diff(beforeResp, resp); diff != "" {
		t.Errorf("identity result changed the response:\n%s", diff)
	}
}
