package build

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/verge-edge/verge/internal/errs"
)

// A stamp records one input as a tool saw it. Size and MTime let an
// unchanged file be recognised without reading it; Sum decides.
type stamp struct {
	Path  string `json:"path"`
	Size  int64  `json:"size"`
	MTime int64  `json:"mtime"`
	Sum   string `json:"sum"`
}

// A manifest lists the inputs of a tool's build of one recipe: the files it
// read and the folders whose listing could change what it resolves.
type manifest struct {
	Hash  string  `json:"hash"`
	Files []stamp `json:"files"`
	Dirs  []stamp `json:"dirs"` // Sum of the sorted names
}

// inputs collects stamps while a tool runs. It is safe for concurrent use.
type inputs struct {
	mu    sync.Mutex
	files map[string]stamp
	dirs  map[string]bool
}

func newInputs() *inputs {
	return &inputs{files: map[string]stamp{}, dirs: map[string]bool{}}
}

// read reads a file, records it and returns its content.
func (in *inputs) read(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	in.mu.Lock()
	in.files[path] = stamp{Path: path, Size: st.Size(), MTime: st.ModTime().UnixNano(), Sum: sumBytes(data)}
	in.mu.Unlock()
	return data, nil
}

// add records a file unless it is recorded already; absent files are skipped.
func (in *inputs) add(path string) error {
	in.mu.Lock()
	_, ok := in.files[path]
	in.mu.Unlock()
	if ok {
		return nil
	}
	_, err := in.read(path)
	if os.IsNotExist(err) {
		return nil
	}
	return err
}

// addDir records a folder whose listing matters.
func (in *inputs) addDir(dir string) {
	in.mu.Lock()
	in.dirs[dir] = true
	in.mu.Unlock()
}

// hash is the version hash: the recipe and every file's content. Folder
// listings only decide whether the tool must run again.
func (in *inputs) hash(recipe string) string {
	in.mu.Lock()
	defer in.mu.Unlock()
	return hashStamps(recipe, mapValues(in.files))
}

func hashStamps(recipe string, files []stamp) string {
	slices.SortFunc(files, func(a, b stamp) int { return strings.Compare(a.Path, b.Path) })
	h := sha256.New()
	io.WriteString(h, recipe)
	for _, f := range files {
		io.WriteString(h, "\x00"+f.Path+"\x00"+f.Sum)
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

func mapValues(m map[string]stamp) []stamp {
	out := make([]stamp, 0, len(m))
	for _, s := range m {
		out = append(out, s)
	}
	return out
}

// manifest returns the recorded inputs, listing each folder now.
func (in *inputs) manifest(hash string) (*manifest, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	m := &manifest{Hash: hash, Files: mapValues(in.files)}
	slices.SortFunc(m.Files, func(a, b stamp) int { return strings.Compare(a.Path, b.Path) })
	for d := range in.dirs {
		sum, err := listingSum(d)
		if err != nil && !os.IsNotExist(err) {
			return nil, errs.E(errs.IO, err)
		}
		m.Dirs = append(m.Dirs, stamp{Path: d, Sum: sum})
	}
	slices.SortFunc(m.Dirs, func(a, b stamp) int { return strings.Compare(a.Path, b.Path) })
	return m, nil
}

// listingSum hashes a folder's sorted entry names; "" for a missing folder.
func listingSum(dir string) (string, error) {
	f, err := os.Open(dir)
	if err != nil {
		return "", err
	}
	defer f.Close()
	names, err := f.Readdirnames(-1)
	if err != nil {
		return "", err
	}
	slices.Sort(names)
	return sumBytes([]byte(strings.Join(names, "\x00"))), nil
}

func sumBytes(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

func sumFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// current reports whether every input of m is as recorded.
func (m *manifest) current() bool {
	for _, f := range m.Files {
		st, err := os.Stat(f.Path)
		if err != nil || !st.Mode().IsRegular() {
			return false
		}
		if st.Size() == f.Size && st.ModTime().UnixNano() == f.MTime {
			continue
		}
		if sum, err := sumFile(f.Path); err != nil || sum != f.Sum {
			return false
		}
	}
	for _, d := range m.Dirs {
		sum, err := listingSum(d.Path)
		if err != nil && !os.IsNotExist(err) {
			return false
		}
		if sum != d.Sum {
			return false
		}
	}
	return true
}

func (b *Builder) manifestPath(recipe string) string {
	return filepath.Join(b.dir, manifestsDir, sumBytes([]byte(recipe))[:32]+".json")
}

// cached returns the version a tool built from recipe when none of its
// inputs changed since, or nil.
func (b *Builder) cached(recipe string) *Artifact {
	data, err := os.ReadFile(b.manifestPath(recipe))
	if err != nil {
		return nil
	}
	m := new(manifest)
	if json.Unmarshal(data, m) != nil || !m.current() {
		return nil
	}
	return b.lookup(m.Hash)
}

// remember stores m as the inputs of recipe's latest build.
func (b *Builder) remember(recipe string, m *manifest) error {
	data, err := json.Marshal(m)
	if err != nil {
		return errs.E(errs.Internal, err)
	}
	return writeFileAtomic(b.manifestPath(recipe), data)
}

// pruneManifests drops manifests of versions not kept.
func (b *Builder) pruneManifests(keep map[string]bool) error {
	dir := filepath.Join(b.dir, manifestsDir)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return ignoreNotExist(err)
	}
	var all []error
	for _, e := range ents {
		p := filepath.Join(dir, e.Name())
		if strings.HasPrefix(e.Name(), tmpPrefix) {
			all = append(all, removeIfStale(p))
			continue
		}
		var m manifest
		data, err := os.ReadFile(p)
		if err == nil && json.Unmarshal(data, &m) == nil && keep[m.Hash] {
			continue
		}
		all = append(all, ignoreNotExist(os.Remove(p)))
	}
	return errors.Join(all...)
}

// staleAge is how old a temporary build folder must be to count as left by
// a crash rather than a build in progress.
const staleAge = time.Hour

func removeIfStale(p string) error {
	st, err := os.Stat(p)
	if err != nil || time.Since(st.ModTime()) < staleAge {
		return ignoreNotExist(err)
	}
	return os.RemoveAll(p)
}
