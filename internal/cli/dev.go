package cli

import (
	"context"
	"fmt"
)

// runDev: verge dev [DIR] [flags]: run the stack and apply every change to
// the stack file or a bucket's objects as soon as it is saved.
func runDev(ctx context.Context, env *Env, args []string) int {
	return runEngine(ctx, env, "dev", args, true)
}

// runServe: verge serve [DIR] [flags]: the same engine as dev, without file
// watching; the stack is read once at start.
func runServe(ctx context.Context, env *Env, args []string) int {
	return runEngine(ctx, env, "serve", args, false)
}

func runEngine(ctx context.Context, env *Env, name string, args []string, watch bool) int {
	var c runConfig
	fs := newFlagSet(env, name, name+" [DIR] [flags]")
	c.flags(fs)
	if watch {
		c.devFlags(fs)
	}
	if code := c.setup(env, fs, args); code >= 0 {
		return code
	}
	c.watch = watch
	if c.logFormat != "json" { // JSON output is JSON lines only
		fmt.Fprintf(env.Stdout, "verge %s: %s\n", name, c.path)
	}
	return c.run(ctx, env)
}
