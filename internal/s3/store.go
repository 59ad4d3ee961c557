package s3

import (
	"context"
	"errors"

	s3event "github.com/verge-edge/verge/internal/triggers/s3"
)

// CONTRACT STUBS: every method below is replaced by its implementation.
var errTODO = errors.New("s3: not implemented yet")

// A Store serves buckets. It is safe for concurrent use.
type Store struct{ opts Options }

// Open opens the store in o.Dir, recovering what a crash left (temporary
// files are removed; multipart uploads in progress are kept).
func Open(o Options) (*Store, error) { return &Store{opts: o}, errTODO }

// Apply makes the stack's buckets the store's: new ones appear, dropped
// ones disappear (their folders are the user's and stay), watchers start
// and stop. Buckets made through the API are kept.
func (s *Store) Apply(buckets []BucketConfig) error { return errTODO }

// Close stops the watchers.
func (s *Store) Close() error { return nil }

// Buckets lists the buckets, sorted by name.
func (s *Store) Buckets() []BucketInfo { return nil }

// Bucket describes one bucket: ErrNoSuchBucket when there is none.
func (s *Store) Bucket(name string) (BucketInfo, error) { return BucketInfo{}, errTODO }

// Dir is a bucket's folder ("" when there is none).
func (s *Store) Dir(bucket string) string { return "" }

// CreateBucket makes a bucket under the data folder.
func (s *Store) CreateBucket(ctx context.Context, name string) error { return errTODO }

// DeleteBucket removes an empty bucket made through the API.
func (s *Store) DeleteBucket(ctx context.Context, name string) error { return errTODO }

// Put writes an object.
func (s *Store) Put(ctx context.Context, in *PutInput) (ObjectInfo, error) { return ObjectInfo{}, errTODO }

// Open opens an object for reading.
func (s *Store) Open(ctx context.Context, bucket, key string) (*Object, error) { return nil, errTODO }

// Head describes an object.
func (s *Store) Head(ctx context.Context, bucket, key string) (ObjectInfo, error) {
	return ObjectInfo{}, errTODO
}

// Delete removes an object; a missing one is not an error (S3's 204).
func (s *Store) Delete(ctx context.Context, bucket, key string) error { return errTODO }

// Copy copies an object (ObjectCreated:Copy).
func (s *Store) Copy(ctx context.Context, in *CopyInput) (ObjectInfo, error) { return ObjectInfo{}, errTODO }

// List lists a bucket's objects.
func (s *Store) List(ctx context.Context, in *ListInput) (*ListOutput, error) { return nil, errTODO }

// Tags are an object's tags.
func (s *Store) Tags(ctx context.Context, bucket, key string) (map[string]string, error) {
	return nil, errTODO
}

// SetTags replaces an object's tags (nil deletes them).
func (s *Store) SetTags(ctx context.Context, bucket, key string, tags map[string]string) error {
	return errTODO
}

// CreateUpload starts a multipart upload; in.Body is unused.
func (s *Store) CreateUpload(ctx context.Context, in *PutInput) (UploadInfo, error) {
	return UploadInfo{}, errTODO
}

// UploadPart stores one part under the data folder.
func (s *Store) UploadPart(ctx context.Context, in *PartInput) (PartInfo, error) {
	return PartInfo{}, errTODO
}

// UploadPartCopy stores a byte range (first..last inclusive; last < 0 for
// the whole object) of an object as a part.
func (s *Store) UploadPartCopy(ctx context.Context, bucket, key, uploadID string, number int, srcBucket, srcKey string, first, last int64) (PartInfo, error) {
	return PartInfo{}, errTODO
}

// Complete assembles the parts into the object
// (ObjectCreated:CompleteMultipartUpload).
func (s *Store) Complete(ctx context.Context, bucket, key, uploadID string, parts []CompletedPart) (ObjectInfo, error) {
	return ObjectInfo{}, errTODO
}

// Abort drops an upload and its parts.
func (s *Store) Abort(ctx context.Context, bucket, key, uploadID string) error { return errTODO }

// Parts lists an upload's parts after the part number marker, at most max.
func (s *Store) Parts(ctx context.Context, bucket, key, uploadID string, marker, max int) (parts []PartInfo, truncated bool, err error) {
	return nil, false, errTODO
}

// Uploads lists a bucket's uploads in progress, by key then initiation.
func (s *Store) Uploads(ctx context.Context, bucket, prefix string) ([]UploadInfo, error) {
	return nil, errTODO
}

// Notifications is the notification configuration set through the API
// (PutBucketNotificationConfiguration); the stack's are the engine's.
func (s *Store) Notifications(bucket string) (s3event.Config, error) { return s3event.Config{}, errTODO }

// SetNotifications stores a bucket's notification configuration.
func (s *Store) SetNotifications(bucket string, c s3event.Config) error { return errTODO }

// Info is what the CDN's bucket origin sends for the file of key with fi:
// the stored ETag and content type when the sidecar is current for it.
// ok is false when there is no current sidecar (the origin computes them).
func (s *Store) Info(bucket, key string, size int64, modTime int64, ino uint64) (etag, contentType string, ok bool) {
	return "", "", false
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
