package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/verge-edge/verge/internal/sandbox"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	sandbox.Init()
	goleak.VerifyTestMain(m,
		goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
		goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"),
	)
}

// lockedBuffer collects a command's output while it runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb lockedBuffer
	code = Run(context.Background(), &Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}, args)
	return code, out.String(), errb.String()
}

// stackDir writes a stack folder with a bucket CDN.
func stackDir(t *testing.T, yaml string) string {
	t.Helper()
	dir := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(dir, "public"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "public", "index.html"), []byte("v1"), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "verge.yaml"), []byte(yaml), 0o644))
	return dir
}

const siteYAML = `resources:
  site:
    type: bucket
    properties:
      directory: ./public
      cdn:
        enabled: true
`

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestUsageErrors(t *testing.T) {
	type tc struct {
		name string
		args []string
		code int
		err  string
	}
	dir := stackDir(t, siteYAML)
	bad := stackDir(t, "resources:\n  site:\n    type: bucket\n    properties:\n      directroy: ./public\n")
	brokenFn := stackDir(t, siteYAML+"        edgeFunctions: {onRequest: f}\n  f:\n    type: cdn-function\n    properties: {entryfilePath: f.js}\n")
	must(t, os.WriteFile(filepath.Join(brokenFn, "f.js"), []byte("function handler(event) {\n  let = ;\n}\n"), 0o644))
	for _, c := range []tc{
		{"no command", nil, 2, "Usage"},
		{"function syntax error", []string{"validate", brokenFn}, 2, "f.js:2: SyntaxError"},
		{"unknown command", []string{"deploy"}, 2, `unknown command "deploy"`},
		{"bad flag", []string{"dev", "--nope"}, 2, "flag provided but not defined"},
		{"two folders", []string{"validate", dir, dir}, 2, "at most one"},
		{"valid", []string{"validate", dir}, 0, ""},
		{"invalid stack", []string{"validate", bad}, 2, `verge.yaml:5:7: unknown property "directroy"`},
		{"missing folder", []string{"validate", filepath.Join(dir, "nope")}, 2, "nope"},
		{"two admin tokens", []string{"serve", dir, "--admin-token", "a", "--admin-token-file", "f"}, 2, "not both"},
		{"missing admin token file", []string{"serve", dir, "--admin-token-file", filepath.Join(dir, "nope")}, 2, "--admin-token-file"},
		{"bad retry delays", []string{"serve", dir, "--async-retry", "soon", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0"}, 2, "--async-retry \"soon\""},
		{"trigger without a name", []string{"trigger"}, 2, "Usage"},
		{"put-events without entries", []string{"put-events", "--source", "s"}, 2, "--entries FILE, or --source, --detail-type and --detail"},
		{"put-events with a missing file", []string{"put-events", "--entries", filepath.Join(dir, "nope.json")}, 2, "nope.json"},
		{"dev on an invalid stack", []string{"dev", bad}, 2, "directroy"},
		{"invalidate without paths", []string{"invalidate"}, 2, "Usage"},
		{"bad viewer country", []string{"serve", dir, "--viewer-country", "gb"}, 2, "two-letter country code"},
		{"missing geoip database", []string{"serve", dir, "--geoip", filepath.Join(dir, "nope.mmdb")}, 2, "nope.mmdb"},
		{"geoip and a fixed country", []string{"serve", dir, "--geoip", "x.mmdb", "--viewer-country", "GB"}, 2, "not both"},
	} {
		code, _, stderr := run(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.err) {
			t.Errorf("%s: exit %d, stderr %q; want %d and %q", c.name, code, stderr, c.code, c.err)
		}
	}
}

// TestValidateSummary checks that validate counts what the stack declares.
func TestValidateSummary(t *testing.T) {
	dir := stackDir(t, siteYAML+"  clicks: {type: kinesis-stream}\n  jobs: {type: sqs-queue}\n  users: {type: dynamo-db-table, properties: {primaryKey: {partitionKey: {name: id, type: string}}}}\n"+
		"cloudformationResources:\n  Raw: {Type: AWS::Kinesis::Stream}\n  Orders: {Type: AWS::DynamoDB::Table, Properties: {BillingMode: PAY_PER_REQUEST, AttributeDefinitions: [{AttributeName: id, AttributeType: N}], KeySchema: [{AttributeName: id, KeyType: HASH}]}}\n")
	code, stdout, stderr := run(t, "validate", dir)
	if want := "1 queue(s), 0 topic(s), 1 bucket(s), 2 stream(s), 2 table(s)\n"; code != 0 || !strings.HasSuffix(stdout, want) {
		t.Errorf("validate: exit %d, stdout %q, stderr %q; want 0 and a summary ending %q", code, stdout, stderr, want)
	}
}

// running is a verge dev or serve started in-process on random ports;
// token is the admin token it wrote in its data folder.
type running struct {
	listen, admin string
	data, token   string
	stdout        *lockedBuffer
	stderr        *lockedBuffer
	stop          func() int
}

func start(t *testing.T, args ...string) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{stdout: &lockedBuffer{}, stderr: &lockedBuffer{}}
	ready := make(chan struct{})
	env := &Env{Stdout: r.stdout, Stderr: r.stderr, Getenv: func(string) string { return "" },
		Ready: func(l, a string) { r.listen, r.admin = l, a; close(ready) }}
	done := make(chan int, 1)
	go func() { done <- Run(ctx, env, append(args, "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0")) }()
	select {
	case <-ready:
	case code := <-done:
		t.Fatalf("verge exited %d: %s", code, r.stderr.String())
	case <-time.After(90 * time.Second): // it builds every function first (go build on a loaded machine)
		t.Fatal("verge did not start")
	}
	r.data = dataFolder(args)
	b, err := os.ReadFile(filepath.Join(r.data, tokenFile))
	must(t, err)
	r.token = strings.TrimSpace(string(b))
	var once sync.Once
	var code int
	r.stop = func() int {
		once.Do(func() { cancel(); code = <-done })
		return code
	}
	t.Cleanup(func() { r.stop() })
	return r
}

// dataFolder is the data folder of dev or serve args: --data, else the
// stack folder's .verge.
func dataFolder(args []string) string {
	for i, a := range args {
		if a == "--data" && i+1 < len(args) {
			return args[i+1]
		}
	}
	return filepath.Join(args[1], ".verge")
}

// run runs a client command against v, finding its token in its data folder.
func (v *running) run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return run(t, append(args, "--admin", v.admin, "--data", v.data)...)
}

// auth is the header that carries v's admin token, for fetch.
func (v *running) auth() []string { return []string{"Authorization", "Bearer " + v.token} }

func fetch(t *testing.T, method, url string, body io.Reader, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, body)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, CheckRedirect: noRedirects}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestDevAppliesChanges(t *testing.T) {
	dir := stackDir(t, siteYAML)
	v := start(t, "dev", dir)
	site := "http://" + v.listen
	if _, body := fetch(t, "GET", site+"/", nil); body != "v1" {
		t.Fatalf("first: %q", body)
	}
	if resp, _ := fetch(t, "GET", site+"/", nil); resp.Header.Get("X-Cache") != "Hit from verge" {
		t.Fatalf("second request was not a hit: %v", resp.Header)
	}

	// An object change is live at once, despite the cache. The latency is
	// logged (docs/benchmarks.md records it); the bound only catches a
	// change that never applies, with room for a loaded CI machine.
	begin := time.Now()
	must(t, os.WriteFile(filepath.Join(dir, "public", "index.html"), []byte("v2"), 0o644))
	until(t, 5*time.Second, func() bool { _, b := fetch(t, "GET", site+"/", nil); return b == "v2" })
	t.Logf("object change live after %v", time.Since(begin))

	// A broken stack file keeps the running plan and says why.
	must(t, os.WriteFile(filepath.Join(dir, "verge.yaml"), []byte(siteYAML+"        bogus: 1\n"), 0o644))
	until(t, 2*time.Second, func() bool { return strings.Contains(v.stderr.String(), "bogus") })
	if _, body := fetch(t, "GET", site+"/", nil); body != "v2" {
		t.Errorf("after a broken stack: %q", body)
	}

	// A good change applies: the errorDocument appears.
	must(t, os.WriteFile(filepath.Join(dir, "public", "404.html"), []byte("custom 404"), 0o644))
	begin = time.Now()
	must(t, os.WriteFile(filepath.Join(dir, "verge.yaml"), []byte(siteYAML+"        errorDocument: /404.html\n"), 0o644))
	until(t, 5*time.Second, func() bool { _, b := fetch(t, "GET", site+"/missing", nil); return b == "custom 404" })
	t.Logf("stack change live after %v", time.Since(begin))
	if code := v.stop(); code != 0 {
		t.Errorf("exit %d", code)
	}
}

func TestAdminAndInvalidate(t *testing.T) {
	dir := stackDir(t, siteYAML)
	v := start(t, "serve", dir, "--access-log", "-")
	site, adm := "http://"+v.listen, "http://"+v.admin
	fetch(t, "GET", site+"/", nil)
	fetch(t, "GET", site+"/", nil)

	_, body := fetch(t, "GET", adm+"/healthz", nil) // open: probes have no token
	if !strings.Contains(body, `"ok"`) {
		t.Errorf("health: %s", body)
	}
	var st struct {
		Memory   struct{ Entries, Bytes int64 }
		Requests map[string]float64
		HitRatio float64
	}
	_, body = fetch(t, "GET", adm+"/cache/stats", nil, v.auth()...)
	must(t, json.Unmarshal([]byte(body), &st))
	if st.Memory.Entries < 1 || st.Requests["Hit"] != 1 || st.HitRatio != 0.5 {
		t.Errorf("stats: %s", body)
	}
	_, body = fetch(t, "GET", adm+"/metrics", nil, v.auth()...)
	if !strings.Contains(body, `verge_edge_requests_total{result="Hit"} 1`) {
		t.Errorf("metrics lack the hit counter")
	}

	// serve does not watch files: the change shows only after invalidation.
	must(t, os.WriteFile(filepath.Join(dir, "public", "index.html"), []byte("v2"), 0o644))
	time.Sleep(100 * time.Millisecond)
	if _, body := fetch(t, "GET", site+"/", nil); body != "v1" {
		t.Errorf("serve reloaded a file: %q", body)
	}
	code, out, errOut := v.run(t, "invalidate", "--stack", "site", "/*")
	if code != 0 || !strings.Contains(out, "invalidated") {
		t.Fatalf("invalidate: %d %q %q", code, out, errOut)
	}
	if _, body := fetch(t, "GET", site+"/", nil); body != "v2" {
		t.Errorf("after invalidation: %q", body)
	}
	code, _, errOut = v.run(t, "invalidate", "--stack", "nosuch", "/a")
	if code != 2 || !strings.Contains(errOut, "NoSuchDistribution") {
		t.Errorf("unknown stack: %d %q", code, errOut)
	}
	code, _, errOut = v.run(t, "invalidate", "a*b")
	if code != 2 || !strings.Contains(errOut, "InvalidPaths") {
		t.Errorf("bad path: %d %q", code, errOut)
	}
	if code := v.stop(); code != 0 {
		t.Errorf("exit %d", code)
	}
	if !strings.Contains(v.stdout.String(), `"x-edge-result-type":"Hit"`) {
		t.Errorf("access log on stdout lacks the hit: %s", v.stdout.String())
	}
}

// TestAdminToken: serve writes a fresh token to DATA/admin-token (0600),
// the client commands find it there from the stack folder, and the admin
// listener refuses requests without it, in each protocol's error shape.
func TestAdminToken(t *testing.T) {
	dir := stackDir(t, siteYAML)
	v := start(t, "serve", dir, "--access-log", "off")
	path := filepath.Join(dir, ".verge", tokenFile)
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 || len(v.token) < 20 {
		t.Fatalf("token file: %v %v, token %q; want mode 0600 and a long token", fi.Mode(), err, v.token)
	}
	if strings.Contains(v.stderr.String(), "warning") {
		t.Errorf("a generated token warned: %s", v.stderr.String())
	}

	t.Chdir(dir) // as the person at the keyboard: no --data, no --token
	if code, _, stderr := run(t, "invoke", "nope", "--admin", v.admin); code != 2 || !strings.Contains(stderr, "ResourceNotFoundException") {
		t.Errorf("invoke from the stack folder: %d %q; want the token found and the function unknown", code, stderr)
	}
	if code, _, stderr := run(t, "invoke", "nope", "--admin", v.admin, "--token", "wrong"); code != 1 || !strings.Contains(stderr, "UnrecognizedClientException") {
		t.Errorf("invoke with a wrong --token: %d %q", code, stderr)
	}
	// From any other folder the token is found by the server's address in
	// the user's own folder (the README runs invoke from the repository).
	if code, _, stderr := run(t, "invoke", "nope", "--admin", v.admin, "--data", t.TempDir()); code != 2 || !strings.Contains(stderr, "ResourceNotFoundException") {
		t.Errorf("invoke from another folder: %d %q; want the token found and the function unknown", code, stderr)
	}
	if code, _, stderr := run(t, "invoke", "nope", "--admin", "127.0.0.1:1", "--data", t.TempDir()); code != 1 || !strings.Contains(stderr, "no admin token") {
		t.Errorf("invoke with no token file: %d %q", code, stderr)
	}

	adm := "http://" + v.admin
	for _, c := range []struct {
		name, method, path, body string
		hdr                      []string
		status                   int
		want                     string
	}{
		{"admin API", "GET", "/cache/stats", "", nil, 401, `"Unauthorized"`},
		{"wrong bearer", "GET", "/cache/stats", "", []string{"Authorization", "Bearer wrong"}, 401, `"Unauthorized"`},
		{"logs", "GET", "/logs?group=/aws/lambda/x", "", nil, 401, `"Unauthorized"`},
		{"Invoke", "POST", "/2015-03-31/functions/f/invocations", "{}", nil, 403, `UnrecognizedClientException`},
		{"PutEvents", "POST", "/", `{"Entries":[]}`, []string{"X-Amz-Target", "AWSEvents.PutEvents", "Content-Type", "application/x-amz-json-1.1"},
			400, `"__type":"UnrecognizedClientException"`},
		{"health", "GET", "/healthz", "", nil, 200, `"ok"`},
		{"with the token", "GET", "/cache/stats", "", v.auth(), 200, "hitRatio"},
	} {
		resp, body := fetch(t, c.method, adm+c.path, strings.NewReader(c.body), c.hdr...)
		got := resp.Header.Get("X-Amzn-ErrorType") + " " + body
		if resp.StatusCode != c.status || !strings.Contains(got, c.want) {
			t.Errorf("%s: %d %s; want %d %s", c.name, resp.StatusCode, got, c.status, c.want)
		}
	}

	// The AWS SDK signs with the token as its secret access key.
	for _, c := range []struct {
		secret, want string
	}{{v.token, "ResourceNotFoundException"}, {"wrong", "InvalidSignatureException"}} {
		client := lambda.New(lambda.Options{Region: "us-east-1", BaseEndpoint: aws.String(adm),
			Credentials: credentials.NewStaticCredentialsProvider("AKID", c.secret, "")})
		_, err := client.Invoke(context.Background(), &lambda.InvokeInput{FunctionName: aws.String("nope")})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("SDK Invoke signed with %q: %v; want %s", c.secret, err, c.want)
		}
	}
	v.stop()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the token file outlived the server: %v", err)
	}
}

// TestGivenAdminToken: a token given inline warns (it shows in
// /proc/PID/cmdline), one from a file does not; either is used and written
// for the client commands.
func TestGivenAdminToken(t *testing.T) {
	dir := stackDir(t, siteYAML)
	file := filepath.Join(t.TempDir(), "token")
	must(t, os.WriteFile(file, []byte("from-a-file\n"), 0o600))
	for _, c := range []struct {
		flags []string
		token string
		warn  bool
	}{
		{[]string{"--admin-token", "s3cret"}, "s3cret", true},
		{[]string{"--admin-token-file", file}, "from-a-file", false},
	} {
		v := start(t, append([]string{"serve", dir, "--access-log", "off"}, c.flags...)...)
		if v.token != c.token || strings.Contains(v.stderr.String(), "--admin-token shows in the process list") != c.warn {
			t.Errorf("%v: token file %q, stderr %q; want %q, warning %v", c.flags, v.token, v.stderr.String(), c.token, c.warn)
		}
		if resp, _ := fetch(t, "GET", "http://"+v.admin+"/cache/stats", nil, "Authorization", "Bearer "+c.token); resp.StatusCode != 200 {
			t.Errorf("%v: the given token: %d", c.flags, resp.StatusCode)
		}
		v.stop()
	}
}

func TestDiskCacheSurvivesRestart(t *testing.T) {
	dir := stackDir(t, siteYAML)
	args := []string{"serve", dir, "--cache-disk", "16MiB", "--access-log", "off"}
	v := start(t, args...)
	fetch(t, "GET", "http://"+v.listen+"/", nil)
	v.stop()
	must(t, os.WriteFile(filepath.Join(dir, "public", "index.html"), []byte("v2"), 0o644))
	v = start(t, args...)
	resp, body := fetch(t, "GET", "http://"+v.listen+"/", nil)
	if body != "v1" || resp.Header.Get("X-Cache") != "Hit from verge" {
		t.Errorf("after restart: %q %s", body, resp.Header.Get("X-Cache"))
	}
	if _, err := os.Stat(filepath.Join(dir, ".verge", "cache")); err != nil {
		t.Errorf("no disk cache in the data folder: %v", err)
	}
}

func TestParseSize(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		ok   bool
	}{{"256MiB", 256 << 20, true}, {"1GB", 1e9, true}, {"512k", 512 << 10, true}, {"0", 0, true}, {"12", 12, true},
		{"1.5GiB", 3 << 29, true}, {"-1", 0, false}, {"lots", 0, false}, {"", 0, false}} {
		got, err := parseSize(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("parseSize(%q) = %d, %v", c.in, got, err)
		}
	}
}

func until(t *testing.T, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v", limit)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestQuickstart keeps the README's example stack valid and serving: the
// site, its error document and its security-headers function.
func TestQuickstart(t *testing.T) {
	if code, _, stderr := run(t, "validate", "../../examples/quickstart"); code != 0 {
		t.Fatalf("validate: %d %s", code, stderr)
	}
	v := start(t, "serve", "../../examples/quickstart", "--data", t.TempDir(), "--function-compute", "250ms")
	resp, body := fetch(t, "GET", "http://"+v.listen+"/", nil)
	if resp.StatusCode != 200 || !strings.Contains(body, "Hello from Verge") || resp.Header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("home: %d %v", resp.StatusCode, resp.Header)
	}
	if resp, body := fetch(t, "GET", "http://"+v.listen+"/nope", nil); resp.StatusCode != 404 || !strings.Contains(body, "errorDocument") {
		t.Errorf("error document: %d %q", resp.StatusCode, body)
	}

	// The hello function, through the Invoke API and the logs.
	type tc struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}
	for _, c := range []tc{
		{"invoke", []string{"invoke", "hello", "--payload", `{"name":"Ada"}`, "--log"}, 0, `"message":"Hello, Ada!"`, "REPORT RequestId:"},
		{"invoke from a file", []string{"invoke", "hello", "--payload-file", "../../examples/quickstart/verge.yaml"}, 2, "", "not valid JSON"},
		{"unknown function", []string{"invoke", "nope"}, 2, "", "ResourceNotFoundException"},
		{"unknown version", []string{"invoke", "hello", "--qualifier", "9"}, 2, "", "ResourceNotFoundException"},
		{"no name", []string{"invoke"}, 2, "", "exactly one function"},
		{"logs", []string{"logs", "hello"}, 0, "hello invoked (1 in this sandbox)", ""},
		{"logs filtered", []string{"logs", "hello", "--filter", "REPORT"}, 0, "Billed Duration", ""},
		{"logs of nothing", []string{"logs", "nope"}, 2, "", "nope"},
		{"logs bad since", []string{"logs", "hello", "--since", "yesterday-ish"}, 2, "", "--since"},
		{"logs detailed", []string{"logs", "hello", "--format", "detailed", "--filter", "START"}, 0, "/[$LATEST]", ""},
		{"logs json", []string{"logs", "hello", "--format", "json", "--filter", "START"}, 0, `"stream":"20`, ""},
		{"logs bad format", []string{"logs", "hello", "--format", "long"}, 2, "", "want short, detailed or json"},
	} {
		code, stdout, stderr := v.run(t, c.args...)
		if code != c.code || !strings.Contains(stdout, c.stdout) || !strings.Contains(stderr, c.stderr) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want %d, %q, %q", c.name, code, stdout, stderr, c.code, c.stdout, c.stderr)
		}
	}
	// The same function behind the HTTP API, and its schedule fired now.
	req, _ := http.NewRequest("GET", "http://"+v.listen+"/hello/Grace", nil)
	req.Host = "api.localhost"
	if resp, err := http.DefaultClient.Do(req); err != nil {
		t.Error(err)
	} else {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), `"message":"Hello, Grace!"`) {
			t.Errorf("api: %d %s", resp.StatusCode, b)
		}
	}
	if code, _, stderr := v.run(t, "trigger", "hello"); code != 0 {
		t.Errorf("trigger: %d %s", code, stderr)
	}
	until(t, 20*time.Second, func() bool {
		_, out, _ := v.run(t, "logs", "hello")
		return strings.Count(out, "hello invoked") >= 3
	})
	_, metrics := fetch(t, "GET", "http://"+v.admin+"/metrics", nil, v.auth()...)
	for _, want := range []string{`verge_function_invocations_total{function="hello"} 3`, `verge_function_cold_starts_total{function="hello"} 1`,
		`verge_function_duration_seconds_count{function="hello"} 3`, `verge_function_billed_gb_seconds_total{function="hello"}`,
		`verge_async_queued_total{function="hello"} 1`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// noRedirects makes a client return redirects instead of following them.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// TestSecondInstanceRefused: a second verge on the same data folder exits
// 2 at once, naming the folder and the process that holds it.
func TestSecondInstanceRefused(t *testing.T) {
	dir := stackDir(t, siteYAML)
	start(t, "dev", dir)
	code, _, stderr := run(t, "serve", dir, "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0")
	want := fmt.Sprintf("the data folder %s is in use by PID %d", filepath.Join(dir, ".verge"), os.Getpid())
	if code != exitUsage || !strings.Contains(stderr, want) {
		t.Fatalf("exit %d, stderr %q; want 2 and %q", code, stderr, want)
	}
}
