package jsfn

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// newModePool is newTestPool with size VMs and the budget on the wall clock
// when wall is set.
func newModePool(t testing.TB, src string, rt Runtime, lim Limits, size int, wall bool) *Pool {
	t.Helper()
	p := mustCompile(t, src, rt, lim)
	p.wallClock = wall
	pool := NewPool(p, size)
	t.Cleanup(pool.Close)
	return pool
}

func modeName(wall bool) string {
	if wall {
		return "wall"
	}
	return "cpu"
}

// sleepyHost's KVSGet blocks, off the CPU, before it answers.
type sleepyHost time.Duration

func (h sleepyHost) KVSGet(string) ([]byte, bool) {
	time.Sleep(time.Duration(h))
	return []byte("v"), true
}

// TestComputeBlockingHost: time a run spends blocked in a host function
// is not compute. A KeyValueStore read that blocks three times the budget
// passes, and Result.Compute stays under the budget; on the wall clock the
// same run times out.
func TestComputeBlockingHost(t *testing.T) {
	if !haveThreadCPUClock {
		t.Skip("no thread CPU clock: the budget is wall time")
	}
	budget := 5 * time.Millisecond
	if raceEnabled {
		budget = 20 * time.Millisecond
	}
	block := 3 * budget
	src := `import cf from 'cloudfront';
	async function handler(event) { return await cf.kvs().get("k"); }`
	for _, wall := range []bool{false, true} {
		pool := newModePool(t, src, Runtime20, Limits{Compute: budget}, 1, wall)
		start := time.Now()
		res, err := pool.Run(context.Background(), []byte(`{}`), RunOptions{Host: sleepyHost(block)})
		took := time.Since(start)
		if wall {
			if k, _ := kindOf(err); k != KindTimeout {
				t.Errorf("wall clock: got %v, want a timeout", err)
			}
			continue
		}
		if err != nil || string(res.Output) != `"v"` {
			t.Fatalf("cpu: got %v %+v", err, res)
		}
		if took < block || res.Compute >= budget {
			t.Errorf("cpu: took %v, compute %v; want at least %v and under %v", took, res.Compute, block, budget)
		}
		t.Logf("cpu: took %v, compute %v", took, res.Compute)
	}
	// The backstop: blocking past it is a timeout.
	if !raceEnabled {
		pool := newModePool(t, src, Runtime20, Limits{Compute: budget}, 1, false)
		res, err := pool.Run(context.Background(), []byte(`{}`), RunOptions{Host: sleepyHost(backstop(budget) + 20*time.Millisecond)})
		if k, _ := kindOf(err); k != KindTimeout || res == nil || res.Compute >= budget {
			t.Errorf("past the backstop: got %v %+v, want a timeout", err, res)
		}
	}
}

// TestComputeUnderLoad: 4×GOMAXPROCS runs at once of a handler that takes
// about a tenth of the 5ms budget in CPU time (50ms with the race detector), while GOMAXPROCS other
// goroutines burn CPU, all on their own P (GOMAXPROCS is raised for the
// test), so that the kernel time-slices their threads on the cores as
// other processes would. The runs' wall time goes well over the budget,
// their CPU time does not (it grows too, up to three or four times, with
// cold caches): none times out. The same runs on the wall clock are logged
// for contrast (some time out when the scheduler is busy) but not asserted:
// whether they do depends on the machine's load, not on our code.
func TestComputeUnderLoad(t *testing.T) {
	if !haveThreadCPUClock {
		t.Skip("no thread CPU clock: the budget is wall time")
	}
	if testing.Short() {
		t.Skip("short")
	}
	budget := 5 * time.Millisecond
	if raceEnabled {
		budget = 50 * time.Millisecond // a bare run takes some 2ms
	}
	target := budget / 10
	src := `function handler(e) { var x = 0; for (var i = 0; i < e.n; i++) { x = (x * 31 + i) % 1000003; } return x; }`

	// Calibrate the loop to about target of CPU, unloaded: the fixed cost
	// of a run, then that of an iteration.
	cal := newModePool(t, src, Runtime10, roomy, 1, false)
	least := func(n int) time.Duration {
		c := time.Duration(1 << 62)
		for range 5 {
			c = min(c, runOK(t, cal, `{"n":`+itoa(n)+`}`).Compute)
		}
		return c
	}
	const n0 = 20000
	fixed, per := least(0), least(n0)
	n := 0
	if per > fixed && target > fixed {
		n = int(int64(n0) * int64(target-fixed) / int64(per-fixed))
	}
	event := []byte(`{"n":` + itoa(n) + `}`)
	t.Logf("a run takes %v of CPU, with %d iterations %v: %d for %v", fixed, n0, per, n, target)

	procs := runtime.GOMAXPROCS(0)
	runners, rounds := 4*procs, 10
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(runners + procs))
	for _, wall := range []bool{false, true} {
		pool := newModePool(t, src, Runtime10, Limits{Compute: budget}, runners, wall)
		for range runners { // warm every VM
			runOK(t, pool, `{"n":1}`)
		}
		done := make(chan struct{})
		var burners sync.WaitGroup
		for range procs {
			burners.Go(func() {
				for x := 0; ; x++ {
					if x%4096 == 0 {
						select {
						case <-done:
							return
						default:
						}
					}
				}
			})
		}
		var timeouts, runs atomic.Int64
		var mu sync.Mutex
		var maxWall, maxCompute time.Duration
		var wg sync.WaitGroup
		for range runners {
			wg.Go(func() {
				for range rounds {
					start := time.Now()
					res, err := pool.Run(context.Background(), event, RunOptions{})
					took := time.Since(start)
					runs.Add(1)
					if k, ok := kindOf(err); ok && k == KindTimeout {
						timeouts.Add(1)
					} else if err != nil {
						t.Errorf("%s: %v", modeName(wall), err)
						return
					}
					mu.Lock()
					maxWall = max(maxWall, took)
					if res != nil {
						maxCompute = max(maxCompute, res.Compute)
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		close(done)
		burners.Wait()
		t.Logf("%s: %d runs, %d timeouts, longest %v wall, %v compute", modeName(wall), runs.Load(), timeouts.Load(), maxWall, maxCompute)
		if !wall && timeouts.Load() != 0 {
			t.Errorf("cpu: %d of %d runs timed out (longest %v wall, %v compute)", timeouts.Load(), runs.Load(), maxWall, maxCompute)
		}
	}
}

// BenchmarkMeter is the cost of measuring one run on the CPU clock: lock
// the thread, read its id and CPU clock twice, arm and stop the watchdog.
func BenchmarkMeter(b *testing.B) {
	if !haveThreadCPUClock {
		b.Skip("no thread CPU clock")
	}
	m := meter{budget: DefaultCompute}
	b.ReportAllocs()
	for b.Loop() {
		m.begin(time.Now())
		m.end()
	}
}

// TestCoarseCompute: with RunOptions.CoarseCompute a short run reports its
// wall time, which bounds its CPU time; a run the watchdog looked at (one
// blocked past the budget, one that spends it) still reports its exact CPU
// time, and the budget is enforced as without the option.
func TestCoarseCompute(t *testing.T) {
	if !haveThreadCPUClock {
		t.Skip("no thread CPU clock: the budget is wall time")
	}
	budget := 5 * time.Millisecond
	if raceEnabled {
		budget = 20 * time.Millisecond
	}
	type tc struct {
		name, src  string
		host       Host
		wantKind   ErrKind // KindInvalid for success
		underWall  bool    // Compute at most the wall time
		underLimit bool    // Compute under the budget
	}
	block := 3 * budget
	for _, c := range []tc{
		{"short", `function handler(e) { return e.n + 1; }`, nil, KindInvalid, true, true},
		{"blocked host", `import cf from 'cloudfront';
		async function handler(e) { return await cf.kvs().get("k"); }`, sleepyHost(block), KindInvalid, true, true},
		{"endless loop", `function handler(e) { for (;;) {} }`, nil, KindTimeout, true, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			pool := newModePool(t, c.src, Runtime20, Limits{Compute: budget}, 1, false)
			opts := RunOptions{Host: c.host, CoarseCompute: true}
			start := time.Now()
			res, err := pool.Run(context.Background(), []byte(`{"n":1}`), opts)
			took := time.Since(start)
			if c.wantKind == KindInvalid && err != nil {
				t.Fatalf("got %v", err)
			}
			if k, _ := kindOf(err); c.wantKind != KindInvalid && k != c.wantKind {
				t.Fatalf("got %v, want kind %v", err, c.wantKind)
			}
			if res == nil {
				t.Fatal("no result")
			}
			if res.Compute <= 0 || c.underWall && res.Compute > took {
				t.Fatalf("compute %v, wall %v", res.Compute, took)
			}
			if c.underLimit != (res.Compute < budget) {
				t.Errorf("compute %v, budget %v: under it should be %v", res.Compute, budget, c.underLimit)
			}
		})
	}
}
