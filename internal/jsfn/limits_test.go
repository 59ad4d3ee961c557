package jsfn

import (
	"context"
	"testing"
	"time"
)

type limitTest struct {
	name string
	body string
	kind ErrKind
}

var limitTests = []limitTest{
	{"endless loop", `for (;;) {}`, KindTimeout},
	{"endless loop caught", `for (;;) { try { for (;;) {} } catch (e) {} }`, KindTimeout},
	{"catastrophic regex", `return /^(a+)+$/.test('a'.repeat(30) + 'b');`, KindTimeout},
	{"endless async", `async function spin() { for (;;) { await null; } } return spin();`, KindTimeout},
	{"endless promise jobs", `function again() { return Promise.resolve().then(again); } return again();`, KindTimeout},
	{"sort with comparator", `var a = []; for (var i = 0; i < 1e6; i++) a.push(i % 977); a.sort(function (x, y) { return x - y; }); return 1;`, KindTimeout},
	{"huge string", `return 'x'.repeat(1 << 26).length;`, KindOutOfMemory},
	{"growing array", `var a = []; for (var i = 0; ; i++) { a.push(new Array(10000).fill(i)); } return a.length;`, KindOutOfMemory},
	{"growing string array", `var a = []; for (var i = 0; ; i++) { a.push('y'.repeat(100000) + i); } return a.length;`, KindOutOfMemory},
	{"big typed array", `return new Uint8Array(64 << 20).length;`, KindOutOfMemory},
	{"OOM caught and rethrown", `try { 'x'.repeat(1 << 26); } catch (e) { throw e; }`, KindOutOfMemory},
	{"deep recursion", `function f(n) { return f(n + 1) + 1; } return f(0);`, KindThrow},
}

// TestLimits: each runaway handler fails with the right kind, a timeout
// within three times the budget of compute (without the race detector),
// and the pool serves a normal run right after. The budget counts CPU
// time: on a loaded machine the wall time of a busy loop may be longer, up
// to the backstop. Running out of memory takes what it takes: filling the
// cap with a few big strings (measured: 10-35ms) gives the engine no
// occasion to poll for the interrupt.
func TestLimits(t *testing.T) {
	budget := 10 * time.Millisecond
	bound := 3 * budget
	if raceEnabled {
		// The race detector (with checkptr) slows the engine's built-ins
		// tenfold or more, and a built-in such as String.prototype.repeat
		// filling megabytes does not poll for the interrupt.
		budget, bound = 30*time.Millisecond, 3*time.Second
	}
	wallBound := bound
	if haveThreadCPUClock {
		wallBound += backstop(budget)
	}
	src := `function handler(event) {
		if (event.bad) { return bad(); }
		return event.n + 1;
	}
	function bad() { BODY }`
	for _, c := range limitTests {
		t.Run(c.name, func(t *testing.T) {
			pool := newTestPool(t, replaceBody(src, c.body), Runtime20, Limits{Compute: budget})
			start := time.Now()
			res, err := pool.Run(context.Background(), []byte(`{"bad":true}`), RunOptions{})
			took := time.Since(start)
			k, ok := kindOf(err)
			if !ok || k != c.kind {
				t.Fatalf("got %v (result %+v), want kind %v", err, res, c.kind)
			}
			if took > wallBound {
				t.Errorf("took %v, more than %v (budget %v)", took, wallBound, budget)
			}
			if res == nil || res.Compute > wallBound || c.kind == KindTimeout && res.Compute > bound {
				t.Fatalf("result %+v", res)
			}
			if c.kind == KindTimeout && haveThreadCPUClock && took < backstop(budget)*9/10 && res.Compute < budget {
				t.Errorf("timed out after %v of compute, under the budget %v", res.Compute, budget)
			}
			t.Logf("took %v, compute %v", took, res.Compute)
			for i := range 3 {
				res, err := pool.Run(context.Background(), []byte(`{"n":41}`), RunOptions{})
				if err != nil || string(res.Output) != "42" {
					t.Fatalf("normal run %d after: %v %+v", i, err, res)
				}
			}
		})
	}
}

func replaceBody(src, body string) string {
	const mark = "BODY"
	for i := 0; i+len(mark) <= len(src); i++ {
		if src[i:i+len(mark)] == mark {
			return src[:i] + body + src[i+len(mark):]
		}
	}
	return src
}

// TestLimitsDefault: the default 5ms budget stops an endless loop, on the
// CPU clock and on the wall clock.
func TestLimitsDefault(t *testing.T) {
	if raceEnabled {
		t.Skip("timing under the race detector")
	}
	for _, wall := range []bool{false, true} {
		pool := newModePool(t, `function handler() { for (;;) {} }`, Runtime10, Limits{}, 1, wall)
		start := time.Now()
		res, err := pool.Run(context.Background(), []byte(`{}`), RunOptions{})
		took := time.Since(start)
		if k, _ := kindOf(err); k != KindTimeout {
			t.Fatalf("%s: got %v", modeName(wall), err)
		}
		if res.Compute < DefaultCompute || res.Compute > 3*DefaultCompute {
			t.Errorf("%s: compute %v", modeName(wall), res.Compute)
		}
		if wall && took > 3*DefaultCompute {
			t.Errorf("%s: took %v", modeName(wall), took)
		}
		t.Logf("%s: took %v, compute %v", modeName(wall), took, res.Compute)
	}
}

// TestMemoryLimit: a function may hold well over CloudFront's 2 MB in small
// strings under the default cap (measured: about 2300 strings of 1000
// bytes, or one string of 3.8 MB), and no more.
func TestMemoryLimit(t *testing.T) {
	src := `function handler(e) { var a = []; for (var i = 0; i < e.n; i++) { a.push('z'.repeat(1024) + i); } return a.length; }`
	pool := newTestPool(t, src, Runtime20, Limits{Compute: 2 * time.Second, Memory: 4 << 20})
	for _, c := range []struct {
		kib  int
		fits bool
	}{{1024, true}, {1536, true}, {8192, false}, {1024, true}} {
		res, err := pool.Run(context.Background(), []byte(`{"n":`+itoa(c.kib)+`}`), RunOptions{})
		if c.fits && err != nil {
			t.Errorf("%d KiB: %v", c.kib, err)
		}
		if !c.fits {
			if k, _ := kindOf(err); k != KindOutOfMemory {
				t.Errorf("%d KiB: got %v %+v, want OutOfMemory", c.kib, err, res)
			}
		}
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// TestContextCancel: a run ends when its context does.
func TestContextCancel(t *testing.T) {
	pool := newTestPool(t, `function handler(e) { if (e.spin) { for (;;) {} } return 1; }`, Runtime20, Limits{Compute: 10 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := pool.Run(ctx, []byte(`{"spin":true}`), RunOptions{})
	if err == nil || ctx.Err() == nil {
		t.Fatalf("got %v", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("took %v", took)
	}
	if _, err := pool.Run(ctx, []byte(`{}`), RunOptions{}); err != context.DeadlineExceeded {
		t.Errorf("ended context: %v", err)
	}
	res := runOK(t, pool, `{}`)
	if string(res.Output) != "1" {
		t.Errorf("after: %s", res.Output)
	}
}
