package functions

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/lambda"
	"github.com/verge-edge/verge/internal/logs"
	"github.com/verge-edge/verge/internal/sandbox"
	"github.com/verge-edge/verge/internal/stack"
)

const nodeContext = `
let calls = 0;
exports.handler = async (event, context) => {
  calls++;
  console.log("hello from", context.functionName);
  return {
    event, calls,
    functionName: context.functionName, functionVersion: context.functionVersion,
    memoryLimitInMB: context.memoryLimitInMB, awsRequestId: context.awsRequestId,
    invokedFunctionArn: context.invokedFunctionArn, logGroupName: context.logGroupName,
    logStreamName: context.logStreamName, remaining: context.getRemainingTimeInMillis(),
    env: process.env, pid: process.pid,
  };
};`

const pythonContext = `
import os
calls = 0
def handler(event, context):
    global calls
    calls += 1
    print("hello from", context.function_name)
    return {
        "event": event, "calls": calls,
        "functionName": context.function_name, "functionVersion": context.function_version,
        "memoryLimitInMB": str(context.memory_limit_in_mb), "awsRequestId": context.aws_request_id,
        "invokedFunctionArn": context.invoked_function_arn, "logGroupName": context.log_group_name,
        "logStreamName": context.log_stream_name, "remaining": context.get_remaining_time_in_millis(),
        "env": dict(os.environ), "pid": os.getpid(),
    }
`

// contextResult is what the context handlers return.
type contextResult struct {
	Event              map[string]any    `json:"event"`
	Calls              int               `json:"calls"`
	FunctionName       string            `json:"functionName"`
	FunctionVersion    string            `json:"functionVersion"`
	MemoryLimitInMB    string            `json:"memoryLimitInMB"`
	AwsRequestID       string            `json:"awsRequestId"`
	InvokedFunctionArn string            `json:"invokedFunctionArn"`
	LogGroupName       string            `json:"logGroupName"`
	LogStreamName      string            `json:"logStreamName"`
	Remaining          float64           `json:"remaining"`
	Env                map[string]string `json:"env"`
	Pid                int               `json:"pid"`
}

// TestContextAndEnvironment: the handler sees Lambda's context and exactly
// Lambda's environment plus its own variables, nothing of the host's; the
// second invocation reuses the warm sandbox.
func TestContextAndEnvironment(t *testing.T) {
	t.Setenv("VERGE_HOST_SECRET", "must-not-leak")
	s, store := newService(t, Options{})
	user := []stack.EnvVar{{Name: "GREETING", Value: "hi"}}
	deploy(t, s,
		fnSpec{name: "nodectx", file: "index.js", code: nodeContext, env: user, memory: 256},
		fnSpec{name: "pyctx", file: "app.py", code: pythonContext, env: user, memory: 256})
	for _, name := range []string{"nodectx", "pyctx"} {
		t.Run(name, func(t *testing.T) {
			var first contextResult
			for i := 1; i <= 2; i++ {
				resp := invoke(t, s, name, `{"n":`+strconv.Itoa(i)+`}`)
				if resp.FunctionError != "" {
					t.Fatalf("function error %s: %s\n%s", resp.ErrorType, resp.Payload, resp.LogTail)
				}
				var got contextResult
				if err := json.Unmarshal(resp.Payload, &got); err != nil {
					t.Fatalf("%v: %s", err, resp.Payload)
				}
				if got.Calls != i || got.Event["n"] != float64(i) || got.AwsRequestID != resp.RequestID {
					t.Errorf("call %d: calls %d, event %v, request id %q (want %q)", i, got.Calls, got.Event, got.AwsRequestID, resp.RequestID)
				}
				if i == 1 {
					first = got
				} else if got.Pid != first.Pid {
					t.Errorf("the second invocation ran in a new sandbox (pid %d, then %d)", first.Pid, got.Pid)
				}
				checkContext(t, name, &got)
				tail := string(resp.LogTail)
				for _, want := range []string{"START RequestId: " + resp.RequestID, "hello from " + name, "END RequestId: " + resp.RequestID, "REPORT RequestId: " + resp.RequestID} {
					if !strings.Contains(tail, want) {
						t.Errorf("call %d: log tail lacks %q:\n%s", i, want, tail)
					}
				}
				if cold := strings.Contains(tail, "Init Duration:"); cold != (i == 1) {
					t.Errorf("call %d: Init Duration reported %v:\n%s", i, cold, tail)
				}
			}
			waitLog(t, store, logGroupName(name), "REPORT RequestId: ")
		})
	}
}

func checkContext(t *testing.T, name string, got *contextResult) {
	t.Helper()
	want := map[string]string{
		"functionName":       name,
		"functionVersion":    lambda.Latest,
		"memoryLimitInMB":    "256",
		"invokedFunctionArn": functionARN(name, ""),
		"logGroupName":       "/aws/lambda/" + name,
	}
	gotm := map[string]string{
		"functionName": got.FunctionName, "functionVersion": got.FunctionVersion, "memoryLimitInMB": got.MemoryLimitInMB,
		"invokedFunctionArn": got.InvokedFunctionArn, "logGroupName": got.LogGroupName,
	}
	for k, v := range want {
		if gotm[k] != v {
			t.Errorf("context %s = %q, want %q", k, gotm[k], v)
		}
	}
	if !regexp.MustCompile(`^\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}$`).MatchString(got.LogStreamName) {
		t.Errorf("logStreamName %q is not Lambda's shape", got.LogStreamName)
	}
	if got.Remaining <= 0 || got.Remaining > 3000 {
		t.Errorf("remaining time %v ms, want in (0, 3000]", got.Remaining)
	}
	env := got.Env
	if _, ok := env["VERGE_HOST_SECRET"]; ok {
		t.Error("the host's environment leaked into the sandbox")
	}
	for _, k := range []string{"_HANDLER", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
		"AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_LAMBDA_RUNTIME_API",
		"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "TZ", "LANG", "PATH",
		"AWS_EXECUTION_ENV", "AWS_LAMBDA_INITIALIZATION_TYPE"} {
		if env[k] == "" {
			t.Errorf("environment lacks %s", k)
		}
	}
	if env["GREETING"] != "hi" || env["AWS_LAMBDA_FUNCTION_NAME"] != name || env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] != "256" {
		t.Errorf("environment: GREETING=%q AWS_LAMBDA_FUNCTION_NAME=%q AWS_LAMBDA_FUNCTION_MEMORY_SIZE=%q",
			env["GREETING"], env["AWS_LAMBDA_FUNCTION_NAME"], env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"])
	}
}

// waitLog waits until the group holds an event containing want.
func waitLog(t *testing.T, store *logs.Store, group, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		evs, _ := store.Query(group, logs.Query{})
		for _, ev := range evs {
			if strings.Contains(ev.Message, want) {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("group %s: no event with %q in %d events", group, want, len(evs))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestFailures: each way a function fails gives Lambda's error type and
// payload, and the next invocation works.
func TestFailures(t *testing.T) {
	type tc struct {
		name, file, code string
		memory           int
		timeout          int
		wantType         string
		wantMessage      string // in the payload
		wantLog          string // in the log tail
	}
	cases := []tc{
		{name: "throws", file: "index.js", code: `exports.handler = async () => { throw new TypeError("bad input") }`,
			wantType: "TypeError", wantMessage: "bad input"},
		{name: "pythonraises", file: "app.py", code: "def handler(e, c):\n    raise ValueError('bad value')\n",
			wantType: "ValueError", wantMessage: "bad value"},
		{name: "hangs", file: "index.js", code: `exports.handler = () => new Promise((r) => setTimeout(r, 60000))`, timeout: 1,
			wantType: ErrTypeTimeout, wantMessage: "Task timed out after 1.00 seconds", wantLog: "Task timed out after 1.00 seconds"},
		{name: "pythonhangs", file: "app.py", code: "import time\ndef handler(e, c):\n    time.sleep(60)\n", timeout: 1,
			wantType: ErrTypeTimeout, wantMessage: "Task timed out after 1.00 seconds"},
		{name: "exits", file: "index.js", code: `exports.handler = async () => { process.exit(3) }`,
			wantType: ErrTypeExit, wantMessage: "Runtime exited with error: exit status 3", wantLog: "Status: error"},
		{name: "pythonexits", file: "app.py", code: "import os\ndef handler(e, c):\n    os._exit(4)\n",
			wantType: ErrTypeExit, wantMessage: "exit status 4"},
		{name: "eatsmemory", file: "index.js", memory: 128, timeout: 30,
			code:     `exports.handler = async () => { const a = []; for (;;) a.push(new Array(1e6).fill(Math.random())); }`,
			wantType: ErrTypeOutOfMemory, wantMessage: "Runtime exited with error"},
		// Buffers live outside V8's heap, which is all --max-old-space-size
		// caps: the watchdog on the process tree (or a cgroup) stops them.
		{name: "eatsbuffers", file: "index.js", memory: 128, timeout: 30,
			code:     `exports.handler = async () => { const a = []; for (let i = 0; i < 40; i++) { a.push(Buffer.alloc(50 << 20, 1)); await new Promise(r => setTimeout(r, 5)); } return a.length; }`,
			wantType: ErrTypeOutOfMemory, wantMessage: "Runtime exited with error: signal: killed"},
		{name: "answerstoomuch", file: "index.js", timeout: 30, code: `exports.handler = async () => "x".repeat(7 * 1024 * 1024)`,
			wantType: ErrTypeResponseSize, wantMessage: "exceeded maximum allowed payload size (6291556 bytes)"},
		{name: "exitsatinit", file: "index.js", code: `process.exit(2)`,
			wantType: ErrTypeExit, wantMessage: "Runtime exited with error: exit status 2"},
		{name: "initfails", file: "index.js", code: `throw new Error("broken at init"); exports.handler = async () => 1;`,
			wantMessage: "broken at init"},
	}
	s, _ := newService(t, Options{})
	specs := make([]fnSpec, len(cases))
	for i, c := range cases {
		specs[i] = fnSpec{name: c.name, file: c.file, code: c.code, memory: c.memory, timeout: c.timeout}
	}
	deploy(t, s, specs...)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for round := range 2 { // the second proves a broken sandbox was replaced
				resp := invoke(t, s, c.name, `{}`)
				if resp.FunctionError != lambda.FunctionErrorUnhandled {
					t.Fatalf("round %d: FunctionError %q, payload %s", round, resp.FunctionError, resp.Payload)
				}
				if c.wantType != "" && resp.ErrorType != c.wantType {
					t.Errorf("round %d: ErrorType %q, want %q (payload %s)", round, resp.ErrorType, c.wantType, resp.Payload)
				}
				if strings.HasPrefix(c.wantType, "Runtime.") || strings.HasPrefix(c.wantType, "Sandbox.") {
					if !strings.Contains(string(resp.Payload), "RequestId: "+resp.RequestID+" Error: ") {
						t.Errorf("round %d: payload %s does not name the request %s", round, resp.Payload, resp.RequestID)
					}
				}
				if !strings.Contains(string(resp.Payload), c.wantMessage) {
					t.Errorf("round %d: payload %s lacks %q", round, resp.Payload, c.wantMessage)
				}
				if c.wantLog != "" && !strings.Contains(string(resp.LogTail), c.wantLog) {
					t.Errorf("round %d: log lacks %q:\n%s", round, c.wantLog, resp.LogTail)
				}
			}
		})
	}
}

// TestConcurrencyLimit: 100 concurrent invocations of a function with a
// reserved concurrency of 20 either succeed or are throttled, and no more
// than 20 sandboxes ever exist.
func TestConcurrencyLimit(t *testing.T) {
	s, _ := newService(t, Options{})
	limit := 20
	// A sandbox's pid is 1 in its own PID namespace: it names itself. The
	// timeout leaves room for 20 cold starts on a loaded machine.
	deploy(t, s, fnSpec{name: "slow", file: "index.js", reserved: &limit, timeout: 15,
		code: `const id = require('crypto').randomUUID();
exports.handler = async () => { await new Promise(r => setTimeout(r, 300)); return id; }`})
	var ok, throttled atomic.Int64
	var mu sync.Mutex
	pids := map[string]bool{} // sandbox ids
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 100 {
		wg.Go(func() {
			<-start
			resp, err := s.Invoke(context.Background(), &Request{Function: "slow"})
			switch {
			case errs.Is(errs.Throttled, err):
				throttled.Add(1)
			case err != nil:
				t.Error(err)
			case resp.FunctionError != "":
				t.Errorf("function error: %s", resp.Payload)
			default:
				ok.Add(1)
				mu.Lock()
				pids[string(resp.Payload)] = true
				mu.Unlock()
			}
		})
	}
	close(start)
	wg.Wait()
	t.Logf("%d succeeded, %d throttled, %d sandboxes", ok.Load(), throttled.Load(), len(pids))
	if ok.Load()+throttled.Load() != 100 || ok.Load() < int64(limit) || throttled.Load() == 0 {
		t.Errorf("%d succeeded and %d throttled; want 100 in all, at least %d succeeded, some throttled", ok.Load(), throttled.Load(), limit)
	}
	if len(pids) > limit {
		t.Errorf("%d sandboxes ran, more than the limit %d", len(pids), limit)
	}
	v, _ := s.lookup("slow", "")
	if _, alive := v.counts(); alive > limit {
		t.Errorf("%d sandboxes alive, more than the limit %d", alive, limit)
	}
}

// TestRequestErrors: the service's own refusals.
func TestRequestErrors(t *testing.T) {
	s, _ := newService(t, Options{})
	zero := 0
	deploy(t, s, fnSpec{name: "ok", file: "index.js", code: `exports.handler = async (e) => e`},
		fnSpec{name: "off", file: "index.js", code: `exports.handler = async (e) => e`, reserved: &zero})
	type tc struct {
		name string
		req  Request
		kind errs.Kind
	}
	for _, c := range []tc{
		{"unknown function", Request{Function: "nope"}, errs.NotFound},
		{"unknown version", Request{Function: "ok", Qualifier: "7"}, errs.NotFound},
		{"not json", Request{Function: "ok", Payload: []byte(`{"a":`)}, errs.Invalid},
		{"too large", Request{Function: "ok", Payload: []byte(`"` + strings.Repeat("x", MaxPayload) + `"`)}, errs.TooLarge},
		{"reserved zero", Request{Function: "off"}, errs.Throttled},
	} {
		_, err := s.Invoke(context.Background(), &c.req)
		if !errs.Is(c.kind, err) {
			t.Errorf("%s: got %v, want kind %v", c.name, err, c.kind)
		}
	}
	resp, err := s.Invoke(context.Background(), &Request{Function: "ok", Qualifier: "1", DryRun: true})
	if err != nil || resp.ExecutedVersion != "1" || resp.Payload != nil {
		t.Errorf("dry run: %+v, %v", resp, err)
	}
}

// TestVersions: a changed function is a new version; $LATEST runs it, the
// old number still runs the old code.
func TestVersions(t *testing.T) {
	s, _ := newService(t, Options{})
	plan := deploy(t, s, fnSpec{name: "v", file: "index.js", code: `exports.handler = async () => "one"`})
	entry := plan.Functions["v"].Package.EntryFile
	if err := os.WriteFile(entry, []byte(`exports.handler = async () => "two"`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := s.Apply(context.Background(), plan); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ qualifier, want, version string }{
		{"", `"two"`, lambda.Latest}, {"1", `"one"`, "1"}, {"2", `"two"`, "2"}, {lambda.Latest, `"two"`, lambda.Latest},
	} {
		resp, err := s.Invoke(context.Background(), &Request{Function: "v", Qualifier: c.qualifier})
		if err != nil || string(resp.Payload) != c.want || resp.ExecutedVersion != c.version {
			t.Errorf("qualifier %q: %v %+v, want %s from %s", c.qualifier, err, resp, c.want, c.version)
		}
	}
}

// TestNoLeftovers: after 1,000 invocations, some of which crash or time
// out, and Close, no process of the test's remains (goleak checks the
// goroutines in TestMain).
func TestNoLeftovers(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	s, _ := newService(t, Options{})
	deploy(t, s, fnSpec{name: "mixed", file: "index.js", timeout: 1, code: `
exports.handler = async (e) => {
  if (e.i % 250 === 249) process.exit(1);
  if (e.i % 500 === 0) { require("child_process").spawn("sleep", ["600"], {detached: true, stdio: "ignore"}).unref(); }
  return e.i;
};`})
	var wg sync.WaitGroup
	var n atomic.Int64
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < 1000; i += 4 {
				resp := invoke(t, s, "mixed", fmt.Sprintf(`{"i":%d}`, i))
				if resp.FunctionError == "" {
					n.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if n.Load() < 990 {
		t.Errorf("only %d of 1000 invocations succeeded", n.Load())
	}
	s.Close()
	if kids := children(os.Getpid()); len(kids) > 0 {
		t.Errorf("processes left after Close: %v", kids)
	}
}

// children lists the descendants of pid, from /proc.
func children(pid int) []string {
	entries, _ := os.ReadDir("/proc")
	parent := map[int]int{}
	cmd := map[int]string{}
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// The command is in parentheses and may hold spaces; fields follow it.
		i := strings.LastIndexByte(string(stat), ')')
		f := strings.Fields(string(stat[i+1:]))
		if len(f) < 2 {
			continue
		}
		pp, _ := strconv.Atoi(f[1])
		parent[p] = pp
		cmd[p] = string(stat[:i+1]) + " " + f[0]
	}
	var out []string
	for p := range parent {
		for q := parent[p]; q > 1; q = parent[q] {
			if q == pid {
				out = append(out, cmd[p])
				break
			}
		}
	}
	return out
}

// TestGoFunction: a function written with aws-lambda-go (lambda.Start) is
// built into a provided runtime's bootstrap and runs unchanged.
func TestGoFunction(t *testing.T) {
	if testing.Short() {
		t.Skip("short: go build")
	}
	s, _ := newService(t, Options{})
	entry, err := filepath.Abs("testdata/gofn/main.go")
	if err != nil {
		t.Fatal(err)
	}
	plan := &stack.Plan{Dir: filepath.Dir(entry), Functions: map[string]*stack.Function{"gofn": {
		Name: "gofn", MemoryMB: 128, TimeoutSeconds: 10, Logging: stack.Logging{RetentionDays: 1},
		Package: stack.Package{Type: stack.PackagingBuildpack, EntryFile: entry},
	}}}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := s.Apply(ctx, plan); err != nil {
		t.Fatal(err)
	}
	resp := invoke(t, s, "gofn", `{"name":"gopher"}`)
	var got struct {
		Message, RequestID, FunctionName string
		MemoryLimit                      int
	}
	if err := json.Unmarshal(resp.Payload, &got); err != nil || resp.FunctionError != "" {
		t.Fatalf("%v %s %s", err, resp.FunctionError, resp.Payload)
	}
	if got.Message != "hello gopher" || got.RequestID != resp.RequestID || got.FunctionName != "gofn" || got.MemoryLimit != 128 {
		t.Errorf("got %+v (request %s)", got, resp.RequestID)
	}
	resp = invoke(t, s, "gofn", `{"fail":true}`)
	if resp.FunctionError != lambda.FunctionErrorUnhandled || !strings.Contains(string(resp.Payload), "asked to fail") {
		t.Errorf("error: %s %s", resp.FunctionError, resp.Payload)
	}
}

// TestIdleAndProvisioned: idle sandboxes are reaped after the idle timeout,
// except the provisioned ones, which start before any invocation and serve
// it warm.
func TestIdleAndProvisioned(t *testing.T) {
	s, _ := newService(t, Options{IdleTimeout: 200 * time.Millisecond})
	limit := 5
	deploy(t, s,
		fnSpec{name: "ondemand", file: "index.js", code: `exports.handler = async () => process.env.AWS_LAMBDA_INITIALIZATION_TYPE`},
		fnSpec{name: "warm", file: "index.js", reserved: &limit, provisioned: 2, code: `exports.handler = async () => process.env.AWS_LAMBDA_INITIALIZATION_TYPE`})
	alive := func(name string) int {
		v, err := s.lookup(name, "")
		if err != nil {
			t.Fatal(err)
		}
		_, n := v.counts()
		return n
	}
	idle := func(name string) int {
		v, _ := s.lookup(name, "")
		n, _ := v.counts()
		return n
	}
	waitFor(t, "two provisioned sandboxes ready", func() bool { return idle("warm") == 2 })
	resp := invoke(t, s, "warm", `{}`)
	if string(resp.Payload) != `"provisioned-concurrency"` || strings.Contains(string(resp.LogTail), "Init Duration") {
		t.Errorf("provisioned: %s, log:\n%s", resp.Payload, resp.LogTail)
	}
	resp = invoke(t, s, "ondemand", `{}`)
	if string(resp.Payload) != `"on-demand"` || !strings.Contains(string(resp.LogTail), "Init Duration") {
		t.Errorf("on demand: %s, log:\n%s", resp.Payload, resp.LogTail)
	}
	waitFor(t, "the idle on-demand sandbox reaped", func() bool { return alive("ondemand") == 0 })
	if n := alive("warm"); n != 2 {
		t.Errorf("%d provisioned sandboxes alive after the idle timeout, want 2", n)
	}
}

// waitFor polls cond for up to 20 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// bashBootstrap is a custom runtime written in bash, speaking the Runtime
// API over /dev/tcp: any executable that speaks the API runs.
const bashBootstrap = `#!/bin/bash
set -euo pipefail
export LC_ALL=C
api=${AWS_LAMBDA_RUNTIME_API%%/*}     # host:port
prefix=${AWS_LAMBDA_RUNTIME_API#"$api"} # the sandbox's secret path prefix
request() { # METHOD PATH BODY: sets BODY and REQID from the answer
  exec 3<>"/dev/tcp/${api%:*}/${api#*:}"
  printf '%s %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' "$1" "$prefix$2" "$api" "${#3}" "$3" >&3
  local len=0 line
  REQID=
  while IFS= read -r line <&3; do
    line=${line%$'\r'}
    [ -z "$line" ] && break
    case "${line,,}" in
      content-length:*) len=${line#*: } ;;
      lambda-runtime-aws-request-id:*) REQID=${line#*: } ;;
    esac
  done
  BODY=
  if [ "$len" -gt 0 ]; then IFS= read -r -N "$len" BODY <&3 || true; fi
  exec 3<&-
}
while true; do
  request GET /2018-06-01/runtime/invocation/next ""
  id=$REQID
  echo "bash runtime got $BODY for $_HANDLER"
  request POST "/2018-06-01/runtime/invocation/$id/response" "{\"echo\":$BODY,\"handler\":\"$_HANDLER\"}"
done
`

// TestCustomRuntime: a custom-artifact folder whose bootstrap is a bash
// script runs as a provided runtime.
func TestCustomRuntime(t *testing.T) {
	s, _ := newService(t, Options{})
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bootstrap"), []byte(bashBootstrap), 0o755); err != nil {
		t.Fatal(err)
	}
	plan := &stack.Plan{Dir: dir, Functions: map[string]*stack.Function{"bash": {
		Name: "bash", Runtime: "provided.al2023", MemoryMB: 128, TimeoutSeconds: 5, Logging: stack.Logging{RetentionDays: 1},
		Package: stack.Package{Type: stack.PackagingArtifact, PackagePath: dir, Handler: "function.handler"},
	}}}
	if err := s.Apply(context.Background(), plan); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		resp := invoke(t, s, "bash", fmt.Sprintf(`{"n":%d}`, i))
		want := fmt.Sprintf(`{"echo":{"n":%d},"handler":"function.handler"}`, i)
		if resp.FunctionError != "" || string(resp.Payload) != want {
			t.Errorf("call %d: %s %s, want %s\n%s", i, resp.FunctionError, resp.Payload, want, resp.LogTail)
		}
		if !strings.Contains(string(resp.LogTail), "bash runtime got") {
			t.Errorf("call %d: log lacks the runtime's line:\n%s", i, resp.LogTail)
		}
	}
}

// TestRewrittenBootstrap: a function that rewrites the shared Node.js
// bootstrap (same size, so a size check passes) does not get its code into
// the next sandbox: the start checks the bootstraps byte for byte and
// reinstalls them.
func TestRewrittenBootstrap(t *testing.T) {
	s, _ := newService(t, Options{})
	deploy(t, s, fnSpec{name: "evil", file: "index.js", code: `
const fs = require('fs');
exports.handler = async () => {
  const p = process.env.LAMBDA_RUNTIME_DIR + '/bootstrap.cjs';
  const evil = "console.log('PWNED'); process.exit(7);";
  try {
    const n = fs.statSync(p).size;
    try { fs.chmodSync(p, 0o644); } catch (e) {}
    fs.writeFileSync(p, evil + ' '.repeat(n - evil.length));
    return 'wrote';
  } catch (e) {
    return 'refused: ' + e.code;
  }
};`}, fnSpec{name: "victim", file: "index.js", code: `exports.handler = async () => 'fine';`})
	got := string(invoke(t, s, "evil", `{}`).Payload)
	t.Logf("the function's attempt: %s", got)
	resp := invoke(t, s, "victim", `{}`)
	if resp.FunctionError != "" || string(resp.Payload) != `"fine"` || strings.Contains(string(resp.LogTail), "PWNED") {
		t.Fatalf("victim after a rewritten bootstrap: %s %s\n%s", resp.FunctionError, resp.Payload, resp.LogTail)
	}
}

// TestSyscallFilter: inside a sandbox the calls a function has no business
// making fail with EPERM (the attacker ran umount -l /tmp), while
// threads, fork and subprocesses still work (clone3 falls back to clone).
func TestSyscallFilter(t *testing.T) {
	if m := sandbox.Mechanisms(); !m.Seccomp {
		t.Skipf("no seccomp here: %s", m.SeccompError)
	}
	s, _ := newService(t, Options{})
	deploy(t, s, fnSpec{name: "attacker", file: "app.py", timeout: 30, code: `
import ctypes, json, os, subprocess, threading
libc = ctypes.CDLL(None, use_errno=True)
def errno_of(rc):
    return 0 if rc == 0 else ctypes.get_errno()
def handler(event, context):
    out = {
        "umount2": errno_of(libc.umount2(b"/tmp", 2)),
        "mount": errno_of(libc.mount(b"none", b"/tmp", b"tmpfs", 0, None)),
        "unshare": errno_of(libc.unshare(0x10000000 | 0x00020000)),
        "ptrace": errno_of(libc.ptrace(0, 0, None, None)),
        "keyctl": errno_of(libc.syscall(250, 0, 0, 0, 0)),
        "bpf": errno_of(libc.syscall(321, 0, 0, 0)),
    }
    t = threading.Thread(target=lambda: None); t.start(); t.join()
    out["subprocess"] = subprocess.run(["true"]).returncode
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    out["fork"] = os.waitpid(pid, 0)[1]
    return out
`})
	resp := invoke(t, s, "attacker", `{}`)
	var got map[string]int
	if resp.FunctionError != "" || json.Unmarshal(resp.Payload, &got) != nil {
		t.Fatalf("%s %s\n%s", resp.FunctionError, resp.Payload, resp.LogTail)
	}
	want := map[string]int{"umount2": 1, "mount": 1, "unshare": 1, "ptrace": 1, "keyctl": 1, "bpf": 1, "subprocess": 0, "fork": 0}
	if runtime.GOARCH != "amd64" { // the raw syscall numbers above are amd64's
		delete(want, "keyctl")
		delete(want, "bpf")
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %d, want %d (%v)", k, got[k], v, got)
		}
	}
}
