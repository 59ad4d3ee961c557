package cff

import (
	"context"
	"errors"

	"github.com/verge-edge/verge/internal/jsfn"
)

// Test runs one test event (CloudFront Functions event 1.0, JSON) through
// a function's source as CloudFront's TestFunction does: `verge
// test-function` and the CloudFront API's TestFunction both run it, so
// their outputs agree. A function that throws, runs out of budget or does
// not compile is reported in FunctionErrorMessage, not as an error; an
// event that is not a test event is an error (errs.Invalid).
func Test(ctx context.Context, src []byte, rt jsfn.Runtime, lim jsfn.Limits, event []byte, opts jsfn.RunOptions) (TestResult, error) {
	ev, err := ParseEvent(event)
	if err != nil {
		return TestResult{}, err
	}
	norm, err := NormalizeEvent(event)
	if err != nil {
		return TestResult{}, err
	}
	if ev.Context.EventType == ViewerRequest && opts.RawQueryString == nil {
		opts.RawQueryString = rawQuery(ev)
	}
	return testRun(ctx, src, rt, lim, norm, ev.Context.EventType, opts), nil
}

// rawQuery rebuilds the query a test event's querystring stands for, for
// request.rawQueryString(); nil when it has none.
func rawQuery(ev *Event) *string {
	if len(ev.Request.Querystring) == 0 {
		return nil
	}
	q := ""
	for name, v := range ev.Request.Querystring {
		vals := v.MultiValue
		if len(vals) == 0 {
			vals = []Value{v}
		}
		for _, one := range vals {
			if q != "" {
				q += "&"
			}
			q += name + "=" + one.Value
		}
	}
	return &q
}

// testRun compiles and runs the function once, reporting a failure the way
// TestFunction does: in FunctionErrorMessage.
func testRun(ctx context.Context, src []byte, rt jsfn.Runtime, lim jsfn.Limits, event []byte, eventType string, opts jsfn.RunOptions) TestResult {
	var res TestResult
	prog, err := jsfn.Compile(src, rt, lim)
	if err != nil {
		res.FunctionErrorMessage = runErrorMessage(err)
		res.ComputeUtilization = "0"
		return res
	}
	pool := jsfn.NewPool(prog, 1)
	defer pool.Close()
	out, err := pool.Run(ctx, event, opts)
	if out != nil {
		res.FunctionExecutionLogs = out.Logs
		res.ComputeUtilization = FormatUtilization(out.Compute, prog.Limits().Compute)
	}
	if err != nil {
		res.FunctionErrorMessage = runErrorMessage(err)
		if res.ComputeUtilization == "" {
			res.ComputeUtilization = "100"
		}
		return res
	}
	formatted, err := FormatOutput(eventType, out.Output)
	if err != nil {
		res.FunctionErrorMessage = err.Error()
		return res
	}
	res.FunctionOutput = formatted
	return res
}

func runErrorMessage(err error) string {
	var re *jsfn.RunError
	if errors.As(err, &re) {
		return re.Message
	}
	return err.Error()
}
