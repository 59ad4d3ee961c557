package s3

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// A bucket is one bucket the store serves.
type bucket struct {
	name, dir string
	stack     bool
	watch     bool
	created   time.Time
	// localTmp puts temporary files in the folder's .verge~tmp: it is not
	// on the data folder's file system, and rename cannot cross.
	localTmp bool
}

// bucketRecord is meta/BUCKET/bucket.json.
type bucketRecord struct {
	Created time.Time `json:"created"`
	API     bool      `json:"api,omitempty"`
}

// root opens the bucket's folder. It is opened per operation, not once, so
// a folder a build deletes and recreates is picked up.
func (b *bucket) root() (*os.Root, error) {
	r, err := os.OpenRoot(b.dir)
	if err != nil {
		return nil, internal(fmt.Errorf("opening bucket %s: %w", b.name, err))
	}
	return r, nil
}

func (b *bucket) info() BucketInfo {
	return BucketInfo{Name: b.name, Created: b.created, Stack: b.stack}
}

// bucket is the bucket named name: ErrNoSuchBucket when there is none.
func (s *Store) bucket(name string) (*bucket, error) {
	s.mu.RLock()
	b := s.buckets[name]
	s.mu.RUnlock()
	if b == nil {
		return nil, ErrNoSuchBucket.Withf("The specified bucket does not exist: %s", name)
	}
	return b, nil
}

// Buckets lists the buckets, sorted by name.
func (s *Store) Buckets() []BucketInfo {
	s.mu.RLock()
	out := make([]BucketInfo, 0, len(s.buckets))
	for _, b := range s.buckets {
		out = append(out, b.info())
	}
	s.mu.RUnlock()
	slices.SortFunc(out, func(a, b BucketInfo) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Bucket describes one bucket: ErrNoSuchBucket when there is none.
func (s *Store) Bucket(name string) (BucketInfo, error) {
	b, err := s.bucket(name)
	if err != nil {
		return BucketInfo{}, err
	}
	return b.info(), nil
}

// Dir is a bucket's folder ("" when there is none).
func (s *Store) Dir(bucket string) string {
	b, err := s.bucket(bucket)
	if err != nil {
		return ""
	}
	return b.dir
}

// Apply makes the stack's buckets the store's: new ones appear, dropped
// ones disappear (their folders are the user's and stay), watchers start
// and stop. Buckets made through the API are kept. A config with Dir ""
// gets a folder under DATA/s3/buckets that the store makes.
func (s *Store) Apply(configs []BucketConfig) error {
	next := map[string]*bucket{}
	for _, c := range configs {
		b, err := s.stackBucket(c)
		if err != nil {
			return err
		}
		next[c.Name] = b
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for name, b := range s.buckets {
		if !b.stack && next[name] == nil {
			next[name] = b
		}
	}
	s.buckets = next
	return nil
}

// stackBucket prepares the bucket c declares.
func (s *Store) stackBucket(c BucketConfig) (*bucket, error) {
	dir := c.Dir
	if dir == "" {
		dir = filepath.Join(s.dir, bucketsFolder, c.Name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("s3: bucket %s: %w", c.Name, err)
		}
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("s3: bucket %s: %w", c.Name, err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("s3: bucket %s: %s is not a folder", c.Name, dir)
	}
	rec, err := s.bucketRecord(c.Name, fi.ModTime(), false)
	if err != nil {
		return nil, err
	}
	b := &bucket{name: c.Name, dir: dir, stack: true, watch: c.Watch, created: rec.Created}
	if err := s.placeTemp(b); err != nil {
		return nil, err
	}
	return b, nil
}

// placeTemp decides where b's temporary files go and removes what a crash
// left there.
func (s *Store) placeTemp(b *bucket) error {
	_ = os.Remove(filepath.Join(b.dir, tmpFolder+"-probe")) // a crash's
	dev, ok := deviceOf(b.dir)
	b.localTmp = !ok || dev != s.tmpDev || !s.canRename(b.dir)
	p := filepath.Join(b.dir, tmpFolder)
	if _, err := os.Lstat(p); err == nil {
		if err := os.RemoveAll(p); err != nil {
			return fmt.Errorf("s3: bucket %s: removing temporary files: %w", b.name, err)
		}
	}
	return nil
}

// canRename reports whether a file moves from the store's tmp folder into
// dir: a bind mount shares the device number yet refuses (EXDEV). The
// probe's name is no object's.
func (s *Store) canRename(dir string) bool {
	d, err := os.Open(dir)
	if err != nil {
		return false
	}
	defer d.Close()
	name := tempName()
	f, err := createIn(s.tmp, name)
	if err != nil {
		return false
	}
	f.Close()
	probe := tmpFolder + "-probe"
	if err := renameInto(s.tmp, name, d, probe); err != nil {
		_ = removeIn(s.tmp, name)
		return false
	}
	_ = removeIn(d, probe)
	return true
}

// bucketRecord reads meta/NAME/bucket.json, writing it with created (and
// api) when there is none yet: a bucket's creation time is the first time
// the store saw it.
func (s *Store) bucketRecord(name string, created time.Time, api bool) (bucketRecord, error) {
	p := filepath.Join(s.dir, metaFolder, name, bucketFile)
	var rec bucketRecord
	if b, err := os.ReadFile(p); err == nil && json.Unmarshal(b, &rec) == nil && !rec.Created.IsZero() {
		return rec, nil
	}
	rec = bucketRecord{Created: created.UTC(), API: api}
	b, _ := json.Marshal(rec)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return rec, fmt.Errorf("s3: bucket %s: %w", name, err)
	}
	if err := s.writeFileAtomic(p, b); err != nil {
		return rec, fmt.Errorf("s3: bucket %s: %w", name, err)
	}
	return rec, syncDir(filepath.Dir(p))
}

// loadAPIBuckets finds the buckets made through the API.
func (s *Store) loadAPIBuckets() error {
	ents, err := os.ReadDir(filepath.Join(s.dir, bucketsFolder))
	if err != nil {
		return fmt.Errorf("s3: %w", err)
	}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(s.dir, metaFolder, e.Name(), bucketFile))
		var rec bucketRecord
		if err != nil || json.Unmarshal(b, &rec) != nil || !rec.API || !e.IsDir() {
			continue
		}
		bk := &bucket{name: e.Name(), dir: filepath.Join(s.dir, bucketsFolder, e.Name()), created: rec.Created}
		if err := s.placeTemp(bk); err != nil {
			return err
		}
		s.buckets[bk.name] = bk
	}
	return nil
}

// CreateBucket makes a bucket under the data folder.
func (s *Store) CreateBucket(ctx context.Context, name string) error {
	if !validBucketName(name) {
		return ErrInvalidBucketName.Withf("The specified bucket is not valid: %s", name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.buckets[name] != nil {
		return ErrBucketAlreadyOwnedByYou
	}
	dir := filepath.Join(s.dir, bucketsFolder, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return internal(err)
	}
	// A stale record (a stack bucket of that name once) must not keep its
	// old creation time.
	_ = os.Remove(filepath.Join(s.dir, metaFolder, name, bucketFile))
	rec, err := s.bucketRecord(name, s.opts.Now(), true)
	if err != nil {
		return internal(err)
	}
	if err := syncDir(filepath.Join(s.dir, bucketsFolder)); err != nil {
		return internal(err)
	}
	b := &bucket{name: name, dir: dir, created: rec.Created}
	if err := s.placeTemp(b); err != nil {
		return internal(err)
	}
	s.buckets[name] = b
	return nil
}

// DeleteBucket removes an empty bucket made through the API.
func (s *Store) DeleteBucket(ctx context.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.buckets[name]
	switch {
	case b == nil:
		return ErrNoSuchBucket.Withf("The specified bucket does not exist: %s", name)
	case b.stack:
		return ErrInvalidRequest.Withf("The bucket %s belongs to the stack file; remove it there.", name)
	}
	empty, err := s.empty(b)
	if err != nil {
		return err
	}
	if !empty {
		return ErrBucketNotEmpty
	}
	for _, p := range []string{
		filepath.Join(s.dir, metaFolder, name, bucketFile),
		b.dir,
		filepath.Join(s.dir, metaFolder, name),
		filepath.Join(s.dir, notifyFolder, name+".json"),
	} {
		if err := os.RemoveAll(p); err != nil {
			return internal(err)
		}
	}
	delete(s.buckets, name)
	s.dropUploads(name)
	s.longMu.Lock()
	delete(s.long, name)
	s.longMu.Unlock()
	return nil
}

// dropUploads removes the bucket's multipart uploads.
func (s *Store) dropUploads(bucket string) {
	ents, _ := os.ReadDir(filepath.Join(s.dir, uploadsFolder))
	for _, e := range ents {
		if u, err := s.readUpload(e.Name()); err == nil && u.Bucket == bucket {
			_ = os.RemoveAll(s.uploadDir(e.Name()))
		}
	}
}

// Watched lists the stack's buckets whose folders are to be watched
// (BucketConfig.Watch), for the folder watcher.
func (s *Store) Watched() []BucketConfig {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []BucketConfig
	for _, b := range s.buckets {
		if b.stack && b.watch {
			out = append(out, BucketConfig{Name: b.name, Dir: b.dir, Watch: true})
		}
	}
	slices.SortFunc(out, func(a, b BucketConfig) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// empty reports whether b holds no object.
func (s *Store) empty(b *bucket) (bool, error) {
	root, err := b.root()
	if err != nil {
		return false, err
	}
	defer root.Close()
	found := false
	err = s.walk(root, b, ".", "", func(string) bool { return true }, func(key, rel string, d fs.DirEntry) bool {
		found = true
		return false
	})
	if err != nil && !errors.Is(err, io.EOF) {
		return false, err
	}
	return !found, nil
}

// validBucketName applies S3's naming rules for general purpose buckets.
func validBucketName(name string) bool {
	if len(name) < 3 || len(name) > 63 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	alnum := func(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }
	if !alnum(name[0]) || !alnum(name[len(name)-1]) {
		return false
	}
	if _, err := netip.ParseAddr(name); err == nil {
		return false
	}
	for _, bad := range []string{"..", ".-", "-."} {
		if strings.Contains(name, bad) {
			return false
		}
	}
	for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(name, p) {
			return false
		}
	}
	for _, sfx := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(name, sfx) {
			return false
		}
	}
	return true
}
