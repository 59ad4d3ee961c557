package origin

import (
	"crypto/md5"
	"encoding/hex"
	"io"
	"io/fs"
	"os"
	"sync"
)

// maxETags bounds the ETag cache; past it an arbitrary entry is dropped.
const maxETags = 4096

// fileKey identifies one version of a file: a rewrite changes the size or
// the modification time, a replacement (rename over) changes the inode.
type fileKey struct {
	name  string
	size  int64
	mtime int64
	ino   uint64
}

// etags caches S3-style ETags (the quoted hex MD5 of the content), so a big
// object is hashed once per version, not once per fetch.
type etags struct {
	mu sync.Mutex
	m  map[fileKey]string
}

// get returns the ETag of f, named name and described by fi, hashing it
// unless this version was hashed before. It reads through ReadAt, leaving
// f's offset alone.
func (c *etags) get(name string, f *os.File, fi fs.FileInfo) (string, error) {
	k := fileKey{name: name, size: fi.Size(), mtime: fi.ModTime().UnixNano(), ino: inode(fi)}
	c.mu.Lock()
	tag, ok := c.m[k]
	c.mu.Unlock()
	if ok {
		return tag, nil
	}
	h := md5.New()
	if _, err := io.Copy(h, io.NewSectionReader(f, 0, fi.Size())); err != nil {
		return "", err
	}
	tag = `"` + hex.EncodeToString(h.Sum(nil)) + `"`
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[fileKey]string)
	}
	if len(c.m) >= maxETags {
		for old := range c.m {
			delete(c.m, old)
			break
		}
	}
	c.m[k] = tag
	return tag, nil
}
