package build

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/verge-edge/verge/internal/errs"
)

// buildPython copies the entry's folder (or the folder above its top
// package) as the task root.
func (b *Builder) buildPython(ctx context.Context, j *job) (*Artifact, error) {
	if _, err := os.Stat(j.path); err != nil {
		return nil, errs.E(errs.NotFound, j.path, err)
	}
	src, err := filepath.EvalSymlinks(pythonRoot(j.path))
	if err != nil {
		return nil, errs.E(errs.IO, j.path, err)
	}
	t := &tree{src: src, skip: skipDirs, limit: b.limit, private: b.dataDir()}
	return b.copyTree(ctx, t, j.recipe(t.src), &Artifact{Handler: j.handler, Runtime: j.runtime})
}

// pythonRoot is the entry's folder, or, when that folder is a package
// (has __init__.py), the folder holding its top package, so that the
// package's relative imports work as on Lambda.
func pythonRoot(entry string) string {
	d := filepath.Dir(entry)
	for {
		if _, err := os.Stat(filepath.Join(d, "__init__.py")); err != nil || d == filepath.Dir(d) {
			return d
		}
		d = filepath.Dir(d)
	}
}

// pythonModule is the handler's module: the entry's path under its root
// without .py, with slashes ("app", "pkg/mod").
func pythonModule(entry string) (string, error) {
	rel, err := filepath.Rel(pythonRoot(entry), entry)
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(filepath.ToSlash(rel), filepath.Ext(rel)), nil
}
