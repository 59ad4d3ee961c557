package runtimes

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/verge-edge/verge/internal/runtimeapi"
)

func pythonID(t testing.TB) string {
	t.Helper()
	id, err := Default(Python)
	if err != nil {
		t.Skipf("no python: %v", err)
	}
	return id
}

func TestPythonHandlerStyles(t *testing.T) {
	id := pythonID(t)
	tests := []struct {
		name    string
		handler string
		files   map[string]string
		want    string
	}{
		{"module.function", "app.handler", map[string]string{"app.py": "def handler(event, context):\n    return {'got': event['n']}\n"}, `{"got": 1}`},
		{"package with slash", "pkg/mod.fn", map[string]string{"pkg/__init__.py": "", "pkg/mod.py": "def fn(event, context):\n    return 'slash'\n"}, `"slash"`},
		{"package with dots", "pkg.sub.mod.fn", map[string]string{"pkg/__init__.py": "", "pkg/sub/__init__.py": "", "pkg/sub/mod.py": "def fn(e, c):\n    return ['dots']\n"}, `["dots"]`},
		{"namespace package", "ns/mod.fn", map[string]string{"ns/mod.py": "def fn(e, c):\n    return None\n"}, `null`},
		{"imports a sibling", "app.handler", map[string]string{"app.py": "import helper\ndef handler(e, c):\n    return helper.X\n", "helper.py": "X = 5\n"}, `5`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sb := startFunction(t, id, tt.handler, tt.files)
			sb.init(t)
			for i := range 2 {
				o := sb.invoke(t, fmt.Sprintf("req-%d", i), `{"n":1}`)
				if o.Error || string(o.Payload) != tt.want {
					t.Fatalf("invoke %d = %s (error %v %s), want %s", i, o.Payload, o.Error, o.ErrorType, tt.want)
				}
			}
		})
	}
}

func TestPythonContext(t *testing.T) {
	id := pythonID(t)
	sb := startFunction(t, id, "app.handler", map[string]string{"app.py": `
import os
def handler(event, ctx):
    rem = ctx.get_remaining_time_in_millis()
    cc = ctx.client_context
    return {
        "aws_request_id": ctx.aws_request_id, "function_name": ctx.function_name,
        "function_version": ctx.function_version, "invoked_function_arn": ctx.invoked_function_arn,
        "memory_limit_in_mb": ctx.memory_limit_in_mb, "log_group_name": ctx.log_group_name,
        "log_stream_name": ctx.log_stream_name, "remaining_ok": 1000 < rem <= 60000,
        "identity": [ctx.identity.cognito_identity_id, ctx.identity.cognito_identity_pool_id],
        "custom": cc.custom if cc else None, "app_title": cc.client.app_title if cc and cc.client else None,
        "trace": os.environ.get("_X_AMZN_TRACE_ID"), "exec_env": os.environ.get("AWS_EXECUTION_ENV"),
        "sys_path_0": __import__("sys").path[0] == os.environ["LAMBDA_TASK_ROOT"],
    }
`})
	sb.init(t)
	o, err := sb.api.Invoke(ctxFor(t), &runtimeapi.Invocation{RequestID: "ctx-1", Payload: []byte(`{}`),
		Deadline: timeIn(t, 60), FunctionARN: testARN, TraceID: "Root=1-abc;Sampled=1",
		ClientContext: `{"custom":{"k":"v"},"env":{},"client":{"app_title":"demo"}}`, CognitoIdentity: `{"cognitoIdentityId":"cid","cognitoIdentityPoolId":"pool"}`})
	if err != nil {
		t.Fatal(err)
	}
	checkJSON(t, o.Payload, map[string]any{
		"aws_request_id": "ctx-1", "function_name": "fn", "function_version": "$LATEST", "invoked_function_arn": testARN,
		"memory_limit_in_mb": "256", "log_group_name": "/aws/lambda/fn", "log_stream_name": "2026/11/22/[$LATEST]abc",
		"remaining_ok": true, "identity": []any{"cid", "pool"}, "custom": map[string]any{"k": "v"}, "app_title": "demo",
		"trace": "Root=1-abc;Sampled=1", "exec_env": "AWS_Lambda_" + id, "sys_path_0": true,
	})
	o = sb.invoke(t, "ctx-2", `{}`)
	checkJSON(t, o.Payload, map[string]any{"identity": []any{nil, nil}, "custom": nil, "trace": nil})
}

func TestPythonLogging(t *testing.T) {
	id := pythonID(t)
	sb := startFunction(t, id, "app.handler", map[string]string{"app.py": `
import logging
logger = logging.getLogger()
logger.setLevel(logging.INFO)
print("at init")
def handler(event, ctx):
    print("printed")
    logger.info("info %d", 7)
    logging.warning("warned")
    logger.debug("hidden")
    return "ok"
`})
	sb.init(t)
	sb.invoke(t, "log-1", `{}`)
	out := sb.waitOutput(t, "warned")
	const ts = `\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z`
	for _, pattern := range []string{`(?m)^at init$`, `(?m)^printed$`, `(?m)^\[INFO\]\t` + ts + `\tlog-1\tinfo 7$`, `(?m)^\[WARNING\]\t` + ts + `\tlog-1\twarned$`} {
		if !regexp.MustCompile(pattern).MatchString(out) {
			t.Errorf("no line matches %q in:\n%s", pattern, out)
		}
	}
	if strings.Contains(out, "hidden") {
		t.Errorf("a debug record below the logger's level was printed:\n%s", out)
	}
}

type pyError struct {
	ErrorMessage string   `json:"errorMessage"`
	ErrorType    string   `json:"errorType"`
	RequestID    string   `json:"requestId"`
	StackTrace   []string `json:"stackTrace"`
}

func TestPythonErrors(t *testing.T) {
	id := pythonID(t)
	tests := []struct {
		name      string
		code      string
		wantType  string
		wantMsg   string
		wantStack bool
	}{
		{"raised", "def handler(e, c):\n    raise ValueError('bad value')\n", "ValueError", "bad value", true},
		{"custom exception", "class Boom(Exception):\n    pass\ndef handler(e, c):\n    raise Boom('kaboom')\n", "Boom", "kaboom", true},
		{"not serialisable", "def handler(e, c):\n    return {1, 2}\n", "Runtime.MarshalError", "Unable to marshal response: Object of type set is not JSON serializable", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sb := startFunction(t, id, "app.handler", map[string]string{"app.py": tt.code})
			sb.init(t)
			o := sb.invoke(t, "err-1", `{}`)
			var e pyError
			if err := json.Unmarshal(o.Payload, &e); err != nil || !o.Error {
				t.Fatalf("outcome = %+v %s, want an error JSON", o, o.Payload)
			}
			if o.ErrorType != tt.wantType || e.ErrorType != tt.wantType || e.ErrorMessage != tt.wantMsg || e.RequestID != "err-1" ||
				(len(e.StackTrace) > 0) != tt.wantStack {
				t.Errorf("error = %s, want type %s, message %q, request id and stack %v", o.Payload, tt.wantType, tt.wantMsg, tt.wantStack)
			}
			if tt.wantStack && !strings.Contains(e.StackTrace[0], "app.py") {
				t.Errorf("stack trace starts in %q, want the function's file (no bootstrap frames)", e.StackTrace[0])
			}
			if o := sb.invoke(t, "err-2", `{}`); o.ErrorType != tt.wantType { // the runtime survives
				t.Errorf("second invoke = %s", o.Payload)
			}
		})
	}
}

func TestPythonInitErrors(t *testing.T) {
	id := pythonID(t)
	tests := []struct {
		name     string
		handler  string
		files    map[string]string
		wantType string
		wantMsg  string
	}{
		{"module not found", "missing.handler", nil, "Runtime.ImportModuleError", "Unable to import module 'missing': No module named 'missing'"},
		{"handler missing", "app.nope", map[string]string{"app.py": "x = 1\n"}, "Runtime.HandlerNotFound", "Handler 'nope' missing on module 'app'"},
		{"syntax error", "app.handler", map[string]string{"app.py": "def handler(e, c)\n    return 1\n"}, "Runtime.UserCodeSyntaxError", "Syntax error in module 'app'"},
		{"raised at import", "app.handler", map[string]string{"app.py": "raise KeyError('init')\n"}, "KeyError", "'init'"},
		{"malformed handler", "app", map[string]string{"app.py": ""}, "Runtime.MalformedHandlerName", "Bad handler 'app'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sb := startFunction(t, id, tt.handler, tt.files)
			ie := sb.initError(t)
			var e pyError
			_ = json.Unmarshal(ie.Payload, &e)
			if ie.ErrorType != tt.wantType || e.ErrorType != tt.wantType || !strings.Contains(e.ErrorMessage, tt.wantMsg) {
				t.Errorf("init error = %s (type %s), want %s with %q", ie.Payload, ie.ErrorType, tt.wantType, tt.wantMsg)
			}
			sb.waitExit(t)
		})
	}
}
