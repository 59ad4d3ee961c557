package cff

import (
	"encoding/json"
	"errors"
	"flag"
	"strings"
	"testing"

	"github.com/verge-edge/verge/internal/edge/edgetest"
	"github.com/verge-edge/verge/internal/golden"
	"golang.org/x/tools/txtar"

	"github.com/google/go-cmp/cmp"

	"github.com/verge-edge/verge/internal/edge"
)

var update = flag.Bool("update", false, "rewrite the want sections of the golden files in testdata with the current output")

// runGolden runs fn on every archive in testdata/dir (see internal/golden).
func runGolden(t *testing.T, dir string, fn func(t *testing.T, a *txtar.Archive) (name, got string)) {
	golden.Run(t, dir, *update, fn)
}

// goldenDist is the distribution domain name the golden events carry.
const goldenDist = "d111111abcdef8.cloudfront.net"

// TestGoldenEvents checks the event built from an edge request (and, for
// viewer-response, an edge response): sections request, response
// (optional), event.
func TestGoldenEvents(t *testing.T) {
	runGolden(t, "events", func(t *testing.T, a *txtar.Archive) (string, string) {
		var jr jsonRequest
		if !golden.JSON(t, a, "request", &jr) {
			t.Fatal("no request section")
		}
		var ev []byte
		var err error
		var jresp jsonResponse
		if golden.JSON(t, a, "response", &jresp) {
			ev, err = NewResponseEvent(jr.Edge(), jresp.Edge(), goldenDist)
		} else {
			ev, err = NewRequestEvent(jr.Edge(), goldenDist, ViewerRequest)
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParseEvent(ev); err != nil {
			t.Errorf("the event does not parse: %v", err)
		}
		return "event", edgetest.Indent(t, ev)
	})
}

// goldenResult is the outcome of applying a result, as golden files write
// it: exactly one field is set.
type goldenResult struct {
	Request   *jsonRequest  `json:"request,omitempty"`
	Generated *jsonResponse `json:"generated,omitempty"`
	Response  *jsonResponse `json:"response,omitempty"`
	Error     *jsonError    `json:"error,omitempty"`
}

// TestGoldenResults applies a function's result: sections request,
// response (optional: a viewer-response result), output, want.
func TestGoldenResults(t *testing.T) {
	runGolden(t, "results", func(t *testing.T, a *txtar.Archive) (string, string) {
		var jr jsonRequest
		if !golden.JSON(t, a, "request", &jr) {
			t.Fatal("no request section")
		}
		out, ok := golden.Section(a, "output")
		if !ok {
			t.Fatal("no output section")
		}
		var res goldenResult
		var err error
		var jresp jsonResponse
		if golden.JSON(t, a, "response", &jresp) {
			resp := jresp.Edge()
			before := cloneResponse(resp)
			if err = ApplyResponseResult([]byte(out), resp); err == nil {
				res.Response = fromResponse(resp)
			} else if diff := cmp.Diff(before, resp); diff != "" {
				t.Errorf("a failed apply changed the response (-before +after):\n%s", diff)
			}
		} else {
			req := jr.Edge()
			before := cloneRequest(req)
			var gen *edge.Response
			gen, err = ApplyRequestResult([]byte(out), req)
			switch {
			case err != nil:
				if diff := cmp.Diff(before, req); diff != "" {
					t.Errorf("a failed apply changed the request (-before +after):\n%s", diff)
				}
			case gen != nil:
				res.Generated = fromResponse(gen)
				if diff := cmp.Diff(before, req); diff != "" {
					t.Errorf("a generated response changed the request (-before +after):\n%s", diff)
				}
			default:
				res.Request = fromRequest(req)
			}
		}
		if err != nil {
			var fe *edge.FuncError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a FuncError", err)
			}
			res.Error = &jsonError{Status: fe.Status, Type: fe.Type, Detail: fe.Detail}
		}
		return "want", edgetest.Marshal(t, res)
	})
}

// TestGoldenFormat formats a result as TestFunction's FunctionOutput:
// sections type (the event type), output, want (indented).
func TestGoldenFormat(t *testing.T) {
	runGolden(t, "format", func(t *testing.T, a *txtar.Archive) (string, string) {
		typ, _ := golden.Section(a, "type")
		out, _ := golden.Section(a, "output")
		got, err := FormatOutput(strings.TrimSpace(typ), []byte(out))
		if err != nil {
			fe := funcError(t, err)
			return "want", "error: " + fe.Detail
		}
		if !json.Valid([]byte(got)) {
			t.Fatalf("FunctionOutput %s is not valid JSON", got)
		}
		return "want", edgetest.Indent(t, []byte(got))
	})
}
