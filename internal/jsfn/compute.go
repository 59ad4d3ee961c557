package jsfn

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"modernc.org/quickjs"
)

// The compute budget counts the CPU time of the OS thread a run executes
// on: the run keeps its goroutine on that thread (runtime.LockOSThread)
// from its first entry into the VM to its last, and a watchdog timer reads
// the thread's CPU clock from outside. Time the thread spends off the CPU
// (another goroutine or process has the core, a Go preemption, a stop of
// the world, a host function that blocks) does not count, as CloudFront
// counts compute, not elapsed, time. A wall-clock limit, the engine's eval
// timeout, is the backstop. Without a thread CPU clock (not Linux) the
// budget is wall time, as the eval timeout alone.

const (
	// minRearm is the shortest wait before the watchdog looks again.
	minRearm = 200 * time.Microsecond
	// reinterrupt is how often the watchdog repeats its interrupt once the
	// budget is spent, until the run ends: each entry into the VM clears a
	// pending interrupt.
	reinterrupt = time.Millisecond
)

// backstop is the wall-clock limit of a run whose budget counts CPU time.
// It is there for a run held off the CPU, not for load: with the cores
// oversubscribed, runs of 0.5ms of CPU were measured at up to 110ms of wall
// time (190ms when Go's run queues were long too), so it is generous.
func backstop(budget time.Duration) time.Duration {
	return max(100*budget, 500*time.Millisecond)
}

// meter measures the compute of a VM's runs and interrupts a run that
// spends its budget. A VM has one, and one timer that it re-arms every run.
type meter struct {
	q      *quickjs.VM
	budget time.Duration
	// wallOnly makes every run count wall time (Program.wallClock, a test
	// hook, or no thread CPU clock).
	wallOnly bool
	// coarse lets end skip its clock read (RunOptions.CoarseCompute); set
	// before begin.
	coarse bool

	// Set by begin, for the run; only the run's goroutine writes them.
	start     time.Time
	cpu       bool          // the run counts the CPU time of its thread
	wallLimit time.Duration // the eval timeout: the budget, or the backstop

	// mu orders the watchdog with begin and end: the watchdog interrupts
	// only while active, so no interrupt reaches a later run.
	mu     sync.Mutex
	timer  *time.Timer
	active bool
	clock  threadCPUClock
	cpu0   time.Duration // the thread's CPU time at begin
	// looked is set when the watchdog read the clock during the run: the
	// run was long enough for its exact compute to matter.
	looked bool

	// spent is set by the watchdog when the run's CPU time reached the
	// budget.
	spent atomic.Bool
}

// begin starts measuring a run that starts now, on the calling goroutine.
// In CPU mode it locks the goroutine to its thread until end.
func (m *meter) begin(start time.Time) {
	m.start = start
	m.spent.Store(false)
	m.cpu = false
	m.wallLimit = m.budget
	if m.wallOnly {
		return
	}
	runtime.LockOSThread()
	c := currentThreadCPUClock()
	cpu0, ok := c.read()
	if !ok {
		runtime.UnlockOSThread()
		return
	}
	m.cpu = true
	m.wallLimit = backstop(m.budget)
	m.mu.Lock()
	m.active, m.clock, m.cpu0, m.looked = true, c, cpu0, false
	if m.timer == nil {
		m.timer = time.AfterFunc(m.budget, m.fire)
	} else {
		m.timer.Reset(m.budget)
	}
	m.mu.Unlock()
}

// end stops measuring and returns the run's compute: the CPU time of its
// thread, or in wall mode the time since begin. In coarse mode a run the
// watchdog never looked at (it ended within its budget of wall time) is
// given its wall time, an upper bound of its CPU time: a system call of
// 1-2 µs saved.
func (m *meter) end() time.Duration {
	if !m.cpu {
		return time.Since(m.start)
	}
	m.mu.Lock()
	m.active = false
	m.timer.Stop()
	looked := m.looked
	m.mu.Unlock()
	if m.coarse && !looked {
		runtime.UnlockOSThread()
		return time.Since(m.start)
	}
	now, ok := m.clock.read()
	runtime.UnlockOSThread()
	if !ok {
		return time.Since(m.start)
	}
	return now - m.cpu0
}

// fire is the watchdog. Its timer is first due when the whole budget has
// passed on the wall clock, which is no less than the CPU time used; then
// again when the rest of the budget could be used.
func (m *meter) fire() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.active {
		return // a late firing of a run that ended
	}
	if !m.spent.Load() {
		used := time.Since(m.start)
		if now, ok := m.clock.read(); ok {
			used = now - m.cpu0
		}
		m.looked = true
		if used < m.budget {
			m.timer.Reset(max(m.budget-used, minRearm))
			return
		}
		m.spent.Store(true)
	}
	m.q.Interrupt()
	if time.Since(m.start) < m.wallLimit {
		// Past the backstop the engine's eval timeout interrupts, and
		// remaining lets no entry start: no need to look again, also if
		// the run never ends (runtime.Goexit in a Host).
		m.timer.Reset(reinterrupt)
	}
}

// remaining returns the eval timeout for the next entry into the VM, false
// if the budget is spent.
func (m *meter) remaining() (time.Duration, bool) {
	if m.spent.Load() {
		return 0, false
	}
	left := m.wallLimit - time.Since(m.start)
	return left, left > 0
}

// timedOut reports whether an interrupt of the run is the budget's: the
// watchdog's, or the eval timeout's.
func (m *meter) timedOut() bool {
	return m.spent.Load() || time.Since(m.start) >= m.wallLimit*9/10
}

// stop disarms the watchdog for good.
func (m *meter) stop() {
	m.mu.Lock()
	m.active = false
	if m.timer != nil {
		m.timer.Stop()
	}
	m.mu.Unlock()
}
