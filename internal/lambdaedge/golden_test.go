package lambdaedge

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
	"github.com/verge-edge/verge/internal/stack"
)

var update = flag.Bool("update", false, "rewrite the checked sections of the golden files in testdata")

// archive is a golden file in txtar form: a comment, then sections, each
// a line "-- name --" and its content.
type archive struct {
	comment string
	names   []string
	data    map[string]string
}

func readArchive(s string) *archive {
	a := &archive{data: map[string]string{}}
	cur := ""
	for line := range strings.SplitAfterSeq(s, "\n") {
		l := strings.TrimRight(line, "\n")
		if len(l) > 6 && strings.HasPrefix(l, "-- ") && strings.HasSuffix(l, " --") {
			cur = l[3 : len(l)-3]
			a.names = append(a.names, cur)
			continue
		}
		if cur == "" {
			a.comment += line
		} else {
			a.data[cur] += line
		}
	}
	return a
}

func (a *archive) String() string {
	var b strings.Builder
	b.WriteString(a.comment)
	for _, n := range a.names {
		b.WriteString("-- " + n + " --\n" + strings.TrimRight(a.data[n], "\n") + "\n")
	}
	return b.String()
}

func (a *archive) set(name, data string) {
	if _, ok := a.data[name]; !ok {
		a.names = append(a.names, name)
	}
	a.data[name] = data
}

// section decodes the JSON section name into v; false when it is absent.
func (a *archive) section(t *testing.T, name string, v any) bool {
	t.Helper()
	s, ok := a.data[name]
	if !ok {
		return false
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("section %s: %v", name, err)
	}
	return true
}

func (a *archive) trigger(t *testing.T) stack.Trigger {
	t.Helper()
	s, ok := a.data["trigger"]
	if !ok {
		t.Fatal("no trigger section")
	}
	return stack.Trigger(strings.TrimSpace(s))
}

// runGolden runs fn on each archive of testdata/dir; fn returns the
// section it checks and what it produced, which must equal the section
// (or replaces it with -update).
func runGolden(t *testing.T, dir string, fn func(t *testing.T, a *archive) (name, got string)) {
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files in testdata/%s (%v)", dir, err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			a := readArchive(string(data))
			name, got := fn(t, a)
			want := a.data[name]
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

// goldenOptions are a golden event's build options.
type goldenOptions struct {
	IncludeBody bool `json:"includeBody"`
	// AddHeaders calls AddCloudFrontHeaders with ViewerCountry first.
	AddHeaders    bool   `json:"addHeaders"`
	ViewerCountry string `json:"viewerCountry"`
}

// TestGoldenEvents builds events: sections trigger, options (optional),
// request, response (response triggers), event.
func TestGoldenEvents(t *testing.T) {
	runGolden(t, "events", func(t *testing.T, a *archive) (string, string) {
		trig := a.trigger(t)
		var opts goldenOptions
		a.section(t, "options", &opts)
		var jr jsonRequest
		if !a.section(t, "request", &jr) {
			t.Fatal("no request section")
		}
		req := jr.Edge()
		var resp *edge.Response
		var jresp jsonResponse
		if a.section(t, "response", &jresp) {
			resp = jresp.Edge()
		}
		cfg := testConfig
		cfg.ViewerCountry = opts.ViewerCountry
		if opts.AddHeaders {
			AddCloudFrontHeaders(req, cfg)
		}
		ev, err := Build(trig, cfg, req, resp, opts.IncludeBody)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParseEvent(ev); err != nil {
			t.Errorf("the event does not parse: %v", err)
		}
		return "event", edgetest.Indent(t, ev)
	})
}

// goldenOutcome is the outcome of applying a result as golden files write
// it.
type goldenOutcome struct {
	Request   *jsonRequest    `json:"request,omitempty"`
	Generated *jsonResponse   `json:"generated,omitempty"`
	Response  *jsonResponse   `json:"response,omitempty"`
	Origin    *OriginChange   `json:"origin,omitempty"`
	Error     *edge.FuncError `json:"error,omitempty"`
}

// TestGoldenResults applies results: sections trigger, request, response
// (response triggers), result, want. A failed apply must leave the request
// and response alone.
func TestGoldenResults(t *testing.T) {
	runGolden(t, "results", func(t *testing.T, a *archive) (string, string) {
		trig := a.trigger(t)
		var jr jsonRequest
		if !a.section(t, "request", &jr) {
			t.Fatal("no request section")
		}
		out, ok := a.data["result"]
		if !ok {
			t.Fatal("no result section")
		}
		req := jr.Edge()
		var resp *edge.Response
		var jresp jsonResponse
		if a.section(t, "response", &jresp) {
			resp = jresp.Edge()
		}
		beforeReq := cloneRequest(req)
		var beforeResp *edge.Response
		if resp != nil {
			beforeResp = cloneResponse(resp)
		}
		res, err := Apply(trig, []byte(out), req, resp)
		var o goldenOutcome
		switch {
		case err != nil:
			var fe *edge.FuncError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a FuncError", err)
			}
			o.Error = fe
			if diff := cmp.Diff(beforeReq, req); diff != "" {
				t.Errorf("a failed apply changed the request:\n%s", diff)
			}
			if resp != nil {
				if diff := cmp.Diff(beforeResp, resp); diff != "" {
					t.Errorf("a failed apply changed the response:\n%s", diff)
				}
			}
		case res.Generated != nil:
			o.Generated = fromResponse(res.Generated)
		case resp != nil:
			o.Response = fromResponse(resp)
		default:
			o.Request, o.Origin = fromRequest(req), res.Origin
		}
		return "want", edgetest.Marshal(t, o)
	})
}
