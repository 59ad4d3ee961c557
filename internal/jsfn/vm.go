package jsfn

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"strings"
	"sync"
	"time"
	"unsafe"

	"modernc.org/quickjs"
)

//go:embed prelude.js
var preludeSource string

// The prelude is compiled once per process and loaded into every VM.
var prelude struct {
	once     sync.Once
	bytecode []byte
	err      error
}

func preludeBytecode() ([]byte, error) {
	prelude.once.Do(func() {
		prelude.bytecode, prelude.err = compileScript(preludeSource)
	})
	return prelude.bytecode, prelude.err
}

// compileScript compiles global code to bytecode in a throwaway VM.
func compileScript(src string) ([]byte, error) {
	q, err := quickjs.NewVM()
	if err != nil {
		return nil, err
	}
	defer q.Close()
	return q.Compile(src, quickjs.EvalGlobal)
}

// gcThreshold is where the engine's collector is set to run before every
// run, so that garbage cycles left by earlier runs are collected before
// they reach the memory cap.
func gcThreshold(memory int64) uintptr { return uintptr(memory / 2) }

// vm is one QuickJS VM loaded with the prelude and a program. It is used
// by one goroutine at a time.
type vm struct {
	q     *quickjs.VM
	run   runState
	runFn quickjs.Value // driver.run
	poll  quickjs.Value // driver.poll
	lim   Limits
	meter meter
	// runs counts the runs so far, for recycling.
	runs     int
	nextHash int
	// broken is set when the VM must not be used again.
	broken bool
}

// runState is what a run accumulates in Go; reset before every run.
type runState struct {
	host          Host
	logs          []string
	logBytes      int
	logsTruncated bool
	origin        *OriginUpdate
	hashes        map[int]hash.Hash
	panicked      string // a host function panicked with this
	// impure is set by the host operations a pure run does not use (see
	// Result.Pure).
	impure bool
}

func (r *runState) reset(h Host) {
	clear(r.hashes)
	*r = runState{host: h, hashes: r.hashes}
}

// newVM creates a VM for p: the engine with its limits, the host
// function, the prelude and the program.
func newVM(p *Program) (v *vm, err error) {
	q, err := quickjs.NewVM()
	if err != nil {
		return nil, fmt.Errorf("jsfn: new VM: %w", err)
	}
	v = &vm{q: q, lim: p.lim}
	v.meter = meter{q: q, budget: p.lim.Compute, wallOnly: p.wallClock || !haveThreadCPUClock}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("jsfn: new VM: engine panic: %v", p)
		}
		if err != nil {
			v.close()
			v = nil
		}
	}()
	q.SetMemoryLimit(uintptr(p.lim.Memory))
	q.SetGCThreshold(gcThreshold(p.lim.Memory))
	q.SetMaxStackSize(uintptr(p.lim.Stack))
	// Setting up runs the program's own top level too (just a function
	// expression, unless the source breaks out of its wrapper): give it
	// a budget.
	if err := q.SetEvalTimeout(10*p.lim.Compute + 100*time.Millisecond); err != nil {
		return v, err
	}
	if err := v.setup(p); err != nil {
		return v, fmt.Errorf("jsfn: new VM: %w", err)
	}
	return v, nil
}

func (v *vm) setup(p *Program) error {
	bc, err := preludeBytecode()
	if err != nil {
		return fmt.Errorf("prelude: %w", err)
	}
	if err := v.q.RegisterHostFunc("__vergeHost", v.call); err != nil {
		return err
	}
	initFn, err := v.q.EvalBytecodeValue(bc)
	if err != nil {
		return fmt.Errorf("prelude: %w", err)
	}
	defer initFn.Free()
	driver, err := initFn.CallValue(quickjs.UndefinedValue, string(p.rt))
	if err != nil {
		return fmt.Errorf("prelude: %w", err)
	}
	defer driver.Free()
	install, err := v.property(driver, "install")
	if err != nil {
		return err
	}
	defer install.Free()
	if v.runFn, err = v.property(driver, "run"); err != nil {
		return err
	}
	if v.poll, err = v.property(driver, "poll"); err != nil {
		return err
	}
	factory, err := v.q.EvalBytecodeValue(p.bytecode)
	if err != nil {
		return fmt.Errorf("program: %w", err)
	}
	defer factory.Free()
	_, err = install.Call(quickjs.UndefinedValue, factory)
	return err
}

func (v *vm) property(obj quickjs.Value, name string) (quickjs.Value, error) {
	atom, err := v.q.NewAtom(name)
	if err != nil {
		return quickjs.Value{}, err
	}
	return obj.GetPropertyValue(atom)
}

// close releases the VM. It never panics.
func (v *vm) close() {
	defer func() { _ = recover() }()
	if v.q == nil {
		return
	}
	v.meter.stop()
	if v.runFn.VM() != nil {
		v.runFn.Free()
	}
	if v.poll.VM() != nil {
		v.poll.Free()
	}
	v.q.Close()
	v.q = nil
}

// exec runs the handler once. With a RunError it still returns the
// Result, which carries the logs and the compute time. It sets v.broken
// when the VM must not run again.
func (v *vm) exec(ctx context.Context, event []byte, opts RunOptions) (*Result, error) {
	v.runs++
	v.run.reset(opts.Host)
	defer v.run.reset(nil)
	start := time.Now()
	stop := context.AfterFunc(ctx, v.q.Interrupt)
	v.meter.coarse = opts.CoarseCompute
	v.meter.begin(start)
	reply, err := v.invoke(ctx, event, opts, start)
	res := &Result{Compute: v.meter.end(), Logs: v.run.logs, LogsTruncated: v.run.logsTruncated}
	if !stop() {
		// The context ended: its interrupt may still be on its way, to
		// whatever this VM runs next.
		v.broken = true
	}
	if err != nil && ctx.Err() != nil {
		v.broken = true
		return nil, fmt.Errorf("jsfn: run: %w", ctx.Err())
	}
	pure := false
	if err == nil {
		reply, pure, err = output(reply)
	}
	if err != nil {
		re := err.(*RunError) // invoke and output return no other error
		re.RequestID = opts.RequestID
		// A result or event that is not JSON, or a missing handler,
		// leaves the VM as it was; any other failure may not.
		if re.Kind != KindInvalid {
			v.broken = true
		}
		return res, re
	}
	// reply is the engine's fresh copy, referenced nowhere else: Output
	// can share its memory.
	res.Output = unsafe.Slice(unsafe.StringData(reply), len(reply))
	res.Origin = v.run.origin
	res.Pure = pure && opts.CheckPure && !v.run.impure && v.run.origin == nil && len(v.run.logs) == 0 && !v.run.logsTruncated
	return res, nil
}

// invoke runs the handler and its promise jobs, and returns the driver's
// reply or a *RunError.
func (v *vm) invoke(ctx context.Context, event []byte, opts RunOptions, start time.Time) (reply string, err error) {
	defer func() {
		if p := recover(); p != nil {
			// The engine panicked: the VM is abandoned and may only be
			// closed.
			v.broken = true
			reply, err = "", &RunError{Kind: KindInternal, Message: fmt.Sprintf("engine panic: %v", p)}
		}
	}()
	reply, err = v.start(event, opts, start)
	switch {
	case err != nil:
	case ctx.Err() != nil:
		err = ctx.Err()
	case reply == "P":
		reply, err = v.settle(ctx)
	default:
		// Run what the handler queued and did not wait for, so that it
		// does not run in the next run.
		err = v.drain()
	}
	if err == nil && v.run.panicked != "" {
		err = &RunError{Kind: KindInternal, Message: "host function panic: " + v.run.panicked}
	}
	if err != nil {
		return "", v.classify(err)
	}
	return reply, nil
}

// start calls the driver's run.
func (v *vm) start(event []byte, opts RunOptions, start time.Time) (string, error) {
	now := opts.Now
	if now.IsZero() {
		now = start
	}
	var raw any = quickjs.Undefined{}
	if opts.RawQueryString != nil {
		raw = *opts.RawQueryString
	}
	var edge any = quickjs.Undefined{}
	if opts.EdgeLocation != nil {
		edge = edgeJSON(opts.EdgeLocation)
	}
	v.q.SetGCThreshold(gcThreshold(v.lim.Memory))
	if err := v.remaining(); err != nil {
		return "", err
	}
	// The engine copies the event before the call returns, so the string
	// may share event's memory. The instant goes as an int64: a float64
	// would go through encoding/json.
	ev := unsafe.String(unsafe.SliceData(event), len(event))
	r, err := v.runFn.Call(quickjs.UndefinedValue, ev, now.UnixMilli(), opts.Host != nil, raw, edge, opts.CheckPure)
	if err != nil {
		return "", err
	}
	s, ok := r.(string)
	if !ok {
		return "", errors.New("jsfn: driver returned no reply")
	}
	return s, nil
}

// remaining sets the eval timeout, for the next entry into the VM, to what
// is left of the run's wall-clock limit: the budget itself in wall mode,
// the backstop when the budget counts CPU time. It returns errBudget when
// the watchdog found the budget spent: entering the VM clears the
// interrupt it may have sent between two entries.
func (v *vm) remaining() error {
	left, ok := v.meter.remaining()
	if !ok {
		return errBudget
	}
	return v.q.SetEvalTimeout(left)
}

var errBudget = errors.New("compute budget spent")

// drain runs the pending promise jobs within the budget.
func (v *vm) drain() error {
	if err := v.remaining(); err != nil {
		return err
	}
	_, err := v.q.ExecutePendingJobs()
	return err
}

// settle waits for an async handler: it runs the jobs, then asks the
// driver for the promise's outcome.
func (v *vm) settle(ctx context.Context) (string, error) {
	if err := v.drain(); err != nil {
		return "", err
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if err := v.remaining(); err != nil {
		return "", err
	}
	r, err := v.poll.Call(quickjs.UndefinedValue)
	if err != nil {
		return "", err
	}
	s, _ := r.(string)
	if s == "P" {
		return "", &RunError{Kind: KindInvalid, Message: "the handler's promise never settled"}
	}
	return s, nil
}

// output turns the driver's reply into the run's output JSON; pure is set
// when the driver tagged it as a pure run's (see Result.Pure).
func output(reply string) (out string, pure bool, err error) {
	if reply == "" {
		return "", false, &RunError{Kind: KindInternal, Message: "empty reply from the driver"}
	}
	body := reply[1:]
	switch reply[0] {
	case 'U':
		return "", false, &RunError{Kind: KindInvalid, Message: "the handler returned undefined"}
	case 'J':
		return "", false, &RunError{Kind: KindInvalid, Message: "the handler's result is not JSON: " + body}
	case 'M':
		return "", false, &RunError{Kind: KindInvalid, Message: "the function defines no handler function"}
	case 'E':
		return "", false, &RunError{Kind: KindInvalid, Message: "the event is not JSON: " + body}
	case 'P':
		return "", false, &RunError{Kind: KindInternal, Message: "unknown reply from the driver"}
	case '~':
		if body == "" {
			return "", false, &RunError{Kind: KindInternal, Message: "empty reply from the driver"}
		}
		return body, true, nil
	}
	// JSON text: an object, array, string, number or literal.
	return reply, false, nil
}

// classify turns an error of the engine into a RunError.
func (v *vm) classify(err error) *RunError {
	var re *RunError
	if errors.As(err, &re) {
		return re
	}
	if errors.Is(err, errBudget) {
		return &RunError{Kind: KindTimeout, Message: timeoutMessage(v.lim.Compute)}
	}
	var qe *quickjs.Error
	if !errors.As(err, &qe) {
		return &RunError{Kind: KindInternal, Message: err.Error()}
	}
	msg := qe.Error()
	switch {
	case qe.Name == "InternalError" && qe.Message == "interrupted" && v.meter.timedOut():
		return &RunError{Kind: KindTimeout, Message: timeoutMessage(v.lim.Compute)}
	case qe.Name == "InternalError" && qe.Message == "out of memory",
		qe.Name == "" && msg == "null":
		// QuickJS throws null when memory is so short that it cannot
		// make the InternalError.
		return &RunError{Kind: KindOutOfMemory, Message: fmt.Sprintf("InternalError: out of memory (limit %d bytes)", v.lim.Memory)}
	case strings.HasPrefix(qe.Message, "panic in "):
		return &RunError{Kind: KindInternal, Message: msg}
	}
	return &RunError{Kind: KindThrow, Message: msg, Stack: qe.Stack}
}

func timeoutMessage(budget time.Duration) string {
	return fmt.Sprintf("the function exceeded its compute budget of %v", budget)
}

func edgeJSON(e *EdgeLocation) string {
	b, _ := json.Marshal(e) // cannot fail: three strings
	return string(b)
}
