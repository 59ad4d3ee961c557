package cli

import (
	"context"
	"fmt"
)

// runServe: verge serve [DIR] [flags]: the same engine as dev, without file
// watching; the stack is read once at start.
func runServe(ctx context.Context, env *Env, args []string) int {
	var c runConfig
	fs := newFlagSet(env, "serve", "serve [DIR] [flags]")
	c.flags(fs)
	if code := c.setup(env, fs, args); code >= 0 {
		return code
	}
	fmt.Fprintf(env.Stdout, "verge serve: %s\n", c.path)
	return c.run(ctx, env)
}
