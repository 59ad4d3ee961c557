package async

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/errs"
)

// gauge is a function that runs at most limit invocations at once and
// throttles the next, as the functions service does at a reserved
// concurrency. It counts the most that ran at once.
type gauge struct {
	mu        sync.Mutex
	limit     int
	running   int
	most      int // since the last mark
	throttles int
	done      int
	ids       map[string]int // invocations that ran, by request id
	work      func(ctx context.Context)
}

func newGauge(limit int, work func(ctx context.Context)) *gauge {
	return &gauge{limit: limit, work: work, ids: map[string]int{}}
}

func (g *gauge) invoke(ctx context.Context, _ int, c call) (Result, error) {
	g.mu.Lock()
	if g.running >= g.limit {
		g.throttles++
		g.mu.Unlock()
		return Result{}, errs.E(errs.Throttled, c.fn, "reserved concurrency reached")
	}
	g.running++
	g.most = max(g.most, g.running)
	g.ids[c.id]++
	work := g.work
	g.mu.Unlock()
	work(ctx)
	g.mu.Lock()
	g.running--
	g.done++
	g.mu.Unlock()
	return Result{}, nil
}

// mark sets a new limit and work for the invocations that start from now
// on, and counts the most at once afresh.
func (g *gauge) mark(limit int, work func(ctx context.Context)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.limit, g.work, g.most = limit, work, 0
}

func (g *gauge) read() (running, most, throttles, done int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.running, g.most, g.throttles, g.done
}

// waitUntil polls until cond holds.
func (g *gauge) waitUntil(t *testing.T, what string, cond func(running, done int) bool) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for {
		running, _, _, done := g.read()
		if cond(running, done) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v (running %d, done %d)", what, wait, running, done)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// check fails the test unless every one of n events ran exactly once,
// none was throttled and at most want (and at some point want) ran at once.
func (g *gauge) check(t *testing.T, n, want int) {
	t.Helper()
	_, most, throttles, done := g.read()
	if throttles != 0 {
		t.Errorf("%d invocations throttled, want none", throttles)
	}
	if most != want {
		t.Errorf("at most %d ran at once, want %d", most, want)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if done != n || len(g.ids) != n {
		t.Errorf("%d invocations of %d events, want %d of %d", done, len(g.ids), n, n)
	}
	for id, k := range g.ids {
		if k != 1 {
			t.Errorf("event %s ran %d times", id, k)
		}
	}
}

func sleep(d time.Duration) func(context.Context) {
	return func(ctx context.Context) {
		select {
		case <-time.After(d):
		case <-ctx.Done():
		}
	}
}

// TestConcurrency queues a backlog and checks that it drains at the
// function's own pace: as many at once as the function may run (its
// reserved concurrency, else Options.Concurrency), none throttled, in about
// events × duration / concurrency. Before, the worker ran up to 32 at once
// and a function with a reserved concurrency of 1 throttled the rest, which
// backed off for seconds to minutes.
func TestConcurrency(t *testing.T) {
	type tc struct {
		name     string
		opts     int // Options.Concurrency
		reserved int // Config.Concurrency
		want     int // the function's concurrency
		events   int
	}
	const d = 100 * time.Millisecond
	for _, c := range []tc{
		{"reserved 1", 0, 1, 1, 10},
		{"reserved 3", 0, 3, 3, 12},
		{"reserved above the default", 0, DefaultConcurrency + 8, DefaultConcurrency + 8, 2 * (DefaultConcurrency + 8)},
		{"none reserved, a smaller account", 2, 0, 2, 8},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := openBroker(t, t.TempDir())
			ready := make(chan struct{})
			g := newGauge(c.want, func(ctx context.Context) {
				<-ready // the whole backlog is queued before any ends
				sleep(d)(ctx)
			})
			q := newQueue(t, b, Options{Invoker: newInvoker(map[string]behaviour{"f": g.invoke}), Concurrency: c.opts})
			q.Configure(map[string]Config{"f": {Concurrency: c.reserved}})
			for i := range c.events {
				enqueue(t, q, "f", strconv.Itoa(i))
			}
			start := time.Now()
			close(ready)
			g.waitUntil(t, "all events done", func(_, done int) bool { return done >= c.events })
			took := time.Since(start)
			g.check(t, c.events, c.want)
			ideal := time.Duration((c.events+c.want-1)/c.want) * d
			// A throttle alone would cost a second (DefaultThrottleDelay).
			if took < ideal || took > 2*ideal+time.Second {
				t.Errorf("drained in %v, want about %v", took, ideal)
			}
			waitPending(t, q, "f", 0)
		})
	}
}

// TestConfigureConcurrency changes a function's concurrency while a
// backlog waits and all its slots are busy: the events that start after
// the change run as many at once as the new concurrency, none is throttled
// and none is held until its AckWait (33 s here) for lack of a slot when
// the pull's buffer, sized for the old concurrency, is given back.
func TestConfigureConcurrency(t *testing.T) {
	type tc struct {
		name     string
		from, to int
	}
	const (
		events = 12
		d      = 100 * time.Millisecond
	)
	for _, c := range []tc{
		{"up", 1, 3},
		{"down", 4, 1},
		{"down from the default", 0, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := openBroker(t, t.TempDir())
			from := c.from
			if from == 0 {
				from = DefaultConcurrency
			}
			release := make(chan struct{})
			g := newGauge(from, func(ctx context.Context) {
				select {
				case <-release:
				case <-ctx.Done():
				}
			})
			q := newQueue(t, b, Options{Invoker: newInvoker(map[string]behaviour{"f": g.invoke})})
			q.Configure(map[string]Config{"f": {Concurrency: c.from}})
			n := events + from
			for i := range n {
				enqueue(t, q, "f", strconv.Itoa(i))
			}
			g.waitUntil(t, "every slot busy", func(running, _ int) bool { return running == from })
			// No invocation can start now: every slot waits for release.
			g.mark(c.to, sleep(d))
			q.Configure(map[string]Config{"f": {Concurrency: c.to}})
			start := time.Now()
			close(release)
			g.waitUntil(t, "all events done", func(_, done int) bool { return done >= n })
			took := time.Since(start)
			g.check(t, n, c.to)
			ideal := time.Duration((events+c.to-1)/c.to) * d
			if took > 2*ideal+time.Second {
				t.Errorf("the rest drained in %v after the change, want about %v", took, ideal)
			}
			waitPending(t, q, "f", 0)
		})
	}
}
