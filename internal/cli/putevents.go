package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/verge-edge/verge/internal/triggers/eventbus"
)

// runPutEvents: verge put-events (--entries FILE | --source S --detail-type T
// --detail JSON [--bus NAME]) [--admin ADDR] [--data DIR]. Like aws events put-events,
// it prints the answer and fails when an entry failed.
func runPutEvents(ctx context.Context, env *Env, args []string) int {
	fs := newFlagSet(env, "put-events", "put-events (--entries FILE | --source S --detail-type T --detail JSON [--bus NAME]) [--admin ADDR] [--data DIR]")
	file := fs.String("entries", "", `a JSON file with the entries, as aws events put-events --entries takes: [{"Source":…,"DetailType":…,"Detail":…}]`)
	var e eventbus.Entry
	fs.StringVar(&e.Source, "source", "", "the event's source")
	fs.StringVar(&e.DetailType, "detail-type", "", "the event's detail-type")
	fs.StringVar(&e.Detail, "detail", "", "the event's detail, a JSON object")
	fs.StringVar(&e.EventBusName, "bus", "", "the event bus (default: the default bus)")
	server := adminFlags(env, fs)
	if rest, err := parse(fs, args); err != nil {
		return flagExit(err)
	} else if len(rest) > 0 {
		fs.Usage()
		return exitUsage
	}
	entries, err := putEntries(*file, e)
	if err != nil {
		fmt.Fprintf(env.Stderr, "verge put-events: %v\n", err)
		return exitUsage
	}
	body, _ := json.Marshal(map[string]any{"Entries": entries})
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, server.url(env, "/"), bytes.NewReader(body))
	req.Header.Set("Content-Type", eventbus.ContentType)
	req.Header.Set(eventbus.HeaderTarget, eventbus.TargetPutEvents)
	if err := server.authorize(env, req); err != nil {
		fmt.Fprintf(env.Stderr, "verge put-events: %v\n", err)
		return exitFail
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(env.Stderr, "verge put-events: %v (is verge running with --admin %s?)\n", err, server.addr)
		return exitFail
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(env.Stderr, "verge put-events: %s: %s\n", resp.Status, out)
		if resp.StatusCode == http.StatusBadRequest {
			return exitUsage
		}
		return exitFail
	}
	var res struct{ FailedEntryCount int }
	json.Unmarshal(out, &res)
	var pretty bytes.Buffer
	if json.Indent(&pretty, out, "", "    ") == nil {
		out = pretty.Bytes()
	}
	fmt.Fprintf(env.Stdout, "%s\n", out)
	if res.FailedEntryCount > 0 {
		return exitFail
	}
	return exitOK
}

// putEntries reads the entries from file, or makes the one the flags say.
func putEntries(file string, e eventbus.Entry) ([]eventbus.Entry, error) {
	if file == "" {
		if e.Source == "" || e.DetailType == "" || e.Detail == "" {
			return nil, fmt.Errorf("give --entries FILE, or --source, --detail-type and --detail")
		}
		return []eventbus.Entry{e}, nil
	}
	if e.Source != "" || e.DetailType != "" || e.Detail != "" || e.EventBusName != "" {
		return nil, fmt.Errorf("--entries and the single-entry flags cannot be used together")
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var entries []eventbus.Entry
	if err := json.Unmarshal(b, &entries); err != nil {
		return nil, fmt.Errorf("%s: not a JSON list of entries: %v", file, err)
	}
	return entries, nil
}
