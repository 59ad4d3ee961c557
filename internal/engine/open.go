package engine

import (
	"cmp"
	"context"
	"errors"
	"io"
	"log"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/verge-edge/verge/internal/admin"
	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/awsapi"
	"github.com/verge-edge/verge/internal/cff"
	"github.com/verge-edge/verge/internal/cfheader"
	"github.com/verge-edge/verge/internal/dispatch"
	"github.com/verge-edge/verge/internal/edge"
	"github.com/verge-edge/verge/internal/edge/cache"
	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/functions"
	"github.com/verge-edge/verge/internal/gateway"
	"github.com/verge-edge/verge/internal/identity"
	"github.com/verge-edge/verge/internal/jsfn"
	"github.com/verge-edge/verge/internal/lambdaedge"
	"github.com/verge-edge/verge/internal/logs"
	"github.com/verge-edge/verge/internal/s3"
	"github.com/verge-edge/verge/internal/sns"
	"github.com/verge-edge/verge/internal/stack"
	"github.com/verge-edge/verge/internal/triggers/eventbus"
)

// Options configure an Engine; the zero value of each field is its default.
type Options struct {
	// Data is the data folder: the lock, the disk cache, logs, builds,
	// sandboxes and the embedded broker's store.
	Data string
	// Name is this node's name in X-Cache, Via and Cache-Status.
	Name string
	// CacheMemory and CacheDisk are the cache tiers' byte budgets (256
	// MiB of memory when 0; no disk tier when 0).
	CacheMemory, CacheDisk int64
	// AccessLog receives the edge's access log; nil for none.
	AccessLog io.Writer
	// Country gives CloudFront-Viewer-Country; nil for none.
	Country cfheader.CountryFunc
	// Logger receives operational messages.
	Logger *slog.Logger
	// FunctionLimits cap each cdn-function run.
	FunctionLimits jsfn.Limits
	// IdleTimeout and Concurrency configure the function sandboxes.
	IdleTimeout time.Duration
	Concurrency int
	// NATSURL is an external NATS server; "" runs one embedded.
	NATSURL string
	// Retry are the delays before an asynchronous event's retries.
	Retry []time.Duration
	// Token guards the admin listener: a bearer token, or the secret
	// access key of a SigV4 signature. Empty refuses every request but the
	// health check.
	Token string
	// NoFastPath serves every viewer through net/http (for comparison).
	NoFastPath bool
	// Tap sees the functions' output and errors as they happen; nil for
	// none.
	Tap functions.Tap
	// Requests sees each request to the CDNs and front doors, as the access
	// log records it; nil for none.
	Requests func(*edge.LogLine)
}

// An Engine is a running Verge: its stores, its parts and its listeners.
type Engine struct {
	opts    Options
	log     *slog.Logger
	errLog  *log.Logger
	lock    *os.File
	store   *cache.Tiered
	logs    *logs.Store
	ids     *identity.Store
	reg     *prometheus.Registry
	metrics *edge.Metrics

	edge    *edge.Server
	gateway *gatewayPart
	events  *eventSide
	buckets *bucketsPart
	parts   parts

	listeners listeners
}

// Open locks the data folder and opens the stores and the parts, with no
// plan: Apply gives them one. An errs.Exist error means another process
// runs on the data folder.
func Open(o Options) (e *Engine, err error) {
	const op errs.Op = "engine.Open"
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.CacheMemory <= 0 {
		o.CacheMemory = 256 << 20
	}
	lock, err := lockData(o.Data)
	if err != nil {
		return nil, err
	}
	e = &Engine{opts: o, log: o.Logger, errLog: log.New(&slogWriter{o.Logger}, "", 0), lock: lock}
	defer func() {
		if err != nil {
			e.closeStores()
		}
	}()
	if e.store, err = openStore(o); err != nil {
		return nil, errs.E(op, errs.IO, err)
	}
	if e.logs, err = logs.Open(filepath.Join(o.Data, "logs", "functions")); err != nil {
		return nil, errs.E(op, errs.IO, err)
	}
	e.reg = prometheus.NewRegistry()
	e.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	e.metrics = edge.NewMetrics(e.reg)
	if e.ids, err = identity.Open(o.Data, o.Token); err != nil {
		return nil, errs.E(op, errs.IO, err)
	}
	lambdas, err := functions.New(functions.Options{DataDir: o.Data, Logs: e.logs, Logger: o.Logger, Registry: e.reg,
		IdleTimeout: o.IdleTimeout, Concurrency: o.Concurrency, Tap: o.Tap, Identities: e.ids})
	if err != nil {
		return nil, err
	}
	e.ids.SetNames(lambdas.Names)
	buckets := &bucketsPart{log: o.Logger, watchers: map[string]*bucketWatcher{}}
	if buckets.store, err = s3.Open(s3.Options{Dir: filepath.Join(o.Data, "s3"), Notify: buckets.notify,
		Changed: buckets.changed, Configured: buckets.configured, Logger: o.Logger}); err != nil {
		return nil, errs.E(op, errs.IO, err)
	}
	e.buckets = buckets
	// The gateway comes first: the edge's gateway origins call it, and it
	// hands the viewer listener's other hosts to the edge (Front).
	// Its doors log through the edge's access log, made just after.
	logged := func(name string, h http.Handler) http.Handler { return e.edge.Logged(name, h) }
	gw := gateway.New(gateway.Options{Functions: lambdas, Logger: o.Logger, Log: logged})
	e.edge = edge.New(edge.Options{Name: o.Name, Store: e.store, AccessLog: o.AccessLog, Logger: o.Logger,
		Metrics: e.metrics, Country: o.Country, Gateway: gw.Handler, Requests: o.Requests, BucketInfo: buckets.info})
	e.gateway = &gatewayPart{gw: gw, log: o.Logger, errLog: e.errLog, metrics: e.metrics, logged: logged}
	e.events = &eventSide{dir: filepath.Join(o.Data, "nats"), natsURL: o.NATSURL, lambdas: lambdas, logger: o.Logger,
		reg: e.reg, retry: o.Retry, ids: e.ids, logStore: e.logs, accountConc: cmp.Or(o.Concurrency, functions.DefaultAccountConcurrency)}
	buckets.events, buckets.edge = e.events, e.edge
	fnOpts := edgeFuncsOptions{
		cdn:    cff.RunnerOptions{Logger: o.Logger, Metrics: cff.NewMetrics(e.reg), Limits: o.FunctionLimits},
		lambda: lambdaedge.RunnerOptions{Functions: lambdas, Logger: o.Logger, Country: o.Country},
	}
	policies := awsapi.NewPolicies(o.Logger)
	// Dependency order: functions are ready before anything routes to them.
	e.parts.list = []named{
		{"functions", &functionsPart{svc: lambdas, log: o.Logger}},
		{"access control", &accessPart{policies: policies}},
		{"buckets", buckets},
		{"edge", &edgePart{srv: e.edge, opts: fnOpts, retired: map[*time.Timer]func(){}}},
		{"http-api-gateways and load balancers", e.gateway},
		{"schedules and event rules", e.events},
	}
	// The admin listener is Verge's AWS endpoint too: the router takes the
	// AWS requests (by signature, X-Amz-Target or path) and hands the rest
	// to the admin API.
	adminAPI := admin.New(admin.Config{Edge: e.edge, Metrics: e.metrics, Registry: e.reg, Token: o.Token,
		Async: e.events, Routes: func(mux *http.ServeMux) {
			mux.Handle("GET "+logs.Path, logs.Handler(e.logs))
		}, Endpoints: routedEndpoints()})
	// SNS's signing certificate and subscription links are fetched by
	// subscribers, unsigned, as from AWS.
	adminMux := http.NewServeMux()
	adminMux.HandleFunc(sns.Prefix, e.events.serveSNS)
	adminMux.Handle("/", awsapi.New(awsapi.Options{Identities: e.ids, Authorizer: policies, Fallback: adminAPI, Logger: o.Logger},
		awsapi.Lambda(lambdas, e.events, e.triggers),
		awsapi.Events(e.events, e.events.hasBus, e.eventPlan),
		awsapi.CloudFront(cdnSide{e}),
		awsapi.Logs(e.logs, awsapi.LogsOptions{Subscriptions: e.events.openLogSubsAPI}),
		awsapi.SQS(e.events.openQueues),
		awsapi.SNS(e.events.openTopics),
		awsapi.S3(awsapi.Fixed(buckets.store)),
		awsapi.Kinesis(e.events.openStreams),
		awsapi.DynamoDB(e.events.openTables)))
	e.listeners.adminHandler = adminMux
	e.listeners.viewerHandler = gw.Front(e.edge)
	return e, nil
}

// routedEndpoints describe what the admin listener serves besides the
// admin API's own endpoints, for its index.
func routedEndpoints() []admin.Endpoint {
	return []admin.Endpoint{
		{Method: "GET", Path: logs.Path, About: "a log group's events, newline-delimited JSON (verge logs)"},
		{Method: "POST", Path: "/", About: "the AWS endpoint: Lambda, EventBridge, CloudFront, CloudWatch Logs, SQS, SNS, S3, Kinesis, DynamoDB and DynamoDB Streams APIs, SigV4-signed (aws --endpoint-url, the AWS SDKs; docs/aws-api.md)"},
		{Method: "GET", Path: sns.CertPath, About: "SNS's signing certificate (SigningCertURL), and under /sns/ the subscription links; no token, as on AWS"},
	}
}

// triggers lists the plan's schedules and event-bus rules as Lambda's
// event source mappings.
func (e *Engine) triggers() []awsapi.Trigger {
	plan := e.Plan()
	if plan == nil {
		return nil
	}
	var out []awsapi.Trigger
	for _, s := range plan.Schedules {
		r := eventbus.Rule{Name: dispatch.RuleName(s.Function, "schedule", s.Index)}
		out = append(out, awsapi.Trigger{Function: s.Function, Source: r.ARN()})
	}
	for _, b := range plan.BusRules {
		r := eventbus.Rule{Name: dispatch.RuleName(b.Function, "event-bus", b.Index), Bus: b.Bus}
		out = append(out, awsapi.Trigger{Function: b.Function, Source: r.ARN()})
	}
	states := e.events.mappingStates()
	for _, q := range plan.QueueTriggers {
		t := awsapi.Trigger{Function: q.Function, Source: arn.Queue(q.Queue), BatchSize: q.BatchSize,
			MaxBatchingWindow: q.MaxBatchWindowSeconds, MaximumConcurrency: q.MaximumConcurrency}
		if q.ReportBatchItemFailures {
			t.FunctionResponseTypes = []string{"ReportBatchItemFailures"}
		}
		if st, ok := states[q.Function+"\x00"+q.Queue]; ok {
			t.State, t.LastProcessingResult, t.LastModified = st.State, st.LastProcessingResult, st.LastModified
		}
		out = append(out, t)
	}
	out = append(out, e.events.streamTriggers(plan)...)
	return append(out, e.events.kafkaTriggers(plan)...)
}

// Identities are the AWS endpoint's credentials: the admin's and the
// functions'.
func (e *Engine) Identities() *identity.Store { return e.ids }

// Apply makes plan the one every part runs, or, when any part cannot take
// it, leaves every part on the previous plan and says which part failed.
func (e *Engine) Apply(ctx context.Context, plan *stack.Plan) (Result, error) {
	return e.parts.apply(ctx, plan)
}

// Plan is the plan last applied, nil before the first.
func (e *Engine) Plan() *stack.Plan { return e.parts.current() }

// Invalidate removes paths from a distribution's cache ("" for all).
func (e *Engine) Invalidate(dist string, paths []string) int { return e.edge.Invalidate(dist, paths) }

// Hosts lists the host names of the distributions and front doors by
// resource name ("" for one that answers any host).
func (e *Engine) Hosts() map[string]string {
	hosts := e.edge.Hosts()
	maps.Copy(hosts, e.gateway.gw.Hosts())
	return hosts
}

// Doors lists the addresses of the front doors that have their own.
func (e *Engine) Doors() map[string]string { return e.gateway.Addrs() }

// Close stops the listeners, then the parts in reverse order, then the
// stores, and releases the data folder; it waits for work in flight up to
// ctx.
func (e *Engine) Close(ctx context.Context) error {
	err := e.listeners.shutdown(ctx)
	err = errors.Join(err, e.parts.close(ctx))
	e.closeStores()
	return err
}

// closeStores closes what Open opened before the parts, and the lock.
func (e *Engine) closeStores() {
	if e.logs != nil {
		e.logs.Close()
	}
	if e.store != nil {
		e.store.Close()
	}
	e.lock.Close() // drops the flock
}

func openStore(o Options) (*cache.Tiered, error) {
	t := &cache.Tiered{Mem: cache.NewMemory(o.CacheMemory)}
	if o.CacheDisk > 0 {
		d, err := cache.OpenDisk(filepath.Join(o.Data, "cache"), o.CacheDisk)
		if err != nil {
			t.Mem.Close()
			return nil, err
		}
		t.Disk = d
	}
	return t, nil
}

// slogWriter sends the HTTP servers' log lines to slog.
type slogWriter struct{ l *slog.Logger }

func (w *slogWriter) Write(p []byte) (int, error) {
	if n := len(p); n > 0 && p[n-1] == '\n' {
		p = p[:n-1]
	}
	w.l.Warn(string(p))
	return len(p), nil
}

// listeners are the viewer and admin listeners.
type listeners struct {
	viewerHandler, adminHandler http.Handler

	mu             sync.Mutex
	shutdownViewer func(context.Context) error
	admin          *http.Server
	viewerAddr     string
	adminAddr      string
	errc           chan error     // a listener that stopped on its own
	wg             sync.WaitGroup // the serving goroutines
}

// serve runs a listener's server; an unexpected end goes to errc.
func (l *listeners) serve(run func() error) {
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		if err := run(); !errors.Is(err, http.ErrServerClosed) {
			l.errc <- err
		}
	}()
}

// Listen opens the viewer and admin listeners and serves them; Done
// reports a listener that stopped on its own.
func (e *Engine) Listen(viewerAddr, adminAddr string) error {
	const op errs.Op = "engine.Listen"
	l := &e.listeners
	viewerLn, err := net.Listen("tcp", viewerAddr)
	if err != nil {
		return errs.E(op, errs.IO, err)
	}
	adminLn, err := net.Listen("tcp", adminAddr)
	if err != nil {
		viewerLn.Close()
		return errs.E(op, errs.IO, err)
	}
	viewer := newServer(l.viewerHandler, e.errLog)
	viewer.MaxHeaderBytes = edge.MaxHeaderBytes // CloudFront's limits
	adminSrv := newServer(l.adminHandler, e.errLog)
	adminLn = guard(adminSrv, "admin", adminLn, e.metrics)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.errc = make(chan error, 2)
	l.viewerAddr, l.adminAddr, l.admin = viewerLn.Addr().String(), adminLn.Addr().String(), adminSrv
	e.ids.SetEndpoint(endpointURL(adminLn.Addr()))
	if e.opts.NoFastPath {
		viewerLn = guard(viewer, "viewer", viewerLn, e.metrics)
		l.shutdownViewer = viewer.Shutdown
		l.serve(func() error { return viewer.Serve(viewerLn) })
	} else {
		// The fast path reads its connections itself and guards those it
		// hands to net/http.
		viewerLn = e.metrics.Listener("viewer", viewerLn)
		fe := e.edge.NewFrontend(viewer)
		l.shutdownViewer = fe.Shutdown
		l.serve(func() error { return fe.Serve(viewerLn) })
	}
	l.serve(func() error { return adminSrv.Serve(adminLn) })
	return nil
}

// Addrs are the viewer and admin listeners' addresses.
func (e *Engine) Addrs() (viewer, admin string) {
	e.listeners.mu.Lock()
	defer e.listeners.mu.Unlock()
	return e.listeners.viewerAddr, e.listeners.adminAddr
}

// Done receives the error of a listener that stopped before Close.
func (e *Engine) Done() <-chan error {
	e.listeners.mu.Lock()
	defer e.listeners.mu.Unlock()
	return e.listeners.errc
}

// shutdown stops both listeners gracefully and waits for their servers.
func (l *listeners) shutdown(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.admin == nil {
		return nil
	}
	err := errors.Join(l.shutdownViewer(ctx), l.admin.Shutdown(ctx))
	l.wg.Wait()
	l.admin = nil
	return err
}

// ExpectAdmin records the address Listen will open the admin listener on,
// before it does: sandboxes Apply starts first (provisioned concurrency)
// then name the AWS endpoint too. An address without a fixed port (":0")
// is left to Listen.
func (e *Engine) ExpectAdmin(addr string) {
	if u := EndpointURL(addr); u != "" {
		e.ids.SetEndpoint(u)
	}
}

// EndpointURL is the URL of the AWS endpoint on the admin address addr
// ("127.0.0.1:8081", ":8081"), as functions and queue URLs name it; "" when
// addr has no fixed port.
func EndpointURL(addr string) string {
	a, err := net.ResolveTCPAddr("tcp", addr)
	if err != nil || a.Port == 0 {
		return ""
	}
	return endpointURL(a)
}

// endpointURL is the URL functions reach the admin listener at: an
// unspecified address (0.0.0.0, ::) is reached on loopback.
func endpointURL(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String()
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}
