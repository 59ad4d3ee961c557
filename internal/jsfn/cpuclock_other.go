//go:build !linux

package jsfn

import "time"

// haveThreadCPUClock reports whether this OS gives the CPU time of one
// thread, readable from another. Elsewhere than on Linux the compute budget
// runs on the wall clock.
const haveThreadCPUClock = false

// threadCPUClock is the clock of the CPU time an OS thread has used.
type threadCPUClock int32

func currentThreadCPUClock() threadCPUClock { return 0 }

func (threadCPUClock) read() (time.Duration, bool) { return 0, false }
