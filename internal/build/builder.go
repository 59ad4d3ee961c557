package build

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"golang.org/x/sync/singleflight"

	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/runtimes"
	"github.com/verge-edge/verge/internal/stack"
)

// A Builder builds functions' code into content-addressed task roots under
// one folder. It is safe for concurrent use, also by several processes
// sharing the folder.
type Builder struct {
	dir string

	limit   int64              // the largest task root, in bytes
	group   singleflight.Group // one build at a time per recipe in this process
	gotool  goToolOnce
	esbuild atomic.Int64 // esbuild runs, for tests
	goRuns  atomic.Int64 // go command runs, for tests
}

// New returns a builder whose outputs and cache live under dir (e.g. DATA/builds).
func New(dir string) *Builder {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs // source maps are resolved against the build folders
	}
	return &Builder{dir: dir, limit: maxUnzippedSize}
}

// Artifact is one built version of a function's code.
type Artifact struct {
	// Dir is the task root: complete, never modified once built, shared by
	// every sandbox of this version.
	Dir string `json:"-"`
	// Handler is Lambda's handler string: "index.handler" (node, for
	// index.js or, with top-level await, index.mjs),
	// "app.handler" or "pkg/mod.fn" (python), "bootstrap" (provided).
	Handler string `json:"handler"`
	// Runtime is the runtime id: the function's, or the default of the
	// family its entry file implies.
	Runtime string `json:"runtime"`
	// Hash is the content hash: the same inputs give the same Hash and the
	// same Dir (no rebuild).
	Hash string `json:"hash"`
	// Size is the bytes of the task root, at most Lambda's 250 MB unzipped limit.
	Size int64 `json:"size"`
	// Warnings are esbuild's warnings as file:line:col: text, and files
	// left out of a copy.
	Warnings []string `json:"warnings,omitempty"`
}

// A kind of build.
type kind string

// The kinds of build.
const (
	kindNode   kind = "node"   // esbuild bundle
	kindPython kind = "python" // folder copy
	kindGo     kind = "go"     // go build
	kindFolder kind = "folder" // custom-artifact folder copy
	kindZip    kind = "zip"    // custom-artifact zip extraction
)

// A job is one function's build, decided before any file is read.
type job struct {
	kind    kind
	path    string // the entry file, folder or zip
	runtime string
	handler string
}

// Build builds fn's code, or returns the version already built from the
// same inputs.
func (b *Builder) Build(ctx context.Context, fn *stack.Function) (*Artifact, error) {
	const op errs.Op = "build.Build"
	if fn == nil {
		return nil, errs.E(op, errs.Internal, errors.New("nil function"))
	}
	j, err := b.plan(fn)
	if err != nil {
		return nil, errs.E(op, err)
	}
	if err := os.MkdirAll(filepath.Join(b.dir, manifestsDir), 0o755); err != nil {
		return nil, errs.E(op, errs.IO, err)
	}
	// Concurrent builds of one function in this process share one run
	// (and the first caller's context).
	v, err, _ := b.group.Do(j.recipe(), func() (any, error) {
		return b.run(ctx, j)
	})
	if err != nil {
		return nil, errs.E(op, "function "+fn.Name, err)
	}
	a := *v.(*Artifact) // callers may not share the Warnings slice
	a.Warnings = append([]string(nil), a.Warnings...)
	return &a, nil
}

func (b *Builder) run(ctx context.Context, j *job) (*Artifact, error) {
	switch j.kind {
	case kindNode:
		return b.buildNode(ctx, j)
	case kindPython:
		return b.buildPython(ctx, j)
	case kindGo:
		return b.buildGo(ctx, j)
	case kindFolder:
		return b.buildFolder(ctx, j)
	case kindZip:
		return b.buildZip(ctx, j)
	}
	return nil, errs.E(errs.Internal, fmt.Errorf("unknown build kind %q", j.kind))
}

// plan checks fn's packaging and decides the kind of build, the runtime and
// the handler.
func (b *Builder) plan(fn *stack.Function) (*job, error) {
	p := fn.Package
	where := "function " + fn.Name
	switch p.Type {
	case packagingBuildpack:
		return b.planBuildpack(fn, where)
	case packagingArtifact:
		return planArtifact(fn, where)
	}
	return nil, errs.E(errs.Invalid, where, fmt.Errorf("unknown packaging type %q (want %s or %s)", p.Type, packagingBuildpack, packagingArtifact))
}

func (b *Builder) planBuildpack(fn *stack.Function, where string) (*job, error) {
	entry := fn.Package.EntryFile
	if entry == "" {
		return nil, errs.E(errs.Invalid, where, errors.New("packaging.properties.entryfilePath is required"))
	}
	if !filepath.IsAbs(entry) {
		return nil, errs.E(errs.Internal, where, fmt.Errorf("entry file %s is not an absolute path", entry))
	}
	fam, err := runtimes.DetectFamily(entry)
	if err != nil {
		return nil, errs.E(errs.Invalid, where, err)
	}
	rt := fn.Runtime
	if rt == "" {
		if rt, err = runtimes.Default(fam); err != nil {
			return nil, errs.E(errs.Unavailable, where, err)
		}
	} else if rfam, _, err := runtimes.ParseID(rt); err != nil {
		return nil, errs.E(errs.Invalid, where, err)
	} else if rfam != fam {
		return nil, errs.E(errs.Invalid, where, fmt.Errorf("runtime %s cannot run the %s entry file %s", rt, fam, filepath.Base(entry)))
	}
	fnName := fn.Package.HandlerFunction
	if fnName == "" {
		fnName = defaultHandlerFunction
	}
	j := &job{path: entry, runtime: rt}
	switch fam {
	case runtimes.Node:
		j.kind, j.handler = kindNode, nodeModule+"."+fnName
	case runtimes.Python:
		mod, err := pythonModule(entry)
		if err != nil {
			return nil, errs.E(errs.IO, where, err)
		}
		j.kind, j.handler = kindPython, mod+"."+fnName
	case runtimes.Provided:
		j.kind, j.handler = kindGo, bootstrapName
	}
	return j, nil
}

func planArtifact(fn *stack.Function, where string) (*job, error) {
	p := fn.Package
	if p.PackagePath == "" {
		return nil, errs.E(errs.Invalid, where, errors.New("packaging.properties.packagePath is required"))
	}
	if fn.Runtime == "" {
		return nil, errs.E(errs.Invalid, where, errors.New("runtime is required with custom-artifact packaging (it cannot be detected from a folder or zip)"))
	}
	fam, _, err := runtimes.ParseID(fn.Runtime)
	if err != nil {
		return nil, errs.E(errs.Invalid, where, err)
	}
	h := p.Handler
	if h == "" && fam == runtimes.Provided {
		h = bootstrapName
	}
	if h == "" {
		return nil, errs.E(errs.Invalid, where, errors.New("packaging.properties.handler is required with custom-artifact packaging"))
	}
	j := &job{kind: kindFolder, path: p.PackagePath, runtime: fn.Runtime, handler: h}
	if strings.EqualFold(filepath.Ext(p.PackagePath), ".zip") {
		j.kind = kindZip
	}
	return j, nil
}

// recipe is the part of a build's identity that is not file content.
func (j *job) recipe(extra ...string) string {
	parts := append([]string{recipeVersion, string(j.kind), j.path, j.runtime, j.handler}, extra...)
	return strings.Join(parts, "\n")
}

// tempDir makes a build folder beside the versions, so that relative paths
// computed from it hold for its final name too.
func (b *Builder) tempDir() (string, error) {
	d, err := os.MkdirTemp(b.dir, tmpPrefix)
	if err != nil {
		return "", errs.E(errs.IO, err)
	}
	return d, nil
}

func (b *Builder) versionDir(hash string) string { return filepath.Join(b.dir, hash) }
func (b *Builder) metaPath(hash string) string   { return filepath.Join(b.dir, hash+metaSuffix) }

// lookup returns the version hash when it is complete, or nil.
func (b *Builder) lookup(hash string) *Artifact {
	st, err := os.Stat(b.versionDir(hash))
	if err != nil || !st.IsDir() {
		return nil
	}
	if st.Mode().Perm() != taskRootMode { // built by a Verge that kept it private
		_ = os.Chmod(b.versionDir(hash), taskRootMode)
	}
	data, err := os.ReadFile(b.metaPath(hash))
	if err != nil {
		return nil
	}
	a := new(Artifact)
	if json.Unmarshal(data, a) != nil || a.Hash != hash {
		return nil
	}
	a.Dir = b.versionDir(hash)
	return a
}

// commit moves the finished build folder tmp into place as version a.Hash.
// The description is written first, so a version folder that exists is
// always described. When another build of the same inputs won the race,
// tmp is dropped and the existing version returned.
func (b *Builder) commit(tmp string, a *Artifact) (*Artifact, error) {
	if a.Size > b.limit {
		os.RemoveAll(tmp)
		return nil, errs.E(errs.Invalid, fmt.Errorf("the code is %d bytes, over the %d-byte limit (Lambda's 250 MB unzipped)", a.Size, b.limit))
	}
	if old := b.lookup(a.Hash); old != nil {
		os.RemoveAll(tmp)
		return old, nil
	}
	data, err := json.Marshal(a)
	if err != nil {
		os.RemoveAll(tmp)
		return nil, errs.E(errs.Internal, err)
	}
	if err := writeFileAtomic(b.metaPath(a.Hash), data); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	// A sandbox runs as a user of its own: it reads the task root as
	// "others", as Lambda's sbx_user1051 reads /var/task.
	if err := os.Chmod(tmp, taskRootMode); err != nil {
		os.RemoveAll(tmp)
		return nil, errs.E(errs.IO, err)
	}
	if err := os.Rename(tmp, b.versionDir(a.Hash)); err != nil {
		os.RemoveAll(tmp)
		if old := b.lookup(a.Hash); old != nil {
			return old, nil
		}
		return nil, errs.E(errs.IO, err)
	}
	a.Dir = b.versionDir(a.Hash)
	return a, nil
}

// writeFileAtomic writes data to a temporary file beside name and renames it.
func writeFileAtomic(name string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), tmpPrefix)
	if err != nil {
		return errs.E(errs.IO, err)
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(f.Name())
		return errs.E(errs.IO, err)
	}
	if err := os.Rename(f.Name(), name); err != nil {
		os.Remove(f.Name())
		return errs.E(errs.IO, err)
	}
	return nil
}

// Prune removes every version whose hash is not in keep, and leftovers of
// builds that crashed. A version is first renamed away, so a build never
// sees one half removed. Callers must keep every version still running.
func (b *Builder) Prune(keep map[string]bool) error {
	const op errs.Op = "build.Prune"
	ents, err := os.ReadDir(b.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return errs.E(op, errs.IO, err)
	}
	var all []error
	for _, e := range ents {
		name := e.Name()
		switch {
		case name == manifestsDir:
			all = append(all, b.pruneManifests(keep))
		case strings.HasPrefix(name, trashPrefix):
			all = append(all, os.RemoveAll(filepath.Join(b.dir, name)))
		case strings.HasPrefix(name, tmpPrefix):
			// A build in progress in another process; crashed ones are
			// removed once they are old.
			all = append(all, removeIfStale(filepath.Join(b.dir, name)))
		case strings.HasSuffix(name, metaSuffix):
			// A description without its version: removed with it, or a
			// crash between the two writes.
			hash := strings.TrimSuffix(name, metaSuffix)
			if _, err := os.Stat(b.versionDir(hash)); !keep[hash] && errors.Is(err, fs.ErrNotExist) {
				all = append(all, ignoreNotExist(os.Remove(filepath.Join(b.dir, name))))
			}
		case e.IsDir() && !keep[name]:
			all = append(all, b.removeVersion(name))
		}
	}
	if err := errors.Join(all...); err != nil {
		return errs.E(op, errs.IO, err)
	}
	return nil
}

func (b *Builder) removeVersion(hash string) error {
	trash, err := os.MkdirTemp(b.dir, trashPrefix)
	if err != nil {
		return err
	}
	gone := filepath.Join(trash, hash)
	if err := os.Rename(b.versionDir(hash), gone); err != nil {
		os.Remove(trash)
		return ignoreNotExist(err)
	}
	return errors.Join(ignoreNotExist(os.Remove(b.metaPath(hash))), os.RemoveAll(trash))
}

func ignoreNotExist(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
