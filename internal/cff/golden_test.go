package cff

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/verge-edge/verge/internal/edge/edgetest"

	"github.com/google/go-cmp/cmp"

	"github.com/verge-edge/verge/internal/edge"
)

var update = flag.Bool("update", false, "rewrite the want sections of the golden files in testdata with the current output")

// An archive is a golden file: a free-form comment, then sections, each a
// line "-- name --" followed by its content (a txtar-like format).
type archive struct {
	comment  string
	sections []section
}

type section struct{ name, data string }

func parseArchive(s string) archive {
	var a archive
	cur := -1
	for line := range strings.SplitAfterSeq(s, "\n") {
		trimmed := strings.TrimRight(line, "\n")
		if strings.HasPrefix(trimmed, "-- ") && strings.HasSuffix(trimmed, " --") && len(trimmed) > 6 {
			a.sections = append(a.sections, section{name: trimmed[3 : len(trimmed)-3]})
			cur = len(a.sections) - 1
			continue
		}
		if cur < 0 {
			a.comment += line
		} else {
			a.sections[cur].data += line
		}
	}
	return a
}

func (a archive) String() string {
	var b strings.Builder
	b.WriteString(a.comment)
	for _, s := range a.sections {
		b.WriteString("-- " + s.name + " --\n")
		b.WriteString(strings.TrimRight(s.data, "\n") + "\n")
	}
	return b.String()
}

func (a *archive) get(name string) (string, bool) {
	for _, s := range a.sections {
		if s.name == name {
			return s.data, true
		}
	}
	return "", false
}

func (a *archive) set(name, data string) {
	for i := range a.sections {
		if a.sections[i].name == name {
			a.sections[i].data = data
			return
		}
	}
	a.sections = append(a.sections, section{name: name, data: data})
}

// runGolden runs fn on every archive in testdata/dir; fn returns the
// section it checks and the text it produced, which must equal the
// section's (or, with -update, replaces it).
func runGolden(t *testing.T, dir string, fn func(t *testing.T, a *archive) (name, got string)) {
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no golden files in testdata/%s", dir)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			a := parseArchive(string(data))
			name, got := fn(t, &a)
			want, _ := a.get(name)
			if strings.TrimSpace(got) == strings.TrimSpace(want) {
				return
			}
			if *update {
				a.set(name, got)
				if err := os.WriteFile(file, []byte(a.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			t.Errorf("%s: section %s differs (-want +got):\n%s", file, name, cmp.Diff(strings.TrimSpace(want), strings.TrimSpace(got)))
		})
	}
}

func readSection(t *testing.T, a *archive, name string, v any) bool {
	t.Helper()
	s, ok := a.get(name)
	if !ok {
		return false
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("section %s: %v", name, err)
	}
	return true
}

// goldenDist is the distribution domain name the golden events carry.
const goldenDist = "d111111abcdef8.cloudfront.net"

// TestGoldenEvents checks the event built from an edge request (and, for
// viewer-response, an edge response): sections request, response
// (optional), event.
func TestGoldenEvents(t *testing.T) {
	runGolden(t, "events", func(t *testing.T, a *archive) (string, string) {
		var jr jsonRequest
		if !readSection(t, a, "request", &jr) {
			t.Fatal("no request section")
		}
		var ev []byte
		var err error
		var jresp jsonResponse
		if readSection(t, a, "response", &jresp) {
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
	runGolden(t, "results", func(t *testing.T, a *archive) (string, string) {
		var jr jsonRequest
		if !readSection(t, a, "request", &jr) {
			t.Fatal("no request section")
		}
		out, ok := a.get("output")
		if !ok {
			t.Fatal("no output section")
		}
		var res goldenResult
		var err error
		var jresp jsonResponse
		if readSection(t, a, "response", &jresp) {
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
	runGolden(t, "format", func(t *testing.T, a *archive) (string, string) {
		typ, _ := a.get("type")
		out, _ := a.get("output")
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
