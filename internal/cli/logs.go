package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/logs"
)

// runLogs: verge logs NAME [--follow] [--since 10m] [--filter TEXT]
// [--format short|detailed|json]. NAME is a function (its group
// /aws/lambda/NAME) or a whole group name.
func runLogs(ctx context.Context, env *Env, args []string) int {
	fs := newFlagSet(env, "logs", "logs NAME [--follow] [--since 10m] [--filter TEXT] [--format short|detailed|json] [--admin ADDR] [--data DIR]")
	format := fs.String("format", logs.FormatShort, "short (time and message), detailed (time, log stream and message) or json, as aws logs tail --format")
	follow := fs.Bool("follow", false, "keep printing new events until interrupted")
	since := fs.String("since", "10m", "the oldest events to print: a duration (10m, 2h) or an RFC 3339 time")
	filter := fs.String("filter", "", "only events matching this filter pattern (terms that must all appear)")
	server := adminFlags(env, fs)
	pos, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(pos) != 1 {
		fmt.Fprintln(env.Stderr, "verge logs: give exactly one function or log group name")
		return exitUsage
	}
	from, err := logs.ParseTime(*since, time.Now())
	if err != nil {
		fmt.Fprintln(env.Stderr, "verge logs: --since:", err)
		return exitUsage
	}
	if _, ok := logs.FormatAs(*format, logs.Event{}); !ok {
		fmt.Fprintf(env.Stderr, "verge logs: --format %q: want short, detailed or json\n", *format)
		return exitUsage
	}
	if _, err := logs.ParseFilter(*filter); err != nil {
		fmt.Fprintln(env.Stderr, "verge logs: --filter:", err)
		return exitUsage
	}
	group := pos[0]
	if !strings.HasPrefix(group, "/") {
		group = "/aws/lambda/" + group
	}
	token, err := server.adminToken(env)
	if err != nil {
		fmt.Fprintf(env.Stderr, "verge logs: %v\n", err)
		return exitFail
	}
	err = logs.Fetch(ctx, http.DefaultClient, server.url(env, logs.Path), token, logs.Query{Since: from, Filter: *filter}, group, *follow,
		func(ev logs.Event) error {
			line, _ := logs.FormatAs(*format, ev)
			_, err := fmt.Fprintln(env.Stdout, line)
			return err
		})
	switch {
	case err == nil, errors.Is(err, context.Canceled) && *follow:
		return exitOK
	case errs.Is(errs.NotFound, err), errs.Is(errs.Invalid, err):
		fmt.Fprintf(env.Stderr, "verge logs: %v\n", err)
		return exitUsage
	default:
		fmt.Fprintf(env.Stderr, "verge logs: %v\n", err)
		return exitFail
	}
}
