package build

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/verge-edge/verge/internal/errs"
)

// buildZip extracts a custom-artifact zip. The zip is first copied beside
// the versions, so the version hash is the hash of exactly what is extracted.
func (b *Builder) buildZip(ctx context.Context, j *job) (*Artifact, error) {
	sum, err := sumFile(j.path)
	if err != nil {
		return nil, errs.E(errs.NotFound, j.path, err)
	}
	if old := b.lookup(zipHash(j.recipe(), sum)); old != nil {
		return old, nil
	}
	tmp, err := b.tempDir()
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp) // a no-op once committed (renamed)
	copied := tmp + ".zip"
	defer os.Remove(copied)
	if sum, err = copyFile(j.path, copied); err != nil {
		return nil, errs.E(errs.IO, j.path, err)
	}
	size, err := extract(ctx, copied, tmp, b.limit)
	if err != nil {
		return nil, errs.E(errs.Invalid, j.path, err)
	}
	return b.commit(tmp, &Artifact{Handler: j.handler, Runtime: j.runtime, Hash: zipHash(j.recipe(), sum), Size: size})
}

func zipHash(recipe, sum string) string {
	return sumBytes([]byte(recipe + "\x00" + sum))[:32]
}

// copyFile copies src to dst and returns the hash of what it copied.
func copyFile(src, dst string) (string, error) {
	in, err := os.Open(src)
	if err != nil {
		return "", err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	_, err = io.Copy(io.MultiWriter(h, out), in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return hex.EncodeToString(h.Sum(nil)), err
}

// extract unpacks the zip file name into dir and returns the bytes written.
// It refuses names that would land outside dir, symbolic links, duplicate
// names and more than limit bytes in all, whatever the headers claim.
func extract(ctx context.Context, name, dir string, limit int64) (int64, error) {
	zr, err := zip.OpenReader(name)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) { // our own check below is stricter
		return 0, fmt.Errorf("reading the zip: %w", err)
	}
	defer zr.Close()
	if len(zr.File) > maxZipEntries {
		return 0, fmt.Errorf("the zip has %d entries, more than %d", len(zr.File), maxZipEntries)
	}
	var size int64
	for _, f := range zr.File {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		n, err := extractFile(f, dir, limit-size)
		if err != nil {
			return 0, fmt.Errorf("zip entry %q: %w", f.Name, err)
		}
		size += n
	}
	return size, nil
}

// extractFile writes one entry, at most limit bytes.
func extractFile(f *zip.File, dir string, limit int64) (int64, error) {
	rel, err := entryPath(f.Name)
	if err != nil {
		return 0, err
	}
	mode := f.Mode()
	switch {
	case mode&fs.ModeSymlink != 0:
		return 0, errors.New("symbolic links are not allowed")
	case mode.IsDir() || strings.HasSuffix(f.Name, "/"):
		return 0, os.MkdirAll(filepath.Join(dir, rel), 0o755)
	case !mode.IsRegular():
		return 0, fmt.Errorf("unsupported file type %v", mode.Type())
	}
	if f.UncompressedSize64 > uint64(limit) {
		return 0, errTooBig
	}
	dst := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return 0, err
	}
	perm := fs.FileMode(0o644)
	if mode&0o111 != 0 {
		perm = 0o755
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, perm)
	if err != nil {
		return 0, err
	}
	defer out.Close()
	in, err := f.Open()
	if err != nil {
		return 0, err
	}
	defer in.Close()
	n, err := io.Copy(out, io.LimitReader(in, limit+1)) // the header may lie
	if err != nil {
		return 0, err
	}
	if n > limit {
		return 0, errTooBig
	}
	return n, out.Close()
}

var errTooBig = errors.New("over the size limit (Lambda's 250 MB unzipped)")

// entryPath checks a zip entry's name and returns it as a relative path
// inside the extraction folder. It refuses empty, absolute and
// backslashed names, NUL bytes and any name that climbs out with "..".
func entryPath(name string) (string, error) {
	switch {
	case name == "":
		return "", errors.New("empty name")
	case strings.ContainsRune(name, 0):
		return "", errors.New("NUL in name")
	case strings.Contains(name, `\`):
		return "", errors.New(`backslash in name (a Windows path?)`)
	case strings.HasPrefix(name, "/"):
		return "", errors.New("absolute name")
	}
	for _, el := range strings.Split(name, "/") {
		if el == ".." {
			return "", errors.New("name escapes the folder")
		}
	}
	clean := path.Clean(name)
	if clean != "." && !filepath.IsLocal(clean) {
		return "", errors.New("name escapes the folder")
	}
	return filepath.FromSlash(clean), nil
}
