package s3

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// etagKey is one version of one object, for the ETag cache.
type etagKey struct {
	bucketKey
	id identity
}

// openFile opens key's file through root: ErrNoSuchKey when there is no
// regular file there inside the folder (a symbolic link out of it is none).
func openFile(root *os.Root, key, rel string) (*os.File, fs.FileInfo, error) {
	f, err := root.OpenFile(rel, openFlags, 0)
	switch {
	case err == nil:
	case errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) || errors.Is(err, syscall.EIO) || errors.Is(err, syscall.ENOMEM):
		return nil, nil, internal(err)
	default:
		// Missing, a path through a file, a link out of the folder.
		return nil, nil, noSuchKey(key)
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, noSuchKey(key)
	}
	return f, fi, nil
}

func noSuchKey(key string) error {
	return ErrNoSuchKey.Withf("The specified key does not exist: %s", key)
}

// describe is what S3 says of key's file f: its sidecar when current,
// else defaults (the MD5 ETag, the content type from the key).
func (s *Store) describe(b *bucket, key string, f *os.File, fi fs.FileInfo) (ObjectInfo, error) {
	id := identityOf(fi)
	if r := s.current(b.name, key, id); r != nil {
		return r.info(b.name, fi.ModTime()), nil
	}
	etag, err := s.etag(b.name, key, f, id)
	if err != nil {
		return ObjectInfo{}, internal(err)
	}
	return ObjectInfo{
		Bucket: b.name, Key: key, Size: fi.Size(), ETag: etag, LastModified: fi.ModTime(),
		ContentType: defaultType("", key),
	}, nil
}

// etag is the quoted MD5 of f, version id of key, hashed once per version.
func (s *Store) etag(bucket, key string, f *os.File, id identity) (string, error) {
	k := etagKey{bucketKey{bucket, key}, id}
	s.cacheMu.Lock()
	tag, ok := s.etags[k]
	s.cacheMu.Unlock()
	if ok {
		return tag, nil
	}
	h := md5.New()
	if _, err := io.Copy(h, io.NewSectionReader(f, 0, id.Size)); err != nil {
		return "", err
	}
	tag = `"` + hex.EncodeToString(h.Sum(nil)) + `"`
	s.cacheETag(k, tag)
	return tag, nil
}

func (s *Store) cacheETag(k etagKey, tag string) {
	s.cacheMu.Lock()
	defer s.cacheMu.Unlock()
	if len(s.etags) >= maxCached {
		for old := range s.etags {
			delete(s.etags, old)
			break
		}
	}
	s.etags[k] = tag
}

// infoAt describes the object key at rel; ok is false when it is gone.
func (s *Store) infoAt(root *os.Root, b *bucket, key, rel string) (ObjectInfo, bool) {
	fi, err := root.Stat(rel)
	if err != nil || !fi.Mode().IsRegular() {
		return ObjectInfo{}, false
	}
	if r := s.current(b.name, key, identityOf(fi)); r != nil {
		return r.info(b.name, fi.ModTime()), true
	}
	f, fi, err := openFile(root, key, rel)
	if err != nil {
		return ObjectInfo{}, false
	}
	defer f.Close()
	info, err := s.describe(b, key, f, fi)
	return info, err == nil
}

// object opens key in bucket and describes it.
func (s *Store) object(bucket, key string) (*Object, error) {
	b, err := s.bucket(bucket)
	if err != nil {
		return nil, err
	}
	rel, _, err := keyPath(key)
	if err != nil {
		return nil, err
	}
	root, err := b.root()
	if err != nil {
		return nil, err
	}
	defer root.Close()
	f, fi, err := openFile(root, key, rel)
	if err != nil {
		return nil, err
	}
	info, err := s.describe(b, key, f, fi)
	if err != nil {
		f.Close()
		return nil, err
	}
	return &Object{ObjectInfo: info, File: f}, nil
}

// Open opens an object for reading.
func (s *Store) Open(ctx context.Context, bucket, key string) (*Object, error) {
	return s.object(bucket, key)
}

// Head describes an object.
func (s *Store) Head(ctx context.Context, bucket, key string) (ObjectInfo, error) {
	o, err := s.object(bucket, key)
	if err != nil {
		return ObjectInfo{}, err
	}
	o.File.Close()
	return o.ObjectInfo, nil
}

// Info is what the CDN's bucket origin sends for the file of key with fi:
// the stored ETag and content type when the sidecar is current for it.
// ok is false when there is no current sidecar (the origin computes them).
func (s *Store) Info(bucket, key string, size int64, modTime int64, ino uint64) (etag, contentType string, ok bool) {
	r := s.current(bucket, key, identity{Size: size, MTime: modTime, Ino: ino})
	if r == nil {
		return "", "", false
	}
	return r.ETag, defaultType(r.ContentType, key), true
}
