package jsfn

import (
	"testing"
)

// blocked wraps an attempt: "blocked: ErrorName" if it throws, else what
// it returned.
func blocked(attempt string) string {
	return `try { var r = (function () { ` + attempt + ` })(); return "escaped: " + String(r); } catch (e) { return "blocked: " + (e && e.name); }`
}

var sandboxTests = []exprTest{
	{"eval", blocked(`return eval("1 + 1");`), `"blocked: ReferenceError"`},
	{"indirect eval", blocked(`return globalThis["ev" + "al"]("1");`), `"blocked: TypeError"`},
	{"new Function", blocked(`return new Function("return 1")();`), `"blocked: EvalError"`},
	{"Function call", blocked(`return Function("return 1")();`), `"blocked: EvalError"`},
	{"constructor of a function", blocked(`return (function () {}).constructor("return 1")();`), `"blocked: EvalError"`},
	{"constructor of an arrow", blocked(`return (() => 1).constructor("return 1")();`), `"blocked: EvalError"`},
	{"AsyncFunction", blocked(`return (async function () {}).constructor("return 1");`), `"blocked: EvalError"`},
	{"GeneratorFunction", blocked(`return (function* () {}).constructor("yield 1");`), `"blocked: EvalError"`},
	{"AsyncGeneratorFunction", blocked(`return (async function* () {}).constructor("yield 1");`), `"blocked: EvalError"`},
	{"prototype walk", blocked(`return Object.getPrototypeOf(function () {}).constructor("return 1")();`), `"blocked: EvalError"`},
	{"descriptor", blocked(`return Object.getOwnPropertyDescriptor(Function.prototype, "constructor").value("return 1")();`), `"blocked: EvalError"`},
	{"Reflect.construct", blocked(`return Reflect.construct(Function, ["return 1"])();`), `"blocked: EvalError"`},
	{"class constructor", blocked(`return (class {}).constructor("return 1")();`), `"blocked: EvalError"`},
	{"bound", blocked(`return (function () {}).bind(null).constructor("return 1")();`), `"blocked: EvalError"`},
	{"replace constructor", blocked(`Function.prototype.constructor = function () { return 1; }; return 1;`), `"blocked: TypeError"`},
	{"delete constructor", blocked(`delete Function.prototype.constructor; return 1;`), `"blocked: TypeError"`},
	{"instanceof Function still works", `return [(function () {}) instanceof Function, typeof Function.prototype.call];`, `[true,"function"]`},
	{"timers", `return [typeof setTimeout, typeof setInterval, typeof setImmediate, typeof clearTimeout, typeof clearInterval, typeof queueMicrotask];`,
		`["undefined","undefined","undefined","undefined","undefined","undefined"]`},
	{"host things", `return [typeof process, typeof std, typeof os, typeof print, typeof scriptArgs, typeof __vergeHost, typeof fetch, typeof XMLHttpRequest];`,
		`["undefined","undefined","undefined","undefined","undefined","undefined","undefined","undefined"]`},
	{"weak refs and shared memory", `return [typeof WeakRef, typeof FinalizationRegistry, typeof SharedArrayBuffer, typeof Atomics];`,
		`["undefined","undefined","undefined","undefined"]`},
	{"process.env", blocked(`return process.env.HOME;`), `"blocked: ReferenceError"`},
	{"require fs", blocked(`return require("fs");`), `"blocked: Error"`},
	{"require child_process", blocked(`return require("child_process");`), `"blocked: Error"`},
	{"require path", blocked(`return require("../../etc/passwd");`), `"blocked: Error"`},
	{"require is fixed", blocked(`require = function () { return 1; }; return 1;`), `"blocked: TypeError"`},
	{"dynamic import", `return import("fs").then(function () { return "loaded"; }, function (e) { return "blocked: " + e.name; });`, `"blocked: ReferenceError"`},
	{"dynamic import of a path", `return import("/etc/passwd").then(function () { return "loaded"; }, function (e) { return "blocked"; });`, `"blocked"`},
	{"Math.random allowed", `var r = Math.random(); return r >= 0 && r < 1;`, `true`},
}

func TestSandbox(t *testing.T) {
	for _, rt := range []Runtime{Runtime10, Runtime20} {
		t.Run(string(rt), func(t *testing.T) { runExprTests(t, rt, sandboxTests) })
	}
}

// TestSandboxTopLevel: code that closes the wrapper early runs in the VM's
// top level, which is locked down too.
func TestSandboxTopLevel(t *testing.T) {
	src := `function handler() { return 1; } });
	var leaked = typeof eval + " " + typeof Function("");
	(function () {`
	_, err := Compile([]byte(src), Runtime20, roomy)
	if err == nil {
		res, err := run(t, src, Runtime20, `{}`, RunOptions{})
		if err == nil {
			t.Fatalf("a source that breaks out of the wrapper ran: %s", res.Output)
		}
	}
}
