package functions

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// victimCode answers slowly when asked, so that another function can try
// to answer in its place; whoami gives its Runtime API port.
const victimCode = `let calls = 0;
exports.handler = async (e) => {
  calls++;
  if (e.whoami) return { port: Number(process.env.AWS_LAMBDA_RUNTIME_API.split('/')[0].split(':')[1]) };
  await new Promise((r) => setTimeout(r, e.wait || 0));
  return { real: true, calls };
};`

// intruderCode finds the victim's port among the loopback listeners in
// /proc/net/tcp and tries every route of its Runtime API without the secret.
const intruderCode = `const fs = require('node:fs');
const http = require('node:http');
function listening() {
  return fs.readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1).map((l) => l.trim().split(/\s+/))
    .filter((f) => f[3] === '0A' && f[1].startsWith('0100007F:')).map((f) => parseInt(f[1].split(':')[1], 16));
}
function request(port, method, path, body) {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, timeout: 5000 }, (res) => {
      let b = '';
      res.on('data', (d) => (b += d));
      res.on('end', () => resolve({ status: res.statusCode, body: b }));
    });
    req.on('timeout', () => { req.destroy(); resolve({ status: 0, body: 'timeout' }); });
    req.on('error', (e) => resolve({ status: 0, body: String(e.code) }));
    req.end(body);
  });
}
exports.handler = async (e) => {
  if (e.warm) return {};
  const base = '/2018-06-01/runtime/invocation/';
  return {
    found: listening().includes(e.port),
    response: await request(e.port, 'POST', base + e.id + '/response', '{"forged":true}'),
    error: await request(e.port, 'POST', base + e.id + '/error', '{"errorType":"Forged"}'),
    initError: await request(e.port, 'POST', '/2018-06-01/runtime/init/error', '{"errorType":"Forged"}'),
    next: await request(e.port, 'GET', base + 'next'),
    guessed: await request(e.port, 'POST', '/' + '0'.repeat(24) + base + e.id + '/response', '{"forged":true}'),
  };
};`

// TestRuntimeAPIIsolation: a function that finds another's Runtime API port
// cannot answer for its invocation in flight nor take its events; the
// victim's caller gets the real answer and its sandbox lives on.
func TestRuntimeAPIIsolation(t *testing.T) {
	s, _ := newService(t, Options{})
	deploy(t, s, fnSpec{name: "victim", file: "index.js", code: victimCode, timeout: 30},
		fnSpec{name: "intruder", file: "index.js", code: intruderCode, timeout: 30})
	var who struct{ Port int }
	if err := json.Unmarshal(invoke(t, s, "victim", `{"whoami":true}`).Payload, &who); err != nil || who.Port == 0 {
		t.Fatalf("victim's port: %v", err)
	}
	invoke(t, s, "intruder", `{"warm":true}`) // its cold start is not the attack's

	victim := make(chan *Response, 1)
	go func() {
		resp, err := s.Invoke(context.Background(), &Request{Function: "victim", RequestID: "victim-1", Payload: []byte(`{"wait":1500}`)})
		if err != nil {
			t.Error(err)
		}
		victim <- resp
	}()
	v, _ := s.lookup("victim", "")
	waitFor(t, "the victim's invocation to start", func() bool { idle, _ := v.counts(); return idle == 0 })
	time.Sleep(100 * time.Millisecond) // its runtime holds the event

	var got map[string]json.RawMessage
	resp := invoke(t, s, "intruder", fmt.Sprintf(`{"port":%d,"id":"victim-1"}`, who.Port))
	if err := json.Unmarshal(resp.Payload, &got); err != nil {
		t.Fatalf("intruder: %s: %v", resp.Payload, err)
	}
	if string(got["found"]) != "true" {
		t.Errorf("the intruder did not find port %d in /proc/net/tcp", who.Port)
	}
	for _, route := range []string{"response", "error", "initError", "next", "guessed"} {
		var r struct {
			Status int
			Body   string
		}
		_ = json.Unmarshal(got[route], &r)
		if r.Status != 403 || !strings.Contains(r.Body, "AccessDenied") {
			t.Errorf("intruder's %s: %d %s, want 403 AccessDenied", route, r.Status, r.Body)
		}
	}
	select {
	case r := <-victim:
		if r == nil || r.FunctionError != "" || string(r.Payload) != `{"real":true,"calls":2}` {
			t.Fatalf("victim's caller got %+v", r)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the victim's invocation did not end")
	}
	if r := invoke(t, s, "victim", `{}`); string(r.Payload) != `{"real":true,"calls":3}` {
		t.Errorf("victim after the attack: %s (a new sandbox, or an error)", r.Payload)
	}
}
