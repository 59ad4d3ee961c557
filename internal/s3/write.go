package s3

import (
	"cmp"
	"context"
	"errors"
	"io"
	"os"
	"path"
	"strings"
	"syscall"
)

// Put writes an object.
func (s *Store) Put(ctx context.Context, in *PutInput) (ObjectInfo, error) {
	c, err := s.newCommit(in.Bucket, in.Key)
	if err != nil {
		return ObjectInfo{}, err
	}
	if in.Size > maxPutSize {
		return ObjectInfo{}, ErrEntityTooLarge
	}
	if err := checkTags(in.Tags); err != nil {
		return ObjectInfo{}, err
	}
	algs, err := wanted(in.Algorithm, in.Expected)
	if err != nil {
		return ObjectInfo{}, err
	}
	sum, err := decodeContentMD5(in.ContentMD5)
	if err != nil {
		return ObjectInfo{}, err
	}
	if err := s.open(c); err != nil {
		return ObjectInfo{}, err
	}
	defer c.close()
	d := newDigester(algs)
	if err := receive(c.t.f, d, in.Body, in.Size, maxPutSize); err != nil {
		return ObjectInfo{}, err
	}
	if err := d.verify(sum, in.Expected); err != nil {
		return ObjectInfo{}, err
	}
	c.rec = newRecord(in.Key, in.Headers, in.Tags)
	c.rec.ETag, c.rec.Checksums = d.etag(), d.checksums()
	c.ifNoneMatch, c.ifMatch, c.event = in.IfNoneMatch, in.IfMatch, in.Event
	if c.event == "" {
		c.event = EventPut
	}
	return s.commit(ctx, c)
}

// A commit moves a written temporary file into place as an object.
type commit struct {
	b                    *bucket
	root                 *os.Root
	rel                  string
	long                 map[string]string
	t                    *temp
	rec                  *record
	ifNoneMatch, ifMatch string
	event                string
}

// newCommit starts a commit of key in bucket; open prepares its file.
func (s *Store) newCommit(bucket, key string) (*commit, error) {
	b, rel, long, err := s.locate(bucket, key)
	if err != nil {
		return nil, err
	}
	return &commit{b: b, rel: rel, long: long}, nil
}

// open opens the bucket's folder and a temporary file to write the object
// to; close releases them.
func (s *Store) open(c *commit) error {
	root, err := c.b.root()
	if err != nil {
		return err
	}
	t, err := s.newTemp(c.b, root)
	if err != nil {
		root.Close()
		return err
	}
	c.root, c.t = root, t
	return nil
}

// close removes the temporary file, unless it was moved into place, and
// closes the bucket's folder.
func (c *commit) close() {
	c.t.discard()
	c.root.Close()
}

// commit syncs the temporary file, writes the sidecar, renames the file
// into place, syncs the folders and announces the object.
//
// The sidecar is renamed into place first: once the object is visible,
// what was acknowledged with it is on disk. (A crash between the two
// renames leaves an older object with a sidecar for the newer one; the
// identity does not match and the older one is shown with defaults.) An
// object with nothing but defaults gets no sidecar, and an older one is
// removed: should the removal not survive a crash, its identity no longer
// matches. Syncing the two files, then the two folders, from separate
// goroutines measured slower with eight callers (the file system already
// commits concurrent callers' fsyncs together), so they run in turn.
func (s *Store) commit(ctx context.Context, c *commit) (ObjectInfo, error) {
	fi, err := c.t.f.Stat()
	if err != nil {
		return ObjectInfo{}, internal(err)
	}
	c.rec.File = identityOf(fi)
	key := c.rec.Key
	var side *staged
	if !c.rec.plain() {
		if side, err = s.stageSidecar(c.b.name, c.rec); err != nil {
			return ObjectInfo{}, internal(err)
		}
		defer side.discard()
	}
	// The file and its sidecar are synced at once, so they wait for one
	// journal commit rather than two in a row.
	if err := both(side, c.t.f.Sync, side.sync); err != nil {
		return ObjectInfo{}, internal(err)
	}
	unlock := s.lock(c.b.name, key)
	defer unlock()
	if err := s.precondition(c); err != nil {
		return ObjectInfo{}, err
	}
	parent, base := path.Split(c.rel)
	dir, err := s.folder(c.root, c.b.name, key, parent)
	if err != nil {
		return ObjectInfo{}, err
	}
	defer dir.Close()
	if c.long != nil {
		if err := s.addLong(c.b.name, c.long); err != nil {
			return ObjectInfo{}, internal(err)
		}
	}
	if err := s.placeSidecar(c.b.name, c.rec, side); err != nil {
		return ObjectInfo{}, internal(err)
	}
	if err := s.place(c, dir, base); err != nil {
		return ObjectInfo{}, err
	}
	if err := both(side, dir.Sync, side.syncDir); err != nil {
		return ObjectInfo{}, internal(err)
	}
	s.remember(c.b.name, key, c.rec.File, false)
	info := c.rec.info(c.b.name, fi.ModTime())
	return info, s.announce(ctx, c.event, c.b.name, key, info.Size, info.ETag)
}

// place renames the temporary file to base in dir. An empty folder in the
// way is removed (it holds no object); a folder with objects is a
// conflict.
func (s *Store) place(c *commit, dir *os.File, base string) error {
	err := renameInto(c.t.dir, c.t.name, dir, base)
	if err != nil && isDirInWay(err) && c.root.Remove(c.rel) == nil {
		err = renameInto(c.t.dir, c.t.name, dir, base)
	}
	switch {
	case err == nil:
		c.t.done = true
		return nil
	case isDirInWay(err):
		return ErrKeyConflict.Withf("The key %q cannot be written: the objects under %q hold its path as a folder.", c.rec.Key, c.rec.Key+"/")
	}
	return internal(err)
}

func isDirInWay(err error) bool {
	return errors.Is(err, syscall.EISDIR) || errors.Is(err, syscall.ENOTEMPTY) || errors.Is(err, syscall.EEXIST)
}

// folder makes the folders of parent (slash-separated, "" for the root)
// and opens it. A file in the way is a conflict naming its key.
func (s *Store) folder(root *os.Root, bucket, key, parent string) (*os.File, error) {
	p := strings.TrimSuffix(parent, "/")
	if p == "" {
		p = "."
	}
	if d, err := root.OpenFile(p, os.O_RDONLY|syscall.O_DIRECTORY, 0); err == nil {
		return d, nil // the usual case: the folder is there
	}
	if p != "." {
		if err := root.MkdirAll(p, 0o755); err != nil {
			if other, ok := s.fileInWay(root, bucket, p); ok {
				return nil, ErrKeyConflict.Withf("The key %q cannot be written: the object %q holds its path as a file.", key, other)
			}
			return nil, internal(err)
		}
	}
	d, err := root.Open(p)
	if err != nil {
		return nil, internal(err)
	}
	return d, nil
}

// fileInWay finds the key of a file at one of rel's folders.
func (s *Store) fileInWay(root *os.Root, bucket, rel string) (string, bool) {
	parts := strings.Split(rel, "/")
	for i := range parts {
		p := strings.Join(parts[:i+1], "/")
		fi, err := root.Lstat(p)
		if err != nil {
			return "", false
		}
		if !fi.IsDir() {
			if k, ok := keyOf(p, s.lookup(bucket)); ok {
				return k, true
			}
			return p, true
		}
	}
	return "", false
}

// precondition checks If-None-Match and If-Match against the current
// object.
func (s *Store) precondition(c *commit) error {
	if c.ifNoneMatch == "" && c.ifMatch == "" {
		return nil
	}
	cur, err := s.currentInfo(c.root, c.b, c.rec.Key, c.rel)
	exists := err == nil
	if err != nil && !errors.Is(err, ErrNoSuchKey) {
		return err
	}
	if c.ifNoneMatch != "" && exists && (c.ifNoneMatch == "*" || sameETag(c.ifNoneMatch, cur.ETag)) {
		return ErrPreconditionFailed
	}
	if c.ifMatch != "" {
		if !exists {
			return noSuchKey(c.rec.Key)
		}
		if c.ifMatch != "*" && !sameETag(c.ifMatch, cur.ETag) {
			return ErrPreconditionFailed
		}
	}
	return nil
}

// sameETag compares ETags, quotes optional.
func sameETag(a, b string) bool { return strings.Trim(a, `"`) == strings.Trim(b, `"`) }

// currentInfo describes the object at rel of root.
func (s *Store) currentInfo(root *os.Root, b *bucket, key, rel string) (ObjectInfo, error) {
	f, fi, err := openFile(root, key, rel)
	if err != nil {
		return ObjectInfo{}, err
	}
	defer f.Close()
	return s.describe(b, key, f, fi)
}

// Copy copies an object (ObjectCreated:Copy).
func (s *Store) Copy(ctx context.Context, in *CopyInput) (ObjectInfo, error) {
	if in.SrcBucket == in.Bucket && in.SrcKey == in.Key && !in.Replace {
		return ObjectInfo{}, ErrInvalidRequest.With("This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.")
	}
	if in.ReplaceTags {
		if err := checkTags(in.Tags); err != nil {
			return ObjectInfo{}, err
		}
	}
	src, err := s.object(in.SrcBucket, in.SrcKey)
	if err != nil {
		return ObjectInfo{}, err
	}
	defer src.File.Close()
	c, err := s.newCommit(in.Bucket, in.Key)
	if err != nil {
		return ObjectInfo{}, err
	}
	if src.Size > maxPutSize {
		return ObjectInfo{}, ErrInvalidRequest.With("The specified copy source is larger than the maximum allowable size for a copy source: 5368709120")
	}
	rec := newRecord(in.Key, in.Headers, in.Tags)
	sfi, err := src.File.Stat()
	if err != nil {
		return ObjectInfo{}, internal(err)
	}
	stored := s.current(src.Bucket, src.Key, identityOf(sfi))
	if !in.Replace {
		rec.Headers = Headers{}
		if stored != nil {
			rec.Headers = stored.Headers
		}
	}
	if !in.ReplaceTags {
		rec.Tags = nil
		if stored != nil {
			rec.Tags = stored.Tags
		}
	}
	alg := in.Algorithm
	if alg == "" && src.Checksums.Type == checksumFull {
		alg = src.Checksums.algorithm()
	}
	algs, err := wanted(alg, nil)
	if err != nil {
		return ObjectInfo{}, err
	}
	if err := s.open(c); err != nil {
		return ObjectInfo{}, err
	}
	defer c.close()
	d := newDigester(algs)
	if _, err := copyBuffered(io.MultiWriter(c.t.f, d), io.NewSectionReader(src.File, 0, src.Size)); err != nil {
		return ObjectInfo{}, internal(err)
	}
	rec.ETag, rec.Checksums = d.etag(), d.checksums()
	c.rec, c.event = rec, EventCopy
	return s.commit(ctx, c)
}

// both runs a and, when there is a sidecar, its b at once, returning the
// first error: two fsyncs on one file system share a journal commit when
// they overlap. Without a sidecar a runs alone, with no goroutine.
func both(side *staged, a, b func() error) error {
	if side == nil {
		return a()
	}
	errB := make(chan error, 1)
	go func() { errB <- b() }()
	return cmp.Or(a(), <-errB)
}
