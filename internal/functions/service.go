package functions

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/verge-edge/verge/internal/build"
	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/identity"
	"github.com/verge-edge/verge/internal/lambda"
	"github.com/verge-edge/verge/internal/logs"
	"github.com/verge-edge/verge/internal/runtimes"
	"github.com/verge-edge/verge/internal/sandbox"
	"github.com/verge-edge/verge/internal/sdks"
	"github.com/verge-edge/verge/internal/stack"
)

// Options configure a Service.
type Options struct {
	// DataDir holds builds, the bootstraps and the sandboxes' folders.
	DataDir string
	// Logs stores the log groups; nil keeps no logs.
	Logs *logs.Store
	// Concurrency is the account-wide limit on concurrent executions
	// (default DefaultAccountConcurrency).
	Concurrency int
	// IdleTimeout is how long an idle sandbox stays warm (default
	// DefaultIdleTimeout).
	IdleTimeout time.Duration
	// Logger gets the service's own messages (builds, warnings).
	Logger *slog.Logger
	// Registry gets the per-function metrics; nil for none.
	Registry prometheus.Registerer
	// Tap sees every function's output and errors as they happen (the
	// dev terminal); nil for none.
	Tap Tap
	// Identities gives each function its AWS credentials and Verge's AWS
	// endpoint; nil gives placeholder credentials that grant nothing.
	Identities *identity.Store
	// SDKDir is where the AWS SDKs functions get without bundling them
	// (Lambda's runtimes include them) are kept; default the user's cache
	// folder's verge/sdk, shared by every data folder.
	SDKDir string
}

// A Service runs the function resources of the active plan.
type Service struct {
	opts         Options
	builder      *build.Builder
	bootstrapDir string
	sandboxDir   string
	shim         string // verge-sandbox beside this binary, or "" for the binary itself
	sdks         *sdks.Provider
	metrics      *metrics
	log          *slog.Logger

	mu         sync.Mutex
	funcs      map[string]*function
	unreserved int // invocations in progress of functions without reserved concurrency
	reserved   int // the sum of reserved concurrency, taken from the account's

	closed   bool
	inflight sync.WaitGroup // invocations in progress
	closers  sync.WaitGroup // sandboxes starting or being closed
	stop     chan struct{}
	reaper   sync.WaitGroup

	liveMu sync.Mutex
	live   map[*instance]struct{} // every sandbox not yet closed, for Close
}

// New returns a Service with no functions; Apply gives it some.
func New(o Options) (*Service, error) {
	const op errs.Op = "functions.New"
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultAccountConcurrency
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = DefaultIdleTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.SDKDir == "" {
		o.SDKDir = sdks.DefaultDir()
	}
	if o.SDKDir == "" {
		o.SDKDir = filepath.Join(o.DataDir, "sdk")
	}
	s := &Service{
		opts: o, builder: build.New(filepath.Join(o.DataDir, "builds")),
		sandboxDir: filepath.Join(o.DataDir, "sandboxes"), log: o.Logger, shim: sandbox.ShimBeside(),
		funcs: map[string]*function{}, stop: make(chan struct{}), live: map[*instance]struct{}{},
		metrics: newMetrics(o.Registry), sdks: sdks.New(o.SDKDir, o.Logger),
	}
	// Sandbox folders left by a crash are stale: nothing runs in them.
	if err := os.RemoveAll(s.sandboxDir); err != nil {
		return nil, errs.E(op, errs.IO, err)
	}
	if err := os.MkdirAll(s.sandboxDir, 0o700); err != nil {
		return nil, errs.E(op, errs.IO, err)
	}
	dir, err := runtimes.Install(filepath.Join(o.DataDir, "runtimes"))
	if err != nil {
		return nil, errs.E(op, errs.IO, err)
	}
	s.bootstrapDir = dir
	s.reaper.Add(1)
	go s.reap()
	return s, nil
}

// Apply makes the plan's functions the ones that run: Prepare, then
// Commit. A function that fails to build keeps its previous version; the
// errors are returned together.
func (s *Service) Apply(ctx context.Context, plan *stack.Plan) error {
	st, err := s.Prepare(ctx, plan)
	if err != nil {
		return err
	}
	st.Commit()
	return st.Problems()
}

// Prepare builds the plan's functions (an unchanged one is not rebuilt)
// without changing what runs. A function that fails to build is one of the
// result's Problems, not an error: Commit keeps its previous version.
func (s *Service) Prepare(ctx context.Context, plan *stack.Plan) (*Staged, error) {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return nil, errs.E(errs.Op("functions.Apply"), errs.Unavailable, errs.Errorf("the function service is closed"))
	}
	st := &Staged{s: s, want: wanted(plan)}
	names := make([]string, 0, len(st.want))
	for name := range st.want {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		b, err := s.build(ctx, st.want[name].cfg, st.want[name].maxBytes)
		if err != nil {
			st.problems = append(st.problems, err)
			continue
		}
		st.built = append(st.built, b)
	}
	return st, nil
}

// Staged is a plan's functions, built, waiting to be committed.
type Staged struct {
	s        *Service
	want     map[string]deployment
	built    []*built
	problems errs.List
}

// Commit makes each built function's new version its $LATEST, retires what
// was replaced and removes functions no longer in the plan; it cannot fail.
func (st *Staged) Commit() {
	s := st.s
	for _, b := range st.built {
		s.install(b)
	}
	s.mu.Lock()
	var gone []*function
	for name, f := range s.funcs {
		if _, ok := st.want[name]; !ok {
			gone = append(gone, f)
			delete(s.funcs, name)
		}
	}
	s.recountReservedLocked()
	s.mu.Unlock()
	for _, f := range gone {
		f.retireAll()
	}
}

// Discard drops the builds (they stay in the build cache).
func (st *Staged) Discard() {}

// Problems are the functions that failed to build, or nil.
func (st *Staged) Problems() error { return st.problems.Err() }

// A deployment is a function to run and the most its package may weigh (0
// for the builder's own limit).
type deployment struct {
	cfg      *stack.Function
	maxBytes int64
}

// wanted lists the functions a plan runs, by the name they run under: the
// function resources, and the edge-lambda-functions as Lambda@Edge's
// replicas (EdgeName), which have no environment of their own.
func wanted(plan *stack.Plan) map[string]deployment {
	want := make(map[string]deployment, len(plan.Functions)+len(plan.EdgeLambdaFunctions))
	for name, f := range plan.Functions {
		want[name] = deployment{cfg: f}
	}
	for _, e := range plan.EdgeLambdaFunctions {
		name := EdgeName(e.Name)
		want[name] = deployment{maxBytes: e.MaxPackageBytes, cfg: &stack.Function{
			Name: name, Package: e.Package, Runtime: e.Runtime, MemoryMB: e.MemoryMB,
			TimeoutSeconds: e.TimeoutSeconds, Logging: e.Logging, ProvisionedConcurrency: e.ProvisionedConcurrency,
		}}
	}
	return want
}

// EdgeName is the name an edge-lambda-function runs under: Lambda@Edge
// names its replicas after the region the function was created in, and its
// logs go to /aws/lambda/us-east-1.NAME.
func EdgeName(name string) string { return Region + "." + name }

// A built function is a build with its runtime, ready to install.
type built struct {
	cfg *stack.Function
	art *build.Artifact
	rt  *runtimes.Runtime
	key string
}

// build builds one function and resolves its runtime.
func (s *Service) build(ctx context.Context, cfg *stack.Function, maxBytes int64) (*built, error) {
	const op errs.Op = "functions.Apply"
	art, err := s.builder.Build(ctx, cfg)
	if err != nil {
		return nil, errs.E(op, cfg.Name, err)
	}
	if maxBytes > 0 && art.Size > maxBytes {
		return nil, errs.E(op, errs.TooLarge, cfg.Name, errs.Errorf("the package is %d bytes, over its limit of %d (Lambda@Edge: 1 MB at viewer triggers, 50 MB at origin triggers; raise it with packageSizeLimit)", art.Size, maxBytes))
	}
	rt, warnings, err := runtimes.Resolve(art.Runtime)
	if err != nil {
		return nil, errs.E(op, errs.Invalid, cfg.Name, err)
	}
	for _, w := range append(art.Warnings, warnings...) {
		s.log.Warn("function build", "function", cfg.Name, "warning", w)
	}
	return &built{cfg: cfg, art: art, rt: rt, key: versionKey(art, cfg)}, nil
}

// install makes a build its function's $LATEST (unless it already is).
func (s *Service) install(b *built) {
	cfg, art, rt, key := b.cfg, b.art, b.rt, b.key
	s.mu.Lock()
	f := s.funcs[cfg.Name]
	if f == nil {
		f = &function{name: cfg.Name, numbered: map[string]*version{}, byKey: map[string]string{}, next: 1}
		s.funcs[cfg.Name] = f
	}
	f.limit = -1
	if cfg.ReservedConcurrency != nil {
		f.limit = *cfg.ReservedConcurrency
	}
	f.logs = nil
	if s.opts.Logs != nil && !cfg.Logging.Disabled {
		f.logs = s.opts.Logs.Group(logGroupName(cfg.Name), time.Duration(cfg.Logging.RetentionDays)*24*time.Hour)
	}
	s.recountReservedLocked()
	s.mu.Unlock()

	f.mu.Lock()
	old := f.latest
	if old != nil && old.key == key {
		f.mu.Unlock()
		return
	}
	now := time.Now()
	newVersion := func(name string) *version {
		return &version{svc: s, fn: f, name: name, key: key, cfg: cfg, art: art, rt: rt, installed: now}
	}
	if _, ok := f.byKey[key]; !ok {
		n := strconv.Itoa(f.next)
		f.next++
		f.byKey[key] = n
		f.numbered[n] = newVersion(n)
	}
	f.latest = newVersion(lambda.Latest)
	latest := f.latest
	f.mu.Unlock()
	if old != nil {
		old.retire()
	}
	s.prepareSDK(rt)
	s.log.Info("function ready", "function", cfg.Name, "version", f.byKey[key], "runtime", rt.ID, "build", art.Hash[:min(12, len(art.Hash))])
	s.provision(latest, cfg.ProvisionedConcurrency)
}

// checkBootstraps makes sure the runtime bootstraps every sandbox runs are
// the embedded ones, byte for byte, reinstalling them if something changed
// them (a function that could write there would run its code in every
// later sandbox).
func (s *Service) checkBootstraps() error {
	if runtimes.Verify(s.bootstrapDir) == nil {
		return nil
	}
	s.log.Error("the runtime bootstraps were changed; reinstalling them", "dir", s.bootstrapDir)
	_, err := runtimes.Install(filepath.Dir(s.bootstrapDir))
	return err
}

// versionKey identifies a build with its configuration.
func versionKey(art *build.Artifact, cfg *stack.Function) string {
	h := sha256.New()
	h.Write([]byte(art.Hash))
	json.NewEncoder(h).Encode(cfg)
	return hex.EncodeToString(h.Sum(nil))
}

// provision starts n sandboxes of v in the background and keeps them warm.
func (s *Service) provision(v *version, n int) {
	for range n {
		// Under s.mu, so that Close, which sets closed under it before it
		// waits, never races with a new start.
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return
		}
		s.closers.Add(1)
		s.mu.Unlock()
		v.mu.Lock()
		v.alive++
		v.mu.Unlock()
		go func() {
			defer s.closers.Done()
			in, err := startInstance(context.Background(), v, "provisioned-concurrency")
			if err != nil {
				v.mu.Lock()
				v.alive--
				v.mu.Unlock()
				s.log.Warn("provisioned sandbox did not start", "function", v.fn.name, "err", err)
				return
			}
			// Its init is not any invocation's: reported now, as Lambda does.
			in.out.Line("INIT_REPORT Init Duration: " + ms(in.initDur))
			in.initDur = 0
			v.put(in)
		}()
	}
}

// recountReservedLocked sums the reserved concurrency of all functions.
func (s *Service) recountReservedLocked() {
	s.reserved = 0
	for _, f := range s.funcs {
		if f.limit > 0 {
			s.reserved += f.limit
		}
	}
}

// lookup finds the version a name and qualifier designate.
func (s *Service) lookup(name, qualifier string) (*version, error) {
	const op errs.Op = "functions.Invoke"
	s.mu.Lock()
	f := s.funcs[name]
	s.mu.Unlock()
	if f == nil {
		return nil, errs.E(op, errs.NotFound, name, errs.Errorf("Function not found: %s", functionARN(name, "")))
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if qualifier == "" || qualifier == lambda.Latest {
		if f.latest == nil {
			return nil, errs.E(op, errs.NotFound, name, errs.Errorf("Function not found: %s", functionARN(name, "")))
		}
		return f.latest, nil
	}
	v := f.numbered[qualifier]
	if v == nil {
		return nil, errs.E(op, errs.NotFound, name, errs.Errorf("Function not found: %s", functionARN(name, qualifier)))
	}
	return v, nil
}

// acquire takes a concurrency slot and a sandbox of v: a warm one, or a new
// one (cold start). It throttles when the function's or the account's limit
// is reached.
func (s *Service) acquire(ctx context.Context, v *version) (*instance, error) {
	if err := s.takeSlot(v.fn); err != nil {
		return nil, err
	}
	in, dead := v.popIdle()
	for _, d := range dead {
		s.metrics.idleDeaths.WithLabelValues(v.fn.name).Inc()
		s.closeLater(d)
	}
	if in != nil {
		return in, nil
	}
	v.mu.Lock()
	v.alive++
	v.mu.Unlock()
	in, err := startInstance(context.WithoutCancel(ctx), v, "on-demand")
	if err != nil {
		v.mu.Lock()
		v.alive--
		v.mu.Unlock()
		s.giveSlot(v.fn)
		return nil, err
	}
	s.metrics.coldStarts.WithLabelValues(v.fn.name).Inc()
	return in, nil
}

// release returns a sandbox and its concurrency slot.
func (s *Service) release(v *version, in *instance) {
	v.put(in)
	s.giveSlot(v.fn)
}

func (s *Service) takeSlot(f *function) error {
	const op errs.Op = "functions.Invoke"
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.limit >= 0 {
		if f.active >= f.limit {
			return errs.E(op, errs.Throttled, f.name, errs.Errorf("Rate Exceeded. (reserved concurrency %d reached)", f.limit))
		}
	} else {
		s.mu.Lock()
		ok := s.unreserved < s.opts.Concurrency-s.reserved
		if ok {
			s.unreserved++
		}
		s.mu.Unlock()
		if !ok {
			return errs.E(op, errs.Throttled, f.name, errs.Errorf("Rate Exceeded. (account concurrency %d reached)", s.opts.Concurrency))
		}
	}
	f.active++
	s.metrics.concurrent.WithLabelValues(f.name).Set(float64(f.active))
	return nil
}

func (s *Service) giveSlot(f *function) {
	f.mu.Lock()
	f.active--
	s.metrics.concurrent.WithLabelValues(f.name).Set(float64(f.active))
	unreserved := f.limit < 0
	f.mu.Unlock()
	if unreserved {
		s.mu.Lock()
		s.unreserved--
		s.mu.Unlock()
	}
}

// closeLater closes a sandbox in the background; Close waits for it.
func (s *Service) closeLater(in *instance) {
	s.closers.Add(1)
	go func() {
		defer s.closers.Done()
		in.close()
	}()
}

// reap closes sandboxes idle longer than IdleTimeout, keeping $LATEST's
// provisioned ones.
func (s *Service) reap() {
	defer s.reaper.Done()
	tick := time.NewTicker(max(s.opts.IdleTimeout/4, 10*time.Millisecond))
	defer tick.Stop()
	for {
		select {
		case <-s.stop:
			return
		case now := <-tick.C:
			for _, v := range s.versions() {
				keep := 0
				if v.name == lambda.Latest {
					keep = v.cfg.ProvisionedConcurrency
				}
				if n := v.reap(now.Add(-s.opts.IdleTimeout), keep); n > 0 {
					s.metrics.idleDeaths.WithLabelValues(v.fn.name).Add(float64(n))
				}
			}
		}
	}
}

// versions lists every live version.
func (s *Service) versions() []*version {
	s.mu.Lock()
	fs := make([]*function, 0, len(s.funcs))
	for _, f := range s.funcs {
		fs = append(fs, f)
	}
	s.mu.Unlock()
	var vs []*version
	for _, f := range fs {
		f.mu.Lock()
		if f.latest != nil {
			vs = append(vs, f.latest)
		}
		for _, v := range f.numbered {
			vs = append(vs, v)
		}
		f.mu.Unlock()
	}
	return vs
}

// retireAll retires every version of f.
func (f *function) retireAll() {
	f.mu.Lock()
	vs := []*version{f.latest}
	for _, v := range f.numbered {
		vs = append(vs, v)
	}
	f.mu.Unlock()
	for _, v := range vs {
		if v != nil {
			v.retire()
		}
	}
}

// awsEnv is function name's AWS credentials and endpoint, nil without an
// identity store.
func (s *Service) awsEnv(name string) []string {
	if s.opts.Identities == nil {
		return nil
	}
	return s.opts.Identities.Env(name)
}

// Names returns the functions' names, sorted.
func (s *Service) Names() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.funcs))
	for n := range s.funcs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Close stops every sandbox and waits until they are gone. Invocations in
// progress fail as their runtimes die; later ones are refused.
func (s *Service) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	fs := s.funcs
	s.funcs = map[string]*function{}
	s.mu.Unlock()
	close(s.stop)
	s.reaper.Wait()
	for _, f := range fs {
		f.retireAll()
	}
	s.liveMu.Lock()
	for in := range s.live {
		in.proc.Kill()
	}
	s.liveMu.Unlock()
	s.inflight.Wait()
	s.closers.Wait()
	s.sdks.Close()
	return nil
}

// track records a started sandbox until it is closed.
func (s *Service) track(in *instance, live bool) {
	s.liveMu.Lock()
	defer s.liveMu.Unlock()
	if live {
		s.live[in] = struct{}{}
	} else {
		delete(s.live, in)
	}
}
