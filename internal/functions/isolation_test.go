package functions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/verge-edge/verge/internal/sandbox"
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
// secrets are the Runtime API addresses of other processes it can read.
function secrets() {
  const own = process.env.AWS_LAMBDA_RUNTIME_API;
  const found = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const v = fs.readFileSync('/proc/' + pid + '/environ', 'latin1').split('\0').find((kv) => kv.startsWith('AWS_LAMBDA_RUNTIME_API='));
      if (v && v !== 'AWS_LAMBDA_RUNTIME_API=' + own) found.push(v);
    } catch {}
  }
  return found;
}
exports.handler = async (e) => {
  if (e.warm) return {};
  const base = '/2018-06-01/runtime/invocation/';
  return {
    found: listening().includes(e.port),
    secrets: secrets(),
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
	// Another user namespace's environ is closed to it (commoncap's ptrace
	// check); without namespaces, a process of the same user reads it.
	if sandbox.Mechanisms().Namespaces && string(got["secrets"]) != "[]" {
		t.Errorf("the intruder read other sandboxes' secrets in /proc/*/environ: %s", got["secrets"])
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

// TestFrozenWhileIdle: an interval timer makes no progress while its
// sandbox waits for an event, beyond FreezeDelay.
func TestFrozenWhileIdle(t *testing.T) {
	s, _ := newService(t, Options{})
	deploy(t, s, fnSpec{name: "ticker", file: "index.js", code: `const fs = require('node:fs');
const file = require('node:path').join(require('node:os').tmpdir(), 'ticks');
fs.writeFileSync(file, '');
setInterval(() => fs.appendFileSync(file, 'x'), 5);
exports.handler = async () => fs.statSync(file).size;`})
	ticks := func() int {
		n, err := strconv.Atoi(string(invoke(t, s, "ticker", `{}`).Payload))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	// Unfrozen, 500 ms are about 100 ticks; frozen after FreezeDelay, about 10.
	limit := int(FreezeDelay/(5*time.Millisecond)) + 20
	before := ticks()
	for i := range 2 {
		time.Sleep(500 * time.Millisecond)
		after := ticks()
		t.Logf("idle %d: %d ticks in 500 ms", i, after-before)
		if after-before > limit {
			t.Errorf("idle %d: %d ticks in 500 ms, want at most %d (frozen after %v)", i, after-before, limit, FreezeDelay)
		}
		before = after
	}
}

// TestDeadIdleSandbox: a runtime that crashes in a timer after answering
// dies while idle; the next invocation runs on a new sandbox, and the dead
// one is counted.
func TestDeadIdleSandbox(t *testing.T) {
	s, _ := newService(t, Options{})
	deploy(t, s, fnSpec{name: "crasher", file: "index.js", code: `const id = Math.random();
exports.handler = async () => {
  setTimeout(() => { throw new Error('crash after answering'); }, 10);
  return id;
};`})
	first := invoke(t, s, "crasher", `{}`)
	if first.FunctionError != "" {
		t.Fatalf("first invocation: %s", first.Payload)
	}
	v, _ := s.lookup("crasher", "")
	waitFor(t, "the idle runtime to crash", func() bool {
		v.mu.Lock()
		defer v.mu.Unlock()
		return len(v.idle) == 1 && v.idle[0].proc.Exited()
	})
	second := invoke(t, s, "crasher", `{}`)
	if second.FunctionError != "" || string(second.Payload) == string(first.Payload) {
		t.Fatalf("second invocation: %s %s (first ran on %s), want success on a new sandbox", second.FunctionError, second.Payload, first.Payload)
	}
	if n := counterValue(s.metrics.idleDeaths.WithLabelValues("crasher")); n != 1 {
		t.Errorf("idle deaths = %v, want 1", n)
	}
	if n := counterValue(s.metrics.coldStarts.WithLabelValues("crasher")); n != 2 {
		t.Errorf("cold starts = %v, want 2", n)
	}
	if _, alive := v.counts(); alive != 1 {
		t.Errorf("%d sandboxes alive, want 1 (the dead one closed)", alive)
	}
}

// counterValue reads a counter.
func counterValue(c prometheus.Counter) float64 {
	var m dto.Metric
	_ = c.Write(&m)
	return m.GetCounter().GetValue()
}

// TestUndeliveredRetried: a runtime that dies after the idle check but
// before it gets the event (here: its endpoint learns of an exit first)
// costs the caller nothing: the event runs on a new sandbox.
func TestUndeliveredRetried(t *testing.T) {
	s, _ := newService(t, Options{})
	deploy(t, s, fnSpec{name: "f", file: "index.js", code: `const id = Math.random();
exports.handler = async () => id;`})
	first := invoke(t, s, "f", `{}`)
	v, _ := s.lookup("f", "")
	waitFor(t, "the sandbox to be idle", func() bool { // it goes back once its runtime asks for the next event
		v.mu.Lock()
		defer v.mu.Unlock()
		return len(v.idle) == 1
	})
	v.mu.Lock()
	v.idle[0].api.Exited(errors.New("gone between the check and the event"))
	v.mu.Unlock()
	second := invoke(t, s, "f", `{}`)
	if second.FunctionError != "" || string(second.Payload) == string(first.Payload) {
		t.Fatalf("second invocation: %s %s (first ran on %s), want success on a new sandbox", second.FunctionError, second.Payload, first.Payload)
	}
	if n := counterValue(s.metrics.idleDeaths.WithLabelValues("f")); n != 1 {
		t.Errorf("idle deaths = %v, want 1", n)
	}
	if n := counterValue(s.metrics.invocations.WithLabelValues("f")); n != 2 {
		t.Errorf("invocations = %v, want 2 (the undelivered attempt is not one)", n)
	}
}
