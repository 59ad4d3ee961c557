package functions

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/verge-edge/verge/internal/runtimeapi"
	"github.com/verge-edge/verge/internal/sandbox"
)

// A run is what one invocation on an instance produced.
type run struct {
	payload  []byte
	errType  string // "" on success
	duration time.Duration
	billed   time.Duration
	maxMemMB int
	initDur  time.Duration // the cold start's, else 0
	timedOut bool
	// undelivered: the runtime died before it received the event, which
	// may run on another sandbox.
	undelivered bool
	tail        []byte
	fnErrored   bool
}

// invoke runs one invocation on in, writing START, END and REPORT around
// it. The instance is broken afterwards when the runtime died or timed out.
func (in *instance) invoke(ctx context.Context, inv *runtimeapi.Invocation, timeout time.Duration) *run {
	in.out.begin()
	in.out.Line(fmt.Sprintf("START RequestId: %s Version: %s", inv.RequestID, in.v.name))
	// The caller going away does not stop a running function, as on Lambda.
	ctx, cancel := context.WithDeadline(context.WithoutCancel(ctx), inv.Deadline)
	defer cancel()
	ctx, cancelDead := in.cancelOnExit(ctx)
	defer cancelDead()

	if !sandbox.Mechanisms().Cgroup {
		// No cgroup enforces the memory size: watch the process tree.
		defer in.proc.WatchMemory(int64(in.v.cfg.MemoryMB)<<20, MemoryWatchInterval)()
	}
	start := time.Now()
	outcome, err := in.api.Invoke(ctx, inv)
	r := &run{duration: time.Since(start), initDur: in.initDur}
	in.proc.Sync() // what the handler logged before answering goes before END
	in.initDur = 0
	switch {
	case err == nil:
		r.payload = outcome.Payload
		if outcome.Error {
			r.errType, r.fnErrored = outcome.ErrorType, true
			if r.errType == "" {
				r.errType = ErrTypeUnknown
			}
			in.v.svc.tapFailed(in.v.fn.name, r.errType, r.payload) // before END and REPORT, as its log line
		}
	case errors.Is(err, context.DeadlineExceeded) && !in.exited():
		in.broken = true
		in.proc.Kill()
		r.duration, r.timedOut = timeout, true
		r.errType, r.fnErrored = ErrTypeTimeout, true
		r.payload = timeoutPayload(inv.RequestID, timeout)
		in.out.Line(fmt.Sprintf("%s %s %s", time.Now().UTC().Format("2006-01-02T15:04:05.000Z"), inv.RequestID, timeoutMessage(timeout)))
	default: // the runtime died, or its endpoint failed
		in.broken = true
		r.undelivered = errors.Is(err, runtimeapi.ErrNotDelivered)
		in.proc.Kill()
		<-in.proc.Done()
		in.out.Flush()
		oom := in.out.outOfMemory() || in.proc.OOM() || in.proc.PeakMemory() >= int64(in.v.cfg.MemoryMB)<<20
		r.payload = exitPayload(inv.RequestID, oom, in.proc.ExitError())
		r.errType, r.fnErrored = ErrTypeExit, true
		if oom {
			r.errType = ErrTypeOutOfMemory
		}
		in.v.svc.tapFailed(in.v.fn.name, r.errType, r.payload)
	}
	r.billed = time.Duration(math.Ceil(float64(r.duration)/float64(time.Millisecond))) * time.Millisecond
	r.maxMemMB = int((in.proc.PeakMemory() + 1<<20 - 1) >> 20)
	in.out.Line("END RequestId: " + inv.RequestID)
	in.out.Line(in.report(inv.RequestID, r))
	r.tail = in.out.takeTail()
	return r
}

// report is Lambda's REPORT line.
func (in *instance) report(id string, r *run) string {
	line := fmt.Sprintf("REPORT RequestId: %s\tDuration: %s\tBilled Duration: %d ms\tMemory Size: %d MB\tMax Memory Used: %d MB",
		id, ms(r.duration), r.billed.Milliseconds(), in.v.cfg.MemoryMB, r.maxMemMB)
	if r.initDur > 0 {
		line += "\tInit Duration: " + ms(r.initDur)
	}
	if r.timedOut {
		line += "\tStatus: timeout"
	} else if r.errType == ErrTypeExit || r.errType == ErrTypeOutOfMemory {
		line += "\tStatus: error\tError Type: " + r.errType
	}
	return line
}
