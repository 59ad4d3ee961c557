// Package functions runs function resources as AWS Lambda does: every
// distinct build and configuration of a function is a version; each version
// has a pool of sandboxes (one runtime process each, one invocation at a
// time) that are reused while warm, started on demand (a cold start, its Init
// Duration measured) up to the function's concurrency limit, and reaped when
// idle. Beyond the limit a synchronous invocation is throttled.
//
// An invocation writes START, END and REPORT lines around the function's own
// output in the function's log group, as Lambda does, and fails with
// Lambda's error types: the handler's own error, Sandbox.Timedout when the
// timeout passes (the sandbox is killed), Runtime.ExitError when the runtime
// dies, Runtime.OutOfMemory when it runs out of memory.
//
// Every trigger (the Invoke API, HTTP routes, queues, the edge) calls the one
// Service.Invoke.
package functions
