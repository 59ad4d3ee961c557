package s3

import (
	"context"
	"io/fs"
	"os"
	"path"
)

// Delete removes an object; a missing one is not an error (S3's 204). Only
// the removal of an object that existed is announced.
func (s *Store) Delete(ctx context.Context, bucket, key string) error {
	b, err := s.bucket(bucket)
	if err != nil {
		return err
	}
	rel, _, err := keyPath(key)
	if err != nil {
		return err
	}
	root, err := b.root()
	if err != nil {
		return err
	}
	defer root.Close()
	unlock := s.lock(bucket, key)
	defer unlock()
	fi, err := root.Lstat(rel)
	existed := err == nil && (fi.Mode().IsRegular() || fi.Mode()&fs.ModeSymlink != 0)
	if existed {
		if err := root.Remove(rel); err != nil {
			return internal(err)
		}
	}
	if err := s.dropSidecar(bucket, key); err != nil {
		return internal(err)
	}
	if !existed {
		return nil
	}
	s.prune(root, path.Dir(rel))
	s.remember(bucket, key, identity{}, true)
	return s.announce(ctx, EventDelete, bucket, key, 0, "")
}

// prune removes the empty folders from rel up to the bucket root, and
// syncs the first folder that stays.
func (s *Store) prune(root *os.Root, rel string) {
	for rel != "." && rel != "" {
		if root.Remove(rel) != nil {
			break
		}
		rel = path.Dir(rel)
	}
	if d, err := root.Open(rel); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
