package jsfn

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestPoolConcurrent runs 8 goroutines × 200 runs on a pool of 4 VMs; each
// run must see its own event and a fresh module state.
func TestPoolConcurrent(t *testing.T) {
	src := `var calls = 0;
	function handler(event) {
		calls++;
		var r = event.request;
		r.headers['x-who'] = {value: event.g + '/' + event.i + '/' + calls};
		if (event.i % 50 === 49) { throw new Error('planned'); }
		return r;
	}`
	pool := NewPool(mustCompile(t, src, Runtime20, roomy), 4)
	defer pool.Close()
	const goroutines, runs = 8, 200
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range runs {
				ev := fmt.Sprintf(`{"g":%d,"i":%d,"request":{"headers":{}}}`, g, i)
				res, err := pool.Run(context.Background(), []byte(ev), RunOptions{Now: fixedNow})
				if i%50 == 49 {
					if k, _ := kindOf(err); k != KindThrow {
						errs <- fmt.Errorf("g%d run %d: got %v, want a throw", g, i, err)
						return
					}
					continue
				}
				want := fmt.Sprintf(`{"headers":{"x-who":{"value":"%d/%d/1"}}}`, g, i)
				if err != nil || string(res.Output) != want {
					errs <- fmt.Errorf("g%d run %d: %v %s, want %s", g, i, err, outputOf(res), want)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	st := pool.Stats()
	if st.Discarded < goroutines*runs/50 {
		t.Errorf("stats %+v: the VMs that threw were not all discarded", st)
	}
	if st.Created-st.Discarded > 4 {
		t.Errorf("stats %+v: more than 4 VMs alive", st)
	}
}

func outputOf(res *Result) string {
	if res == nil {
		return "<nil>"
	}
	return string(res.Output)
}

func TestPoolRecycle(t *testing.T) {
	pool := NewPool(mustCompile(t, `function handler() { globalThis.n = (globalThis.n || 0) + 1; return globalThis.n; }`, Runtime20, roomy), 1)
	defer pool.Close()
	pool.recycleAfter = 5
	var got []string
	for range 12 {
		got = append(got, string(runOK(t, pool, `{}`).Output))
	}
	// globalThis persists within a VM (unlike the file's own variables),
	// until the VM is recycled.
	want := "[1 2 3 4 5 1 2 3 4 5 1 2]"
	if fmt.Sprint(got) != want {
		t.Errorf("outputs %v, want %s", got, want)
	}
	if st := pool.Stats(); st.Discarded != 2 || st.Created != 3 {
		t.Errorf("stats %+v", st)
	}
}

func TestPoolWait(t *testing.T) {
	pool := NewPool(mustCompile(t, `function handler(e) { var end = Date.now(); if (e.busy) { for (var i = 0; i < 5e7 && !globalThis.stop; i++) {} } return 1; }`, Runtime20, Limits{Compute: 300 * time.Millisecond}), 1)
	defer pool.Close()
	busy := make(chan error, 1)
	go func() {
		_, err := pool.Run(context.Background(), []byte(`{"busy":true}`), RunOptions{})
		busy <- err
	}()
	for pool.Stats().Idle != 0 {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := pool.Run(ctx, []byte(`{}`), RunOptions{}); err != context.DeadlineExceeded {
		t.Errorf("waiting run: %v", err)
	}
	<-busy
	if res := runOK(t, pool, `{}`); string(res.Output) != "1" {
		t.Errorf("after: %s", res.Output)
	}
}

func TestPoolClose(t *testing.T) {
	pool := NewPool(mustCompile(t, `function handler() { return 1; }`, Runtime10, roomy), 3)
	runOK(t, pool, `{}`)
	pool.Close()
	pool.Close()
	if _, err := pool.Run(context.Background(), []byte(`{}`), RunOptions{}); err != ErrClosed {
		t.Errorf("after Close: %v", err)
	}
}

// TestPoolCloseBusy: a VM busy when the pool closes is closed after its run.
func TestPoolCloseBusy(t *testing.T) {
	pool := NewPool(mustCompile(t, `function handler(e) { for (var i = 0; i < 3e5; i++) {} return 1; }`, Runtime10, roomy), 2)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := pool.Run(context.Background(), []byte(`{}`), RunOptions{})
			if err != nil && err != ErrClosed {
				t.Errorf("run: %v", err)
			} else if err == nil && string(res.Output) != "1" {
				t.Errorf("run: %s", res.Output)
			}
		}()
	}
	time.Sleep(2 * time.Millisecond)
	pool.Close()
	wg.Wait()
	if st := pool.Stats(); st.Idle != 0 {
		t.Errorf("stats after close %+v", st)
	}
}

// TestPoolBadVM: a program whose VM cannot be made fails every run with
// an error, not a panic.
func TestPoolBadVM(t *testing.T) {
	pool := NewPool(mustCompile(t, `function handler() { return 1; }`, Runtime20, Limits{Memory: 64 << 10}), 1)
	defer pool.Close()
	for range 2 {
		if res, err := pool.Run(context.Background(), []byte(`{}`), RunOptions{}); err == nil || res != nil {
			t.Errorf("got %+v, %v", res, err)
		}
	}
}
