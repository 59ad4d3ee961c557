package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const corpusCFF = "../../../shared/corpora/aws-samples_amazon-cloudfront-functions"

func TestTestFunction(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		must(t, os.WriteFile(p, []byte(content), 0o644))
		return p
	}
	clientIP := write("ip.js", `function handler(event) {
    var request = event.request;
    request.headers['true-client-ip'] = {value: event.viewer.ip};
    console.log('ip ' + event.viewer.ip);
    return request;
}`)
	throws := write("throw.js", `function handler(event) { throw new Error('nope'); }`)
	clock := write("clock.js", `function handler(event) {
    var r = event.request;
    r.headers['x-now'] = {value: new Date().toISOString()};
    return r;
}`)
	kvs := write("kvs.js", `import cf from 'cloudfront';
async function handler(event) {
    var r = event.request;
    r.uri = await cf.kvs().get(r.uri);
    return r;
}`)
	data := write("kvs.json", `{"/index.html": "/moved.html"}`)
	syntax := write("syntax.js", "function handler(event) {\n  return event.request;;;\n  let = ;\n}")
	event := filepath.Join(corpusCFF, "add-true-client-ip-header", "test-event.json")
	notJSON := write("bad.json", "{nope")

	type tc struct {
		name   string
		args   []string
		code   int
		output string // in FunctionOutput
		errMsg string // in FunctionErrorMessage
		logs   string
	}
	for _, c := range []tc{
		{"adds a header", []string{clientIP, "--event", event}, 0, `"true-client-ip":{"value":"0.0.0.0"}`, "", "ip 0.0.0.0"},
		{"a throw is reported, and exits 1", []string{throws, "--event", event}, 1, "", "Error: nope", ""},
		{"frozen clock", []string{clock, "--event", event, "--now", "2030-01-02T03:04:05Z"}, 0, `2030-01-02T03:04:05.000Z`, "", ""},
		{"key-value store", []string{kvs, "--event", event, "--kvs", data}, 0, `"uri":"/moved.html"`, "", ""},
		{"runtime 1.0 has no cloudfront module", []string{kvs, "--event", event, "--kvs", data, "--runtime", "cloudfront-js-1.0"}, 1, "", "", ""},
		{"syntax error", []string{syntax, "--event", event}, 1, "", "SyntaxError", ""},
		{"missing file", []string{filepath.Join(dir, "none.js"), "--event", event}, 2, "", "", ""},
		{"invalid event", []string{clientIP, "--event", notJSON}, 2, "", "", ""},
		{"viewer-response stage needs a response", []string{clientIP, "--event", event, "--stage", "viewer-response"}, 2, "", "", ""},
		{"no event", []string{clientIP}, 2, "", "", ""},
	} {
		// A budget the race detector's slowdown cannot exhaust.
		code, stdout, stderr := run(t, append([]string{"test-function", "--compute", "250ms"}, c.args...)...)
		if code != c.code {
			t.Errorf("%s: exit %d, want %d (%s)", c.name, code, c.code, stderr)
			continue
		}
		if code == exitUsage {
			if strings.Count(strings.TrimSpace(stderr), "\n") > 0 || stderr == "" {
				t.Errorf("%s: want a short reason, got %q", c.name, stderr)
			}
			continue
		}
		var res struct {
			TestResult struct {
				ComputeUtilization, FunctionErrorMessage, FunctionOutput string
				FunctionExecutionLogs                                    []string
			}
		}
		if err := json.Unmarshal([]byte(stdout), &res); err != nil {
			t.Fatalf("%s: output is not JSON: %v\n%s", c.name, err, stdout)
		}
		r := res.TestResult
		if !strings.Contains(r.FunctionOutput, c.output) || !strings.Contains(r.FunctionErrorMessage, c.errMsg) ||
			!strings.Contains(strings.Join(r.FunctionExecutionLogs, "\n"), c.logs) || r.ComputeUtilization == "" {
			t.Errorf("%s: %+v", c.name, r)
		}
		if c.name == "runtime 1.0 has no cloudfront module" && r.FunctionErrorMessage == "" {
			t.Errorf("%s: the import succeeded on runtime 1.0", c.name)
		}
		if c.output != "" && !json.Valid([]byte(r.FunctionOutput)) {
			t.Errorf("%s: FunctionOutput is not a JSON string: %q", c.name, r.FunctionOutput)
		}
	}
}
