// Package cli holds Verge's commands, one file each: dev, serve, validate,
// invalidate, invoke, logs, trigger, put-events and test-function. Main dispatches on the first argument; every command returns an
// exit code: 0 success, 1 failure, 2 a usage error or an invalid stack file.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"slices"
	"sort"
	"syscall"

	"github.com/verge-edge/verge/internal/sandbox"
	"github.com/verge-edge/verge/internal/suggest"
)

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

// A command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, env *Env, args []string) int
}

var commands = map[string]command{
	"dev":           {"run a stack, reloading on every change", runDev},
	"serve":         {"run a stack for production (no file watching)", runServe},
	"validate":      {"check a stack file and print every problem", runValidate},
	"invalidate":    {"remove paths from a running Verge's cache", runInvalidate},
	"invoke":        {"invoke a function on a running Verge, as aws lambda invoke", runInvoke},
	"logs":          {"print a function's logs from a running Verge", runLogs},
	"test-function": {"run one event through a cdn-function offline, as aws cloudfront test-function", runTestFunction},
	"trigger":       {"fire a function's schedules now on a running Verge", runTrigger},
	"put-events":    {"put events on a running Verge's event bus, as aws events put-events", runPutEvents},
	"version":       {"print the version", runVersion},
}

// Version is set at build time with -ldflags "-X .../cli.Version=…".
var Version = "dev"

// Env is what a command may touch of the world, so tests can run commands
// in-process.
type Env struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// Ready, when set, receives the running servers' addresses (dev, serve).
	Ready func(listen, admin string)
}

// Main runs the command named by os.Args and exits with its code.
func Main() {
	sandbox.Init() // a re-executed sandbox shim does its work and never returns
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Run(ctx, &Env{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}, os.Args[1:])
	stop()
	os.Exit(code)
}

// Run runs one command line and returns its exit code. Cancelling ctx stops
// a running server gracefully.
func Run(ctx context.Context, env *Env, args []string) int {
	switch {
	case len(args) == 0:
		usage(env.Stderr)
		return exitUsage
	case args[0] == "-h" || args[0] == "-help" || args[0] == "--help":
		usage(env.Stdout)
		return exitOK
	case args[0] == "help" && len(args) > 1: // verge help COMMAND: its flags
		if _, ok := commands[args[1]]; ok {
			return Run(ctx, env, []string{args[1], "-h"})
		}
		return unknown(env, args[1])
	case args[0] == "help":
		usage(env.Stdout)
		return exitOK
	case args[0] == "-version" || args[0] == "--version" || args[0] == "-v":
		return runVersion(ctx, env, nil)
	}
	cmd, ok := commands[args[0]]
	if !ok {
		return unknown(env, args[0])
	}
	return cmd.run(ctx, env, args[1:])
}

// unknown reports an unknown command and the nearest known one.
func unknown(env *Env, name string) int {
	fmt.Fprintf(env.Stderr, "verge: unknown command %q", name)
	if near := suggest.Nearest(name, slices.Collect(maps.Keys(commands))); near != "" {
		fmt.Fprintf(env.Stderr, "; did you mean %q?", near)
	}
	fmt.Fprint(env.Stderr, "\n\n")
	usage(env.Stderr)
	return exitUsage
}

// flagExit is the exit code of a command line that did not parse: 0 for
// -h or --help, which asked for the usage printed.
func flagExit(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: verge COMMAND [flags] [args]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-14s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'verge COMMAND -h' (or 'verge help COMMAND') for a command's flags, 'verge --version' for the version.")
}

// parse parses flags that may come before or after positional arguments
// ("verge dev DIR --listen :9000"), returning the positionals.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func newFlagSet(env *Env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "Usage: verge %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

func runVersion(_ context.Context, env *Env, _ []string) int {
	fmt.Fprintln(env.Stdout, "verge", Version)
	return exitOK
}
