package cli

import (
	"bufio"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const devtermStack = `resources:
  api:
    type: http-api-gateway
  shouty:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn/shouty.js}}
      events:
        - type: http-api-gateway
          properties: {httpApiGatewayName: api, path: /shout, method: GET}
        - type: schedule
          properties: {scheduleRate: 'rate(1 day)'}
`

const shoutyJS = `exports.handler = async (event) => {
  console.log('hello from shouty');
  console.warn('two\nlines');
  if ((event.rawQueryString || '').includes('fail')) throw new TypeError('shouty broke');
  return { statusCode: 200, body: 'ok' };
};
`

// devtermDir writes a stack whose function logs and, asked to, throws.
func devtermDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(dir, "fn"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "fn", "shouty.js"), []byte(shoutyJS), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "verge.yaml"), []byte(devtermStack), 0o644))
	return dir
}

// TestDevTerminal runs a real node function under verge dev and checks
// what the terminal shows: the summary, the function's lines prefixed
// with its name, the thrown error's message and stack, and a line per
// request.
func TestDevTerminal(t *testing.T) {
	dir := devtermDir(t)
	v := start(t, "dev", dir)
	out := v.stdout.String
	until(t, 15*time.Second, func() bool { return strings.Contains(out(), "schedules") })
	for _, want := range []string{"routes", "api  GET", "/shout", "-> shouty", "schedules", "rate(1 day)"} {
		if !strings.Contains(out(), want) {
			t.Errorf("the startup output lacks %q:\n%s", want, out())
		}
	}
	host := "http://" + v.listen + "/shout"
	get := func(query string) int {
		req, _ := http.NewRequest("GET", host+query, nil)
		req.Host = "api.localhost"
		resp, err := http.DefaultClient.Do(req)
		must(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := get(""); code != 200 {
		t.Fatalf("GET /shout: %d", code)
	}
	if code := get("?fail=1"); code != http.StatusBadGateway { // Verge's answer to a function error
		t.Fatalf("GET /shout?fail=1: %d", code)
	}
	until(t, 15*time.Second, func() bool {
		return strings.Contains(out(), "shouty broke") && strings.Count(out(), "GET api.localhost/shout") >= 2
	})
	for _, want := range []string{
		"shouty | hello from shouty",
		"shouty | WARN two\n",
		"shouty | lines\n",
		"shouty | ERROR TypeError: shouty broke\n",
		"shouty |   at ", // the stack, one frame a line
		"shouty.js:4",
		"api    > GET api.localhost/shout 200 - ",
		"api    > GET api.localhost/shout?fail=1 502 - ",
		"shouty | REPORT ",
	} {
		if !strings.Contains(out(), want) {
			t.Errorf("the dev output lacks %q:\n%s", want, out())
		}
	}
	for _, unwanted := range []string{"START RequestId", "END RequestId", "Invoke Error"} {
		if strings.Contains(out(), unwanted) {
			t.Errorf("the dev output has %q:\n%s", unwanted, out())
		}
	}

	// A reload that changes the routes prints the table again.
	stack := strings.Replace(devtermStack, "path: /shout, method: GET}", "path: /shout, method: GET}\n        - type: http-api-gateway\n          properties: {httpApiGatewayName: api, path: /yell, method: POST}", 1)
	must(t, os.WriteFile(filepath.Join(dir, "verge.yaml"), []byte(stack), 0o644))
	until(t, 10*time.Second, func() bool { return strings.Contains(out(), "api  POST  /yell   -> shouty") })
	if n := strings.Count(out(), "schedules\n"); n != 2 {
		t.Errorf("the table was printed %d times; want 2 (start, changed routes):\n%s", n, out())
	}
}

// TestDevTerminalJSON checks that --log-format json writes only JSON
// objects, one a line, and that --quiet keeps the error but not the
// function's lines.
func TestDevTerminalJSON(t *testing.T) {
	dir := devtermDir(t)
	v := start(t, "dev", dir, "--log-format", "json", "--quiet")
	req, _ := http.NewRequest("GET", "http://"+v.listen+"/shout?fail=1", nil)
	req.Host = "api.localhost"
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	resp.Body.Close()
	until(t, 15*time.Second, func() bool { return strings.Contains(v.stdout.String(), "shouty broke") })
	v.stop()
	types := map[string]int{}
	sc := bufio.NewScanner(strings.NewReader(v.stdout.String()))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("not a JSON line: %q (%v)", sc.Text(), err)
		}
		typ, _ := m["type"].(string)
		types[typ]++
		if typ == "error" {
			if m["errorType"] != "TypeError" || m["errorMessage"] != "shouty broke" || m["function"] != "shouty" {
				t.Errorf("error line %s", sc.Text())
			}
			if st, _ := m["stackTrace"].([]any); len(st) < 2 {
				t.Errorf("error line without a stack: %s", sc.Text())
			}
		}
	}
	if types["error"] != 1 || types["summary"] != 1 || types["endpoint"] == 0 || types["request"] != 1 || types["output"] != 0 {
		t.Errorf("line types %v; want an error, a summary, endpoints, the failed request, no output (quiet):\n%s", types, v.stdout.String())
	}
}

// TestDevTerminalBuildError checks that a function that does not compile
// is reported as the compiler wrote it: FILE:LINE:COL at the start of a
// line, not quoted in logfmt.
func TestDevTerminalBuildError(t *testing.T) {
	dir := devtermDir(t)
	must(t, os.WriteFile(filepath.Join(dir, "fn", "shouty.js"), []byte("exports.handler = async () => {\n  return {;\n};\n"), 0o644))
	v := start(t, "dev", dir)
	until(t, 15*time.Second, func() bool { return strings.Contains(v.stderr.String(), "could not be built") })
	want := "\n" + filepath.Join(dir, "fn", "shouty.js") + `:2:11: Expected identifier but found ";"` + "\n"
	if got := v.stderr.String(); !strings.Contains(got, want) || strings.Contains(got, `problems="`) {
		t.Errorf("stderr %q; want the compiler's line %q as is", got, want)
	}
}

// TestExitCodes checks the exit codes and messages of help, version and
// mistyped commands.
func TestExitCodes(t *testing.T) {
	type tc struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}
	for _, c := range []tc{
		{"--version", []string{"--version"}, 0, "verge dev", ""},
		{"version", []string{"version"}, 0, "verge dev", ""},
		{"help", []string{"help"}, 0, "Commands:", ""},
		{"--help", []string{"--help"}, 0, "Commands:", ""},
		{"help COMMAND", []string{"help", "invoke"}, 0, "", "Usage: verge invoke"},
		{"help of an unknown command", []string{"help", "invok"}, 2, "", `did you mean "invoke"?`},
		{"COMMAND -h", []string{"logs", "-h"}, 0, "", "-format string"},
		{"COMMAND --help", []string{"dev", "--help"}, 0, "", "-log-format string"},
		{"put-events --help", []string{"put-events", "--help"}, 0, "", "Usage: verge put-events"},
		{"serve has no dev flags", []string{"serve", "--quiet"}, 2, "", "flag provided but not defined: -quiet"},
		{"bad log format", []string{"dev", "--log-format", "xml"}, 2, "", `--log-format "xml"`},
		{"typo", []string{"devv"}, 2, "", `unknown command "devv"; did you mean "dev"?`},
		{"transposition", []string{"ivnoke"}, 2, "", `did you mean "invoke"?`},
		{"far off", []string{"deploy"}, 2, "", "unknown command \"deploy\"\n"},
	} {
		code, stdout, stderr := run(t, c.args...)
		if code != c.code || !strings.Contains(stdout, c.stdout) || !strings.Contains(stderr, c.stderr) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want %d, %q, %q", c.name, code, stdout, stderr, c.code, c.stdout, c.stderr)
		}
	}
}

// TestVergeAdmin checks that $VERGE_ADMIN is the client commands' default
// admin address, as an address or a URL, and that --admin overrides it.
func TestVergeAdmin(t *testing.T) {
	v := start(t, "serve", stackDir(t, siteYAML))
	for _, env := range []string{v.admin, "http://" + v.admin + "/"} {
		var out, errb lockedBuffer
		getenv := func(k string) string {
			return map[string]string{"VERGE_ADMIN": env, "VERGE_ADMIN_TOKEN": v.token}[k]
		}
		code := Run(t.Context(), &Env{Stdout: &out, Stderr: &errb, Getenv: getenv}, []string{"invalidate", "/*"})
		if code != 0 {
			t.Errorf("VERGE_ADMIN=%s invalidate: %d %s", env, code, errb.String())
		}
		code = Run(t.Context(), &Env{Stdout: &out, Stderr: &errb, Getenv: getenv}, []string{"invalidate", "/*", "--admin", "127.0.0.1:1"})
		if code != 1 {
			t.Errorf("--admin over VERGE_ADMIN: %d %s; want 1 (nothing listens)", code, errb.String())
		}
	}
}

func TestDialable(t *testing.T) {
	for in, want := range map[string]string{
		":9000": "127.0.0.1:9000", "0.0.0.0:9000": "127.0.0.1:9000", "[::]:9000": "127.0.0.1:9000",
		"127.0.0.1:9000": "127.0.0.1:9000", "10.1.2.3:80": "10.1.2.3:80", "nonsense": "nonsense",
	} {
		if got := dialable(in); got != want {
			t.Errorf("dialable(%q) = %q, want %q", in, got, want)
		}
	}
}
