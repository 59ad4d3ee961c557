package s3

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/maphash"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	s3event "github.com/verge-edge/verge/internal/triggers/s3"
)

// A Store serves buckets. It is safe for concurrent use.
type Store struct {
	opts Options
	dir  string
	// tmp is DATA/s3/tmp, open for the store's life; tmpDev its device.
	tmp    *os.File
	tmpDev uint64
	seq    atomic.Uint64

	mu      sync.RWMutex
	buckets map[string]*bucket

	// locks serialise the writes of one key (striped by a hash of it), so
	// a sidecar and its file are replaced together.
	locks [lockStripes]sync.Mutex
	seed  maphash.Seed

	cacheMu sync.Mutex
	records map[bucketKey]cached
	etags   map[etagKey]string

	recentMu sync.Mutex
	recent   map[bucketKey]recentWrite

	longMu sync.Mutex
	long   map[string]map[string]string // bucket → hashed name → segment
}

// Open opens the store in o.Dir, recovering what a crash left (temporary
// files are removed; multipart uploads in progress are kept).
func Open(o Options) (*Store, error) {
	if o.Dir == "" {
		return nil, errors.New("s3: Options.Dir is empty")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	dir, err := filepath.Abs(o.Dir)
	if err != nil {
		return nil, err
	}
	for _, d := range []string{tmpDirName, metaFolder, uploadsFolder, bucketsFolder, notifyFolder} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return nil, fmt.Errorf("s3: %w", err)
		}
	}
	if err := clearFolder(filepath.Join(dir, tmpDirName)); err != nil {
		return nil, fmt.Errorf("s3: removing temporary files: %w", err)
	}
	if err := clearParts(filepath.Join(dir, uploadsFolder)); err != nil {
		return nil, fmt.Errorf("s3: removing temporary parts: %w", err)
	}
	s := &Store{
		opts: o, dir: dir, buckets: map[string]*bucket{}, seed: maphash.MakeSeed(),
		records: map[bucketKey]cached{}, etags: map[etagKey]string{},
		recent: map[bucketKey]recentWrite{}, long: map[string]map[string]string{},
	}
	if s.tmp, err = os.Open(filepath.Join(dir, tmpDirName)); err != nil {
		return nil, fmt.Errorf("s3: %w", err)
	}
	s.tmpDev, _ = deviceOf(s.tmp.Name())
	// Sequencers grow across restarts as long as the clock does.
	s.seq.Store(uint64(o.Now().UnixNano()))
	if err := s.loadAPIBuckets(); err != nil {
		s.tmp.Close()
		return nil, err
	}
	return s, nil
}

// Close releases the store's temporary folder. The folder watchers are
// the engine's (package s3/watch, fed through Announce), not the store's.
func (s *Store) Close() error { return s.tmp.Close() }

// clearFolder removes everything in the folder at p.
func clearFolder(p string) error {
	ents, err := os.ReadDir(p)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if err := os.RemoveAll(filepath.Join(p, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// clearParts removes the temporary files of parts a crash interrupted.
func clearParts(uploads string) error {
	tmps, err := filepath.Glob(filepath.Join(uploads, "*", "*"+tmpSuffix))
	if err != nil {
		return err
	}
	for _, p := range tmps {
		if err := os.Remove(p); err != nil {
			return err
		}
	}
	return nil
}

// lock locks key's stripe and returns its unlock.
func (s *Store) lock(bucket, key string) func() {
	var h maphash.Hash
	h.SetSeed(s.seed)
	h.WriteString(bucket)
	h.WriteByte(0)
	h.WriteString(key)
	m := &s.locks[h.Sum64()%lockStripes]
	m.Lock()
	return m.Unlock
}

// sequencer is the next event sequencer: 16 upper-case hex digits of a
// counter, so they compare as S3 says (same length, string order).
func (s *Store) sequencer() string {
	return fmt.Sprintf("%016X", s.seq.Add(1))
}

// announce tells Changed and Notify of a change to key.
func (s *Store) announce(ctx context.Context, name, bucket, key string, size int64, etag string) error {
	if s.opts.Changed != nil {
		s.opts.Changed(bucket, key)
	}
	if s.opts.Notify == nil {
		return nil
	}
	e := s3event.Event{
		Name: name, Bucket: bucket, Key: key, Size: size, ETag: strings.Trim(etag, `"`),
		Sequencer: s.sequencer(), Time: s.opts.Now(), Caller: callerFrom(ctx),
	}
	if err := s.opts.Notify(ctx, e); err != nil {
		return fmt.Errorf("s3: announcing %s of %s/%s: %w", name, bucket, key, err)
	}
	return nil
}

// tempName is a fresh temporary file name.
func tempName() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:]) + tmpSuffix
}

// newID is a fresh URL-safe id.
func newID() string {
	var b [24]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// WithCaller returns ctx carrying who makes a request, for the events it
// causes.
func WithCaller(ctx context.Context, c s3event.Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

type callerKey struct{}

// callerFrom is the caller WithCaller stored, or the zero Caller.
func callerFrom(ctx context.Context) s3event.Caller {
	c, _ := ctx.Value(callerKey{}).(s3event.Caller)
	return c
}

// internal wraps an unexpected error as S3's InternalError, keeping it
// for errors.Is.
func internal(err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &wrapped{ErrInternal.With(err.Error()), err}
}

// wrapped is an S3 error with its cause; errors.As finds the *Error.
type wrapped struct {
	s3    *Error
	cause error
}

func (w *wrapped) Error() string   { return w.s3.Error() }
func (w *wrapped) Unwrap() []error { return []error{w.s3, w.cause} }
