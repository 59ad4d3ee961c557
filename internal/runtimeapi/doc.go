// Package runtimeapi serves one sandbox's Lambda Runtime API (2018-06-01):
// the HTTP endpoint a runtime long-polls for events and posts results to.
//
// A Server hands one Invocation at a time to the runtime's pending
// GET /runtime/invocation/next and waits for its /response or /error. Paths,
// headers, status codes and error bodies follow AWS's Runtime Interface
// Emulator (rapi), so unmodified runtimes (the Node.js and Python runtime
// clients, aws-lambda-go, a shell bootstrap with curl) run against it.
//
// The runtime moves through the states Started (launched, initialising),
// Ready (waiting in /next), Running (an event delivered) and back to Ready
// when it polls /next again; InitError ends it. Requests that do not fit
// the state get RIE's 403 InvalidStateTransition; a result for another
// request id gets 400 InvalidRequestID.
//
// Every sandbox's server listens on a loopback port that any local process
// can find (/proc/net/tcp), so it serves only under a random secret path
// prefix, which Addr includes in AWS_LAMBDA_RUNTIME_API
// ("127.0.0.1:PORT/TOKEN"): clients that append "/2018-06-01/..." to the
// variable carry it unchanged; any other request gets 403 AccessDenied and
// never touches the runtime's state.
package runtimeapi
