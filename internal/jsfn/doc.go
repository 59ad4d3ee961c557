// Package jsfn runs CloudFront Functions JavaScript in process, sandboxed:
// JSON event in, JSON result out. It knows nothing of HTTP; package cff
// builds the event and applies the result.
//
//	p, err := jsfn.Compile(src, jsfn.Runtime20, jsfn.Limits{}) // once per function version
//	pool := jsfn.NewPool(p, 8)                                 // warm VMs
//	res, err := pool.Run(ctx, eventJSON, jsfn.RunOptions{Now: start, Host: kvs})
//	// res.Output is JSON.stringify(handler(event)); err is a *RunError
//	// (KindThrow, KindTimeout, KindOutOfMemory, ...) for anything the
//	// function did, with res still carrying the logs and compute time.
//
// The engine is modernc.org/quickjs (QuickJS transpiled to Go, no cgo), each
// VM with a runtime, and so a memory cap, of its own.
//
// # The function's file
//
// Compile wraps the file in a strict-mode function whose body is the file
// and which returns the file's top-level handler; the wrapper adds no line,
// so error lines are the file's. Runtime 2.0 files may import the built-in
// modules at the top level: each import line is rewritten in place to a
// require (import cf from 'cloudfront' → const cf = require('cloudfront');
// named, namespace and bare imports too, see compile.go), and an import
// of any other module is a compile error. Runtime 1.0 has no import. A
// syntax error is a RunError of kind KindCompile whose message ends with
// " in LINE", as CloudFront reports it; so is a file over Limits.CodeBytes
// (10 KiB). Export statements do not compile, as in CloudFront.
//
// # Modules and globals
//
// Both runtimes: require('crypto') (createHash, createHmac: md5, sha1,
// sha256; update with strings, or bytes; digest to hex, base64, base64url,
// or with no encoding to bytes), require('querystring') (parse/decode,
// stringify/encode, escape, unescape; Node's semantics, maxKeys 1000),
// console.log (and info, warn, error, debug: arguments joined by a space,
// objects as JSON; 2.0's one-argument rule is not enforced), global.
// Runtime 1.0 adds njs's byte-string helpers (String.bytesFrom,
// String.prototype.fromBytes, fromUTF8, toBytes, toUTF8); a raw digest is
// a byte string, and byte strings the runtime made are hashed as bytes.
// Runtime 2.0 adds Buffer (a Node subset over Uint8Array, also as
// require('buffer')), TextEncoder and TextDecoder (UTF-8), atob, btoa, a
// raw digest as a Buffer, and require('cloudfront'):
//
//   - kvs() returns the KeyValueStore (get(key, {format: 'string'|'json'|
//     'bytes'}) rejecting a missing key, exists, meta) served by
//     RunOptions.Host; with no Host, kvs() throws.
//   - updateRequestOrigin, selectRequestOriginById and
//     createRequestOriginGroup record their arguments, as JSON, in
//     Result.Origin (the last call wins); the caller validates them.
//   - edgeLocation is RunOptions.EdgeLocation, by default
//     {name: "LOCAL", serverIp: "127.0.0.1", region: "local"}.
//
// event.request.rawQueryString() returns RunOptions.RawQueryString. The
// language is QuickJS's ES2023 in both runtimes: what CloudFront lacks
// (for...of in 1.0, Map, Proxy, ...) is not taken away.
//
// The crypto, encoding and KeyValueStore work is Go, reached through one
// host function per VM that only the prelude holds. Binary data crosses
// as strings of characters up to U+00FF, one per byte. The host function
// recovers from panics; a host panic fails the run with KindInternal.
//
// # Pure runs
//
// RunOptions.CheckPure makes the run report, in Result.Pure, whether its
// result depends on nothing but the event's version and response: the
// prelude turns the event's context, viewer and request into accessors
// that note a read or a write (in place: same order, still enumerable),
// and notes Date.now(), new Date() and Date() (the clock), Math.random,
// console, the KeyValueStore and the origin helpers; an async handler is
// never pure. A caller may then keep the output and reuse it for an event
// with the same response (package cff does, for viewer-response functions
// on cache hits). The check costs a few microseconds a run.
//
// # Sandbox
//
// Before the program runs, the prelude (prelude.js) removes eval, makes
// the Function constructor and the constructor property of every kind of
// function (plain, async, generator, async generator) a thrower that
// cannot be replaced, and deletes WeakRef, FinalizationRegistry,
// SharedArrayBuffer and Atomics. QuickJS has no timers, no process, no
// files, no network; no module loader is set, so import() rejects and
// require knows only the modules above. Date is replaced by one frozen at
// RunOptions.Now for the whole run (Date.now(), new Date(), Date());
// Math.random is QuickJS's own.
//
// # Limits
//
// Limits.Compute (default 5ms) is the CPU time of a run, from the first
// entry into the VM to the last: the top level, the handler and the
// promise jobs it queues. CloudFront budgets compute, not elapsed, time:
// time the run spends off the CPU (other goroutines or processes have the
// cores, a Go preemption, a stop of the world, a Host that blocks) does
// not count, so a loaded machine does not make a function time out. The
// run keeps its goroutine on one OS thread (runtime.LockOSThread) and a
// watchdog timer, due when the budget has passed on the wall clock, reads
// that thread's CPU clock from another: with the budget used it
// interrupts the run, otherwise it looks again when the rest could be
// used (at least 200µs later). A wall-clock backstop, max(100×Compute,
// 500ms), stops a run held off the CPU that long; it too is KindTimeout.
// Result.Compute is the run's CPU time, so a utilization computed from it
// is CPU-based, as CloudFront's ComputeUtilization. On an OS other than
// Linux there is no thread CPU clock: Compute and Result.Compute are then
// wall time, enforced by the engine's eval timeout alone.
//
// QuickJS polls its interrupt in loops, calls and in the regular
// expression engine, so an endless loop or a catastrophic regular
// expression stops within the budget plus a little (measured: 5.2-5.7ms
// of CPU for 5ms, as much wall time on an idle machine; on a busy one the
// watchdog runs late, and the run overshoots more). A built-in that does
// one long native step (filling megabytes in String.prototype.repeat)
// finishes that step first. The run's context also interrupts it.
//
// Limits.Memory (default 4 MiB) caps everything the VM's engine allocates,
// its built-ins and the prelude included: a loaded VM takes about 0.4 MiB,
// which leaves a function about 2.3 MB in small strings or one string of
// 3.8 MB, more than CloudFront's 2 MB. Out of memory, QuickJS throws an
// InternalError, or null when it cannot even make that; both are
// KindOutOfMemory (so is a script's own "throw null"). Go memory that a
// run drives is bounded apart: logs at MaxLogBytes, 1024 hash objects.
//
// Limits.Stack (default 1000) caps the JavaScript call depth; deeper
// recursion throws a catchable InternalError: stack overflow. That also
// bounds the goroutine stack a run grows (about 1.5 MiB at the deepest).
//
// # A VM's life
//
// NewPool makes one VM at once; Run takes an idle VM, or makes one if the
// pool has fewer than its size, or waits (as long as its context lets it).
// Making a VM (about 0.5ms) creates the engine, sets the limits, loads the
// prelude (compiled once per process) and the program.
//
// Each run calls the program's wrapper, so the file's top level runs again
// and its own variables start fresh every run, as CloudFront promises no
// state across runs. What a run does to globalThis or to the built-ins
// (String.prototype, ...) does outlive it, within that VM: CloudFront
// would not keep it, and a function should not rely on either. Such state
// is bounded by recycling: a VM is closed and replaced after RecycleAfter
// (1000) runs, and after any run that failed other than by KindInvalid
// (a throw, a timeout, running out of memory, a host panic, its context
// ending), so a VM that was interrupted half way is never reused. The
// replacement is made in the background. A run whose handler returns a
// promise (async function handler) has its jobs run until the promise
// settles, within the budget; a promise still pending when no job is left
// is KindInvalid. Jobs a synchronous handler left queued run before Run
// returns, so they never run in a later run.
//
// Pool.Run is safe for concurrent use; each run has a VM to itself. Each
// VM registers one Go function with the engine, which allows 32767 at a
// time in a process: that bounds the VMs alive at once.
//
// # Cost
//
// BenchmarkRun (a viewer-response event of 1.2 KB, a handler adding two
// headers) takes about 36µs and 15 Go allocations on the reference
// machine: about 5µs is the fixed cost of a run, 16µs QuickJS's JSON.parse
// of the event, 10µs JSON.stringify of the response. JSON is most of it,
// so the cost grows with the event. Counting CPU time costs three system
// calls a run (the thread's id, its CPU clock at the start and at the
// end) and a timer reset, no allocation: BenchmarkMeter, about 1µs where
// a system call takes a few hundred nanoseconds, 5µs where one takes
// 1.5µs (a Firecracker VM); BenchmarkRunClock compares it with the wall
// clock.
package jsfn
