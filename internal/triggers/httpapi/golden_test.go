package httpapi

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/verge-edge/verge/internal/golden"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the want sections of the golden files in testdata with the current output")

// goldenRoutes route the golden requests.
var goldenRoutes = []string{"GET /pets/{id}", "ANY /files/{proxy+}", "POST /pets", "$default"}

// TestGoldenEvents builds the event of a raw HTTP request: sections
// "request" (HTTP/1.1 text), "format" (1.0 or 2.0) and "event".
func TestGoldenEvents(t *testing.T) {
	routes := make([]Route, len(goldenRoutes))
	for i, k := range goldenRoutes {
		routes[i] = Route{Key: k}
	}
	router, err := NewRouter(routes)
	if err != nil {
		t.Fatal(err)
	}
	golden.Run(t, "events", *update, func(t *testing.T, a *txtar.Archive) (string, string) {
		raw, _ := golden.Section(a, "request")
		raw = strings.ReplaceAll(raw, "\n", "\r\n")
		req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
		if err != nil {
			t.Fatalf("request section: %v", err)
		}
		req.RemoteAddr = "198.51.100.7:50123"
		req.Header.Set("X-Amzn-Trace-Id", "Root=1-00000000-000000000000000000000000")
		m, ok := router.Match(req.Method, req.URL.Path)
		if !ok {
			t.Fatal("no route")
		}
		format, _ := golden.Section(a, "format")
		build := NewEventV2
		if strings.TrimSpace(format) == FormatV1 {
			build = NewEventV1
		}
		ev, err := build(req, m, Options{APIID: "abc123", RequestID: "Req1dAbCdEfGh=", Time: fixedTime})
		if err != nil {
			t.Fatal(err)
		}
		return "event", indent(t, ev)
	})
}

// TestGoldenResponses maps a function result: sections "format", "result"
// (the function's JSON, or "error" for a function error) and "response"
// (status line, sorted headers, blank line, body).
func TestGoldenResponses(t *testing.T) {
	golden.Run(t, "responses", *update, func(t *testing.T, a *txtar.Archive) (string, string) {
		format, _ := golden.Section(a, "format")
		result, _ := golden.Section(a, "result")
		fnErr := strings.TrimSpace(result) == "error"
		return "response", dump(Result(strings.TrimSpace(format), []byte(result), fnErr))
	})
}

func indent(t *testing.T, raw []byte) string {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func dump(r Response) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d\n", r.Status)
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range r.Header {
			if !yield(k) {
				return
			}
		}
	})
	for _, k := range names {
		for _, v := range r.Header[k] {
			fmt.Fprintf(&b, "%s: %s\n", k, v)
		}
	}
	fmt.Fprintf(&b, "\n%q\n", r.Body)
	return b.String()
}
