package lambdaedge

import (
	"errors"
	"flag"
	"strings"
	"testing"

	"github.com/verge-edge/verge/internal/edge/edgetest"
	"github.com/verge-edge/verge/internal/golden"
	"golang.org/x/tools/txtar"

	"github.com/google/go-cmp/cmp"

	"github.com/verge-edge/verge/internal/edge"
	"github.com/verge-edge/verge/internal/stack"
)

var update = flag.Bool("update", false, "rewrite the checked sections of the golden files in testdata")

// trigger is the archive's trigger section.
func trigger(t *testing.T, a *txtar.Archive) stack.Trigger {
	t.Helper()
	s, ok := golden.Section(a, "trigger")
	if !ok {
		t.Fatal("no trigger section")
	}
	return stack.Trigger(strings.TrimSpace(s))
}

// runGolden runs fn on each archive of testdata/dir (see internal/golden).
func runGolden(t *testing.T, dir string, fn func(t *testing.T, a *txtar.Archive) (name, got string)) {
	golden.Run(t, dir, *update, fn)
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
	runGolden(t, "events", func(t *testing.T, a *txtar.Archive) (string, string) {
		trig := trigger(t, a)
		var opts goldenOptions
		golden.JSON(t, a, "options", &opts)
		var jr jsonRequest
		if !golden.JSON(t, a, "request", &jr) {
			t.Fatal("no request section")
		}
		req := jr.Edge()
		var resp *edge.Response
		var jresp jsonResponse
		if golden.JSON(t, a, "response", &jresp) {
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
	runGolden(t, "results", func(t *testing.T, a *txtar.Archive) (string, string) {
		trig := trigger(t, a)
		var jr jsonRequest
		if !golden.JSON(t, a, "request", &jr) {
			t.Fatal("no request section")
		}
		out, ok := golden.Section(a, "result")
		if !ok {
			t.Fatal("no result section")
		}
		req := jr.Edge()
		var resp *edge.Response
		var jresp jsonResponse
		if golden.JSON(t, a, "response", &jresp) {
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
