package cli

import (
	"context"
	"fmt"
)

// runDev: verge dev [DIR] [flags]: run the stack and apply every change to
// the stack file or a bucket's objects as soon as it is saved.
func runDev(ctx context.Context, env *Env, args []string) int {
	var c runConfig
	fs := newFlagSet(env, "dev", "dev [DIR] [flags]")
	c.flags(fs)
	if code := c.setup(env, fs, args); code >= 0 {
		return code
	}
	c.watch = true
	fmt.Fprintf(env.Stdout, "verge dev: %s\n", c.path)
	return c.run(ctx, env)
}
