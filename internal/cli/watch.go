package cli

import (
	"context"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/verge-edge/verge/internal/gateway"

	"github.com/fsnotify/fsnotify"
	"github.com/verge-edge/verge/internal/edge"
	"github.com/verge-edge/verge/internal/functions"
	"github.com/verge-edge/verge/internal/stack"
)

// debounce groups the burst of events one save makes (write, chmod,
// rename) into one reload.
const debounce = 25 * time.Millisecond

// watcher applies changes under the stack folder and the buckets' folders:
// a changed stack file reloads the plan (a broken one is reported and the
// running plan kept); a changed object is invalidated in the cache.
type watcher struct {
	fsw  *fsnotify.Watcher
	srv  *edge.Server
	gw   *gateway.Server
	ev   *eventSide
	log  *slog.Logger
	data string

	fns     **edgeFuncs // the running edge functions, replaced on reload
	fnOpts  edgeFuncsOptions
	lambdas *functions.Service // the function resources, rebuilt on a change
	// applyMu is held while a burst is applied; stop takes it to wait for
	// one in progress, and stopped keeps a late timer from applying more.
	applyMu sync.Mutex
	stopped bool

	mu      sync.Mutex
	plan    *stack.Plan
	pending map[string]struct{}
	timer   *time.Timer
}

func newWatcher(plan *stack.Plan, srv *edge.Server, gw *gateway.Server, ev *eventSide, log *slog.Logger, data string, fns **edgeFuncs, fnOpts edgeFuncsOptions, lambdas *functions.Service) (*watcher, error) {
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	w := &watcher{fsw: fsw, srv: srv, gw: gw, ev: ev, log: log, data: data, plan: plan, fns: fns, fnOpts: fnOpts, lambdas: lambdas, pending: map[string]struct{}{}}
	w.watchRoots(plan)
	return w, nil
}

// watchRoots adds the stack folder, every bucket folder and every
// function's source folder, recursively.
func (w *watcher) watchRoots(p *stack.Plan) {
	roots := []string{p.Dir}
	for _, d := range p.Distributions {
		for _, b := range d.Behaviors {
			if b.Origin.Bucket != nil {
				roots = append(roots, b.Origin.Bucket.Directory)
			}
		}
	}
	for _, f := range functionPackages(p) {
		if f.EntryFile != "" {
			roots = append(roots, filepath.Dir(f.EntryFile))
		} else if fi, err := os.Stat(f.PackagePath); err == nil && fi.IsDir() {
			roots = append(roots, f.PackagePath)
		}
	}
	for _, r := range roots {
		w.addTree(r)
	}
}

func (w *watcher) addTree(root string) {
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		if w.ignored(p) && p != root {
			return filepath.SkipDir
		}
		w.fsw.Add(p)
		return nil
	})
}

// ignored skips the data folder and hidden or dependency folders.
func (w *watcher) ignored(p string) bool {
	base := filepath.Base(p)
	return p == w.data || strings.HasPrefix(p, w.data+string(filepath.Separator)) ||
		(strings.HasPrefix(base, ".") && len(base) > 1) || base == "node_modules"
}

// start runs the watcher until the returned stop is called.
func (w *watcher) start() (stop func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case ev, ok := <-w.fsw.Events:
				if !ok {
					return
				}
				w.event(ev)
			case err, ok := <-w.fsw.Errors:
				if !ok {
					return
				}
				w.log.Warn("file watching", "err", err)
			}
		}
	}()
	return func() {
		w.fsw.Close()
		<-done
		w.mu.Lock()
		if w.timer != nil {
			w.timer.Stop()
		}
		w.mu.Unlock()
		w.applyMu.Lock()
		w.stopped = true
		w.applyMu.Unlock()
	}
}

func (w *watcher) event(ev fsnotify.Event) {
	if w.ignored(ev.Name) {
		return
	}
	if ev.Has(fsnotify.Create) {
		if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() {
			w.addTree(ev.Name)
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.pending[ev.Name] = struct{}{}
	if w.timer == nil {
		w.timer = time.AfterFunc(debounce, w.apply)
	} else {
		w.timer.Reset(debounce)
	}
}

// apply handles the files changed in one burst.
func (w *watcher) apply() {
	w.applyMu.Lock()
	defer w.applyMu.Unlock()
	if w.stopped {
		return
	}
	w.mu.Lock()
	changed := w.pending
	w.pending = map[string]struct{}{}
	plan := w.plan
	w.mu.Unlock()
	for _, f := range reloadFiles(plan) {
		if _, ok := changed[f]; ok {
			w.reload(plan)
			return
		}
	}
	if touchesFunctions(plan, changed) {
		w.applyFunctions(plan)
	}
	for name := range changed {
		w.invalidate(plan, name)
	}
}

func (w *watcher) reload(old *stack.Plan) {
	start := time.Now()
	plan, err := stack.Load(old.File)
	if err != nil {
		w.log.Error("stack file has problems; still running the previous version", "file", old.File, "problems", err.Error())
		return
	}
	for _, warning := range plan.Warnings {
		w.log.Warn("stack file", "warning", warning)
	}
	// Functions first: the new plan's edge-lambda-functions must be deployed
	// before the edge routes to them.
	w.applyFunctions(plan)
	fns, err := newFunctions(plan, w.fnOpts)
	if err != nil {
		w.log.Error("could not build the functions; still running the previous version", "err", err)
		return
	}
	if err := w.srv.Load(plan, fns.runner()); err != nil {
		fns.Close()
		w.log.Error("could not apply the stack; still running the previous version", "err", err)
		return
	}
	// The edge is live; the front doors and event sources follow. Their
	// plans were checked with the stack, so these rarely fail, and a
	// failure says what still runs the old plan.
	if err := w.gw.Load(plan); err != nil {
		w.log.Error("could not apply the http-api-gateways and load balancers; they still run the previous version", "err", err)
	}
	if err := w.ev.load(context.Background(), plan); err != nil {
		w.log.Error("could not apply the schedules and event rules; they still run the previous version", "err", err)
	}
	retired := *w.fns
	*w.fns = fns
	// Requests in flight may still be running the old functions.
	time.AfterFunc(retireAfter, retired.Close)
	w.srv.Invalidate("", []string{"/*"}) // any behaviour may have changed what a path returns
	w.mu.Lock()
	w.plan = plan
	w.mu.Unlock()
	w.watchRoots(plan)
	w.log.Info("stack reloaded", "file", plan.File, "took", time.Since(start).Round(time.Microsecond))
}

// applyFunctions rebuilds the function resources; one that fails to build
// keeps running its previous version.
func (w *watcher) applyFunctions(plan *stack.Plan) {
	if len(plan.Functions) == 0 && len(plan.EdgeLambdaFunctions) == 0 && len(w.lambdas.Names()) == 0 {
		return
	}
	start := time.Now()
	if err := w.lambdas.Apply(context.Background(), plan); err != nil {
		w.log.Error("some functions could not be built; still running their previous version", "problems", err.Error())
		return
	}
	w.log.Info("functions applied", "took", time.Since(start).Round(time.Microsecond))
}

// touchesFunctions reports whether a changed file is in a function's source
// folder (the entry file's folder, or the artifact).
func touchesFunctions(plan *stack.Plan, changed map[string]struct{}) bool {
	for _, f := range functionPackages(plan) {
		root := f.PackagePath
		if f.EntryFile != "" {
			root = filepath.Dir(f.EntryFile)
		}
		for name := range changed {
			if name == root || strings.HasPrefix(name, root+string(filepath.Separator)) {
				return true
			}
		}
	}
	return false
}

// functionPackages lists the code of every function and edge-lambda-function.
func functionPackages(p *stack.Plan) []stack.Package {
	var pkgs []stack.Package
	for _, f := range p.Functions {
		pkgs = append(pkgs, f.Package)
	}
	for _, f := range p.EdgeLambdaFunctions {
		pkgs = append(pkgs, f.Package)
	}
	return pkgs
}

// retireAfter is how long replaced functions stay open for requests in flight.
const retireAfter = 30 * time.Second

// reloadFiles are the files whose change reloads the plan: the stack file
// and the functions' sources and data.
func reloadFiles(p *stack.Plan) []string {
	files := []string{p.File}
	if p.SecretsFile != "" {
		files = append(files, p.SecretsFile)
	}
	for _, f := range p.CDNFunctions {
		files = append(files, f.EntryFile)
		if f.KeyValueStore != nil {
			files = append(files, f.KeyValueStore.DataFile)
		}
	}
	return files
}

// invalidate removes a changed object from the cache of every distribution
// that serves its bucket. A changed index or error document, which can
// stand in for any path, purges the distribution.
func (w *watcher) invalidate(plan *stack.Plan, name string) {
	for _, d := range plan.Distributions {
		for _, b := range d.Behaviors {
			bo := b.Origin.Bucket
			if bo == nil {
				continue
			}
			rel, err := filepath.Rel(bo.Directory, name)
			if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				continue
			}
			urlPath := "/" + filepath.ToSlash(rel)
			paths := []string{urlPath, urlPath + "/*"}
			base := filepath.Base(name)
			if (d.IndexDocument != "" && base == d.IndexDocument) || urlPath == d.ErrorDocument {
				paths = []string{"/*"}
			}
			n := w.srv.Invalidate(d.Name, paths)
			w.log.Info("object changed", "distribution", d.Name, "path", urlPath, "invalidated", n)
		}
	}
}
