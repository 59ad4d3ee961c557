package cli

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"sort"

	"github.com/verge-edge/verge/internal/build"
	"github.com/verge-edge/verge/internal/cff"
	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/jsfn"
	"github.com/verge-edge/verge/internal/stack"
)

// runValidate: verge validate [DIR|FILE]. Prints every problem, exits 2 if any.
func runValidate(ctx context.Context, env *Env, args []string) int {
	fs := newFlagSet(env, "validate", "validate [DIR|FILE]")
	pos, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(pos) > 1 {
		fmt.Fprintln(env.Stderr, "verge validate: at most one stack folder or file")
		return exitUsage
	}
	path := "."
	if len(pos) == 1 {
		path = pos[0]
	}
	plan, err := stack.Load(path)
	if err != nil {
		return reportStackError(env, err)
	}
	for _, w := range plan.Warnings {
		fmt.Fprintln(env.Stderr, "warning:", w)
	}
	problems := checkFunctions(plan)
	problems = append(problems, buildFunctions(ctx, plan)...)
	if len(problems) > 0 {
		return reportStackError(env, problems)
	}
	fmt.Fprintf(env.Stdout, "%s: ok, %d distribution(s), %d cdn-function(s), %d function(s), %d edge-lambda-function(s), %d queue(s), %d topic(s), %d bucket(s), %d stream(s), %d table(s)\n",
		plan.File, len(plan.Distributions), len(plan.CDNFunctions), len(plan.Functions), len(plan.EdgeLambdaFunctions),
		len(plan.Queues), len(plan.Topics), len(plan.Buckets), len(plan.Streams), len(plan.Tables))
	return exitOK
}

// checkFunctions compiles every cdn-function as dev would, so validate
// reports a syntax error or an oversized file before anything runs.
func checkFunctions(plan *stack.Plan) errs.List {
	var problems errs.List
	names := make([]string, 0, len(plan.CDNFunctions))
	for n := range plan.CDNFunctions {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		f := plan.CDNFunctions[n]
		src, err := cff.ReadSource(f.EntryFile)
		if err == nil {
			_, err = jsfn.Compile(src, jsfn.Runtime(f.Runtime), jsfn.Limits{})
		}
		if err != nil {
			var re *jsfn.RunError
			if errors.As(err, &re) {
				where := f.EntryFile
				if re.Line > 0 {
					where = fmt.Sprintf("%s:%d", f.EntryFile, re.Line)
				}
				err = errs.E(errs.Invalid, where, errors.New(re.Message))
			}
			problems = append(problems, errs.E(errs.Invalid, "cdn-function "+n, err))
		}
	}
	return problems
}

// buildFunctions builds every function resource into a scratch folder, as
// dev would, so validate reports a syntax error or a missing dependency.
func buildFunctions(ctx context.Context, plan *stack.Plan) errs.List {
	if len(plan.Functions) == 0 && len(plan.EdgeLambdaFunctions) == 0 {
		return nil
	}
	dir, err := os.MkdirTemp("", "verge-validate-")
	if err != nil {
		return errs.List{err}
	}
	defer os.RemoveAll(dir)
	b := build.New(dir)
	var problems errs.List
	for _, n := range slices.Sorted(maps.Keys(plan.Functions)) {
		if _, err := b.Build(ctx, plan.Functions[n]); err != nil {
			problems = append(problems, errs.E(errs.Invalid, "function "+n, err))
		}
	}
	for _, n := range slices.Sorted(maps.Keys(plan.EdgeLambdaFunctions)) {
		e := plan.EdgeLambdaFunctions[n]
		art, err := b.Build(ctx, &stack.Function{Name: n, Package: e.Package, Runtime: e.Runtime})
		switch {
		case err != nil:
			problems = append(problems, errs.E(errs.Invalid, "edge-lambda-function "+n, err))
		case art.Size > e.MaxPackageBytes:
			problems = append(problems, errs.E(errs.Invalid, "edge-lambda-function "+n,
				errs.Errorf("the package is %d bytes, over its limit of %d (raise it with packageSizeLimit)", art.Size, e.MaxPackageBytes)))
		}
	}
	return problems
}

// reportStackError prints a stack error, one problem a line, and returns
// the exit code: 2 for an invalid stack, 1 for anything else.
func reportStackError(env *Env, err error) int {
	var list errs.List
	if errors.As(err, &list) {
		for _, e := range list {
			fmt.Fprintln(env.Stderr, e)
		}
		fmt.Fprintf(env.Stderr, "%d problem(s)\n", len(list))
		return exitUsage
	}
	fmt.Fprintln(env.Stderr, err)
	if errs.Is(errs.Invalid, err) || errs.Is(errs.NotFound, err) {
		return exitUsage
	}
	return exitFail
}
