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
// about 2ms of CPU, with a 5ms budget, while other goroutines burn CPU.
// Their wall time is well over the budget (they wait for a P, and for the
// machine's cores), their CPU time is not: none times out. On the wall
// clock, some do.
func TestComputeUnderLoad(t *testing.T) {
	if !haveThreadCPUClock {
		t.Skip("no thread CPU clock: the budget is wall time")
	}
	if testing.Short() {
		t.Skip("short")
	}
	const budget = 5 * time.Millisecond
	const target = 2 * time.Millisecond
	src := `function handler(e) { var x = 0; for (var i = 0; i < e.n; i++) { x = (x * 31 + i) % 1000003; } return x; }`

	// Calibrate the loop to about target of CPU (the race detector slows
	// the engine some tenfold).
	cal := newModePool(t, src, Runtime10, roomy, 1, false)
	const n0 = 20000
	per := time.Duration(1 << 62)
	for range 5 {
		res := runOK(t, cal, `{"n":`+itoa(n0)+`}`)
		per = min(per, res.Compute)
	}
	n := int(int64(n0) * int64(target) / int64(per))
	event := []byte(`{"n":` + itoa(n) + `}`)
	t.Logf("%d iterations in %v of CPU: %d for %v", n0, per, n, target)

	procs := runtime.GOMAXPROCS(0)
	runners, rounds := 4*procs, 5
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
		if wall && timeouts.Load() == 0 {
			t.Errorf("wall: no run timed out (longest %v): the load did not show", maxWall)
		}
	}
}
