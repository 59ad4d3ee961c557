package alb

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/go-cmp/cmp"
)

type responseCase struct {
	name       string
	payload    string
	multi      bool
	wantStatus int // 0: a *Error with StatusBadGateway
	wantHeader http.Header
	wantBody   string
}

func TestParseResponse(t *testing.T) {
	cases := []responseCase{
		{"minimal", `{"statusCode":204}`, false, 204, http.Header{}, ""},
		{"headers and body", `{"statusCode":200,"statusDescription":"200 OK","headers":{"content-type":"text/plain","X-A":"1"},"body":"hi","isBase64Encoded":false}`,
			false, 200, http.Header{"Content-Type": {"text/plain"}, "X-A": {"1"}}, "hi"},
		{"base64 body", `{"statusCode":200,"body":"AAH/","isBase64Encoded":true}`, false, 200, http.Header{}, "\x00\x01\xff"},
		{"nulls as aws-lambda-go sends them", `{"statusCode":200,"statusDescription":"","headers":null,"multiValueHeaders":null,"isBase64Encoded":false}`,
			false, 200, http.Header{}, ""},
		{"multi-value headers", `{"statusCode":200,"headers":{"X-Ignored":"1"},"multiValueHeaders":{"Set-Cookie":["a=1","b=2"]}}`,
			true, 200, http.Header{"Set-Cookie": {"a=1", "b=2"}}, ""},
		{"single-value ignores multi", `{"statusCode":200,"multiValueHeaders":{"Set-Cookie":["a=1"]}}`, false, 200, http.Header{}, ""},
		{"hop-by-hop dropped", `{"statusCode":200,"headers":{"Connection":"close","Content-Length":"99","Transfer-Encoding":"chunked","X-B":"2"}}`,
			false, 200, http.Header{"X-B": {"2"}}, ""},
		{"not json", `hello`, false, 0, nil, ""},
		{"a string", `"hello"`, false, 0, nil, ""},
		{"null", `null`, false, 0, nil, ""},
		{"no statusCode", `{"body":"x"}`, false, 0, nil, ""},
		{"statusCode as string", `{"statusCode":"200"}`, false, 0, nil, ""},
		{"statusCode out of range", `{"statusCode":99}`, false, 0, nil, ""},
		{"statusCode fractional", `{"statusCode":200.5}`, false, 0, nil, ""},
		{"numeric header", `{"statusCode":200,"headers":{"X-A":1}}`, false, 0, nil, ""},
		{"object body", `{"statusCode":200,"body":{"a":1}}`, false, 0, nil, ""},
		{"bad base64", `{"statusCode":200,"body":"!!","isBase64Encoded":true}`, false, 0, nil, ""},
		{"too large", `{"statusCode":200,"body":"` + strings.Repeat("a", MaxResponse) + `"}`, false, 0, nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, err := ParseResponse([]byte(c.payload), Target{MultiValueHeaders: c.multi})
			if c.wantStatus == 0 {
				if err == nil || StatusOf(err) != http.StatusBadGateway {
					t.Fatalf("err = %v, want a 502", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if resp.Status != c.wantStatus || string(resp.Body) != c.wantBody {
				t.Errorf("status %d body %q, want %d %q", resp.Status, resp.Body, c.wantStatus, c.wantBody)
			}
			if d := cmp.Diff(c.wantHeader, resp.Header); d != "" {
				t.Errorf("headers (-want +got):\n%s", d)
			}
		})
	}
}

// TestResponseCorpus parses AWS's sample and what aws-lambda-go marshals.
func TestResponseCorpus(t *testing.T) {
	raw, err := os.ReadFile(corpus + "alb-lambda-target-response.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, multi := range []bool{false, true} {
		resp, err := ParseResponse(raw, Target{MultiValueHeaders: multi})
		if err != nil {
			t.Fatal(err)
		}
		want := http.Header{"Set-Cookie": {"cookies"}, "Content-Type": {"application/json"}}
		if multi {
			want["Set-Cookie"] = []string{"cookie-name=cookie-value;Domain=myweb.com;Secure;HttpOnly", "cookie-name=cookie-value;Expires=May 8, 2019"}
		}
		if d := cmp.Diff(want, resp.Header); d != "" || resp.Description != "200 OK" || string(resp.Body) != "Hello from Lambda" {
			t.Errorf("multi=%v: %+v, headers (-want +got):\n%s", multi, resp, d)
		}
	}
	out, err := json.Marshal(events.ALBTargetGroupResponse{StatusCode: 201, Body: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if resp, err := ParseResponse(out, Target{}); err != nil || resp.Status != 201 {
		t.Errorf("aws-lambda-go response %s: %+v, %v", out, resp, err)
	}
}

func FuzzParseResponse(f *testing.F) {
	f.Add([]byte(`{"statusCode":200,"headers":{"a":"b"},"body":"x"}`), false)
	f.Add([]byte(`{"statusCode":200,"multiValueHeaders":{"a":["b","c"]},"body":"AA==","isBase64Encoded":true}`), true)
	f.Add([]byte(`{"statusCode":null}`), false)
	f.Fuzz(func(t *testing.T, payload []byte, multi bool) {
		resp, err := ParseResponse(payload, Target{MultiValueHeaders: multi})
		if err != nil {
			if StatusOf(err) != http.StatusBadGateway {
				t.Fatalf("error %v maps to %d, want 502", err, StatusOf(err))
			}
			return
		}
		if resp.Status < 200 || resp.Status > 599 {
			t.Fatalf("status %d accepted", resp.Status)
		}
		w := httptest.NewRecorder()
		resp.Write(w)
		if w.Code != resp.Status || !bytes.Equal(w.Body.Bytes(), resp.Body) {
			t.Fatalf("written %d %q, want %d %q", w.Code, w.Body.Bytes(), resp.Status, resp.Body)
		}
	})
}

// TestRoundTrip serves real HTTP on 127.0.0.1: a rule, the event, an echo
// "function" and the mapped response, as the listener will.
func TestRoundTrip(t *testing.T) {
	rt, err := NewRouter([]Rule{{Priority: 1, Paths: []string{"/fn/*"}, Target: "echo"}})
	if err != nil {
		t.Fatal(err)
	}
	tg := Target{ARN: "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/echo/1", MultiValueHeaders: true}
	var port string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := rt.Match(r); !ok {
			WriteError(w, DefaultStatus)
			return
		}
		ev, err := NewEvent(r, tg)
		if err != nil {
			WriteError(w, StatusOf(err))
			return
		}
		resp, err := ParseResponse(echo(t, ev), tg)
		if err != nil {
			WriteError(w, StatusOf(err))
			return
		}
		resp.Write(w)
	}))
	defer srv.Close()
	_, port, _ = net.SplitHostPort(srv.Listener.Addr().String())
	cases := []struct {
		path, body string
		status     int
		wantBody   string
	}{
		{"/fn/x", "\x00\x01binary", 200, "\x00\x01binary"},
		{"/other", "", 404, "<center><h1>404 Not Found</h1></center>"},
		{"/fn/big", strings.Repeat("a", MaxRequestBody+1), 413, "413 Request Entity Too Large"},
	}
	for _, c := range cases {
		res, err := http.Post(srv.URL+c.path, "application/octet-stream", strings.NewReader(c.body))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != c.status || !strings.Contains(string(body), c.wantBody) {
			t.Errorf("%s: %d %q, want %d containing %q", c.path, res.StatusCode, body, c.status, c.wantBody)
		}
		if c.status == 200 && res.Header.Get("X-Port") != port {
			t.Errorf("%s: x-forwarded-port %q, want %s", c.path, res.Header.Get("X-Port"), port)
		}
	}
	srv.CloseClientConnections()
}

// echo is a function returning the request body and its forwarded port.
func echo(t *testing.T, ev []byte) []byte {
	var in events.ALBTargetGroupRequest
	if err := json.Unmarshal(ev, &in); err != nil {
		t.Error(err)
	}
	out, _ := json.Marshal(events.ALBTargetGroupResponse{
		StatusCode: 200, StatusDescription: "200 OK", Body: in.Body, IsBase64Encoded: in.IsBase64Encoded,
		MultiValueHeaders: map[string][]string{"X-Port": in.MultiValueHeaders["x-forwarded-port"], "Content-Type": {"application/octet-stream"}},
	})
	return out
}
