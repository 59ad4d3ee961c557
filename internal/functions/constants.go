package functions

import (
	"time"

	"github.com/verge-edge/verge/internal/arn"
)

// Lambda's limits and defaults.
const (
	// MaxPayload is the largest synchronous request or response payload.
	MaxPayload = 6 << 20
	// DefaultAccountConcurrency is AWS's default account-wide limit on
	// concurrent executions.
	DefaultAccountConcurrency = 1000
	// InitTimeout is the longest a runtime may take to initialise (Lambda's
	// on-demand init phase limit).
	InitTimeout = 10 * time.Second
	// TmpLimitMB is the size of each sandbox's /tmp (Lambda's default
	// ephemeral storage).
	TmpLimitMB = 512
	// LogTailBytes is how much of an invocation's log X-Amz-Log-Type: Tail
	// returns.
	LogTailBytes = 4096
	// MemoryWatchInterval is how often a running invocation's process tree
	// is measured where no cgroup limits its memory.
	MemoryWatchInterval = 10 * time.Millisecond
	// LogInvocationBytes is the most output one invocation (or an init)
	// may log; the rest is dropped and counted in a marker line.
	LogInvocationBytes = 8 << 20
	// LogFunctionBytesPerMinute is the most all of a function's sandboxes
	// may log in a minute.
	LogFunctionBytesPerMinute = 64 << 20
	// FreezeDelay is how long a runtime waits for an event before its
	// sandbox is frozen (Lambda freezes at once). The grace lets what the
	// function started as it answered (a short timer, a crash in one) run
	// while the sandbox is idle, not in the next invocation; back-to-back
	// invocations then cost no freeze at all.
	FreezeDelay = 50 * time.Millisecond
	// SDKWait is the longest a cold start waits for the AWS SDK its runtime
	// includes to be installed (npm, once per machine) before it starts
	// without it.
	SDKWait = 2 * time.Minute
	// DefaultIdleTimeout is how long an idle sandbox is kept warm.
	DefaultIdleTimeout = 5 * time.Minute
	// Region and Account are what ARNs and the environment say.
	Region  = arn.Region
	Account = arn.Account
)

// Lambda's error types for failures outside the handler.
const (
	ErrTypeTimeout      = "Sandbox.Timedout"
	ErrTypeExit         = "Runtime.ExitError"
	ErrTypeOutOfMemory  = "Runtime.OutOfMemory"
	ErrTypeUnknown      = "Runtime.Unknown"
	ErrTypeInitTimeout  = "Runtime.InitTimeout"
	ErrTypeResponseSize = "Function.ResponseSizeTooLarge"
)
