package cff

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/jsfn"
)

// TestTest: a result, a throw and a compile error are results; an event
// that is not a test event is an errs.Invalid error; the querystring
// reaches rawQueryString.
func TestTest(t *testing.T) {
	ctx := context.Background()
	lim := jsfn.Limits{Compute: time.Second}
	ev := []byte(`{"version":"1.0","context":{"eventType":"viewer-request"},"request":{"method":"GET","uri":"/a","querystring":{"q":{"value":"1"}}}}`)
	for _, c := range []struct {
		name, src, out, errMsg string
	}{
		{"returns", `function handler(e) { console.log(e.request.rawQueryString()); return e.request; }`, `"uri":"/a"`, ""},
		{"throws", `function handler(e) { throw new Error("boom"); }`, "", "boom"},
		{"does not compile", `function handler(e) {`, "", "SyntaxError"},
	} {
		res, err := Test(ctx, []byte(c.src), jsfn.Runtime20, lim, ev, jsfn.RunOptions{})
		if err != nil || !strings.Contains(res.FunctionOutput, c.out) || (c.errMsg == "") != (res.FunctionErrorMessage == "") || !strings.Contains(res.FunctionErrorMessage, c.errMsg) {
			t.Errorf("%s: %v %+v", c.name, err, res)
		}
		if c.name == "returns" && strings.Join(res.FunctionExecutionLogs, "|") != "q=1" {
			t.Errorf("rawQueryString: %q", res.FunctionExecutionLogs)
		}
	}
	if _, err := Test(ctx, []byte(`function handler(e) { return e.request; }`), jsfn.Runtime20, lim, []byte(`{"version":"2.0"}`), jsfn.RunOptions{}); !errs.Is(errs.Invalid, err) {
		t.Errorf("a bad event: %v, want errs.Invalid", err)
	}
}
