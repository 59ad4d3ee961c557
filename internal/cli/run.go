package cli

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/verge-edge/verge/internal/cfheader"
	"github.com/verge-edge/verge/internal/console"
	"github.com/verge-edge/verge/internal/engine"
	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/functions"
	"github.com/verge-edge/verge/internal/functions/async"
	"github.com/verge-edge/verge/internal/geoip"
	"github.com/verge-edge/verge/internal/jsfn"
	"github.com/verge-edge/verge/internal/stack"
)

const (
	defaultListen = "127.0.0.1:8080"
	defaultAdmin  = "127.0.0.1:8081"
)

// runConfig is what dev and serve share.
type runConfig struct {
	path          string
	listen        string
	admin         string
	data          string
	name          string
	token         string
	tokenFile     string
	accessLog     string
	memory        byteSize
	disk          byteSize
	watch         bool
	noFastPath    bool
	fnCompute     time.Duration
	fnMemory      byteSize
	shutdownIn    time.Duration
	fnIdle        time.Duration
	fnConc        int
	viewerCountry string
	geoip         string
	natsURL       string
	asyncRetry    string
	quiet         bool
	logFormat     string
	// con is dev's terminal; nil for serve, which logs as slog's text.
	con *console.Console
}

func (c *runConfig) flags(fs *flag.FlagSet) {
	c.memory, c.disk = 256<<20, 0
	fs.StringVar(&c.path, "c", "", "the stack file (default DIR/verge.yaml)")
	fs.StringVar(&c.listen, "listen", defaultListen, "address for viewers")
	fs.StringVar(&c.admin, "admin", defaultAdmin, "address for the admin API")
	fs.StringVar(&c.data, "data", "", "data folder for the disk cache and logs (default DIR/.verge)")
	fs.StringVar(&c.name, "name", "verge", `this node's name in X-Cache ("Hit from NAME"), Via and Cache-Status`)
	fs.StringVar(&c.token, "admin-token", "", "the admin API's token, inline: every local process sees it (prefer --admin-token-file or $VERGE_ADMIN_TOKEN; default: a new random one)")
	fs.StringVar(&c.tokenFile, "admin-token-file", "", "a file holding the admin API's token")
	fs.StringVar(&c.accessLog, "access-log", "", `access log file ("-" for stdout, "off" for none; default DATA/logs/access.log)`)
	fs.Var(&c.memory, "cache-memory", "the memory cache's byte budget")
	fs.Var(&c.disk, "cache-disk", "the disk cache's byte budget (0: no disk tier)")
	fs.DurationVar(&c.fnCompute, "function-compute", 0, "a cdn-function's compute budget per run (default 5ms)")
	fs.Var(&c.fnMemory, "function-memory", "a cdn-function's memory cap (default 4MiB)")
	fs.BoolVar(&c.noFastPath, "no-fast-path", false, "serve every request through net/http and the full pipeline (for comparison)")
	fs.DurationVar(&c.fnIdle, "function-idle-timeout", functions.DefaultIdleTimeout, "how long an idle function sandbox is kept warm")
	fs.IntVar(&c.fnConc, "function-concurrency", functions.DefaultAccountConcurrency, "the most function invocations in progress at once, all functions together (AWS's account limit)")
	fs.StringVar(&c.geoip, "geoip", "", "a MaxMind country database (.mmdb) that gives CloudFront-Viewer-Country from the viewer's address")
	fs.StringVar(&c.viewerCountry, "viewer-country", "", "without --geoip: the CloudFront-Viewer-Country every viewer gets (a two-letter code; default none)")
	fs.StringVar(&c.natsURL, "nats", "", "an external NATS server with JetStream for queues and asynchronous events (default: embedded, under DATA/nats)")
	fs.StringVar(&c.asyncRetry, "async-retry", "", "delays before an asynchronous event's retries, such as 1s,2s (default: dev 1s,2s; serve AWS's 1m,2m)")
	fs.DurationVar(&c.shutdownIn, "shutdown-timeout", 10*time.Second, "how long a graceful shutdown waits for requests in flight")
}

// devFlags registers the flags of dev's terminal.
func (c *runConfig) devFlags(fs *flag.FlagSet) {
	fs.BoolVar(&c.quiet, "quiet", false, "print only errors and the startup summary, not every log line and request")
	fs.StringVar(&c.logFormat, "log-format", string(console.FormatText), "text, or json: one JSON object per line")
}

// setup parses args into c; a non-negative code means stop with it.
func (c *runConfig) setup(env *Env, fs *flag.FlagSet, args []string) int {
	pos, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	switch {
	case len(pos) > 1:
		fmt.Fprintf(env.Stderr, "verge %s: at most one stack folder\n", fs.Name())
		return exitUsage
	case len(pos) == 1 && c.path != "":
		fmt.Fprintf(env.Stderr, "verge %s: give a folder or -c FILE, not both\n", fs.Name())
		return exitUsage
	case len(pos) == 1:
		c.path = pos[0]
	case c.path == "":
		c.path = "."
	}
	if err := c.givenToken(env, fs.Name()); err != nil {
		fmt.Fprintf(env.Stderr, "verge %s: %v\n", fs.Name(), err)
		return exitUsage
	}
	if _, err := c.retryDelays(); err != nil {
		fmt.Fprintf(env.Stderr, "verge %s: %v\n", fs.Name(), err)
		return exitUsage
	}
	if f := console.Format(c.logFormat); f != "" && f != console.FormatText && f != console.FormatJSON {
		fmt.Fprintf(env.Stderr, "verge %s: --log-format %q: want text or json\n", fs.Name(), c.logFormat)
		return exitUsage
	}
	return -1
}

// givenToken sets c.token from --admin-token-file, --admin-token or
// $VERGE_ADMIN_TOKEN, warning about the inline flag: /proc/PID/cmdline
// shows it to every process on the machine, functions included.
func (c *runConfig) givenToken(env *Env, cmd string) error {
	switch {
	case c.token != "" && c.tokenFile != "":
		return errors.New("give --admin-token or --admin-token-file, not both")
	case c.token != "":
		fmt.Fprintf(env.Stderr, "verge %s: warning: --admin-token shows in the process list to every local user and function; use --admin-token-file or $VERGE_ADMIN_TOKEN\n", cmd)
	case c.tokenFile != "":
		b, err := os.ReadFile(c.tokenFile)
		if err != nil {
			return fmt.Errorf("--admin-token-file: %v", err)
		}
		if c.token = strings.TrimSpace(string(b)); c.token == "" {
			return fmt.Errorf("--admin-token-file %s is empty", c.tokenFile)
		}
	default:
		c.token = env.Getenv("VERGE_ADMIN_TOKEN")
	}
	return nil
}

// run runs the stack until ctx ends.
func (c *runConfig) run(ctx context.Context, env *Env) int {
	logger := slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if c.watch {
		// Text keeps Verge's own messages on stderr; JSON is one stream.
		logw := env.Stderr
		if c.logFormat == string(console.FormatJSON) {
			logw = env.Stdout
		}
		c.con = console.New(console.Options{Out: env.Stdout, Log: logw, Format: console.Format(c.logFormat),
			Color: console.Colorful(env.Stdout, env.Getenv), Quiet: c.quiet})
		defer c.con.Close() // after the engine's, deferred below: its last lines
		logger = slog.New(c.con.Handler(slog.LevelInfo))
	}
	plan, err := stack.LoadWith(c.path, stack.Options{Endpoint: engine.EndpointURL(c.admin)})
	if err != nil {
		return reportStackError(env, err)
	}
	for _, w := range plan.Warnings {
		logger.Warn("stack file", "warning", w)
	}
	if c.data == "" {
		c.data = filepath.Join(plan.Dir, ".verge")
	}
	if c.token == "" {
		c.token = rand.Text()
	}
	eng, closeAll, code := c.open(env, logger)
	if eng == nil {
		return code
	}
	defer closeAll()
	// Written once the data folder is ours: a second instance refused must
	// not replace the first one's token.
	removeToken, err := writeToken(c.data, tokenFile, c.token)
	if err != nil {
		fmt.Fprintln(env.Stderr, "verge: writing the admin token:", err)
		return exitFail
	}
	defer removeToken()

	eng.ExpectAdmin(c.admin) // functions started by Apply name the AWS endpoint
	res, err := eng.Apply(ctx, plan)
	if err != nil {
		fmt.Fprintln(env.Stderr, "verge:", err)
		return exitUsage
	}
	if res.Problems != nil {
		// In dev a broken function is reported and fixed while the rest runs.
		if !c.watch {
			fmt.Fprintln(env.Stderr, "verge:", res.Problems)
			return exitFail
		}
		logger.Error("some functions could not be built; fix them and save", "problems", res.Problems.Error())
	}
	if err := eng.Listen(c.listen, c.admin); err != nil {
		fmt.Fprintln(env.Stderr, "verge:", err)
		return exitFail
	}
	// Watch before saying we are ready: a change saved right after must not be missed.
	if c.watch {
		w, err := newWatcher(eng, logger, c.con, c.data)
		if err != nil {
			logger.Warn("file watching is off", "err", err)
		} else {
			defer w.start()()
		}
	}
	listen, adminAddr := eng.Addrs()
	// Also under the user's own folder, by admin address, so the client
	// commands find it from any folder (the README's run them from the
	// repository's root while the stack is examples/quickstart).
	if dir, err := userTokenDir(); err == nil {
		if remove, err := writeToken(dir, userTokenName(adminAddr), c.token); err == nil {
			defer remove()
		}
	}
	c.printURLs(env, eng, listen, adminAddr)
	if c.con != nil {
		c.con.Summary(summarize(eng.Plan(), eng.Hosts()))
	}
	if env.Ready != nil {
		env.Ready(listen, adminAddr)
	}
	select {
	case <-ctx.Done():
		logger.Info("shutting down")
		return exitOK
	case err := <-eng.Done():
		fmt.Fprintln(env.Stderr, "verge:", err)
		return exitFail
	}
}

// writeToken writes the admin token to DIR/NAME, mode 0600, where the
// client commands find it. The file is created anew (a temporary file
// renamed over it), so an old file's laxer mode is not kept. remove deletes
// it: the token must not outlive the server.
func writeToken(dir, name, token string) (remove func(), err error) {
	f, err := os.CreateTemp(dir, name+".*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name()) // after a failure; fails harmlessly after the rename
	_, err = f.WriteString(token + "\n")
	if err = errors.Join(err, f.Chmod(0o600), f.Close()); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, name)
	if err := os.Rename(f.Name(), path); err != nil {
		return nil, err
	}
	return func() { os.Remove(path) }, nil
}

// open opens the engine with what the flags give it; closeAll closes it
// within the shutdown timeout, then the access log and GeoIP database.
// A nil engine comes with the exit code.
func (c *runConfig) open(env *Env, logger *slog.Logger) (eng *engine.Engine, closeAll func(), code int) {
	retry, err := c.retryDelays()
	if err != nil {
		fmt.Fprintln(env.Stderr, "verge:", err)
		return nil, nil, exitUsage
	}
	country, closeGeo, err := c.countrySource()
	if err != nil {
		fmt.Fprintln(env.Stderr, "verge:", err)
		return nil, nil, exitUsage
	}
	alog, closeLog, err := c.openAccessLog(env)
	if err != nil {
		closeGeo()
		fmt.Fprintln(env.Stderr, "verge:", err)
		return nil, nil, exitFail
	}
	c.limitMemory(env)
	o := engine.Options{Data: c.data, Name: c.name, CacheMemory: int64(c.memory), CacheDisk: int64(c.disk),
		AccessLog: alog, Country: country, Logger: logger, IdleTimeout: c.fnIdle, Concurrency: c.fnConc,
		FunctionLimits: jsfn.Limits{Compute: c.fnCompute, Memory: int64(c.fnMemory)},
		NATSURL:        c.natsURL, Retry: retry, Token: c.token, NoFastPath: c.noFastPath}
	if c.con != nil {
		o.Tap, o.Requests = c.con, requestLine(c.con)
	}
	eng, err = engine.Open(o)
	if err != nil {
		closeLog()
		closeGeo()
		fmt.Fprintln(env.Stderr, "verge:", err)
		if errs.Is(errs.Exist, err) {
			return nil, nil, exitUsage
		}
		return nil, nil, exitFail
	}
	return eng, func() {
		sctx, cancel := context.WithTimeout(context.Background(), c.shutdownIn)
		defer cancel()
		if err := eng.Close(sctx); err != nil {
			logger.Warn("shutdown", "err", err)
		}
		closeLog()
		closeGeo()
	}, exitOK
}

// countrySource is where CloudFront-Viewer-Country comes from: the GeoIP
// database, else the fixed --viewer-country, else nowhere.
func (c *runConfig) countrySource() (cfheader.CountryFunc, func(), error) {
	if c.geoip == "" {
		if c.viewerCountry != "" && !validCountry(c.viewerCountry) {
			return nil, nil, fmt.Errorf("--viewer-country %q: want a two-letter country code such as GB", c.viewerCountry)
		}
		return cfheader.FixedCountry(c.viewerCountry), func() {}, nil
	}
	if c.viewerCountry != "" {
		return nil, nil, errors.New("give --geoip or --viewer-country, not both")
	}
	db, err := geoip.Open(c.geoip)
	if err != nil {
		return nil, nil, err
	}
	return db.Country, func() { db.Close() }, nil
}

// validCountry reports whether s is two capital letters.
func validCountry(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

// limitMemory sets a soft memory limit that follows the cache budget, so the
// heap's garbage does not grow the process to twice the cache (GOGC=100
// alone would). GOMEMLIMIT in the environment wins.
func (c *runConfig) limitMemory(env *Env) {
	if env.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(int64(c.memory)*3/2 + 64<<20)
}

func (c *runConfig) openAccessLog(env *Env) (io.Writer, func(), error) {
	switch c.accessLog {
	case "off":
		return nil, func() {}, nil
	case "-":
		return env.Stdout, func() {}, nil
	case "":
		c.accessLog = filepath.Join(c.data, "logs", "access.log")
	}
	if err := os.MkdirAll(filepath.Dir(c.accessLog), 0o755); err != nil {
		return nil, nil, err
	}
	f, err := os.OpenFile(c.accessLog, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}

// printURLs says where the stack answers: each CDN and front door, the
// admin API and its token file, and the front doors' own listen addresses.
func (c *runConfig) printURLs(env *Env, eng *engine.Engine, listen, adminAddr string) {
	_, port, _ := net.SplitHostPort(listen)
	hosts := eng.Hosts()
	type line struct{ name, url, about string }
	var lines []line
	named := false // a URL names a *.localhost host
	for _, n := range slices.Sorted(maps.Keys(hosts)) {
		url := "http://" + listen + "/"
		if h := hosts[n]; h != "" {
			url, named = "http://"+h+":"+port+"/", true
		}
		lines = append(lines, line{n, url, ""})
	}
	lines = append(lines, line{"admin", "http://" + adminAddr + "/", " (health, cache stats, invalidations, metrics: / lists them)"},
		line{"admin-token", filepath.Join(c.data, tokenFile), ""})
	doors := eng.Doors()
	for _, n := range slices.Sorted(maps.Keys(doors)) {
		lines = append(lines, line{n, "http://" + dialable(doors[n]) + "/", ""})
	}
	if c.con != nil && c.logFormat == string(console.FormatJSON) {
		for _, l := range lines {
			c.con.Endpoint(l.name, l.url)
		}
		return
	}
	for _, l := range lines {
		fmt.Fprintf(env.Stdout, "  %-16s %s%s\n", l.name, l.url, l.about)
	}
	if named {
		fmt.Fprintln(env.Stdout, localhostNote(listen))
	}
}

// localhostNote explains *.localhost names to those whose client cannot
// resolve them.
func localhostNote(listen string) string {
	return "  note: browsers and curl resolve *.localhost to this machine; Python, Node's fetch and wget do not:\n" +
		"        call http://" + dialable(listen) + "/ with the Host header, or give the front door its own\n" +
		"        address (listen: 127.0.0.1:PORT in its properties)"
}

// dialable is addr with an unspecified host (":9000", "0.0.0.0:9000")
// replaced by the loopback address, which a client can dial.
func dialable(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		return net.JoinHostPort("127.0.0.1", port)
	}
	return addr
}

// devRetry are the delays before an asynchronous event's retries in dev:
// seconds, so a failing handler shows its retries at once (serve takes
// AWS's, about 1 and 2 minutes).
var devRetry = []time.Duration{time.Second, 2 * time.Second}

// retryDelays parses --async-retry; the default is dev's seconds or AWS's.
func (c *runConfig) retryDelays() ([]time.Duration, error) {
	if c.asyncRetry == "" {
		if c.watch {
			return devRetry, nil
		}
		return async.DefaultRetry, nil
	}
	var out []time.Duration
	for _, f := range strings.Split(c.asyncRetry, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(f))
		if err != nil || d < 0 {
			return nil, fmt.Errorf("--async-retry %q: want delays such as 1s,2s", c.asyncRetry)
		}
		out = append(out, d)
	}
	return out, nil
}
