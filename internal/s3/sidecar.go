package s3

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/verge-edge/verge/internal/mimetype"
)

// identity identifies one version of a file: a rewrite changes the size or
// the modification time, a replacement (rename over) the inode.
type identity struct {
	Size  int64  `json:"size"`
	MTime int64  `json:"mtime"`
	Ino   uint64 `json:"ino"`
}

// A record is an object's sidecar: what its file cannot carry. It holds
// while the file's identity is File.
type record struct {
	Key  string   `json:"key"`
	File identity `json:"file"`
	ETag string   `json:"etag"`
	Headers
	Tags      map[string]string `json:"tags,omitempty"`
	Checksums Checksums         `json:"checksums"`
	Parts     int               `json:"parts,omitempty"`
}

// info is what S3 says of the object rec describes.
func (r *record) info(bucket string, modTime time.Time) ObjectInfo {
	return ObjectInfo{
		Bucket: bucket, Key: r.Key, Size: r.File.Size, ETag: r.ETag, LastModified: modTime,
		ContentType: defaultType(r.ContentType, r.Key), ContentEncoding: r.ContentEncoding,
		ContentDisposition: r.ContentDisposition, ContentLanguage: r.ContentLanguage,
		CacheControl: r.CacheControl, Expires: r.Expires, Metadata: maps.Clone(r.Metadata),
		Checksums: r.Checksums, Parts: r.Parts, TagCount: len(r.Tags),
	}
}

// newRecord is the record of key with copies of the caller's maps, so a
// caller changing them later cannot change what the store caches.
func newRecord(key string, h Headers, tags map[string]string) *record {
	h.Metadata = maps.Clone(h.Metadata)
	return &record{Key: key, Headers: h, Tags: maps.Clone(tags)}
}

// defaultType is ct, or the type the CDN gives key when ct is "".
func defaultType(ct, key string) string {
	if ct != "" {
		return ct
	}
	return mimetype.Of(key)
}

// decodeRecord parses a sidecar; a torn or foreign one is an error.
func decodeRecord(b []byte) (*record, error) {
	var r record
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, err
	}
	if r.Key == "" || r.ETag == "" {
		return nil, errors.New("s3: sidecar without key or ETag")
	}
	return &r, nil
}

// sidecarPath is the sidecar file of key in bucket.
func (s *Store) sidecarPath(bucket, key string) string {
	sum := sha256.Sum256([]byte(key))
	h := hex.EncodeToString(sum[:])
	return filepath.Join(s.dir, metaFolder, bucket, h[:2], h+".json")
}

type bucketKey struct{ bucket, key string }

// A cached sidecar: r is what the disk held (nil: none, or unreadable);
// miss is a file version r was found not to describe, so a file changed on
// disk costs one sidecar read, not one per request.
type cached struct {
	r    *record
	miss identity
}

// readSidecar reads key's record from disk; nil when there is none or it
// is unreadable (the object then has defaults).
func (s *Store) readSidecar(bucket, key string) *record {
	b, err := os.ReadFile(s.sidecarPath(bucket, key))
	if err != nil {
		return nil
	}
	r, err := decodeRecord(b)
	if err != nil || r.Key != key {
		return nil
	}
	return r
}

// current is key's record when it holds for the file version id.
//
// Writers (holding the key's lock) set the cache after their rename;
// a reader fills it only if the entry is still the one it started from,
// so a reader that read the file before a write cannot cache the older
// record over the newer.
func (s *Store) current(bucket, key string, id identity) *record {
	bk := bucketKey{bucket, key}
	s.cacheMu.Lock()
	e, ok := s.records[bk]
	s.cacheMu.Unlock()
	if ok {
		if e.r != nil && e.r.File == id {
			return e.r
		}
		if e.miss == id {
			return nil
		}
	}
	next := cached{r: s.readSidecar(bucket, key)}
	if next.r == nil || next.r.File != id {
		next.miss = id
	}
	s.cacheMu.Lock()
	if now, still := s.records[bk]; still == ok && now == e {
		s.putCached(bk, next)
	}
	s.cacheMu.Unlock()
	if next.miss == id {
		return nil
	}
	return next.r
}

// cacheRecord records a writer's sidecar (nil: removed).
func (s *Store) cacheRecord(bk bucketKey, r *record) {
	s.cacheMu.Lock()
	defer s.cacheMu.Unlock()
	s.putCached(bk, cached{r: r})
}

// putCached stores e, dropping an arbitrary entry past maxCached. Called
// with cacheMu held.
func (s *Store) putCached(bk bucketKey, e cached) {
	if _, ok := s.records[bk]; !ok && len(s.records) >= maxCached {
		for k := range s.records {
			delete(s.records, k)
			break
		}
	}
	s.records[bk] = e
}

// plain reports whether r says nothing the file does not: no sidecar is
// needed.
func (r *record) plain() bool {
	return r.Headers.ContentType == "" && r.ContentEncoding == "" && r.ContentDisposition == "" &&
		r.ContentLanguage == "" && r.CacheControl == "" && r.Expires == "" && len(r.Metadata) == 0 &&
		len(r.Tags) == 0 && r.Checksums == (Checksums{}) && r.Parts == 0
}

// staged is a sidecar written to a temporary file, not yet in place.
type staged struct {
	s         *Store
	f         *os.File
	name, dst string
	done      bool
}

// stageSidecar writes rec to a temporary file.
func (s *Store) stageSidecar(bucket string, rec *record) (*staged, error) {
	b, err := json.Marshal(rec)
	if err != nil {
		return nil, err
	}
	st := &staged{s: s, name: tempName(), dst: s.sidecarPath(bucket, rec.Key)}
	if st.f, err = createIn(s.tmp, st.name); err != nil {
		return nil, err
	}
	if _, err := st.f.Write(b); err != nil {
		st.discard()
		return nil, err
	}
	return st, nil
}

// sync fsyncs the staged file; nothing for no sidecar.
func (st *staged) sync() error {
	if st == nil {
		return nil
	}
	return st.f.Sync()
}

// syncDir fsyncs the sidecar's folder; nothing for no sidecar.
func (st *staged) syncDir() error {
	if st == nil {
		return nil
	}
	return syncDir(filepath.Dir(st.dst))
}

func (st *staged) discard() {
	st.f.Close()
	if !st.done {
		_ = removeIn(st.s.tmp, st.name)
	}
}

// placeSidecar renames the staged sidecar into place, or removes key's
// sidecar when st is nil (the object has defaults only).
func (s *Store) placeSidecar(bucket string, rec *record, st *staged) error {
	bk := bucketKey{bucket, rec.Key}
	if st == nil {
		if err := s.dropSidecar(bucket, rec.Key); err != nil {
			return err
		}
		s.cacheETag(etagKey{bk, rec.File}, rec.ETag)
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(st.dst), 0o755); err != nil {
		return err
	}
	if err := os.Rename(filepath.Join(s.dir, tmpDirName, st.name), st.dst); err != nil {
		return err
	}
	st.done = true
	s.cacheRecord(bk, rec)
	return nil
}

// writeSidecar writes rec durably (temporary file, fsync, rename; the
// folder is synced by the caller) and returns its folder.
func (s *Store) writeSidecar(bucket string, rec *record) (string, error) {
	b, err := json.Marshal(rec)
	if err != nil {
		return "", err
	}
	p := s.sidecarPath(bucket, rec.Key)
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	if err := s.writeFileAtomic(p, b); err != nil {
		return "", err
	}
	s.cacheRecord(bucketKey{bucket, rec.Key}, rec)
	return dir, nil
}

// writeFileAtomic writes b to p through a synced temporary file in the
// store's tmp folder. The caller syncs p's folder.
func (s *Store) writeFileAtomic(p string, b []byte) error {
	name := tempName()
	f, err := createIn(s.tmp, name)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(filepath.Join(s.dir, tmpDirName, name), p)
	}
	if err != nil {
		_ = removeIn(s.tmp, name)
	}
	return err
}

// dropSidecar removes key's record, unless the cache knows there is none.
func (s *Store) dropSidecar(bucket, key string) error {
	bk := bucketKey{bucket, key}
	s.cacheMu.Lock()
	e, known := s.records[bk]
	s.cacheMu.Unlock()
	if known && e.r == nil {
		return nil
	}
	err := syscall.Unlink(s.sidecarPath(bucket, key))
	s.cacheRecord(bk, nil)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// syncDir fsyncs the folder at p, making renames in it durable.
func syncDir(p string) error {
	d, err := os.Open(p)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
