// Package s3 is the bucket store: S3's objects over local folders. A bucket
// is a folder (a stack bucket's directory, or one under the data folder for a
// bucket made through the API); an object is a file in it, so an object
// written through S3 is the file the CDN serves and a file written on disk
// is an object. What a file cannot carry (content type, user metadata, tags,
// checksums, a multipart ETag) lives in a sidecar store under the data
// folder, valid while the file's identity (size, modification time, inode)
// is the one recorded.
//
// Writes go to a temporary file, are synced and renamed into place: no torn
// object is ever visible. Every successful write is announced through
// Options.Notify before the call returns, so an event for an acknowledged
// write is as durable as what Notify writes to.
//
// Keys map to paths without ever leaving the folder: see keys.go.
package s3

import (
	"context"
	"io"
	"log/slog"
	"os"
	"time"

	s3event "github.com/verge-edge/verge/internal/triggers/s3"
)

// Options configure a Store.
type Options struct {
	// Dir is the store's own folder under the data folder (DATA/s3): the
	// sidecars, multipart staging, temporary files and the buckets made
	// through the API.
	Dir string
	// Notify is called with each change, after the object is in place
	// and before the call that made it returns; its error fails the call
	// (the object stays). Nil for none.
	Notify func(ctx context.Context, e s3event.Event) error
	// Changed is called after an object is written or removed, through
	// the API or on disk, so a cache in front of the bucket can drop it.
	// Nil for none.
	Changed func(bucket, key string)
	// Logger gets the watchers' problems; nil for none.
	Logger *slog.Logger
	// Now is the clock; nil for time.Now.
	Now func() time.Time
}

// A BucketConfig is a bucket the stack declares.
type BucketConfig struct {
	// Name is the bucket's name.
	Name string
	// Dir is the bucket's folder, absolute. It must exist.
	Dir string
	// Watch announces files written on disk into Dir (ObjectCreated:Put,
	// ObjectRemoved:Delete) once per completed write.
	Watch bool
}

// A BucketInfo describes a bucket.
type BucketInfo struct {
	Name    string
	Created time.Time
	// Stack is set for a bucket the stack declares (its folder is the
	// user's); unset for one made through the API.
	Stack bool
}

// ObjectInfo is what S3 says of an object.
type ObjectInfo struct {
	Bucket, Key string
	Size        int64
	// ETag is quoted, as S3 sends it: the MD5 of the content, or the MD5
	// of the parts' MD5s followed by "-N" for a multipart object.
	ETag         string
	LastModified time.Time
	// Headers stored with the object; ContentType defaults from the key's
	// extension, as the CDN's bucket origin does.
	ContentType, ContentEncoding, ContentDisposition, ContentLanguage, CacheControl, Expires string
	// Metadata is the user metadata (x-amz-meta-NAME), names lower-case
	// without the prefix.
	Metadata map[string]string
	// Checksums are those stored with the object (computed at upload).
	Checksums Checksums
	// Parts is the number of parts of a multipart object, 0 otherwise.
	Parts int
	// TagCount is the number of tags.
	TagCount int
}

// Checksums are an object's or a part's additional checksums, base64 as
// S3's headers carry them; "" for one not computed.
type Checksums struct {
	CRC32, CRC32C, CRC64NVME, SHA1, SHA256 string
	// Type is FULL_OBJECT or COMPOSITE (a multipart object's checksum of
	// the parts' checksums, "-N" appended); "" when there is none.
	Type string
}

// Checksum algorithms, as x-amz-checksum-algorithm names them.
const (
	AlgCRC32     = "CRC32"
	AlgCRC32C    = "CRC32C"
	AlgCRC64NVME = "CRC64NVME"
	AlgSHA1      = "SHA1"
	AlgSHA256    = "SHA256"
)

// Headers are the stored headers and metadata of an object.
type Headers struct {
	ContentType, ContentEncoding, ContentDisposition, ContentLanguage, CacheControl, Expires string
	Metadata                                                                                 map[string]string
}

// PutInput is one object write (PutObject, a POST upload).
type PutInput struct {
	Bucket, Key string
	Body        io.Reader
	// Size is the body's length, -1 when unknown.
	Size int64
	Headers
	// Tags are from x-amz-tagging.
	Tags map[string]string
	// ContentMD5 is Content-MD5 (base64), checked when set: BadDigest.
	ContentMD5 string
	// Algorithm is x-amz-checksum-algorithm (or implied by an
	// x-amz-checksum-* header): the checksum computed and stored.
	Algorithm string
	// Expected are checksums the client sent, checked when set
	// (BadDigest). It is read after Body returns io.EOF, so an aws-chunked
	// body's trailer may fill it while the body is read.
	Expected *Checksums
	// IfNoneMatch "*" refuses to overwrite (PreconditionFailed); IfMatch
	// requires the current ETag.
	IfNoneMatch, IfMatch string
	// Event is the event name announced: ObjectCreated:Put (default) or
	// ObjectCreated:Post.
	Event string
}

// An Object is an open object: its file and what S3 says of it. The caller
// closes File.
type Object struct {
	ObjectInfo
	File *os.File
}

// CopyInput is CopyObject (and UploadPartCopy's source).
type CopyInput struct {
	SrcBucket, SrcKey string
	Bucket, Key       string
	// Replace takes Headers and Tags from the request (MetadataDirective
	// REPLACE) rather than from the source (COPY).
	Replace bool
	Headers
	// ReplaceTags takes Tags (TaggingDirective REPLACE).
	ReplaceTags bool
	Tags        map[string]string
	Algorithm   string
}

// ListInput is ListObjects(V2)'s query. Keys are listed in UTF-8 binary
// order, as S3 lists them.
type ListInput struct {
	Bucket, Prefix, Delimiter string
	// After lists keys strictly after it (start-after, marker, or the
	// continuation token's key).
	After string
	// MaxKeys is 0..1000; the caller applies the default of 1,000.
	MaxKeys int
}

// ListOutput is one page of a listing.
type ListOutput struct {
	Objects        []ObjectInfo
	CommonPrefixes []string
	Truncated      bool
	// Next is the last key or common prefix returned, where the next page
	// starts after.
	Next string
}

// PartInfo describes an uploaded part.
type PartInfo struct {
	Number       int
	ETag         string
	Size         int64
	LastModified time.Time
	Checksums    Checksums
}

// A CompletedPart is one entry of CompleteMultipartUpload's list.
type CompletedPart struct {
	Number    int
	ETag      string
	Checksums Checksums
}

// UploadInfo describes a multipart upload in progress.
type UploadInfo struct {
	Bucket, Key, UploadID string
	Initiated             time.Time
	Algorithm             string
}

// PartInput is one UploadPart.
type PartInput struct {
	Bucket, Key, UploadID string
	Number                int
	Body                  io.Reader
	Size                  int64
	ContentMD5            string
	Expected              *Checksums
}
