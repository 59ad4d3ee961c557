package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"time"

	"github.com/verge-edge/verge/internal/gateway"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/verge-edge/verge/internal/admin"
	"github.com/verge-edge/verge/internal/awsapi"
	"github.com/verge-edge/verge/internal/cff"
	"github.com/verge-edge/verge/internal/cfheader"
	"github.com/verge-edge/verge/internal/edge"
	"github.com/verge-edge/verge/internal/edge/cache"
	"github.com/verge-edge/verge/internal/functions"
	"github.com/verge-edge/verge/internal/geoip"
	"github.com/verge-edge/verge/internal/jsfn"
	"github.com/verge-edge/verge/internal/lambdaedge"
	"github.com/verge-edge/verge/internal/logs"
	"github.com/verge-edge/verge/internal/sandbox"
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
}

func (c *runConfig) flags(fs *flag.FlagSet) {
	c.memory, c.disk = 256<<20, 0
	fs.StringVar(&c.path, "c", "", "the stack file (default DIR/verge.yaml)")
	fs.StringVar(&c.listen, "listen", defaultListen, "address for viewers")
	fs.StringVar(&c.admin, "admin", defaultAdmin, "address for the admin API (loopback unless --admin-token is set)")
	fs.StringVar(&c.data, "data", "", "data folder for the disk cache and logs (default DIR/.verge)")
	fs.StringVar(&c.name, "name", "verge", `this node's name in X-Cache ("Hit from NAME"), Via and Cache-Status`)
	fs.StringVar(&c.token, "admin-token", "", "bearer token for the admin API (default $VERGE_ADMIN_TOKEN)")
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

// setup parses args into c; a non-negative code means stop with it.
func (c *runConfig) setup(env *Env, fs *flag.FlagSet, args []string) int {
	pos, err := parse(fs, args)
	if err != nil {
		return exitUsage
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
	if c.token == "" {
		c.token = env.Getenv("VERGE_ADMIN_TOKEN")
	}
	if !isLoopback(c.admin) && c.token == "" {
		fmt.Fprintf(env.Stderr, "verge %s: --admin %s is not a loopback address: set --admin-token or VERGE_ADMIN_TOKEN\n", fs.Name(), c.admin)
		return exitUsage
	}
	if _, err := c.retryDelays(); err != nil {
		fmt.Fprintf(env.Stderr, "verge %s: %v\n", fs.Name(), err)
		return exitUsage
	}
	return -1
}

func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// run runs the edge until ctx ends.
func (c *runConfig) run(ctx context.Context, env *Env) int {
	logger := slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	plan, err := stack.Load(c.path)
	if err != nil {
		return reportStackError(env, err)
	}
	for _, w := range plan.Warnings {
		logger.Warn("stack file", "warning", w)
	}
	if c.data == "" {
		c.data = filepath.Join(plan.Dir, ".verge")
	}
	store, err := c.openStore()
	if err != nil {
		fmt.Fprintln(env.Stderr, "verge:", err)
		return exitFail
	}
	defer store.Close()
	alog, closeLog, err := c.openAccessLog(env)
	if err != nil {
		fmt.Fprintln(env.Stderr, "verge:", err)
		return exitFail
	}
	defer closeLog()

	logStore, err := logs.Open(filepath.Join(c.data, "logs", "functions"))
	if err != nil {
		fmt.Fprintln(env.Stderr, "verge:", err)
		return exitFail
	}
	defer logStore.Close()

	country, closeGeo, err := c.countrySource()
	if err != nil {
		fmt.Fprintln(env.Stderr, "verge:", err)
		return exitUsage
	}
	defer closeGeo()

	c.limitMemory(env)
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := edge.NewMetrics(reg)
	var gw *gateway.Server // the edge's gateway origins call it; it falls back to the edge
	srv := edge.New(edge.Options{Name: c.name, Store: store, AccessLog: alog, Logger: logger, Metrics: metrics, Country: country,
		Gateway: func(name string) http.Handler { return gw.Handler(name) }})
	// An early return closes the edge too (its access log's flusher); the
	// normal end closes it after the listeners, waiting for fills.
	srvOpen := true
	defer func() {
		if srvOpen {
			srv.Close(context.Background())
		}
	}()
	lambdas, err := functions.New(functions.Options{DataDir: c.data, Logs: logStore, Logger: logger, Registry: reg, IdleTimeout: c.fnIdle, Concurrency: c.fnConc})
	if err != nil {
		fmt.Fprintln(env.Stderr, "verge:", err)
		return exitFail
	}
	defer lambdas.Close()
	if len(plan.Functions) > 0 || len(plan.EdgeLambdaFunctions) > 0 {
		logger.Info("sandboxes", "mechanisms", sandbox.Mechanisms().String())
	}
	if err := lambdas.Apply(ctx, plan); err != nil {
		// In dev a broken function is reported and fixed while the rest runs.
		if !c.watch {
			fmt.Fprintln(env.Stderr, "verge:", err)
			return exitFail
		}
		logger.Error("some functions could not be built; fix them and save", "problems", err.Error())
	}

	fnOpts := edgeFuncsOptions{
		cdn: cff.RunnerOptions{Logger: logger, Metrics: cff.NewMetrics(reg),
			Limits: jsfn.Limits{Compute: c.fnCompute, Memory: int64(c.fnMemory)}},
		lambda: lambdaedge.RunnerOptions{Functions: lambdas, Logger: logger, Country: country},
	}
	fns, err := newFunctions(plan, fnOpts)
	if err != nil {
		fmt.Fprintln(env.Stderr, "verge:", err)
		return exitUsage
	}
	defer func() { fns.Close() }()
	if err := srv.Load(plan, fns.runner()); err != nil {
		fmt.Fprintln(env.Stderr, "verge:", err)
		return exitUsage
	}
	gw = gateway.New(gateway.Options{Functions: lambdas, Fallback: srv, Logger: logger})
	if err := gw.Load(plan); err != nil {
		fmt.Fprintln(env.Stderr, "verge:", err)
		return exitUsage
	}
	ev, err := c.newEventSide(lambdas, logger, reg)
	if err != nil {
		fmt.Fprintln(env.Stderr, "verge:", err)
		return exitUsage
	}
	defer ev.close()
	if err := ev.load(ctx, plan); err != nil {
		fmt.Fprintln(env.Stderr, "verge:", err)
		return exitFail
	}

	viewerLn, err := net.Listen("tcp", c.listen)
	if err != nil {
		fmt.Fprintln(env.Stderr, "verge:", err)
		return exitFail
	}
	adminLn, err := net.Listen("tcp", c.admin)
	if err != nil {
		viewerLn.Close()
		fmt.Fprintln(env.Stderr, "verge:", err)
		return exitFail
	}
	errLog := log.New(&slogWriter{logger}, "", 0)
	viewer := &http.Server{Handler: gw, MaxHeaderBytes: edge.MaxHeaderBytes, ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout: 120 * time.Second, ErrorLog: errLog}
	routes := func(mux *http.ServeMux) {
		awsapi.Register(mux, lambdas, ev)
		mux.Handle("GET "+logs.Path, logs.Handler(logStore))
		ev.routes(mux)
	}
	adminSrv := &http.Server{Handler: admin.New(admin.Config{Edge: srv, Metrics: metrics, Registry: reg, Token: c.token, Routes: routes, Async: ev}),
		ReadHeaderTimeout: 10 * time.Second, ErrorLog: errLog}

	doors, err := listenDoors(plan, gw, errLog)
	if err != nil {
		viewerLn.Close()
		adminLn.Close()
		fmt.Fprintln(env.Stderr, "verge:", err)
		return exitFail
	}
	errc := make(chan error, 2+len(doors))
	for _, d := range doors {
		go func() { errc <- d.srv.Serve(d.ln) }()
	}
	shutdownViewer := viewer.Shutdown
	if c.noFastPath {
		go func() { errc <- viewer.Serve(viewerLn) }()
	} else {
		fe := srv.NewFrontend(viewer)
		shutdownViewer = fe.Shutdown
		go func() { errc <- fe.Serve(viewerLn) }()
	}
	go func() { errc <- adminSrv.Serve(adminLn) }()
	// Watch before saying we are ready: a change saved right after must not be missed.
	var stopWatch func()
	if c.watch {
		w, err := newWatcher(plan, srv, gw, ev, logger, c.data, &fns, fnOpts, lambdas)
		if err != nil {
			logger.Warn("file watching is off", "err", err)
		} else {
			stopWatch = w.start()
		}
	}

	c.printURLs(env, srv, gw, viewerLn.Addr().String(), adminLn.Addr().String())
	for _, d := range doors {
		fmt.Fprintf(env.Stdout, "  %-16s http://%s/\n", d.name, d.ln.Addr())
	}
	if env.Ready != nil {
		env.Ready(viewerLn.Addr().String(), adminLn.Addr().String())
	}

	code := exitOK
	select {
	case <-ctx.Done():
		logger.Info("shutting down")
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(env.Stderr, "verge:", err)
			code = exitFail
		}
	}
	if stopWatch != nil {
		stopWatch()
	}
	sctx, cancel := context.WithTimeout(context.Background(), c.shutdownIn)
	defer cancel()
	shutdownViewer(sctx)
	adminSrv.Shutdown(sctx)
	for _, d := range doors {
		d.srv.Shutdown(sctx)
	}
	srvOpen = false
	srv.Close(sctx)
	return code
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

func (c *runConfig) openStore() (*cache.Tiered, error) {
	t := &cache.Tiered{Mem: cache.NewMemory(int64(c.memory))}
	if c.disk > 0 {
		d, err := cache.OpenDisk(filepath.Join(c.data, "cache"), int64(c.disk))
		if err != nil {
			t.Mem.Close()
			return nil, err
		}
		t.Disk = d
	}
	return t, nil
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

func (c *runConfig) printURLs(env *Env, srv *edge.Server, gw *gateway.Server, listen, adminAddr string) {
	_, port, _ := net.SplitHostPort(listen)
	hosts := srv.Hosts()
	maps.Copy(hosts, gw.Hosts())
	names := make([]string, 0, len(hosts))
	for n := range hosts {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		url := "http://" + listen + "/"
		if h := hosts[n]; h != "" {
			url = "http://" + h + ":" + port + "/"
		}
		fmt.Fprintf(env.Stdout, "  %-16s %s\n", n, url)
	}
	fmt.Fprintf(env.Stdout, "  %-16s http://%s/ (health, cache stats, invalidations, metrics)\n", "admin", adminAddr)
}

// slogWriter sends the HTTP servers' log lines to slog.
type slogWriter struct{ l *slog.Logger }

func (w *slogWriter) Write(p []byte) (int, error) {
	w.l.Warn(string(trimNewline(p)))
	return len(p), nil
}

func trimNewline(p []byte) []byte {
	if n := len(p); n > 0 && p[n-1] == '\n' {
		return p[:n-1]
	}
	return p
}

// A door is a front door's own listener (its listen property).
type door struct {
	name string
	ln   net.Listener
	srv  *http.Server
}

// listenDoors opens the listen addresses of the plan's gateways and load
// balancers. They are opened once: a reload that changes one is reported
// and applies at the next start.
func listenDoors(plan *stack.Plan, gw *gateway.Server, errLog *log.Logger) ([]door, error) {
	var addrs [][2]string
	for _, g := range plan.HTTPAPIGateways {
		if g.Listen != "" {
			addrs = append(addrs, [2]string{g.Name, g.Listen})
		}
	}
	for _, lb := range plan.LoadBalancers {
		if lb.Listen != "" {
			addrs = append(addrs, [2]string{lb.Name, lb.Listen})
		}
	}
	var doors []door
	for _, a := range addrs {
		ln, err := net.Listen("tcp", a[1])
		if err != nil {
			for _, d := range doors {
				d.ln.Close()
			}
			return nil, fmt.Errorf("%s: listen %s: %w", a[0], a[1], err)
		}
		srv := &http.Server{Handler: gw.Handler(a[0]), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second, ErrorLog: errLog}
		doors = append(doors, door{name: a[0], ln: ln, srv: srv})
	}
	return doors, nil
}
