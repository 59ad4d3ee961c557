package gateway

import (
	"context"
	"time"

	"github.com/verge-edge/verge/internal/functions"
)

// An outcome is one synchronous invocation as a front door sees it.
type outcome struct {
	resp     *functions.Response
	err      error // the function service's (throttled, not found...)
	timedOut bool  // the front door stopped waiting
}

// invoke runs req and waits at most timeout (0: until it ends). A client
// that goes away does not stop the function, and neither does the
// timeout: as on AWS the function runs on to its own timeout.
func invoke(ctx context.Context, fn Invoker, req *functions.Request, timeout time.Duration) outcome {
	if timeout <= 0 {
		resp, err := fn.Invoke(context.WithoutCancel(ctx), req)
		return outcome{resp: resp, err: err}
	}
	done := make(chan outcome, 1)
	go func() {
		resp, err := fn.Invoke(context.WithoutCancel(ctx), req)
		done <- outcome{resp: resp, err: err}
	}()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case o := <-done:
		return o
	case <-t.C:
		return outcome{timedOut: true}
	case <-ctx.Done():
		return outcome{err: ctx.Err()}
	}
}
