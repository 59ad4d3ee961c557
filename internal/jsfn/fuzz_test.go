package jsfn

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"
)

const fuzzHandler = `import cf from 'cloudfront';
import qs from 'querystring';
function handler(event) {
	var r = event && event.request;
	if (r !== null && typeof r === 'object') {
		if (typeof r.headers !== 'object' || r.headers === null) { r.headers = {}; }
		r.headers['x-uri'] = { value: String(r.uri) };
		var q = {};
		for (var k in r.querystring) { q[k] = r.querystring[k] && r.querystring[k].value; }
		r.headers['x-qs'] = { value: qs.stringify(q) };
		if (r.uri === '/origin') { cf.updateRequestOrigin({ domainName: 'example.com' }); }
		return r;
	}
	return event;
}`

// FuzzRun feeds arbitrary bytes as the event to a fixed handler: a run
// ends with a Result and either no error (and JSON output) or a RunError,
// and a run with CheckPure has the same outcome.
func FuzzRun(f *testing.F) {
	for _, s := range []string{viewerResponseEvent, `{}`, `null`, `[]`, `"x"`, `1e400`, `{"request":null}`,
		`{"request":{"uri":"/origin","headers":null,"querystring":{"a":{"value":"1"}}}}`,
		`{"request":{"querystring":{"__proto__":{"value":"x"}}}}`, `{"a":`, "\xff\xfe"} {
		f.Add([]byte(s))
	}
	pool := NewPool(mustCompile(f, fuzzHandler, Runtime20, Limits{Compute: time.Second}), 2)
	defer pool.Close()
	f.Fuzz(func(t *testing.T, event []byte) {
		res, err := pool.Run(context.Background(), event, RunOptions{Now: fixedNow})
		if res == nil {
			t.Fatalf("no Result (error %v)", err)
		}
		checked, cerr := pool.Run(context.Background(), event, RunOptions{Now: fixedNow, CheckPure: true})
		if got, want := outcome(checked, cerr), outcome(res, err); got != want {
			t.Fatalf("with CheckPure %s, without %s", got, want)
		}
		if err != nil {
			var re *RunError
			if !errors.As(err, &re) {
				t.Fatalf("error is not a RunError: %#v", err)
			}
			if re.Kind == KindInternal {
				t.Fatalf("internal error: %v", err)
			}
			return
		}
		if !json.Valid(res.Output) {
			t.Fatalf("output is not JSON: %q", res.Output)
		}
	})
}
