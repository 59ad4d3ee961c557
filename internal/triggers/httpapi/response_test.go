package httpapi

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

type failureCase struct {
	f      Failure
	status int
	body   string
}

func TestFailureCatalog(t *testing.T) {
	cases := []failureCase{
		{FunctionError, 502, `{"message":"Internal Server Error"}`},
		{MalformedResponse, 502, `{"message":"Internal Server Error"}`},
		{IntegrationTimeout, 503, `{"message":"Service Unavailable"}`},
		{Throttled, 429, `{"message":"Too Many Requests"}`},
		{NotFound, 404, `{"message":"Not Found"}`},
		{TooLarge, 413, `{"message":"Request Entity Too Large"}`},
		{Unauthorized, 401, `{"message":"Unauthorized"}`},
		{Forbidden, 403, `{"message":"Forbidden"}`},
	}
	for _, c := range cases {
		t.Run(c.f.Message, func(t *testing.T) {
			rec := httptest.NewRecorder()
			if err := c.f.Response().Write(rec); err != nil {
				t.Fatal(err)
			}
			if rec.Code != c.status || rec.Body.String() != c.body || rec.Header().Get("Content-Type") != "application/json" {
				t.Errorf("got %d %q %v, want %d %q", rec.Code, rec.Body, rec.Header(), c.status, c.body)
			}
		})
	}
}

type parseCase struct {
	name, result string
	v1           bool
	wantErr      bool
	status       int
}

func TestParseResponse(t *testing.T) {
	cases := []parseCase{
		{"v2 status only", `{"statusCode":204}`, false, false, 204},
		{"v2 null is inferred", `null`, false, false, 200},
		{"v2 array is inferred", `[1,2]`, false, false, 200},
		{"v2 empty", ``, false, true, 0},
		{"v2 status float", `{"statusCode":200.5}`, false, true, 0},
		{"v2 status bool", `{"statusCode":true}`, false, true, 0},
		{"v2 body not string", `{"statusCode":200,"body":{}}`, false, true, 0},
		{"v2 cookies not strings", `{"statusCode":200,"cookies":[1]}`, false, true, 0},
		{"v1 minimal", `{"statusCode":200}`, true, false, 200},
		{"v1 status string", `{"statusCode":"404"}`, true, false, 404},
		{"v1 status 600", `{"statusCode":600}`, true, true, 0},
		{"v1 array", `[]`, true, true, 0},
		{"v1 multi not array", `{"statusCode":200,"multiValueHeaders":{"a":"b"}}`, true, true, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			parse := ParseResponseV2
			if c.v1 {
				parse = ParseResponseV1
			}
			r, err := parse([]byte(c.result))
			if c.wantErr {
				if !errors.Is(err, ErrMalformed) {
					t.Errorf("error = %v, want ErrMalformed", err)
				}
				return
			}
			if err != nil || r.Status != c.status {
				t.Errorf("= %d, %v; want %d", r.Status, err, c.status)
			}
		})
	}
}

// FuzzParseResponse checks that no result panics the mapping and that
// every accepted response is one a server can send.
func FuzzParseResponse(f *testing.F) {
	for _, s := range []string{
		`{"statusCode":200,"headers":{"a":"b"},"cookies":["c=d"],"body":"x"}`,
		`{"statusCode":"201","multiValueHeaders":{"a":["1",2,true]},"isBase64Encoded":true,"body":"QQ=="}`,
		`"text"`, `42`, `null`, `{"statusCode":null}`, `{`, ``,
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, result []byte, v1 bool) {
		parse := ParseResponseV2
		if v1 {
			parse = ParseResponseV1
		}
		r, err := parse(result)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		if r.Status < 100 || r.Status > 599 {
			t.Fatalf("status %d accepted", r.Status)
		}
		if r.Header.Get("Content-Length") != "" || r.Header.Get("Transfer-Encoding") != "" {
			t.Fatalf("hop-by-hop header kept: %v", r.Header)
		}
		_ = r.Write(httptest.NewRecorder())
	})
}

// TestResultOverHTTP sends a mapped response through a real server.
func TestResultOverHTTP(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_ = Result(FormatV2, []byte(`{"statusCode":418,"cookies":["a=1","b=2"],"headers":{"x-y":"z"},"body":"teapot"}`), false).Write(w)
	}))
	defer srv.Close()
	client := srv.Client()
	defer client.CloseIdleConnections()
	resp, err := client.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 418 || len(resp.Cookies()) != 2 || resp.Header.Get("X-Y") != "z" || resp.ContentLength != 6 {
		t.Errorf("got %d %v", resp.StatusCode, resp.Header)
	}
}
