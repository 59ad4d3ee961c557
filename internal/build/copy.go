package build

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/verge-edge/verge/internal/errs"
)

// A tree copies a folder into a task root, or only hashes it when dst is "".
// The hash covers every copied file's path, executable bit and content, so
// the hash of a copy is the hash of exactly what was copied.
type tree struct {
	src  string
	skip map[string]bool // folder names left out
	// private is a folder left out by path: the data folder the builder
	// lives in, when the copied folder holds it (the stack folder's
	// .verge): its keys and tokens must not reach a sandbox, and copying
	// the builds into themselves would never end.
	private  string
	limit    int64 // the most bytes copied
	warnings []string
	size     int64
}

// walk hashes src (and copies it into dst unless dst is "") under recipe.
func (t *tree) walk(ctx context.Context, recipe, dst string) (string, error) {
	t.warnings, t.size = nil, 0
	h := sha256.New()
	io.WriteString(h, recipe)
	err := filepath.WalkDir(t.src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, _ := filepath.Rel(t.src, p)
		if d.IsDir() {
			if p != t.src && (t.skip[d.Name()] || p == t.private) {
				return filepath.SkipDir
			}
			if dst != "" && p != t.src {
				return os.Mkdir(filepath.Join(dst, rel), 0o755)
			}
			return nil
		}
		info, err := os.Stat(p) // follows a symlink to the file it names
		switch {
		case err != nil:
			t.warnings = append(t.warnings, fmt.Sprintf("%s: skipped: %v", p, err))
			return nil
		case info.IsDir():
			t.warnings = append(t.warnings, fmt.Sprintf("%s: skipped: a symbolic link to a folder", p))
			return nil
		case !info.Mode().IsRegular():
			return nil
		}
		return t.file(h, p, rel, info, dst)
	})
	if err != nil {
		return "", errs.E(errs.IO, t.src, err)
	}
	return hex.EncodeToString(h.Sum(nil))[:32], nil
}

// file adds one file to the hash, copying it into dst when set.
func (t *tree) file(h io.Writer, p, rel string, info fs.FileInfo, dst string) error {
	mode := fs.FileMode(0o644)
	if info.Mode()&0o111 != 0 {
		mode = 0o755
	}
	in, err := os.Open(p)
	if err != nil {
		return err
	}
	defer in.Close()
	fh := sha256.New()
	w := io.Writer(fh)
	var out *os.File
	if dst != "" {
		if out, err = os.OpenFile(filepath.Join(dst, rel), os.O_CREATE|os.O_EXCL|os.O_WRONLY, mode); err != nil {
			return err
		}
		defer out.Close()
		w = io.MultiWriter(fh, out)
	}
	n, err := io.Copy(w, io.LimitReader(in, t.limit+1-t.size))
	if err != nil {
		return err
	}
	t.size += n
	if t.size > t.limit {
		return fmt.Errorf("%s: %w", rel, errTooBig)
	}
	fmt.Fprintf(h, "\x00%s\x00%o\x00%x", filepath.ToSlash(rel), mode, fh.Sum(nil))
	if out != nil {
		return out.Close()
	}
	return nil
}

// copyTree builds a version from a folder: hashes it, and copies it only
// when no version has that hash.
func (b *Builder) copyTree(ctx context.Context, t *tree, recipe string, a *Artifact) (*Artifact, error) {
	hash, err := t.walk(ctx, recipe, "")
	if err != nil {
		return nil, err
	}
	if old := b.lookup(hash); old != nil {
		return old, nil
	}
	tmp, err := b.tempDir()
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp) // a no-op once committed (renamed)
	// Hash again what is copied: the folder may have changed since.
	if a.Hash, err = t.walk(ctx, recipe, tmp); err != nil {
		return nil, err
	}
	a.Size, a.Warnings = t.size, t.warnings
	return b.commit(tmp, a)
}

// buildFolder copies a custom-artifact folder as it is.
func (b *Builder) buildFolder(ctx context.Context, j *job) (*Artifact, error) {
	src, err := filepath.EvalSymlinks(j.path)
	if err != nil {
		return nil, errs.E(errs.NotFound, j.path, err)
	}
	if st, err := os.Stat(src); err != nil || !st.IsDir() {
		return nil, errs.E(errs.Invalid, j.path, errors.New("packagePath must be a folder or a .zip file"))
	}
	t := &tree{src: src, limit: b.limit, private: b.dataDir()}
	return b.copyTree(ctx, t, j.recipe(), &Artifact{Handler: j.handler, Runtime: j.runtime})
}

// dataDir is the folder holding the builder's (DATA for DATA/builds), with
// symbolic links resolved as the copied folders' are.
func (b *Builder) dataDir() string {
	d := filepath.Dir(b.dir)
	if real, err := filepath.EvalSymlinks(d); err == nil {
		return real
	}
	return d
}
