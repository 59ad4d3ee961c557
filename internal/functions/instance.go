package functions

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/runtimeapi"
	"github.com/verge-edge/verge/internal/runtimes"
	"github.com/verge-edge/verge/internal/sandbox"
)

// An instance is one sandbox: a runtime process and its Runtime API
// endpoint. It runs one invocation at a time; the version's pool hands it
// out.
type instance struct {
	v       *version
	api     *runtimeapi.Server
	proc    *sandbox.Process
	out     *output
	start   time.Time     // when the process was started
	initDur time.Duration // set until the first invocation reports it
	idle    time.Time     // when it was last released
	broken  bool          // killed or dead: never reused
}

// initFailure is an init error or timeout: the invocation that caused the
// cold start fails with it.
type initFailure struct {
	errType string
	payload func(requestID string) []byte // the answer to the invocation that caused the cold start
	tail    []byte                        // the init's log
}

func (e *initFailure) Error() string { return "init failed: " + e.errType }

// startInstance starts a sandbox for v and waits for its runtime to
// initialise.
func startInstance(ctx context.Context, v *version, initType string) (*instance, error) {
	const op errs.Op = "functions.start"
	if err := v.svc.checkBootstraps(); err != nil {
		return nil, errs.E(op, errs.Internal, v.fn.name, err)
	}
	id := randomHex(16)
	in := &instance{v: v, out: &output{group: v.fn.logs, budget: &v.fn.logBudget, stream: streamName(time.Now(), v.name, id),
		tap: v.svc.opts.Tap, fn: v.fn.name}}
	sdk := v.svc.sdkFor(ctx, v.rt, in.out)
	api, err := runtimeapi.Start()
	if err != nil {
		return nil, errs.E(op, errs.Unavailable, v.fn.name, err)
	}
	in.api = api
	launch := v.rt.Launch(runtimes.LaunchSpec{
		TaskRoot: v.art.Dir, Handler: v.art.Handler, BootstrapDir: v.svc.bootstrapDir, MemoryMB: v.cfg.MemoryMB, SDK: sdk,
	})
	spec := sandbox.Spec{
		Path: launch.Path, Args: launch.Args, Dir: v.art.Dir,
		Env: lambdaEnv(envSpec{
			fn: v.cfg, version: v.name, handler: v.art.Handler, taskRoot: v.art.Dir,
			runtimeDir: v.svc.bootstrapDir, runtimeAPI: api.Addr(), logGroup: logGroupName(v.fn.name),
			logStream: in.out.stream, initType: initType, runtimeVars: launch.Env, aws: v.svc.awsEnv(v.fn.name),
		}),
		StateDir: v.svc.sandboxDir, TmpLimitMB: TmpLimitMB, MemoryMB: v.cfg.MemoryMB,
		Paths:  sandboxPaths(v.svc.bootstrapDir, sdk),
		Stdout: in.out, Stderr: in.out,
	}
	if launch.AddressSpaceLimit {
		spec.AddressSpace = int64(v.cfg.MemoryMB) << 20
	}
	in.start = time.Now()
	in.out.Line(fmt.Sprintf("INIT_START Runtime Version: %s", v.rt.ID))
	proc, err := sandbox.Start(spec)
	if err != nil {
		api.Close()
		return nil, errs.E(op, errs.Unavailable, v.fn.name, err)
	}
	in.proc = proc
	api.FreezeIdle(proc, FreezeDelay)
	v.svc.track(in, true)
	go func() { // the Runtime API learns of a death that posts nothing
		<-proc.Done()
		api.Exited(proc.ExitError())
	}()
	if err := in.waitInit(ctx); err != nil {
		in.close()
		var f *initFailure
		if errors.As(err, &f) {
			f.tail = in.out.takeTail()
		}
		return nil, err
	}
	in.initDur = time.Since(in.start)
	return in, nil
}

// waitInit waits for the runtime's first /next, its init error, its death
// or InitTimeout.
func (in *instance) waitInit(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, InitTimeout)
	defer cancel()
	ctx, cancelDead := in.cancelOnExit(ctx)
	defer cancelDead()
	err := in.api.WaitInit(ctx)
	if err == nil {
		return nil
	}
	var ie *runtimeapi.InitError
	switch {
	case errors.As(err, &ie):
		in.out.Line(fmt.Sprintf("INIT_REPORT Init Duration: %s Phase: init Status: error Error Type: %s", ms(time.Since(in.start)), ie.ErrorType))
		return &initFailure{errType: ie.ErrorType, payload: func(string) []byte { return ie.Payload }}
	case in.exited():
		<-in.proc.Done()
		in.out.Flush()
		exit := in.proc.ExitError()
		oom := in.out.outOfMemory() || in.proc.OOM()
		typ := ErrTypeExit
		if oom {
			typ = ErrTypeOutOfMemory
		}
		in.out.Line(fmt.Sprintf("INIT_REPORT Init Duration: %s Phase: init Status: error Error Type: %s", ms(time.Since(in.start)), typ))
		return &initFailure{errType: typ, payload: func(id string) []byte { return exitPayload(id, oom, exit) }}
	case ctx.Err() != nil && errors.Is(context.Cause(ctx), context.DeadlineExceeded):
		in.out.Line(fmt.Sprintf("INIT_REPORT Init Duration: %s Phase: init Status: timeout", ms(InitTimeout)))
		msg := fmt.Sprintf("Init timed out after %.2f seconds", InitTimeout.Seconds())
		return &initFailure{errType: ErrTypeInitTimeout, payload: func(id string) []byte {
			return errorPayload{ErrTypeInitTimeout, "RequestId: " + id + " Error: " + msg}.marshal()
		}}
	}
	return errs.E(errs.Op("functions.init"), errs.Unavailable, in.v.fn.name, err)
}

// cancelOnExit returns ctx cancelled as well when the process exits.
func (in *instance) cancelOnExit(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		select {
		case <-in.proc.Done():
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}

// exited reports whether the process has exited.
func (in *instance) exited() bool {
	select {
	case <-in.proc.Done():
		return true
	default:
		return false
	}
}

// close kills the sandbox and releases everything it holds.
func (in *instance) close() {
	in.broken = true
	if in.proc != nil {
		in.proc.Close()
		in.out.Flush()
		in.v.svc.track(in, false)
	}
	in.api.Close()
}

// sandboxPaths are the folders a sandbox sees besides the system's, its
// runtime's and its task root: the bootstraps and the SDK, if any.
func sandboxPaths(bootstrapDir, sdk string) []string {
	if sdk == "" {
		return []string{bootstrapDir}
	}
	return []string{bootstrapDir, sdk}
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// ms formats a duration as Lambda's log lines do: "12.34 ms".
func ms(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
}

// A sandbox's runtime is frozen between invocations.
var _ runtimeapi.Freezer = (*sandbox.Process)(nil)
