package cff

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/errs"
)

func TestFormatUtilization(t *testing.T) {
	tests := []struct {
		used, allowed time.Duration
		want          string
	}{
		{0, time.Millisecond, "0"},
		{-time.Microsecond, time.Millisecond, "0"},
		{time.Microsecond, 0, "0"},
		{4 * time.Microsecond, time.Millisecond, "0"},
		{5 * time.Microsecond, time.Millisecond, "1"},
		{160 * time.Microsecond, time.Millisecond, "16"},
		{164 * time.Microsecond, time.Millisecond, "16"},
		{165 * time.Microsecond, time.Millisecond, "17"},
		{999 * time.Microsecond, time.Millisecond, "100"},
		{time.Millisecond, time.Millisecond, "100"},
		{time.Hour, time.Millisecond, "100"},
	}
	for _, tc := range tests {
		if got := FormatUtilization(tc.used, tc.allowed); got != tc.want {
			t.Errorf("FormatUtilization(%v, %v) = %q, want %q", tc.used, tc.allowed, got, tc.want)
		}
	}
}

func TestTestResultJSON(t *testing.T) {
	r := TestResult{ComputeUtilization: "16", FunctionOutput: `{"request":{}}`}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"ComputeUtilization":"16","FunctionExecutionLogs":[],"FunctionErrorMessage":"","FunctionOutput":"{\"request\":{}}"}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}

func TestFormatOutputEventType(t *testing.T) {
	_, err := FormatOutput("origin-request", []byte(`{}`))
	if !errs.Is(errs.Invalid, err) {
		t.Errorf("FormatOutput with origin-request: %v, want an Invalid error", err)
	}
}

func TestNewRequestEventType(t *testing.T) {
	_, err := NewRequestEvent(testRequest(), "", "origin-request")
	if !errs.Is(errs.Invalid, err) {
		t.Errorf("NewRequestEvent with origin-request: %v, want an Invalid error", err)
	}
}

func TestParseEventErrors(t *testing.T) {
	tests := []struct{ name, event, want string }{
		{"not JSON", `{`, "not valid JSON"},
		{"not an object", `[]`, "must be an object"},
		{"no request", `{"version":"1.0","context":{"eventType":"viewer-request"}}`, "has no request"},
		{"bad version", `{"version":"2.0","context":{"eventType":"viewer-request"},"request":{}}`, `version "2.0"`},
		{"no version", `{"context":{"eventType":"viewer-request"},"request":{}}`, `version ""`},
		{"bad event type", `{"version":"1.0","context":{"eventType":"origin-request"},"request":{}}`, "context.eventType"},
		{"viewer-response without response", `{"version":"1.0","context":{"eventType":"viewer-response"},"request":{}}`, "needs a response"},
		{"header not an object", `{"version":"1.0","context":{"eventType":"viewer-request"},"request":{"headers":{"host":"x"}}}`, `must be an object`},
		{"status a string", `{"version":"1.0","context":{"eventType":"viewer-response"},"request":{},"response":{"statusCode":"200"}}`, "statusCode"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseEvent([]byte(tc.event))
			if !errs.Is(errs.Invalid, err) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ParseEvent: %v, want an Invalid error containing %q", err, tc.want)
			}
		})
	}
}

// TestParseEventStrict checks that names are case-sensitive: the samples'
// "multivalue" is not multiValue, "Request" is not request.
func TestParseEventStrict(t *testing.T) {
	ev, err := ParseEvent([]byte(`{"version":"1.0","context":{"eventType":"viewer-request"},
		"request":{"method":"GET","uri":"/","Method":"POST","headers":{"accept":{"value":"a","multivalue":[{"value":"a"},{"value":"b"}]}}},
		"Request":{"method":"PUT"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if ev.Request.Method != "GET" {
		t.Errorf("method %q, want GET", ev.Request.Method)
	}
	if v := ev.Request.Headers["accept"]; v.Value != "a" || v.MultiValue != nil {
		t.Errorf("accept %+v: want value a and no multiValue", v)
	}
	if ev.Request.Querystring == nil || ev.Request.Cookies == nil {
		t.Error("missing querystring and cookies are not filled with {}")
	}
}

// TestBodyShortcut checks that a body string reads as text.
func TestBodyShortcut(t *testing.T) {
	var r Response
	if err := json.Unmarshal([]byte(`{"statusCode":200,"body":"hi"}`), &r); err != nil {
		t.Fatal(err)
	}
	if r.Body == nil || *r.Body != (Body{Encoding: "text", Data: "hi"}) {
		t.Errorf("body %+v, want text hi", r.Body)
	}
}

// TestNormalizeEventOrder checks that NormalizeEvent keeps the file's
// order of query-string parameters, where Event's maps cannot.
func TestNormalizeEventOrder(t *testing.T) {
	out, err := NormalizeEvent([]byte(`{"version":"1.0","context":{"eventType":"viewer-request"},"viewer":{"ip":"1.2.3.4"},
		"request":{"method":"GET","uri":"/","querystring":{"z":{"value":"1"},"a":{"value":"2"}},"extra":1}}`))
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"version":"1.0","context":{"eventType":"viewer-request"},"viewer":{"ip":"1.2.3.4"},"request":{"method":"GET","uri":"/","querystring":{"z":{"value":"1"},"a":{"value":"2"}},"headers":{},"cookies":{}}}`
	if string(out) != want {
		t.Errorf("got  %s\nwant %s", out, want)
	}
}
