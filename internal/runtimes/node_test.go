package runtimes

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/verge-edge/verge/internal/runtimeapi"
)

func nodeID(t testing.TB) string {
	t.Helper()
	id, err := Default(Node)
	if err != nil {
		t.Skipf("no node: %v", err)
	}
	return id
}

func TestNodeHandlerStyles(t *testing.T) {
	id := nodeID(t)
	tests := []struct {
		name    string
		handler string
		files   map[string]string
		want    string
	}{
		{"cjs async", "index.handler", map[string]string{"index.js": `exports.handler = async (e) => ({ got: e.n });`}, `{"got":1}`},
		{"cjs module.exports", "index.handler", map[string]string{"index.js": `module.exports = { handler: async (e) => ({ got: e.n, style: "me" }) };`}, `{"got":1,"style":"me"}`},
		{"cjs extension", "app.run", map[string]string{"app.cjs": `exports.run = async () => "cjs";`}, `"cjs"`},
		{"esm mjs", "app.handler", map[string]string{"app.mjs": `export const handler = async (e) => ({ esm: e.n });`}, `{"esm":1}`},
		{"esm js with type module", "app.handler", map[string]string{"package.json": `{"type":"module"}`, "app.js": `export async function handler(e) { return { esm: true }; }`}, `{"esm":true}`},
		{"default export function", "app.handler", map[string]string{"app.mjs": `export default async (e) => "default";`}, `"default"`},
		{"default export object", "app.handler", map[string]string{"app.mjs": `export default { handler: async () => "default.handler" };`}, `"default.handler"`},
		{"nested path", "src/lib/app.handler", map[string]string{"src/lib/app.js": `exports.handler = async () => "nested";`}, `"nested"`},
		{"dotted function", "index.api.get", map[string]string{"index.js": `exports.api = { get: async () => "dotted" };`}, `"dotted"`},
		{"callback waits for empty loop", "index.handler", map[string]string{"index.js": `
			let ticks = 0;
			exports.handler = (e, ctx, cb) => {
				const state = { ticks: 0 };
				setTimeout(() => { state.ticks++; }, 30);
				cb(null, state); // serialised when the loop is empty: after the timer
			};`}, `{"ticks":1}`},
		{"callback without waiting", "index.handler", map[string]string{"index.js": `
			exports.handler = (e, ctx, cb) => {
				ctx.callbackWaitsForEmptyEventLoop = false;
				const t = setTimeout(() => {}, 600000);
				cb(null, "now");
			};`}, `"now"`},
		{"context.succeed", "index.handler", map[string]string{"index.js": `exports.handler = (e, ctx) => { ctx.succeed({ legacy: true }); };`}, `{"legacy":true}`},
		{"sync return is null, as on AWS", "index.handler", map[string]string{"index.js": `exports.handler = (e) => ({ ignored: true });`}, `null`},
		{"undefined result", "index.handler", map[string]string{"index.js": `exports.handler = async () => {};`}, `null`},
		{"a never-settling promise answers null when the loop empties", "index.handler", map[string]string{"index.js": `
			exports.handler = () => new Promise(() => {});`}, `null`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sb := startFunction(t, id, tt.handler, tt.files)
			sb.init(t)
			for i := range 2 { // warm invokes reuse the loaded handler
				o := sb.invoke(t, fmt.Sprintf("req-%d", i), `{"n":1}`)
				if o.Error || string(o.Payload) != tt.want {
					t.Fatalf("invoke %d = %s (error %v %s), want %s", i, o.Payload, o.Error, o.ErrorType, tt.want)
				}
			}
		})
	}
}

func TestNodeContext(t *testing.T) {
	id := nodeID(t)
	sb := startFunction(t, id, "index.handler", map[string]string{"index.js": `
		exports.handler = async (e, ctx) => ({
			awsRequestId: ctx.awsRequestId, functionName: ctx.functionName, functionVersion: ctx.functionVersion,
			invokedFunctionArn: ctx.invokedFunctionArn, memoryLimitInMB: ctx.memoryLimitInMB,
			logGroupName: ctx.logGroupName, logStreamName: ctx.logStreamName, wait: ctx.callbackWaitsForEmptyEventLoop,
			remainingOK: ctx.getRemainingTimeInMillis() > 1000 && ctx.getRemainingTimeInMillis() <= 60000,
			identity: ctx.identity ?? null, clientContext: ctx.clientContext ?? null,
			trace: process.env._X_AMZN_TRACE_ID ?? null, execEnv: process.env.AWS_EXECUTION_ENV,
		});`})
	sb.init(t)
	o, err := sb.api.Invoke(ctxFor(t), &runtimeapi.Invocation{RequestID: "ctx-1", Payload: []byte(`{}`),
		Deadline: timeIn(t, 60), FunctionARN: testARN, TraceID: "Root=1-abc;Sampled=1",
		ClientContext: `{"custom":{"k":"v"},"env":{},"client":{}}`, CognitoIdentity: `{"cognitoIdentityId":"cid","cognitoIdentityPoolId":"pool"}`})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"awsRequestId": "ctx-1", "functionName": "fn", "functionVersion": "$LATEST", "invokedFunctionArn": testARN,
		"memoryLimitInMB": "256", "logGroupName": "/aws/lambda/fn", "logStreamName": "2026/11/22/[$LATEST]abc", "wait": true,
		"remainingOK": true, "identity": map[string]any{"cognitoIdentityId": "cid", "cognitoIdentityPoolId": "pool"},
		"clientContext": map[string]any{"custom": map[string]any{"k": "v"}, "env": map[string]any{}, "client": map[string]any{}},
		"trace":         "Root=1-abc;Sampled=1", "execEnv": "AWS_Lambda_" + id,
	}
	checkJSON(t, o.Payload, want)
	// Without the optional headers: no identity, no client context, no trace.
	o = sb.invoke(t, "ctx-2", `{}`)
	checkJSON(t, o.Payload, map[string]any{"identity": nil, "clientContext": nil, "trace": nil, "awsRequestId": "ctx-2"})
}

func checkJSON(t *testing.T, payload []byte, want map[string]any) {
	t.Helper()
	var got map[string]any
	if err := json.Unmarshal(payload, &got); err != nil {
		t.Fatalf("payload %s: %v", payload, err)
	}
	for k, v := range want {
		if g, _ := json.Marshal(got[k]); string(g) != mustJSON(v) {
			t.Errorf("%s = %s, want %s", k, g, mustJSON(v))
		}
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestNodeConsole(t *testing.T) {
	id := nodeID(t)
	sb := startFunction(t, id, "index.handler", map[string]string{"index.js": `
		console.log("at init");
		exports.handler = async () => {
			console.log("two\nlines", { x: 1 });
			console.info("info %d", 7);
			console.warn("warned");
			console.error("failed");
			console.debug("debugged");
			return "ok";
		};`})
	sb.init(t)
	sb.invoke(t, "log-1", `{}`)
	const ts = `\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z`
	tests := []struct{ name, pattern string }{
		{"init", `^` + ts + `\tundefined\tINFO\tat init$`},
		{"multi-line kept in one record", `^` + ts + `\tlog-1\tINFO\ttwo\rlines { x: 1 }$`},
		{"info", `^` + ts + `\tlog-1\tINFO\tinfo 7$`},
		{"warn", `^` + ts + `\tlog-1\tWARN\twarned$`},
		{"error", `^` + ts + `\tlog-1\tERROR\tfailed$`},
		{"debug", `^` + ts + `\tlog-1\tDEBUG\tdebugged$`},
	}
	lines := strings.Split(sb.waitOutput(t, "debugged"), "\n")
	for _, tt := range tests {
		re := regexp.MustCompile(tt.pattern)
		found := false
		for _, l := range lines {
			found = found || re.MatchString(l)
		}
		if !found {
			t.Errorf("%s: no line matches %q in:\n%q", tt.name, tt.pattern, lines)
		}
	}
}

func TestNodeErrors(t *testing.T) {
	id := nodeID(t)
	tests := []struct {
		name     string
		code     string
		wantType string
		wantMsg  string
		exits    bool
	}{
		{"thrown", `exports.handler = async () => { throw new TypeError("bad thing"); };`, "TypeError", "bad thing", false},
		{"sync throw", `exports.handler = () => { throw new Error("sync"); };`, "Error", "sync", false},
		{"rejected string", `exports.handler = () => Promise.reject("just a string");`, "string", "just a string", false},
		{"callback error", `exports.handler = (e, c, cb) => cb(new RangeError("cb"));`, "RangeError", "cb", false},
		{"uncaught exception", `exports.handler = () => { setTimeout(() => { throw new Error("late"); }, 1); return new Promise(() => {}); };`, "Error", "late", true},
		{"unhandled rejection", `exports.handler = async () => { Promise.reject(new Error("nobody")); return new Promise(() => { setTimeout(() => {}, 60000); }); };`,
			"Runtime.UnhandledPromiseRejection", "Error: nobody", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sb := startFunction(t, id, "index.handler", map[string]string{"index.js": tt.code})
			sb.init(t)
			o := sb.invoke(t, "err-1", `{}`)
			var body struct {
				ErrorType    string   `json:"errorType"`
				ErrorMessage string   `json:"errorMessage"`
				Trace        []string `json:"trace"`
			}
			if err := json.Unmarshal(o.Payload, &body); err != nil || !o.Error {
				t.Fatalf("outcome = %+v %s, want an error JSON", o, o.Payload)
			}
			if o.ErrorType != tt.wantType || body.ErrorType != tt.wantType || body.ErrorMessage != tt.wantMsg || body.Trace == nil {
				t.Errorf("error = %s (type %s), want type %s, message %q and a trace", o.Payload, o.ErrorType, tt.wantType, tt.wantMsg)
			}
			if !tt.exits {
				if o := sb.invoke(t, "err-2", `{}`); o.ErrorType != tt.wantType {
					t.Errorf("second invoke = %s, want the same error", o.Payload)
				}
				return
			}
			sb.waitExit(t)
			_, err := sb.api.Invoke(ctxFor(t), &runtimeapi.Invocation{RequestID: "after-death"})
			if !errors.Is(err, runtimeapi.ErrRuntimeExited) {
				t.Errorf("Invoke after the runtime died = %v, want ErrRuntimeExited", err)
			}
		})
	}
}

func TestNodeInitErrors(t *testing.T) {
	id := nodeID(t)
	tests := []struct {
		name     string
		handler  string
		files    map[string]string
		wantType string
		wantMsg  string
	}{
		{"module not found", "missing.handler", map[string]string{"index.js": ``}, "Runtime.ImportModuleError", "Error: Cannot find module 'missing'"},
		{"import of a missing package", "index.handler", map[string]string{"index.mjs": `import x from "no-such-package"; export const handler = x;`}, "Runtime.ImportModuleError", "no-such-package"},
		{"handler missing", "index.nope", map[string]string{"index.js": `exports.handler = async () => 1;`}, "Runtime.HandlerNotFound", "index.nope is undefined or not exported"},
		{"handler not a function", "index.handler", map[string]string{"index.js": `exports.handler = 42;`}, "Runtime.HandlerNotFound", "index.handler is not a function"},
		{"thrown at init", "index.handler", map[string]string{"index.js": `throw new RangeError("init failed");`}, "RangeError", "init failed"},
		{"syntax error", "index.handler", map[string]string{"index.js": `exports.handler = async () => {;`}, "Runtime.UserCodeSyntaxError", "SyntaxError"},
		{"malformed handler", "index", map[string]string{"index.js": ``}, "Runtime.MalformedHandlerName", "Bad handler"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sb := startFunction(t, id, tt.handler, tt.files)
			ie := sb.initError(t)
			var body struct {
				ErrorType    string   `json:"errorType"`
				ErrorMessage string   `json:"errorMessage"`
				Trace        []string `json:"trace"`
			}
			_ = json.Unmarshal(ie.Payload, &body)
			if ie.ErrorType != tt.wantType || body.ErrorType != tt.wantType || !strings.Contains(body.ErrorMessage, tt.wantMsg) {
				t.Errorf("init error = %s (type %s), want %s with %q", ie.Payload, ie.ErrorType, tt.wantType, tt.wantMsg)
			}
			sb.waitExit(t)
		})
	}
}

func TestNodeSizes(t *testing.T) {
	id := nodeID(t)
	sb := startFunction(t, id, "index.handler", map[string]string{"index.js": `
		exports.handler = async (e) => e.size !== undefined ? "x".repeat(e.size - 2) : e.big.length;`})
	sb.init(t)
	tests := []struct {
		name      string
		payload   string
		wantError string
		want      string
	}{
		{"response at the limit", fmt.Sprintf(`{"size":%d}`, runtimeapi.MaxResponseSize), "", ""},
		{"response over the limit", fmt.Sprintf(`{"size":%d}`, runtimeapi.MaxResponseSize+1), "Function.ResponseSizeTooLarge",
			`{"errorMessage":"Response payload size (6291557 bytes) exceeded maximum allowed payload size (6291556 bytes).","errorType":"Function.ResponseSizeTooLarge"}`},
		{"request at the limit", `{"big":"` + strings.Repeat("r", runtimeapi.MaxRequestSize-10) + `"}`, "", fmt.Sprint(runtimeapi.MaxRequestSize - 10)},
	}
	for i, tt := range tests {
		o := sb.invoke(t, fmt.Sprintf("size-%d", i), tt.payload)
		if o.ErrorType != tt.wantError || (tt.want != "" && string(o.Payload) != tt.want) {
			t.Errorf("%s: outcome %s %.200s, want %q %s", tt.name, o.ErrorType, o.Payload, tt.wantError, tt.want)
		}
		if tt.want == "" && len(o.Payload) != runtimeapi.MaxResponseSize {
			t.Errorf("%s: %d bytes, want %d", tt.name, len(o.Payload), runtimeapi.MaxResponseSize)
		}
	}
}
