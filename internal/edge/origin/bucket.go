package origin

import (
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/verge-edge/verge/internal/errs"
)

// bucket serves the objects of a local folder like an S3 website endpoint.
//
// Status codes: a path Clean refuses, or a symbolic link leading out of the
// folder, is 403 (S3 answers AccessDenied for keys it won't show); a missing
// object, or a path with an empty segment ("a//b", a key no file has), is
// 404, or the SPA index with 200, or the error document with 404.
type bucket struct {
	dir      string // absolute
	index    string // IndexDocument, a single name
	errorDoc string // ErrorDocument, Clean'ed
	spa      bool
	etags    etags
	info     func(key string, size, modTimeNs int64, ino uint64) (etag, contentType string, ok bool)
}

var _ Handler = (*bucket)(nil)

// NewBucket returns an origin serving the files under dir.
func NewBucket(dir string, opts BucketOptions) (Handler, error) {
	const op errs.Op = "origin.NewBucket"
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, errs.E(op, errs.Invalid, dir, err)
	}
	fi, err := os.Stat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, errs.E(op, errs.NotFound, abs, err)
	case err != nil:
		return nil, errs.E(op, errs.IO, abs, err)
	case !fi.IsDir():
		return nil, errs.E(op, errs.Invalid, abs, errs.Errorf("not a folder"))
	}
	b := &bucket{dir: abs, index: opts.IndexDocument, spa: opts.SinglePageApp, info: opts.Info}
	if b.index != "" && (strings.ContainsAny(b.index, "/\\\x00") || b.index == "." || b.index == "..") {
		return nil, errs.E(op, errs.Invalid, errs.Errorf("index document %q is not a single file name", b.index))
	}
	if opts.ErrorDocument != "" {
		p, ok := Clean("/" + strings.TrimPrefix(opts.ErrorDocument, "/"))
		if !ok || p == "" || strings.HasSuffix(p, "/") {
			return nil, errs.E(op, errs.Invalid, errs.Errorf("error document %q is not a bucket object path", opts.ErrorDocument))
		}
		b.errorDoc = p
	}
	if b.spa && b.index == "" {
		return nil, errs.E(op, errs.Invalid, errs.Errorf("a single-page app needs an index document"))
	}
	return b, nil
}

// Close does nothing: a bucket holds no open files between requests.
func (b *bucket) Close() {}

func (b *bucket) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		plainError(w, r, http.StatusMethodNotAllowed)
		return
	}
	raw := r.URL.EscapedPath()
	p, ok := Clean(raw)
	if !ok {
		plainError(w, r, http.StatusForbidden)
		return
	}
	// The root is opened per request, not once, so a folder that a build
	// deletes and recreates is picked up.
	root, err := os.OpenRoot(b.dir)
	if err != nil {
		b.missing(w, r, nil)
		return
	}
	defer root.Close()
	if strings.Contains(raw, "//") {
		// S3 keys are literal: "//private/x" is the key "/private/x", not
		// "private/x", and no file has an empty name. Serving the file
		// would let a path skip the behaviour (and its functions) that
		// "/private/*" gives the object.
		b.missing(w, r, root)
		return
	}

	name, folder := p, p == "" || strings.HasSuffix(p, "/")
	if folder {
		if b.index == "" {
			b.missing(w, r, root)
			return
		}
		name = p + b.index
	}
	f, fi, err := b.open(root, name)
	switch {
	case errors.Is(err, errForbidden):
		plainError(w, r, http.StatusForbidden)
	case err != nil:
		b.missing(w, r, root)
	case fi.Mode().IsRegular():
		defer f.Close()
		b.serveFile(w, r, name, f, fi)
	case fi.IsDir() && !folder && b.index != "" && b.isFile(root, name+"/"+b.index):
		f.Close()
		redirectToFolder(w, r, p)
	default:
		f.Close()
		b.missing(w, r, root)
	}
}

// errForbidden is an object the folder must not show: a symbolic link out
// of it, or a file the server may not read.
var errForbidden = errors.New("forbidden")

// open opens name in root and stats it. Missing objects (and paths through
// a file) return an fs.ErrNotExist error.
func (b *bucket) open(root *os.Root, name string) (*os.File, fs.FileInfo, error) {
	f, err := root.OpenFile(filepath.FromSlash(name), openFlags, 0)
	switch {
	case err == nil:
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
		return nil, nil, fs.ErrNotExist
	case errors.Is(err, fs.ErrPermission):
		return nil, nil, errForbidden
	default:
		// os.Root refuses symbolic links that leave the folder and absolute
		// ones; resolve the latter by hand and retry what stays inside.
		if f, err = b.openResolved(root, name); err != nil {
			return nil, nil, err
		}
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, fs.ErrNotExist
	}
	return f, fi, nil
}

// openResolved resolves every symbolic link in name and opens the result
// through root when it lies inside the folder. Root checks the open again,
// so a link swapped in between cannot lead out.
func (b *bucket) openResolved(root *os.Root, name string) (*os.File, error) {
	realDir, err := filepath.EvalSymlinks(b.dir)
	if err != nil {
		return nil, fs.ErrNotExist
	}
	target, err := filepath.EvalSymlinks(filepath.Join(b.dir, filepath.FromSlash(name)))
	if err != nil {
		return nil, fs.ErrNotExist
	}
	rel, err := filepath.Rel(realDir, target)
	if err != nil || !filepath.IsLocal(rel) {
		return nil, errForbidden
	}
	f, err := root.OpenFile(rel, openFlags, 0)
	if err != nil {
		return nil, errForbidden
	}
	return f, nil
}

// isFile reports whether name is a regular file in root.
func (b *bucket) isFile(root *os.Root, name string) bool {
	f, fi, err := b.open(root, name)
	if err != nil {
		return false
	}
	f.Close()
	return fi.Mode().IsRegular()
}

// serveFile writes the object f with its validators, answering conditional
// and range requests through http.ServeContent.
func (b *bucket) serveFile(w http.ResponseWriter, r *http.Request, name string, f *os.File, fi fs.FileInfo) {
	tag, ctype := b.stored(name, fi)
	if tag == "" {
		var err error
		if tag, err = b.etags.get(name, f, fi); err != nil {
			plainError(w, r, http.StatusInternalServerError)
			return
		}
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("ETag", tag)
	http.ServeContent(w, r, "", fi.ModTime(), f)
}

// stored is what Info knows of this version of the object name: its ETag
// ("" when it must be computed) and its content type (the extension's when
// Info has none).
func (b *bucket) stored(name string, fi fs.FileInfo) (etag, ctype string) {
	if b.info != nil {
		if tag, ct, ok := b.info(name, fi.Size(), fi.ModTime().UnixNano(), inode(fi)); ok {
			etag, ctype = tag, ct
		}
	}
	if ctype == "" {
		ctype = contentType(name)
	}
	return etag, ctype
}

// missing answers for an object the bucket lacks: the SPA index with 200,
// else the error document with 404, else a plain 404. A nil root means the
// folder itself is gone.
func (b *bucket) missing(w http.ResponseWriter, r *http.Request, root *os.Root) {
	if root == nil {
		plainError(w, r, http.StatusNotFound)
		return
	}
	if b.spa {
		if f, fi, err := b.open(root, b.index); err == nil {
			defer f.Close()
			if fi.Mode().IsRegular() {
				b.serveFile(w, r, b.index, f, fi)
				return
			}
		}
	}
	if b.errorDoc != "" {
		if f, fi, err := b.open(root, b.errorDoc); err == nil {
			defer f.Close()
			if fi.Mode().IsRegular() {
				_, ctype := b.stored(b.errorDoc, fi)
				serveErrorDocument(w, r, ctype, f, fi)
				return
			}
		}
	}
	plainError(w, r, http.StatusNotFound)
}

// serveErrorDocument writes f with status 404. It carries no validators and
// ignores conditional and range headers: those are about the missing object.
func serveErrorDocument(w http.ResponseWriter, r *http.Request, ctype string, f *os.File, fi fs.FileInfo) {
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Length", strconv.FormatInt(fi.Size(), 10))
	w.WriteHeader(http.StatusNotFound)
	if r.Method != http.MethodHead {
		_, _ = io.CopyN(w, f, fi.Size())
	}
}

// redirectToFolder answers 302 to the folder path p + "/", keeping the query,
// as S3 website endpoints do for a key that names a folder. The location is
// rebuilt from the cleaned path, so "//evil.example" cannot become a
// scheme-relative redirect.
func redirectToFolder(w http.ResponseWriter, r *http.Request, p string) {
	loc := (&url.URL{Path: "/" + p + "/"}).EscapedPath()
	if r.URL.RawQuery != "" {
		loc += "?" + r.URL.RawQuery
	}
	w.Header().Set("Location", loc)
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusFound)
}
