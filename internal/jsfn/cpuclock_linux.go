//go:build linux

package jsfn

import (
	"time"

	"golang.org/x/sys/unix"
)

// haveThreadCPUClock reports whether this OS gives the CPU time of one
// thread, readable from another.
const haveThreadCPUClock = true

// threadCPUClock is the clock of the CPU time an OS thread has used.
type threadCPUClock int32

// currentThreadCPUClock returns the CPU clock of the calling thread, which
// the caller keeps with runtime.LockOSThread. Any thread of the process can
// read it: it is MAKE_THREAD_CPUCLOCK(tid, CPUCLOCK_SCHED), the thread id
// inverted and shifted by 3, with CPUCLOCK_PERTHREAD_MASK (4) and
// CPUCLOCK_SCHED (2).
func currentThreadCPUClock() threadCPUClock {
	return threadCPUClock(^int32(unix.Gettid())<<3 | 6)
}

// read returns the thread's CPU time, false if it cannot be read.
func (c threadCPUClock) read() (time.Duration, bool) {
	var ts unix.Timespec
	if unix.ClockGettime(int32(c), &ts) != nil {
		return 0, false
	}
	return time.Duration(ts.Nano()), true
}
