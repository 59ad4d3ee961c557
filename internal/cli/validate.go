package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/stack"
)

// runValidate: verge validate [DIR|FILE]. Prints every problem, exits 2 if any.
func runValidate(_ context.Context, env *Env, args []string) int {
	fs := newFlagSet(env, "validate", "validate [DIR|FILE]")
	pos, err := parse(fs, args)
	if err != nil {
		return exitUsage
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
	fmt.Fprintf(env.Stdout, "%s: ok, %d distribution(s)\n", plan.File, len(plan.Distributions))
	return exitOK
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
