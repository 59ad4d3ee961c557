package cff

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/verge-edge/verge/internal/edge"
	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/jsfn"
	"github.com/verge-edge/verge/internal/stack"
)

// RunnerOptions configure a Runner.
type RunnerOptions struct {
	// Limits are the per-function code size, compute budget and memory cap;
	// zero fields take jsfn's defaults.
	Limits jsfn.Limits
	// PoolSize bounds the warm VMs per function; 0 means 4.
	PoolSize int
	// Logger receives the functions' console.log lines and failures.
	Logger *slog.Logger
	// Metrics count runs and failures; nil for none.
	Metrics *Metrics
}

// Runner runs a plan's cdn-functions at the edge's viewer triggers: it
// builds the event, runs the handler on a warm VM and applies the result,
// turning failures into CloudFront's 503 (execution) and 502 (validation).
type Runner struct {
	funcs map[string]*function
	log   *slog.Logger
	m     *Metrics
}

var _ edge.Runner = (*Runner)(nil)

type function struct {
	name string
	pool *jsfn.Pool
	kvs  *KVS
	// memo keeps the results of pure viewer-response runs (memo.go).
	memo memo
	// reused counts a viewer-response run the edge answered with a kept
	// response (edge.Response.Reuse).
	reused func()
}

// NewRunner compiles every cdn-function of plan. It runs only
// cdn-functions: the caller routes other kinds to their own runners.
func NewRunner(plan *stack.Plan, opts RunnerOptions) (*Runner, error) {
	const op errs.Op = "cff.NewRunner"
	if opts.PoolSize <= 0 {
		opts.PoolSize = 4
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	r := &Runner{funcs: map[string]*function{}, log: opts.Logger, m: opts.Metrics}
	for name, f := range plan.CDNFunctions {
		fn, err := compileFunction(f, opts)
		if err != nil {
			r.Close()
			return nil, errs.E(op, name, err)
		}
		fn.reused = func() { r.m.observe(fn.name, string(stack.ViewerResponse), 0, nil) }
		r.funcs[name] = fn
	}
	return r, nil
}

func compileFunction(f *stack.CDNFunction, opts RunnerOptions) (*function, error) {
	src, err := ReadSource(f.EntryFile)
	if err != nil {
		return nil, err
	}
	prog, err := jsfn.Compile(src, jsfn.Runtime(f.Runtime), opts.Limits)
	if err != nil {
		var re *jsfn.RunError
		if errors.As(err, &re) {
			return nil, errs.E(errs.Invalid, errs.Errorf("%s: %s", f.EntryFile, re.Message))
		}
		return nil, errs.E(errs.Invalid, err)
	}
	fn := &function{name: f.Name, pool: jsfn.NewPool(prog, opts.PoolSize)}
	if s := f.KeyValueStore; s != nil {
		if s.DataFile != "" {
			fn.kvs, err = LoadKVS(s.DataFile)
		} else {
			fn.kvs, err = NewKVS(s.Data)
		}
		if err != nil {
			fn.pool.Close()
			return nil, err
		}
	}
	return fn, nil
}

// Close releases every function's VMs.
func (r *Runner) Close() {
	for _, f := range r.funcs {
		f.pool.Close()
	}
}

// eventBufs recycles the buffers events are built in: the engine copies an
// event before the run returns.
var eventBufs = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// Request runs a viewer-request function.
func (r *Runner) Request(ctx context.Context, t stack.Trigger, ref *stack.FunctionRef, req *edge.Request) (gen *edge.Response, err error) {
	start := time.Now()
	defer func() { r.done(ref.Name, t, start, req.RequestID, err) }()
	f, err := r.lookup(t, ref)
	if err != nil {
		return nil, err
	}
	ev, err := NewRequestEvent(req, domainOf(req), ViewerRequest)
	if err != nil {
		return nil, executionError(err.Error())
	}
	var raw *string
	if req.Query != "" {
		raw = &req.Query
	}
	res, err := r.run(ctx, f, ev, req.RequestID, raw)
	if err != nil {
		return nil, err
	}
	gen, err = ApplyRequestResult(res.Output, req)
	if err == nil && gen == nil && res.Origin != nil {
		err = applyOrigin(res.Origin, req)
	}
	return gen, err
}

// Response runs a viewer-response function.
func (r *Runner) Response(ctx context.Context, t stack.Trigger, ref *stack.FunctionRef, req *edge.Request, resp *edge.Response) (err error) {
	start := time.Now()
	defer func() { r.done(ref.Name, t, start, req.RequestID, err) }()
	f, err := r.lookup(t, ref)
	if err != nil {
		return err
	}
	check := f.memo.checking()
	var key []byte
	if check {
		kb := memoKeys.Get().(*memoKey)
		defer memoKeys.Put(kb)
		kb.b, kb.names = appendResponseKey(kb.b[:0], resp, kb.names)
		key = kb.b
		if a, ok := f.memo.get(key); ok {
			a.apply(resp)
			resp.Reuse = f.reused
			return nil
		}
	}
	v := viewResponse(resp)
	buf := eventBufs.Get().(*[]byte)
	defer eventBufs.Put(buf)
	*buf = appendResponseEvent((*buf)[:0], req, resp, v, domainOf(req))
	res, err := r.runChecked(ctx, f, *buf, req.RequestID, nil, check)
	if err != nil {
		return err
	}
	if res.Origin != nil {
		return executionError("cloudfront origin modification works at viewer-request only")
	}
	o, err := resultObject(res.Output)
	if err != nil {
		return err
	}
	if err := applyResponse(o, resp, v); err != nil {
		return err
	}
	if check {
		var a *applied
		if res.Pure {
			a = appliedOf(resp, o.has("body"))
		}
		f.memo.record(key, a, res.Pure)
		if res.Pure {
			resp.Reuse = f.reused
		}
	}
	return nil
}

// memoKey is scratch space for a memo key.
type memoKey struct {
	b     []byte
	names []string
}

var memoKeys = sync.Pool{New: func() any { return &memoKey{b: make([]byte, 0, 512), names: make([]string, 0, 16)} }}

func (r *Runner) lookup(t stack.Trigger, ref *stack.FunctionRef) (*function, error) {
	if t != stack.ViewerRequest && t != stack.ViewerResponse {
		return nil, executionError("a cdn-function runs only at viewer-request and viewer-response")
	}
	f := r.funcs[ref.Name]
	if f == nil {
		return nil, executionError("no cdn-function named " + ref.Name)
	}
	return f, nil
}

// run runs f on ev and logs what the function printed, each line with the
// request id, as CloudFront's function logs do.
func (r *Runner) run(ctx context.Context, f *function, ev []byte, requestID string, rawQuery *string) (*jsfn.Result, error) {
	return r.runChecked(ctx, f, ev, requestID, rawQuery, false)
}

// runChecked is run, asking jsfn whether the run was pure when check is set.
func (r *Runner) runChecked(ctx context.Context, f *function, ev []byte, requestID string, rawQuery *string, check bool) (*jsfn.Result, error) {
	// The Runner reports no compute, only its wall time: CoarseCompute
	// saves a system call per run.
	opts := jsfn.RunOptions{Now: time.Now(), RequestID: requestID, RawQueryString: rawQuery, CoarseCompute: true, CheckPure: check}
	if f.kvs != nil {
		opts.Host = f.kvs
	}
	res, err := f.pool.Run(ctx, ev, opts)
	if res != nil {
		for _, line := range res.Logs {
			r.log.Info(line, "function", f.name, "request_id", requestID)
		}
	}
	if err != nil {
		msg := err.Error()
		var re *jsfn.RunError
		if errors.As(err, &re) {
			msg = re.Message
		}
		return nil, executionError(msg)
	}
	return res, nil
}

// done logs a failed run (the reason goes to the function's log) and counts it.
func (r *Runner) done(fn string, t stack.Trigger, start time.Time, requestID string, err error) {
	if err != nil {
		r.log.Warn("function failed", "function", fn, "trigger", string(t), "request_id", requestID, "error", err.Error())
	}
	r.m.observe(fn, string(t), time.Since(start), err)
}

// domainOf is the distribution domain name the event reports: the host the
// viewer asked for.
func domainOf(req *edge.Request) string {
	if h := req.Header.Get("Host"); h != "" {
		return h
	}
	return req.Distribution + ".localhost"
}

// executionError is CloudFront's 503 for a function that could not run.
func executionError(detail string) *edge.FuncError {
	return &edge.FuncError{Status: http.StatusServiceUnavailable, Type: "FunctionExecutionError", Detail: detail}
}
