package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/verge-edge/verge/internal/cff"
	"github.com/verge-edge/verge/internal/jsfn"
)

// runTestFunction: verge test-function FILE --event EVENT.json [flags]: runs
// one event through a cdn-function offline and prints what
// `aws cloudfront test-function` prints. It exits 1 when the function
// throws, runs out of budget or does not compile.
func runTestFunction(ctx context.Context, env *Env, args []string) int {
	fs := newFlagSet(env, "test-function", "test-function FILE --event EVENT.json [flags]")
	eventFile := fs.String("event", "", "the test event (CloudFront Functions event 1.0, JSON)")
	stage := fs.String("stage", "", "viewer-request or viewer-response (default: the event's context.eventType)")
	runtime := fs.String("runtime", string(jsfn.Runtime20), "cloudfront-js-1.0 or cloudfront-js-2.0")
	kvsFile := fs.String("kvs", "", "a key-value-store data file the function reads")
	now := fs.String("now", "", "freeze Date at this RFC 3339 instant (default: now)")
	compute := fs.Duration("compute", 0, "the compute budget ComputeUtilization is measured against (default 5ms)")
	pos, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	bad := func(format string, a ...any) int {
		fmt.Fprintf(env.Stderr, "verge test-function: "+format+"\n", a...)
		return exitUsage
	}
	switch {
	case len(pos) != 1:
		return bad("give one function file (see -h)")
	case *eventFile == "":
		return bad("--event EVENT.json is required (see -h)")
	}
	src, err := cff.ReadSource(pos[0])
	if err != nil {
		return bad("%v", err)
	}
	event, eventType, err := readTestEvent(*eventFile, *stage)
	if err != nil {
		return bad("%v", err)
	}
	opts := jsfn.RunOptions{Now: time.Now(), RequestID: "test-function"}
	if *now != "" {
		if opts.Now, err = time.Parse(time.RFC3339Nano, *now); err != nil {
			return bad("--now %q is not an RFC 3339 time", *now)
		}
	}
	if *kvsFile != "" {
		kvs, err := cff.LoadKVS(*kvsFile)
		if err != nil {
			return bad("%v", err)
		}
		opts.Host = kvs
	}
	if ev, err := cff.ParseEvent(event); err == nil && eventType == cff.ViewerRequest {
		if q := rawQuery(ev); q != nil {
			opts.RawQueryString = q
		}
	}
	res := testRun(ctx, src, jsfn.Runtime(*runtime), jsfn.Limits{Compute: *compute}, event, eventType, opts)
	out, _ := json.MarshalIndent(map[string]cff.TestResult{"TestResult": res}, "", "  ")
	fmt.Fprintln(env.Stdout, string(out))
	if res.FunctionErrorMessage != "" {
		// The output is TestFunction's, error included; the exit code
		// lets a script or CI step notice.
		return exitFail
	}
	return exitOK
}

// readTestEvent reads and normalises the event, with the stage overriding
// its context.eventType.
func readTestEvent(file, stage string) ([]byte, string, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, "", err
	}
	if stage != "" {
		var ev map[string]any
		if err := json.Unmarshal(data, &ev); err != nil {
			return nil, "", fmt.Errorf("%s: not valid JSON: %v", file, err)
		}
		c, _ := ev["context"].(map[string]any)
		if c == nil {
			c = map[string]any{}
			ev["context"] = c
		}
		if c["eventType"] != stage {
			c["eventType"] = stage
			data, _ = json.Marshal(ev)
		}
	}
	ev, err := cff.ParseEvent(data)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %v", file, err)
	}
	norm, err := cff.NormalizeEvent(data)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %v", file, err)
	}
	return norm, ev.Context.EventType, nil
}

// rawQuery rebuilds the query a test event's querystring stands for, for
// request.rawQueryString(); nil when it has none.
func rawQuery(ev *cff.Event) *string {
	if len(ev.Request.Querystring) == 0 {
		return nil
	}
	q := ""
	for name, v := range ev.Request.Querystring {
		vals := v.MultiValue
		if len(vals) == 0 {
			vals = []cff.Value{v}
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
// TestFunction does: in FunctionErrorMessage, not as an exit code.
func testRun(ctx context.Context, src []byte, rt jsfn.Runtime, lim jsfn.Limits, event []byte, eventType string, opts jsfn.RunOptions) cff.TestResult {
	var res cff.TestResult
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
		res.ComputeUtilization = cff.FormatUtilization(out.Compute, prog.Limits().Compute)
	}
	if err != nil {
		res.FunctionErrorMessage = runErrorMessage(err)
		if res.ComputeUtilization == "" {
			res.ComputeUtilization = "100"
		}
		return res
	}
	formatted, err := cff.FormatOutput(eventType, out.Output)
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
