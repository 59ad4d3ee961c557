// Package runtimes knows the runtimes a function can run on: how an entry
// file implies one, where the real interpreters are, and the bootstraps for
// Node.js and Python (embedded files) that speak the Lambda Runtime API.
//
// Resolve finds a runtime's interpreter once per process; Install writes
// the bootstraps to disk; Runtime.Launch says how to start one sandbox:
// the executable, its arguments, the runtime's own environment variables
// and how its memory limit is enforced.
package runtimes
