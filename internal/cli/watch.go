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

	"github.com/fsnotify/fsnotify"

	"github.com/verge-edge/verge/internal/console"
	"github.com/verge-edge/verge/internal/engine"
	"github.com/verge-edge/verge/internal/stack"
)

// debounce groups the burst of events one save makes (write, chmod,
// rename) into one reload.
const debounce = 25 * time.Millisecond

// watcher applies changes under the stack folder and the buckets' folders:
// a changed stack file reloads the plan (a broken one is reported and the
// running plan kept); a changed function source rebuilds it; a changed
// object is invalidated in the cache.
type watcher struct {
	fsw  *fsnotify.Watcher
	eng  *engine.Engine
	log  *slog.Logger
	con  *console.Console // the summary after a reload; nil for none
	data string
	// applyMu is held while a burst is applied; stop takes it to wait for
	// one in progress, and stopped keeps a late timer from applying more.
	applyMu sync.Mutex
	stopped bool

	mu      sync.Mutex
	pending map[string]struct{}
	timer   *time.Timer
}

func newWatcher(eng *engine.Engine, log *slog.Logger, con *console.Console, data string) (*watcher, error) {
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	w := &watcher{fsw: fsw, eng: eng, log: log, con: con, data: data, pending: map[string]struct{}{}}
	w.watchRoots(eng.Plan())
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
	w.mu.Unlock()
	plan := w.eng.Plan()
	for _, f := range reloadFiles(plan) {
		if _, ok := changed[f]; ok {
			w.reload(plan.File)
			return
		}
	}
	if touchesFunctions(plan, changed) {
		w.applyPlan(plan, "functions applied", time.Now())
	}
	for name := range changed {
		w.invalidate(plan, name)
	}
}

// reload reads the stack file again and applies it.
func (w *watcher) reload(file string) {
	start := time.Now()
	_, admin := w.eng.Addrs()
	plan, err := stack.LoadWith(file, stack.Options{Endpoint: engine.EndpointURL(admin)})
	if err != nil {
		w.log.Error("stack file has problems; still running the previous version", "file", file, "problems", err.Error())
		return
	}
	for _, warning := range plan.Warnings {
		w.log.Warn("stack file", "warning", warning)
	}
	if w.applyPlan(plan, "stack reloaded", start) {
		w.watchRoots(plan)
	}
}

// applyPlan applies plan through the engine and says how it went, and how
// long it took since start.
func (w *watcher) applyPlan(plan *stack.Plan, done string, start time.Time) bool {
	res, err := w.eng.Apply(context.Background(), plan)
	if err != nil {
		w.log.Error("could not apply the stack; every part still runs the previous version", "err", err)
		return false
	}
	if res.Problems != nil {
		w.log.Error("some functions could not be built; they still run their previous version", "problems", res.Problems.Error())
	}
	w.log.Info(done, "file", plan.File, "took", time.Since(start).Round(time.Microsecond))
	if w.con != nil {
		w.con.Summary(summarize(plan, w.eng.Hosts()))
	}
	return true
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
			n := w.eng.Invalidate(d.Name, paths)
			w.log.Info("object changed", "distribution", d.Name, "path", urlPath, "invalidated", n)
		}
	}
}
