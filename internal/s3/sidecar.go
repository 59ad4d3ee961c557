package s3

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
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
		CacheControl: r.CacheControl, Expires: r.Expires, Metadata: r.Metadata,
		Checksums: r.Checksums, Parts: r.Parts, TagCount: len(r.Tags),
	}
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

// sidecar is key's record, nil when there is none (or it is unreadable:
// the object then has defaults).
func (s *Store) sidecar(bucket, key string) *record {
	bk := bucketKey{bucket, key}
	s.cacheMu.Lock()
	r, ok := s.records[bk]
	s.cacheMu.Unlock()
	if ok {
		return r
	}
	b, err := os.ReadFile(s.sidecarPath(bucket, key))
	if err == nil {
		if r, err = decodeRecord(b); err != nil || r.Key != key {
			r = nil
		}
	}
	s.cacheRecord(bk, r)
	return r
}

// current is key's record when it holds for the file version id.
func (s *Store) current(bucket, key string, id identity) *record {
	if r := s.sidecar(bucket, key); r != nil && r.File == id {
		return r
	}
	return nil
}

func (s *Store) cacheRecord(bk bucketKey, r *record) {
	s.cacheMu.Lock()
	defer s.cacheMu.Unlock()
	if len(s.records) >= maxCached {
		for k := range s.records {
			delete(s.records, k)
			break
		}
	}
	s.records[bk] = r
}

// writeSidecar writes rec durably (temporary file, fsync, rename; the
// folder is synced by syncSidecar) and returns its folder.
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

// dropSidecar removes key's record.
func (s *Store) dropSidecar(bucket, key string) error {
	err := os.Remove(s.sidecarPath(bucket, key))
	s.cacheRecord(bucketKey{bucket, key}, nil)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
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
