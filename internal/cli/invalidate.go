package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/verge-edge/verge/internal/admin"
)

// runInvalidate: verge invalidate [--stack NAME] [--admin ADDR] [--data DIR] PATH...
func runInvalidate(ctx context.Context, env *Env, args []string) int {
	fs := newFlagSet(env, "invalidate", "invalidate [--stack NAME] [--admin ADDR] [--data DIR] PATH...")
	dist := fs.String("stack", "", "the distribution (CDN resource name); all when empty")
	server := adminFlags(env, fs)
	paths, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(paths) == 0 {
		fs.Usage()
		return exitUsage
	}
	body, _ := json.Marshal(admin.Invalidation{Distribution: *dist, Paths: paths})
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, server.url(env, admin.PathInvalidations), bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if err := server.authorize(env, req); err != nil {
		fmt.Fprintf(env.Stderr, "verge invalidate: %v\n", err)
		return exitFail
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(env.Stderr, "verge invalidate: %v (is verge running with --admin %s?)\n", err, server.addr)
		return exitFail
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(env.Stderr, "verge invalidate: %s: %s", resp.Status, out)
		if resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusNotFound {
			return exitUsage
		}
		return exitFail
	}
	var res admin.InvalidationResult
	if err := json.Unmarshal(out, &res); err != nil {
		fmt.Fprintf(env.Stderr, "verge invalidate: bad answer: %v\n", err)
		return exitFail
	}
	fmt.Fprintf(env.Stdout, "invalidated %d object(s) for %v\n", res.Removed, res.Paths)
	return exitOK
}
