package cli

import (
	"context"
	"encoding/json"
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
	event, err := readTestEvent(*eventFile, *stage)
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
	res, err := cff.Test(ctx, src, jsfn.Runtime(*runtime), jsfn.Limits{Compute: *compute}, event, opts)
	if err != nil {
		return bad("%s: %v", *eventFile, err)
	}
	out, _ := json.MarshalIndent(map[string]cff.TestResult{"TestResult": res}, "", "  ")
	fmt.Fprintln(env.Stdout, string(out))
	if res.FunctionErrorMessage != "" {
		// The output is TestFunction's, error included; the exit code
		// lets a script or CI step notice.
		return exitFail
	}
	return exitOK
}

// readTestEvent reads the event, with the stage overriding its
// context.eventType.
func readTestEvent(file, stage string) ([]byte, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	if stage == "" {
		return data, nil
	}
	var ev map[string]any
	if err := json.Unmarshal(data, &ev); err != nil {
		return nil, fmt.Errorf("%s: not valid JSON: %v", file, err)
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
	return data, nil
}
