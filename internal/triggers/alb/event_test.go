package alb

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/go-cmp/cmp"
)

const corpus = "../../../../shared/corpora/aws_aws-lambda-go/events/testdata/"

// decodeEvent decodes an event into aws-lambda-go's type, strictly.
func decodeEvent(t *testing.T, ev []byte) events.ALBTargetGroupRequest {
	t.Helper()
	var got events.ALBTargetGroupRequest
	dec := json.NewDecoder(bytes.NewReader(ev))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("event does not decode into events.ALBTargetGroupRequest: %v\n%s", err, ev)
	}
	return got
}

func fixedID(id string) func() string { return func() string { return id } }

// TestEventCorpus rebuilds AWS's sample events from the requests they
// describe.
func TestEventCorpus(t *testing.T) {
	cases := []struct {
		file   string
		arn    string
		multi  bool
		client string
		trace  string
	}{
		{"alb-lambda-target-request-headers-only.json", "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/lambda-target/abcdefg",
			false, "25.12.198.67:50000", "1-5c34e93e-4dea0086f9763ac0667b115a"},
		{"alb-lambda-target-request-multivalue-headers.json", "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/lambda-target/abcdefgh",
			true, "72.21.198.67:50000", "1-5c34e7d4-00ca239424b68028d4c56d68"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			raw, err := os.ReadFile(corpus + c.file)
			if err != nil {
				t.Fatal(err)
			}
			var want events.ALBTargetGroupRequest
			if err := json.Unmarshal(raw, &want); err != nil {
				t.Fatal(err)
			}
			host := want.Headers["host"]
			if c.multi {
				host = want.MultiValueHeaders["host"][0]
			}
			q := "key=hello"
			r := req("GET", "http://"+host+"/?"+q, c.client, "Accept: */*", "Connection: keep-alive",
				"User-Agent: curl/7.54.0", "X-Imforwards: 20", "X-Myheader: 123")
			ev, err := NewEvent(r, Target{ARN: c.arn, MultiValueHeaders: c.multi, ListenerPort: 80, TraceID: fixedID(c.trace)})
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(want, decodeEvent(t, ev)); d != "" {
				t.Errorf("event differs from %s (-want +got):\n%s", c.file, d)
			}
		})
	}
}

type bodyCase struct {
	name, contentType, encoding string
	body                        []byte
	wantB64                     bool
}

func TestEventBody(t *testing.T) {
	bin := []byte{0, 1, 2, 0xff}
	cases := []bodyCase{
		{"empty", "", "", nil, false},
		{"text/plain", "text/plain; charset=utf-8", "", []byte("héllo"), false},
		{"text/html", "text/html", "", []byte("<p>"), false},
		{"json", "application/json", "", []byte(`{"a":1}`), false},
		{"javascript", "application/javascript", "", []byte("x()"), false},
		{"xml", "application/xml", "", []byte("<a/>"), false},
		{"form is binary", "application/x-www-form-urlencoded", "", []byte("a=1"), true},
		{"no content type", "", "", []byte("abc"), true},
		{"octet-stream", "application/octet-stream", "", bin, true},
		{"content-encoding", "application/json", "gzip", []byte("{}"), true},
		{"invalid utf-8 text", "text/plain", "", bin, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "http://h/p", bytes.NewReader(c.body))
			if c.contentType != "" {
				r.Header.Set("Content-Type", c.contentType)
			}
			if c.encoding != "" {
				r.Header.Set("Content-Encoding", c.encoding)
			}
			ev, err := NewEvent(r, Target{})
			if err != nil {
				t.Fatal(err)
			}
			got := decodeEvent(t, ev)
			if got.IsBase64Encoded != c.wantB64 {
				t.Errorf("isBase64Encoded = %v, want %v", got.IsBase64Encoded, c.wantB64)
			}
			body := []byte(got.Body)
			if got.IsBase64Encoded {
				if body, err = base64.StdEncoding.DecodeString(got.Body); err != nil {
					t.Fatal(err)
				}
			}
			if !bytes.Equal(body, c.body) {
				t.Errorf("body = %q, want %q", body, c.body)
			}
		})
	}
}

func TestEventLimit(t *testing.T) {
	cases := []struct {
		name    string
		size    int
		chunked bool
		wantErr bool
	}{
		{"at the limit", MaxRequestBody, false, false},
		{"over the limit", MaxRequestBody + 1, false, true},
		{"over the limit, chunked", MaxRequestBody + 1, true, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "http://h/", bytes.NewReader(make([]byte, c.size)))
			if c.chunked {
				r.ContentLength = -1
				r.Body = io.NopCloser(bytes.NewReader(make([]byte, c.size)))
			}
			_, err := NewEvent(r, Target{})
			if (err != nil) != c.wantErr {
				t.Fatalf("err = %v, want error %v", err, c.wantErr)
			}
			if err != nil {
				if s := StatusOf(err); s != http.StatusRequestEntityTooLarge {
					t.Errorf("status = %d, want 413", s)
				}
				var e *Error
				if !errors.As(err, &e) {
					t.Errorf("%v is not an *Error", err)
				}
			}
		})
	}
}

var traceRE = regexp.MustCompile(`^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$`)

func TestEventForwardedHeaders(t *testing.T) {
	const root = "Root=1-5c34e93e-4dea0086f9763ac0667b115a"
	cases := []struct {
		name    string
		headers []string
		check   func(t *testing.T, h map[string]string, mv map[string][]string)
	}{
		{"generated trace id", nil, func(t *testing.T, h map[string]string, _ map[string][]string) {
			if !traceRE.MatchString(h["x-amzn-trace-id"]) {
				t.Errorf("trace id %q", h["x-amzn-trace-id"])
			}
		}},
		{"kept root gets a self field", []string{"X-Amzn-Trace-Id: " + root}, func(t *testing.T, h map[string]string, _ map[string][]string) {
			if v := h["x-amzn-trace-id"]; !strings.HasPrefix(v, "Self=1-") || !strings.HasSuffix(v, ";"+root) {
				t.Errorf("trace id %q", v)
			}
		}},
		{"invalid trace id replaced", []string{"X-Amzn-Trace-Id: junk"}, func(t *testing.T, h map[string]string, _ map[string][]string) {
			if !traceRE.MatchString(h["x-amzn-trace-id"]) {
				t.Errorf("trace id %q", h["x-amzn-trace-id"])
			}
		}},
		{"forwarded-for appended", []string{"X-Forwarded-For: 1.1.1.1", "X-Forwarded-For: 2.2.2.2"}, func(t *testing.T, h map[string]string, _ map[string][]string) {
			if v := h["x-forwarded-for"]; v != "1.1.1.1, 2.2.2.2, 10.0.0.9" {
				t.Errorf("x-forwarded-for %q", v)
			}
		}},
		{"last header value wins", []string{"X-A: 1", "X-A: 2"}, func(t *testing.T, h map[string]string, _ map[string][]string) {
			if h["x-a"] != "2" || h["x-forwarded-proto"] != "http" || h["x-forwarded-port"] != "80" {
				t.Errorf("headers %v", h)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev, err := NewEvent(req("GET", "http://h/", "10.0.0.9:1234", c.headers...), Target{})
			if err != nil {
				t.Fatal(err)
			}
			got := decodeEvent(t, ev)
			c.check(t, got.Headers, got.MultiValueHeaders)
		})
	}
}

func TestEventQuery(t *testing.T) {
	r := req("GET", "http://h/a%2Fb?x=1&x=2&y=a%20b&flag&=v", "1.2.3.4:5")
	single, err := NewEvent(r, Target{})
	if err != nil {
		t.Fatal(err)
	}
	got := decodeEvent(t, single)
	want := map[string]string{"x": "2", "y": "a%20b", "flag": "", "": "v"}
	if d := cmp.Diff(want, got.QueryStringParameters); d != "" || got.Path != "/a%2Fb" {
		t.Errorf("path %q, query (-want +got):\n%s", got.Path, d)
	}
	multi, err := NewEvent(r, Target{MultiValueHeaders: true})
	if err != nil {
		t.Fatal(err)
	}
	mgot := decodeEvent(t, multi)
	mwant := map[string][]string{"x": {"1", "2"}, "y": {"a%20b"}, "flag": {""}, "": {"v"}}
	if d := cmp.Diff(mwant, mgot.MultiValueQueryStringParameters); d != "" || mgot.Headers != nil {
		t.Errorf("multi-value query (-want +got):\n%s", d)
	}
}
