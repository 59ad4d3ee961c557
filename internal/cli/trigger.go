package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/verge-edge/verge/internal/admin"
)

// runTrigger: verge trigger [--admin ADDR] [--data DIR] FUNCTION fires the function's
// schedules now, each with the Scheduled Event of this instant.
func runTrigger(ctx context.Context, env *Env, args []string) int {
	fs := newFlagSet(env, "trigger", "trigger [--admin ADDR] [--data DIR] FUNCTION")
	server := adminFlags(env, fs)
	rest, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(rest) != 1 {
		fs.Usage()
		return exitUsage
	}
	fn := rest[0]
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	path := strings.Replace(admin.PathTrigger, "{function}", fn, 1)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, server.url(env, path), nil)
	if err := server.authorize(env, req); err != nil {
		fmt.Fprintf(env.Stderr, "verge trigger: %v\n", err)
		return exitFail
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(env.Stderr, "verge trigger: %v (is verge running with --admin %s?)\n", err, server.addr)
		return exitFail
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusNotFound:
		fmt.Fprintf(env.Stderr, "verge trigger: function %q has no schedule event on this server\n", fn)
		return exitUsage
	default:
		fmt.Fprintf(env.Stderr, "verge trigger: %s: %s\n", resp.Status, out)
		return exitFail
	}
	var t admin.Triggered
	json.Unmarshal(out, &t)
	fmt.Fprintf(env.Stdout, "fired %d schedule(s) of %s\n", t.Fired, fn)
	return exitOK
}
