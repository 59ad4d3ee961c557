package jsfn

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

type handlerTest struct {
	name  string
	rt    Runtime
	src   string
	event string
	want  string // output JSON, or "!Kind: message prefix"
}

var handlerTests = []handlerTest{
	{"request passthrough", Runtime10, `function handler(event) { return event.request; }`,
		`{"request":{"uri":"/a","headers":{}}}`, `{"uri":"/a","headers":{}}`},
	{"add header", Runtime10, `function handler(event) {
		var r = event.request;
		r.headers['x-a'] = {value: 'b'};
		return r;
	}`, `{"request":{"uri":"/","headers":{}}}`, `{"uri":"/","headers":{"x-a":{"value":"b"}}}`},
	{"generated response", Runtime20, `function handler(event) {
		return { statusCode: 302, statusDescription: 'Found', headers: { location: { value: 'https://example.com' + event.request.uri } } };
	}`, `{"request":{"uri":"/x"}}`, `{"statusCode":302,"statusDescription":"Found","headers":{"location":{"value":"https://example.com/x"}}}`},
	{"const let arrow template", Runtime20, `const pre = '/v2';
	let n = 0;
	const f = (u) => ` + "`${pre}${u}`" + `;
	function handler(event) { event.request.uri = f(event.request.uri); return event.request; }`,
		`{"request":{"uri":"/a"}}`, `{"uri":"/v2/a"}`},
	{"handler as var", Runtime10, `var handler = function (event) { return 1; };`, `{}`, `1`},
	{"handler as const", Runtime20, `const handler = (event) => ({ok: true});`, `{}`, `{"ok":true}`},
	{"null result", Runtime20, `function handler() { return null; }`, `{}`, `null`},
	{"string result", Runtime20, `function handler() { return "x"; }`, `{}`, `"x"`},
	{"unicode", Runtime20, `function handler(e) { return e.s + "é😀"; }`, `{"s":"ü"}`, `"üé😀"`},
	{"throw error", Runtime20, `function handler() { throw new Error("boom"); }`, `{}`, "!Throw: Error: boom"},
	{"throw type error", Runtime20, `function handler(e) { return e.request.headers.host.value; }`, `{"request":{}}`, "!Throw: TypeError: cannot read property 'host' of undefined"},
	{"throw string", Runtime20, `function handler() { throw "plain"; }`, `{}`, "!Throw: plain"},
	{"no handler", Runtime20, `function handle(event) { return 1; }`, `{}`, "!Invalid: the function defines no handler"},
	{"handler not function", Runtime20, `var handler = 3;`, `{}`, "!Invalid: the function defines no handler"},
	{"undefined result", Runtime20, `function handler() {}`, `{}`, "!Invalid: the handler returned undefined"},
	{"cyclic result", Runtime20, `function handler() { var a = {}; a.a = a; return a; }`, `{}`, "!Invalid: the handler's result is not JSON"},
	{"bigint result", Runtime20, `function handler() { return {n: 1n}; }`, `{}`, "!Invalid: the handler's result is not JSON"},
	{"event not JSON", Runtime20, `function handler(e) { return e; }`, `{"a":`, "!Invalid: the event is not JSON"},
	{"top-level throw", Runtime20, `throw new RangeError("top"); function handler() { return 1; }`, `{}`, "!Throw: RangeError: top"},
	{"async handler", Runtime20, `async function handler(event) {
		const v = await Promise.resolve(event.request.uri);
		await null;
		return { uri: v + '/async' };
	}`, `{"request":{"uri":"/a"}}`, `{"uri":"/a/async"}`},
	{"async chain", Runtime20, `async function step(x) { return x + 1; }
	async function handler() { let n = 0; for (let i = 0; i < 50; i++) { n = await step(n); } return n; }`, `{}`, `50`},
	{"promise result", Runtime20, `function handler() { return Promise.resolve(7).then(x => x * 6); }`, `{}`, `42`},
	{"async throw", Runtime20, `async function handler() { await null; throw new TypeError("late"); }`, `{}`, "!Throw: TypeError: late"},
	{"async reject value", Runtime20, `function handler() { return Promise.reject("no"); }`, `{}`, "!Throw: no"},
	{"async never settles", Runtime20, `function handler() { return new Promise(() => {}); }`, `{}`, "!Invalid: the handler's promise never settled"},
	{"async undefined", Runtime20, `async function handler() {}`, `{}`, "!Invalid: the handler returned undefined"},
	{"thenable", Runtime20, `function handler() { return { then(ok) { ok({t: 1}); } }; }`, `{}`, `{"t":1}`},
	{"unawaited work runs in the run", Runtime20, `function handler() {
		Promise.resolve().then(() => console.log("later"));
		return 1;
	}`, `{}`, `1`},
}

func TestHandlers(t *testing.T) {
	for _, c := range handlerTests {
		t.Run(c.name, func(t *testing.T) {
			res, err := run(t, c.src, c.rt, c.event, RunOptions{})
			checkOutcome(t, c.name, outcome(res, err), c.want)
			if err == nil && res.Compute <= 0 {
				t.Errorf("Compute = %v", res.Compute)
			}
			if err != nil && res == nil {
				t.Errorf("no Result with the RunError")
			}
		})
	}
}

func TestUnawaitedWorkLogs(t *testing.T) {
	res, err := run(t, `function handler() { Promise.resolve().then(() => console.log("later")); return 1; }`, Runtime20, `{}`, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(res.Logs, "|") != "later" {
		t.Errorf("logs %q", res.Logs)
	}
}

// TestFreshModuleState: the file's top level runs for every run, so
// module-level variables do not carry over, as in CloudFront.
func TestFreshModuleState(t *testing.T) {
	pool := newTestPool(t, `var count = 0; const seen = [];
	function handler(e) { count++; seen.push(e.n); return [count, seen.length]; }`, Runtime20, roomy)
	for i := range 5 {
		res := runOK(t, pool, fmt.Sprintf(`{"n":%d}`, i))
		if string(res.Output) != "[1,1]" {
			t.Fatalf("run %d: %s", i, res.Output)
		}
	}
}

func TestDateFrozen(t *testing.T) {
	src := `function handler() {
		var a = Date.now();
		for (var i = 0; i < 20000; i++) {}
		return [a, Date.now(), new Date().getTime(), new Date().toISOString(), typeof Date(),
			new Date(0).toISOString(), new Date(2020, 0, 2).getFullYear(), Date.UTC(2000, 0),
			new Date() instanceof Date, Date.parse("2000-01-01T00:00:00Z"), Object.getPrototypeOf(new Date()) === Date.prototype];
	}`
	for _, rt := range []Runtime{Runtime10, Runtime20} {
		res, err := run(t, src, rt, `{}`, RunOptions{Now: fixedNow})
		if err != nil {
			t.Fatal(err)
		}
		ms := fixedNow.UnixMilli()
		want := fmt.Sprintf(`[%d,%d,%d,"2023-01-01T12:30:45.678Z","string","1970-01-01T00:00:00.000Z",2020,946684800000,true,946684800000,true]`, ms, ms, ms)
		if string(res.Output) != want {
			t.Errorf("%s:\n got %s\nwant %s", rt, res.Output, want)
		}
	}
}

func TestDateDefaultsToNow(t *testing.T) {
	before := time.Now().UnixMilli()
	res, err := run(t, `function handler() { return Date.now(); }`, Runtime20, `{}`, RunOptions{Now: time.Time{}})
	if err != nil {
		t.Fatal(err)
	}
	var got int64
	if err := json.Unmarshal(res.Output, &got); err != nil {
		t.Fatal(err)
	}
	// run() substitutes fixedNow for a zero Now; use a pool directly.
	pool := newTestPool(t, `function handler() { return Date.now(); }`, Runtime20, roomy)
	r2, err := pool.Run(context.Background(), []byte(`{}`), RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(r2.Output, &got); err != nil {
		t.Fatal(err)
	}
	if got < before || got > time.Now().UnixMilli() {
		t.Errorf("Date.now() = %d, not between %d and now", got, before)
	}
}

func TestConsoleLog(t *testing.T) {
	src := `function handler() {
		console.log("a", 1, true, null, undefined, {k: "v"}, [1, 2]);
		console.log(new Error("e"));
		console.warn("w"); console.error("x"); console.info("i");
		return 0;
	}`
	res, err := run(t, src, Runtime20, `{}`, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`a 1 true null undefined {"k":"v"} [1,2]`, "Error: e", "w", "x", "i"}
	if strings.Join(res.Logs, "\n") != strings.Join(want, "\n") || res.LogsTruncated {
		t.Errorf("logs %q (truncated %v), want %q", res.Logs, res.LogsTruncated, want)
	}
}

func TestConsoleLogCap(t *testing.T) {
	src := `function handler() {
		for (var i = 0; i < 2000; i++) { console.log("0123456789"); }
		return 0;
	}`
	res, err := run(t, src, Runtime20, `{}`, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, l := range res.Logs {
		total += len(l)
	}
	if total != MaxLogBytes || !res.LogsTruncated {
		t.Errorf("logged %d bytes in %d lines, truncated %v; want %d and true", total, len(res.Logs), res.LogsTruncated, MaxLogBytes)
	}
	// Logs survive a failing run.
	res, err = run(t, `function handler() { console.log("before"); throw new Error("x"); }`, Runtime20, `{}`, RunOptions{})
	if k, _ := kindOf(err); k != KindThrow || res == nil || len(res.Logs) != 1 || res.Logs[0] != "before" {
		t.Errorf("failing run: %v, %+v", err, res)
	}
}

func TestOrigin(t *testing.T) {
	type tc struct {
		name, body string
		want       *OriginUpdate
		err        string
	}
	for _, c := range []tc{
		{"none", `return 1;`, nil, ""},
		{"update", `cf.updateRequestOrigin({domainName: "example.org", timeouts: {readTimeout: 30}}); return 1;`,
			&OriginUpdate{Call: UpdateRequestOrigin, Arg: json.RawMessage(`{"domainName":"example.org","timeouts":{"readTimeout":30}}`)}, ""},
		{"select", `cf.selectRequestOriginById("origin-b"); return 1;`,
			&OriginUpdate{Call: SelectRequestOriginByID, Arg: json.RawMessage(`"origin-b"`)}, ""},
		{"select with overrides", `cf.selectRequestOriginById("o", {hostHeader: "h"}); return 1;`,
			&OriginUpdate{Call: SelectRequestOriginByID, Arg: json.RawMessage(`"o"`), Options: json.RawMessage(`{"hostHeader":"h"}`)}, ""},
		{"group", `cf.createRequestOriginGroup({originIds: [{originId: "a"}, {originId: "b"}], failoverCriteria: {statusCodes: [500]}}); return 1;`,
			&OriginUpdate{Call: CreateRequestOriginGroup, Arg: json.RawMessage(`{"originIds":[{"originId":"a"},{"originId":"b"}],"failoverCriteria":{"statusCodes":[500]}}`)}, ""},
		{"last wins", `cf.selectRequestOriginById("a"); cf.updateRequestOrigin({domainName: "b"}); return 1;`,
			&OriginUpdate{Call: UpdateRequestOrigin, Arg: json.RawMessage(`{"domainName":"b"}`)}, ""},
		{"bad argument", `cf.updateRequestOrigin("x"); return 1;`, nil, "!Throw: TypeError: updateRequestOrigin: the argument must be an object"},
		{"bad id", `cf.selectRequestOriginById(3); return 1;`, nil, "!Throw: TypeError"},
	} {
		src := "import cf from 'cloudfront';\nfunction handler(event) {\n" + c.body + "\n}"
		res, err := run(t, src, Runtime20, `{}`, RunOptions{})
		if c.err != "" {
			checkOutcome(t, c.name, outcome(res, err), c.err)
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		got, _ := json.Marshal(res.Origin)
		want, _ := json.Marshal(c.want)
		if string(got) != string(want) {
			t.Errorf("%s: Origin %s, want %s", c.name, got, want)
		}
	}
}

type metaHost struct{ mapHost }

func (metaHost) KVSMeta() KVSMeta {
	return KVSMeta{CreationDateTime: fixedNow, LastUpdatedDateTime: fixedNow, KeyCount: 3}
}

var _ KVSMetaHost = metaHost{}

func TestKVS(t *testing.T) {
	host := mapHost{"greeting": "héllo", "cfg": `{"a":[1,2]}`, "bin": "\x00\xff"}
	type tc struct {
		name, body string
		host       Host
		want       string
	}
	for _, c := range []tc{
		{"string", `return await kvs().get("greeting");`, host, `"héllo"`},
		{"string format", `return await kvs().get("greeting", {format: "string"});`, host, `"héllo"`},
		{"json", `return (await kvs().get("cfg", {format: "json"})).a[1];`, host, `2`},
		{"bytes", `const b = await kvs().get("bin", {format: "bytes"}); return [b.length, b[0], b[1], b instanceof Uint8Array];`, host, `[2,0,255,true]`},
		{"missing rejects", `try { await kvs().get("nope"); return "found"; } catch (e) { return "rejected: " + e.message; }`, host, `"rejected: Key \"nope\" not found in KeyValueStore"`},
		{"exists", `return [await kvs().exists("cfg"), await kvs().exists("nope")];`, host, `[true,false]`},
		{"bad key", `try { await kvs().get(""); } catch (e) { return e.name; }`, host, `"TypeError"`},
		{"meta unsupported", `try { await kvs().meta(); } catch (e) { return e.message; }`, host, `"KeyValueStore metadata is not available"`},
		{"meta", `const m = await kvs().meta(); return [m.keyCount, m.creationDateTime];`, metaHost{host}, `[3,"2023-01-01T12:30:45.678Z"]`},
		{"no host", `kvs(); return 1;`, nil, "!Throw: Error: No KeyValueStore is associated"},
		{"kvs with id", `return await cf.kvs("a1b2c3").exists("cfg");`, host, `true`},
	} {
		src := "import cf from 'cloudfront';\nconst kvs = cf.kvs;\nasync function handler(event) {\n" + c.body + "\n}"
		res, err := run(t, src, Runtime20, `{}`, RunOptions{Host: c.host})
		checkOutcome(t, c.name, outcome(res, err), c.want)
	}
}

type panicHost struct{}

func (panicHost) KVSGet(string) ([]byte, bool) { panic("host bug") }

func TestHostPanic(t *testing.T) {
	pool := newTestPool(t, `import cf from 'cloudfront';
	async function handler() { try { await cf.kvs().get("k"); } catch (e) { return "swallowed"; } return "no"; }`, Runtime20, roomy)
	res, err := pool.Run(context.Background(), []byte(`{}`), RunOptions{Host: panicHost{}})
	if k, _ := kindOf(err); k != KindInternal || res == nil || res.Output != nil {
		t.Fatalf("got %v, %+v; want an Internal RunError", err, res)
	}
	if !strings.Contains(err.Error(), "host bug") {
		t.Errorf("error %q does not name the panic", err)
	}
	res = runOK(t, pool, `{}`)
	if string(res.Output) != `"swallowed"` {
		t.Errorf("next run: %s", res.Output)
	}
}

func TestRawQueryString(t *testing.T) {
	src := `function handler(event) {
		var r = event.request;
		return [typeof r.rawQueryString, r.rawQueryString(), Object.keys(r), JSON.stringify(r)];
	}`
	q := "a=1&b=%20"
	empty := ""
	for _, c := range []struct {
		name string
		raw  *string
		want string
	}{
		{"query", &q, `["function","a=1&b=%20",["uri"],"{\"uri\":\"/\"}"]`},
		{"bare ?", &empty, `["function","",["uri"],"{\"uri\":\"/\"}"]`},
		{"no ?", nil, `["function",null,["uri"],"{\"uri\":\"/\"}"]`},
	} {
		res, err := run(t, src, Runtime20, `{"request":{"uri":"/"}}`, RunOptions{RawQueryString: c.raw})
		checkOutcome(t, c.name, outcome(res, err), c.want)
	}
}

func TestEdgeLocation(t *testing.T) {
	src := `import cf from 'cloudfront';
	function handler() { return cf.edgeLocation; }`
	res, err := run(t, src, Runtime20, `{}`, RunOptions{})
	checkOutcome(t, "default", outcome(res, err), `{"name":"LOCAL","serverIp":"127.0.0.1","region":"local"}`)
	res, err = run(t, src, Runtime20, `{}`, RunOptions{EdgeLocation: &EdgeLocation{Name: "SEA", ServerIP: "10.0.0.1", Region: "us-west-2"}})
	checkOutcome(t, "custom", outcome(res, err), `{"name":"SEA","serverIp":"10.0.0.1","region":"us-west-2"}`)
}

func TestRequestID(t *testing.T) {
	_, err := run(t, `function handler() { throw new Error("x"); }`, Runtime20, `{}`, RunOptions{RequestID: "req-1"})
	re, ok := err.(*RunError)
	if !ok || re.RequestID != "req-1" || re.Stack == "" {
		t.Errorf("got %#v", err)
	}
}

func TestRuntimeModules(t *testing.T) {
	type tc struct {
		name string
		body string
		want map[Runtime]string
	}
	both := func(s string) map[Runtime]string { return map[Runtime]string{Runtime10: s, Runtime20: s} }
	for _, c := range []tc{
		{"crypto", `return typeof require('crypto').createHash;`, both(`"function"`)},
		{"querystring", `return typeof require('querystring').parse;`, both(`"function"`)},
		{"cloudfront", `return typeof require('cloudfront').kvs;`, map[Runtime]string{Runtime10: "!Throw: Error: Cannot find module 'cloudfront'", Runtime20: `"function"`}},
		{"buffer module", `return typeof require('buffer').Buffer.from;`, map[Runtime]string{Runtime10: "!Throw: Error: Cannot find module 'buffer'", Runtime20: `"function"`}},
		{"fs", `return require('fs');`, both("!Throw: Error: Cannot find module 'fs'")},
		{"globals", `return [typeof Buffer, typeof TextEncoder, typeof TextDecoder, typeof atob, typeof btoa];`, map[Runtime]string{
			Runtime10: `["undefined","undefined","undefined","undefined","undefined"]`,
			Runtime20: `["function","function","function","function","function"]`}},
		{"byte string helpers", `return [typeof String.bytesFrom, typeof "".toUTF8, typeof "".fromUTF8, typeof "".toBytes, typeof "".fromBytes];`, map[Runtime]string{
			Runtime10: `["function","function","function","function","function"]`,
			Runtime20: `["undefined","undefined","undefined","undefined","undefined"]`}},
		{"common globals", `return [typeof console.log, typeof global, global === globalThis, typeof require, typeof JSON, typeof Math.random()];`, both(`["function","object",true,"function","object","number"]`)},
		{"modules are shared and frozen", `var c = require('crypto'); return [c === require('crypto'), Object.isFrozen(c)];`, both(`[true,true]`)},
	} {
		for _, rt := range []Runtime{Runtime10, Runtime20} {
			checkOutcome(t, c.name+" "+string(rt), expr(t, rt, c.body), c.want[rt])
		}
	}
}
