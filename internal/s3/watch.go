package s3

import (
	"context"
	"path"
	"time"

	s3event "github.com/verge-edge/verge/internal/triggers/s3"
)

// recentWrite is a change the store made itself, remembered for recentFor
// so the folder watcher does not announce it again.
type recentWrite struct {
	id      identity
	removed bool
	at      time.Time
}

// remember records the store's own write (or removal) of key.
func (s *Store) remember(bucket, key string, id identity, removed bool) {
	now := time.Now()
	s.recentMu.Lock()
	defer s.recentMu.Unlock()
	if len(s.recent) >= maxCached {
		for k, w := range s.recent {
			if now.Sub(w.at) > recentFor {
				delete(s.recent, k)
			}
		}
	}
	s.recent[bucketKey{bucket, key}] = recentWrite{id: id, removed: removed, at: now}
}

// own reports whether the change is the store's own recent one.
func (s *Store) own(bucket, key string, id identity, removed bool) bool {
	s.recentMu.Lock()
	defer s.recentMu.Unlock()
	w, ok := s.recent[bucketKey{bucket, key}]
	return ok && time.Since(w.at) <= recentFor && w.removed == removed && (removed || w.id == id)
}

// KeyOf is the key of the file at rel (slash-separated, relative to the
// bucket's folder); ok is false when the file is not an object's.
func (s *Store) KeyOf(bucket, rel string) (string, bool) {
	if IgnoredName(rel) {
		return "", false
	}
	return keyOf(rel, s.lookup(bucket))
}

// Announce is the folder watcher's: the file at rel (slash-separated,
// relative to the bucket's folder) was completely written, or removed, on
// disk. Unless that is the store's own recent change (same file version),
// a stale sidecar is dropped and the change announced (ObjectCreated:Put or
// ObjectRemoved:Delete, no caller) through Notify and Changed. Problems go
// to Options.Logger.
func (s *Store) Announce(ctx context.Context, bucket, rel string, removed bool) {
	key, ok := s.KeyOf(bucket, rel)
	if !ok {
		return
	}
	b, err := s.bucket(bucket)
	if err != nil {
		return
	}
	root, err := b.root()
	if err != nil {
		return
	}
	defer root.Close()
	unlock := s.lock(bucket, key)
	defer unlock()
	ctx = WithCaller(ctx, s3event.Caller{}) // a change on disk has no caller
	if removed {
		if _, err := root.Stat(path.Clean(rel)); err == nil || s.own(bucket, key, identity{}, true) {
			return // back already, or the store's own removal
		}
		s.logErr("dropping a sidecar", bucket, key, s.dropSidecar(bucket, key))
		s.logErr("announcing", bucket, key, s.announce(ctx, EventDelete, bucket, key, 0, ""))
		return
	}
	f, fi, err := openFile(root, key, rel)
	if err != nil {
		return
	}
	defer f.Close()
	id := identityOf(fi)
	if s.own(bucket, key, id, false) {
		return
	}
	if s.current(bucket, key, id) == nil {
		s.logErr("dropping a sidecar", bucket, key, s.dropSidecar(bucket, key))
	}
	info, err := s.describe(b, key, f, fi)
	if err != nil {
		s.logErr("hashing", bucket, key, err)
		return
	}
	s.remember(bucket, key, id, false)
	s.logErr("announcing", bucket, key, s.announce(ctx, EventPut, bucket, key, info.Size, info.ETag))
}

func (s *Store) logErr(what, bucket, key string, err error) {
	if err != nil && s.opts.Logger != nil {
		s.opts.Logger.Warn("s3: "+what+" failed", "bucket", bucket, "key", key, "err", err)
	}
}
