package cache

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/verge-edge/verge/internal/errs"
)

// Disk is the disk tier: one file per entry, written to a temporary name and
// renamed into place so a crash never leaves a torn entry, with an index in
// memory rebuilt from the files' headers at start. It evicts the least
// recently used entries when over its byte budget.
type Disk struct {
	dir    string
	budget int64

	mu    sync.Mutex
	items map[string]*diskItem
	bytes int64
}

var _ Store = (*Disk)(nil)

type diskItem struct {
	file    string
	size    int64
	dist    string
	path    string
	expires time.Time
	used    time.Time
}

// diskMagic starts every entry file; the version changes with the format.
var diskMagic = []byte("VERGE-CACHE-1\n")

// diskMeta is an entry without its body, as stored in a file's header.
type diskMeta struct {
	Key                  string
	Dist, Path           string
	Status               int
	Header               http.Header
	Encoding             string
	Vary                 []string
	ResponseTime         time.Time
	InitialAge, TTL      time.Duration
	StaleWhileRevalidate time.Duration
	StaleIfError         time.Duration
	MustRevalidate       bool
	ETag, LastModified   string
	ModTime              time.Time
}

// OpenDisk opens (creating) a disk store in dir and indexes the entries
// already there; unreadable or expired files are removed.
func OpenDisk(dir string, budget int64) (*Disk, error) {
	const op errs.Op = "cache.OpenDisk"
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, errs.E(op, errs.IO, err)
	}
	d := &Disk{dir: dir, budget: budget, items: map[string]*diskItem{}}
	now := time.Now()
	err := filepath.WalkDir(dir, func(p string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return nil
		}
		if filepath.Ext(p) == ".tmp" {
			os.Remove(p) // an interrupted write
			return nil
		}
		meta, size, err := readMeta(p)
		if err != nil || d.expired(meta, now) {
			os.Remove(p)
			return nil
		}
		d.index(meta, p, size, now)
		return nil
	})
	if err != nil {
		return nil, errs.E(op, errs.IO, err)
	}
	d.evict()
	return d, nil
}

func (d *Disk) expired(m *diskMeta, now time.Time) bool {
	e := m.entry(nil)
	return now.Sub(e.ResponseTime) > e.Retention()
}

func (d *Disk) index(m *diskMeta, file string, size int64, now time.Time) {
	e := m.entry(nil)
	d.items[m.Key] = &diskItem{file: file, size: size, dist: m.Dist, path: m.Path,
		expires: e.ResponseTime.Add(e.Retention()), used: now}
	d.bytes += size
}

// Get reads the entry under key from its file.
func (d *Disk) Get(key string) (*Entry, bool) {
	d.mu.Lock()
	it, ok := d.items[key]
	if ok && time.Now().After(it.expires) {
		d.remove(key, it)
		ok = false
	}
	if ok {
		it.used = time.Now()
	}
	d.mu.Unlock()
	if !ok {
		return nil, false
	}
	e, err := readEntry(it.file)
	if err != nil || e.Key != key {
		d.Delete(key)
		return nil, false
	}
	return e, true
}

// Set writes e to disk. Errors are not fatal to a cache: the entry simply
// is not on disk, so Set drops them.
func (d *Disk) Set(e *Entry) {
	if e.Size() > d.budget {
		return
	}
	file := d.fileFor(e.Key)
	size, err := writeEntry(file, e)
	if err != nil {
		return
	}
	d.mu.Lock()
	if old, ok := d.items[e.Key]; ok {
		d.bytes -= old.size
	}
	d.items[e.Key] = &diskItem{file: file, size: size, dist: e.Dist, path: e.Path,
		expires: e.ResponseTime.Add(e.Retention()), used: time.Now()}
	d.bytes += size
	over := d.bytes > d.budget
	d.mu.Unlock()
	if over {
		d.mu.Lock()
		d.evict()
		d.mu.Unlock()
	}
}

// Delete removes key's file.
func (d *Disk) Delete(key string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if it, ok := d.items[key]; ok {
		d.remove(key, it)
	}
}

// Purge removes every entry the matcher selects.
func (d *Disk) Purge(m Matcher) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for k, it := range d.items {
		if m.Match(it.dist, it.path) {
			d.remove(k, it)
			n++
		}
	}
	return n
}

// Stats returns the counts.
func (d *Disk) Stats() Stats {
	d.mu.Lock()
	defer d.mu.Unlock()
	return Stats{Entries: int64(len(d.items)), Bytes: d.bytes, Budget: d.budget}
}

// Close is a no-op: every Set is already durable.
func (d *Disk) Close() error { return nil }

// remove drops an item; d.mu must be held.
func (d *Disk) remove(key string, it *diskItem) {
	delete(d.items, key)
	d.bytes -= it.size
	os.Remove(it.file)
}

// evict removes least recently used entries until the store is at 90% of
// its budget, so eviction runs in batches rather than on every Set.
func (d *Disk) evict() {
	if d.bytes <= d.budget {
		return
	}
	keys := make([]string, 0, len(d.items))
	for k := range d.items {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return d.items[a].used.Compare(d.items[b].used) })
	for _, k := range keys {
		if d.bytes <= d.budget*9/10 {
			break
		}
		d.remove(k, d.items[k])
	}
}

func (d *Disk) fileFor(key string) string {
	sum := sha256.Sum256([]byte(key))
	h := hex.EncodeToString(sum[:])
	return filepath.Join(d.dir, h[:2], h)
}

func writeEntry(file string, e *Entry) (int64, error) {
	meta, err := json.Marshal(metaOf(e))
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return 0, err
	}
	var buf bytes.Buffer
	buf.Grow(len(diskMagic) + 4 + len(meta) + len(e.Body))
	buf.Write(diskMagic)
	buf.Write(binary.BigEndian.AppendUint32(nil, uint32(len(meta))))
	buf.Write(meta)
	buf.Write(e.Body)
	tmp, err := os.CreateTemp(filepath.Dir(file), "*.tmp")
	if err != nil {
		return 0, err
	}
	_, err = tmp.Write(buf.Bytes())
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), file)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return 0, err
	}
	return int64(buf.Len()), nil
}

func readEntry(file string) (*Entry, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	meta, n, err := decodeMeta(data)
	if err != nil {
		return nil, err
	}
	return meta.entry(data[n:]), nil
}

// readMeta reads only the header of an entry file.
func readMeta(file string) (*diskMeta, int64, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, 0, err
	}
	head := make([]byte, min(st.Size(), 64<<10))
	if _, err := f.ReadAt(head, 0); err != nil {
		return nil, 0, err
	}
	meta, _, err := decodeMeta(head)
	return meta, st.Size(), err
}

var errCorrupt = errs.Errorf("corrupt cache file")

func decodeMeta(data []byte) (*diskMeta, int, error) {
	if !bytes.HasPrefix(data, diskMagic) || len(data) < len(diskMagic)+4 {
		return nil, 0, errCorrupt
	}
	n := len(diskMagic)
	size := int(binary.BigEndian.Uint32(data[n:]))
	n += 4
	if size > len(data)-n {
		return nil, 0, errCorrupt
	}
	var m diskMeta
	if err := json.Unmarshal(data[n:n+size], &m); err != nil {
		return nil, 0, errCorrupt
	}
	return &m, n + size, nil
}

func metaOf(e *Entry) *diskMeta {
	return &diskMeta{Key: e.Key, Dist: e.Dist, Path: e.Path, Status: e.Status, Header: e.Header,
		Encoding: e.Encoding, Vary: e.Vary, ResponseTime: e.ResponseTime, InitialAge: e.InitialAge,
		TTL: e.TTL, StaleWhileRevalidate: e.StaleWhileRevalidate, StaleIfError: e.StaleIfError,
		MustRevalidate: e.MustRevalidate, ETag: e.ETag,
		LastModified: e.LastModified, ModTime: e.ModTime}
}

func (m *diskMeta) entry(body []byte) *Entry {
	return &Entry{Key: m.Key, Dist: m.Dist, Path: m.Path, Status: m.Status, Header: m.Header,
		Body: body, Encoding: m.Encoding, Vary: m.Vary, ResponseTime: m.ResponseTime,
		InitialAge: m.InitialAge, TTL: m.TTL, StaleWhileRevalidate: m.StaleWhileRevalidate,
		StaleIfError: m.StaleIfError, MustRevalidate: m.MustRevalidate,
		ETag: m.ETag, LastModified: m.LastModified, ModTime: m.ModTime}
}
