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

// runInvalidate: verge invalidate [--stack NAME] [--admin ADDR] PATH...
func runInvalidate(ctx context.Context, env *Env, args []string) int {
	fs := newFlagSet(env, "invalidate", "invalidate [--stack NAME] [--admin ADDR] PATH...")
	dist := fs.String("stack", "", "the distribution (CDN resource name); all when empty")
	addr := fs.String("admin", defaultAdmin, "the admin API's address")
	token := fs.String("token", "", "admin bearer token (default $VERGE_ADMIN_TOKEN)")
	paths, err := parse(fs, args)
	if err != nil {
		return exitUsage
	}
	if len(paths) == 0 {
		fs.Usage()
		return exitUsage
	}
	if *token == "" {
		*token = env.Getenv("VERGE_ADMIN_TOKEN")
	}
	body, _ := json.Marshal(admin.Invalidation{Distribution: *dist, Paths: paths})
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+*addr+admin.PathInvalidations, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if *token != "" {
		req.Header.Set("Authorization", "Bearer "+*token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(env.Stderr, "verge invalidate: %v (is verge running with --admin %s?)\n", err, *addr)
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
