package jsfn

import (
	"context"
	"testing"
)

// pureEvent is a viewer-response event with every part a function may read.
const pureEvent = `{"version":"1.0","context":{"eventType":"viewer-response","requestId":"r1"},` +
	`"viewer":{"ip":"198.51.100.1"},"request":{"method":"GET","uri":"/a","querystring":{},"headers":{},"cookies":{}},` +
	`"response":{"statusCode":200,"headers":{"etag":{"value":"\"x\""}},"cookies":{}}}`

func TestCheckPure(t *testing.T) {
	type tc struct {
		name, src string
		check     bool
		host      Host
		want      bool
	}
	const add = `event.response.headers['x-a'] = {value: 'b'}; return event.response;`
	for _, c := range []tc{
		{"response only", `function handler(event) { ` + add + ` }`, true, nil, true},
		{"not asked", `function handler(event) { ` + add + ` }`, false, nil, false},
		{"version", `function handler(event) { event.response.headers.v = {value: event.version}; return event.response; }`, true, nil, true},
		{"fixed date", `function handler(event) { event.response.headers.d = {value: new Date(0).toISOString()}; return event.response; }`, true, nil, true},
		{"crypto", `const c = require('crypto'); function handler(event) { event.response.headers.h = {value: c.createHash('sha256').update('a').digest('hex')}; return event.response; }`, true, nil, true},
		{"request read", `function handler(event) { if (event.request.uri) {} ` + add + ` }`, true, nil, false},
		{"request written", `function handler(event) { event.request = null; ` + add + ` }`, true, nil, false},
		{"context", `function handler(event) { var id = event.context.requestId; ` + add + ` }`, true, nil, false},
		{"viewer", `function handler(event) { var ip = event.viewer.ip; ` + add + ` }`, true, nil, false},
		{"whole event", `function handler(event) { return {statusCode: 200, body: JSON.stringify(event)}; }`, true, nil, false},
		{"date now", `function handler(event) { Date.now(); ` + add + ` }`, true, nil, false},
		{"new date", `function handler(event) { new Date(); ` + add + ` }`, true, nil, false},
		{"date string", `function handler(event) { Date(); ` + add + ` }`, true, nil, false},
		{"date at top level", `var t = Date.now(); function handler(event) { ` + add + ` }`, true, nil, false},
		{"random", `function handler(event) { Math.random(); ` + add + ` }`, true, nil, false},
		{"log", `function handler(event) { console.log('x'); ` + add + ` }`, true, nil, false},
		{"kvs", `import cf from 'cloudfront';` + "\n" + `function handler(event) { cf.kvs().exists('k'); ` + add + ` }`, true, mapHost{}, false},
		{"async", `async function handler(event) { ` + add + ` }`, true, nil, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, err := run(t, c.src, Runtime20, pureEvent, RunOptions{CheckPure: c.check, Host: c.host})
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			if res.Pure != c.want {
				t.Errorf("Pure = %v, want %v (output %s)", res.Pure, c.want, res.Output)
			}
		})
	}
}

// TestCheckPureKeepsEvent checks that watching the event's parts leaves
// what the function sees and returns as without the check.
func TestCheckPureKeepsEvent(t *testing.T) {
	src := `function handler(event) {
	event.request.uri = '/b';
	return {keys: Object.keys(event), uri: event.request.uri, ctx: event.context, json: JSON.parse(JSON.stringify(event)).viewer};
}`
	pool := newTestPool(t, src, Runtime20, roomy)
	var outs [2]string
	for i, check := range []bool{false, true} {
		res, err := pool.Run(context.Background(), []byte(pureEvent), RunOptions{Now: fixedNow, CheckPure: check})
		if err != nil {
			t.Fatalf("run: %v", err)
		}
		outs[i] = string(res.Output)
	}
	if outs[0] != outs[1] {
		t.Errorf("with CheckPure %s, without %s", outs[1], outs[0])
	}
	const want = `{"keys":["version","context","viewer","request","response"],"uri":"/b","ctx":{"eventType":"viewer-response","requestId":"r1"},"json":{"ip":"198.51.100.1"}}`
	if outs[1] != want {
		t.Errorf("got %s, want %s", outs[1], want)
	}
}
