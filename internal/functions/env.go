package functions

import (
	"strconv"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/stack"
)

// envSpec is what a sandbox's environment is made of.
type envSpec struct {
	fn          *stack.Function
	version     string // "$LATEST" or a number
	handler     string
	taskRoot    string
	runtimeDir  string
	runtimeAPI  string
	logGroup    string
	logStream   string
	initType    string   // on-demand or provisioned-concurrency
	runtimeVars []string // the runtime's own (AWS_EXECUTION_ENV, NODE_OPTIONS…)
	// aws is the function's credentials and endpoint (AWS_ACCESS_KEY_ID…,
	// AWS_ENDPOINT_URL); nil for placeholders that grant nothing.
	aws []string
}

// placeholderAWS are credentials that grant nothing, for a service with
// no identity store (tests of the runtime alone): the SDKs still find
// credentials and configure themselves.
var placeholderAWS = []string{
	"AWS_ACCESS_KEY_ID=AKIAVERGELOCAL000000",
	"AWS_SECRET_ACCESS_KEY=verge-local-secret-access-key",
	"AWS_SESSION_TOKEN=verge-local-session-token",
}

// lambdaEnv is a sandbox's complete environment: Lambda's reserved and
// default variables, the runtime's, then the user's. Nothing of the host's
// environment is included. The stack refuses user variables with reserved
// names, so the order only matters for unreserved defaults (PATH, LANG…),
// which the user may override.
func lambdaEnv(s envSpec) []string {
	env := []string{
		"_HANDLER=" + s.handler,
		"AWS_REGION=" + Region,
		"AWS_DEFAULT_REGION=" + Region,
		"AWS_LAMBDA_FUNCTION_NAME=" + s.fn.Name,
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=" + strconv.Itoa(s.fn.MemoryMB),
		"AWS_LAMBDA_FUNCTION_VERSION=" + s.version,
		"AWS_LAMBDA_INITIALIZATION_TYPE=" + s.initType,
		"AWS_LAMBDA_LOG_GROUP_NAME=" + s.logGroup,
		"AWS_LAMBDA_LOG_STREAM_NAME=" + s.logStream,
		"AWS_LAMBDA_RUNTIME_API=" + s.runtimeAPI,
		"LAMBDA_TASK_ROOT=" + s.taskRoot,
		"LAMBDA_RUNTIME_DIR=" + s.runtimeDir,
		"TZ=:UTC",
		"LANG=en_US.UTF-8",
		"PATH=/usr/local/bin:/usr/bin/:/bin:/opt/bin",
		"LD_LIBRARY_PATH=/lib64:/usr/lib64:" + s.runtimeDir + ":" + s.runtimeDir + "/lib:" + s.taskRoot + ":" + s.taskRoot + "/lib:/opt/lib",
	}
	if s.aws != nil {
		env = append(env, s.aws...)
	} else {
		env = append(env, placeholderAWS...)
	}
	env = append(env, s.runtimeVars...)
	for _, v := range s.fn.Environment {
		env = append(env, v.Name+"="+v.Value)
	}
	return env
}

// functionARN is a function's ARN, with the qualifier when there is one.
func functionARN(name, qualifier string) string { return arn.Function(name, qualifier) }

// logGroupName is a function's log group.
func logGroupName(name string) string { return "/aws/lambda/" + name }
